"""Lambda entry point: the partners service's events → the leads service's partnership projection."""

from leads.logic.projection import HANDLERS
from trellis.consumer import Consumer

# LeadsPartnershipsEventsRule (template.yaml) sends exactly these types to this consumer's queue.
PROJECTED_EVENTS = tuple(model.event_type for model in HANDLERS)

consumer = Consumer("leads-partnerships", HANDLERS)
handler = consumer.lambda_handler

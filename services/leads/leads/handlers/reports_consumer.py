"""Lambda entry point: the leads service's own lead and deal events → the report aggregates."""

from leads.logic.report_figures import HANDLERS
from trellis.consumer import Consumer

# LeadsReportsEventsRule (template.yaml) sends exactly these types to this consumer's queue.
REPORTED_EVENTS = tuple(model.event_type for model in HANDLERS)

consumer = Consumer("leads-reports", HANDLERS)
handler = consumer.lambda_handler

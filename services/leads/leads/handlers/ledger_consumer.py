"""Lambda entry point: the leads service's deal events → the commission ledger."""

from leads.logic.ledger import HANDLERS
from trellis.consumer import Consumer

# LeadsLedgerEventsRule (template.yaml) sends exactly these types to this consumer's queue.
LEDGER_EVENTS = tuple(model.event_type for model in HANDLERS)

consumer = Consumer("leads-ledger", HANDLERS)
handler = consumer.lambda_handler

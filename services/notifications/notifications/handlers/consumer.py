"""Lambda entry point: events from the bus (via the notifications queue) → the recipients directory,
in-app notifications, emails and webhook deliveries."""

from notifications.logic.delivery import HANDLED, handle
from trellis.consumer import Consumer
from trellis.events.catalogue import CATALOGUE

# It takes events of nearly every area, so it names their models through the catalogue.
consumer = Consumer("notifications", {CATALOGUE[event_type]: handle for event_type in HANDLED})
handler = consumer.lambda_handler

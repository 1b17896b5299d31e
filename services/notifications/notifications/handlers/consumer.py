"""Lambda entry point: events from the bus (via the notifications queue) → the recipients directory,
in-app notifications, emails and webhook deliveries."""

from notifications.logic.delivery import HANDLED, handle
from trellis.consumer import Consumer

consumer = Consumer("notifications", dict.fromkeys(HANDLED, handle))
handler = consumer.lambda_handler

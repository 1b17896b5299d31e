"""Lambda entry point: events from the bus (via the notifications queue) → in-app notifications."""

from notifications.logic.delivery import deliver
from notifications.logic.rules import RULES
from trellis.consumer import Consumer

consumer = Consumer("notifications", dict.fromkeys(RULES, deliver))
handler = consumer.lambda_handler

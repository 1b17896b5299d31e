"""Turning an event into stored notifications, exactly once per (event, recipient)."""

from __future__ import annotations

from datetime import UTC, datetime

from aws_lambda_powertools import Logger

from notifications.dal import inbox as dal
from notifications.logic.rules import RULES
from trellis.events import EventData, EventEnvelope

logger = Logger()


def notification_id(envelope: EventEnvelope) -> str:
    """Sorts by when the event happened; derived from the event, so redelivery maps to the same id."""
    return f"{envelope.occurred_at.astimezone(UTC):%Y%m%d%H%M%S%f}-{envelope.id}"


def deliver(envelope: EventEnvelope, data: EventData) -> int:
    """Store the in-app notifications an event produces; returns how many were new."""
    rule = RULES[envelope.type]
    added = 0
    for notice in rule(envelope, data):
        added += dal.add(dal.NewNotification(
            organisation_id=notice.organisation_id, user_id=notice.user_id,
            notification_id=notification_id(envelope), event_id=envelope.id, category=notice.category,
            title=notice.title, body=notice.body, link=notice.link, delivered_at=datetime.now(UTC),
        ))
    logger.info("notifications delivered", extra={"added": added})
    return added

"""Turning one bus event into what each person and organisation gets, exactly once.

For every event: first the directory learns what the event says about people and partnerships,
then the event's rule (if any) names its audiences, which the directory turns into people, and
each person gets the notification on the channels they chose:

- in-app: a notification in their inbox (its key is derived from the event: a redelivery adds
  nothing and counts nothing twice);
- email: a pending email queued under a key derived from the event and the person (sent by the
  email worker, retried there);
- webhooks: each organisation in the audience once, to its endpoints subscribed to the type
  (deliveries keyed by the event and the endpoint, retried with backoff by the webhook worker).

Every step is idempotent, so a failure anywhere raises, SQS redelivers the event, and the steps
already done are no-ops; an event that keeps failing goes to the DLQ without holding back others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger

from notifications.dal import inbox as inbox_dal
from notifications.dal.tables import RecipientItem
from notifications.logic import directory, email, webhooks
from notifications.logic.catalog import CATEGORIES, OutboundEvent
from notifications.logic.preferences import wants
from notifications.logic.rules import RULES, Audience, Message, Rule
from trellis.events import EventData, EventEnvelope
from trellis.settings import get_settings

logger = Logger()

# Every event type the consumer takes: the directory's and the rules'.
HANDLED = tuple(dict.fromkeys([*directory.UPDATES, *RULES]))


@dataclass
class Outcome:
    in_app: int = 0
    emails: int = 0
    webhooks: int = 0


def notification_id(envelope: EventEnvelope) -> str:
    """Sorts by when the event happened; derived from the event, so redelivery maps to the same id."""
    return f"{envelope.occurred_at.astimezone(UTC):%Y%m%d%H%M%S%f}-{envelope.id}"


def handle(envelope: EventEnvelope, data: EventData) -> Outcome:
    update = directory.UPDATES.get(envelope.type)
    if update is not None:
        update(envelope, data)
    rule = RULES.get(envelope.type)
    outcome = deliver(envelope, data, rule) if rule is not None else Outcome()
    logger.info("event handled", extra={"in_app": outcome.in_app, "emails": outcome.emails,
                                        "webhooks": outcome.webhooks})
    return outcome


def _absolute(link: str | None, side: str) -> str | None:
    if link is None:
        return None
    settings = get_settings()
    return f"{settings.portal_base_url if side == 'partner' else settings.app_base_url}{link}"


def deliver(envelope: EventEnvelope, data: EventData, rule: Rule) -> Outcome:
    outcome = Outcome()
    audiences = rule.audiences(envelope, data)
    if not audiences:
        return outcome
    message = rule.message(envelope, data)
    if rule.email_only:
        context = rule.email_context(envelope, data) if rule.email_context else {}
        for audience in audiences:
            if audience.address is None:
                continue
            outcome.emails += email.queue(email.EmailRequest(
                dedupe_key=f"{envelope.id}#{audience.address.strip().lower()}", to_address=audience.address,
                template="invitation", subject=message.title, context=context,
            ))
        return outcome

    told: set[tuple[str, str]] = set()
    organisations: list[str] = []
    for audience, (organisation, people) in directory.resolve(audiences).items():
        if organisation is not None and organisation not in organisations:
            organisations.append(organisation)
        for person in people:
            key = (person.organisation_id, person.user_id) if isinstance(person, RecipientItem) else person
            if key in told or _is_actor(envelope, *key):
                continue
            told.add(key)
            entry = person if isinstance(person, RecipientItem) else None
            _tell(envelope, rule, message, audience, key, entry, outcome)

    if rule.webhook_type is not None:
        for organisation in organisations:
            outcome.webhooks += webhooks.fan_out(OutboundEvent(
                organisation_id=organisation, event_type=rule.webhook_type, event_id=envelope.id,
                occurred_at=envelope.occurred_at,
                data={"title": message.title, "body": message.body, **(message.subject or {})},
            ))
    return outcome


def _is_actor(envelope: EventEnvelope, organisation: str, user: str) -> bool:
    actor = envelope.actor
    return actor.user_id == user and (actor.organisation_id in (None, organisation))


def _tell(
    envelope: EventEnvelope, rule: Rule, message: Message, audience: Audience, key: tuple[str, str],
    entry: RecipientItem | None, outcome: Outcome,
) -> None:
    organisation, user = key
    link = message.link(audience.side)
    if wants(entry, rule.category, "in_app"):
        outcome.in_app += inbox_dal.add(inbox_dal.NewNotification(
            organisation_id=organisation, user_id=user, notification_id=notification_id(envelope),
            event_id=envelope.id, category=rule.category, title=message.title, body=message.body,
            link=link, delivered_at=datetime.now(UTC),
        ))
    if entry is not None and entry.email and wants(entry, rule.category, "email"):
        context: dict[str, Any] = {
            "recipient_name": entry.name, "title": message.title, "body": message.body,
            "link": _absolute(link, audience.side), "category_label": CATEGORIES[rule.category].label,
        }
        outcome.emails += email.queue(email.EmailRequest(
            dedupe_key=f"{envelope.id}#{user}", to_address=entry.email, template="notification",
            subject=message.title, context=context, organisation_id=organisation, user_id=user,
            category=rule.category,
        ))

"""Outbound webhooks: an event of an organisation → a signed POST to each of its endpoints that wants it.

- ``fan_out`` (called by the notifications consumer) writes one delivery per enabled, subscribed
  endpoint — its key derived from the event, so a redelivered event adds none — and queues an attempt
  for each on the webhook queue.
- ``attempt`` (the webhook worker, one SQS message) makes the attempt the message names, once: the
  result is recorded on the condition that the delivery's attempt count is still the one read, so an
  SQS redelivery or a duplicate message cannot record it twice or fork the retries.
- Retries follow the Standard Webhooks (Svix) schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h,
  10 h, 10 h; then the delivery has failed. SQS delays a message 15 minutes at most, so a longer wait is
  a chain of messages; the delivery's ``next_attempt_at`` decides when the attempt is due.
- An endpoint whose attempts fail ``DISABLE_AFTER`` times in a row (across deliveries; a success resets
  the count) is disabled: no new deliveries, pending ones fail at their next attempt. Its owner
  enables it again through the API.
- Every attempt is signed (Standard Webhooks v1) with the endpoint's secret and, for 24 hours after a
  rotation, its previous one too; ``webhook-id`` is the delivery's, the same on every retry.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from pydantic_core import to_json

from notifications.dal import webhooks as dal
from notifications.dal.tables import WebhookDeliveryItem, WebhookEndpointItem
from notifications.logic import outbound_http, webhook_secrets
from notifications.logic.catalog import WEBHOOK_EVENT_TYPES, OutboundEvent
from trellis.events import EventEnvelope
from trellis.events.envelope import SYSTEM
from trellis.events.webhooks import WebhookEndpointDisabled
from trellis.settings import get_settings
from trellis.standard_webhooks import signed_headers

logger = Logger()

# The wait before each attempt: the first is immediate.
SCHEDULE: tuple[timedelta, ...] = (
    timedelta(0), timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
    timedelta(hours=5), timedelta(hours=10), timedelta(hours=10),
)
DISABLE_AFTER = 10
RETENTION = timedelta(days=30)
MAX_SQS_DELAY_SECONDS = 900
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_ERROR_LENGTH = 200
USER_AGENT = "Trellis-Webhooks/1"
_EVENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

# What time it is; tests move it.
clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


@dataclass(frozen=True)
class AttemptMessage:
    """The webhook queue's message: make attempt number ``attempt`` (0-based) of one delivery."""

    organisation_id: str
    endpoint_id: str
    delivery_id: str
    attempt: int

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, body: str) -> AttemptMessage:
        raw = json.loads(body)
        return cls(organisation_id=str(raw["organisation_id"]), endpoint_id=str(raw["endpoint_id"]),
                   delivery_id=str(raw["delivery_id"]), attempt=int(raw["attempt"]))


# ---------------------------------------------------------------- the queue


@cache
def _sqs() -> Any:
    import boto3  # in the Lambda runtime; only functions that queue attempts pay for it

    return boto3.client("sqs")


def _queue_url() -> str:
    url = get_settings().webhook_queue_url
    if not url:
        raise RuntimeError("WEBHOOK_QUEUE_URL is not set for this function")
    return url


def _delay(until: datetime | None, now: datetime) -> int:
    if until is None:
        return 0
    return min(MAX_SQS_DELAY_SECONDS, max(0, math.ceil((until - now).total_seconds())))


def _enqueue(messages: Sequence[tuple[AttemptMessage, int]]) -> None:
    """Send (message, delay in seconds) pairs; raise if any is not taken, so the caller is retried."""
    for start in range(0, len(messages), 10):
        chunk = messages[start:start + 10]
        entries = [{"Id": str(index), "MessageBody": message.to_json(), "DelaySeconds": delay}
                   for index, (message, delay) in enumerate(chunk)]
        response = _sqs().send_message_batch(QueueUrl=_queue_url(), Entries=entries)
        if response.get("Failed"):
            raise RuntimeError(f"the webhook queue refused {len(response['Failed'])} attempt messages")


# ---------------------------------------------------------------- fan-out


def delivery_id(event: OutboundEvent) -> str:
    """Sorts by when the event happened; derived from the event, so a redelivery maps to the same id."""
    return f"{event.occurred_at.astimezone(UTC):%Y%m%d%H%M%S%f}-{event.event_id}"


def payload(event: OutboundEvent) -> str:
    stamp = event.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return to_json({"type": event.event_type, "timestamp": stamp, "data": event.data}).decode()


def fan_out(event: OutboundEvent) -> int:
    """Queue a delivery of ``event`` to each enabled endpoint of ``event.organisation_id`` subscribed to
    ``event.event_type``. Idempotent: called again for the same (event_id, organisation) — an SQS
    redelivery of the bus event — it creates no second delivery (and re-enqueues deliveries still
    pending, so none is lost if the process died between the write and the enqueue). Returns how many
    deliveries are new.

    One Query (the organisation's endpoints), one TransactWriteItems (the deliveries), one
    SendMessageBatch per 10 deliveries.
    """
    if event.event_type not in WEBHOOK_EVENT_TYPES:
        raise ValueError(f"{event.event_type!r} is not a webhook event type")
    if not _EVENT_ID.fullmatch(event.event_id):
        raise ValueError(f"the event id {event.event_id!r} is not 1-64 letters, digits, - or _")
    targets = [endpoint for endpoint in dal.endpoints(event.organisation_id)
               if endpoint.enabled and event.event_type in (endpoint.event_types or [])]
    if not targets:
        return 0
    body = payload(event)
    if len(body.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"the webhook payload is larger than {MAX_PAYLOAD_BYTES // 1024} KiB")
    now = clock()
    identity = delivery_id(event)
    items = [dal.new_delivery(
        event.organisation_id, endpoint.endpoint_id, identity, event_id=event.event_id,
        event_type=event.event_type, payload=body, status="pending", attempts=0, next_attempt_at=now,
        created_at=now, expires_at=now + RETENTION,
    ) for endpoint in targets]
    existing = dal.add_deliveries(items)
    seen = {item.endpoint_id for item in existing}
    messages = [(AttemptMessage(event.organisation_id, item.endpoint_id, identity, 0), 0)
                for item in items if item.endpoint_id not in seen]
    messages += [(AttemptMessage(event.organisation_id, item.endpoint_id, identity, int(item.attempts)),
                  _delay(item.next_attempt_at, now))
                 for item in existing if item.status == "pending"]
    if messages:
        _enqueue(messages)
    added = len(items) - len(existing)
    logger.info("webhook deliveries queued", extra={"added": added, "requeued": len(messages) - added})
    return added


# ---------------------------------------------------------------- one attempt


@dataclass(frozen=True)
class _Outcome:
    ok: bool
    status_code: int | None = None
    error: str | None = None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR_LENGTH else text[:MAX_ERROR_LENGTH - 1] + "…"


def _secrets(endpoint: WebhookEndpointItem, now: datetime) -> list[str]:
    owner = {"organisation_id": endpoint.organisation_id, "endpoint_id": endpoint.endpoint_id}
    secrets = [webhook_secrets.unseal(endpoint.sealed_secret, **owner)]
    until = endpoint.previous_valid_until
    if endpoint.previous_sealed_secret and until is not None and until > now:
        secrets.append(webhook_secrets.unseal(endpoint.previous_sealed_secret, **owner))
    return secrets


def webhook_id(delivery: WebhookDeliveryItem) -> str:
    return f"msg_{delivery.delivery_id}"


def _call(endpoint: WebhookEndpointItem, delivery: WebhookDeliveryItem, now: datetime) -> _Outcome:
    body = delivery.payload.encode()
    headers = {
        **signed_headers(_secrets(endpoint, now), webhook_id=webhook_id(delivery),
                         timestamp=int(now.timestamp()), body=body),
        "content-type": "application/json", "user-agent": USER_AGENT,
    }
    try:
        answer = outbound_http.post(endpoint.url, headers=headers, body=body)
    except outbound_http.Refused as refused:
        return _Outcome(ok=False, error=_short(f"not sent: {refused}"))
    except Exception as error:  # any transport failure (DNS, TCP, TLS, timeout) is a failed attempt
        return _Outcome(ok=False, error=_short(f"{type(error).__name__}: {error}"))
    if 200 <= answer.status < 300:
        return _Outcome(ok=True, status_code=answer.status)
    said = answer.body.decode("utf-8", "replace").strip()
    return _Outcome(ok=False, status_code=answer.status,
                    error=_short(f"HTTP {answer.status}" + (f": {said}" if said else "")))


def _record(delivery: WebhookDeliveryItem, endpoint: WebhookEndpointItem | None, outcome: _Outcome,
            now: datetime, *, final_error: str | None = None) -> tuple[str, datetime | None]:
    """Write the attempt's result; returns the delivery's new status and when its next attempt is due."""
    number = int(delivery.attempts) + 1
    if outcome.ok:
        status, due = "succeeded", None
    elif final_error is not None or number >= len(SCHEDULE):
        status, due = "failed", None
    else:
        status, due = "pending", now + SCHEDULE[number]
    error = outcome.error if final_error is None else _short(f"{outcome.error}; {final_error}")
    item = WebhookDeliveryItem
    actions = [item.attempts.set(number), item.status.set(status), item.last_attempt_at.set(now),
               item.last_status_code.set(outcome.status_code) if outcome.status_code is not None
               else item.last_status_code.remove(),
               item.last_error.set(error) if error else item.last_error.remove(),
               item.next_attempt_at.set(due) if due else item.next_attempt_at.remove()]
    failures = WebhookEndpointItem.consecutive_failures
    endpoint_actions = [failures.set(0) if outcome.ok else failures.add(1)] if endpoint is not None else []
    dal.record_attempt(delivery, actions, endpoint, endpoint_actions)
    return status, due


def _finish_without_call(delivery: WebhookDeliveryItem, why: str, now: datetime) -> str:
    """A pending delivery that cannot be attempted any more (endpoint deleted or disabled)."""
    item = WebhookDeliveryItem
    try:
        dal.record_attempt(delivery, [item.status.set("failed"), item.last_error.set(why),
                                      item.next_attempt_at.remove()], None, [])
    except dal.Stale:
        return "stale"
    return "abandoned"


def _disable(endpoint: WebhookEndpointItem, error: str | None, now: datetime) -> None:
    failures = int(endpoint.consecutive_failures) + 1
    reason = f"{failures} failed attempts in a row" + (f"; the last: {error}" if error else "")
    envelope = EventEnvelope.new(WebhookEndpointDisabled(
        organisation_id=endpoint.organisation_id, endpoint_id=endpoint.endpoint_id, host=endpoint.host,
        consecutive_failures=failures, last_error=error,
    ), tenant_id=endpoint.organisation_id, actor=SYSTEM, occurred_at=now)
    item = WebhookEndpointItem
    try:
        dal.change_endpoint(
            endpoint, [item.enabled.set(False), item.disabled_at.set(now),
                       item.disabled_reason.set(_short(reason)), item.updated_at.set(now)], envelope,
            condition=(item.enabled == True) & (item.consecutive_failures >= DISABLE_AFTER),  # noqa: E712
        )
    except dal.Stale:
        return  # a success, an edit or another worker came first
    logger.warning("webhook endpoint disabled",
                   extra={"endpoint_id": endpoint.endpoint_id, "failures": failures})


def attempt(message: AttemptMessage, *, receive_count: int = 1) -> str:
    """Make the attempt ``message`` names if it is still due; returns what happened (for the log)."""
    now = clock()
    delivery, endpoint = dal.get_attempt(message.organisation_id, message.endpoint_id, message.delivery_id)
    if delivery is None or delivery.status != "pending":
        return "done"
    if message.attempt != delivery.attempts:
        # This message's attempt was recorded. If it is this very message coming back (the run that
        # recorded it died before queueing the next attempt), queue the next; a duplicate just stops.
        if message.attempt == int(delivery.attempts) - 1 and receive_count > 1:
            _enqueue([(AttemptMessage(message.organisation_id, message.endpoint_id, message.delivery_id,
                                      int(delivery.attempts)), _delay(delivery.next_attempt_at, now))])
            return "resumed"
        return "stale"
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        _enqueue([(message, _delay(delivery.next_attempt_at, now))])  # a wait longer than SQS delays
        return "waiting"
    if endpoint is None:
        return _finish_without_call(delivery, "the endpoint was deleted", now)
    if not endpoint.enabled:
        return _finish_without_call(delivery, "the endpoint is disabled", now)
    outcome = _call(endpoint, delivery, now)
    disabling = not outcome.ok and int(endpoint.consecutive_failures) + 1 >= DISABLE_AFTER
    try:
        status, due = _record(delivery, endpoint, outcome, now,
                              final_error="the endpoint was disabled" if disabling else None)
    except dal.Stale:
        return "stale"
    if disabling:
        _disable(endpoint, outcome.error, now)
    if status == "pending":
        _enqueue([(AttemptMessage(message.organisation_id, message.endpoint_id, message.delivery_id,
                                  int(delivery.attempts) + 1), _delay(due, now))])
    return status

"""Outbox publisher: table stream records → EventBridge PutEvents.

Entries go out in chunks of 10 (the PutEvents limit); only the entries EventBridge reports as
failed are sent again. Whatever still fails is reported as a batch item failure, so Lambda
retries the stream from that record (and, past its retries, sends it to the on-failure DLQ).
Delivery is at-least-once: consumers deduplicate on the envelope id.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import ValidationError

from trellis.events import EventEnvelope
from trellis.events.catalogue import CATALOGUE, eventbridge_entry
from trellis.outbox import OUTBOX_ENTITY
from trellis.settings import METRICS_NAMESPACE, get_settings

PUT_EVENTS_CHUNK = 10
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 0.05

logger = Logger()
metrics = Metrics(namespace=METRICS_NAMESPACE)

_events_client: Any = None


def events_client() -> Any:
    global _events_client
    if _events_client is None:
        import boto3  # deferred: only the publisher needs it, and only when there is something to send

        _events_client = boto3.client("events")
    return _events_client


def _outbox_entry(record: dict[str, Any], bus_name: str) -> dict[str, Any] | None:
    """The PutEvents entry for an outbox INSERT; None for any other stream record."""
    if record.get("eventName") != "INSERT":
        return None
    image = record.get("dynamodb", {}).get("NewImage", {})
    if image.get("entity", {}).get("S") != OUTBOX_ENTITY:
        return None
    envelope = EventEnvelope.model_validate(json.loads(image["detail"]["S"]))
    if envelope.type not in CATALOGUE:
        raise ValueError(f"event type {envelope.type!r} is not in the catalogue")
    return eventbridge_entry(envelope, bus_name=bus_name)


def put_events(
    entries: Sequence[dict[str, Any]], *, client: Any, sleep: Callable[[float], None] = time.sleep,
) -> list[int]:
    """Send entries in chunks of 10, resending only failed ones; return the indexes that never went out."""
    pending = list(range(len(entries)))
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
        still_failing: list[int] = []
        for start in range(0, len(pending), PUT_EVENTS_CHUNK):
            chunk = pending[start : start + PUT_EVENTS_CHUNK]
            try:
                response = client.put_events(Entries=[entries[i] for i in chunk])
            except Exception:
                logger.exception("PutEvents call failed", extra={"entries": len(chunk), "attempt": attempt + 1})
                still_failing.extend(chunk)
                continue
            if response.get("FailedEntryCount", 0):
                for index, result in zip(chunk, response["Entries"], strict=True):
                    if result.get("ErrorCode"):
                        still_failing.append(index)
        pending = still_failing
        if not pending:
            break
    return pending


def handle_stream_batch(event: dict[str, Any], context: Any = None, *, client: Any = None) -> dict[str, Any]:
    bus_name = get_settings().event_bus_name
    records: list[dict[str, Any]] = event.get("Records", [])
    entries: list[dict[str, Any]] = []
    entry_records: list[int] = []
    failed_records: list[int] = []
    for position, record in enumerate(records):
        try:
            entry = _outbox_entry(record, bus_name)
        except (KeyError, ValueError, ValidationError):
            # A malformed outbox item can never be sent: fail it so it ends in the on-failure DLQ.
            logger.exception("unpublishable outbox record", extra={"sequence": _sequence(record)})
            failed_records.append(position)
            continue
        if entry is not None:
            entries.append(entry)
            entry_records.append(position)

    if entries:
        unsent = put_events(entries, client=client or events_client())
        failed_records.extend(entry_records[i] for i in unsent)
        metrics.add_metric(name="EventsPublished", unit=MetricUnit.Count, value=len(entries) - len(unsent))
        if unsent:
            metrics.add_metric(name="EventsNotPublished", unit=MetricUnit.Count, value=len(unsent))

    if not failed_records:
        return {"batchItemFailures": []}
    # Stream semantics: Lambda resumes from the lowest reported sequence number.
    first = min(failed_records)
    return {"batchItemFailures": [{"itemIdentifier": _sequence(records[first])}]}


def _sequence(record: dict[str, Any]) -> str:
    return str(record.get("dynamodb", {}).get("SequenceNumber", ""))


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point every service's publisher function uses."""
    return handle_stream_batch(event, context)

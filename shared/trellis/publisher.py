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
from datetime import datetime
from typing import Any

import botocore.session
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from trellis.keys import OUTBOX_ENTITY
from trellis.settings import METRICS_NAMESPACE, get_settings

PUT_EVENTS_CHUNK = 10
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 0.05

logger = Logger()
metrics = Metrics(namespace=METRICS_NAMESPACE)

_events_client: Any = None


def events_client() -> Any:
    """The EventBridge client, created on first use (botocore alone: boto3's resource layer is not needed)."""
    global _events_client
    if _events_client is None:
        _events_client = botocore.session.get_session().create_client("events")
    return _events_client


def _outbox_entry(record: dict[str, Any], bus_name: str) -> dict[str, Any] | None:
    """The PutEvents entry for an outbox INSERT; None for any other stream record.

    The envelope was validated when it was written (in the same transaction as its state), and
    consumers validate it again on arrival; here it is only checked to be an envelope at all.
    """
    if record.get("eventName") != "INSERT":
        return None
    image = record.get("dynamodb", {}).get("NewImage", {})
    if image.get("entity", {}).get("S") != OUTBOX_ENTITY:
        return None
    detail_text = image["detail"]["S"]
    detail = json.loads(detail_text)
    if not isinstance(detail, dict) or not {"id", "type", "occurred_at", "tenant_id"} <= detail.keys():
        raise ValueError("the outbox detail is not an event envelope")
    return {
        "Source": image["source"]["S"],
        "DetailType": image["detail_type"]["S"],
        "Detail": detail_text,
        "EventBusName": bus_name,
        "Time": datetime.fromisoformat(detail["occurred_at"]),
    }


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
                logger.exception(
                    "PutEvents call failed", extra={"entries": len(chunk), "attempt": attempt + 1},
                )
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
        except (KeyError, TypeError, ValueError):
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

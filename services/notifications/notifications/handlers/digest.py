"""Lambda entry points of digests.

- ``handler``: the daily schedule (EventBridge Scheduler) - queues one step per (frequency, shard).
- ``worker``: the digest queue - runs a step (one page of subscribers) and queues its continuation.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from notifications.logic import digests
from trellis.settings import METRICS_NAMESPACE

logger = Logger()
metrics = Metrics(namespace=METRICS_NAMESPACE)
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@cache
def _sqs() -> Any:
    return boto3.client("sqs")


def _queue_url() -> str:
    import os

    url = os.environ.get("DIGEST_QUEUE_URL")
    if not url:
        raise RuntimeError("DIGEST_QUEUE_URL is not set for this function")
    return url


def _send(steps: list[digests.Step]) -> None:
    for first in range(0, len(steps), 10):
        batch = steps[first:first + 10]
        entries = [{"Id": str(index), "MessageBody": json.dumps(step.to_message())}
                   for index, step in enumerate(batch)]
        response = _sqs().send_message_batch(QueueUrl=_queue_url(), Entries=entries)
        if response.get("Failed"):
            raise RuntimeError(f"{len(response['Failed'])} digest steps were not queued; retried as a whole")


def _run_at(event: dict[str, Any]) -> datetime:
    text = str(event.get("scheduled_for") or event.get("time") or "")
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00")) if text else datetime.now(UTC)
    except ValueError:
        logger.warning("unreadable schedule time; using now", extra={"scheduled_for": text})
        when = datetime.now(UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    run_at = _run_at(event)
    steps = digests.fan_out(run_at)
    _send(steps)
    metrics.add_metric(name="DigestRuns", unit=MetricUnit.Count, value=1)
    logger.info("digest run queued", extra={"run_at": run_at.isoformat(), "steps": len(steps)})
    return {"run_at": run_at.isoformat(), "steps": len(steps)}


def _step(record: SQSRecord) -> None:
    step = digests.Step.from_message(json.loads(record.body))
    outcome = digests.run_step(step)
    if outcome.next is not None:
        _send([outcome.next])
    metrics.add_metric(name="DigestsQueued", unit=MetricUnit.Count, value=outcome.sent)
    logger.info("digest step", extra={"frequency": step.frequency, "shard": step.shard,
                                      "subscribers": outcome.subscribers, "sent": outcome.sent})


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def worker(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=_step, processor=processor,
                                         context=context))

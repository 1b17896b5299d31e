"""Lambda entry point for the digest schedule (EventBridge Scheduler).

The schedule, its permissions and this entry point are in place; what a digest contains
(per-user frequency, the summary, batched fan-out) is issue #5. Until then a run only records
that it happened, so the schedule can be watched end to end.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from trellis.settings import METRICS_NAMESPACE

logger = Logger()
metrics = Metrics(namespace=METRICS_NAMESPACE)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    scheduled_for = str(event.get("scheduled_for") or event.get("time") or "")
    metrics.add_metric(name="DigestRuns", unit=MetricUnit.Count, value=1)
    logger.info("digest run", extra={"scheduled_for": scheduled_for})
    return {"scheduled_for": scheduled_for, "sent": 0}

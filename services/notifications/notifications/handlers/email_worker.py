"""Lambda entry point: the email worker (NotificationsEmailQueue → render → SES).

Each message names one queued email. A message whose send failed for now is reported in
``batchItemFailures``: SQS redelivers only it (after the visibility timeout) and, after
``maxReceiveCount``, moves it to the DLQ without holding back the rest of the batch.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from notifications.logic import email_delivery
from trellis.settings import METRICS_NAMESPACE

logger = Logger()
metrics = Metrics(namespace=METRICS_NAMESPACE)
processor = BatchProcessor(event_type=EventType.SQS)
_METRICS = {"sent": "EmailsSent", "failed": "EmailsRejected"}
_RECORD_KEYS = ["email_template", "email_category", "tenant_id"]


def send_one(record: SQSRecord) -> str:
    try:
        outcome = email_delivery.send(record.body)
    except Exception:
        metrics.add_metric(name="EmailSendRetries", unit=MetricUnit.Count, value=1)
        raise
    finally:
        logger.remove_keys(_RECORD_KEYS)
    if outcome in _METRICS:
        metrics.add_metric(name=_METRICS[outcome], unit=MetricUnit.Count, value=1)
    return outcome


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(
        event=event, record_handler=send_one, processor=processor, context=context,
    ))

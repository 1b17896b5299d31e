"""Lambda entry point: the webhook queue → one delivery attempt per message (partial batch failures)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from notifications.logic.webhooks import AttemptMessage, attempt

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


def handle_record(record: SQSRecord) -> None:
    message = AttemptMessage.from_json(record.body)
    outcome = attempt(message, receive_count=int(record.attributes.approximate_receive_count or 1))
    logger.info("webhook attempt", extra={
        "tenant_id": message.organisation_id, "endpoint_id": message.endpoint_id,
        "delivery_id": message.delivery_id, "attempt": message.attempt, "outcome": outcome,
    })


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=handle_record, processor=processor,
                                         context=context))

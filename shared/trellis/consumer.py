"""Event consumers: SQS batches of EventBridge events → one idempotent call per event.

Each record is validated (envelope, then the model of its type) and handed to the consumer's function
once per event id (Powertools idempotency). A consumer names the event models it takes, so it imports
only their areas' modules, never the whole catalogue. A record that fails is reported
in ``batchItemFailures``: SQS redelivers only it, and after ``maxReceiveCount`` it lands in the DLQ
without holding back the rest of the batch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from trellis.events import EventData, EventEnvelope, EventHandler
from trellis.settings import get_settings

logger = Logger()

IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600


class Consumer:
    """One consumer Lambda: a table of event model → function, run once per event id."""

    def __init__(self, name: str, handlers: Mapping[type[EventData], EventHandler]):
        self.name = name
        self.models = {model.event_type: model for model in handlers}
        self.handlers = {model.event_type: handle for model, handle in handlers.items()}
        self.processor = BatchProcessor(event_type=EventType.SQS)
        self.config = IdempotencyConfig(
            event_key_jmespath="id", expires_after_seconds=IDEMPOTENCY_TTL_SECONDS,
        )
        self._context: Any = None

    @cache  # noqa: B019 - one per consumer instance, which lives as long as the module
    def _once(self) -> Callable[..., Any]:
        """The idempotent dispatcher, built at first use so the table name is read then, not at import."""
        persistence = DynamoDBPersistenceLayer(table_name=_idempotency_table())

        @idempotent_function(
            data_keyword_argument="event", persistence_store=persistence, config=self.config,
            key_prefix=self.name,
        )
        def dispatch(event: dict[str, Any]) -> dict[str, str]:
            envelope = EventEnvelope.model_validate(event)
            self.handlers[envelope.type](envelope, self.parse(envelope))
            return {"handled": envelope.id}

        return dispatch

    def handle_record(self, record: SQSRecord) -> None:
        body = json.loads(record.body)
        envelope = EventEnvelope.model_validate(body["detail"])
        logger.thread_safe_append_keys(
            tenant_id=envelope.tenant_id, event_id=envelope.id, event_type=envelope.type,
        )
        try:
            if envelope.type not in self.handlers:
                # A rule sent us a type we do not handle: acknowledge, never retry forever.
                logger.warning("no handler for event type; acknowledged")
                return
            self.parse(envelope)  # validate before taking the idempotency record
            self._once()(event=envelope.model_dump(mode="json"))
        finally:
            logger.thread_safe_remove_keys(["tenant_id", "event_id", "event_type"])

    def parse(self, envelope: EventEnvelope) -> EventData:
        """The envelope's data as the model of its type (pydantic's ValidationError when it is not one)."""
        return self.models[envelope.type].model_validate(envelope.data)

    def remaining_seconds(self) -> float | None:
        """What is left of the running invocation (None outside Lambda), for handlers that work in
        bounded steps and leave the rest to a redelivery."""
        if self._context is None:
            return None
        return float(self._context.get_remaining_time_in_millis()) / 1000

    def lambda_handler(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.config.register_lambda_context(context)
        self._context = context
        response = process_partial_response(
            event=event, record_handler=self.handle_record, processor=self.processor, context=context,
        )
        return dict(response)


def _idempotency_table() -> str:
    name = get_settings().idempotency_table_name
    if not name:
        raise RuntimeError("IDEMPOTENCY_TABLE_NAME is not set for this consumer")
    return name

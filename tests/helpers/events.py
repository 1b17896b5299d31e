"""Events as the bus delivers them: EventBridge events in SQS message bodies."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tests.helpers.aws import ACCOUNT, REGION
from trellis.events import SYSTEM, Actor, EventEnvelope
from trellis.events.catalogue import eventbridge_entry
from trellis.events.partners import PartnershipStageChanged


def eventbridge_event(envelope: EventEnvelope, *, bus_name: str = "trellis") -> dict[str, Any]:
    """The event EventBridge hands a target for the envelope's PutEvents entry."""
    entry = eventbridge_entry(envelope, bus_name=bus_name)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": ACCOUNT,
        "time": envelope.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [],
        "detail": json.loads(entry["Detail"]),
    }


def sqs_message(body: dict[str, Any] | str, *, receive_count: int = 1) -> dict[str, Any]:
    """A received SQS message (as ReceiveMessage returns it) carrying the body."""
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "MessageId": str(uuid.uuid4()),
        "ReceiptHandle": uuid.uuid4().hex,
        "Body": text,
        "Attributes": {"ApproximateReceiveCount": str(receive_count)},
    }


def stage_changed(
    *,
    organisation_id: str = "acme",
    assigned: Sequence[str] = ("u-ben",),
    actor: Actor | None = None,
    company_name: str = "Northwind",
    partnership_id: str = "p1",
    from_stage: str = "recruitment",
    to_stage: str = "onboarding",
    occurred_at: datetime | None = None,
) -> EventEnvelope:
    data = PartnershipStageChanged(
        partnership_id=partnership_id,
        company_name=company_name,
        from_stage=from_stage,
        to_stage=to_stage,
        assigned_user_ids=list(assigned),
    )
    return EventEnvelope.new(data, tenant_id=organisation_id, actor=actor or SYSTEM, occurred_at=occurred_at)

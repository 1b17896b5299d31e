"""Every event type Trellis publishes, with an example of each (used by the contract tests)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from trellis.errors import ValidationFailed
from trellis.events.envelope import EventData, EventEnvelope
from trellis.events.partners import PartnershipCreated, PartnershipStageChanged

_EXAMPLE_IDS = {"partnership_id": "7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00", "user_id": "u-manager"}

EXAMPLES: Mapping[type[EventData], EventData] = MappingProxyType({
    PartnershipCreated: PartnershipCreated(
        partnership_id=_EXAMPLE_IDS["partnership_id"], company_name="Northwind Consulting",
        partnership_type="reseller", stage="recruitment", country="DE", website_domain="northwind.example",
        assigned_user_ids=[_EXAMPLE_IDS["user_id"]],
    ),
    PartnershipStageChanged: PartnershipStageChanged(
        partnership_id=_EXAMPLE_IDS["partnership_id"], company_name="Northwind Consulting",
        from_stage="recruitment", to_stage="onboarding", assigned_user_ids=[_EXAMPLE_IDS["user_id"]],
    ),
})

CATALOGUE: Mapping[str, type[EventData]] = MappingProxyType({model.event_type: model for model in EXAMPLES})


def parse_data(envelope: EventEnvelope) -> EventData:
    """Validate an envelope's ``data`` against the catalogue model for its type."""
    model = CATALOGUE.get(envelope.type)
    if model is None:
        raise ValidationFailed(f"unknown event type {envelope.type!r}", field="type")
    return model.model_validate(envelope.data)


def eventbridge_entry(envelope: EventEnvelope, *, bus_name: str) -> dict[str, Any]:
    model = CATALOGUE[envelope.type]
    return {
        "Source": model.source,
        "DetailType": envelope.type,
        "Detail": envelope.model_dump_json(),
        "EventBusName": bus_name,
        "Time": envelope.occurred_at,
    }

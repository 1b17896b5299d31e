"""Every event type Trellis publishes, with an example of each (used by the contract tests)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from trellis.errors import ValidationFailed
from trellis.events import (
    commissions,
    crm,
    crm_webhooks,
    journey,
    leads,
    ledger,
    network,
    organisations,
    partners,
    portal,
    profiles,
    referral_codes,
    webhooks,
)
from trellis.events.envelope import EventData, EventEnvelope

# One module per area; each lists an example of every event it defines.
_MODULES = (
    partners, organisations, profiles, commissions, network, journey, crm, leads, ledger, referral_codes,
    crm_webhooks, portal, webhooks,
)

EXAMPLES: Mapping[type[EventData], EventData] = MappingProxyType(
    {type(example): example for module in _MODULES for example in module.EXAMPLES},
)

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

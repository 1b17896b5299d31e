"""Every event type Trellis publishes, with an example of each (used by the contract tests).

Importing it defines every area's event models but builds none of their validators (``defer_build``);
``examples()`` builds them all, so only tests and tools call it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
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

# One module per area; each lists the events it defines (EVENTS) and an example of each (examples()).
_MODULES = (
    partners, organisations, profiles, commissions, network, journey, crm, leads, ledger, referral_codes,
    crm_webhooks, portal, webhooks,
)

CATALOGUE: Mapping[str, type[EventData]] = MappingProxyType(
    {model.event_type: model for module in _MODULES for model in module.EVENTS},
)


@cache
def examples() -> Mapping[type[EventData], EventData]:
    """An example of every event type, by model."""
    return MappingProxyType({type(example): example for module in _MODULES for example in module.examples()})


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

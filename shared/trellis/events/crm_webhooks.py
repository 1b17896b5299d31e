"""Inbound CRM webhooks of the leads service (source ``trellis.leads``): their settings and the external
ids that link an organisation's deals to the records of its CRM. Never a secret in an event.

The deal changes a webhook makes are ordinary ``DealUpdated`` / ``DealWon`` events whose actor is a
system actor of the deal's owner organisation.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from trellis.events.envelope import EventData

SOURCE = "trellis.leads"

WebhookSystem = Literal["hubspot", "generic"]


class CrmWebhookChanged(EventData):
    """An organisation set up, re-keyed or removed one of its inbound webhooks (tenant: that organisation)."""

    event_type: ClassVar[str] = "CrmWebhookChanged"
    source: ClassVar[str] = SOURCE

    organisation_id: str
    system: WebhookSystem
    change: Literal["configured", "secret_rotated", "removed"]


class ExternalIdRef(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    system: str
    external_id: str


class DealExternalIdsSet(EventData):
    """The owner company linked its deal to these CRM records (tenant: the deal's program)."""

    event_type: ClassVar[str] = "DealExternalIdsSet"
    source: ClassVar[str] = SOURCE

    deal_id: str
    owner_organisation_id: str
    external_ids: list[ExternalIdRef] = Field(default_factory=list)

EVENTS: tuple[type[EventData], ...] = (
    CrmWebhookChanged,
    DealExternalIdsSet,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    return (
        CrmWebhookChanged(organisation_id="northwind", system="hubspot", change="configured"),
        DealExternalIdsSet(deal_id="0194f0a0c1d2e3f4a5b6c7d8e9f0a1b3", owner_organisation_id="northwind",
                           external_ids=[ExternalIdRef(system="hubspot", external_id="18342671")]),
    )

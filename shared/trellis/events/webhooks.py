"""Outbound webhook endpoints of the notifications service (source ``trellis.notifications``).

Tenant: the organisation that owns the endpoint. Never a secret in an event — not the signing secret
and not the endpoint's full URL either (paths and queries often carry tokens): only its host.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from trellis.events.envelope import EventData

SOURCE = "trellis.notifications"


class _Endpoint(EventData):
    organisation_id: str
    endpoint_id: str


class WebhookEndpointCreated(_Endpoint):
    event_type: ClassVar[str] = "WebhookEndpointCreated"
    source: ClassVar[str] = SOURCE

    host: str
    event_types: list[str]


class WebhookEndpointUpdated(_Endpoint):
    event_type: ClassVar[str] = "WebhookEndpointUpdated"
    source: ClassVar[str] = SOURCE

    host: str
    event_types: list[str]
    changed: list[Literal["url", "event_types", "description"]]


class WebhookEndpointSecretRotated(_Endpoint):
    """A new signing secret; the previous one keeps signing alongside until ``previous_valid_until``."""

    event_type: ClassVar[str] = "WebhookEndpointSecretRotated"
    source: ClassVar[str] = SOURCE

    previous_valid_until: datetime


class WebhookEndpointDeleted(_Endpoint):
    event_type: ClassVar[str] = "WebhookEndpointDeleted"
    source: ClassVar[str] = SOURCE


class WebhookEndpointDisabled(_Endpoint):
    """Trellis stopped calling the endpoint after repeated failures (the actor is the system)."""

    event_type: ClassVar[str] = "WebhookEndpointDisabled"
    source: ClassVar[str] = SOURCE

    host: str
    consecutive_failures: int
    last_error: str | None = None


class WebhookEndpointEnabled(_Endpoint):
    """Its owner turned the endpoint back on."""

    event_type: ClassVar[str] = "WebhookEndpointEnabled"
    source: ClassVar[str] = SOURCE


_ENDPOINT = {"organisation_id": "northwind", "endpoint_id": "0194f0a0c1d2e3f4a5b6c7d8e9f0a1b4"}

EVENTS: tuple[type[EventData], ...] = (
    WebhookEndpointCreated,
    WebhookEndpointUpdated,
    WebhookEndpointSecretRotated,
    WebhookEndpointDeleted,
    WebhookEndpointDisabled,
    WebhookEndpointEnabled,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    return (
        WebhookEndpointCreated(**_ENDPOINT, host="hooks.northwind.example", event_types=["lead.received"]),
        WebhookEndpointUpdated(**_ENDPOINT, host="hooks.northwind.example",
                               event_types=["lead.received", "deal.won"], changed=["event_types"]),
        WebhookEndpointSecretRotated(**_ENDPOINT,
                                     previous_valid_until=datetime.fromisoformat("2026-03-03T10:00Z")),
        WebhookEndpointDeleted(**_ENDPOINT),
        WebhookEndpointDisabled(**_ENDPOINT, host="hooks.northwind.example", consecutive_failures=10,
                                last_error="HTTP 503"),
        WebhookEndpointEnabled(**_ENDPOINT),
    )

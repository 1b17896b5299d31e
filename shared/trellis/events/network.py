"""Distributor network events of the partners service (source ``trellis.partners``).

A chain lists distributor partnership ids from the nearest upward: the distributor itself, then
the distributors it is assigned under (level by level). Leads use it to attribute a reseller's
work to every distributor above it.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from trellis.events.envelope import EventData

SOURCE = "trellis.partners"


class DistributorModuleToggled(EventData):
    """The vendor switched its distributor module on or off; existing assignments stay as they are."""

    event_type: ClassVar[str] = "DistributorModuleToggled"
    source: ClassVar[str] = SOURCE

    vendor_organisation_id: str
    enabled: bool


class ResellerAssigned(EventData):
    """A reseller partnership now sells through a distributor partnership (of the same vendor)."""

    event_type: ClassVar[str] = "ResellerAssigned"
    source: ClassVar[str] = SOURCE

    vendor_organisation_id: str
    distributor_id: str
    reseller_id: str
    assigned_at: datetime
    chain: list[str]


class ResellerUnassigned(EventData):
    """The assignment ended; what the reseller did before ``removed_at`` stays attributed to ``chain``."""

    event_type: ClassVar[str] = "ResellerUnassigned"
    source: ClassVar[str] = SOURCE

    vendor_organisation_id: str
    distributor_id: str
    reseller_id: str
    assigned_at: datetime
    removed_at: datetime
    chain: list[str]


_VENDOR = "acme"
_MASTER = "0c1d2e3f405162738495a6b7c8d9eaf0"
_DISTRIBUTOR = "9a8b7c6d5e4f30211203f4e5d6c7b8a9"
_RESELLER = "7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00"
_ASSIGNED = datetime.fromisoformat("2025-03-04T05:06:07+00:00")
_REMOVED = datetime.fromisoformat("2025-09-01T08:00:00+00:00")

EVENTS: tuple[type[EventData], ...] = (
    DistributorModuleToggled,
    ResellerAssigned,
    ResellerUnassigned,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    return (
        DistributorModuleToggled(vendor_organisation_id=_VENDOR, enabled=True),
        ResellerAssigned(
            vendor_organisation_id=_VENDOR, distributor_id=_DISTRIBUTOR, reseller_id=_RESELLER,
            assigned_at=_ASSIGNED, chain=[_DISTRIBUTOR, _MASTER],
        ),
        ResellerUnassigned(
            vendor_organisation_id=_VENDOR, distributor_id=_DISTRIBUTOR, reseller_id=_RESELLER,
            assigned_at=_ASSIGNED, removed_at=_REMOVED, chain=[_DISTRIBUTOR, _MASTER],
        ),
    )

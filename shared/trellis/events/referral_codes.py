"""Referral codes of the leads service (source ``trellis.leads``).

A vendor issues each partnership one referral code at a time (with a link to the public referral
form); issuing again rotates it, and the code it replaces stops working. The tenant is the vendor.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from trellis.events.envelope import EventData

SOURCE = "trellis.leads"


class ReferralCodeIssued(EventData):
    event_type: ClassVar[str] = "ReferralCodeIssued"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    partner_organisation_id: str
    code: str
    link: str
    replaced_code: str | None = None  # a rotation: the code that stopped working


class ReferralCodeRevoked(EventData):
    event_type: ClassVar[str] = "ReferralCodeRevoked"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    partner_organisation_id: str
    code: str
    revoked_at: datetime


_PARTNERSHIP = "a0000000000000000000000000000001"

EVENTS: tuple[type[EventData], ...] = (
    ReferralCodeIssued,
    ReferralCodeRevoked,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    return (
        ReferralCodeIssued(partnership_id=_PARTNERSHIP, partner_organisation_id="northwind", code="K7QM2XPA",
                           link="https://app.trellis.example/portal/refer/K7QM2XPA",
                           replaced_code="H3RT9WZE"),
        ReferralCodeRevoked(partnership_id=_PARTNERSHIP, partner_organisation_id="northwind", code="K7QM2XPA",
                            revoked_at=datetime.fromisoformat("2026-03-02T10:00:00+00:00")),
    )

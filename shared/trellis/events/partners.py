"""Partnership events of the partners service (source ``trellis.partners``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from trellis.events.envelope import EventData

SOURCE = "trellis.partners"


class PartnershipCreated(EventData):
    event_type: ClassVar[str] = "PartnershipCreated"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str
    partnership_type: str
    stage: str
    country: str | None = None
    website_domain: str | None = None
    assigned_user_ids: list[str] = Field(default_factory=list)


class PartnershipStageChanged(EventData):
    event_type: ClassVar[str] = "PartnershipStageChanged"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str
    from_stage: str
    to_stage: str
    assigned_user_ids: list[str] = Field(default_factory=list)


_PARTNERSHIP_ID = "7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00"

EXAMPLES: tuple[EventData, ...] = (
    PartnershipCreated(
        partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting", partnership_type="reseller",
        stage="recruitment", country="DE", website_domain="northwind.example",
        assigned_user_ids=["u-manager"],
    ),
    PartnershipStageChanged(
        partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting", from_stage="recruitment",
        to_stage="onboarding", assigned_user_ids=["u-manager"],
    ),
)

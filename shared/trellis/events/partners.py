"""Events the partners service publishes (source ``trellis.partners``)."""

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

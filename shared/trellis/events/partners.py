"""Partnership events of the partners service (source ``trellis.partners``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

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
    tier: str | None = None
    category: str | None = None


class PartnershipStageChanged(EventData):
    event_type: ClassVar[str] = "PartnershipStageChanged"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str
    from_stage: str
    to_stage: str
    assigned_user_ids: list[str] = Field(default_factory=list)


class FieldChange(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    field: str
    before: str | None = None
    after: str | None = None


class PartnershipUpdated(EventData):
    """Profile fields changed (name, type, website, logo, country, integration links)."""

    event_type: ClassVar[str] = "PartnershipUpdated"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str
    partnership_type: str
    country: str | None = None
    website_domain: str | None = None
    # The profile after the change, whole: consumers keep the newest by occurred_at.
    tier: str | None = None
    category: str | None = None
    changes: list[FieldChange]


class PartnershipArchived(EventData):
    event_type: ClassVar[str] = "PartnershipArchived"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str


class PartnershipRestored(EventData):
    event_type: ClassVar[str] = "PartnershipRestored"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str


class PartnershipDeleted(EventData):
    event_type: ClassVar[str] = "PartnershipDeleted"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str
    partner_organisation_id: str | None = None


class PartnershipUserAssigned(EventData):
    """A vendor user now looks after the partnership (they are notified)."""

    event_type: ClassVar[str] = "PartnershipUserAssigned"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str
    user_id: str
    assigned_user_ids: list[str]


class PartnershipUserUnassigned(EventData):
    event_type: ClassVar[str] = "PartnershipUserUnassigned"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str
    user_id: str
    assigned_user_ids: list[str]


class ProgramEntryData(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    id: str
    name: str


class ProgramListUpdated(EventData):
    """A vendor saved one list of its program: the stage pipeline, tiers, categories or tags."""

    event_type: ClassVar[str] = "ProgramListUpdated"
    source: ClassVar[str] = SOURCE

    list_name: str
    entries: list[ProgramEntryData]
    added: list[str] = Field(default_factory=list)
    renamed: list[str] = Field(default_factory=list)


_PARTNERSHIP_ID = "7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00"

EVENTS: tuple[type[EventData], ...] = (
    PartnershipCreated,
    PartnershipStageChanged,
    PartnershipUpdated,
    PartnershipArchived,
    PartnershipRestored,
    PartnershipDeleted,
    PartnershipUserAssigned,
    PartnershipUserUnassigned,
    ProgramListUpdated,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    return (
        PartnershipCreated(
            partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting", partnership_type="reseller",
            stage="recruitment", country="DE", website_domain="northwind.example",
            assigned_user_ids=["u-manager"], tier="gold", category="consulting",
        ),
        PartnershipStageChanged(
            partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting", from_stage="recruitment",
            to_stage="onboarding", assigned_user_ids=["u-manager"],
        ),
        PartnershipUpdated(
            partnership_id=_PARTNERSHIP_ID, company_name="Northwind GmbH", partnership_type="reseller",
            country="DE", website_domain="northwind.example", tier="gold", category="consulting",
            changes=[
                FieldChange(field="company_name", before="Northwind Consulting", after="Northwind GmbH"),
            ],
        ),
        PartnershipArchived(partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting"),
        PartnershipRestored(partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting"),
        PartnershipDeleted(partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting"),
        PartnershipUserAssigned(
            partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting", user_id="u-manager",
            assigned_user_ids=["u-manager"],
        ),
        PartnershipUserUnassigned(
            partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting", user_id="u-manager",
            assigned_user_ids=[],
        ),
        ProgramListUpdated(
            list_name="tiers", added=["silver"], renamed=[],
            entries=[ProgramEntryData(id="gold", name="Gold"), ProgramEntryData(id="silver", name="Silver")],
        ),
    )

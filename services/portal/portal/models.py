"""What the portal API accepts and returns (shared shapes; each room adds its own below its section)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Side = Literal["vendor", "partner", "both"]
PartnershipType = Literal["referral", "reseller", "implementation", "technology", "distributor"]
PartnerRole = Literal["partner_admin", "sales", "marketing", "project_manager", "executive"]
# ids of the vendor's program lists (stages, tiers, categories), as the partners service allows them
ProgramId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,64}$")]
EntityId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
MAX_AUDIENCE_VALUES = 50


class Request(BaseModel):
    """Base of every request body: unknown fields are refused (no mass assignment)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Me(BaseModel):
    user_id: str
    organisation_id: str
    email: str | None
    roles: list[str]
    side: Side


class Audience(Request):
    """Who among a vendor's partners sees a piece of content. Every list left empty admits everyone;
    a partner must match every list that is not. ``min_tier``: that tier or a higher one (the
    program's tier order, first = highest)."""

    tiers: list[ProgramId] = Field(default_factory=list, max_length=MAX_AUDIENCE_VALUES)
    min_tier: ProgramId | None = None
    stages: list[ProgramId] = Field(default_factory=list, max_length=MAX_AUDIENCE_VALUES)
    categories: list[ProgramId] = Field(default_factory=list, max_length=MAX_AUDIENCE_VALUES)
    partnership_types: list[PartnershipType] = Field(default_factory=list, max_length=5)
    partner_roles: list[PartnerRole] = Field(default_factory=list, max_length=5)

    def admits(
        self, *, tier: str | None, stage: str | None, category: str | None, partnership_type: str | None,
        roles: set[str], tier_order: list[str],
    ) -> bool:
        if self.tiers and tier not in self.tiers:
            return False
        if self.min_tier is not None:
            if tier is None or tier not in tier_order or self.min_tier not in tier_order:
                return False  # an unknown tier is never "high enough"
            if tier_order.index(tier) > tier_order.index(self.min_tier):
                return False
        if self.stages and stage not in self.stages:
            return False
        if self.categories and category not in self.categories:
            return False
        if self.partnership_types and partnership_type not in self.partnership_types:
            return False
        return not (self.partner_roles and roles.isdisjoint(self.partner_roles))


class PortalProgram(BaseModel):
    """One program the partner organisation is in, as its portal home lists it."""

    partnership_id: str
    vendor_organisation_id: str
    vendor_organisation_name: str | None
    company_name: str | None
    partnership_type: str | None
    stage: str | None
    tier: str | None
    category: str | None
    stage_name: str | None = Field(default=None, description="The vendor's name for the stage")
    tier_name: str | None = Field(default=None, description="The vendor's name for the tier")
    category_name: str | None = Field(default=None, description="The vendor's name for the category")
    archived: bool


class PortalCard(PortalProgram):
    """A partnership's portal as the caller opens it: who they are in it and the rooms they may enter."""

    side: Literal["vendor", "partner"]
    rooms: list[str]
    assigned_user_ids: list[str]
    created_at: datetime | None


class PortalProgramPage(BaseModel):
    items: list[PortalProgram]


# --- search --------------------------------------------------------------------------------------------

SearchKind = Literal["resource", "brand", "shared_file", "training", "project", "message", "lead", "deal"]


class SearchHit(BaseModel):
    kind: SearchKind
    id: str = Field(description="The object to open: a project for a task, a thread for a message")
    title: str
    excerpt: str


class SearchResults(BaseModel):
    query: str
    items: list[SearchHit]
    truncated: bool = Field(description="More hits exist than the answer holds: narrow the query")

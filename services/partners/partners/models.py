"""What the partners API accepts and returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from trellis.countries import CountryCode
from trellis.domains import normalise_domain

PartnershipType = Literal["referral", "reseller", "implementation", "technology", "distributor"]
EntityId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
StageId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,64}$")]

# An https address with a host and no whitespace (shown as an image source).
HTTPS_URL = r"^https://[^\s/?#]+(?:[/?#]\S*)?$"

# The partner journey (seed 004): the default pipeline of every vendor.
DEFAULT_STAGES: tuple[str, ...] = (
    "recruitment", "onboarding", "activation", "growth", "retention", "advocacy",
)


def _website(value: str) -> str:
    normalise_domain(value)  # raises ValueError, reported on the field
    return value


class PartnershipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # Printable text only: names end up in emails, CSV exports and notification titles.
    company_name: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
    partnership_type: PartnershipType
    website: Annotated[str, Field(max_length=2048), AfterValidator(_website)] | None = None
    logo_url: Annotated[str, Field(max_length=2048, pattern=HTTPS_URL)] | None = None
    country: CountryCode | None = None
    assigned_user_ids: list[EntityId] = Field(default_factory=list, max_length=20)


class StageChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: StageId
    expected_version: StrictInt | None = Field(
        default=None, ge=1, description="Fail with 409 if the partnership moved on",
    )


class Partnership(BaseModel):
    id: str
    company_name: str
    partnership_type: PartnershipType
    website: str | None = None
    website_domain: str | None = None
    logo_url: str | None = None
    country: str | None = None
    stage: str
    stage_changed_at: datetime
    assigned_user_ids: list[str]
    version: int
    created_at: datetime
    updated_at: datetime


class ActivityEntry(BaseModel):
    id: str
    kind: str
    summary: str
    actor_user_id: str | None = None
    occurred_at: datetime
    details: dict[str, str | None] = Field(default_factory=dict)

"""What the leads API returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from trellis.countries import CountryCode
from trellis.industries import IndustryCode


class Lead(BaseModel):
    id: str
    company_name: str
    status: str
    created_at: datetime


# --- routing

ROUTING_TERM_LENGTH = 100
MAX_ROUTING_TERMS = 50
MAX_EMPLOYEES = 10_000_000
MAX_SUGGESTIONS = 50
MAX_EXCLUDED = 200
PRINTABLE_TEXT = r"^[^\x00-\x1f\x7f]+$"
PartnershipId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Criterion = Literal["country", "industry", "company_size", "keywords", "sub_categories", "tier"]


def _routing_term(value: str) -> str:
    # The partners service keeps ICP terms trimmed, single-spaced and case-folded: compare like spellings.
    term = " ".join(value.split()).casefold()
    if not term:
        raise ValueError("must not be blank")
    if len(term) > ROUTING_TERM_LENGTH:
        raise ValueError(f"must be at most {ROUTING_TERM_LENGTH} characters")
    return term


def _distinct_terms(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


RoutingTerm = Annotated[
    str, Field(max_length=4 * ROUTING_TERM_LENGTH, pattern=PRINTABLE_TEXT), AfterValidator(_routing_term),
]
RoutingTerms = Annotated[
    list[RoutingTerm], Field(max_length=MAX_ROUTING_TERMS), AfterValidator(_distinct_terms),
]


class RoutingCriteria(BaseModel):
    """What routing compares with each partnership's ICP: the lead's customer.

    Without a country, only partnerships whose ICP serves anywhere are candidates.
    """

    model_config = ConfigDict(extra="forbid")

    country: CountryCode | None = None
    industry: IndustryCode | None = None
    employee_count: int | None = Field(default=None, strict=True, ge=0, le=MAX_EMPLOYEES)
    keywords: RoutingTerms = Field(default_factory=list)
    sub_categories: RoutingTerms = Field(default_factory=list)


class SuggestionsRequest(RoutingCriteria):
    limit: int = Field(default=10, strict=True, ge=1, le=MAX_SUGGESTIONS)
    exclude: list[PartnershipId] = Field(
        default_factory=list, max_length=MAX_EXCLUDED, description="Partnership ids never to suggest",
    )


class ScoreReason(BaseModel):
    criterion: Criterion
    points: int
    detail: str


class Suggestion(BaseModel):
    partnership_id: str
    company_name: str
    partner_organisation_id: str
    partnership_type: str
    tier: str | None
    score: int = Field(description="0 to 100: the sum of the explanation's points")
    explanation: list[ScoreReason]


class RoutingSuggestions(BaseModel):
    items: list[Suggestion]
    candidates: int = Field(description="Partnerships that could take a lead of this country (before limit)")

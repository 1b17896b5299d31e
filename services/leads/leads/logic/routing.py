"""Lead routing: the vendor's routable partnerships ranked by how well their ICP fits a lead.

Candidates are read from the routing index (dal/routing.py): the partitions of the lead's country
and of ANY, never the whole program. Each candidate's score is the sum of its points per criterion,
out of 100, and every criterion is explained, matched or not:

- country (required): 25 when the ICP lists the lead's country, 10 when it serves anywhere; a
  partnership whose ICP lists only other countries is no candidate;
- industry: 25 when the lead's industry is one of the ICP's;
- company_size: 15 when the lead's employee count is within the ICP's min/max;
- keywords: 5 per keyword the lead shares with the ICP (case-insensitive), at most 15;
- sub_categories: 5 per sub-category shared, at most 10;
- tier: 10 for the vendor's first tier down to 10/n for the last of n (the order of the vendor's
  tier list); 5 for a tier while that order is unknown; 0 without a tier.

Criteria the lead or the ICP leaves empty give 0 points (nothing to match). Ties are broken by tier
points, then company name, then partnership id, so the same index always gives the same order.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from leads.dal import routing as dal
from leads.dal.tables import RouteCandidateItem, TierOrderItem
from leads.models import (
    Criterion,
    RoutingCriteria,
    RoutingSuggestions,
    ScoreReason,
    Suggestion,
    SuggestionsRequest,
)
from trellis.principal import VENDOR_ROLES, Principal

COUNTRY_LISTED = 25
COUNTRY_ANYWHERE = 10
INDUSTRY = 25
COMPANY_SIZE = 15
PER_KEYWORD, MAX_KEYWORDS = 5, 15
PER_SUB_CATEGORY, MAX_SUB_CATEGORIES = 5, 10
MAX_TIER = 10
TIER_ORDER_UNKNOWN = 5

Reason = tuple[Criterion, int, str]


@dataclass(frozen=True)
class TierScale:
    """Points per tier from the vendor's tier list (first: highest)."""

    positions: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    known: bool = False

    @classmethod
    def of(cls, item: TierOrderItem | None) -> TierScale:
        if item is None:
            return cls()
        ids = list(item.tier_ids or [])
        names = list(item.tier_names or [])
        return cls(positions={tier: index for index, tier in enumerate(ids)},
                   names=dict(zip(ids, names, strict=False)), known=True)

    def reason(self, tier: str | None) -> Reason:
        if tier is None:
            return "tier", 0, "no tier"
        name = self.names.get(tier, tier)
        if not self.known:
            return "tier", TIER_ORDER_UNKNOWN, f"tier {name} (the program's tier order is not known yet)"
        position = self.positions.get(tier)
        if position is None:
            return "tier", TIER_ORDER_UNKNOWN, f"tier {name} (not in the program's tier list)"
        count = len(self.positions)
        points = round(MAX_TIER * (count - position) / count)
        return "tier", points, f"tier {name}: {_ordinal(position + 1)} of the program's {count} tiers"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _terms(values: Iterable[str]) -> set[str]:
    return {" ".join(value.split()).casefold() for value in values}


def _country(criteria: RoutingCriteria, countries: list[str]) -> Reason | None:
    if not countries:
        return "country", COUNTRY_ANYWHERE, "the ICP names no country: serves anywhere"
    if criteria.country is None or criteria.country not in countries:
        return None
    return "country", COUNTRY_LISTED, f"{criteria.country} is one of the ICP's countries"


def _industry(criteria: RoutingCriteria, industries: list[str]) -> Reason:
    if criteria.industry is None:
        return "industry", 0, "the lead names no industry"
    if not industries:
        return "industry", 0, "the ICP names no industry"
    if criteria.industry in industries:
        return "industry", INDUSTRY, f"{criteria.industry} is one of the ICP's industries"
    return "industry", 0, f"{criteria.industry} is not one of the ICP's industries"


def _size_range(low: int | None, high: int | None) -> str:
    if high is None:
        return f"{low} or more employees"
    if low is None:
        return f"up to {high} employees"
    return f"{low}-{high} employees"


def _company_size(criteria: RoutingCriteria, size: dict[str, Any]) -> Reason:
    low, high = size.get("min_employees"), size.get("max_employees")
    count = criteria.employee_count
    if count is None:
        return "company_size", 0, "the lead names no employee count"
    if low is None and high is None:
        return "company_size", 0, "the ICP names no company size"
    within = (low is None or count >= low) and (high is None or count <= high)
    detail = f"{count} employees, {'within' if within else 'outside'} {_size_range(low, high)}"
    return "company_size", COMPANY_SIZE if within else 0, detail


def _overlap(
    criterion: Criterion, wanted: list[str], offered: list[str], per: int, most: int,
) -> Reason:
    label = "sub-categories" if criterion == "sub_categories" else "keywords"
    if not wanted:
        return criterion, 0, f"the lead names no {label}"
    if not offered:
        return criterion, 0, f"the ICP names no {label}"
    known = _terms(offered)
    shared = [term for term in wanted if term in known]
    if not shared:
        return criterion, 0, "none in common with the ICP"
    return criterion, min(most, per * len(shared)), "in common: " + ", ".join(shared)


@dataclass(frozen=True)
class Scored:
    row: RouteCandidateItem
    score: int
    tier_points: int
    reasons: list[Reason]

    def order(self) -> tuple[int, int, str, str]:
        return -self.score, -self.tier_points, self.row.company_name.casefold(), self.row.partnership_id


def score(row: RouteCandidateItem, criteria: RoutingCriteria, tiers: TierScale) -> Scored | None:
    """The candidate's points per criterion; None when its ICP lists countries other than the lead's."""
    country = _country(criteria, list(row.countries or []))
    if country is None:
        return None
    icp = json.loads(row.icp_json)
    tier = tiers.reason(row.tier)
    reasons: list[Reason] = [
        country,
        _industry(criteria, icp.get("industries") or []),
        _company_size(criteria, icp.get("company_size") or {}),
        _overlap("keywords", criteria.keywords, icp.get("keywords") or [], PER_KEYWORD, MAX_KEYWORDS),
        _overlap("sub_categories", criteria.sub_categories, icp.get("sub_categories") or [],
                 PER_SUB_CATEGORY, MAX_SUB_CATEGORIES),
        tier,
    ]
    total = sum(points for _, points, _ in reasons)
    return Scored(row=row, score=total, tier_points=tier[1], reasons=reasons)


def _suggestion(scored: Scored) -> Suggestion:
    row = scored.row
    return Suggestion(
        partnership_id=row.partnership_id, company_name=row.company_name,
        partner_organisation_id=row.partner_organisation_id, partnership_type=row.partnership_type,
        tier=row.tier, score=scored.score,
        explanation=[ScoreReason(criterion=criterion, points=points, detail=detail)
                     for criterion, points, detail in scored.reasons],
    )


def best_of(
    rows: Iterable[RouteCandidateItem], criteria: RoutingCriteria, tiers: TierScale, *,
    exclude: Iterable[str] = frozenset(), limit: int = 10,
) -> tuple[list[Suggestion], int]:
    """The best ``limit`` of the rows read for the lead and how many of them were candidates."""
    excluded = set(exclude)
    seen: set[str] = set()
    scored: list[Scored] = []
    for row in rows:
        # A partnership moving between partitions while they are read can show in both.
        if row.partnership_id in excluded or row.partnership_id in seen:
            continue
        seen.add(row.partnership_id)
        result = score(row, criteria, tiers)
        if result is not None:
            scored.append(result)
    best = heapq.nsmallest(limit, scored, key=Scored.order)
    return [_suggestion(item) for item in best], len(scored)


def ranked(
    vendor_id: str, criteria: RoutingCriteria, *, exclude: Iterable[str] = frozenset(), limit: int = 10,
) -> tuple[list[Suggestion], int]:
    """The best ``limit`` suggestions and how many candidates were scored."""
    tiers = TierScale.of(dal.get_tier_order(vendor_id))
    return best_of(dal.candidates(vendor_id, criteria.country), criteria, tiers, exclude=exclude, limit=limit)


def rank(
    vendor_id: str, criteria: RoutingCriteria, *, exclude: set[str] | frozenset[str] = frozenset(),
    limit: int = 10,
) -> list[Suggestion]:
    """The vendor's routable partnerships best fitted to the lead, best first (``exclude``: e.g. those
    that declined the lead). For the lead use cases: no principal, the caller has checked access."""
    return ranked(vendor_id, criteria, exclude=exclude, limit=limit)[0]


def suggest(principal: Principal, request: SuggestionsRequest) -> RoutingSuggestions:
    principal.require_any(VENDOR_ROLES)
    criteria = RoutingCriteria.model_validate(request.model_dump(include=set(RoutingCriteria.model_fields)))
    items, candidates = ranked(
        principal.organisation_id, criteria, exclude=request.exclude, limit=request.limit,
    )
    return RoutingSuggestions(items=items, candidates=candidates)

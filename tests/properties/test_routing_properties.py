"""Routing scores for any lead and any ICP (leads.logic.routing).

What the module promises: a score out of 100 that is the sum of its explanation, one reason per
criterion, never negative; a partnership whose ICP lists only other countries is no candidate; a
lead that matches one more criterion never scores lower; the ranking is ordered, capped and leaves
out the excluded partnerships.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from hypothesis import assume, given
from hypothesis import strategies as st

from leads.dal.tables import RouteCandidateItem
from leads.logic.routing import Scored, TierScale, best_of, score
from leads.models import Criterion, RoutingCriteria

COUNTRIES = ["NL", "BE", "DE", "FR", "US", "JP"]
INDUSTRIES = ["software_saas", "financial_services", "healthcare", "retail_ecommerce"]
TERMS = st.sampled_from(["erp", "crm", "cloud", "security", "Data Lake", "ai", "payments"])
TIERS = ["gold", "silver", "bronze", "platinum"]
CRITERIA: tuple[str, ...] = get_args(Criterion)


@st.composite
def icps(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(st.none() | st.integers(min_value=0, max_value=5_000))
    high = draw(st.none() | st.integers(min_value=low or 0, max_value=10_000))
    return {
        "countries": draw(st.lists(st.sampled_from(COUNTRIES), max_size=3, unique=True)),
        "industries": draw(st.lists(st.sampled_from(INDUSTRIES), max_size=3, unique=True)),
        "company_size": {"min_employees": low, "max_employees": high},
        "keywords": [term.casefold() for term in draw(st.lists(TERMS, max_size=5, unique=True))],
        "sub_categories": [term.casefold() for term in draw(st.lists(TERMS, max_size=4, unique=True))],
    }


def _row(partnership_id: str, icp: dict[str, Any], tier: str | None, name: str) -> RouteCandidateItem:
    return RouteCandidateItem(
        vendor_organisation_id="acme", partnership_id=partnership_id, company_name=name,
        partner_organisation_id=f"org-{partnership_id}", partnership_type="reseller", tier=tier,
        countries=icp["countries"], icp_json=json.dumps({k: v for k, v in icp.items() if k != "countries"}),
    )


@st.composite
def rows(draw: st.DrawFn, partnership_id: str = "p1") -> RouteCandidateItem:
    name = draw(st.sampled_from(["Litware", "Contoso", "fabrikam", "Tailspin"]))
    return _row(partnership_id, draw(icps()), draw(st.none() | st.sampled_from(TIERS)), name)


@st.composite
def leads(draw: st.DrawFn) -> RoutingCriteria:
    return RoutingCriteria.model_validate({
        "country": draw(st.none() | st.sampled_from(COUNTRIES)),
        "industry": draw(st.none() | st.sampled_from(INDUSTRIES)),
        "employee_count": draw(st.none() | st.integers(min_value=0, max_value=20_000)),
        "keywords": draw(st.lists(TERMS, max_size=6, unique_by=str.casefold)),
        "sub_categories": draw(st.lists(TERMS, max_size=4, unique_by=str.casefold)),
    })


@st.composite
def tier_scales(draw: st.DrawFn) -> TierScale:
    if not draw(st.booleans()):
        return TierScale()  # the program's tier order is not known yet
    tiers = draw(st.lists(st.sampled_from(TIERS), max_size=4, unique=True))
    return TierScale(positions={tier: index for index, tier in enumerate(tiers)},
                     names={tier: tier.title() for tier in tiers}, known=True)


@given(rows(), leads(), tier_scales())
def test_a_score_is_the_sum_of_its_explanation_out_of_100(
    row: RouteCandidateItem, lead: RoutingCriteria, tiers: TierScale,
) -> None:
    scored = score(row, lead, tiers)
    countries = list(row.countries or [])
    if countries and lead.country not in countries:
        assert scored is None  # the ICP lists only other countries: no candidate
        return
    assert scored is not None
    assert [criterion for criterion, _, _ in scored.reasons] == list(CRITERIA)
    assert all(points >= 0 and detail for _, points, detail in scored.reasons)
    assert scored.score == sum(points for _, points, _ in scored.reasons)
    assert 0 <= scored.score <= 100
    [tier_points] = [points for criterion, points, _ in scored.reasons if criterion == "tier"]
    assert scored.tier_points == tier_points


def _score(row: RouteCandidateItem, lead: RoutingCriteria, tiers: TierScale) -> Scored:
    scored = score(row, lead, tiers)
    assert scored is not None
    return scored


@given(rows(), leads(), tier_scales(), st.data())
def test_matching_one_more_criterion_never_lowers_the_score(
    row: RouteCandidateItem, lead: RoutingCriteria, tiers: TierScale, data: st.DataObject,
) -> None:
    assume(score(row, lead, tiers) is not None)
    icp = json.loads(row.icp_json)
    changes: dict[str, Any] = {}
    if icp["industries"]:
        changes["industry"] = data.draw(st.sampled_from(icp["industries"]))
    shared = [term for term in icp["keywords"] if term not in lead.keywords]
    if shared:
        changes["keywords"] = [*lead.keywords, data.draw(st.sampled_from(shared))]
    if icp["sub_categories"]:
        changes["sub_categories"] = list(dict.fromkeys([*lead.sub_categories, *icp["sub_categories"]]))
    size = icp["company_size"]
    if size["min_employees"] is not None or size["max_employees"] is not None:
        changes["employee_count"] = size["min_employees"] or size["max_employees"] or 0
    assume(changes)
    name = data.draw(st.sampled_from(sorted(changes)))
    better = lead.model_copy(update={name: changes[name]})
    assert _score(row, better, tiers).score >= _score(row, lead, tiers).score


@given(leads(), tier_scales(), st.lists(rows(), min_size=1, max_size=12),
       st.integers(min_value=1, max_value=5), st.data())
def test_the_ranking_is_ordered_capped_and_leaves_out_the_excluded(
    lead: RoutingCriteria, tiers: TierScale, candidates: list[RouteCandidateItem], limit: int,
    data: st.DataObject,
) -> None:
    for index, row in enumerate(candidates):
        row.partnership_id = f"p{index % 8}"  # a partnership can show in two partitions: read twice
    ids = sorted({row.partnership_id for row in candidates})
    excluded = set(data.draw(st.lists(st.sampled_from(ids), max_size=3)))
    suggestions, count = best_of(candidates, lead, tiers, exclude=excluded, limit=limit)
    returned = [suggestion.partnership_id for suggestion in suggestions]
    assert len(returned) == len(set(returned)) == min(limit, count)
    assert count <= len(set(ids) - excluded)
    assert not excluded & set(returned)
    scores = [suggestion.score for suggestion in suggestions]
    assert scores == sorted(scores, reverse=True)
    for suggestion in suggestions:
        assert suggestion.score == sum(reason.points for reason in suggestion.explanation)

"""Lead routing: POST /routing/suggestions ranks the vendor's routable partnerships by ICP fit.

The partnerships come from the partners service's events, handed to the leads projection consumer
(``project``); the routing index is kept with the projection (``ORG#<vendor>#ROUTE#<country>#``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import Recorder, recording
from tests.helpers.lambda_runtime import ApiClient, ApiResponse
from tests.helpers.leads_world import (
    CONTOSO,
    DIST_A,
    FABRIKAM,
    NORTHWIND,
    OTHER,
    OTHER_VENDOR,
    UNJOINED,
    VENDOR,
    created,
    event,
    joined,
)
from tests.helpers.people import ANA, BEN, CLEO, NOROLE, PAT, SALLY, ZED
from trellis.events import EventEnvelope
from trellis.events.partners import (
    PartnershipArchived,
    PartnershipDeleted,
    PartnershipRestored,
    PartnershipStageChanged,
    PartnershipUpdated,
    ProgramEntryData,
    ProgramListUpdated,
)
from trellis.events.profiles import CompanySize, Icp, IcpCriterion, IcpUpdated

TABLE = "LeadsTable"
Project = Callable[..., dict[str, Any]]

BEST = "c0000000000000000000000000000001"
ANYWHERE = "c0000000000000000000000000000002"
FRENCH = "c0000000000000000000000000000003"
WIDE = "c0000000000000000000000000000004"
TIE_B = "c0000000000000000000000000000005"
TIE_A = "c0000000000000000000000000000006"
# 45 countries with DE: more than MAX_INDEXED_COUNTRIES (40), so indexed once under ANY with its list
MANY_COUNTRIES = ["DE", *sorted(["AT", "BE", "BG", "CH", "CY", "CZ", "DK", "EE", "ES", "FI", "FR", "GB", "GR",
                                 "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL",
                                 "PT", "RO", "SE", "SI", "SK", "TR", "UA", "RS", "BA", "ME", "MK", "AL", "MD",
                                 "BY", "AD", "MC", "SM", "VA"])]


@pytest.fixture
def leads(service: Callable[..., ApiClient]) -> ApiClient:
    return service("leads", ANA)


def icp_event(pid: str, version: int, *, countries: list[str] | None = None,
              industries: list[str] | None = None, keywords: list[str] | None = None,
              sub_categories: list[str] | None = None, size: tuple[int | None, int | None] = (None, None),
              hours: float = 2, tenant: str = VENDOR) -> EventEnvelope:
    return event(IcpUpdated(partnership_id=pid, icp_version=version, icp=Icp(
        countries=countries or [], industries=industries or [], keywords=keywords or [],
        sub_categories=sub_categories or [],
        company_size=CompanySize(min_employees=size[0], max_employees=size[1]),
        custom=[IcpCriterion(label="Buying committee", value="CFO")],
    )), hours=hours, tenant=tenant)


def partner(pid: str, name: str, kind: str = "reseller", *, tier: str | None = None, tenant: str = VENDOR,
            **icp_fields: Any) -> list[EventEnvelope]:
    """A partnership created, joined by its organisation and given an ICP."""
    return [created(pid, name, kind, tier=tier, tenant=tenant),
            joined(pid, name, f"org-{pid[-4:]}", tenant=tenant),
            icp_event(pid, 1, tenant=tenant, **icp_fields)]


def tiers(*ids: str, hours: float = 1) -> EventEnvelope:
    return event(ProgramListUpdated(list_name="tiers", entries=[
        ProgramEntryData(id=tier, name=tier.title()) for tier in ids]), hours=hours)


def send(project: Project, events: list[EventEnvelope]) -> None:
    for start in range(0, len(events), 10):
        project(*events[start:start + 10])


def suggest(leads: ApiClient, **body: Any) -> ApiResponse:
    return leads.post("/routing/suggestions", json_body=body)


def suggested(response: ApiResponse) -> list[str]:
    assert response.status == 200, response.text
    return [item["partnership_id"] for item in response.json()["items"]]


def route_rows(aws: Stack) -> set[tuple[str, str]]:
    return {(item["pk"], item["sk"]) for item in aws.items(TABLE) if item.get("entity") == "RouteCandidate"}


def items_read(calls: Recorder) -> int:
    return sum(call.items_read or 0 for call in calls.calls)


def many_more(leads: ApiClient, partnerships: list[tuple[str, str]]) -> None:
    """Joined resellers (id, ICP country) as the projection stores them, written in bulk.

    Projecting hundreds of partnerships event by event takes minutes on moto (each transaction copies
    the table); the items are the ones ``save_view`` writes, built by the same code.
    """
    with leads.runner.env_applied():
        from leads.dal import partnerships as views
        from leads.dal import routing
        from leads.dal.tables import LeadsItem

        with LeadsItem.batch_write() as batch:
            for pid, country in partnerships:
                view = views.new_view(VENDOR, pid)
                view.company_name, view.partnership_type = f"Partner {pid[-4:]}", "reseller"
                view.tier = "silver"
                view.partner_organisation_id = f"org-{pid[-4:]}"
                view.icp_json = Icp(countries=[country], industries=["software_saas"]).model_dump_json()
                view.icp_version, view.version = 1, 1
                index_plan = routing.plan(view)
                assert index_plan is not None
                view.routed_under, view.routed_digest = index_plan.segments, index_plan.digest
                batch.save(view)
                for segment in index_plan.segments:
                    batch.save(routing.candidate_item(view, segment, index_plan))


@pytest.fixture
def scoring_world(project: Project) -> None:
    send(project, [
        tiers("gold", "silver", "bronze"),
        *partner(BEST, "Best Fit", "reseller", tier="gold", countries=["DE"], industries=["software_saas"],
                 keywords=["erp", "cloud"], sub_categories=["mid-market"], size=(50, 500)),
        *partner(ANYWHERE, "Anywhere", "referral", tier="silver", industries=["software_saas"],
                 keywords=["erp"]),
        *partner(FRENCH, "French Fit", "implementation", tier="gold", countries=["FR"],
                 industries=["software_saas"], keywords=["erp"]),
        *partner(WIDE, "Wide Reach", "technology", countries=MANY_COUNTRIES, industries=["software_saas"]),
        *partner(TIE_B, "Bravo", "reseller", countries=["DE"]),
        *partner(TIE_A, "alpha", "reseller", countries=["DE"]),
    ])


# ---------------------------------------------------------------- ranking and explanations


def test_partnerships_are_ranked_by_icp_fit_with_an_explanation(
    leads: ApiClient, scoring_world: None,
) -> None:
    # When acme's admin asks for partners for a German software company of 200 people
    response = suggest(leads, country="de", industry="Software SaaS", employee_count=200,
                       keywords=["ERP", "  SAP "], sub_categories=["Mid-Market"])

    # Then the candidates for Germany come best first; the French partner is no candidate
    assert suggested(response) == [BEST, WIDE, ANYWHERE, TIE_A, TIE_B]
    body = response.json()
    assert body["candidates"] == 5
    best = body["items"][0]
    assert {key: best[key] for key in ("company_name", "partnership_type", "tier", "score")} == {
        "company_name": "Best Fit", "partnership_type": "reseller", "tier": "gold", "score": 85}
    assert best["partner_organisation_id"] == f"org-{BEST[-4:]}"
    assert best["explanation"] == [
        {"criterion": "country", "points": 25, "detail": "DE is one of the ICP's countries"},
        {"criterion": "industry", "points": 25, "detail": "software_saas is one of the ICP's industries"},
        {"criterion": "company_size", "points": 15, "detail": "200 employees, within 50-500 employees"},
        {"criterion": "keywords", "points": 5, "detail": "in common: erp"},
        {"criterion": "sub_categories", "points": 5, "detail": "in common: mid-market"},
        {"criterion": "tier", "points": 10, "detail": "tier Gold: 1st of the program's 3 tiers"},
    ]
    # the score is always the sum of the explanation's points
    for item in body["items"]:
        assert item["score"] == sum(reason["points"] for reason in item["explanation"])
    wide, anywhere = body["items"][1], body["items"][2]
    assert (wide["score"], wide["explanation"][0]["detail"]) == (50, "DE is one of the ICP's countries")
    assert anywhere["score"] == 10 + 25 + 5 + 7
    assert anywhere["explanation"][0]["detail"] == "the ICP names no country: serves anywhere"
    assert anywhere["explanation"][5]["detail"] == "tier Silver: 2nd of the program's 3 tiers"


def test_each_criterion_that_does_not_match_says_why(leads: ApiClient, scoring_world: None) -> None:
    response = suggest(leads, country="DE", industry="healthcare", employee_count=10_000,
                       keywords=["crm"], limit=1)
    [best] = response.json()["items"]
    assert best["partnership_id"] == BEST
    assert [(reason["criterion"], reason["points"], reason["detail"]) for reason in best["explanation"]] == [
        ("country", 25, "DE is one of the ICP's countries"),
        ("industry", 0, "healthcare is not one of the ICP's industries"),
        ("company_size", 0, "10000 employees, outside 50-500 employees"),
        ("keywords", 0, "none in common with the ICP"),
        ("sub_categories", 0, "the lead names no sub-categories"),
        ("tier", 10, "tier Gold: 1st of the program's 3 tiers"),
    ]


def test_equal_scores_are_ordered_by_tier_then_name_then_id(
    leads: ApiClient, project: Project, scoring_world: None,
) -> None:
    # alpha and Bravo score the same with no tier: name order, case-insensitive
    order = suggested(suggest(leads, country="DE"))
    assert order.index(TIE_A) == order.index(TIE_B) - 1
    # Given Bravo moves to the bronze tier, it passes alpha
    project(event(PartnershipUpdated(partnership_id=TIE_B, company_name="Bravo", partnership_type="reseller",
                                     country="DE", tier="bronze", changes=[]), hours=5))
    order = suggested(suggest(leads, country="DE"))
    assert order.index(TIE_B) == order.index(TIE_A) - 1
    # and the same question always gets the same answer
    assert suggested(suggest(leads, country="DE")) == order


def test_the_tier_points_follow_the_vendors_tier_order(
    leads: ApiClient, project: Project, scoring_world: None,
) -> None:
    # Given the vendor reorders its tiers (silver first), then an older list arrives late
    project(tiers("silver", "gold", "bronze", hours=8), tiers("bronze", "gold", "silver", hours=7))
    # and another program list is saved (stages play no part in routing)
    project(event(ProgramListUpdated(list_name="stages", entries=[ProgramEntryData(id="a", name="A")]),
                  hours=9))
    body = suggest(leads, country="DE", limit=50).json()
    tier_reasons = {item["partnership_id"]: item["explanation"][5] for item in body["items"]}
    assert tier_reasons[ANYWHERE] == {"criterion": "tier", "points": 10,
                                      "detail": "tier Silver: 1st of the program's 3 tiers"}
    assert tier_reasons[BEST]["points"] == 7
    assert tier_reasons[TIE_A] == {"criterion": "tier", "points": 0, "detail": "no tier"}


def test_without_the_tier_order_a_tier_still_counts(leads: ApiClient, project: Project) -> None:
    send(project, partner(BEST, "Best Fit", tier="gold", countries=["DE"]))
    [item] = suggest(leads, country="DE").json()["items"]
    assert item["explanation"][5] == {"criterion": "tier", "points": 5,
                                      "detail": "tier gold (the program's tier order is not known yet)"}


def test_a_lead_without_a_country_goes_only_to_partners_serving_anywhere(
    leads: ApiClient, scoring_world: None,
) -> None:
    assert suggested(suggest(leads, industry="software_saas")) == [ANYWHERE]
    # a country none of the ICPs lists: again only those serving anywhere (the wide ICP lacks JP)
    assert suggested(suggest(leads, country="JP")) == [ANYWHERE]


def test_limit_and_excluded_partnerships(leads: ApiClient, scoring_world: None) -> None:
    assert suggested(suggest(leads, country="DE", industry="software_saas", limit=2)) == [BEST, WIDE]
    # e.g. the partnerships that declined the lead
    response = suggest(leads, country="DE", industry="software_saas", limit=2, exclude=[BEST, ANYWHERE])
    assert suggested(response) == [WIDE, TIE_A]
    assert response.json()["candidates"] == 3


def test_rank_is_the_use_case_the_lead_flows_call(leads: ApiClient, scoring_world: None) -> None:
    with leads.runner.env_applied():
        from leads.logic.routing import rank
        from leads.models import RoutingCriteria

        criteria = RoutingCriteria(country="DE", industry="software_saas", keywords=["erp"])
        suggestions = rank(VENDOR, criteria, exclude={BEST}, limit=2)
        assert [item.partnership_id for item in suggestions] == [WIDE, ANYWHERE]
        assert rank(OTHER_VENDOR, RoutingCriteria(country="DE")) == []


# ---------------------------------------------------------------- who is a candidate


def test_only_routable_partnerships_are_suggested(
    aws: Stack, leads: ApiClient, project: Project, program: None,
) -> None:
    # The standard program: Northwind (DE ICP), Contoso and Fabrikam (no ICP: anywhere) are routable;
    # the distributors and the referral partner that never joined are not
    assert set(suggested(suggest(leads, country="DE"))) == {NORTHWIND, CONTOSO, FABRIKAM}
    assert not any(DIST_A in sk or UNJOINED in sk for _, sk in route_rows(aws))

    # When Contoso is archived and Fabrikam deleted
    project(event(PartnershipArchived(partnership_id=CONTOSO, company_name="Contoso"), hours=10),
            event(PartnershipDeleted(partnership_id=FABRIKAM, company_name="Fabrikam",
                                     partner_organisation_id="fabrikam"), hours=10))
    assert suggested(suggest(leads, country="DE")) == [NORTHWIND]

    # When Contoso is restored, the referral partner joins and Northwind becomes a distributor
    project(event(PartnershipRestored(partnership_id=CONTOSO, company_name="Contoso"), hours=11),
            joined(UNJOINED, "Unjoined", "unjoined", hours=11),
            event(PartnershipUpdated(partnership_id=NORTHWIND, company_name="Northwind",
                                     partnership_type="distributor", country="DE", tier="gold", changes=[]),
                  hours=11))
    assert set(suggested(suggest(leads, country="DE"))) == {CONTOSO, UNJOINED}
    # and the index holds exactly the routable ones
    assert route_rows(aws) == {
        (f"ORG#{VENDOR}#ROUTE#ANY#", f"CANDIDATE#{CONTOSO}#"),
        (f"ORG#{VENDOR}#ROUTE#ANY#", f"CANDIDATE#{UNJOINED}#"),
        (f"ORG#{OTHER_VENDOR}#ROUTE#ANY#", f"CANDIDATE#{OTHER}#"),
    }


def test_an_icp_change_moves_a_partnership_between_country_partitions(
    aws: Stack, leads: ApiClient, project: Project,
) -> None:
    send(project, partner(BEST, "Best Fit", tier="gold", countries=["DE", "AT"]))
    assert route_rows(aws) == {(f"ORG#{VENDOR}#ROUTE#{c}#", f"CANDIDATE#{BEST}#") for c in ("AT", "DE")}

    # When the ICP moves to France (and an older ICP arrives late)
    project(icp_event(BEST, 3, countries=["FR"], hours=5), icp_event(BEST, 2, countries=["DE"], hours=4))
    assert route_rows(aws) == {(f"ORG#{VENDOR}#ROUTE#FR#", f"CANDIDATE#{BEST}#")}
    assert suggested(suggest(leads, country="DE")) == []
    assert suggested(suggest(leads, country="FR")) == [BEST]

    # When the ICP names no country: anywhere
    project(icp_event(BEST, 4, hours=6))
    assert route_rows(aws) == {(f"ORG#{VENDOR}#ROUTE#ANY#", f"CANDIDATE#{BEST}#")}
    assert suggested(suggest(leads, country="DE")) == [BEST]

    # When the ICP names 45 countries: one row under ANY that keeps its list
    project(icp_event(BEST, 5, countries=MANY_COUNTRIES, hours=7))
    assert route_rows(aws) == {(f"ORG#{VENDOR}#ROUTE#ANY#", f"CANDIDATE#{BEST}#")}
    assert suggested(suggest(leads, country="NL")) == [BEST]
    assert suggested(suggest(leads, country="JP")) == []


def test_a_whole_set_of_indexed_countries_is_replaced_in_one_transaction(
    aws: Stack, leads: ApiClient, project: Project,
) -> None:
    from leads.dal.routing import MAX_INDEXED_COUNTRIES
    from trellis.countries import COUNTRY_CODES

    codes = sorted(COUNTRY_CODES)
    first, second = codes[:MAX_INDEXED_COUNTRIES], codes[MAX_INDEXED_COUNTRIES:2 * MAX_INDEXED_COUNTRIES]
    assert len(second) == MAX_INDEXED_COUNTRIES
    assert not set(first) & set(second)
    send(project, partner(BEST, "Best Fit", tier="gold", countries=first))
    assert len(route_rows(aws)) == MAX_INDEXED_COUNTRIES

    # When the ICP swaps every country and the tier changes (every row deleted or rewritten)
    project(icp_event(BEST, 2, countries=second, hours=5),
            event(PartnershipUpdated(partnership_id=BEST, company_name="Best Fit",
                                     partnership_type="reseller", country="DE", tier="silver", changes=[]),
                  hours=6))
    assert route_rows(aws) == {(f"ORG#{VENDOR}#ROUTE#{country}#", f"CANDIDATE#{BEST}#") for country in second}
    [item] = suggest(leads, country=second[0]).json()["items"]
    assert item["tier"] == "silver"


def test_the_index_rows_change_only_when_what_they_hold_changes(leads: ApiClient, project: Project) -> None:
    send(project, partner(BEST, "Best Fit", tier="gold", countries=["DE", "AT", "CH"]))

    def transaction_items(envelope: EventEnvelope) -> int:
        with recording() as calls:
            project(envelope)
        return sum(call.items_written for call in calls.calls
                   if call.operation == "TransactWriteItems" and "LeadsTable" in call.tables)

    # a stage change writes the view and its counterpart only
    assert transaction_items(event(PartnershipStageChanged(
        partnership_id=BEST, company_name="Best Fit", from_stage="activation", to_stage="growth"),
        hours=5)) == 2
    # a rename rewrites the three rows (they carry the name)
    assert transaction_items(event(PartnershipUpdated(
        partnership_id=BEST, company_name="Best Fit GmbH", partnership_type="reseller", country="DE",
        tier="gold", changes=[]), hours=6)) == 2 + 3
    # an ICP that keeps two countries and adds one: one delete, one put (the rows' content is unchanged)
    assert transaction_items(icp_event(BEST, 2, countries=["DE", "AT", "FR"], hours=7)) == 2 + 2
    [item] = suggest(leads, country="FR").json()["items"]
    assert item["company_name"] == "Best Fit GmbH"


def test_routing_reads_only_the_candidates_for_the_leads_country(
    leads: ApiClient, scoring_world: None,
) -> None:
    # Given the candidates for Germany, routing a German lead reads them and the tier order
    before = suggest(leads, country="DE", industry="software_saas")
    assert before.calls.operations == ["GetItem", "Query", "Query"]
    read_before = items_read(before.calls)
    assert read_before == 1 + 5  # the tier order; Best, Bravo, alpha under DE; Anywhere, Wide under ANY

    # When the vendor has 200 more partnerships, all in other countries
    countries = ["FR", "GB", "US", "NL", "ES", "IT", "SE", "PL"]
    many_more(leads, [(f"d{index:031d}", countries[index % len(countries)]) for index in range(200)])

    # Then routing the same lead reads exactly the same items with the same calls
    after = suggest(leads, country="DE", industry="software_saas")
    assert after.calls.operations == before.calls.operations
    assert items_read(after.calls) == read_before
    assert suggested(after) == suggested(before)
    # and a French lead reads its own candidates
    # and a French lead reads its own: 25 of the 200, French Fit, Anywhere and Wide Reach
    assert suggest(leads, country="FR").json()["candidates"] == 25 + 3


# ---------------------------------------------------------------- tenancy and access


def test_another_vendor_never_sees_acmes_partnerships(
    leads: ApiClient, project: Project, program: None, scoring_world: None,
) -> None:
    # acme-corp's admin routing a German lead gets acme-corp's own partnership only
    assert suggested(leads.post("/routing/suggestions", json_body={"country": "DE"}, user=ZED)) == [OTHER]
    # naming acme's partnerships changes nothing
    response = leads.post("/routing/suggestions", json_body={"country": "DE", "exclude": [OTHER, BEST]},
                          user=ZED)
    assert suggested(response) == []
    assert response.json()["candidates"] == 0


@pytest.mark.parametrize("user", [BEN, CLEO])
def test_every_vendor_role_may_ask(leads: ApiClient, scoring_world: None, user: Any) -> None:
    assert suggested(leads.post("/routing/suggestions", json_body={"country": "DE"}, user=user))[0] == BEST


@pytest.mark.parametrize("user", [SALLY, NOROLE, PAT])
def test_partner_side_users_and_users_without_a_vendor_role_are_refused(
    leads: ApiClient, program: None, user: Any,
) -> None:
    response = leads.post("/routing/suggestions", json_body={"country": "DE"}, user=user)
    assert_problem(response, 403)
    assert NORTHWIND not in response.text


def test_a_request_without_a_token_is_refused(leads: ApiClient) -> None:
    assert_problem(leads.post("/routing/suggestions", json_body={"country": "DE"}, claims={}), 401)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(("body", "field"), [
    ({"country": "XX"}, "country"),
    ({"country": 49}, "country"),
    ({"industry": "bananas"}, "industry"),
    ({"employee_count": -1}, "employee_count"),
    ({"employee_count": "200"}, "employee_count"),
    ({"employee_count": 10_000_001}, "employee_count"),
    ({"keywords": "erp"}, "keywords"),
    ({"keywords": ["   "]}, "keywords.0"),
    ({"keywords": ["x" * 101]}, "keywords.0"),
    ({"keywords": [f"k{index}" for index in range(51)]}, "keywords"),
    ({"sub_categories": ["bad\x00term"]}, "sub_categories.0"),
    ({"limit": 0}, "limit"),
    ({"limit": 51}, "limit"),
    ({"exclude": ["a#b"]}, "exclude.0"),
    ({"country": "DE", "partner": "x"}, "partner"),
])
def test_invalid_criteria_are_a_422_naming_the_field(
    leads: ApiClient, body: dict[str, Any], field: str,
) -> None:
    assert_problem(suggest(leads, **body), 422, field)


def test_a_body_that_is_not_json_is_a_400(leads: ApiClient) -> None:
    response = leads.post("/routing/suggestions", body="{country: DE",
                          headers={"content-type": "application/json"})
    assert_problem(response, 400, "body")


def test_an_empty_criteria_object_is_a_lead_without_a_country(leads: ApiClient, scoring_world: None) -> None:
    assert suggested(suggest(leads)) == [ANYWHERE]

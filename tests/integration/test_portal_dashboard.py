"""The partner dashboard: figures kept by the leads service's events, read in three calls; what the next
tier needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED
from tests.helpers.portal_figures import deal, entry, lead
from tests.helpers.portal_world import (
    CONTOSO,
    CONTOSO_ADMIN,
    DIST_A,
    GLOBEX_ADMIN,
    NORTHWIND,
    PEOPLE,
    START,
    event,
)
from trellis.events.leads import DealCreated, DealUpdated, DealWon, LeadAccepted, LeadCreated, LeadDeclined
from trellis.events.ledger import (
    CommissionApproved,
    CommissionEarned,
    PayoutData,
    PayoutLine,
    PayoutPaid,
)
from trellis.events.partners import PartnershipStageChanged
from trellis.events.portal import CertificationEarned

pytestmark = pytest.mark.usefixtures("portal_world")

Project = Callable[..., dict[str, Any]]
DASHBOARD = f"/portal/partnerships/{NORTHWIND}/dashboard"


@pytest.fixture
def portal(service: Callable[..., ApiClient]) -> ApiClient:
    return service("portal", SALLY)


def _realistic_sequence(project: Project) -> None:
    """Northwind (a reseller of DIST_A): three leads, a won deal from one of them, an open deal,
    commissions pending, approved and paid, a stage change; with a duplicate and late older versions."""
    won = deal("d1", NORTHWIND, version=3, status="closed_won", amount="12000.00", lead_id="l1",
               distributors=(DIST_A,))
    project(
        event(LeadCreated(lead=lead("l1", NORTHWIND, version=1)), minutes=10),
        event(LeadAccepted(lead=lead("l1", NORTHWIND, version=2, status="accepted", deal_id="d1"),
                           deal_id="d1"), minutes=11),
        event(DealCreated(deal=deal("d1", NORTHWIND, version=1, amount="10000.00", lead_id="l1",
                                    distributors=(DIST_A,))), minutes=12),
        event(DealWon(deal=won), minutes=14),
        # late: the update before the win arrives after it
        event(DealUpdated(deal=deal("d1", NORTHWIND, version=2, amount="11000.00", lead_id="l1",
                                    distributors=(DIST_A,)), previous_status="open", changed=["amount"]),
              minutes=13),
        # a duplicate delivery of the win, under another event id
        event(DealWon(deal=won), minutes=14),
        event(LeadCreated(lead=lead("l2", NORTHWIND, version=1, origin="vendor", company="Initech")),
              minutes=20),
        event(LeadDeclined(lead=lead("l2", NORTHWIND, version=2, origin="vendor", company="Initech",
                                     status="declined"), declined_by_organisation_id="northwind",
                           reason="Not our region"), minutes=21),
        event(LeadCreated(lead=lead("l3", NORTHWIND, version=1, origin="distributor", company="Umbrella",
                                    distributor=DIST_A)), minutes=22),
        event(DealCreated(deal=deal("d2", NORTHWIND, version=1, amount="5000.00", currency="USD",
                                    name="Hooli expansion")), minutes=23),
        event(CommissionEarned(entry=entry("e1", NORTHWIND, amount="1200.00")), minutes=30),
        event(CommissionApproved(entry=entry("e1", NORTHWIND, amount="1200.00", status="approved")),
              minutes=31),
        # late: the entry's earlier (pending) status again
        event(CommissionEarned(entry=entry("e1", NORTHWIND, amount="1200.00")), minutes=32),
        event(CommissionEarned(entry=entry("e2", NORTHWIND, amount="300.00", currency="USD",
                                           expected=date(2026, 2, 28))), minutes=33),
        # a payout of an entry whose earlier events have not arrived yet
        event(PayoutPaid(payout=PayoutData(
            payout_id="p1", partnership_id=NORTHWIND, currency="EUR", amount="50.00", status="paid",  # type: ignore[arg-type]
            lines=[PayoutLine(entry_id="e3", deal_id="d9", kind="commission", amount="50.00")],  # type: ignore[arg-type]
            created_at=START + timedelta(minutes=34),
        )), minutes=35),
        event(CommissionEarned(entry=entry("e3", NORTHWIND, amount="50.00")), minutes=36),
        event(PartnershipStageChanged(partnership_id=NORTHWIND, company_name="Northwind",
                                      from_stage="activation", to_stage="growth"), minutes=40),
    )


def test_the_dashboard_shows_the_figures_after_a_sequence_of_events_in_three_reads(
    portal: ApiClient, portal_project: Project,
) -> None:
    # Given a realistic sequence of lead, deal and commission events, with a duplicate and late ones
    _realistic_sequence(portal_project)

    # When the partner opens its dashboard
    response = portal.get(DASHBOARD)

    # Then the figures count each lead, deal and entry once, at its newest version
    assert response.status == 200, response.text
    body = response.json()
    leads = (body["leads"], body["leads_submitted"], body["leads_accepted"], body["leads_declined"])
    assert leads == (3, 2, 1, 1)
    assert (body["deals_open"], body["deals_won"], body["deals_lost"]) == (1, 1, 0)
    assert body["conversion_rate"] == "33.3"
    assert body["pipeline"] == [{"amount": "5000.00", "currency": "USD"}]
    assert body["won_revenue"] == [{"amount": "12000.00", "currency": "EUR"}]
    assert body["commissions"] == {
        "earned": [{"amount": "1250.00", "currency": "EUR"}, {"amount": "300.00", "currency": "USD"}],
        "pending": [{"amount": "300.00", "currency": "USD"}],
        "approved": [{"amount": "1200.00", "currency": "EUR"}],
        "paid": [{"amount": "50.00", "currency": "EUR"}],
        "next_payout_on": "2026-02-28",
        "next_payout": [{"amount": "300.00", "currency": "USD"}],
    }
    assert body["tier"] == "gold"
    assert body["stage"] == "growth"
    texts = [line["text"] for line in body["recent_activity"]]
    assert len(texts) == 10
    assert texts[0] == "Stage changed from activation to growth"
    assert "Payout of 50.00 EUR paid" in texts
    # And it took three reads: the view, one BatchGetItem (summary, program, tier requirements), one Query
    assert response.calls.operations == ["GetItem", "BatchGetItem", "Query"]


def test_a_distributor_dashboard_counts_what_came_through_it(
    portal: ApiClient, portal_project: Project,
) -> None:
    _realistic_sequence(portal_project)
    body = portal.get(f"/portal/partnerships/{DIST_A}/dashboard", user=ANA).json()
    # the distributor's lead for Northwind and the deal won through it
    assert (body["leads"], body["leads_submitted"], body["deals_won"]) == (1, 1, 1)
    assert body["commissions"]["earned"] == []


def test_the_vendor_opens_the_dashboard_and_a_new_partnership_has_zero_figures(portal: ApiClient) -> None:
    for user in (ANA, BEN, CLEO):
        response = portal.get(f"/portal/partnerships/{CONTOSO}/dashboard", user=user)
        assert response.status == 200, response.text
    body = response.json()
    figures = (body["leads"], body["conversion_rate"], body["pipeline"], body["recent_activity"])
    assert figures == (0, None, [], [])
    assert body["commissions"]["next_payout_on"] is None


def test_what_the_next_tier_needs(portal: ApiClient, portal_project: Project) -> None:
    # Given platinum (above Northwind's gold) requires revenue, submitted leads, won deals and a certification
    _realistic_sequence(portal_project)
    response = portal.put("/portal/vendor/tiers/platinum/requirements", user=ANA, json_body={
        "min_won_revenue": "50000", "currency": "EUR", "min_leads_submitted": 2, "min_deals_won": 3,
        "min_certifications": 1,
    })
    assert response.status == 200, response.text
    assert portal.get("/portal/vendor/tiers/platinum/requirements", user=CLEO).json()["requirement"][
        "min_deals_won"] == 3

    # When the partner opens its dashboard
    body = portal.get(DASHBOARD).json()

    # Then it lists what is still missing
    next_tier = body["next_tier"]
    assert (next_tier["tier"], next_tier["name"], next_tier["ready"]) == ("platinum", "Platinum", False)
    needs = {need["requirement"]: (need["missing"], need["met"]) for need in next_tier["needs"]}
    assert needs == {
        "won_revenue": ("38000.00", False), "leads_submitted": ("0", True), "deals_won": ("2", False),
        "certifications": ("1", False),
    }

    # And a certification earned counts once, however often its event comes
    certified = CertificationEarned(
        certification_id="c1", certification_name="Acme Sales Pro", partnership_id=NORTHWIND,
        partner_organisation_id="northwind", user_id=SALLY.user_id, user_name="Sally",
    )
    portal_project(event(certified, minutes=50), event(certified, minutes=51))
    body = portal.get(DASHBOARD).json()
    assert body["certifications"] == 1
    assert next(need for need in body["next_tier"]["needs"] if need["requirement"] == "certifications")["met"]


def test_no_next_tier_at_the_top_and_the_lowest_for_a_partner_without_tier(
    portal: ApiClient, portal_project: Project,
) -> None:
    from trellis.events.partners import PartnershipUpdated

    portal_project(event(PartnershipUpdated(
        partnership_id=NORTHWIND, company_name="Northwind", partnership_type="reseller", tier="platinum",
        category="consulting", changes=[{"field": "tier", "before": "gold", "after": "platinum"}],  # type: ignore[list-item]
    ), minutes=60))
    body = portal.get(DASHBOARD).json()
    assert body["next_tier"] is None
    assert body["recent_activity"][0]["text"] == "Tier changed from gold to platinum"
    silver = portal.get(f"/portal/partnerships/{CONTOSO}/dashboard", user=CONTOSO_ADMIN).json()
    assert silver["next_tier"] == {
        "tier": "gold", "name": "Gold", "requirements_defined": False, "ready": False, "needs": [],
    }


@pytest.mark.parametrize("role", ["marketing", "project_manager"])
def test_a_partner_role_without_the_dashboard_is_refused(portal: ApiClient, role: str) -> None:
    assert_problem(portal.get(DASHBOARD, user=PEOPLE[role]), 403)


@pytest.mark.parametrize("user", [ZED, GLOBEX_ADMIN, CONTOSO_ADMIN], ids=["other-vendor", "foreign", "other"])
def test_anyone_outside_the_partnership_gets_404(portal: ApiClient, user: Any) -> None:
    assert_problem(portal.get(DASHBOARD, user=user), 404, "partnership_id")


def test_events_of_another_vendor_change_nothing(portal: ApiClient, portal_project: Project) -> None:
    portal_project(
        event(LeadCreated(lead=lead("x1", NORTHWIND, version=1, vendor="acme-corp")), tenant="acme-corp"),
        # an event that claims another vendor's lead under acme's tenant
        event(LeadCreated(lead=lead("x2", NORTHWIND, version=1, vendor="acme-corp"))),
        event(DealCreated(deal=deal("x3", NORTHWIND, version=1, amount="1.00", vendor="acme-corp"))),
    )
    body = portal.get(DASHBOARD).json()
    assert (body["leads"], body["deals_open"]) == (0, 0)


def test_tier_requirements_refuse_bad_input_and_write_nothing(portal: ApiClient, aws: Stack) -> None:
    before = entities(aws, "PortalTable")
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        ("platinum", {"min_won_revenue": "100"}, 422, "currency"),
        ("platinum", {"min_won_revenue": "100", "currency": "XXX"}, 422, "currency"),
        ("platinum", {"min_deals_won": -1}, 422, "min_deals_won"),
        # found by make fuzz: a JSON boolean is not a count (pydantic's lax mode read false as 0)
        ("platinum", {"min_leads_submitted": False}, 422, "min_leads_submitted"),
        ("platinum", {"min_certifications": "2"}, 422, "min_certifications"),
        ("platinum", {"min_won_revenue": 0.1 + 0.2, "currency": "EUR"}, 422, "min_won_revenue"),
        ("platinum", {"surprise": 1}, 422, "surprise"),
        ("diamond", {"min_deals_won": 1}, 404, "tier_id"),
    ]
    for tier, body, status, field in cases:
        assert_problem(portal.put(f"/portal/vendor/tiers/{tier}/requirements", user=ANA, json_body=body),
                       status, field)
    assert_problem(portal.put("/portal/vendor/tiers/platinum/requirements", user=CLEO,
                              json_body={"min_deals_won": 1}), 403)
    assert_problem(portal.put("/portal/vendor/tiers/platinum/requirements", user=SALLY,
                              json_body={"min_deals_won": 1}), 403)
    assert entities(aws, "PortalTable") == before
    # another vendor has no such tier
    assert_problem(portal.get("/portal/vendor/tiers/platinum/requirements", user=ZED), 404, "tier_id")


def test_search_hits_find_the_partnerships_leads_and_deals(
    portal: ApiClient, portal_project: Project,
) -> None:
    _realistic_sequence(portal_project)
    from portal.dal.partnerships import get_view
    from portal.logic.access import Viewer
    from portal.logic.dashboard import search_hits
    from trellis.principal import Principal, Role

    with portal.runner.env_applied():
        view = get_view(NORTHWIND)
        assert view is not None
        principal = Principal(user_id=SALLY.user_id, organisation_id="northwind",
                              roles=frozenset(Role(role) for role in SALLY.roles))
        viewer = Viewer(principal=principal, view=view, side="partner")
        hits = search_hits(viewer, ["GLOBEX"])
        assert sorted((hit["kind"], hit["id"]) for hit in hits) == [("deal", "d1"), ("lead", "l1")]
        assert search_hits(viewer, ["hooli", "exp"]) == [
            {"kind": "deal", "id": "d2", "title": "Hooli expansion", "excerpt": "open · 5000.00 USD"},
        ]
        assert search_hits(viewer, ["globex", "nothing"]) == []

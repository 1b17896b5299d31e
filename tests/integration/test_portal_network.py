"""The distributor portal: a distributor's current resellers with their figures, never another's network."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, CLEO, SALLY, ZED
from tests.helpers.portal_figures import deal, lead
from tests.helpers.portal_world import (
    CONTOSO,
    DIST_A,
    DIST_A_ADMIN,
    DIST_B,
    DIST_B_ADMIN,
    GLOBEX_ADMIN,
    NORTHWIND,
    PEOPLE,
    START,
    VENDOR,
    event,
)
from trellis.events.leads import DealCreated, DealWon, LeadCreated
from trellis.events.network import ResellerUnassigned

pytestmark = pytest.mark.usefixtures("portal_world")

Project = Callable[..., dict[str, Any]]


@pytest.fixture
def portal(service: Callable[..., ApiClient]) -> ApiClient:
    return service("portal", DIST_A_ADMIN)


@pytest.fixture
def figures(portal_world: None, portal_project: Project) -> None:
    """Northwind (DIST_A's reseller): a lead from DIST_A, an open deal and a won one; Contoso (DIST_B's):
    one lead."""
    portal_project(
        event(LeadCreated(lead=lead("l1", NORTHWIND, version=1, origin="distributor", distributor=DIST_A))),
        event(DealCreated(deal=deal("d1", NORTHWIND, version=1, amount="800.00", distributors=(DIST_A,)))),
        event(DealWon(deal=deal("d2", NORTHWIND, version=2, status="closed_won", amount="2500.00",
                                distributors=(DIST_A,)))),
        event(LeadCreated(lead=lead("l2", CONTOSO, version=1, origin="distributor", distributor=DIST_B,
                                    company="Contoso's customer"))),
    )


NORTHWIND_FIGURES = {
    "partnership_id": NORTHWIND, "company_name": "Northwind", "leads": 1, "leads_submitted": 1,
    "deals_open": 1,
    "pipeline": [{"amount": "800.00", "currency": "EUR"}], "deals_won": 1,
    "won_revenue": [{"amount": "2500.00", "currency": "EUR"}],
}


@pytest.mark.usefixtures("figures")
def test_a_distributor_lists_its_resellers_with_their_figures(portal: ApiClient) -> None:
    response = portal.get(f"/portal/partnerships/{DIST_A}/network")
    assert response.status == 200, response.text
    assert response.json() == {"items": [NORTHWIND_FIGURES]}
    one = portal.get(f"/portal/partnerships/{DIST_A}/network/{NORTHWIND}")
    assert one.status == 200, one.text
    assert one.json() == NORTHWIND_FIGURES


@pytest.mark.usefixtures("figures")
def test_distributor_a_cannot_see_distributor_bs_reseller(portal: ApiClient) -> None:
    # Contoso sells through DIST_B: not in DIST_A's network, by any route
    assert_problem(portal.get(f"/portal/partnerships/{DIST_A}/network/{CONTOSO}"), 404, "reseller_id")
    assert_problem(portal.get(f"/portal/partnerships/{DIST_B}/network"), 404, "partnership_id")
    assert_problem(portal.get(f"/portal/partnerships/{DIST_B}/network/{CONTOSO}"), 404, "partnership_id")
    assert_problem(portal.get(f"/portal/partnerships/{CONTOSO}/dashboard"), 404, "partnership_id")
    listed = portal.get(f"/portal/partnerships/{DIST_A}/network").json()["items"]
    assert CONTOSO not in {item["partnership_id"] for item in listed}
    assert "Contoso" not in str(listed)
    # and B sees its own, not A's
    own = portal.get(f"/portal/partnerships/{DIST_B}/network", user=DIST_B_ADMIN).json()["items"]
    assert [(item["partnership_id"], item["leads"]) for item in own] == [(CONTOSO, 1)]
    assert_problem(portal.get(f"/portal/partnerships/{DIST_B}/network/{NORTHWIND}", user=DIST_B_ADMIN), 404,
                   "reseller_id")


@pytest.mark.usefixtures("figures")
def test_a_reseller_no_longer_assigned_leaves_the_network(portal: ApiClient, portal_project: Project) -> None:
    portal_project(event(ResellerUnassigned(
        vendor_organisation_id=VENDOR, distributor_id=DIST_A, reseller_id=NORTHWIND, assigned_at=START,
        removed_at=START, chain=[DIST_A],
    ), minutes=30))
    assert portal.get(f"/portal/partnerships/{DIST_A}/network").json() == {"items": []}
    assert_problem(portal.get(f"/portal/partnerships/{DIST_A}/network/{NORTHWIND}"), 404, "reseller_id")


def test_the_vendor_opens_a_distributors_network(portal: ApiClient) -> None:
    for user in (ANA, CLEO):
        response = portal.get(f"/portal/partnerships/{DIST_A}/network", user=user)
        assert response.status == 200, response.text
        assert [item["partnership_id"] for item in response.json()["items"]] == [NORTHWIND]


@pytest.mark.parametrize(
    ("user", "status"),
    [(SALLY, 404), (PEOPLE["sales"], 404), (ANA, 404)],
    ids=["reseller-admin", "reseller-sales", "vendor"],
)
def test_a_partnership_that_is_no_distributor_has_no_network(
    portal: ApiClient, user: User, status: int,
) -> None:
    response = portal.get(f"/portal/partnerships/{NORTHWIND}/network", user=user)
    assert_problem(response, status, "partnership_id")


@pytest.mark.parametrize("user", [ZED, GLOBEX_ADMIN, DIST_B_ADMIN], ids=["other-vendor", "foreign", "dist-b"])
def test_anyone_outside_the_distributor_gets_404(portal: ApiClient, user: User) -> None:
    assert_problem(portal.get(f"/portal/partnerships/{DIST_A}/network", user=user), 404, "partnership_id")
    assert_problem(portal.get(f"/portal/partnerships/{DIST_A}/network/{NORTHWIND}", user=user), 404,
                   "partnership_id")


def test_an_unknown_or_malformed_reseller_id(portal: ApiClient) -> None:
    assert_problem(portal.get(f"/portal/partnerships/{DIST_A}/network/{'f' * 32}"), 404, "reseller_id")
    assert_problem(portal.get(f"/portal/partnerships/{DIST_A}/network/not%20an%20id"), 422, "reseller_id")

"""A distributor's own users (a partner organisation) see their resellers, and nothing more.

Partner organisations are linked to partnerships directly (as an accepted invitation would).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.network import archive_directly, assign, link_partner_organisation, switch_module
from tests.helpers.people import ANA, BEN, SALLY, ZED

TABLE = "PartnersTable"
# A second partner company: the other distributor's people
DORA = User("u-dora", "contoso", ("partner_admin",), "dora@contoso.example")
SID = User("u-sid", "northwind", ("sales",), "sid@northwind.example")


@pytest.fixture
def network(partners: ApiClient, new_partnership: Callable[..., dict[str, Any]]) -> dict[str, str]:
    """Two distributors of acme, each with a reseller; northwind is the first, contoso the second."""
    switch_module(partners, ANA)
    ids = {
        "northwind": new_partnership(company_name="Northwind Distribution",
                                     partnership_type="distributor")["id"],
        "contoso": new_partnership(company_name="Contoso Distribution", partnership_type="distributor")["id"],
        "mine": new_partnership(company_name="Alpine Resale", country="AT",
                                assigned_user_ids=[BEN.user_id])["id"],
        "theirs": new_partnership(company_name="Baltic Resale", country="LV")["id"],
    }
    assign(partners, ids["northwind"], ids["mine"])
    assign(partners, ids["contoso"], ids["theirs"])
    link_partner_organisation(partners, "acme", ids["northwind"], "northwind")
    link_partner_organisation(partners, "acme", ids["contoso"], "contoso")
    return ids


def test_a_distributor_sees_its_resellers_and_only_public_fields(
    partners: ApiClient, network: dict[str, str],
) -> None:
    response = partners.get(f"/partner/distributors/{network['northwind']}/resellers", user=SID)
    assert response.status == 200, response.text
    # The link, the partnership, the page of assignments, then the resellers with the vendor's switch
    assert response.calls.operations == ["GetItem", "GetItem", "Query", "BatchGetItem"]
    [reseller] = response.json()["items"]
    assert set(reseller) == {"id", "company_name", "partnership_type", "stage", "country", "assigned_at"}
    assert (reseller["id"], reseller["company_name"], reseller["partnership_type"], reseller["stage"],
            reseller["country"]) == (network["mine"], "Alpine Resale", "reseller", "recruitment", "AT")
    assert BEN.user_id not in response.text  # the vendor's assigned users are private
    # The other distributor sees only its own
    theirs = partners.get(f"/partner/distributors/{network['contoso']}/resellers", user=DORA)
    assert [item["id"] for item in theirs.json()["items"]] == [network["theirs"]]


def test_archived_resellers_are_not_shown_to_the_distributor(
    partners: ApiClient, network: dict[str, str],
) -> None:
    archive_directly(partners, "acme", network["mine"])
    response = partners.get(f"/partner/distributors/{network['northwind']}/resellers", user=SALLY)
    assert response.status == 200, response.text
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "target", ["contoso", "mine", "theirs", "unknown"],
    ids=["another-distributor", "own-reseller", "another-reseller", "unknown"],
)
def test_a_distributor_never_sees_another_network(
    partners: ApiClient, network: dict[str, str], target: str,
) -> None:
    distributor_id = network.get(target, "0" * 32)
    response = partners.get(f"/partner/distributors/{distributor_id}/resellers", user=SALLY)
    assert_problem(response, 404)
    assert "Baltic" not in response.text
    assert "Alpine" not in response.text


def test_a_partnership_that_is_no_longer_a_distributor_shows_no_network(
    partners: ApiClient, new_partnership: Callable[..., dict[str, Any]], network: dict[str, str],
) -> None:
    referral = new_partnership(company_name="Northwind Referrals", partnership_type="referral")["id"]
    link_partner_organisation(partners, "acme", referral, "northwind")
    assert_problem(partners.get(f"/partner/distributors/{referral}/resellers", user=SALLY), 404)


def test_the_vendors_switch_applies_to_the_distributor_view(
    partners: ApiClient, network: dict[str, str],
) -> None:
    switch_module(partners, ANA, enabled=False)
    response = partners.get(f"/partner/distributors/{network['northwind']}/resellers", user=SALLY)
    assert "switched off" in assert_problem(response, 409)["detail"]


def test_the_view_is_for_partner_users_only(partners: ApiClient, network: dict[str, str]) -> None:
    # The vendor's own people use the vendor routes; another vendor gets nothing
    assert_problem(partners.get(f"/partner/distributors/{network['northwind']}/resellers", user=ANA), 403)
    assert_problem(partners.get(f"/partner/distributors/{network['northwind']}/resellers", user=ZED), 403)


def test_a_distributor_cannot_change_its_network_or_its_terms(
    aws: Stack, partners: ApiClient, network: dict[str, str],
) -> None:
    distributor, mine, theirs = network["northwind"], network["mine"], network["theirs"]
    before = aws.count(TABLE)
    for method, path, body in [
        ("POST", f"/distributors/{distributor}/resellers", {"reseller_id": theirs}),
        ("DELETE", f"/distributors/{distributor}/resellers/{mine}", None),
        ("GET", f"/distributors/{distributor}/resellers", None),
        ("GET", f"/distributors/{network['contoso']}/resellers", None),
        ("GET", f"/partnerships/{mine}/distributors", None),
        ("PUT", "/distributor-module", {"enabled": False}),
        ("GET", "/distributor-module", None),
    ]:
        for user in (SALLY, SID):
            response = partners.request(method, path, json_body=body, user=user)
            assert response.status in (403, 404), (method, path, response.text)
            assert_problem(response, response.status)
            assert "Baltic" not in response.text
            assert "Alpine" not in response.text
    assert aws.count(TABLE) == before

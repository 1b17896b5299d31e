"""The portal's home and access rules: the partnership projection, programs, the portal card."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, CLEO, NOROLE, SALLY, ZED
from tests.helpers.portal_world import (
    CONTOSO,
    CONTOSO_ADMIN,
    DIST_A,
    DIST_A_ADMIN,
    GLOBEX,
    GLOBEX_ADMIN,
    NORTHWIND,
    OLDCO,
    OLDCO_ADMIN,
    PENDING,
    PEOPLE,
    event,
)
from trellis.events.partners import PartnershipStageChanged, PartnershipUpdated

pytestmark = pytest.mark.usefixtures("portal_world")


@pytest.fixture
def portal(service: Callable[..., ApiClient]) -> ApiClient:
    return service("portal", SALLY)


def test_a_partner_lists_the_programs_it_is_in(portal: ApiClient) -> None:
    response = portal.get("/portal/programs")
    assert response.status == 200, response.text
    assert response.json()["items"] == [{
        "partnership_id": NORTHWIND, "vendor_organisation_id": "acme", "vendor_organisation_name": "Acme",
        "company_name": "Northwind", "partnership_type": "reseller", "stage": "activation", "tier": "gold",
        "category": "consulting", "stage_name": "Activation", "tier_name": "Gold",
        "category_name": "Consulting", "archived": False,
    }]


def test_the_portal_card_names_the_tier_stage_and_category_as_the_vendor_does(portal: ApiClient) -> None:
    body = portal.get(f"/portal/partnerships/{CONTOSO}", user=CONTOSO_ADMIN).json()
    assert (body["tier"], body["tier_name"], body["stage_name"], body["category_name"]) == (
        "silver", "Silver", "Onboarding", "Msp")


def test_an_id_the_vendors_lists_do_not_hold_has_no_name(portal: ApiClient) -> None:
    # Distri A has no category: its name is absent, never another id's
    body = portal.get(f"/portal/partnerships/{DIST_A}", user=DIST_A_ADMIN).json()
    assert (body["category"], body["category_name"], body["tier_name"]) == (None, None, "Gold")


def test_an_archived_program_is_not_listed_and_cannot_be_opened(portal: ApiClient) -> None:
    assert portal.get("/portal/programs", user=OLDCO_ADMIN).json()["items"] == []
    assert_problem(portal.get(f"/portal/partnerships/{OLDCO}", user=OLDCO_ADMIN), 404, "partnership_id")


def test_a_vendor_user_has_no_partner_programs(portal: ApiClient) -> None:
    assert_problem(portal.get("/portal/programs", user=ANA), 403)


@pytest.mark.parametrize(
    ("user", "rooms"),
    [
        (PEOPLE["partner_admin"], ["dashboard", "leads", "deals", "commissions", "resources", "brand",
                                   "shared_files", "training", "projects", "messages", "feedback"]),
        (PEOPLE["sales"], ["dashboard", "leads", "deals", "commissions", "resources", "shared_files",
                           "training", "messages", "feedback"]),
        (PEOPLE["marketing"], ["resources", "brand", "shared_files", "training", "messages", "feedback"]),
        (PEOPLE["project_manager"], ["resources", "shared_files", "training", "projects", "messages",
                                     "feedback"]),
        (PEOPLE["executive"], ["dashboard", "commissions", "resources", "shared_files", "training",
                               "messages", "feedback"]),
    ],
    ids=lambda value: value.roles[0] if isinstance(value, User) else "",
)
def test_each_partner_role_opens_its_own_rooms(portal: ApiClient, user: User, rooms: list[str]) -> None:
    response = portal.get(f"/portal/partnerships/{NORTHWIND}", user=user)
    assert response.status == 200, response.text
    body = response.json()
    assert body["side"] == "partner"
    assert body["rooms"] == rooms


def test_a_distributor_also_has_its_network_room(portal: ApiClient) -> None:
    body = portal.get(f"/portal/partnerships/{DIST_A}", user=DIST_A_ADMIN).json()
    assert "network" in body["rooms"]


def test_the_vendor_opens_its_partnerships_portal(portal: ApiClient) -> None:
    for user in (ANA, CLEO):
        body = portal.get(f"/portal/partnerships/{NORTHWIND}", user=user).json()
        assert body["side"] == "vendor"
        assert body["assigned_user_ids"] == ["u-ben"]
    # the vendor opens a partnership whose partner has not joined yet, and an archived one
    assert portal.get(f"/portal/partnerships/{PENDING}", user=ANA).status == 200
    assert portal.get(f"/portal/partnerships/{OLDCO}", user=ANA).json()["archived"] is True


@pytest.mark.parametrize(
    ("user", "partnership_id"),
    [
        (ZED, NORTHWIND),  # another vendor
        (GLOBEX_ADMIN, NORTHWIND),  # a partner of another vendor
        (CONTOSO_ADMIN, NORTHWIND),  # another partner of the same vendor
        (SALLY, GLOBEX),  # a partnership of another vendor
        (SALLY, "a" * 32),  # no such partnership
        (ANA, GLOBEX),  # the vendor's id is a prefix of the owner's
    ],
    ids=["other-vendor", "other-vendors-partner", "same-vendors-other-partner", "foreign-partnership",
         "unknown", "prefix-tenant"],
)
def test_anyone_outside_the_partnership_gets_404(portal: ApiClient, user: User, partnership_id: str) -> None:
    assert_problem(portal.get(f"/portal/partnerships/{partnership_id}", user=user), 404, "partnership_id")


def test_a_user_without_roles_is_refused(portal: ApiClient) -> None:
    assert_problem(portal.get(f"/portal/partnerships/{NORTHWIND}", user=NOROLE), 403)


def test_a_malformed_partnership_id_is_a_422_naming_it(portal: ApiClient) -> None:
    assert_problem(portal.get("/portal/partnerships/not%20an%20id"), 422, "partnership_id")


def test_the_view_follows_stage_and_profile_events_and_ignores_older_ones(
    portal: ApiClient, portal_project: Callable[..., dict[str, Any]],
) -> None:
    portal_project(
        event(PartnershipStageChanged(
            partnership_id=CONTOSO, company_name="Contoso", from_stage="onboarding", to_stage="growth",
        ), minutes=60),
        event(PartnershipStageChanged(  # late: older than the one above
            partnership_id=CONTOSO, company_name="Contoso", from_stage="recruitment", to_stage="onboarding",
        ), minutes=30),
        event(PartnershipUpdated(
            partnership_id=CONTOSO, company_name="Contoso Ltd", partnership_type="referral", tier="gold",
            category="consulting", changes=[],
        ), minutes=61),
    )
    body = portal.get(f"/portal/partnerships/{CONTOSO}", user=CONTOSO_ADMIN).json()
    assert (body["stage"], body["tier"], body["category"], body["company_name"]) == (
        "growth", "gold", "consulting", "Contoso Ltd",
    )


def test_an_event_of_another_vendor_cannot_touch_a_partnership(
    portal: ApiClient, portal_project: Callable[..., dict[str, Any]],
) -> None:
    portal_project(event(PartnershipStageChanged(
        partnership_id=NORTHWIND, company_name="Northwind", from_stage="activation", to_stage="advocacy",
    ), tenant="acme-corp", minutes=90))
    assert portal.get(f"/portal/partnerships/{NORTHWIND}").json()["stage"] == "activation"

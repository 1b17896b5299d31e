"""The caller's organisation and its people: profile, users, roles, removal (never the last admin)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.organisations import delete, register_profiles
from tests.helpers.people import ANA, BEN, CLEO, NOROLE, SALLY, ZED

TABLE = "PartnersTable"


@pytest.fixture
def api(partners: ApiClient) -> ApiClient:
    register_profiles(partners)
    return partners


def test_the_profile_and_the_users_of_the_callers_organisation_only(api: ApiClient) -> None:
    profile = api.get("/organisation", user=CLEO)
    assert profile.status == 200
    assert profile.json()["name"] == "Acme"
    assert profile.calls.operations == ["GetItem"]
    users = api.get("/organisation/users", user=CLEO)
    assert users.status == 200
    ids = {user["id"] for user in users.json()["items"]}
    assert ids == {"u-ana", "u-ben", "u-cleo", "u-norole", "u-pat"}
    assert users.calls.operations == ["Query"]


def test_users_come_in_cursor_pages(api: ApiClient) -> None:
    first = api.get("/organisation/users", query={"limit": 2}).json()
    assert len(first["items"]) == 2
    second = api.get("/organisation/users", query={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert {user["id"] for user in first["items"]}.isdisjoint({user["id"] for user in second["items"]})
    other_tenant = api.get("/organisation/users", user=ZED, query={"cursor": first["next_cursor"]})
    assert_problem(other_tenant, 400, "cursor")


def test_an_admin_changes_roles(aws: Stack, api: ApiClient) -> None:
    response = api.put("/organisation/users/u-ben/roles", json_body={"roles": ["admin", "partner_manager"]})
    assert response.status == 200, response.text
    assert response.json()["roles"] == ["admin", "partner_manager"]
    assert response.calls.operations == ["GetItem", "TransactWriteItems"]
    [event] = outbox_events(aws, TABLE)
    assert event["type"] == "UserRolesChanged"
    assert event["data"]["from_roles"] == ["partner_manager"]
    # Now Ana may step down: Ben is another admin (checked in the same transaction)
    step_down = api.put("/organisation/users/u-ana/roles", json_body={"roles": ["member"]})
    assert step_down.status == 200, step_down.text
    assert step_down.calls.operations == ["GetItem", "Query", "TransactWriteItems"]


def test_the_last_admin_keeps_the_role_and_stays(aws: Stack, api: ApiClient) -> None:
    before = aws.count(TABLE)
    assert_problem(api.put("/organisation/users/u-ana/roles", json_body={"roles": ["member"]}), 409)
    assert_problem(delete(api, "/organisation/users/u-ana"), 409)
    assert aws.count(TABLE) == before


def test_removing_a_user_keeps_their_past_activity(aws: Stack, api: ApiClient, new_partnership: Any) -> None:
    partnership = new_partnership(as_user=BEN)
    response = delete(api, "/organisation/users/u-ben")
    assert response.status == 204
    assert response.calls.operations == ["GetItem", "TransactWriteItems"]
    assert outbox_events(aws, TABLE)[-1]["type"] == "UserRemoved"
    ids = {user["id"] for user in api.get("/organisation/users").json()["items"]}
    assert "u-ben" not in ids
    activity = api.get(f"/partnerships/{partnership['id']}/activity").json()["items"]
    assert activity[-1]["actor_user_id"] == "u-ben"
    assert_problem(delete(api, "/organisation/users/u-ben"), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"roles": ["owner"]}, "roles.0"), ({"roles": []}, "roles"), ({"roles": ["member"], "x": 1}, "x"),
     ({"roles": ["sales"]}, "roles")],
    ids=["unknown-role", "no-roles", "unknown-field", "partner-role-from-a-vendor-admin"],
)
def test_invalid_roles_are_refused(aws: Stack, api: ApiClient, body: dict[str, Any], field: str) -> None:
    before = aws.count(TABLE)
    response = api.put("/organisation/users/u-cleo/roles", json_body=body)
    assert_problem(response, 422, field)
    assert aws.count(TABLE) == before


# (SALLY, partner_admin of northwind, administers her own organisation: u-cleo is 404 there.)
@pytest.mark.parametrize("user", [BEN, CLEO, NOROLE], ids=["partner-manager", "member", "no-role"])
def test_only_admins_change_people(aws: Stack, api: ApiClient, user: User) -> None:
    before = aws.count(TABLE)
    response = api.put("/organisation/users/u-cleo/roles", user=user, json_body={"roles": ["member"]})
    assert_problem(response, 403)
    assert response.calls.operations == []
    assert_problem(delete(api, "/organisation/users/u-cleo", user=user), 403)
    assert aws.count(TABLE) == before


def test_another_organisations_user_is_404(aws: Stack, api: ApiClient) -> None:
    before = aws.count(TABLE)
    assert_problem(api.put("/organisation/users/u-zed/roles", json_body={"roles": ["member"]}), 404)
    assert_problem(delete(api, "/organisation/users/u-zed", user=ANA), 404)
    assert aws.count(TABLE) == before


def test_vendor_routes_stay_closed_to_partner_roles_and_partner_routes_to_vendors(api: ApiClient) -> None:
    assert_problem(api.get("/partnerships", user=SALLY), 403)
    assert_problem(api.get("/partner/partnerships", user=ANA), 403)
    assert api.get("/partner/partnerships", user=SALLY).json()["items"] == []
    assert_problem(api.get("/partner/partnerships/nope", user=SALLY), 404)

"""Invitations: teammates and partner contacts are invited, resent, revoked and accepted (public route)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.organisations import accept, delete, register_profiles
from tests.helpers.people import BEN, CLEO, SALLY, YVES, ZED

TABLE = "PartnersTable"
TEAM = "/organisation/invitations"


@pytest.fixture
def api(partners: ApiClient) -> ApiClient:
    register_profiles(partners)
    return partners


def invite(api: ApiClient, email: str = "dana@acme.example", roles: tuple[str, ...] = ("partner_manager",),
           **extra: Any) -> dict[str, Any]:
    response = api.post(TEAM, json_body={"email": email, "roles": list(roles), **extra})
    assert response.status == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# ------------------------------------------------------------------ teammates
def test_an_admin_invites_a_teammate(aws: Stack, api: ApiClient) -> None:
    before = datetime.now(UTC)
    response = api.post(TEAM, json_body={"email": " Dana@Acme.Example ", "roles": ["partner_manager"],
                                         "name": "Dana"})
    assert response.status == 201, response.text
    body = response.json()
    assert body["email"] == "dana@acme.example"
    assert body["status"] == "pending"
    assert body["kind"] == "teammate"
    assert body["roles"] == ["partner_manager"]
    assert body["token"].startswith("acme.")
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=7) - timedelta(minutes=1) < expires - before < timedelta(days=7, minutes=1)
    # One Query of the email index (not a member yet), the profile, one transaction
    assert response.calls.operations == ["Query", "GetItem", "TransactWriteItems"]
    [event] = outbox_events(aws, TABLE)
    assert event["type"] == "TeammateInvited"
    assert event["data"]["accept_token"] == body["token"]
    assert event["data"]["organisation_name"] == "Acme"
    # Only the hash of the token is stored
    [item] = [item for item in aws.items(TABLE) if item["entity"] == "Invitation"]
    assert body["token"] not in str(item)


def test_listing_never_shows_the_token_nor_other_organisations(api: ApiClient) -> None:
    invite(api)
    zed = api.post(TEAM, user=ZED, json_body={"email": "x@acme-corp.example", "roles": ["member"]})
    assert zed.status == 201
    response = api.get(TEAM)
    assert response.status == 200
    [item] = response.json()["items"]
    assert item["email"] == "dana@acme.example"
    assert item["token"] is None
    assert response.calls.operations == ["Query"]


def test_accepting_a_teammate_invitation_creates_the_user(aws: Stack, api: ApiClient) -> None:
    token = invite(api)["token"]
    response = accept(api, token, "Dana Scully")
    assert response.status == 201, response.text
    body = response.json()
    assert body["organisation_id"] == "acme"
    assert body["roles"] == ["partner_manager"]
    assert body["organisation_created"] is False
    assert response.calls.operations == ["Query", "Query", "TransactWriteItems"]
    users = api.get("/organisation/users", query={"limit": 100}).json()["items"]
    [dana] = [user for user in users if user["id"] == body["user_id"]]
    assert dana == {"id": body["user_id"], "email": "dana@acme.example", "name": "Dana Scully",
                    "roles": ["partner_manager"]}
    accepted = outbox_events(aws, TABLE)[-1]
    assert accepted["type"] == "InvitationAccepted"
    assert accepted["tenant_id"] == "acme"
    assert accepted["data"]["email"] == "dana@acme.example"
    assert accepted["data"]["roles"] == ["partner_manager"]
    assert api.get(TEAM).json()["items"][0]["status"] == "accepted"


def test_a_token_works_once(aws: Stack, api: ApiClient) -> None:
    token = invite(api)["token"]
    assert accept(api, token).status == 201
    before = aws.count(TABLE)
    again = accept(api, token)
    assert_problem(again, 404, "token")
    assert aws.count(TABLE) == before


def test_a_resent_invitation_kills_the_old_token(aws: Stack, api: ApiClient) -> None:
    first = invite(api, expires_in_days=1)
    response = api.post(f"{TEAM}/{first['id']}/resend")
    assert response.status == 200, response.text
    renewed = response.json()
    assert renewed["token"] != first["token"]
    assert renewed["expires_at"] > first["expires_at"]
    assert response.calls.operations == ["GetItem", "TransactWriteItems"]
    assert outbox_events(aws, TABLE)[-1]["type"] == "InvitationResent"
    assert_problem(accept(api, first["token"]), 404, "token")
    assert accept(api, renewed["token"]).status == 201


def test_a_revoked_invitation_cannot_be_accepted_nor_revoked_again(aws: Stack, api: ApiClient) -> None:
    invitation = invite(api)
    response = delete(api, f"{TEAM}/{invitation['id']}")
    assert response.status == 204
    assert response.calls.operations == ["GetItem", "TransactWriteItems"]
    assert outbox_events(aws, TABLE)[-1]["type"] == "InvitationRevoked"
    assert_problem(accept(api, invitation["token"]), 404, "token")
    assert_problem(delete(api, f"{TEAM}/{invitation['id']}"), 409)
    assert_problem(api.post(f"{TEAM}/{invitation['id']}/resend"), 409)


def test_an_expired_invitation_cannot_be_accepted(aws: Stack, api: ApiClient) -> None:
    invitation = invite(api)
    with api.runner.env_applied():
        from partners.dal.tables import InvitationItem

        [item] = [item for item in InvitationItem.query("ORG#acme#INVITATIONS#")]
        item.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        item.save()
    before = aws.count(TABLE)
    response = accept(api, invitation["token"])
    body = assert_problem(response, 404, "token")
    # The answer names every reason, so it says nothing about which one it was
    assert "expired" in body["detail"]
    assert "revoked" in body["detail"]
    assert aws.count(TABLE) == before
    assert api.get(TEAM).json()["items"][0]["status"] == "expired"


@pytest.mark.parametrize(
    "token",
    ["garbage", "acme.short", "acme." + "A" * 43, "no-such-org." + "A" * 43, "a#b." + "A" * 43,
     "." + "A" * 43],
    ids=["no-organisation", "short-secret", "unknown", "unknown-organisation", "delimiter",
         "empty-organisation"],
)
def test_a_bad_token_is_404_and_writes_nothing(aws: Stack, api: ApiClient, token: str) -> None:
    invite(api)
    before = aws.count(TABLE)
    response = accept(api, token)
    assert_problem(response, 404, "token")
    assert response.calls.operations in ([], ["Query"])
    assert aws.count(TABLE) == before


def test_the_accept_route_works_without_any_authorizer_context(api: ApiClient) -> None:
    # API Gateway sends no requestContext.authorizer at all on a route with Authorizer: NONE
    token = invite(api)["token"]
    event: dict[str, Any] = {
        "version": "2.0", "routeKey": "POST /invitations/accept", "rawPath": "/invitations/accept",
        "rawQueryString": "", "headers": {"content-type": "application/json"},
        "requestContext": {"http": {"method": "POST", "path": "/invitations/accept"}, "requestId": "r1",
                           "routeKey": "POST /invitations/accept", "stage": "$default"},
        "body": json.dumps({"token": token, "name": "Dana"}), "isBase64Encoded": False,
    }
    result = api.runner.invoke(event)
    assert result["statusCode"] == 201, result


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "dana@acme.example", "roles": ["member"], "nickname": "d"}, "nickname"),
        ({"email": "not-an-email", "roles": ["member"]}, "email"),
        ({"email": "a b@acme.example", "roles": ["member"]}, "email"),
        ({"email": 5, "roles": ["member"]}, "email"),
        ({"email": "dana@acme.example", "roles": ["owner"]}, "roles.0"),
        ({"email": "dana@acme.example", "roles": []}, "roles"),
        ({"email": "dana@acme.example", "roles": "admin"}, "roles"),
        ({"email": "dana@acme.example", "roles": ["sales"]}, "roles"),
        ({"email": "dana@acme.example", "roles": ["member"], "expires_in_days": 31}, "expires_in_days"),
    ],
    ids=["unknown-field", "bad-email", "email-with-space", "email-not-a-string", "unknown-role", "no-roles",
         "roles-not-a-list", "partner-role-in-a-vendor-org", "too-long"],
)
def test_an_invalid_invitation_is_refused_naming_the_field(
    aws: Stack, api: ApiClient, body: dict[str, Any], field: str,
) -> None:
    before = aws.count(TABLE)
    response = api.post(TEAM, json_body=body)
    assert_problem(response, 422, field)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


def test_inviting_a_member_again_is_a_conflict(aws: Stack, api: ApiClient) -> None:
    before = aws.count(TABLE)
    response = api.post(TEAM, json_body={"email": "BEN@acme.example", "roles": ["member"]})
    assert_problem(response, 409, "email")
    assert response.calls.operations == ["Query"]
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    "user", [BEN, CLEO, SALLY], ids=["partner-manager", "member", "partner-admin-elsewhere"],
)
def test_only_admins_invite_teammates(aws: Stack, api: ApiClient, user: User) -> None:
    before = aws.count(TABLE)
    response = api.post(TEAM, user=user, json_body={"email": "x@acme.example", "roles": ["member"]})
    if user is SALLY:
        # A partner_admin administers their own (partner) organisation, with partner roles only
        assert_problem(response, 422, "roles")
    else:
        assert_problem(response, 403)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


def test_another_organisations_invitation_is_404(aws: Stack, api: ApiClient) -> None:
    invitation = invite(api)
    before = aws.count(TABLE)
    assert_problem(api.post(f"{TEAM}/{invitation['id']}/resend", user=ZED), 404)
    assert_problem(delete(api, f"{TEAM}/{invitation['id']}", user=ZED), 404)
    assert api.get(TEAM, user=ZED).json()["items"] == []
    assert aws.count(TABLE) == before


# ------------------------------------------------------------------ partner contacts
@pytest.fixture
def partnership(new_partnership: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return new_partnership()


def invite_partner(api: ApiClient, partnership_id: str, email: str = "sally@northwind.example",
                   **extra: Any) -> dict[str, Any]:
    response = api.post(f"/partnerships/{partnership_id}/invitations", json_body={"email": email, **extra})
    assert response.status == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_vendor_invites_a_partner_contact(aws: Stack, api: ApiClient, partnership: dict[str, Any]) -> None:
    response = api.post(f"/partnerships/{partnership['id']}/invitations", user=BEN,
                        json_body={"email": "sally@northwind.example", "name": "Sally"})
    assert response.status == 201, response.text
    body = response.json()
    assert body["kind"] == "partner"
    assert body["partnership_id"] == partnership["id"]
    # The partnership, the vendor's profile, one transaction (invitation, activity, event)
    assert response.calls.operations == ["GetItem", "GetItem", "TransactWriteItems"]
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "PartnerInvited"
    assert event["data"]["company_name"] == "Northwind Consulting"
    assert event["data"]["vendor_organisation_name"] == "Acme"
    activity = api.get(f"/partnerships/{partnership['id']}/activity").json()["items"]
    assert activity[0]["kind"] == "partner_invited"
    listed = api.get(f"/partnerships/{partnership['id']}/invitations")
    assert [item["id"] for item in listed.json()["items"]] == [body["id"]]
    assert listed.calls.operations == ["GetItem", "Query"]
    # Teammate invitations and partner invitations are separate lists
    assert api.get(TEAM).json()["items"] == []


def test_accepting_founds_the_partner_organisation(
    aws: Stack, api: ApiClient, partnership: dict[str, Any],
) -> None:
    token = invite_partner(api, partnership["id"])["token"]
    response = accept(api, token, "Sally Ride")
    assert response.status == 201, response.text
    body = response.json()
    assert body["organisation_created"] is True
    assert body["roles"] == ["partner_admin"]
    assert body["partnership_id"] == partnership["id"]
    # The token, the partnership, one transaction: user, organisation, link, partnership, invitation,
    # activity and two events
    assert response.calls.operations == ["Query", "GetItem", "TransactWriteItems"]
    assert {"Organisation", "PartnerLink"} <= set(entities(aws, TABLE))
    types = [event["type"] for event in outbox_events(aws, TABLE)[-2:]]
    assert sorted(types) == ["InvitationAccepted", "PartnerJoined"]
    joined = next(event for event in outbox_events(aws, TABLE) if event["type"] == "PartnerJoined")
    assert joined["tenant_id"] == "acme"
    assert joined["data"]["partner_organisation_id"] == body["organisation_id"]
    # The new partner admin sees the partnership and their organisation
    sally = User(body["user_id"], body["organisation_id"], ("partner_admin",))
    assert api.get(f"/partner/partnerships/{partnership['id']}", user=sally).status == 200
    profile = api.get("/organisation", user=sally).json()
    assert profile["name"] == "Northwind Consulting"
    activity = api.get(f"/partnerships/{partnership['id']}/activity").json()["items"]
    kinds = [entry["kind"] for entry in activity]
    assert kinds[0] == "partner_joined"


def test_a_second_contact_joins_the_existing_partner_organisation(
    aws: Stack, api: ApiClient, partnership: dict[str, Any],
) -> None:
    first = accept(api, invite_partner(api, partnership["id"])["token"]).json()
    token = invite_partner(api, partnership["id"], "mo@northwind.example", roles=["marketing"])["token"]
    response = accept(api, token, "Mo")
    assert response.status == 201, response.text
    body = response.json()
    assert body["organisation_id"] == first["organisation_id"]
    assert body["organisation_created"] is False
    assert body["roles"] == ["marketing"]
    assert response.calls.operations == ["Query", "GetItem", "Query", "TransactWriteItems"]
    assert entities(aws, TABLE)["PartnerLink"] == 1
    # Without a chosen role the joining contact is in sales
    token = invite_partner(api, partnership["id"], "jo@northwind.example")["token"]
    assert accept(api, token).json()["roles"] == ["sales"]


def test_partner_invitations_of_an_archived_partnership_are_refused(
    aws: Stack, api: ApiClient, partnership: dict[str, Any],
) -> None:
    invitation = invite_partner(api, partnership["id"])
    with api.runner.env_applied():
        from partners.dal.partnerships import get

        item = get("acme", partnership["id"])
        assert item is not None
        item.archived_at = datetime.now(UTC)
        item.save()
    before = aws.count(TABLE)
    assert_problem(api.post(f"/partnerships/{partnership['id']}/invitations",
                            json_body={"email": "x@northwind.example"}), 409)
    assert_problem(api.post(f"/partnerships/{partnership['id']}/invitations/{invitation['id']}/resend"), 409)
    assert_problem(accept(api, invitation["token"]), 409)
    assert aws.count(TABLE) == before


def test_partner_invitation_resend_and_revoke(api: ApiClient, partnership: dict[str, Any]) -> None:
    invitation = invite_partner(api, partnership["id"])
    path = f"/partnerships/{partnership['id']}/invitations/{invitation['id']}"
    resent = api.post(f"{path}/resend")
    assert resent.status == 200
    assert resent.calls.operations == ["GetItem", "GetItem", "TransactWriteItems"]
    assert_problem(accept(api, invitation["token"]), 404, "token")
    revoked = delete(api, path)
    assert revoked.status == 204
    assert_problem(accept(api, resent.json()["token"]), 404, "token")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "x@northwind.example", "roles": ["admin"]}, "roles"),
        ({"email": "x@northwind.example", "roles": ["boss"]}, "roles.0"),
        ({"email": "nope"}, "email"),
        ({"email": "x@northwind.example", "company": "x"}, "company"),
    ],
    ids=["vendor-role", "unknown-role", "bad-email", "unknown-field"],
)
def test_an_invalid_partner_invitation_writes_nothing(
    aws: Stack, api: ApiClient, partnership: dict[str, Any], body: dict[str, Any], field: str,
) -> None:
    before = aws.count(TABLE)
    response = api.post(f"/partnerships/{partnership['id']}/invitations", json_body=body)
    assert_problem(response, 422, field)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [CLEO, SALLY], ids=["member", "partner-admin"])
def test_only_vendor_writers_invite_partners(
    aws: Stack, api: ApiClient, partnership: dict[str, Any], user: User,
) -> None:
    before = aws.count(TABLE)
    response = api.post(f"/partnerships/{partnership['id']}/invitations", user=user,
                        json_body={"email": "x@northwind.example"})
    assert_problem(response, 403)
    assert aws.count(TABLE) == before


def test_another_organisations_partnership_is_404(
    aws: Stack, api: ApiClient, partnership: dict[str, Any],
) -> None:
    invitation = invite_partner(api, partnership["id"])
    before = aws.count(TABLE)
    base = f"/partnerships/{partnership['id']}/invitations"
    assert_problem(api.post(base, user=YVES, json_body={"email": "x@northwind.example"}), 404)
    assert_problem(api.get(base, user=YVES), 404)
    assert_problem(api.post(f"{base}/{invitation['id']}/resend", user=YVES), 404)
    assert_problem(delete(api, f"{base}/{invitation['id']}", user=ZED), 404)
    assert aws.count(TABLE) == before

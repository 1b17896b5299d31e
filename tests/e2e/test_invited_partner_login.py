"""An invited partner gets a real login: invitation → acceptance → the identity sync creates the login
in the (moto) user pool → the local issuer signs it in → the new user reads their partnership.

Everything over HTTP, as the invitee's browser and the vendor's app would do it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from tests.e2e.conftest import LocalStack, eventually

pytestmark = pytest.mark.e2e

ADMIN = "admin@acme.example"


def _token_of(stack: LocalStack, email: str) -> str | None:
    """A token for the email once its login exists (the identity sync works asynchronously)."""
    response = stack.session.post(stack.url("/local/token"), json={"email": email}, timeout=10)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _get(stack: LocalStack, path: str, token: str) -> requests.Response:
    return stack.session.get(stack.url(path), headers={"authorization": f"Bearer {token}"}, timeout=10)


def test_an_invited_partner_signs_in_and_reads_their_partnership(stack: LocalStack) -> None:
    # Given a vendor's new partnership
    suffix = uuid.uuid4().hex[:8]
    email = f"owner-{suffix}@litware.example"
    vendor = stack.as_user(ADMIN)
    created = stack.session.post(stack.url("/partnerships"), headers=vendor, timeout=10, json={
        "company_name": f"Litware {suffix}", "partnership_type": "reseller", "country": "NL",
    })
    assert created.status_code == 201, created.text
    partnership: dict[str, Any] = created.json()
    # whose contact has no login yet
    assert _token_of(stack, email) is None

    # When the vendor invites the contact and the contact accepts (the public route, no token)
    invited = stack.session.post(stack.url(f"/partnerships/{partnership['id']}/invitations"), headers=vendor,
                                 timeout=10, json={"email": email, "name": "Lee Owner"})
    assert invited.status_code == 201, invited.text
    accepted = stack.session.post(stack.url("/invitations/accept"), timeout=10,
                                  json={"token": invited.json()["token"], "name": "Lee Owner"})
    assert accepted.status_code == 201, accepted.text
    membership = accepted.json()

    # Then the identity sync gives them a login, and they can sign in
    token = eventually(lambda: _token_of(stack, email), timeout=30)
    # as their own user of their new partner organisation (not as Cognito's sub)
    me = _get(stack, "/portal/me", token)
    assert me.status_code == 200, me.text
    assert me.json()["user_id"] == membership["user_id"]
    assert me.json()["organisation_id"] == membership["organisation_id"]
    assert me.json()["roles"] == ["partner_admin"]
    assert me.json()["side"] == "partner"
    # and they read the partnership they joined, and no other
    listed = _get(stack, "/partner/partnerships", token)
    assert listed.status_code == 200, listed.text
    assert [item["id"] for item in listed.json()["items"]] == [partnership["id"]]
    one = _get(stack, f"/partner/partnerships/{partnership['id']}", token)
    assert one.status_code == 200, one.text
    assert one.json()["company_name"] == f"Litware {suffix}"
    # The local directory lists them beside the demo users
    users = stack.session.get(stack.url("/local/users"), timeout=10).json()["users"]
    assert {"email": email, "user_id": membership["user_id"]}.items() <= next(
        user for user in users if user["email"] == email).items()

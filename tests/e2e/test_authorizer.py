"""The JWT authorizer in front of every route, and the local token issuer.

Forged tokens are signed with the stack's own key (read from its state directory) but with one
claim wrong each, or with a key the stack has never seen.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.e2e.conftest import LocalStack, concrete, operations

pytestmark = pytest.mark.e2e

ADMIN = "admin@acme.example"
UNAUTHORIZED = {"message": "Unauthorized"}


def _claims_and_kid(stack: LocalStack) -> tuple[dict[str, Any], str]:
    token = stack.token(ADMIN)
    return jwt.decode(token, options={"verify_signature": False}), jwt.get_unverified_header(token)["kid"]


def _signed(stack: LocalStack, **changes: Any) -> str:
    claims, kid = _claims_and_kid(stack)
    claims.update(changes)
    return jwt.encode(claims, stack.signing_key_pem, algorithm="RS256", headers={"kid": kid})


def _expired(stack: LocalStack) -> str:
    now = int(time.time())
    return _signed(stack, iat=now - 7200, auth_time=now - 7200, exp=now - 3600)


def _other_key(stack: LocalStack) -> str:
    claims, kid = _claims_and_kid(stack)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": kid})


def _unsigned(stack: LocalStack) -> str:
    claims, _ = _claims_and_kid(stack)
    return jwt.encode(claims, key="", algorithm="none")


BAD_TOKENS = {
    "expired": _expired,
    "signed by another key": _other_key,
    "wrong audience": lambda stack: _signed(stack, aud="someone-elses-client"),
    "wrong issuer": lambda stack: _signed(stack, iss="https://issuer.example"),
    "unsigned (alg none)": _unsigned,
    "not a JWT": lambda stack: "not-a-token",
}


def test_no_token_is_unauthorized(stack: LocalStack) -> None:
    # When
    response = stack.session.get(stack.url("/partnerships"), timeout=10)

    # Then
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


@pytest.mark.parametrize("make_token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_bad_token_is_unauthorized(stack: LocalStack, make_token: Any) -> None:
    # Given
    headers = {"authorization": f"Bearer {make_token(stack)}"}

    # When
    response = stack.session.get(stack.url("/partnerships"), headers=headers, timeout=10)

    # Then
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_rejected_token_never_reaches_the_function(stack: LocalStack) -> None:
    # Given a valid body sent with an expired token
    name = f"Rejected Co {time.time_ns()}"
    body = {"company_name": name, "partnership_type": "reseller"}

    # When
    response = stack.session.post(stack.url("/partnerships"), json=body,
                                  headers={"authorization": f"Bearer {_expired(stack)}"}, timeout=10)

    # Then nothing was written
    assert response.status_code == 401
    listing = stack.session.get(stack.url("/partnerships"), params={"limit": 100},
                                headers=stack.as_user(ADMIN), timeout=10).json()
    assert name not in {item["company_name"] for item in listing["items"]}


@pytest.mark.parametrize(("email", "path"), [
    ("admin@acme.example", "/partnerships"),
    ("member@globex.example", "/partnerships"),
    ("pm@acme.example", "/notifications/unread-count"),
    ("sales@northwind.example", "/portal/me"),
    ("executive@contoso.example", "/leads"),
])
def test_demo_users_token_is_accepted(stack: LocalStack, email: str, path: str) -> None:
    # When
    response = stack.session.get(stack.url(path), headers=stack.as_user(email), timeout=10)

    # Then
    assert response.status_code == 200, response.text


def test_token_carries_the_claims_the_services_read(stack: LocalStack) -> None:
    # When
    response = stack.session.post(stack.url("/local/token"), json={"email": "PM@acme.example"}, timeout=10)

    # Then
    assert response.status_code == 200
    content = response.json()
    assert content["token_type"] == "Bearer"
    assert content["expires_in"] == 3600
    claims = jwt.decode(content["access_token"], options={"verify_signature": False})
    assert claims["sub"] == "u-acme-pm"
    assert claims["email"] == "pm@acme.example"
    assert claims["custom:org_id"] == "org-acme"
    assert claims["custom:roles"] == "partner_manager"
    assert claims["token_use"] == "id"
    assert claims["exp"] - claims["iat"] == 3600
    me = stack.session.get(stack.url("/portal/me"), timeout=10,
                           headers={"authorization": f"Bearer {content['access_token']}"}).json()
    assert me["user_id"] == "u-acme-pm"
    assert me["organisation_id"] == "org-acme"


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"email": "nobody@nowhere.example"}, 404, "email"),
    ({"mail": "admin@acme.example"}, 400, "email"),
    ({"email": 42}, 400, "email"),
    (["admin@acme.example"], 400, "email"),
])
def test_token_for_unknown_or_malformed_request_is_a_problem(
    stack: LocalStack, body: Any, status: int, field: str,
) -> None:
    # When
    response = stack.session.post(stack.url("/local/token"), json=body, timeout=10)

    # Then
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert field in {error["field"] for error in response.json()["errors"]}


def test_token_request_that_is_not_json_is_a_problem(stack: LocalStack) -> None:
    # When
    response = stack.session.post(stack.url("/local/token"), data=b"{not json", timeout=10)

    # Then
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


# ------------------------------------------------------------------ every route (issue #9, item 1)

# The routes anyone may call without a token, each for a reason: a new one must be added here on purpose.
PUBLIC = {
    "POST /invitations/accept",  # the invitee has no login yet; the invitation token is the credential
    "GET /public/referrals/form", "POST /public/referrals",  # a customer's referral form (rate limited)
    "GET /public/unsubscribe", "POST /public/unsubscribe",  # the signed link in an email
    "POST /webhooks/generic/{organisation_id}", "POST /webhooks/hubspot/{organisation_id}",  # signed bodies
}


def test_only_the_known_routes_are_public(stack: LocalStack) -> None:
    public = {key for key, operation in operations(stack).items() if operation.get("security") == []}

    assert public == PUBLIC


def test_every_route_refuses_every_bad_token(stack: LocalStack) -> None:
    tokens: dict[str, str | None] = {name: make(stack) for name, make in BAD_TOKENS.items()}
    tokens["no token"] = None
    refused_wrongly: list[str] = []
    protected = [key for key, operation in operations(stack).items() if operation.get("security") != []]
    assert len(protected) > 150, "the document lost its routes"
    for key in protected:
        method, path = key.split(" ", 1)
        for name, token in tokens.items():
            headers = {"authorization": f"Bearer {token}"} if token else {}
            response = stack.session.request(method, stack.url(concrete(path)), headers=headers,
                                             json={} if method in {"POST", "PUT", "PATCH"} else None,
                                             timeout=10)
            if response.status_code != 401 or response.json() != UNAUTHORIZED:
                refused_wrongly.append(f"{key} with {name}: {response.status_code} {response.text[:80]}")

    assert refused_wrongly == []

"""Who is calling: the principal read from the verified JWT claims."""

from __future__ import annotations

from typing import Any

import pytest

from trellis.errors import Forbidden, Unauthorized
from trellis.principal import PARTNER_ROLES, VENDOR_WRITERS, Role, principal_from_claims

CLAIMS = {"sub": "u-1", "email": "ana@acme.example", "custom:org_id": "acme", "custom:roles": "admin,member"}


def test_the_principal_carries_user_organisation_email_and_roles() -> None:
    principal = principal_from_claims(CLAIMS)
    assert principal.user_id == "u-1"
    assert principal.organisation_id == "acme"
    assert principal.email == "ana@acme.example"
    assert principal.roles == {Role.ADMIN, Role.MEMBER}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("admin,partner_manager", {Role.ADMIN, Role.PARTNER_MANAGER}),
        (" admin , sales ", {Role.ADMIN, Role.SALES}),
        ("[admin member]", {Role.ADMIN, Role.MEMBER}),  # how API Gateway renders an array claim
        (["executive", "marketing"], {Role.EXECUTIVE, Role.MARKETING}),
        ("admin,owner,root", {Role.ADMIN}),  # unknown roles grant nothing
        ("", set()),
        (None, set()),
        (42, set()),
    ],
)
def test_roles_are_parsed_from_the_claim(raw: Any, expected: set[Role]) -> None:
    claims = {**CLAIMS, "custom:roles": raw}
    assert principal_from_claims(claims).roles == expected


def test_a_cognito_login_names_the_app_user_in_custom_user_id_not_in_sub() -> None:
    # Cognito chooses sub itself; the identity sync writes the app's user id into custom:user_id
    claims = {**CLAIMS, "sub": "0f4c2a9e-6b1d-4a57-9e8f-3c2b1a0d9e8f", "custom:user_id": "u-7"}
    assert principal_from_claims(claims).user_id == "u-7"


@pytest.mark.parametrize("value", [None, ""])
def test_without_custom_user_id_the_user_is_the_sub(value: str | None) -> None:
    # the local stack's demo users
    assert principal_from_claims({**CLAIMS, "custom:user_id": value}).user_id == "u-1"


def test_roles_claim_may_be_absent() -> None:
    claims = {key: value for key, value in CLAIMS.items() if key != "custom:roles"}
    assert principal_from_claims(claims).roles == frozenset()


def test_a_non_string_email_is_dropped() -> None:
    assert principal_from_claims({**CLAIMS, "email": ["a@b.c"]}).email is None


@pytest.mark.parametrize(
    "claims",
    [
        None,
        {},
        {"custom:org_id": "acme"},
        {"sub": "u-1"},
        {"sub": "", "custom:org_id": "acme"},
        {"sub": "u-1", "custom:org_id": ""},
        {"sub": 7, "custom:org_id": "acme"},
        {"sub": "u-1", "custom:org_id": ["acme"]},
        {"sub": "u#1", "custom:org_id": "acme"},  # would forge another key
        {"sub": "u-1", "custom:user_id": "u#1", "custom:org_id": "acme"},
        {"custom:user_id": 7, "custom:org_id": "acme"},
        {"sub": "u-1", "custom:org_id": "acme#PARTNERSHIP"},
    ],
)
def test_missing_or_malformed_identity_claims_are_unauthorized(claims: dict[str, Any] | None) -> None:
    with pytest.raises(Unauthorized) as raised:
        principal_from_claims(claims)
    assert raised.value.status == 401


def test_require_any_passes_with_one_of_the_roles() -> None:
    principal = principal_from_claims({**CLAIMS, "custom:roles": "partner_manager"})
    principal.require_any(VENDOR_WRITERS)
    assert principal.has_any(VENDOR_WRITERS)


def test_require_any_without_the_roles_is_forbidden() -> None:
    principal = principal_from_claims({**CLAIMS, "custom:roles": "sales"})
    assert not principal.has_any(VENDOR_WRITERS)
    assert principal.has_any(PARTNER_ROLES)
    with pytest.raises(Forbidden) as raised:
        principal.require_any(VENDOR_WRITERS)
    assert raised.value.status == 403
    assert "admin" in raised.value.detail
    assert "partner_manager" in raised.value.detail

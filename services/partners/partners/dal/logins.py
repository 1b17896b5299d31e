"""Logins: the Cognito user pool accounts of the organisations' users. The only module that calls Cognito.

A login's username is the user's email (the pool signs in by email; Cognito keeps its own ``sub``
as the internal username). What the API's JWT authorizer hands the handlers as claims lives in
custom attributes the app client may read but never write: ``custom:user_id`` (the partners
service's user id, immutable), ``custom:org_id`` and ``custom:roles`` (``a,b``, sorted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import botocore.session

from trellis.settings import get_settings

USER_ID, ORGANISATION, ROLES = "custom:user_id", "custom:org_id", "custom:roles"

_client: Any = None


class LoginExists(Exception):
    """AdminCreateUser found a login with that email already (created meanwhile, or someone else's)."""


@dataclass(frozen=True)
class Login:
    username: str  # Cognito's username (its sub, in a pool that signs in by email)
    email: str
    user_id: str | None
    organisation_id: str | None
    roles: frozenset[str]
    enabled: bool


def _cognito() -> Any:
    """The cognito-idp client, created on first use (botocore alone, like the outbox publisher)."""
    global _client
    if _client is None:
        _client = botocore.session.get_session().create_client("cognito-idp")
    return _client


def _pool() -> str:
    pool = get_settings().user_pool_id
    if not pool:
        raise RuntimeError("USER_POOL_ID is not set for this function")
    return pool


def roles_value(roles: Iterable[str]) -> str:
    return ",".join(sorted(roles))


def find(email: str) -> Login | None:
    """The login of an email address (one AdminGetUser), or None."""
    client = _cognito()
    try:
        found = client.admin_get_user(UserPoolId=_pool(), Username=email)
    except client.exceptions.UserNotFoundException:
        return None
    attributes = {item["Name"]: item["Value"] for item in found.get("UserAttributes", [])}
    roles = attributes.get(ROLES, "")
    return Login(
        username=found["Username"],
        email=attributes.get("email", email),
        user_id=attributes.get(USER_ID) or None,
        organisation_id=attributes.get(ORGANISATION) or None,
        roles=frozenset(role for role in roles.split(",") if role),
        enabled=bool(found.get("Enabled", True)),
    )


def create(email: str, *, user_id: str, organisation_id: str, roles: Iterable[str], name: str) -> None:
    """A new login; Cognito mails its temporary password to the address (never through our events)."""
    client = _cognito()
    try:
        client.admin_create_user(
            UserPoolId=_pool(),
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                # The invitation reached this address and its one-time token came back from it.
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": name},
                {"Name": USER_ID, "Value": user_id},
                {"Name": ORGANISATION, "Value": organisation_id},
                {"Name": ROLES, "Value": roles_value(roles)},
            ],
            DesiredDeliveryMediums=["EMAIL"],
        )
    except client.exceptions.UsernameExistsException as error:
        raise LoginExists(email) from error


def set_claims(login: Login, *, organisation_id: str, roles: Iterable[str]) -> None:
    _cognito().admin_update_user_attributes(
        UserPoolId=_pool(),
        Username=login.username,
        UserAttributes=[
            {"Name": ORGANISATION, "Value": organisation_id},
            {"Name": ROLES, "Value": roles_value(roles)},
        ],
    )


def disable(login: Login) -> None:
    """No more sign-ins, and every refresh token revoked (ID tokens already out live until they expire)."""
    client, pool = _cognito(), _pool()
    client.admin_disable_user(UserPoolId=pool, Username=login.username)
    client.admin_user_global_sign_out(UserPoolId=pool, Username=login.username)


def delete(login: Login) -> None:
    _cognito().admin_delete_user(UserPoolId=_pool(), Username=login.username)

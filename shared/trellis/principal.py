"""Who is calling: the principal read from the JWT claims the API Gateway authorizer verified."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from trellis.errors import Forbidden, Unauthorized

# Cognito ID-token claim names; the local issuer signs the same ones.
# The user id is the app's own (the partners service's user item), which Cognito cannot choose as
# its ``sub``: the identity-sync consumer writes it once into the immutable, client-unwritable
# ``custom:user_id`` when it creates the login. Tokens without it (the local stack's demo users)
# name the user in ``sub``.
CLAIM_USER = "custom:user_id"
CLAIM_SUBJECT = "sub"
CLAIM_EMAIL = "email"
CLAIM_ORGANISATION = "custom:org_id"
CLAIM_ROLES = "custom:roles"


class Role(StrEnum):
    # vendor side
    ADMIN = "admin"
    PARTNER_MANAGER = "partner_manager"
    MEMBER = "member"
    # partner side
    PARTNER_ADMIN = "partner_admin"
    SALES = "sales"
    MARKETING = "marketing"
    PROJECT_MANAGER = "project_manager"
    EXECUTIVE = "executive"


VENDOR_ROLES = frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.MEMBER})
VENDOR_WRITERS = frozenset({Role.ADMIN, Role.PARTNER_MANAGER})
PARTNER_ROLES = frozenset(
    {Role.PARTNER_ADMIN, Role.SALES, Role.MARKETING, Role.PROJECT_MANAGER, Role.EXECUTIVE}
)


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    organisation_id: str
    roles: frozenset[Role]
    email: str | None = None
    # Trellis itself acting for the organisation (an inbound CRM webhook, the public referral form),
    # never a signed-in person; its events name a system actor.
    system: bool = False

    def has_any(self, roles: frozenset[Role] | set[Role]) -> bool:
        return not self.roles.isdisjoint(roles)

    def require_any(self, roles: frozenset[Role] | set[Role]) -> None:
        if not self.has_any(roles):
            raise Forbidden(f"this action needs one of the roles: {', '.join(sorted(roles))}")


def _parse_roles(raw: Any) -> frozenset[Role]:
    if isinstance(raw, str):
        # API Gateway renders array claims as "[a b]"; Cognito custom attributes are "a,b".
        items = raw.strip("[]").replace(",", " ").split()
    elif isinstance(raw, list | tuple):
        items = [str(item) for item in raw]
    else:
        items = []
    known = {role.value for role in Role}
    return frozenset(Role(item) for item in items if item in known)


def principal_from_claims(claims: Mapping[str, Any] | None) -> Principal:
    claims = claims or {}
    user_id = claims.get(CLAIM_USER) or claims.get(CLAIM_SUBJECT)
    organisation_id = claims.get(CLAIM_ORGANISATION)
    if not (isinstance(user_id, str) and user_id and isinstance(organisation_id, str) and organisation_id):
        raise Unauthorized("the token does not name a user and an organisation")
    if "#" in user_id or "#" in organisation_id:
        raise Unauthorized("the token's user or organisation id is malformed")
    email = claims.get(CLAIM_EMAIL)
    return Principal(
        user_id=user_id,
        organisation_id=organisation_id,
        roles=_parse_roles(claims.get(CLAIM_ROLES)),
        email=email if isinstance(email, str) else None,
    )

"""Organisations and their people: the profile, the user directory, roles, leaving.

Who administers an organisation: ``admin`` grants vendor roles, ``partner_admin`` grants partner
roles (an organisation can be a vendor and a partner at once). Neither role can lose its last holder.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from partners.dal import organisations as dal
from partners.dal.tables import UserItem
from partners.models import OrganisationProfile, OrganisationUser, RolesChange
from trellis.errors import Conflict, Forbidden, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.organisations import UserRemoved, UserRolesChanged
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import PARTNER_ROLES, VENDOR_ROLES, Principal, Role

# What each administrator role may grant.
GRANTS: dict[Role, frozenset[Role]] = {Role.ADMIN: VENDOR_ROLES, Role.PARTNER_ADMIN: PARTNER_ROLES}
ADMINISTRATORS = frozenset(GRANTS)
ANY_ROLE = VENDOR_ROLES | PARTNER_ROLES


def register_organisation(organisation_id: str, name: str) -> None:
    dal.put_organisation(organisation_id, name)


def register_user(organisation_id: str, user_id: str, *, email: str, name: str, roles: set[Role]) -> None:
    dal.put_user(organisation_id, user_id, email=email, name=name, roles={role.value for role in roles})


def grantable_roles(principal: Principal) -> frozenset[Role]:
    granted: frozenset[Role] = frozenset()
    for role in principal.roles & ADMINISTRATORS:
        granted |= GRANTS[role]
    return granted


def require_grantable(principal: Principal, roles: Iterable[Role | str]) -> None:
    """422 on ``roles`` for a role the caller's administrator role does not cover."""
    refused = {str(role) for role in roles} - {role.value for role in grantable_roles(principal)}
    if refused:
        raise ValidationFailed(
            f"you cannot grant {', '.join(sorted(refused))}; your roles grant "
            f"{', '.join(sorted(grantable_roles(principal)))}",
            field="roles",
        )


def _user_view(item: UserItem) -> OrganisationUser:
    return OrganisationUser(id=item.user_id, email=item.email, name=item.name, roles=sorted(item.roles or ()))


def get_profile(principal: Principal) -> OrganisationProfile:
    principal.require_any(ANY_ROLE)
    item = dal.get_organisation(principal.organisation_id)
    if item is None:
        raise NotFound("your organisation has no profile yet")
    return OrganisationProfile(id=item.organisation_id, name=item.name, created_at=item.created_at)


def list_users(principal: Principal, *, limit: int, cursor: str | None) -> Page[OrganisationUser]:
    principal.require_any(ANY_ROLE)
    org = principal.organisation_id
    start = decode_cursor(cursor, tenant_id=org, listing="users")
    items, last_key = dal.users_page(org, limit=limit, start=start)
    return Page[OrganisationUser](
        items=[_user_view(item) for item in items],
        next_cursor=encode_cursor(last_key, tenant_id=org, listing="users"),
    )


def _administrators_left(item: UserItem, losing: set[str]) -> list[tuple[UserItem, str]]:
    """For each administrator role the user loses, another holder (409 if there is none)."""
    holders: list[tuple[UserItem, str]] = []
    for role in sorted(losing & {role.value for role in ADMINISTRATORS}):
        other = dal.other_holder(item.organisation_id, role, besides=item.user_id)
        if other is None:
            raise Conflict(f"{item.user_id} is the organisation's last {role}; make another user {role}")
        holders.append((other, role))
    return holders


def change_roles(principal: Principal, user_id: str, request: RolesChange) -> OrganisationUser:
    principal.require_any(ADMINISTRATORS)
    org = principal.organisation_id
    item = dal.get_user(org, user_id)
    if item is None:
        raise NotFound("no such user")
    before = set(item.roles or ())
    after = {role.value for role in request.roles}
    # Roles the caller cannot grant stay as they are (a vendor admin leaves partner roles alone).
    require_grantable(principal, before ^ after)
    if before == after:
        return _user_view(item)
    holders = _administrators_left(item, before - after)
    item.roles = after
    event = EventEnvelope.new(
        UserRolesChanged(
            user_id=user_id, organisation_id=org, email=item.email, from_roles=sorted(before),
            to_roles=sorted(after),
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=datetime.now(UTC),
    )
    dal.save_roles(item, event, still_holding=holders)
    return _user_view(item)


def remove_user(principal: Principal, user_id: str) -> None:
    """The user leaves the organisation; activity entries keep naming them by id."""
    principal.require_any(ADMINISTRATORS)
    org = principal.organisation_id
    item = dal.get_user(org, user_id)
    if item is None:
        raise NotFound("no such user")
    if set(item.roles or ()) - {role.value for role in grantable_roles(principal)}:
        raise Forbidden("the user holds roles your administrator role does not cover")
    holders = _administrators_left(item, set(item.roles or ()))
    event = EventEnvelope.new(
        UserRemoved(user_id=user_id, organisation_id=org, email=item.email),
        tenant_id=org, actor=Actor.of(principal), occurred_at=datetime.now(UTC),
    )
    dal.delete_user(item, event, still_holding=holders)

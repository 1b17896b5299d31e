"""Organisations and their users (the directory partnerships assign people from)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from partners.dal.tables import OrganisationItem, Outbox, PartnersItem, UserEmailItem, UserItem
from trellis.dynamo import transaction
from trellis.errors import Conflict, NotFound
from trellis.events import SYSTEM, EventEnvelope
from trellis.events.organisations import UserRegistered
from trellis.keys import key, org_key
from trellis.outbox import outbox_item

PROFILE_SK = "PROFILE#"
USERS_PREFIX = "USER#"


def organisation_pk(organisation_id: str) -> str:
    return org_key(organisation_id)


def user_sk(user_id: str) -> str:
    return key("USER", user_id)


def email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def user_email_pk(organisation_id: str, email: str) -> str:
    return org_key(organisation_id, "USER_EMAIL", email_hash(email))


def email_claim_sk(email: str) -> str:
    return key("EMAIL", email_hash(email))


def new_organisation_item(organisation_id: str, name: str, created_at: datetime) -> OrganisationItem:
    return OrganisationItem(
        pk=organisation_pk(organisation_id), sk=PROFILE_SK, organisation_id=organisation_id, name=name,
        created_at=created_at,
    )


def new_user_item(organisation_id: str, user_id: str, *, email: str, name: str, roles: set[str]) -> UserItem:
    return UserItem(
        pk=organisation_pk(organisation_id), sk=user_sk(user_id),
        gsi1pk=user_email_pk(organisation_id, email), gsi1sk=user_sk(user_id),
        organisation_id=organisation_id, user_id=user_id, email=email, name=name, roles=roles,
    )


def email_claim_item(organisation_id: str, email: str, user_id: str) -> UserEmailItem:
    """The item that claims ``email`` for ``user_id`` in the organisation: written with the user on
    condition it does not exist yet, so a second user with the same address can never commit."""
    return UserEmailItem(pk=organisation_pk(organisation_id), sk=email_claim_sk(email), user_id=user_id)


def put_organisation(organisation_id: str, name: str) -> None:
    new_organisation_item(organisation_id, name, datetime.now(UTC)).save()


def put_user(organisation_id: str, user_id: str, *, email: str, name: str, roles: set[str]) -> None:
    """A user written directly (an operator, the demo, the tests' directory), with the claim of their
    email and the event that tells the other services the user exists."""
    registered = EventEnvelope.new(
        UserRegistered(user_id=user_id, organisation_id=organisation_id, email=email, name=name,
                       roles=sorted(roles)),
        tenant_id=organisation_id, actor=SYSTEM,
    )
    with transaction(PartnersItem) as write:
        write.save(new_user_item(organisation_id, user_id, email=email, name=name, roles=roles))
        write.save(email_claim_item(organisation_id, email, user_id))
        write.save(outbox_item(Outbox, registered))


def get_organisation(organisation_id: str) -> OrganisationItem | None:
    try:
        item = OrganisationItem.get(organisation_pk(organisation_id), PROFILE_SK)
    except OrganisationItem.DoesNotExist:
        return None
    return item if isinstance(item, OrganisationItem) else None


def get_user(organisation_id: str, user_id: str, *, consistent: bool = False) -> UserItem | None:
    try:
        item = UserItem.get(organisation_pk(organisation_id), user_sk(user_id), consistent_read=consistent)
    except UserItem.DoesNotExist:
        return None
    return item if isinstance(item, UserItem) else None


def users_page(
    organisation_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[UserItem], Any]:
    result = UserItem.query(
        organisation_pk(organisation_id), UserItem.sk.startswith(USERS_PREFIX), limit=limit,
        last_evaluated_key=start,
    )
    items = [item for item in result if isinstance(item, UserItem)]
    return items, result.last_evaluated_key


def has_user_with_email(organisation_id: str, email: str) -> bool:
    """One Query of the email index within the organisation (never a Scan)."""
    result = UserItem.gsi1.query(user_email_pk(organisation_id, email), limit=1)
    return any(isinstance(item, UserItem) for item in result)


def other_holder(organisation_id: str, role: str, *, besides: str) -> UserItem | None:
    """Another user of the organisation holding ``role``, or None.

    A filtered Query of the organisation's user collection that stops at the first match: users
    are small items, so this reads few pages even for large organisations.
    """
    result = UserItem.query(
        organisation_pk(organisation_id),
        UserItem.sk.startswith(USERS_PREFIX),
        filter_condition=UserItem.roles.contains(role) & (UserItem.user_id != besides),
    )
    for item in result:
        if isinstance(item, UserItem):
            return item
    return None


def _still_holds(write: Any, holders: Iterable[tuple[UserItem, str]]) -> None:
    # Two admins demoting each other at once: each transaction checks that the admin it relies on
    # still is one, so one of them fails instead of both succeeding and leaving no admin.
    for holder, role in holders:
        write.condition_check(UserItem, holder.pk, holder.sk, condition=UserItem.roles.contains(role))


def _cancelled(error: TransactWriteError) -> set[str]:
    return {reason.code for reason in error.cancellation_reasons or [] if reason}


def save_roles(
    item: UserItem, envelope: EventEnvelope, *, still_holding: Iterable[tuple[UserItem, str]],
) -> None:
    """Write the user's new roles with their event and the checks that keep an administrator."""
    try:
        with transaction(PartnersItem) as write:
            write.update(
                item, actions=[UserItem.roles.set(item.roles)],
                condition=UserItem.pk.exists(),
            )
            _still_holds(write, still_holding)
            write.save(outbox_item(Outbox, envelope))
    except TransactWriteError as error:
        _raise_for(error)


def delete_user(
    item: UserItem, envelope: EventEnvelope, *, still_holding: Iterable[tuple[UserItem, str]],
) -> None:
    try:
        with transaction(PartnersItem) as write:
            write.delete(item, condition=UserItem.pk.exists())
            # Free the address (users from before the claims existed have none: deleting is a no-op).
            write.delete(UserEmailItem(pk=item.pk, sk=email_claim_sk(item.email)))
            _still_holds(write, still_holding)
            write.save(outbox_item(Outbox, envelope))
    except TransactWriteError as error:
        _raise_for(error)


def _raise_for(error: TransactWriteError) -> None:
    """The user (first item) is gone: 404. Another check failed or a write overlapped: 409."""
    reasons = error.cancellation_reasons or []
    if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
        raise NotFound("no such user") from error
    if _cancelled(error) & {"ConditionalCheckFailed", "TransactionConflict"}:
        raise Conflict("the organisation's users changed meanwhile; reload and try again") from error
    raise error

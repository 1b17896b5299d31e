"""The recipients directory and the users' preferences: the only module that knows their keys.

Directory writes come from events and are applied only when the event is newer than what the
entry already reflects (``known_at``), so a late or repeated event never moves anything back.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from notifications.dal.tables import NotificationsItem, PartnershipItem, RecipientItem
from trellis.keys import key, org_key

DIGEST_SHARDS = 10
PARTNERSHIP_SK = "PARTNERSHIP#"


def directory_pk(organisation_id: str) -> str:
    return org_key(organisation_id, "DIRECTORY")


def user_sk(user_id: str) -> str:
    return key("USER", user_id)


def partnership_pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "PARTNERSHIP", partnership_id)


def digest_shard_pk(frequency: str, shard: int) -> str:
    return key("DIGEST", frequency, str(shard))


def _digest_sk(organisation_id: str, user_id: str) -> str:
    return org_key(organisation_id, "USER", user_id)


def _is_stale(error: UpdateError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"


# ------------------------------------------------------------------ users (from events)


def apply_user(
    organisation_id: str, user_id: str, *, at: datetime, active: bool,
    email: str | None = None, name: str | None = None, roles: Iterable[str] | None = None,
) -> bool:
    """Record what an event says about a user, unless a newer event already did. False when stale."""
    item = RecipientItem(pk=directory_pk(organisation_id), sk=user_sk(user_id))
    actions = [
        RecipientItem.entity.set(RecipientItem), RecipientItem.user_id.set(user_id),
        RecipientItem.active.set(active), RecipientItem.known_at.set(at),
    ]
    if email is not None:
        actions.append(RecipientItem.email.set(email))
    if name is not None:
        actions.append(RecipientItem.name.set(name))
    if roles is not None:
        role_set = set(roles)
        actions.append(RecipientItem.roles.set(role_set) if role_set else RecipientItem.roles.remove())
    try:
        item.update(actions=actions,
                    condition=RecipientItem.known_at.does_not_exist() | (RecipientItem.known_at <= at))
    except UpdateError as error:
        if _is_stale(error):
            return False
        raise
    return True


def recipients(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], RecipientItem]:
    """The directory entries of (organisation, user) pairs, in BatchGetItem calls of up to 100."""
    keys = list(dict.fromkeys((directory_pk(org), user_sk(user)) for org, user in pairs))
    found: dict[tuple[str, str], RecipientItem] = {}
    if not keys:
        return found
    for item in NotificationsItem.batch_get(keys):
        if isinstance(item, RecipientItem):
            found[(item.organisation_id, item.user_id)] = item
    return found


def organisation_users(organisation_id: str) -> list[RecipientItem]:
    """Every known user of an organisation (one Query; an organisation's people are few)."""
    query = RecipientItem.query(directory_pk(organisation_id), RecipientItem.sk.startswith("USER#"))
    return [item for item in query if isinstance(item, RecipientItem)]


def recipient(organisation_id: str, user_id: str) -> RecipientItem | None:
    try:
        item = RecipientItem.get(directory_pk(organisation_id), user_sk(user_id))
    except RecipientItem.DoesNotExist:
        return None
    return item if isinstance(item, RecipientItem) else None


# ------------------------------------------------------------------ preferences (the user's own)


def set_preferences(
    organisation_id: str, user_id: str, *, mute: Iterable[str] = (), unmute: Iterable[str] = (),
    digest: str | None = None, change_digest: bool = False,
) -> RecipientItem:
    """Turn "<category>.<channel>" choices off/on and set the digest frequency, in one UpdateItem."""
    mute, unmute = set(mute), set(unmute)
    item = RecipientItem(pk=directory_pk(organisation_id), sk=user_sk(user_id))
    actions = [RecipientItem.entity.set(RecipientItem), RecipientItem.user_id.set(user_id)]
    if mute:
        actions += [RecipientItem.muted.add(mute), RecipientItem.unmuted.delete(mute)]
    if unmute:
        actions += [RecipientItem.unmuted.add(unmute), RecipientItem.muted.delete(unmute)]
    if change_digest:
        if digest is None:
            actions += [RecipientItem.digest.remove(), RecipientItem.gsi1pk.remove(),
                        RecipientItem.gsi1sk.remove()]
        else:
            shard = zlib.crc32(f"{organisation_id}/{user_id}".encode()) % DIGEST_SHARDS
            actions += [
                RecipientItem.digest.set(digest),
                RecipientItem.gsi1pk.set(digest_shard_pk(digest, shard)),
                RecipientItem.gsi1sk.set(_digest_sk(organisation_id, user_id)),
            ]
    item.update(actions=actions)
    return item


def digest_subscribers(frequency: str, shard: int, *, start: dict[str, Any] | None = None,
                       limit: int = 500) -> tuple[list[RecipientItem], dict[str, Any] | None]:
    """One page of the users taking a digest at this frequency, from one shard of the sparse index."""
    result = RecipientItem.by_digest.query(digest_shard_pk(frequency, shard), limit=limit,
                                           last_evaluated_key=start)
    items = [item for item in result if isinstance(item, RecipientItem)]
    return items, result.last_evaluated_key


def mark_digest_sent(item: RecipientItem, *, since: datetime | None, sent_at: datetime) -> bool:
    """Move the user's digest watermark from ``since`` to ``sent_at``; False when another run did."""
    condition = (RecipientItem.last_digest_at.does_not_exist() if since is None
                 else RecipientItem.last_digest_at == since)
    try:
        item.update(actions=[RecipientItem.last_digest_at.set(sent_at)], condition=condition)
    except UpdateError as error:
        if _is_stale(error):
            return False
        raise
    return True


# ------------------------------------------------------------------ partnerships (from events)


def apply_assignees(vendor_id: str, partnership_id: str, *, company_name: str, assigned: Iterable[str],
                    at: datetime) -> bool:
    item = PartnershipItem(pk=partnership_pk(vendor_id, partnership_id), sk=PARTNERSHIP_SK)
    users = set(assigned)
    try:
        item.update(
            actions=[
                PartnershipItem.entity.set(PartnershipItem), PartnershipItem.company_name.set(company_name),
                (PartnershipItem.assigned_user_ids.set(users) if users
                 else PartnershipItem.assigned_user_ids.remove()),
                PartnershipItem.assignees_at.set(at),
            ],
            condition=PartnershipItem.assignees_at.does_not_exist() | (PartnershipItem.assignees_at <= at),
        )
    except UpdateError as error:
        if _is_stale(error):
            return False
        raise
    return True


def apply_partner(vendor_id: str, partnership_id: str, *, company_name: str,
                  partner_organisation_id: str | None, deleted: bool = False) -> None:
    item = PartnershipItem(pk=partnership_pk(vendor_id, partnership_id), sk=PARTNERSHIP_SK)
    actions = [PartnershipItem.entity.set(PartnershipItem), PartnershipItem.company_name.set(company_name)]
    if partner_organisation_id:
        actions.append(PartnershipItem.partner_organisation_id.set(partner_organisation_id))
    if deleted:
        actions.append(PartnershipItem.deleted.set(True))
    item.update(actions=actions)


def partnerships(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], PartnershipItem]:
    keys = list(dict.fromkeys((partnership_pk(vendor, pid), PARTNERSHIP_SK) for vendor, pid in pairs))
    found: dict[tuple[str, str], PartnershipItem] = {}
    if not keys:
        return found
    for item in NotificationsItem.batch_get(keys):
        if isinstance(item, PartnershipItem):
            parts = item.pk.split("#")
            found[(parts[1], parts[3])] = item
    return found


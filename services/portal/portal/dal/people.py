"""The people of each organisation (vendor and partner users), kept from the partners service's events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pynamodb.exceptions import PutError

from portal.dal.tables import PersonItem
from trellis.keys import org_key

USER = "USER#"
_BATCH_GET = 100


def person_key(organisation_id: str, user_id: str) -> tuple[str, str]:
    return org_key(organisation_id, "PEOPLE"), f"{USER}{user_id}#"


def get_person(organisation_id: str, user_id: str) -> PersonItem | None:
    try:
        return PersonItem.get(*person_key(organisation_id, user_id))
    except PersonItem.DoesNotExist:
        return None


def people(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], PersonItem]:
    """Many people by (organisation, user) (BatchGetItem, 100 keys a call); unknown ones are absent."""
    wanted = [person_key(org, user) for org, user in dict.fromkeys(keys)]
    found: dict[tuple[str, str], PersonItem] = {}
    for start in range(0, len(wanted), _BATCH_GET):
        for item in PersonItem.batch_get(wanted[start:start + _BATCH_GET]):
            found[(item.organisation_id, item.user_id)] = item
    return found


def save_person(
    organisation_id: str, user_id: str, *, at: datetime, name: str | None, email: str | None,
    roles: list[str], active: bool, only_if_new: bool = False,
) -> None:
    """Keep what the event says unless a newer event was applied (or, ``only_if_new``, any at all).

    A name or email the event does not carry keeps the one known.
    """
    current = get_person(organisation_id, user_id)
    if current is not None and (only_if_new or current.known_at >= at):
        return
    item = PersonItem(
        *person_key(organisation_id, user_id), organisation_id=organisation_id, user_id=user_id,
        name=name or (current.name if current else None), email=email or (current.email if current else None),
        roles=sorted(roles), active=active, known_at=at,
    )
    condition = PersonItem.pk.does_not_exist() if current is None else PersonItem.known_at == current.known_at
    try:
        item.save(condition=condition)
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise RuntimeError("the person changed while being saved; the event is retried") from error

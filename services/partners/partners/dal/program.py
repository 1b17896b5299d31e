"""The vendor's program settings item (stage pipeline, tiers, categories, tags)."""

from __future__ import annotations

from collections.abc import Iterable

from partners.dal import partnerships
from partners.dal.tables import Outbox, PartnershipItem, PartnersItem, ProgramItem, UserItem
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

PROGRAM_SK = "PROGRAM#"


def program_key(organisation_id: str) -> tuple[str, str]:
    return org_key(organisation_id), PROGRAM_SK


def get(organisation_id: str) -> ProgramItem | None:
    try:
        item = ProgramItem.get(*program_key(organisation_id))
    except ProgramItem.DoesNotExist:
        return None
    return item if isinstance(item, ProgramItem) else None


def get_with_partnership(
    organisation_id: str, partnership_id: str,
) -> tuple[PartnershipItem | None, ProgramItem | None]:
    """A partnership and its vendor's program in one BatchGetItem (stage and tier checks need both)."""
    return partnerships.get_with(organisation_id, partnership_id, program_key(organisation_id), ProgramItem)


def save_with_event(item: ProgramItem, envelope: EventEnvelope) -> None:
    """The settings (checked against their version, or new) and their event, in one transaction."""
    with concurrent_change_is_a_conflict("the program settings"), transaction(ProgramItem) as write:
        write.save(item)  # the version attribute makes this conditional, also for a first save
        write.save(outbox_item(Outbox, envelope))


def get_with_users(organisation_id: str, user_ids: Iterable[str]) -> tuple[ProgramItem | None, set[str]]:
    """The program and which of these users exist in the organisation, in one BatchGetItem."""
    program, found = None, set()
    keys = [program_key(organisation_id)]
    keys += [(org_key(organisation_id), f"USER#{user}#") for user in set(user_ids)]
    for item in PartnersItem.batch_get(keys):
        if isinstance(item, ProgramItem):
            program = item
        elif isinstance(item, UserItem):
            found.add(item.user_id)
    return program, found

"""Partnership reads and writes. The only module that knows the partnership keys."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from partners.dal.tables import (
    ActivityItem,
    ChangeAttribute,
    Outbox,
    PartnerLinkItem,
    PartnershipIndexItem,
    PartnershipItem,
    PartnersItem,
    UserItem,
)
from trellis.dynamo import TableItem, concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key, time_ordered_id
from trellis.outbox import outbox_item


def partnership_pk(organisation_id: str, partnership_id: str) -> str:
    return org_key(organisation_id, "PARTNERSHIP", partnership_id)


PARTNERSHIP_SK = "PARTNERSHIP#"


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Activity:
    kind: str
    summary: str
    actor_user_id: str | None
    occurred_at: datetime
    details: dict[str, str | None]
    changes: tuple[Change, ...] = ()


def new_partnership_item(organisation_id: str, partnership_id: str, **attributes: Any) -> PartnershipItem:
    item = PartnershipItem(
        pk=partnership_pk(organisation_id, partnership_id),
        sk=PARTNERSHIP_SK,
        organisation_id=organisation_id,
        partnership_id=partnership_id,
        **attributes,
    )
    _remember_index(item, listed=False)
    return item


# ---------------------------------------------------------------- the list
#
# The partnership list is read from index items, never by scanning partnerships. Each live
# partnership has one small item per filter value it matches, in the partition of that value
# (``ORG#<org>#PLIST#<filter>#<value>#``), sorted by creation (sk) and by name (lsi1sk):
#   ALL/ALL, STAGE/<stage>, TYPE/<type>, COUNTRY/<cc>, TIER/<tier>, CATEGORY/<category>,
#   TAG/<tag> (one per tag), ASSIGNEE/<user> (one per assigned user).
# An archived partnership has only ARCHIVED/ALL. A page is one Query of the most selective
# filter's partition plus one BatchGetItem of the page's partnerships, whatever the program size;
# further filters are applied to those partnerships (pages may then come back short, with a cursor).
# The index items are written in the same transaction as the partnership, so they never disagree.

LIST_FILTERS = ("ASSIGNEE", "TAG", "TIER", "CATEGORY", "STAGE", "COUNTRY", "TYPE")  # most selective first


def _index_values(item: PartnershipItem) -> set[tuple[str, str]]:
    return {("ARCHIVED", "ALL")} if item.archived_at is not None else _filter_values(item)


def _filter_values(item: PartnershipItem) -> set[tuple[str, str]]:
    """Every (filter, value) the partnership matches, archived or not."""
    values = {("ALL", "ALL"), ("STAGE", item.stage), ("TYPE", item.partnership_type)}
    values |= {(name, value) for name, value in
               (("COUNTRY", item.country), ("TIER", item.tier), ("CATEGORY", item.category)) if value}
    values |= {("TAG", tag) for tag in item.tags or []}
    values |= {("ASSIGNEE", user) for user in item.assigned_user_ids or []}
    return values


def list_pk(organisation_id: str, name: str, value: str) -> str:
    return org_key(organisation_id, "PLIST", name, value)


def _name_key(item: PartnershipItem) -> str:
    return f"{item.company_name.casefold().replace('#', ' ')}#{item.partnership_id}#"


def _index_state(item: PartnershipItem) -> tuple[frozenset[tuple[str, str]], str, str]:
    created_key = f"{item.created_at.isoformat()}#{item.partnership_id}#"
    return frozenset(_index_values(item)), created_key, _name_key(item)


def _remember_index(item: PartnershipItem, *, listed: bool) -> PartnershipItem:
    """Note which index items the stored partnership has, to know later which ones a write changes."""
    item._listed_as = _index_state(item) if listed else None
    return item


def index_items(item: PartnershipItem) -> list[PartnershipIndexItem]:
    """The list entries of a partnership as they are stored (for bulk loads, e.g. the benchmarks)."""
    values, created_key, name_key = _index_state(item)
    return [
        PartnershipIndexItem(pk=list_pk(item.organisation_id, name, value), sk=created_key, lsi1sk=name_key,
                             partnership_id=item.partnership_id)
        for name, value in sorted(values)
    ]


def _write_index(write: Any, item: PartnershipItem, *, deleted: bool = False) -> None:
    """Add to the transaction the index items this write changes (and only those)."""
    if not hasattr(item, "_listed_as"):
        raise RuntimeError("partnerships must be read through this module before they are written")
    before = item._listed_as
    old_values, sk, old_name = before if before else (frozenset(), "", "")
    new_values, new_sk, new_name = (frozenset(), sk, old_name) if deleted else _index_state(item)
    org = item.organisation_id
    # A renamed partnership moves in every name-sorted list: rewrite all its index items.
    puts = new_values if new_name != old_name else new_values - old_values
    for name, value in sorted(old_values - new_values):
        write.delete(PartnershipIndexItem(pk=list_pk(org, name, value), sk=sk))
    for name, value in sorted(puts):
        write.save(PartnershipIndexItem(
            pk=list_pk(org, name, value), sk=new_sk, lsi1sk=new_name, partnership_id=item.partnership_id,
        ))


def activity_item(organisation_id: str, partnership_id: str, activity: Activity) -> ActivityItem:
    """An activity entry, to be written in the same transaction as the change it records."""
    activity_id = time_ordered_id()
    return ActivityItem(
        pk=partnership_pk(organisation_id, partnership_id),
        sk=f"ACTIVITY#{activity_id}#",
        activity_id=activity_id,
        kind=activity.kind,
        summary=activity.summary,
        actor_user_id=activity.actor_user_id,
        occurred_at=activity.occurred_at,
        details=activity.details,
        changes=[ChangeAttribute(field=c.field, before=c.before, after=c.after) for c in activity.changes],
    )


def get(organisation_id: str, partnership_id: str) -> PartnershipItem | None:
    try:
        item = PartnershipItem.get(partnership_pk(organisation_id, partnership_id), PARTNERSHIP_SK)
    except PartnershipItem.DoesNotExist:
        return None
    return _remember_index(item, listed=True) if isinstance(item, PartnershipItem) else None


def get_with[T: TableItem](
    organisation_id: str, partnership_id: str, other: tuple[str, str], kind: type[T],
) -> tuple[PartnershipItem | None, T | None]:
    """The partnership and one other item (one of its profiles, the vendor's program…) in one BatchGetItem."""
    partnership, found_other = None, None
    keys = [(partnership_pk(organisation_id, partnership_id), PARTNERSHIP_SK), other]
    for item in PartnersItem.batch_get(keys):
        if isinstance(item, PartnershipItem):
            partnership = loaded(item)
        elif isinstance(item, kind):
            found_other = item
    return partnership, found_other


def loaded(item: PartnershipItem) -> PartnershipItem:
    """For partnerships read elsewhere (e.g. in a batch): mark them as stored, with their index items."""
    return _remember_index(item, listed=True)


def save_with_event(
    item: PartnershipItem, activity: Activity, envelope: EventEnvelope, *, is_new: bool,
    users_exist: Iterable[str] = (), more_events: Sequence[EventEnvelope] = (),
) -> None:
    """Write the partnership, its activity entry and its event(s) in one transaction (the outbox).

    ``users_exist``: users (of the partnership's organisation) that must still exist when it commits,
    e.g. those being assigned: a user removed meanwhile fails the write instead of staying assigned
    after the removal's unassignment has passed this partnership by.
    """
    condition = PartnershipItem.pk.does_not_exist() if is_new else None
    with concurrent_change_is_a_conflict("the partnership or its assigned users"), \
            transaction(PartnershipItem) as write:
        # save() adds the version check: a concurrent writer makes the whole transaction fail.
        write.save(item, condition=condition)
        _write_index(write, item)
        write.save(activity_item(item.organisation_id, item.partnership_id, activity))
        for event in (envelope, *more_events):
            write.save(outbox_item(Outbox, event))
        for user_id in sorted(set(users_exist)):
            write.condition_check(
                UserItem, org_key(item.organisation_id), f"USER#{user_id}#", condition=UserItem.pk.exists(),
            )
    _remember_index(item, listed=True)


# At most 4 items per partnership (itself, one index item, activity, event) within the 100 of a transaction.
MAX_SAVED_AT_ONCE = 20


def save_all_with_events(changes: Sequence[tuple[PartnershipItem, Activity, EventEnvelope]]) -> None:
    """Write several partnerships, each with its activity entry and event, in one transaction.

    For bulk changes that touch one index item per partnership (e.g. unassigning a user); any
    partnership changed meanwhile fails the whole transaction (409), to be re-read and retried.
    """
    if len(changes) > MAX_SAVED_AT_ONCE:
        raise ValueError(f"at most {MAX_SAVED_AT_ONCE} partnerships per transaction")
    if not changes:
        return
    with concurrent_change_is_a_conflict("a partnership"), transaction(PartnershipItem) as write:
        for item, activity, envelope in changes:
            write.save(item)
            _write_index(write, item)
            write.save(activity_item(item.organisation_id, item.partnership_id, activity))
            write.save(outbox_item(Outbox, envelope))
    for item, _, _ in changes:
        _remember_index(item, listed=True)


def delete_with_event(item: PartnershipItem, envelope: EventEnvelope) -> int:
    """Delete the partnership (checked against its version) with its event, then its whole collection.

    The transaction is what counts: once it commits the partnership is gone (404 everywhere) and
    the event is on its way. Its activity and profile items are then removed in batches; returns
    how many. A crash in between leaves only unreachable items under a key no one reads.
    """
    with concurrent_change_is_a_conflict("the partnership"), transaction(PartnershipItem) as write:
        write.delete(item)  # with the version check, like save()
        _write_index(write, item, deleted=True)
        if item.partner_organisation_id:
            write.delete(PartnerLinkItem(
                pk=partner_link_pk(item.partner_organisation_id), sk=f"PARTNERSHIP#{item.partnership_id}#",
            ))
        write.save(outbox_item(Outbox, envelope))
    collection = PartnersItem.query(item.pk, attributes_to_get=["pk", "sk", "entity"])
    removed = 0
    with PartnersItem.batch_write() as batch:
        for leftover in collection:
            batch.delete(leftover)
            removed += 1
    return removed


def list_page(
    organisation_id: str, *, filters: dict[str, str], by_name: bool, descending: bool, limit: int,
    start: dict[str, Any] | None, max_rounds: int = 4,
) -> tuple[list[PartnershipItem], Any, int]:
    """A page of the list (see "The list" above); also returns how many index items were read."""
    primary = next(
        ((name, filters[name]) for name in ("ARCHIVED", *LIST_FILTERS) if name in filters), ("ALL", "ALL"),
    )
    others = {name: value for name, value in filters.items() if (name, value) != primary}
    pk = list_pk(organisation_id, *primary)
    page: list[PartnershipItem] = []
    last_key, index_read = start, 0
    for _ in range(max_rounds):
        query = PartnershipIndexItem.by_name.query if by_name else PartnershipIndexItem.query
        result = query(
            pk, scan_index_forward=not descending, limit=limit - len(page), last_evaluated_key=last_key,
        )
        ids = [entry.partnership_id for entry in result if isinstance(entry, PartnershipIndexItem)]
        index_read += len(ids)
        last_key = result.last_evaluated_key
        found = {item.partnership_id: item for item in PartnershipItem.batch_get(
            [(partnership_pk(organisation_id, pid), PARTNERSHIP_SK) for pid in ids],
        ) if isinstance(item, PartnershipItem)} if ids else {}
        page += [found[pid] for pid in ids if pid in found and _matches(found[pid], others)]
        if not last_key or len(page) >= limit or not others:
            break
    return page, last_key, index_read


def assigned_page(
    organisation_id: str, user_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[PartnershipItem], Any]:
    """A page of the live partnerships the user is assigned to: one consistent Query of their ASSIGNEE
    list partition and one consistent BatchGetItem (an index item and its partnership commit together)."""
    result = PartnershipIndexItem.query(
        list_pk(organisation_id, "ASSIGNEE", user_id), limit=limit, last_evaluated_key=start,
        consistent_read=True,
    )
    ids = [entry.partnership_id for entry in result if isinstance(entry, PartnershipIndexItem)]
    return get_many(organisation_id, ids), result.last_evaluated_key


def get_many(organisation_id: str, partnership_ids: Sequence[str]) -> list[PartnershipItem]:
    """The partnerships that exist of ``partnership_ids`` (one consistent BatchGetItem), in that order."""
    if not partnership_ids:
        return []
    found = {item.partnership_id: loaded(item) for item in PartnershipItem.batch_get(
        [(partnership_pk(organisation_id, pid), PARTNERSHIP_SK) for pid in partnership_ids],
        consistent_read=True,
    ) if isinstance(item, PartnershipItem)}
    return [found[pid] for pid in partnership_ids if pid in found]


def _matches(item: PartnershipItem, filters: dict[str, str]) -> bool:
    values = _filter_values(item)
    return all((name, value) in values for name, value in filters.items() if name != "ARCHIVED")


def activity_page(
    organisation_id: str, partnership_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[PartnershipItem | None, list[ActivityItem], Any]:
    """The partnership's activity, newest first, in one Query of its item collection.

    ``PARTNERSHIP#`` sorts after every ``ACTIVITY#…``, so in descending order the first page opens
    with the partnership itself: its absence means 404, without a second read.
    """
    first_page = start is None
    result = PartnersItem.query(
        partnership_pk(organisation_id, partnership_id),
        PartnersItem.sk <= PARTNERSHIP_SK,
        scan_index_forward=False,
        limit=limit + (1 if first_page else 0),
        last_evaluated_key=start,
    )
    items = list(result)
    partnership = None
    if first_page:
        if not items or not isinstance(items[0], PartnershipItem):
            return None, [], None
        partnership, items = items[0], items[1:]
    return partnership, [item for item in items if isinstance(item, ActivityItem)], result.last_evaluated_key


def existing_user_ids(organisation_id: str, user_ids: Iterable[str]) -> set[str]:
    keys = [(org_key(organisation_id), f"USER#{user_id}#") for user_id in set(user_ids)]
    if not keys:
        return set()
    return {item.user_id for item in UserItem.batch_get(keys) if isinstance(item, UserItem)}


def partner_link_pk(partner_organisation_id: str) -> str:
    return org_key(partner_organisation_id, "AS_PARTNER")


def partner_link_item(
    item: PartnershipItem, partner_organisation_id: str, linked_at: datetime,
) -> PartnerLinkItem:
    """The link to write when a partner joins (same transaction as ``item.partner_organisation_id``)."""
    return PartnerLinkItem(
        pk=partner_link_pk(partner_organisation_id), sk=f"PARTNERSHIP#{item.partnership_id}#",
        partner_organisation_id=partner_organisation_id, vendor_organisation_id=item.organisation_id,
        partnership_id=item.partnership_id, linked_at=linked_at,
    )


def get_for_partner(partner_organisation_id: str, partnership_id: str) -> PartnershipItem | None:
    """The partnership as seen from the partner's side: only if the partner's organisation is party to it."""
    try:
        link = PartnerLinkItem.get(partner_link_pk(partner_organisation_id), f"PARTNERSHIP#{partnership_id}#")
    except PartnerLinkItem.DoesNotExist:
        return None
    item = get(link.vendor_organisation_id, partnership_id)
    if item is None or item.partner_organisation_id != partner_organisation_id:
        return None
    return item

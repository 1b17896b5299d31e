"""The commission ledger: per-deal state and ledger entries. The only module that knows their keys.

The vendor whose program pays is the tenant of the whole ledger (keys after ``ORG#<vendor>#``):

| entity | pk | sk | gsi1pk | gsi1sk |
|---|---|---|---|---|
| LedgerDeal | LEDGER#<deal># | LEDGER# | LEDGER#PROBLEMS# (while it has one) | <problem_at>#<deal> |
| CommissionEntry | COMMISSION#<entry># | COMMISSION# | CLIST#S#<status># | <position> |
| CommissionListing (all) | CLIST# | <position> | | |
| CommissionListing (one's) | CLIST#P#<pid># | <position> | CLIST#P#<pid>#S#<status># | <position> |

(``<pid>``: the beneficiary partnership.)

``<position>`` is ``<effective_at>#<entry>`` (UTC, fixed width), so every listing is newest first by
the deal change the entry accounts for, and a month is a key prefix. An entry and its two listing
copies are always written together, in the same transaction, so the four listings (all, by status,
by beneficiary, by beneficiary and status) each answer with one Query of the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import PutError
from pynamodb.expressions.condition import Condition

from leads.dal.tables import (
    CommissionEntryItem,
    CommissionListingItem,
    LeadsItem,
    LedgerDealItem,
    Outbox,
)
from trellis.dynamo import TableItem, concurrent_change_is_a_conflict, transaction
from trellis.errors import Conflict
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

LEDGER_SK = "LEDGER#"
CHANGED = "the deal's ledger"
ENTRY_SK = "COMMISSION#"
_BATCH_GET = 100
_COPIED = (
    "vendor_organisation_id", "entry_id", "deal_id", "deal_name", "kind", "status", "partnership_id",
    "organisation_id", "role", "amount", "currency", "effective_at", "expected_payout_on", "deal_version",
    "created_at", "approved_at", "approved_by", "paid_at", "payout_id",
)


# ---------------------------------------------------------------- keys


def ledger_key(vendor_id: str, deal_id: str) -> tuple[str, str]:
    return org_key(vendor_id, "LEDGER", deal_id), LEDGER_SK


def problems_pk(vendor_id: str) -> str:
    return org_key(vendor_id, "LEDGER", "PROBLEMS")


def entry_key(vendor_id: str, entry_id: str) -> tuple[str, str]:
    return org_key(vendor_id, "COMMISSION", entry_id), ENTRY_SK


def position(at: datetime, item_id: str) -> str:
    return f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{item_id}"


def all_listing_pk(vendor_id: str) -> str:
    return org_key(vendor_id, "CLIST")


def status_listing_pk(vendor_id: str, status: str) -> str:
    return org_key(vendor_id, "CLIST", "S", status)


def beneficiary_listing_pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "CLIST", "P", partnership_id)


def beneficiary_status_listing_pk(vendor_id: str, partnership_id: str, status: str) -> str:
    return org_key(vendor_id, "CLIST", "P", partnership_id, "S", status)


# ---------------------------------------------------------------- per-deal state


def get_state(vendor_id: str, deal_id: str) -> LedgerDealItem | None:
    try:
        return LedgerDealItem.get(*ledger_key(vendor_id, deal_id), consistent_read=True)
    except LedgerDealItem.DoesNotExist:
        return None


def new_state(vendor_id: str, deal_id: str) -> LedgerDealItem:
    return LedgerDealItem(*ledger_key(vendor_id, deal_id), vendor_organisation_id=vendor_id, deal_id=deal_id)


def find_state(vendor_ids: Iterable[str], deal_id: str) -> LedgerDealItem | None:
    """The deal's state under whichever of these vendors has it (one BatchGetItem per 100 vendors).

    Deal ids are random, so at most one vendor has a deal of that id.
    """
    keys = [ledger_key(vendor_id, deal_id) for vendor_id in dict.fromkeys(vendor_ids)]
    for start in range(0, len(keys), _BATCH_GET):
        for item in LeadsItem.batch_get(keys[start:start + _BATCH_GET]):
            if isinstance(item, LedgerDealItem):
                return item
    return None


def mark_problem(state: LedgerDealItem, at: datetime | None) -> None:
    """Put the state into (``at`` given) or take it out of the vendor's list of problems."""
    if at is None:
        state.gsi1pk = state.gsi1sk = None
        return
    state.gsi1pk = problems_pk(state.vendor_organisation_id)
    state.gsi1sk = position(at, state.deal_id)


def problems_page(
    vendor_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[LedgerDealItem], Any]:
    result = LedgerDealItem.gsi1.query(
        problems_pk(vendor_id), scan_index_forward=False, limit=limit, last_evaluated_key=start,
    )
    return [item for item in result if isinstance(item, LedgerDealItem)], result.last_evaluated_key


# ---------------------------------------------------------------- entries


def new_entry(vendor_id: str, entry_id: str, **attributes: Any) -> CommissionEntryItem:
    return CommissionEntryItem(
        *entry_key(vendor_id, entry_id), vendor_organisation_id=vendor_id, entry_id=entry_id, **attributes,
    )


def _with_listings(entry: CommissionEntryItem) -> list[CommissionEntryItem]:
    """The entry (its status listing on the index) and its two listing copies, at the entry's version."""
    vendor, pid, status = entry.vendor_organisation_id, entry.partnership_id, entry.status
    at = position(entry.effective_at, entry.entry_id)
    entry.gsi1pk, entry.gsi1sk = status_listing_pk(vendor, status), at
    values = {name: getattr(entry, name) for name in _COPIED}
    everyone = CommissionListingItem(all_listing_pk(vendor), at, **values)
    beneficiary = CommissionListingItem(
        beneficiary_listing_pk(vendor, pid), at, gsi1pk=beneficiary_status_listing_pk(vendor, pid, status),
        gsi1sk=at, **values,
    )
    if entry.version is not None:
        everyone.version = beneficiary.version = entry.version
    return [entry, everyone, beneficiary]


def save_state(
    state: LedgerDealItem, entries: Sequence[CommissionEntryItem], events: Sequence[EventEnvelope],
) -> None:
    """The deal's state (checked against its version), its new entries and their events, together.

    A concurrent writer of the same deal fails the transaction; the consumer reports the record and
    SQS delivers it again, when the delta is computed afresh from the state the other one left.
    """
    if not entries and not events:
        try:
            state.save()  # the facts alone (e.g. an open deal): a conditional put costs half a transaction
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise Conflict(f"{CHANGED} was changed by someone else; reload it and try again") from error
            raise
        return
    with concurrent_change_is_a_conflict(CHANGED), transaction(LeadsItem) as write:
        write.save(state)
        for entry in entries:
            for item in _with_listings(entry):
                write.save(item)
        for envelope in events:
            write.save(outbox_item(Outbox, envelope))


def save_entries(
    entries: Sequence[CommissionEntryItem], others: Sequence[TableItem], events: Sequence[EventEnvelope],
    *, new: Sequence[TableItem] = (), deletes: Sequence[TableItem] = (),
    conditions: Sequence[tuple[CommissionEntryItem, Condition]] = (),
) -> None:
    """Entries whose status changed (each with its listing copies, all version-checked), other items
    (``new``: that must not exist yet), deletions, checks of unchanged entries and events, together."""
    with transaction(LeadsItem) as write:
        for entry in entries:
            for item in _with_listings(entry):
                write.save(item)
        for entry, condition in conditions:
            write.condition_check(CommissionEntryItem, entry.pk, entry.sk, condition=condition)
        for other in others:
            write.save(other)
        for created in new:
            write.save(created, condition=LeadsItem.pk.does_not_exist())
        for gone in deletes:
            write.delete(gone)
        for envelope in events:
            write.save(outbox_item(Outbox, envelope))


def get_entry(vendor_id: str, entry_id: str) -> CommissionEntryItem | None:
    try:
        item = CommissionEntryItem.get(*entry_key(vendor_id, entry_id), consistent_read=True)
    except CommissionEntryItem.DoesNotExist:
        return None
    return item if type(item) is CommissionEntryItem else None


def get_entries(keys: Iterable[tuple[str, str]]) -> list[CommissionEntryItem]:
    """Entries by (vendor, entry id), in one BatchGetItem per 100; missing ones are left out."""
    wanted = [entry_key(vendor_id, entry_id) for vendor_id, entry_id in dict.fromkeys(keys)]
    found: list[CommissionEntryItem] = []
    for start in range(0, len(wanted), _BATCH_GET):
        found += [item for item in LeadsItem.batch_get(wanted[start:start + _BATCH_GET], consistent_read=True)
                  if type(item) is CommissionEntryItem]
    return found


# ---------------------------------------------------------------- listings


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing: a partition of the table (``on_index=False``) or of the index."""

    hash_key: str
    on_index: bool


def all_listing(vendor_id: str, status: str | None) -> Listing:
    if status is None:
        return Listing(all_listing_pk(vendor_id), on_index=False)
    return Listing(status_listing_pk(vendor_id, status), on_index=True)


def beneficiary_listing(vendor_id: str, partnership_id: str, status: str | None) -> Listing:
    if status is None:
        return Listing(beneficiary_listing_pk(vendor_id, partnership_id), on_index=False)
    return Listing(beneficiary_status_listing_pk(vendor_id, partnership_id, status), on_index=True)


def _range(on_index: bool, prefix: str | None, before: str | None) -> Condition | None:
    attribute = LeadsItem.gsi1sk if on_index else LeadsItem.sk
    if prefix and before:
        return attribute.between(prefix, before)  # the item at ``before`` itself is dropped by the caller
    if before:
        return attribute < before
    if prefix:
        return attribute.startswith(prefix)
    return None


def newest_first(
    listings: Sequence[Listing], *, prefix: str | None, before: str | None, limit: int,
    ascending: bool = False,
) -> tuple[list[CommissionEntryItem], str | None]:
    """A page of entries merged from several listings, newest first (``ascending``: oldest first, for
    payouts, without ``before``), and where the next page starts (None: no more).

    Each listing is one Query of at most ``limit + 1`` items, so a page reads in proportion to its size
    times the number of listings (a partner's partnerships: one or a few).
    """
    found: list[tuple[str, CommissionEntryItem]] = []
    more = False
    for listing in listings:
        condition = _range(listing.on_index, prefix, before)
        query = CommissionEntryItem.gsi1.query if listing.on_index else LeadsItem.query
        read, dropped = 0, False
        for item in query(listing.hash_key, condition, scan_index_forward=ascending, limit=limit + 1):
            read += 1
            if isinstance(item, CommissionEntryItem):
                at = position(item.effective_at, item.entry_id)
                if at == before:
                    dropped = True
                else:
                    found.append((at, item))
        # a full read that had to drop the previous page's last item may have more after it
        more = more or (dropped and read == limit + 1)
    found.sort(key=lambda pair: pair[0], reverse=not ascending)
    page = found[:limit]
    more = more or len(found) > limit
    return [item for _, item in page], (page[-1][0] if more and page else None)

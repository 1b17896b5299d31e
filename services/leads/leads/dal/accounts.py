"""CRM account reads and writes. The only module that knows the account keys.

An account is one item in its own collection (``ORG#<org>#ACCOUNT#<id>#``), with its contacts
beside it. Around it, written in the same transaction:
- the domain guard (``ORG#<org>#ACCOUNTS#DOMAIN#<domain>#``): one account per domain per organisation;
- the cross-tenant domain row (``DOMAIN#<domain>#`` / ``ORG#<org>#ACCOUNT#<id>#``), ids only, for overlaps;
- list entries (``ORG#<org>#ACCOUNTS#<filter>#<value>#``): ALL, STAGE and COUNTRY, each sorted by
  creation (sk) and by name (gsi1), so a list page is one Query plus one BatchGetItem of the accounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import TransactWriteError

from leads.dal.tables import (
    AccountDomainGuardItem,
    AccountDomainItem,
    AccountIndexItem,
    AccountItem,
    ContactItem,
    LeadsItem,
    Outbox,
)
from trellis.dynamo import TableItem, concurrent_change_is_a_conflict, transaction
from trellis.errors import Conflict
from trellis.events import EventEnvelope
from trellis.keys import key, org_key
from trellis.outbox import outbox_item

ACCOUNT_SK = "ACCOUNT#"
CONTACT_SK_PREFIX = "CONTACT#"
GUARD_SK = "ACCOUNT#"
MAX_TRANSACTION_ITEMS = 100
BATCH_GET_KEYS = 100
# Filters a list can have, most selective first: the first one present picks the list partition.
LIST_FILTERS = ("COUNTRY", "STAGE")


def account_pk(organisation_id: str, account_id: str) -> str:
    return org_key(organisation_id, "ACCOUNT", account_id)


def account_key(organisation_id: str, account_id: str) -> tuple[str, str]:
    return account_pk(organisation_id, account_id), ACCOUNT_SK


def guard_key(organisation_id: str, domain: str) -> tuple[str, str]:
    return org_key(organisation_id, "ACCOUNTS", "DOMAIN", domain), GUARD_SK


def domain_row_key(organisation_id: str, domain: str, account_id: str) -> tuple[str, str]:
    return key("DOMAIN", domain), org_key(organisation_id, "ACCOUNT", account_id)


def list_pk(organisation_id: str, name: str, value: str) -> str:
    return org_key(organisation_id, "ACCOUNTS", name, value)


class DomainTaken(Conflict):
    """Another account of the organisation already has this domain."""

    def __init__(self, domain: str, account_id: str | None):
        which = f" (account {account_id})" if account_id else ""
        super().__init__(f"an account with the domain {domain} already exists{which}", field="website")
        self.domain = domain
        self.account_id = account_id
        if account_id:
            self.errors = [{"field": "website", "message": self.detail, "existing_account_id": account_id}]


# ---------------------------------------------------------------- list entries


@dataclass(frozen=True)
class IndexState:
    values: frozenset[tuple[str, str]]
    created_key: str
    name_key: str
    domain: str | None


def filter_values(item: AccountItem) -> frozenset[tuple[str, str]]:
    values = {("ALL", "ALL")}
    if item.lifecycle_stage:
        values.add(("STAGE", item.lifecycle_stage))
    if item.country:
        values.add(("COUNTRY", item.country))
    return frozenset(values)


def index_state(item: AccountItem) -> IndexState:
    return IndexState(
        values=filter_values(item),
        created_key=f"{item.created_at.isoformat()}#{item.account_id}#",
        name_key=f"{item.name.casefold().replace('#', ' ')}#{item.account_id}#",
        domain=item.domain,
    )


def remember(item: AccountItem) -> AccountItem:
    """Note what the stored account has around it, to know later which items a write changes."""
    item._stored_state = index_state(item)
    return item


def stored_state(item: AccountItem) -> IndexState | None:
    state: IndexState | None = getattr(item, "_stored_state", None)
    return state


def index_entry(organisation_id: str, account_id: str, name: str, value: str, *, created_key: str,
                name_key: str) -> AccountIndexItem:
    pk = list_pk(organisation_id, name, value)
    return AccountIndexItem(pk=pk, sk=created_key, gsi1pk=pk, gsi1sk=name_key, account_id=account_id)


@dataclass
class Changes:
    """The items a write of an account adds and removes around it (besides the account itself)."""

    puts: list[TableItem]
    deletes: list[TableItem]
    new_guard: AccountDomainGuardItem | None = None
    old_guard: AccountDomainGuardItem | None = None


def changes(item: AccountItem, *, deleted: bool = False, fresh: bool = False) -> Changes:
    """What a write of ``item`` (as it is now) changes in its list entries, guard and domain row.

    ``fresh``: as if nothing were stored around it yet (all of it is written again).
    """
    org, account_id = item.organisation_id, item.account_id
    before = None if fresh else stored_state(item)
    old_values: frozenset[tuple[str, str]]
    old_values, old_created, old_name, old_domain = (
        (before.values, before.created_key, before.name_key, before.domain) if before
        else (frozenset(), "", "", None)
    )
    new_values: frozenset[tuple[str, str]]
    if deleted:
        new_values, new_created, new_name, new_domain = frozenset(), old_created, old_name, None
    else:
        state = index_state(item)
        new_values, new_created, new_name = state.values, state.created_key, state.name_key
        new_domain = state.domain
    result = Changes(puts=[], deletes=[])
    # A renamed account moves in every name-sorted list: rewrite all its entries.
    puts = new_values if new_name != old_name else new_values - old_values
    for name, value in sorted(old_values - new_values):
        result.deletes.append(
            index_entry(org, account_id, name, value, created_key=old_created, name_key=old_name),
        )
    for name, value in sorted(puts):
        result.puts.append(
            index_entry(org, account_id, name, value, created_key=new_created, name_key=new_name),
        )
    if old_domain != new_domain:
        if old_domain:
            result.old_guard = AccountDomainGuardItem(*guard_key(org, old_domain), account_id=account_id)
            result.deletes.append(AccountDomainItem(*domain_row_key(org, old_domain, account_id)))
        if new_domain:
            result.new_guard = AccountDomainGuardItem(*guard_key(org, new_domain), account_id=account_id)
            result.puts.append(AccountDomainItem(
                *domain_row_key(org, new_domain, account_id), organisation_id=org, account_id=account_id,
            ))
    return result


# ---------------------------------------------------------------- reads


def new_account_item(organisation_id: str, account_id: str, **attributes: Any) -> AccountItem:
    return AccountItem(
        *account_key(organisation_id, account_id), organisation_id=organisation_id, account_id=account_id,
        **attributes,
    )


def get(organisation_id: str, account_id: str) -> AccountItem | None:
    try:
        item = AccountItem.get(*account_key(organisation_id, account_id))
    except AccountItem.DoesNotExist:
        return None
    return remember(item) if isinstance(item, AccountItem) else None


def guard_owner(organisation_id: str, domain: str) -> str | None:
    try:
        guard = AccountDomainGuardItem.get(*guard_key(organisation_id, domain), consistent_read=True)
    except AccountDomainGuardItem.DoesNotExist:
        return None
    return guard.account_id if isinstance(guard, AccountDomainGuardItem) else None


def guard_owners(organisation_id: str, domains: Iterable[str]) -> dict[str, str]:
    """Domain → the id of the organisation's account that holds it (strongly consistent)."""
    keys = [guard_key(organisation_id, domain) for domain in dict.fromkeys(domains)]
    found: dict[str, str] = {}
    for start in range(0, len(keys), BATCH_GET_KEYS):
        for item in LeadsItem.batch_get(keys[start:start + BATCH_GET_KEYS], consistent_read=True):
            if isinstance(item, AccountDomainGuardItem):
                found[item.pk.removesuffix("#").rsplit("#", 1)[1]] = item.account_id
    return found


def get_many(
    organisation_id: str, account_ids: Iterable[str], *, consistent: bool = False,
) -> dict[str, AccountItem]:
    keys = [account_key(organisation_id, account_id) for account_id in dict.fromkeys(account_ids)]
    found: dict[str, AccountItem] = {}
    for start in range(0, len(keys), BATCH_GET_KEYS):
        for item in LeadsItem.batch_get(keys[start:start + BATCH_GET_KEYS], consistent_read=consistent):
            if isinstance(item, AccountItem) and item.organisation_id == organisation_id:
                found[item.account_id] = remember(item)
    return found


def with_contacts(organisation_id: str, account_id: str) -> tuple[AccountItem | None, list[ContactItem]]:
    """The account and every one of its contacts: one strongly consistent Query of its collection."""
    account: AccountItem | None = None
    contacts: list[ContactItem] = []
    for item in LeadsItem.query(
        account_pk(organisation_id, account_id), LeadsItem.sk >= ACCOUNT_SK, consistent_read=True,
    ):
        if isinstance(item, AccountItem):
            account = remember(item)
        elif isinstance(item, ContactItem):
            contacts.append(item)
    return account, contacts


def list_page(
    organisation_id: str, *, filters: dict[str, str], by_name: bool, descending: bool, limit: int,
    start: dict[str, Any] | None, max_rounds: int = 4,
) -> tuple[list[AccountItem], Any]:
    """A page of the account list: one Query of the most selective filter's entries, one BatchGetItem.

    Every filter is checked again on the accounts read (an entry may be stale: see the table's notes);
    with two filters a page may come back short, with a cursor.
    """
    primary = next(((name, filters[name]) for name in LIST_FILTERS if name in filters), ("ALL", "ALL"))
    pk = list_pk(organisation_id, *primary)
    page: list[AccountItem] = []
    last_key = start
    for _ in range(max_rounds):
        query = AccountIndexItem.gsi1.query if by_name else AccountIndexItem.query
        result = query(
            pk, scan_index_forward=not descending, limit=limit - len(page), last_evaluated_key=last_key,
        )
        ids = [entry.account_id for entry in result if isinstance(entry, AccountIndexItem)]
        last_key = result.last_evaluated_key
        found = get_many(organisation_id, ids) if ids else {}
        page += [found[i] for i in ids if i in found and _matches(found[i], filters)]
        if not last_key or len(page) >= limit:
            break
    return page, last_key


def _matches(item: AccountItem, filters: dict[str, str]) -> bool:
    values = filter_values(item)
    return all((name, value) in values for name, value in filters.items())


def all_accounts(organisation_id: str, *, page_size: int = BATCH_GET_KEYS) -> Iterator[AccountItem]:
    """Every account of the organisation by name, read page by page (Query + BatchGetItem per page)."""
    last_key: Any = None
    while True:
        accounts, last_key = list_page(
            organisation_id, filters={}, by_name=True, descending=False, limit=page_size, start=last_key,
        )
        yield from accounts
        if not last_key:
            return


# ---------------------------------------------------------------- writes


def _domain_taken(
    error: TransactWriteError, guard_position: int | None, item: AccountItem,
) -> DomainTaken | None:
    reasons = error.cancellation_reasons or []
    if guard_position is None or guard_position >= len(reasons):
        return None
    reason = reasons[guard_position]
    if reason is None or reason.code != "ConditionalCheckFailed" or not item.domain:
        return None
    return DomainTaken(item.domain, guard_owner(item.organisation_id, item.domain))


def save_with_event(
    item: AccountItem, envelope: EventEnvelope, *, is_new: bool, primary_contact: ContactItem | None = None,
) -> None:
    """Write the account, what changes around it and its event in one transaction (the outbox).

    409 naming the existing account when another account of the organisation holds the domain;
    409 when someone else changed the account (its version) or deleted the primary contact meanwhile.
    """
    around = changes(item)
    if 4 + len(around.puts) + len(around.deletes) > MAX_TRANSACTION_ITEMS:
        raise RuntimeError("an account write never touches that many items")  # a few list entries at most
    # PynamoDB sends condition checks, then deletes, then puts: the new guard is the second put.
    guard_position = (
        (1 if primary_contact is not None else 0) + len(around.deletes) + (1 if around.old_guard else 0) + 1
        if around.new_guard is not None else None
    )
    try:
        with concurrent_change_is_a_conflict("the account"), transaction(AccountItem) as write:
            write.save(item, condition=AccountItem.pk.does_not_exist() if is_new else None)
            if around.new_guard is not None:
                write.save(around.new_guard, condition=AccountDomainGuardItem.pk.does_not_exist())
            if around.old_guard is not None:
                # Only the guard this account holds: never release another account's domain.
                write.delete(around.old_guard, condition=AccountDomainGuardItem.account_id == item.account_id)
            for extra in around.deletes:
                write.delete(extra)
            for extra in around.puts:
                write.save(extra)
            if primary_contact is not None:
                write.condition_check(
                    ContactItem, primary_contact.pk, primary_contact.sk, condition=ContactItem.pk.exists(),
                )
            write.save(outbox_item(Outbox, envelope))
    except Conflict as conflict:
        cause = conflict.__cause__
        taken = _domain_taken(cause, guard_position, item) if isinstance(cause, TransactWriteError) else None
        if taken is not None:
            raise taken from cause
        raise
    remember(item)


def delete_with_contacts(item: AccountItem, contacts: list[ContactItem], envelope: EventEnvelope) -> None:
    """Delete the account, everything around it and its contacts; its event in the same transaction.

    Contacts that do not fit in the transaction (more than ~90) are deleted first, in batches, so a
    failure half-way leaves the account in place (a retry finishes the job), never orphaned contacts.
    The transaction checks the account's version: a contact added meanwhile (it bumps the version)
    makes it a 409 instead of leaving that contact behind.
    """
    around = changes(item, deleted=True)
    fixed = 2 + len(around.deletes) + (1 if around.old_guard else 0)
    room = MAX_TRANSACTION_ITEMS - fixed
    split = max(0, len(contacts) - room)
    in_batches, in_transaction = contacts[:split], contacts[split:]
    if in_batches:
        with LeadsItem.batch_write() as batch:
            for contact in in_batches:
                batch.delete(contact)
    with concurrent_change_is_a_conflict("the account"), transaction(AccountItem) as write:
        write.delete(item)  # with the version check
        if around.old_guard is not None:
            write.delete(around.old_guard, condition=AccountDomainGuardItem.account_id == item.account_id)
        for extra in around.deletes:
            write.delete(extra)
        for contact in in_transaction:
            write.delete(contact, add_version_condition=False)
        write.save(outbox_item(Outbox, envelope))


def batch_write(puts: Iterable[TableItem] = (), deletes: Iterable[TableItem] = ()) -> int:
    """Unconditional puts and deletes in BatchWriteItem calls of 25 (PynamoDB resends unprocessed items)."""
    written = 0
    with LeadsItem.batch_write() as batch:
        for put in puts:
            batch.save(put)
            written += 1
        for delete in deletes:
            batch.delete(delete)
            written += 1
    return written

"""CRM contact reads and writes. The only module that knows the contact keys.

A contact lives in its account's collection (``ORG#<org>#ACCOUNT#<account>#`` / ``CONTACT#<id>#``),
listed organisation-wide by gsi1 (``ORG#<org>#CONTACTS#`` by creation). Adding or removing one
updates the account's ``contact_count`` (and so its version) in the same transaction: the account
must still exist, and deleting the account meanwhile fails instead of leaving the contact behind.
"""

from __future__ import annotations

from typing import Any

from pynamodb.expressions.update import Action

from leads.dal.accounts import ACCOUNT_SK, CONTACT_SK_PREFIX, account_pk
from leads.dal.tables import AccountItem, ContactItem, LeadsItem, Outbox
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item


def contact_key(organisation_id: str, account_id: str, contact_id: str) -> tuple[str, str]:
    return account_pk(organisation_id, account_id), f"{CONTACT_SK_PREFIX}{contact_id}#"


def contacts_list_pk(organisation_id: str) -> str:
    return org_key(organisation_id, "CONTACTS")


def new_contact_item(
    organisation_id: str, account_id: str, contact_id: str, **attributes: Any,
) -> ContactItem:
    created_at = attributes["created_at"]
    return ContactItem(
        *contact_key(organisation_id, account_id, contact_id),
        gsi1pk=contacts_list_pk(organisation_id), gsi1sk=f"{created_at.isoformat()}#{contact_id}#",
        organisation_id=organisation_id, account_id=account_id, contact_id=contact_id, **attributes,
    )


def get(organisation_id: str, account_id: str, contact_id: str) -> ContactItem | None:
    try:
        item = ContactItem.get(*contact_key(organisation_id, account_id, contact_id))
    except ContactItem.DoesNotExist:
        return None
    return item if isinstance(item, ContactItem) else None


def get_with_account(
    organisation_id: str, account_id: str, contact_id: str,
) -> tuple[AccountItem | None, ContactItem | None]:
    """The account and one of its contacts in one BatchGetItem."""
    from leads.dal import accounts

    account, contact = None, None
    keys = [
        (account_pk(organisation_id, account_id), ACCOUNT_SK),
        contact_key(organisation_id, account_id, contact_id),
    ]
    for item in LeadsItem.batch_get(keys):
        if isinstance(item, AccountItem):
            account = accounts.remember(item)
        elif isinstance(item, ContactItem):
            contact = item
    return account, contact


def account_page(
    organisation_id: str, account_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[AccountItem | None, list[ContactItem], Any]:
    """A page of the account's contacts by id, in one Query of its collection.

    ``ACCOUNT#`` sorts before every ``CONTACT#…``: the first page opens with the account itself, so
    its absence is a 404 without a second read.
    """
    first_page = start is None
    result = LeadsItem.query(
        account_pk(organisation_id, account_id), LeadsItem.sk >= ACCOUNT_SK,
        limit=limit + (1 if first_page else 0), last_evaluated_key=start,
    )
    items = list(result)
    account: AccountItem | None = None
    if first_page:
        if not items or not isinstance(items[0], AccountItem):
            return None, [], None
        account, items = items[0], items[1:]
    return account, [item for item in items if isinstance(item, ContactItem)], result.last_evaluated_key


def organisation_page(
    organisation_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[ContactItem], Any]:
    result = ContactItem.gsi1.query(
        contacts_list_pk(organisation_id), scan_index_forward=False, limit=limit, last_evaluated_key=start,
    )
    return [item for item in result if isinstance(item, ContactItem)], result.last_evaluated_key


def create_with_event(account: AccountItem, contact: ContactItem, envelope: EventEnvelope) -> None:
    with concurrent_change_is_a_conflict("the account"), transaction(ContactItem) as write:
        write.save(contact, condition=ContactItem.pk.does_not_exist())
        # The account's version moves on (an update always bumps it) but is not checked: adding a
        # contact never conflicts with an edit of the account, while deleting the account does.
        write.update(
            account, actions=[AccountItem.contact_count.add(1)], condition=AccountItem.pk.exists(),
            add_version_condition=False,
        )
        write.save(outbox_item(Outbox, envelope))


def update_with_event(contact: ContactItem, envelope: EventEnvelope) -> None:
    with concurrent_change_is_a_conflict("the contact"), transaction(ContactItem) as write:
        write.save(contact)  # with the version check
        write.save(outbox_item(Outbox, envelope))


def delete_with_event(
    account: AccountItem, contact: ContactItem, envelope: EventEnvelope, *, was_primary: bool,
) -> None:
    """Delete the contact; the account counts one less and, if it was the primary contact, has none."""
    actions: list[Action] = [AccountItem.contact_count.add(-1)]
    primary = AccountItem.primary_contact_id
    if was_primary:
        actions.append(primary.remove())
        condition = primary == contact.contact_id
    else:
        # Made primary meanwhile: the delete fails (409) rather than leave the account pointing at nothing.
        condition = AccountItem.pk.exists() & (primary.does_not_exist() | (primary != contact.contact_id))
    with concurrent_change_is_a_conflict("the account"), transaction(ContactItem) as write:
        write.delete(contact)  # with the version check
        write.update(account, actions=actions, condition=condition, add_version_condition=False)
        write.save(outbox_item(Outbox, envelope))

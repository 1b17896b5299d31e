"""CRM contact use cases: the people of an account (first/last name, email, title, LinkedIn page)."""

from __future__ import annotations

from datetime import UTC, datetime

from leads.dal import accounts as accounts_dal
from leads.dal import contacts as dal
from leads.dal.tables import ContactItem
from leads.logic.accounts import CRM_READERS, CRM_WRITERS
from leads.models import Contact, ContactCreate, ContactUpdate
from trellis.errors import Conflict, NotFound
from trellis.events import Actor, EventEnvelope
from trellis.events.crm import ContactCreated, ContactDeleted, ContactUpdated
from trellis.keys import new_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import Principal

FIELDS = ("first_name", "last_name", "email", "title", "linkedin_url")


def view(item: ContactItem) -> Contact:
    return Contact(
        id=item.contact_id, account_id=item.account_id, first_name=item.first_name, last_name=item.last_name,
        email=item.email, title=item.title, linkedin_url=item.linkedin_url, created_at=item.created_at,
        updated_at=item.updated_at, version=int(item.version or 1),
    )


def create_contact(principal: Principal, account_id: str, request: ContactCreate) -> Contact:
    principal.require_any(CRM_WRITERS)
    org = principal.organisation_id
    account = accounts_dal.get(org, account_id)
    if account is None:
        raise NotFound("no such account")
    now = datetime.now(UTC)
    contact_id = new_id()
    item = dal.new_contact_item(
        org, account_id, contact_id, created_at=now, updated_at=now,
        **{field: getattr(request, field) for field in FIELDS},
    )
    event = EventEnvelope.new(ContactCreated(contact_id=contact_id, account_id=account_id), tenant_id=org,
                              actor=Actor.of(principal), occurred_at=now)
    dal.create_with_event(account, item, event)
    return view(item)


def get_contact(principal: Principal, account_id: str, contact_id: str) -> Contact:
    principal.require_any(CRM_READERS)
    item = dal.get(principal.organisation_id, account_id, contact_id)
    if item is None:
        raise NotFound("no such contact")
    return view(item)


def list_account_contacts(
    principal: Principal, account_id: str, *, limit: int, cursor: str | None,
) -> Page[Contact]:
    principal.require_any(CRM_READERS)
    org = principal.organisation_id
    listing = f"contacts:{account_id}"
    start = decode_cursor(cursor, tenant_id=org, listing=listing)
    account, items, last_key = dal.account_page(org, account_id, limit=limit, start=start)
    if start is None and account is None:
        raise NotFound("no such account")
    return Page[Contact](items=[view(item) for item in items],
                         next_cursor=encode_cursor(last_key, tenant_id=org, listing=listing))


def list_contacts(principal: Principal, *, limit: int, cursor: str | None) -> Page[Contact]:
    """Every contact of the organisation, newest first."""
    principal.require_any(CRM_READERS)
    org = principal.organisation_id
    start = decode_cursor(cursor, tenant_id=org, listing="contacts")
    items, last_key = dal.organisation_page(org, limit=limit, start=start)
    return Page[Contact](items=[view(item) for item in items],
                         next_cursor=encode_cursor(last_key, tenant_id=org, listing="contacts"))


def update_contact(principal: Principal, account_id: str, contact_id: str, request: ContactUpdate) -> Contact:
    principal.require_any(CRM_WRITERS)
    org = principal.organisation_id
    item = dal.get(org, account_id, contact_id)
    if item is None:
        raise NotFound("no such contact")
    if request.expected_version is not None and request.expected_version != item.version:
        raise Conflict(f"the contact is at version {item.version}, not {request.expected_version}")
    changed = []
    for field in FIELDS:
        if field in request.model_fields_set and getattr(item, field) != getattr(request, field):
            setattr(item, field, getattr(request, field))
            changed.append(field)
    if not changed:
        return view(item)
    now = datetime.now(UTC)
    item.updated_at = now
    event = EventEnvelope.new(
        ContactUpdated(contact_id=contact_id, account_id=account_id, changed=changed), tenant_id=org,
        actor=Actor.of(principal), occurred_at=now,
    )
    dal.update_with_event(item, event)
    return view(item)


def delete_contact(principal: Principal, account_id: str, contact_id: str) -> None:
    principal.require_any(CRM_WRITERS)
    org = principal.organisation_id
    account, item = dal.get_with_account(org, account_id, contact_id)
    if account is None or item is None:
        raise NotFound("no such contact")
    was_primary = account.primary_contact_id == contact_id
    event = EventEnvelope.new(
        ContactDeleted(contact_id=contact_id, account_id=account_id, was_primary=was_primary), tenant_id=org,
        actor=Actor.of(principal), occurred_at=datetime.now(UTC),
    )
    dal.delete_with_event(account, item, event, was_primary=was_primary)

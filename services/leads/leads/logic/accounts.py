"""CRM account use cases: create, read, list, change, delete.

Every organisation has a CRM, vendor and partner alike: any of its users with a role reads it;
admins and partner managers (vendor side), partner admins and sales (partner side) change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from leads.dal import accounts as dal
from leads.dal import contacts as contacts_dal
from leads.dal.tables import AccountItem, AddressAttribute, RevenueAttribute
from leads.models import Account, AccountCreate, AccountQuery, AccountUpdate, Address, Revenue
from trellis.domains import normalise_domain
from trellis.errors import Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.crm import AccountCreated, AccountDeleted, AccountUpdated
from trellis.keys import new_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import PARTNER_ROLES, VENDOR_ROLES, Principal, Role

CRM_READERS = VENDOR_ROLES | PARTNER_ROLES
CRM_WRITERS = frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.PARTNER_ADMIN, Role.SALES})

# The account's own fields, in the order changes are reported.
FIELDS = (
    "name", "website", "revenue", "platform", "industry", "employee_count", "country", "lifecycle_stage",
    "lead_source", "primary_contact_id", "notes", "addresses",
)


# ---------------------------------------------------------------- item ↔ view


def _revenue_view(item: AccountItem) -> Revenue | None:
    if item.revenue is None:
        return None
    return Revenue.model_construct(amount=Decimal(item.revenue.amount), currency=item.revenue.currency)


def view(item: AccountItem) -> Account:
    return Account(
        id=item.account_id,
        name=item.name,
        website=item.website,
        domain=item.domain,
        revenue=_revenue_view(item),
        platform=item.platform,
        industry=item.industry,
        employee_count=int(item.employee_count) if item.employee_count is not None else None,
        country=item.country,
        lifecycle_stage=item.lifecycle_stage,  # type: ignore[arg-type]
        lead_source=item.lead_source,
        primary_contact_id=item.primary_contact_id,
        notes=item.notes,
        addresses=[Address.model_construct(**address.as_dict()) for address in item.addresses or []],
        contact_count=int(item.contact_count or 0),
        created_at=item.created_at,
        updated_at=item.updated_at,
        version=int(item.version or 1),
    )


def _stored(field: str, value: Any) -> Any:
    """A validated input value as the item stores it."""
    if value is None:
        return [] if field == "addresses" else None
    if field == "revenue":
        return RevenueAttribute(amount=format(value.amount, "f"), currency=value.currency)
    if field == "addresses":
        return [AddressAttribute(**address.model_dump()) for address in value]
    return value


def _comparable(field: str, value: Any) -> Any:
    """A stored value in a form that compares equal exactly when the account would not change."""
    if field == "revenue":
        return (Decimal(value.amount), value.currency) if value is not None else None
    if field == "addresses":
        return tuple(tuple(sorted((k, v) for k, v in address.as_dict().items() if v is not None))
                     for address in value or [])
    if field == "employee_count" and value is not None:
        return int(value)
    return value


def apply(item: AccountItem, values: Mapping[str, Any]) -> list[str]:
    """Set the given fields (validated input values) on the item; the names of those that changed."""
    changed: list[str] = []
    for field in FIELDS:
        if field not in values:
            continue
        new = _stored(field, values[field])
        if _comparable(field, getattr(item, field)) == _comparable(field, new):
            continue
        setattr(item, field, new)
        changed.append(field)
        if field == "website":
            item.domain = normalise_domain(new) if new else None
    return changed


def created_event(item: AccountItem) -> AccountCreated:
    return AccountCreated(
        account_id=item.account_id, name=item.name, domain=item.domain, country=item.country,
        industry=item.industry, lifecycle_stage=item.lifecycle_stage,  # type: ignore[arg-type]
    )


def updated_event(item: AccountItem, changed: list[str], *, previous_domain: str | None) -> AccountUpdated:
    return AccountUpdated(
        account_id=item.account_id, name=item.name, domain=item.domain,
        previous_domain=previous_domain if previous_domain != item.domain else None,
        country=item.country, industry=item.industry, lifecycle_stage=item.lifecycle_stage,  # type: ignore[arg-type]
        changed=changed,
    )


# ---------------------------------------------------------------- use cases


def create_account(principal: Principal, request: AccountCreate) -> Account:
    principal.require_any(CRM_WRITERS)
    org = principal.organisation_id
    now = datetime.now(UTC)
    item = dal.new_account_item(
        org, new_id(), name=request.name, created_at=now, updated_at=now, addresses=[],
    )
    apply(item, {field: getattr(request, field) for field in FIELDS if field in AccountCreate.model_fields})
    event = EventEnvelope.new(created_event(item), tenant_id=org, actor=Actor.of(principal), occurred_at=now)
    dal.save_with_event(item, event, is_new=True)
    return view(item)


def get_account(principal: Principal, account_id: str) -> Account:
    principal.require_any(CRM_READERS)
    item = dal.get(principal.organisation_id, account_id)
    if item is None:
        raise NotFound("no such account")
    return view(item)


def list_accounts(
    principal: Principal, query: AccountQuery, *, limit: int, cursor: str | None,
) -> Page[Account]:
    principal.require_any(CRM_READERS)
    org = principal.organisation_id
    filters = {name: value for name, value in (("STAGE", query.lifecycle_stage), ("COUNTRY", query.country))
               if value}
    # A cursor belongs to one listing: the same filters and the same order.
    conditions = "&".join(f"{name}={value}" for name, value in sorted(filters.items()))
    listing = f"accounts?{conditions}&sort={query.sort}"
    start = decode_cursor(cursor, tenant_id=org, listing=listing)
    items, last_key = dal.list_page(
        org, filters=filters, by_name=query.sort.endswith("name"), descending=query.sort.startswith("-"),
        limit=limit, start=start,
    )
    return Page[Account](items=[view(item) for item in items],
                         next_cursor=encode_cursor(last_key, tenant_id=org, listing=listing))


def update_account(principal: Principal, account_id: str, request: AccountUpdate) -> Account:
    principal.require_any(CRM_WRITERS)
    org = principal.organisation_id
    item = dal.get(org, account_id)
    if item is None:
        raise NotFound("no such account")
    if request.expected_version is not None and request.expected_version != item.version:
        raise Conflict(f"the account is at version {item.version}, not {request.expected_version}")
    primary = None
    if request.primary_contact_id is not None and request.primary_contact_id != item.primary_contact_id:
        primary = contacts_dal.get(org, account_id, request.primary_contact_id)
        if primary is None:
            raise ValidationFailed("no such contact on this account", field="primary_contact_id")
    previous_domain = item.domain
    values = {field: getattr(request, field) for field in request.model_fields_set if field in FIELDS}
    changed = apply(item, values)
    if not changed:
        return view(item)  # nothing changed: no write, no event
    now = datetime.now(UTC)
    item.updated_at = now
    event = EventEnvelope.new(
        updated_event(item, changed, previous_domain=previous_domain), tenant_id=org,
        actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_with_event(item, event, is_new=False, primary_contact=primary)
    return view(item)


def delete_account(principal: Principal, account_id: str) -> None:
    """The account goes with all its contacts (see dal.accounts.delete_with_contacts)."""
    principal.require_any(CRM_WRITERS)
    org = principal.organisation_id
    item, contacts = dal.with_contacts(org, account_id)
    if item is None:
        raise NotFound("no such account")
    event = EventEnvelope.new(
        AccountDeleted(
            account_id=account_id, name=item.name, domain=item.domain, contacts_deleted=len(contacts),
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=datetime.now(UTC),
    )
    dal.delete_with_contacts(item, contacts, event)

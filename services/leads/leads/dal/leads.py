"""Leads, their registrations and the vendor's lead settings. The only module that knows their keys.

A lead is kept as one copy per organisation that sees it (see tables.py); every change rewrites
every copy in one transaction with its event, each copy checked against the version read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from leads.dal.tables import (
    LeadCopyItem,
    LeadSettingsItem,
    LeadsItem,
    OpenDealItem,
    Outbox,
    RegistrationClaimItem,
    RegistrationItem,
)
from leads.models import LeadRecord
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import key, org_key
from trellis.outbox import outbox_item

LEAD_SK = "LEAD#"
REGISTRATION_SK = "REG#"
SETTINGS_SK = "SETTINGS#"
Also = Callable[[TransactWrite], None]


@dataclass(frozen=True)
class Copy:
    """Where one organisation sees a lead: its tab and its role in the lead."""

    organisation_id: str
    tab: str
    role: str


def copy_pk(organisation_id: str, lead_id: str) -> str:
    return org_key(organisation_id, "LEAD", lead_id)


def list_pk(organisation_id: str, tab: str) -> str:
    return org_key(organisation_id, "LEADS", tab)


def status_pk(organisation_id: str, tab: str, status: str) -> str:
    return org_key(organisation_id, "LEADS", tab, status)


def distributor_pk(organisation_id: str, distributor_partnership_id: str) -> str:
    return org_key(organisation_id, "LEADS", "DIST", distributor_partnership_id)


def get_copy(organisation_id: str, lead_id: str) -> LeadCopyItem | None:
    try:
        return LeadCopyItem.get(copy_pk(organisation_id, lead_id), LEAD_SK, consistent_read=True)
    except LeadCopyItem.DoesNotExist:
        return None


def record_of(item: LeadCopyItem) -> LeadRecord:
    return LeadRecord.model_validate_json(item.data)


def add_copies(
    batch: TransactWrite, record: LeadRecord, copies: Sequence[Copy], *, previous_version: int | None,
    new: Iterable[str] = (), removed: Iterable[str] = (),
) -> None:
    """Every copy of the lead into a transaction: new ones created, the others (and the removed ones)
    checked against ``previous_version``."""
    data = record.model_dump_json()
    created = set(new) if previous_version is not None else {copy.organisation_id for copy in copies}
    sort = f"{record.created_at.isoformat()}#{record.id}"
    for copy in copies:
        pk, gsi1pk = copy_pk(copy.organisation_id, record.id), list_pk(copy.organisation_id, copy.tab)
        gsi2pk = status_pk(copy.organisation_id, copy.tab, record.status)
        if copy.organisation_id in created:
            distributor = record.distributor_partnership_id if copy.role == "vendor" else None
            batch.save(LeadCopyItem(
                pk, LEAD_SK, gsi1pk=gsi1pk, gsi1sk=sort, gsi2pk=gsi2pk, gsi2sk=sort,
                gsi3pk=distributor_pk(copy.organisation_id, distributor) if distributor else None,
                gsi3sk=sort if distributor else None, organisation_id=copy.organisation_id,
                lead_id=record.id, tab=copy.tab, role=copy.role, status=record.status,
                distributor_partnership_id=record.distributor_partnership_id, data=data,
                version=record.version,
            ), condition=LeadCopyItem.pk.does_not_exist())
            continue
        batch.update(LeadCopyItem(pk, LEAD_SK), actions=[
            LeadCopyItem.gsi1pk.set(gsi1pk), LeadCopyItem.gsi2pk.set(gsi2pk), LeadCopyItem.gsi2sk.set(sort),
            LeadCopyItem.tab.set(copy.tab), LeadCopyItem.role.set(copy.role),
            LeadCopyItem.status.set(record.status), LeadCopyItem.data.set(data),
            LeadCopyItem.version.set(record.version),
        ], condition=LeadCopyItem.version == previous_version)
    for organisation_id in removed:
        batch.delete(LeadCopyItem(copy_pk(organisation_id, record.id), LEAD_SK),
                     condition=LeadCopyItem.version == previous_version)


def write(
    record: LeadRecord, copies: Sequence[Copy], *, previous_version: int | None,
    envelopes: Sequence[EventEnvelope], new: Iterable[str] = (), removed: Iterable[str] = (),
    also: Also | None = None,
) -> None:
    """The lead's copies, whatever ``also`` adds (registration, a deal...) and the events: one transaction."""
    with concurrent_change_is_a_conflict("the lead"), transaction(LeadsItem) as batch:
        add_copies(batch, record, copies, previous_version=previous_version, new=new, removed=removed)
        if also is not None:
            also(batch)
        for envelope in envelopes:
            batch.save(outbox_item(Outbox, envelope))


def assign(item: LeadCopyItem, user_ids: list[str], envelope: EventEnvelope) -> None:
    """One organisation's assignees of a lead (its own copy only) with the event."""
    with concurrent_change_is_a_conflict("the lead"), transaction(LeadsItem) as batch:
        batch.update(LeadCopyItem(item.pk, item.sk), actions=[LeadCopyItem.assigned_user_ids.set(user_ids)],
                     condition=LeadCopyItem.version == item.version)
        batch.save(outbox_item(Outbox, envelope))


def list_page(
    organisation_id: str, tab: str, *, limit: int, start: dict[str, Any] | None,
    status: str | None = None, distributor_partnership_id: str | None = None,
    assigned_user_id: str | None = None, max_rounds: int = 4,
) -> tuple[list[LeadCopyItem], Any]:
    """A page of one tab, newest first, from the index that fits: the tab and status (gsi2), the
    vendor's leads through one distributor (gsi3), or the tab (gsi1). A filter no index serves (the
    caller's assignees, or a second filter) is checked on the items read, in a bounded number of
    rounds, so such a page may come back short with a cursor to go on."""
    condition: Condition | None = None
    if status:
        query, pk = LeadCopyItem.by_status.query, status_pk(organisation_id, tab, status)
        if distributor_partnership_id:
            condition = LeadCopyItem.distributor_partnership_id == distributor_partnership_id
    elif distributor_partnership_id:
        query = LeadCopyItem.by_distributor.query
        pk = distributor_pk(organisation_id, distributor_partnership_id)
        condition = LeadCopyItem.tab == tab
    else:
        query, pk = LeadCopyItem.gsi1.query, list_pk(organisation_id, tab)
    if assigned_user_id:
        mine = LeadCopyItem.assigned_user_ids.contains(assigned_user_id)
        condition = mine if condition is None else condition & mine
    page: list[LeadCopyItem] = []
    last_key = start
    for _ in range(max_rounds):
        result = query(pk, scan_index_forward=False, limit=limit - len(page), last_evaluated_key=last_key,
                       filter_condition=condition)
        page += [item for item in result if isinstance(item, LeadCopyItem)]
        last_key = result.last_evaluated_key
        if not last_key or len(page) >= limit or condition is None:
            break
    return page, last_key


# ---------------------------------------------------------------- registrations


def registration_pk(vendor_id: str, domain: str) -> str:
    return org_key(vendor_id, "REG", domain)


@dataclass
class DomainState:
    holder: RegistrationItem | None
    claims: list[RegistrationClaimItem]
    open_deals: list[OpenDealItem]


def domain_state(vendor_id: str, domain: str) -> DomainState:
    """Who holds the domain, which leads claimed it and which deals on it are open: one Query."""
    state = DomainState(holder=None, claims=[], open_deals=[])
    for item in LeadsItem.query(registration_pk(vendor_id, domain), consistent_read=True):
        if isinstance(item, RegistrationItem):
            state.holder = item
        elif isinstance(item, RegistrationClaimItem):
            state.claims.append(item)
        elif isinstance(item, OpenDealItem):
            state.open_deals.append(item)
    return state


def hold(
    batch: TransactWrite, vendor_id: str, domain: str, *, lead_id: str, partnership_id: str,
    protected_until: datetime, now: datetime, expected: RegistrationItem | None,
) -> None:
    """Make a lead the holder of the domain, unless someone else took it since ``expected`` was read."""
    pk = registration_pk(vendor_id, domain)
    if expected is None:
        condition = RegistrationItem.pk.does_not_exist()
    else:
        condition = RegistrationItem.lead_id == expected.lead_id
    batch.save(RegistrationItem(
        pk, REGISTRATION_SK, vendor_organisation_id=vendor_id, customer_domain=domain, lead_id=lead_id,
        partnership_id=partnership_id, protected_until=protected_until, expires_at=protected_until,
    ), condition=condition)


def release(batch: TransactWrite, vendor_id: str, domain: str, *, lead_id: str) -> None:
    """The lead gives the domain up (only if it still holds it)."""
    batch.delete(RegistrationItem(registration_pk(vendor_id, domain), REGISTRATION_SK),
                 condition=RegistrationItem.lead_id == lead_id)


def claim(batch: TransactWrite, vendor_id: str, domain: str, *, lead_id: str, partnership_id: str,
          status: str, created_at: datetime) -> None:
    batch.save(RegistrationClaimItem(
        registration_pk(vendor_id, domain), key("LEAD", lead_id), lead_id=lead_id,
        partnership_id=partnership_id, status=status, created_at=created_at,
    ))


def open_deal(batch: TransactWrite, vendor_id: str, domain: str, *, deal_id: str, owner_id: str,
              partnership_id: str | None) -> None:
    batch.save(OpenDealItem(registration_pk(vendor_id, domain), key("DEAL", deal_id), deal_id=deal_id,
                            owner_organisation_id=owner_id, partnership_id=partnership_id))


def close_deal(batch: TransactWrite, vendor_id: str, domain: str, deal_id: str) -> None:
    batch.delete(OpenDealItem(registration_pk(vendor_id, domain), key("DEAL", deal_id)))


# ---------------------------------------------------------------- settings


def settings(vendor_id: str) -> LeadSettingsItem | None:
    try:
        return LeadSettingsItem.get(org_key(vendor_id, "LEADSETTINGS"), SETTINGS_SK)
    except LeadSettingsItem.DoesNotExist:
        return None


def save_settings(vendor_id: str, registration_days: int, now: datetime) -> None:
    LeadSettingsItem(org_key(vendor_id, "LEADSETTINGS"), SETTINGS_SK, organisation_id=vendor_id,
                     registration_days=registration_days, updated_at=now).save()

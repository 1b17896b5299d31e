"""Deal and referral use cases.

A deal has one owner company (seed 003): the organisation that created it, or that accepted the lead
it came from. The owner edits; the other parties (the lead's sender: "deals sent"; the vendor and
distributors of the attribution chain: "network") read. The attribution chain is copied from the lead
once and never changes. A referral records who referred a deal; the deal's owner sets its status, the
referrer sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pynamodb.transactions import TransactWrite

from leads.dal import deals as dal
from leads.dal import leads as leads_dal
from leads.dal.tables import DealCopyItem, ReferralCopyItem
from leads.logic import access
from leads.models import (
    Deal,
    DealCreate,
    DealRecord,
    DealTab,
    DealUpdate,
    Participant,
    Referral,
    ReferralCreate,
    ReferralStatusUpdate,
    _money_places,
)
from trellis.currencies import minor_units
from trellis.domains import normalise_domain
from trellis.errors import Conflict, Forbidden, NotFound, ValidationFailed
from trellis.events import Actor, EventData, EventEnvelope
from trellis.events.leads import (
    AttributionLink,
    DealCreated,
    DealUpdated,
    DealWon,
    ReferralConnected,
    ReferralStatusChanged,
)
from trellis.keys import new_id
from trellis.money import in_minor_units
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import Principal


def _event(record: DealRecord, data: EventData, principal: Principal, now: datetime) -> EventEnvelope:
    return EventEnvelope.new(data, tenant_id=record.vendor_organisation_id, actor=Actor.of(principal),
                             occurred_at=now)


def tab_of(record: DealRecord, organisation_id: str) -> DealTab:
    if organisation_id == record.owner_organisation_id:
        return "owned"
    if organisation_id == record.sender_organisation_id:
        return "sent"
    return "network"


def deal_copies(record: DealRecord) -> list[dal.Copy]:
    return [dal.Copy(organisation_id=p.organisation_id, tab=tab_of(record, p.organisation_id))
            for p in record.participants]


def view_of(item: DealCopyItem) -> Deal:
    record = dal.record_of(item)
    return Deal(**record.model_dump(), tab=item.tab,  # type: ignore[arg-type]
                editable=item.organisation_id == record.owner_organisation_id)


def _reread(organisation_id: str, deal_id: str) -> Deal:
    item = dal.get_copy(organisation_id, deal_id)
    if item is None:  # pragma: no cover - just written in a transaction
        raise NotFound("no such deal")
    return view_of(item)


def _open_deal_index(batch: TransactWrite, before: DealRecord | None, after: DealRecord) -> None:
    """Keep the vendor's "open deals on this domain" rows (registration conflicts) in step with the status."""
    domain = after.customer_domain
    if not domain:
        return
    was_open = before is not None and before.status == "open"
    if after.status == "open" and not was_open:
        leads_dal.open_deal(batch, after.vendor_organisation_id, domain, deal_id=after.id,
                            owner_id=after.owner_organisation_id, partnership_id=after.partnership_id)
    elif after.status != "open" and was_open:
        leads_dal.close_deal(batch, after.vendor_organisation_id, domain, after.id)


def create_deal(principal: Principal, request: DealCreate) -> Deal:
    """An internal deal: the caller's organisation owns it and is its program (no partner involved)."""
    org = access.writer(principal)
    now = datetime.now(UTC)
    record = DealRecord(
        id=new_id(), vendor_organisation_id=org, owner_organisation_id=org, name=request.name,
        status=request.status, amount=request.amount, currency=request.currency,
        close_date=request.close_date,
        source="internal", customer_domain=normalise_domain(request.website) if request.website else None,
        account_id=request.account_id, attribution=[AttributionLink(role="vendor", organisation_id=org)],
        participants=[Participant(organisation_id=org, role="vendor")],
        won_at=now if request.status == "closed_won" else None,
        created_by_user_id=principal.user_id, created_at=now, updated_at=now,
    )
    envelopes = [_event(record, DealCreated(deal=record.snapshot()), principal, now)]
    if record.status == "closed_won":
        envelopes.append(_event(record, DealWon(deal=record.snapshot()), principal, now))
    dal.write(record, deal_copies(record), previous_version=None, envelopes=envelopes,
              also=lambda batch: _open_deal_index(batch, None, record))
    return _reread(org, record.id)


def get_deal(principal: Principal, deal_id: str) -> Deal:
    org = access.reader(principal)
    item = dal.get_copy(org, deal_id)
    if item is None:
        raise NotFound("no such deal")
    return view_of(item)


LISTING = "deals"


def list_deals(principal: Principal, *, tab: DealTab, status: str | None, limit: int,
               cursor: str | None) -> Page[Deal]:
    org = access.reader(principal)
    listing = f"{LISTING}:{tab}:{status}"
    start = decode_cursor(cursor, tenant_id=org, listing=listing)
    items, last_key = dal.list_page(org, tab, limit=limit, start=start, status=status)
    return Page[Deal](items=[view_of(item) for item in items],
                      next_cursor=encode_cursor(last_key, tenant_id=org, listing=listing))


def _owned(principal: Principal, deal_id: str) -> DealRecord:
    org = access.writer(principal)
    item = dal.get_copy(org, deal_id)
    if item is None:
        raise NotFound("no such deal")
    record = dal.record_of(item)
    if record.owner_organisation_id != org:
        raise Forbidden("only the deal's owner company changes it")
    return record


def update_deal(principal: Principal, deal_id: str, request: DealUpdate, *,
                also: Callable[[TransactWrite], None] | None = None) -> Deal:
    """``also`` adds writes to the change's transaction (an inbound webhook's delivery record); it is not
    called when nothing changes."""
    record = _owned(principal, deal_id)
    if request.expected_version is not None and request.expected_version != record.version:
        raise Conflict(f"the deal is at version {record.version}, not {request.expected_version}")
    changes = {field: getattr(request, field) for field in request.model_fields_set - {"expected_version"}
               if getattr(request, field) != getattr(record, field)}
    if not changes:
        return _reread(principal.organisation_id, deal_id)
    now = datetime.now(UTC)
    updated = record.model_copy(update={**changes, "version": record.version + 1, "updated_at": now})
    try:
        _money_places(updated.amount, updated.currency, "amount")
    except ValueError as error:
        raise ValidationFailed(str(error), field="amount") from error
    if updated.amount is not None and updated.currency is not None:
        updated.amount = in_minor_units(updated.amount, minor_units(updated.currency))
    won = updated.status == "closed_won" and record.status != "closed_won"
    if won:
        updated = updated.model_copy(update={"won_at": now})
    envelopes = [_event(updated, DealUpdated(deal=updated.snapshot(), previous_status=record.status,
                                             changed=sorted(changes)), principal, now)]
    if won:
        envelopes.append(_event(updated, DealWon(deal=updated.snapshot()), principal, now))

    def writes(batch: TransactWrite) -> None:
        _open_deal_index(batch, record, updated)
        if also is not None:
            also(batch)

    dal.write(updated, deal_copies(updated), previous_version=record.version, envelopes=envelopes,
              also=writes)
    return _reread(principal.organisation_id, deal_id)


# ---------------------------------------------------------------- referrals


def _referral_view(item: ReferralCopyItem) -> Referral:
    return Referral(
        id=item.referral_id, deal_id=item.deal_id, deal_name=item.deal_name,
        owner_organisation_id=item.owner_organisation_id,
        referrer_organisation_id=item.referrer_organisation_id,
        partnership_id=item.partnership_id, status=item.status,  # type: ignore[arg-type]
        direction=item.direction,  # type: ignore[arg-type]
        editable=item.organisation_id == item.owner_organisation_id, created_at=item.created_at,
        updated_at=item.updated_at,
    )


def connect_referral(principal: Principal, deal_id: str, request: ReferralCreate) -> Referral:
    """The deal's owner records who referred it: a partner of theirs, their vendor, or the lead's sender."""
    deal = _owned(principal, deal_id)
    org = principal.organisation_id
    partnership_id = request.partnership_id
    if partnership_id is not None:
        side = access.side_of(principal, partnership_id)
        referrer = access.joined(side.view) if side.as_vendor else side.vendor_id
    elif deal.sender_organisation_id and deal.sender_organisation_id != org:
        referrer, partnership_id = deal.sender_organisation_id, deal.partnership_id
    else:
        raise ValidationFailed("name the partnership the referral came through", field="partnership_id")
    now = datetime.now(UTC)
    referral_id = new_id()
    common = {"referral_id": referral_id, "deal_id": deal_id, "deal_name": deal.name,
              "owner_organisation_id": org, "referrer_organisation_id": referrer,
              "partnership_id": partnership_id, "status": request.status, "created_at": now,
              "updated_at": now, "version": 1}
    copies = [ReferralCopyItem(organisation_id=org, direction="in", **common),
              ReferralCopyItem(organisation_id=referrer, direction="out", **common)]
    envelope = EventEnvelope.new(ReferralConnected(
        referral_id=referral_id, deal_id=deal_id, deal_name=deal.name, owner_organisation_id=org,
        referrer_organisation_id=referrer, partnership_id=partnership_id, status=request.status,
    ), tenant_id=deal.vendor_organisation_id, actor=Actor.of(principal), occurred_at=now)
    dal.save_referral(copies, envelope, previous_version=None)
    return _referral_view(copies[0])


def _referral(principal: Principal, referral_id: str) -> ReferralCopyItem:
    org = access.reader(principal)
    item = dal.get_referral(org, referral_id)
    if item is None:
        raise NotFound("no such referral")
    return item


def get_referral(principal: Principal, referral_id: str) -> Referral:
    return _referral_view(_referral(principal, referral_id))


def set_referral_status(principal: Principal, referral_id: str, request: ReferralStatusUpdate) -> Referral:
    access.writer(principal)
    item = _referral(principal, referral_id)
    if item.organisation_id != item.owner_organisation_id:
        raise Forbidden("only the deal's owner sets the referral's status")
    if item.status == request.status:
        return _referral_view(item)
    now = datetime.now(UTC)
    previous_version, previous_status = int(item.version), item.status
    copies = []
    sides = ((item.owner_organisation_id, "in"), (item.referrer_organisation_id, "out"))
    for organisation_id, direction in sides:
        copies.append(ReferralCopyItem(
            organisation_id=organisation_id, direction=direction, referral_id=item.referral_id,
            deal_id=item.deal_id, deal_name=item.deal_name, owner_organisation_id=item.owner_organisation_id,
            referrer_organisation_id=item.referrer_organisation_id, partnership_id=item.partnership_id,
            status=request.status, created_at=item.created_at, updated_at=now, version=previous_version + 1,
        ))
    deal = dal.get_copy(item.owner_organisation_id, item.deal_id)
    tenant = dal.record_of(deal).vendor_organisation_id if deal else item.owner_organisation_id
    envelope = EventEnvelope.new(ReferralStatusChanged(
        referral_id=item.referral_id, deal_id=item.deal_id, deal_name=item.deal_name,
        owner_organisation_id=item.owner_organisation_id,
        referrer_organisation_id=item.referrer_organisation_id, from_status=previous_status,  # type: ignore[arg-type]
        to_status=request.status,
    ), tenant_id=tenant, actor=Actor.of(principal), occurred_at=now)
    dal.save_referral(copies, envelope, previous_version=previous_version)
    return _referral_view(copies[0])


def list_referrals(principal: Principal, *, direction: str, limit: int, cursor: str | None) -> Page[Referral]:
    org = access.reader(principal)
    listing = f"referrals:{direction}"
    start = decode_cursor(cursor, tenant_id=org, listing=listing)
    items, last_key = dal.referral_page(org, direction, limit=limit, start=start)
    return Page[Referral](items=[_referral_view(item) for item in items],
                          next_cursor=encode_cursor(last_key, tenant_id=org, listing=listing))

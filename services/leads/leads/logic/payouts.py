"""Payouts: a vendor pays one beneficiary partnership its approved entries, in one currency.

- Creating a payout (vendor ``admin``/``partner_manager``) takes the beneficiary's approved entries in
  the currency, oldest first, at most :data:`MAX_PAYOUT_ENTRIES` (the rest wait for the next payout),
  and nets them: clawbacks are deducted. A payout never mixes currencies (``currency`` is needed only
  when the approved entries are in several) and is never negative: a negative net is a 409, the
  clawbacks wait for more earnings. A beneficiary has at most one open payout per currency.
- Marking it paid marks every one of its entries paid (one transaction).
- The vendor reads every payout; a partner organisation reads the payouts of its own partnerships.

The entry limit keeps marking paid within one DynamoDB transaction (each entry and its two listing
copies change), so a payout and its entries are always paid together or not at all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from leads.dal import ledger as ledger_dal
from leads.dal import partnerships as partnerships_dal
from leads.dal import payouts as dal
from leads.dal.tables import CommissionEntryItem, PayoutItem, PayoutLineAttribute
from leads.logic.commissions import partner_counterparts
from leads.models import Payout, PayoutCreate, PayoutLineView, PayoutPaidInput, money
from trellis.dynamo import concurrent_change_is_a_conflict
from trellis.errors import BadRequest, Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.ledger import PayoutCreated, PayoutData, PayoutLine, PayoutPaid
from trellis.keys import time_ordered_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import VENDOR_ROLES, VENDOR_WRITERS, Principal

MAX_PAYOUT_ENTRIES = 30
# Approved entries read to choose a currency or fill a payout (the unpaid approved entries of one
# beneficiary: few in practice).
MAX_APPROVED_READ = 1000
NO_SUCH_PAYOUT = "no such payout"


def payout_data(item: PayoutItem) -> PayoutData:
    return PayoutData(
        payout_id=item.payout_id, partnership_id=item.partnership_id, organisation_id=item.organisation_id,
        currency=item.currency, amount=item.amount,
        status=item.status,  # type: ignore[arg-type]
        lines=[PayoutLine(entry_id=line.entry_id, deal_id=line.deal_id,
                          kind=line.kind,  # type: ignore[arg-type]
                          amount=line.amount) for line in item.lines or []],
        created_at=item.created_at, paid_at=item.paid_at, reference=item.reference,
    )


def payout_view(item: PayoutItem) -> Payout:
    currency = item.currency
    return Payout(
        id=item.payout_id, partnership_id=item.partnership_id, organisation_id=item.organisation_id,
        currency=currency, amount=money(item.amount, currency),
        status=item.status,  # type: ignore[arg-type]
        lines=[PayoutLineView(entry_id=line.entry_id, deal_id=line.deal_id,
                              kind=line.kind,  # type: ignore[arg-type]
                              amount=money(line.amount, currency)) for line in item.lines or []],
        created_at=item.created_at, paid_at=item.paid_at, reference=item.reference,
    )


def _approved(vendor: str, partnership_id: str) -> list[CommissionEntryItem]:
    listing = ledger_dal.beneficiary_listing(vendor, partnership_id, "approved")
    entries, _ = ledger_dal.newest_first([listing], prefix=None, before=None, limit=MAX_APPROVED_READ,
                                         ascending=True)
    return entries


def _currency(request: PayoutCreate, entries: list[CommissionEntryItem]) -> str:
    currencies = sorted({entry.currency for entry in entries})
    if request.currency is not None:
        return request.currency
    if not currencies:
        raise Conflict("the partnership has no approved commission entries to pay")
    if len(currencies) > 1:
        raise ValidationFailed(
            f"the approved entries are in {', '.join(currencies)}; a payout is in one currency: name it",
            field="currency",
        )
    return currencies[0]


def create_payout(principal: Principal, request: PayoutCreate) -> Payout:
    principal.require_any(VENDOR_WRITERS)
    vendor, partnership_id = principal.organisation_id, request.partnership_id
    view = partnerships_dal.get_view(vendor, partnership_id)
    if view is None:
        raise NotFound("no such partnership")
    approved = _approved(vendor, partnership_id)
    currency = _currency(request, approved)
    already = dal.get_open(vendor, partnership_id, currency)
    if already is not None:
        raise Conflict(f"payout {already.payout_id} in {currency} is still open: mark it paid first")
    chosen = [entry for entry in approved if entry.currency == currency][:MAX_PAYOUT_ENTRIES]
    if not chosen:
        raise Conflict(f"the partnership has no approved commission entries in {currency} to pay")
    net = sum((entry.amount for entry in chosen), Decimal(0))
    if net < 0:
        raise Conflict(f"the approved entries in {currency} net to {money(net, currency)}: a payout "
                       "cannot be negative; the clawbacks are deducted from the next earnings")

    now, payout_id = datetime.now(UTC), time_ordered_id()
    payout = dal.new_payout(
        vendor, payout_id, partnership_id=partnership_id,
        organisation_id=view.partner_organisation_id or chosen[0].organisation_id, currency=currency,
        amount=net, status="open",
        lines=[PayoutLineAttribute(entry_id=entry.entry_id, deal_id=entry.deal_id, kind=entry.kind,
                                   amount=entry.amount) for entry in chosen],
        created_at=now, created_by=principal.user_id,
    )
    event = EventEnvelope.new(PayoutCreated(payout=payout_data(payout)), tenant_id=vendor,
                              actor=Actor.of(principal), occurred_at=now)
    marker = dal.open_marker(vendor, partnership_id, currency, payout_id)
    # The entries stay approved until the payout is paid: check that none changed meanwhile.
    conditions = [(entry, (CommissionEntryItem.version == entry.version)
                   & (CommissionEntryItem.status == "approved")) for entry in chosen]
    with concurrent_change_is_a_conflict("the beneficiary's approved entries or open payout"):
        ledger_dal.save_entries([], dal.with_listing(payout), [event], conditions=conditions, new=[marker])
    return payout_view(payout)


def mark_paid(principal: Principal, payout_id: str, request: PayoutPaidInput) -> Payout:
    principal.require_any(VENDOR_WRITERS)
    vendor = principal.organisation_id
    payout = dal.get_payout(vendor, payout_id)
    if payout is None:
        raise NotFound(NO_SUCH_PAYOUT)
    if payout.status == "paid":
        raise Conflict("the payout is already paid")
    entries = ledger_dal.get_entries((vendor, line.entry_id) for line in payout.lines or [])
    if len(entries) != len(payout.lines or []) or any(entry.status != "approved" for entry in entries):
        raise Conflict("the payout's entries changed since it was created")
    now = datetime.now(UTC)
    for entry in entries:
        entry.status, entry.paid_at, entry.payout_id = "paid", now, payout_id
    payout.status, payout.paid_at, payout.paid_by = "paid", now, principal.user_id
    payout.reference = request.reference
    event = EventEnvelope.new(PayoutPaid(payout=payout_data(payout)), tenant_id=vendor,
                              actor=Actor.of(principal), occurred_at=now)
    marker = dal.open_marker(vendor, payout.partnership_id, payout.currency, payout_id)
    with concurrent_change_is_a_conflict("the payout"):
        ledger_dal.save_entries(entries, dal.with_listing(payout), [event], deletes=[marker])
    return payout_view(payout)


def list_payouts(principal: Principal, *, limit: int, cursor: str | None) -> Page[Payout]:
    principal.require_any(VENDOR_ROLES)
    vendor = principal.organisation_id
    start = decode_cursor(cursor, tenant_id=vendor, listing="payouts")
    items, last_key = dal.vendor_page(vendor, limit=limit, start=start)
    return Page[Payout](items=[payout_view(item) for item in items],
                        next_cursor=encode_cursor(last_key, tenant_id=vendor, listing="payouts"))


def get_payout(principal: Principal, payout_id: str) -> Payout:
    principal.require_any(VENDOR_ROLES)
    payout = dal.get_payout(principal.organisation_id, payout_id)
    if payout is None:
        raise NotFound(NO_SUCH_PAYOUT)
    return payout_view(payout)


def list_partner_payouts(
    principal: Principal, partnership_id: str | None, *, limit: int, cursor: str | None,
) -> Page[Payout]:
    mine = partner_counterparts(principal, partnership_id)
    listing = f"partner-payouts:{partnership_id or ''}"
    start = decode_cursor(cursor, tenant_id=principal.organisation_id, listing=listing)
    before = start.get("before") if start else None
    if start is not None and not isinstance(before, str):
        raise BadRequest("the cursor is invalid or belongs to another listing", field="cursor")
    items, after = dal.beneficiary_page([(cp.vendor_organisation_id, cp.partnership_id) for cp in mine],
                                        limit=limit, before=before)
    return Page[Payout](
        items=[payout_view(item) for item in items],
        next_cursor=encode_cursor({"before": after} if after else None, tenant_id=principal.organisation_id,
                                  listing=listing),
    )


def get_partner_payout(principal: Principal, payout_id: str) -> Payout:
    mine = {(cp.vendor_organisation_id, cp.partnership_id) for cp in partner_counterparts(principal)}
    for payout in dal.get_payouts((vendor, payout_id) for vendor, _ in mine):
        if (payout.vendor_organisation_id, payout.partnership_id) in mine:
            return payout_view(payout)
    raise NotFound(NO_SUCH_PAYOUT)

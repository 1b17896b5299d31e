"""Billings: revenue records against a deal (amount, currency, date, invoice reference).

The deal is found in the commission ledger's per-deal state (kept from the deal events), under the
caller's own organisation or one of the vendors it is a partner of. Who may do what:
- the deal's owner organisation records billings (vendor side ``admin``/``partner_manager``, partner
  side ``partner_admin``/``sales``); the same invoice reference twice on a deal is a conflict;
- the vendor, the owner and the partners of the deal (its partnership and its distributors) read them;
- anyone else gets 404, as for a deal that does not exist. A party that may read but not record
  gets 403 when it tries to record.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from leads.dal import billings as dal
from leads.dal import ledger as ledger_dal
from leads.dal import partnerships as partnerships_dal
from leads.dal.tables import BillingItem, LedgerDealItem
from leads.logic import access
from leads.models import Billing, BillingCreate, money
from trellis.dynamo import concurrent_change_is_a_conflict
from trellis.errors import Conflict, Forbidden, NotFound
from trellis.events import Actor, EventEnvelope
from trellis.events.ledger import BillingRecorded
from trellis.keys import time_ordered_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import VENDOR_WRITERS, Principal, Role

RECORDERS = VENDOR_WRITERS | {Role.PARTNER_ADMIN, Role.SALES}
NO_SUCH_DEAL = "no such deal"


def _deal(principal: Principal, deal_id: str) -> tuple[LedgerDealItem, bool]:
    """The deal and whether the caller's organisation owns it; 404 unless the caller is a party to it."""
    organisation = access.reader(principal)
    mine = list(partnerships_dal.counterparts(organisation))
    state = ledger_dal.find_state([organisation, *(cp.vendor_organisation_id for cp in mine)], deal_id)
    if state is None:
        raise NotFound(NO_SUCH_DEAL)
    owner = state.owner_organisation_id == organisation
    partners = {state.partnership_id, *(state.distributor_partnership_ids or [])}
    partner = any(cp.vendor_organisation_id == state.vendor_organisation_id and cp.partnership_id in partners
                  for cp in mine)
    if not (owner or partner or state.vendor_organisation_id == organisation):
        raise NotFound(NO_SUCH_DEAL)
    return state, owner


def billing_view(item: BillingItem) -> Billing:
    return Billing(
        id=item.billing_id, deal_id=item.deal_id, amount=money(item.amount, item.currency),
        currency=item.currency,
        billed_on=date.fromisoformat(item.billed_on), invoice_reference=item.invoice_reference,
        recorded_at=item.recorded_at, recorded_by_organisation_id=item.owner_organisation_id,
    )


def record_billing(principal: Principal, request: BillingCreate) -> Billing:
    state, owner = _deal(principal, request.deal_id)
    if not owner:
        raise Forbidden("only the deal's owner organisation records its billings")
    principal.require_any(RECORDERS)
    now, vendor = datetime.now(UTC), state.vendor_organisation_id
    billing = dal.new_billing(
        vendor, state.deal_id, time_ordered_id(), owner_organisation_id=principal.organisation_id,
        amount=request.amount, currency=request.currency, billed_on=request.billed_on.isoformat(),
        invoice_reference=request.invoice_reference, recorded_at=now, recorded_by=principal.user_id,
    )
    event = EventEnvelope.new(BillingRecorded(
        billing_id=billing.billing_id, deal_id=state.deal_id, deal_name=state.deal_name,
        owner_organisation_id=principal.organisation_id, amount=request.amount, currency=request.currency,
        billed_on=request.billed_on, invoice_reference=request.invoice_reference,
    ), tenant_id=vendor, actor=Actor.of(principal), occurred_at=now)
    try:
        with concurrent_change_is_a_conflict("the deal's billings"):
            dal.save_with_event(billing, event)
    except Conflict as error:
        raise Conflict(f"the invoice {request.invoice_reference!r} is already recorded on this deal",
                       field="invoice_reference") from error
    return billing_view(billing)


def list_billings(principal: Principal, deal_id: str, *, limit: int, cursor: str | None) -> Page[Billing]:
    state, _ = _deal(principal, deal_id)
    listing = f"billings:{deal_id}"
    start = decode_cursor(cursor, tenant_id=principal.organisation_id, listing=listing)
    items, last_key = dal.page(state.vendor_organisation_id, deal_id, limit=limit, start=start)
    next_cursor = encode_cursor(last_key, tenant_id=principal.organisation_id, listing=listing)
    return Page[Billing](items=[billing_view(item) for item in items], next_cursor=next_cursor)

"""Commission entries through the API: the vendor's ledger, a partner's own entries, approval.

Who sees what:
- the vendor (every vendor role) sees every entry of its program, filtered by beneficiary
  partnership, status and month, each deal's ledger and the deals that earn nothing (problems);
- a partner organisation sees only the entries whose beneficiary is one of its own partnerships
  (found through the projection's counterparts), whatever the vendor: a distributor sees its split
  of a deal, never the reseller's; anything else is 404, like an entry that does not exist;
- approving (pending → approved; a clawback is approved the same way) is for vendor ``admin`` and
  ``partner_manager``. Approving an approved entry again changes nothing; a paid one is a conflict.
"""

from __future__ import annotations

from datetime import UTC, datetime

from leads.dal import ledger as dal
from leads.dal import partnerships as partnerships_dal
from leads.dal.tables import CommissionEntryItem, CounterpartItem, LedgerDealItem
from leads.logic import access, ledger
from leads.logic.ledger import entry_data
from leads.models import (
    CommissionApproval,
    CommissionBeneficiary,
    CommissionEntry,
    CommissionProblem,
    CommissionQuery,
    CommissionTotal,
    DealLedger,
    money,
)
from trellis.dynamo import concurrent_change_is_a_conflict
from trellis.errors import BadRequest, Conflict, NotFound
from trellis.events import Actor, EventEnvelope
from trellis.events.commissions import CommissionPlan
from trellis.events.ledger import CommissionApproved
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import VENDOR_ROLES, VENDOR_WRITERS, Principal

NO_SUCH_ENTRY = "no such commission entry"
NO_SUCH_DEAL = "the ledger has no such deal"
MAX_DEAL_ENTRIES = 100


def entry_view(item: CommissionEntryItem) -> CommissionEntry:
    data = entry_data(item)
    return CommissionEntry(
        id=item.entry_id, deal_id=item.deal_id, deal_name=item.deal_name, kind=data.kind, status=data.status,
        beneficiary=CommissionBeneficiary(**data.beneficiary.model_dump()),
        amount=money(item.amount, item.currency), currency=item.currency, effective_at=item.effective_at,
        expected_payout_on=data.expected_payout_on, created_at=item.created_at, approved_at=item.approved_at,
        paid_at=item.paid_at, payout_id=item.payout_id,
    )


def _listing_name(query: CommissionQuery) -> str:
    return f"commissions:{query.partnership_id or ''}:{query.status or ''}:{query.month or ''}"


def _before(cursor: str | None, *, tenant_id: str, listing: str) -> str | None:
    start = decode_cursor(cursor, tenant_id=tenant_id, listing=listing)
    if start is None:
        return None
    before = start.get("before")
    if not isinstance(before, str):
        raise BadRequest("the cursor is invalid or belongs to another listing", field="cursor")
    return before


def _page(
    listings: list[dal.Listing], query: CommissionQuery, *, tenant_id: str, limit: int, cursor: str | None,
) -> Page[CommissionEntry]:
    listing = _listing_name(query)
    before = _before(cursor, tenant_id=tenant_id, listing=listing)
    items, after = dal.newest_first(listings, prefix=query.month, before=before, limit=limit)
    return Page[CommissionEntry](
        items=[entry_view(item) for item in items],
        next_cursor=encode_cursor({"before": after} if after else None, tenant_id=tenant_id, listing=listing),
    )


# ---------------------------------------------------------------- the vendor


def list_entries(
    principal: Principal, query: CommissionQuery, *, limit: int, cursor: str | None,
) -> Page[CommissionEntry]:
    principal.require_any(VENDOR_ROLES)
    vendor = principal.organisation_id
    listing = (dal.beneficiary_listing(vendor, query.partnership_id, query.status) if query.partnership_id
               else dal.all_listing(vendor, query.status))
    return _page([listing], query, tenant_id=vendor, limit=limit, cursor=cursor)


def _vendor_entry(principal: Principal, entry_id: str) -> CommissionEntryItem:
    entry = dal.get_entry(principal.organisation_id, entry_id)
    if entry is None:
        raise NotFound(NO_SUCH_ENTRY)
    return entry


def get_entry(principal: Principal, entry_id: str) -> CommissionEntry:
    principal.require_any(VENDOR_ROLES)
    return entry_view(_vendor_entry(principal, entry_id))


def _approve(principal: Principal, entries: list[CommissionEntryItem]) -> None:
    """Approve the pending ones of these entries (an approved one stays as it is; a paid one is a 409)."""
    settled = [entry for entry in entries if entry.status not in ("pending", "approved")]
    if settled:
        raise Conflict(f"entry {settled[0].entry_id} is {settled[0].status}; only a pending entry can be "
                       "approved")
    pending = [entry for entry in entries if entry.status == "pending"]
    if not pending:
        return
    now = datetime.now(UTC)
    events = []
    for entry in pending:
        entry.status, entry.approved_at, entry.approved_by = "approved", now, principal.user_id
        events.append(EventEnvelope.new(CommissionApproved(entry=entry_data(entry)),
                                        tenant_id=principal.organisation_id, actor=Actor.of(principal),
                                        occurred_at=now))
    with concurrent_change_is_a_conflict("the commission entries"):
        dal.save_entries(pending, [], events)


def approve(principal: Principal, entry_id: str) -> CommissionEntry:
    principal.require_any(VENDOR_WRITERS)
    entry = _vendor_entry(principal, entry_id)
    _approve(principal, [entry])
    return entry_view(entry)


def approve_many(principal: Principal, request: CommissionApproval) -> list[CommissionEntry]:
    """Approve up to 25 entries at once, all or none (one transaction: each entry, its two listing
    copies and its event)."""
    principal.require_any(VENDOR_WRITERS)
    vendor = principal.organisation_id
    found = {entry.entry_id: entry for entry in dal.get_entries((vendor, entry_id)
                                                                for entry_id in request.entry_ids)}
    missing = [entry_id for entry_id in request.entry_ids if entry_id not in found]
    if missing:
        raise NotFound(f"{NO_SUCH_ENTRY}: {missing[0]}")
    entries = [found[entry_id] for entry_id in request.entry_ids]
    _approve(principal, entries)
    return [entry_view(entry) for entry in entries]


def _problem(state: LedgerDealItem) -> CommissionProblem | None:
    if state.problem_reason is None or state.problem_at is None:
        return None
    return CommissionProblem(
        deal_id=state.deal_id, deal_name=state.deal_name, partnership_id=state.partnership_id,
        reason=state.problem_reason,  # type: ignore[arg-type]
        detail=state.problem_detail or "", since=state.problem_at,
    )


def get_deal_ledger(principal: Principal, deal_id: str) -> DealLedger:
    principal.require_any(VENDOR_ROLES)
    vendor = principal.organisation_id
    state = dal.get_state(vendor, deal_id)
    if state is None:
        raise NotFound(NO_SUCH_DEAL)
    wanted = (state.entry_ids or [])[-MAX_DEAL_ENTRIES:]
    entries = sorted(dal.get_entries((vendor, entry_id) for entry_id in wanted),
                     key=lambda item: dal.position(item.effective_at, item.entry_id), reverse=True)
    return DealLedger(
        deal_id=state.deal_id, deal_name=state.deal_name, status=state.status,
        amount=(money(state.amount, state.currency) if state.amount is not None and state.currency
                else state.amount),
        currency=state.currency, partnership_id=state.partnership_id,
        distributor_partnership_ids=list(state.distributor_partnership_ids or []),
        deal_version=int(state.deal_version),
        plan=CommissionPlan.model_validate_json(state.plan_json) if state.plan_json else None,
        totals=[CommissionTotal(
            beneficiary=CommissionBeneficiary(partnership_id=total.partnership_id,
                                              organisation_id=total.organisation_id,
                                              role=total.role),  # type: ignore[arg-type]
            currency=total.currency, amount=money(total.amount, total.currency),
        ) for total in state.totals or []],
        problem=_problem(state),
        entries=[entry_view(entry) for entry in entries],
    )


def recompute(principal: Principal, deal_id: str) -> DealLedger:
    """Compute the deal again as the ledger last saw it, with the plans that apply now (after the
    vendor fixed a problem, e.g. gave the partnership a plan). A deal that earns what it did is left
    as it is; a won deal keeps the plan it was won under."""
    principal.require_any(VENDOR_WRITERS)
    state = dal.get_state(principal.organisation_id, deal_id)
    if state is None:
        raise NotFound(NO_SUCH_DEAL)
    ledger.apply(state, ledger.snapshot_of(state), occurred_at=datetime.now(UTC), actor=Actor.of(principal))
    return get_deal_ledger(principal, deal_id)


def list_problems(principal: Principal, *, limit: int, cursor: str | None) -> Page[CommissionProblem]:
    principal.require_any(VENDOR_ROLES)
    vendor = principal.organisation_id
    start = decode_cursor(cursor, tenant_id=vendor, listing="commission-problems")
    items, last_key = dal.problems_page(vendor, limit=limit, start=start)
    return Page[CommissionProblem](
        items=[problem for problem in (_problem(item) for item in items) if problem is not None],
        next_cursor=encode_cursor(last_key, tenant_id=vendor, listing="commission-problems"),
    )


# ---------------------------------------------------------------- a partner organisation


def partner_counterparts(principal: Principal, partnership_id: str | None = None) -> list[CounterpartItem]:
    """The caller's partnerships (as the partner), or just the one named (404 unless it is the caller's)."""
    principal.require_any(access.PARTNER_READERS)
    organisation = principal.organisation_id
    if partnership_id is not None:
        found = partnerships_dal.counterpart(organisation, partnership_id)
        if found is None:
            raise NotFound("no such partnership")
        return [found]
    return list(partnerships_dal.counterparts(organisation))


def list_partner_entries(
    principal: Principal, query: CommissionQuery, *, limit: int, cursor: str | None,
) -> Page[CommissionEntry]:
    mine = partner_counterparts(principal, query.partnership_id)
    listings = [dal.beneficiary_listing(cp.vendor_organisation_id, cp.partnership_id, query.status)
                for cp in mine]
    return _page(listings, query, tenant_id=principal.organisation_id, limit=limit, cursor=cursor)


def get_partner_entry(principal: Principal, entry_id: str) -> CommissionEntry:
    mine = {(cp.vendor_organisation_id, cp.partnership_id) for cp in partner_counterparts(principal)}
    for entry in dal.get_entries((vendor, entry_id) for vendor, _ in mine):
        if (entry.vendor_organisation_id, entry.partnership_id) in mine:
            return entry_view(entry)
    raise NotFound(NO_SUCH_ENTRY)

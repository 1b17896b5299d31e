"""The commission ledger, kept from the deal events (DealCreated, DealUpdated) of the leads service.

Per deal the ledger keeps a state (``LedgerDeal``): the newest deal version applied, the facts the
ledger and billings need (owner, status, amount, partnerships), the plan the deal earns under while
it is won, and what the deal's entries add up to per beneficiary and currency.

Rules:
- A deal earns when it is ``closed_won`` with an amount and a partnership whose effective plan exists
  (the partnership's own plan, else its tier's default). The plan is taken when the deal is won and
  kept while it stays won: a later change of the plan never rewrites a past win; a deal won again
  after a reopen earns under the plan of that moment.
- Currency: a percentage plan pays in the deal's currency; a fixed or tiered plan in its own, and
  only on deals in that currency (no FX): otherwise nothing is recorded, and the reason is kept on
  the deal's state (the vendor's list of problems), logged, and published (CommissionNotRecorded).
  Once the vendor fixes it (sets a plan), the deal's next change, or the vendor's "recompute"
  (:func:`apply` on the deal as last seen), records what it earns.
- Through distributors: the distributors get the plan's ``distributor_split`` percent of the
  commission (shared equally between several, the rounding remainder to the top-level one), the
  reseller the rest (:func:`trellis.commission_math.split_for_distributor`).
- Entries are never edited. Each delivery computes what the deal earns now per beneficiary and
  currency, and writes one entry for each difference from what the entries add up to:
  ``commission`` (from nothing), ``adjustment`` (another amount while won) or ``clawback`` (back to
  nothing: reopened, lost, amount removed). So the sum of a deal's entries for a beneficiary is
  always what the deal's current state earns it.
- Unordered, repeated delivery: only a version newer than the state's is applied; since the delta
  comes from the current sums, any order of delivery ends in the same sums.
- Expected payout date: the plan's schedule from the entry's date (the win for a commission, the
  change for an adjustment or clawback): ``on_deal_won`` that day, ``monthly`` the end of its month,
  ``quarterly`` the end of its quarter; plus the plan's ``net_days``.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from aws_lambda_powertools import Logger

from leads.dal import ledger as dal
from leads.dal import partnerships as partnerships_dal
from leads.dal.tables import CommissionEntryItem, LedgerDealItem, LedgerTotalAttribute, PartnershipViewItem
from trellis.commission_math import commission_for, split_for_distributor
from trellis.currencies import MINOR_UNITS
from trellis.events import SYSTEM, Actor, EventData, EventEnvelope, EventHandler
from trellis.events.commissions import CommissionPlan
from trellis.events.leads import AttributionLink, DealCreated, DealSnapshot, DealUpdated
from trellis.events.ledger import (
    Beneficiary,
    BeneficiaryRole,
    CommissionAdjusted,
    CommissionEarned,
    CommissionEntryData,
    CommissionNotRecorded,
    EntryKind,
    NotRecordedReason,
)
from trellis.keys import time_ordered_id
from trellis.money import in_minor_units

logger = Logger()

WON = "closed_won"
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Share:
    """What the deal earns one beneficiary, in one currency."""

    partnership_id: str
    organisation_id: str | None
    role: BeneficiaryRole
    currency: str
    amount: Decimal

    @property
    def key(self) -> tuple[str, str]:
        return self.partnership_id, self.currency


@dataclass(frozen=True, slots=True)
class Problem:
    reason: NotRecordedReason
    detail: str


@dataclass(frozen=True, slots=True)
class Earning:
    plan: CommissionPlan | None
    shares: tuple[Share, ...] = ()
    problem: Problem | None = None


# ---------------------------------------------------------------- what a deal earns now


def effective_plan(vendor_id: str, view: PartnershipViewItem) -> CommissionPlan | None:
    """The partnership's own plan, else its tier's default (one more GetItem), else None."""
    if view.plan_json:
        return CommissionPlan.model_validate_json(view.plan_json)
    if view.tier:
        tier_plan = partnerships_dal.get_tier_plan(vendor_id, view.tier)
        if tier_plan is not None and tier_plan.plan_json:
            return CommissionPlan.model_validate_json(tier_plan.plan_json)
    return None


def _payout_currency(plan: CommissionPlan, deal: DealSnapshot) -> str | Problem:
    deal_currency = deal.currency.upper() if deal.currency else None
    if plan.kind == "percentage" or plan.currency is None:
        if deal_currency is None:
            return Problem("no_currency", "the deal has no currency, and the plan pays a percentage of it")
        if deal_currency not in MINOR_UNITS:
            return Problem("unknown_currency",
                           f"the deal's currency {deal_currency} is not a known ISO 4217 code")
        return deal_currency
    if deal_currency is not None and deal_currency != plan.currency:
        return Problem("currency_mismatch",
                       f"the plan pays in {plan.currency}, the deal is in {deal_currency}; "
                       "commissions are never converted between currencies")
    if deal_currency is None and plan.kind == "tiered":
        return Problem("no_currency",
                       f"the deal has no currency, and the plan's bands are in {plan.currency}")
    return plan.currency


def _split(total: Decimal, ways: int, currency: str) -> list[Decimal]:
    """``total`` in ``ways`` equal shares of the currency's minor unit; the remainder to the first."""
    quantum = Decimal(1).scaleb(-MINOR_UNITS[currency])
    each = (total / ways).quantize(quantum, rounding=ROUND_DOWN)
    shares = [each] * ways
    shares[0] += total - each * ways
    return shares


def _beneficiary_role(deal: DealSnapshot) -> BeneficiaryRole:
    for link in deal.attribution:
        if link.partnership_id == deal.partnership_id and link.role in ("reseller", "partner"):
            return "reseller" if link.role == "reseller" else "partner"
    return "reseller" if deal.distributor_partnership_ids else "partner"


def earning(vendor_id: str, deal: DealSnapshot, state: LedgerDealItem) -> Earning:
    """What the deal earns in its current state, by beneficiary and currency (or why it earns nothing)."""
    partnership_id = deal.partnership_id
    if deal.status != WON or partnership_id is None:
        return Earning(plan=None)  # not won, or an internal deal: nothing to earn, nothing wrong
    distributors = [pid for pid in dict.fromkeys(deal.distributor_partnership_ids) if pid != partnership_id]
    views = partnerships_dal.views(vendor_id, [partnership_id, *distributors])
    view = views.get(partnership_id)
    if view is None:
        return Earning(None, problem=Problem(
            "unknown_partnership", f"the partnership {partnership_id} is not known to the ledger (yet)"))
    plan = None
    if state.plan_json and state.plan_partnership_id == partnership_id and state.status == WON:
        plan = CommissionPlan.model_validate_json(state.plan_json)  # the plan it was won under
    plan = plan or effective_plan(vendor_id, view)
    if plan is None:
        name = view.company_name or partnership_id
        return Earning(None, problem=Problem(
            "no_plan", f"no commission plan applies to {name} (neither its own nor its tier's default)"))
    if deal.amount is None:
        return Earning(plan, problem=Problem("no_amount", "the deal is won without an amount"))
    if not deal.amount.is_finite() or deal.amount < 0:
        return Earning(plan, problem=Problem("invalid_amount",
                                             f"the deal's amount {deal.amount} is not valid"))
    currency = _payout_currency(plan, deal)
    if isinstance(currency, Problem):
        return Earning(plan, problem=currency)

    commission = commission_for(plan, deal.amount, currency=currency)
    organisations = {link.partnership_id: link.organisation_id for link in deal.attribution
                     if link.partnership_id}

    def organisation(pid: str) -> str | None:
        found = views.get(pid)
        return organisations.get(pid) or (found.partner_organisation_id if found else None)

    reseller = commission
    shares: list[Share] = []
    if distributors and plan.distributor_split > 0:
        split = split_for_distributor(plan, commission, currency=currency)
        reseller = split.reseller
        for pid, amount in zip(distributors, _split(split.distributor, len(distributors), currency),
                               strict=True):
            shares.append(Share(pid, organisation(pid), "distributor", currency, amount))
    shares.insert(0, Share(partnership_id, organisation(partnership_id), _beneficiary_role(deal), currency,
                           reseller))
    return Earning(plan, shares=tuple(share for share in shares if share.amount != 0))


# ---------------------------------------------------------------- payout dates


def expected_payout_on(plan: CommissionPlan | None, day: date) -> date:
    if plan is None:
        return day
    due = day
    if plan.schedule == "monthly":
        due = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    elif plan.schedule == "quarterly":
        last_month = (day.month - 1) // 3 * 3 + 3
        due = date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return due + timedelta(days=plan.net_days)


# ---------------------------------------------------------------- applying a deal event


def entry_data(entry: CommissionEntryItem) -> CommissionEntryData:
    return CommissionEntryData(
        entry_id=entry.entry_id, deal_id=entry.deal_id, deal_name=entry.deal_name,
        kind=entry.kind,  # type: ignore[arg-type]
        status=entry.status,  # type: ignore[arg-type]
        beneficiary=Beneficiary(partnership_id=entry.partnership_id, organisation_id=entry.organisation_id,
                                role=entry.role),  # type: ignore[arg-type]
        amount=entry.amount, currency=entry.currency, effective_at=entry.effective_at,
        expected_payout_on=date.fromisoformat(entry.expected_payout_on), deal_version=int(entry.deal_version),
    )


def _units(value: Decimal, currency: str) -> Decimal:
    return in_minor_units(value, MINOR_UNITS[currency])


def _kind(before: Decimal, after: Decimal) -> EntryKind:
    if after == 0:
        return "clawback"
    return "commission" if before == 0 else "adjustment"


def _totals(shares: Sequence[Share]) -> list[LedgerTotalAttribute]:
    return [LedgerTotalAttribute(partnership_id=share.partnership_id, organisation_id=share.organisation_id,
                                 role=share.role, currency=share.currency, amount=share.amount)
            for share in shares]


def _take_facts(state: LedgerDealItem, deal: DealSnapshot, now: datetime) -> None:
    state.deal_name, state.owner_organisation_id = deal.name, deal.owner_organisation_id
    state.status = deal.status
    state.amount, state.currency = deal.amount, deal.currency.upper() if deal.currency else None
    state.partnership_id = deal.partnership_id
    state.distributor_partnership_ids = list(deal.distributor_partnership_ids)
    state.attribution_json = json.dumps([link.model_dump(mode="json") for link in deal.attribution])
    state.won_at, state.deal_version, state.updated_at = deal.won_at, deal.version, now


def snapshot_of(state: LedgerDealItem) -> DealSnapshot:
    """The deal as the ledger last saw it (to compute it again, e.g. once its partnership has a plan)."""
    return DealSnapshot(
        deal_id=state.deal_id, vendor_organisation_id=state.vendor_organisation_id,
        owner_organisation_id=state.owner_organisation_id, name=state.deal_name,
        status=state.status,  # type: ignore[arg-type]
        amount=state.amount, currency=state.currency,
        source="partner" if state.partnership_id else "internal", partnership_id=state.partnership_id,
        distributor_partnership_ids=list(state.distributor_partnership_ids or []),
        attribution=[AttributionLink.model_validate(link)
                     for link in json.loads(state.attribution_json or "[]")],
        won_at=state.won_at, version=int(state.deal_version),
    )


def apply(state: LedgerDealItem, deal: DealSnapshot, *, occurred_at: datetime, actor: Actor) -> None:
    """Bring the deal's entries to what ``deal`` earns, and its state to ``deal``, in one write.

    ``occurred_at`` is when the change happened (the event's time): the date of adjustments and
    clawbacks. A concurrent change of the same deal is a Conflict (nothing written).
    """
    vendor_id = state.vendor_organisation_id
    now = datetime.now(UTC)
    earned = earning(vendor_id, deal, state)
    previous_plan = CommissionPlan.model_validate_json(state.plan_json) if state.plan_json else None
    current = {(total.partnership_id, total.currency): total for total in state.totals or []}
    shares = {share.key: share for share in earned.shares}

    entries: list[CommissionEntryItem] = []
    events: list[EventEnvelope] = []
    for key in [*shares, *(key for key in current if key not in shares)]:
        before = current[key].amount if key in current else ZERO
        share = shares.get(key)
        after = share.amount if share is not None else ZERO
        if after == before:
            continue
        kind = _kind(before, after)
        plan = earned.plan if kind == "commission" else (earned.plan or previous_plan)
        effective_at = (deal.won_at or occurred_at) if kind == "commission" else occurred_at
        holder = share or current[key]
        entry = dal.new_entry(
            vendor_id, time_ordered_id(), deal_id=deal.deal_id, deal_name=deal.name, kind=kind,
            status="pending",
            partnership_id=holder.partnership_id, organisation_id=holder.organisation_id, role=holder.role,
            amount=after - before, currency=holder.currency, effective_at=effective_at,
            expected_payout_on=expected_payout_on(plan, effective_at.astimezone(UTC).date()).isoformat(),
            deal_version=deal.version, created_at=now,
        )
        entries.append(entry)
        payload: EventData = CommissionEarned(entry=entry_data(entry)) if kind == "commission" else (
            CommissionAdjusted(entry=entry_data(entry), deal_status=deal.status,
                               previous_total=_units(before, holder.currency),
                               new_total=_units(after, holder.currency)))
        events.append(EventEnvelope.new(payload, tenant_id=vendor_id, actor=actor, occurred_at=now))

    problem = earned.problem
    if problem is not None:
        logger.warning("commission not recorded", extra={"deal_id": deal.deal_id, "reason": problem.reason,
                                                          "detail": problem.detail})
        if (state.problem_reason, state.problem_detail) != (problem.reason, problem.detail):
            events.append(EventEnvelope.new(CommissionNotRecorded(
                deal_id=deal.deal_id, deal_name=deal.name, deal_version=deal.version,
                partnership_id=deal.partnership_id, reason=problem.reason, detail=problem.detail,
            ), tenant_id=vendor_id, actor=actor, occurred_at=now))
            state.problem_at = occurred_at
        state.problem_reason, state.problem_detail = problem.reason, problem.detail
        dal.mark_problem(state, state.problem_at)
    else:
        state.problem_reason = state.problem_detail = state.problem_at = None
        dal.mark_problem(state, None)

    _take_facts(state, deal, now)
    won_plan = earned.plan if deal.status == WON and earned.shares else None
    state.plan_json = won_plan.model_dump_json(by_alias=True) if won_plan else None
    state.plan_partnership_id = deal.partnership_id if won_plan else None
    state.totals = _totals(earned.shares)
    state.entry_ids = [*(state.entry_ids or []), *(entry.entry_id for entry in entries)]
    dal.save_state(state, entries, events)


def apply_deal(envelope: EventEnvelope, data: EventData) -> None:
    """The consumer's side: a deal event, applied if its version is newer than what the ledger holds."""
    assert isinstance(data, DealCreated | DealUpdated)
    deal, vendor_id = data.deal, envelope.tenant_id
    if deal.vendor_organisation_id != vendor_id:
        logger.warning("deal of another vendor than the event's tenant; ignored",
                       extra={"deal_id": deal.deal_id, "vendor": deal.vendor_organisation_id})
        return
    state = dal.get_state(vendor_id, deal.deal_id)
    if state is not None and int(state.deal_version) >= deal.version:
        return  # an older (or the same) version of the deal: what it says is already superseded
    state = state or dal.new_state(vendor_id, deal.deal_id)
    apply(state, deal, occurred_at=envelope.occurred_at, actor=SYSTEM)


HANDLERS: dict[type[EventData], EventHandler] = {DealCreated: apply_deal, DealUpdated: apply_deal}

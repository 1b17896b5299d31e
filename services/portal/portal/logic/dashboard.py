"""The partner dashboard: figures kept by the leads service's events, tier requirements, the distributor's
network and the portal search over a partnership's leads and deals.

Counting (the events consumer): each lead, deal, commission entry and certification keeps a state
item with the version it was counted at and what it contributed to each partnership's summary. An
event computes the thing's new contribution and applies the difference to the summaries in one
transaction with the state item (conditioned on the state's version and each summary's revision);
a duplicate or an older version changes nothing, a concurrent writer makes it re-read and retry.

What a thing contributes (to its partnership, and to the distributors it came through):
- a lead: ``leads`` 1, ``leads_submitted`` 1 unless the vendor sent it, ``leads_accepted`` or
  ``leads_declined``;
- a deal: open → ``deals_open`` 1 and ``pipeline:CUR``; won → ``deals_won`` 1, ``won_revenue:CUR``,
  ``won_from_leads`` 1 if it came from a lead; lost → ``deals_lost`` 1;
- a commission entry (to its beneficiary only): ``commission_earned:CUR`` (net of adjustments),
  ``commission_<status>:CUR``, and ``unpaid_on:<expected payout date>:CUR`` until it is paid;
- a certification of one of the partner's users: ``certifications`` 1.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from pynamodb.exceptions import TransactWriteError

from portal.dal import dashboard as dal
from portal.dal import partnerships as partnerships_dal
from portal.dal.tables import ProgramItem
from portal.logic.access import PARTNER_ROOMS, Room, Viewer, enter, vendor_reader, vendor_writer
from portal.models_dashboard import (
    CommissionFigures,
    DashboardActivity,
    NetworkPage,
    NextTier,
    PortalDashboard,
    PortalMoney,
    ResellerFigures,
    TierRequirement,
    TierRequirements,
    TierStatus,
)
from trellis.dynamo import concurrent_change_is_a_conflict
from trellis.errors import NotFound, ValidationFailed
from trellis.events import EventData, EventEnvelope, EventHandler
from trellis.events.leads import (
    DealCreated,
    DealSnapshot,
    DealUpdated,
    DealWon,
    LeadAccepted,
    LeadCreated,
    LeadDeclined,
    LeadSent,
    LeadSnapshot,
    RegistrationConflict,
    RegistrationResolved,
)
from trellis.events.ledger import (
    CommissionAdjusted,
    CommissionApproved,
    CommissionEarned,
    CommissionEntryData,
    PayoutCreated,
    PayoutPaid,
)
from trellis.events.partners import PartnershipStageChanged, PartnershipUpdated
from trellis.events.portal import CertificationEarned
from trellis.principal import Principal

Figures = dal.Figures
ATTEMPTS = 5
_ENTRY_RANK = {"pending": 1, "approved": 2, "paid": 3}


# ---------------------------------------------------------------- counting


def _money_figures(name: str, amount: Decimal | None, currency: str | None) -> Figures:
    return {f"{name}:{currency}": amount} if amount is not None and currency else {}


def _lead_contribution(lead: LeadSnapshot) -> dict[str, Figures]:
    figures: Figures = {"leads": Decimal(1)}
    if lead.origin != "vendor":
        figures["leads_submitted"] = Decimal(1)
    if lead.status in ("accepted", "declined"):
        figures[f"leads_{lead.status}"] = Decimal(1)
    pids = [pid for pid in (lead.partnership_id, lead.distributor_partnership_id) if pid]
    return {pid: dict(figures) for pid in pids}


def _deal_contribution(deal: DealSnapshot) -> dict[str, Figures]:
    figures: Figures
    if deal.status == "open":
        figures = {"deals_open": Decimal(1), **_money_figures("pipeline", deal.amount, deal.currency)}
    elif deal.status == "closed_won":
        figures = {"deals_won": Decimal(1), **_money_figures("won_revenue", deal.amount, deal.currency)}
        if deal.lead_id:
            figures["won_from_leads"] = Decimal(1)
    else:
        figures = {"deals_lost": Decimal(1)}
    pids = [pid for pid in (deal.partnership_id, *deal.distributor_partnership_ids) if pid]
    return {pid: dict(figures) for pid in dict.fromkeys(pids)}


def _entry_contribution(
    partnership_id: str, status: str, amount: Decimal, currency: str, expected_on: str | None,
) -> dict[str, Figures]:
    figures: Figures = {
        f"commission_earned:{currency}": amount, f"commission_{status}:{currency}": amount,
    }
    if status != "paid" and expected_on:
        figures[f"unpaid_on:{expected_on}:{currency}"] = amount
    return {partnership_id: figures}


def _difference(old: dict[str, Figures], new: dict[str, Figures]) -> dict[str, Figures]:
    changes: dict[str, Figures] = {}
    for pid in set(old) | set(new):
        before, after = old.get(pid, {}), new.get(pid, {})
        delta = {name: after.get(name, Decimal(0)) - before.get(name, Decimal(0))
                 for name in set(before) | set(after)}
        delta = {name: value for name, value in delta.items() if value != 0}
        if delta:
            changes[pid] = delta
    return changes


def _contribution_json(contribution: dict[str, Figures]) -> str:
    return json.dumps({pid: {name: str(value) for name, value in sorted(figures.items())}
                       for pid, figures in sorted(contribution.items())})


def _count(
    vendor_id: str, kind: str, subject: tuple[str, ...], version: int,
    contribution: Callable[[dal.CountedStateItem], dict[str, Figures]],
    *, partnership_id: str | None = None, title: str | None = None, excerpt: str | None = None,
    activity: Callable[[dal.CountedStateItem], list[tuple[str, str, str]]] | None = None,
    envelope: EventEnvelope,
) -> None:
    """Count one thing at ``version`` (ignored unless newer than the state's), retrying when a concurrent
    delivery wrote first. ``activity`` → (partnership id, kind, text) lines, in the same transaction."""
    for attempt in range(ATTEMPTS):
        state = dal.get_state(vendor_id, kind, *subject)
        if state is not None and state.version >= version:
            return
        previous_version = int(state.version) if state is not None else 0
        state = state or dal.new_state(vendor_id, kind, *subject)
        old = state.contributions()
        new = contribution(state)
        changes = _difference(old, new)
        summaries = dal.summaries(vendor_id, changes)
        for pid, delta in changes.items():
            figures = summaries[pid].values
            for name, value in delta.items():
                figures[name] = figures.get(name, Decimal(0)) + value
            summaries[pid].figures = dal.dump_figures(figures)
        lines = activity(state) if activity else []
        state.version, state.contribution = version, _contribution_json(new)
        if partnership_id is not None:
            state.partnership_id = partnership_id
        if title is not None:
            state.title, state.excerpt = title, excerpt
        activities = [
            dal.activity_item(vendor_id, pid, kind=line_kind, text=text, occurred_at=envelope.occurred_at,
                              event_id=envelope.id, subject_id=subject[0])
            for pid, line_kind, text in lines
        ]
        try:
            dal.save_counted(state, previous_version, list(summaries.values()), activities)
            return
        except TransactWriteError as error:
            reasons = {reason.code for reason in error.cancellation_reasons or [] if reason}
            if not reasons & {"ConditionalCheckFailed", "TransactionConflict"} or attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


_LEAD_TEXT: dict[type[EventData], str] = {
    LeadCreated: "Lead {name} created", LeadSent: "Lead {name} sent",
    LeadAccepted: "Lead {name} accepted", LeadDeclined: "Lead {name} declined",
    RegistrationConflict: "Lead {name}: registration conflict",
    RegistrationResolved: "Lead {name}: registration {status}",
}


def lead_changed(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, LeadCreated | LeadSent | LeadAccepted | LeadDeclined | RegistrationConflict
                      | RegistrationResolved)
    lead = data.lead
    if lead.vendor_organisation_id != envelope.tenant_id:
        return
    text = _LEAD_TEXT[type(data)].format(name=lead.company_name, status=lead.registration_status)
    pids = [pid for pid in (lead.partnership_id, lead.distributor_partnership_id) if pid]
    _count(
        envelope.tenant_id, "lead", (lead.lead_id,), lead.version, lambda _state: _lead_contribution(lead),
        partnership_id=lead.partnership_id, title=lead.company_name,
        excerpt=f"{lead.status} · {lead.customer_domain or lead.country or ''}".strip(" ·"),
        activity=lambda _state: [(pid, "lead", text) for pid in pids], envelope=envelope,
    )


def deal_changed(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, DealCreated | DealUpdated | DealWon)
    deal = data.deal
    if deal.vendor_organisation_id != envelope.tenant_id:
        return
    amount = f"{deal.amount} {deal.currency}" if deal.amount is not None and deal.currency else "no amount"
    status = {"open": "open", "closed_won": "won", "closed_lost": "lost"}[deal.status]
    pids = [pid for pid in (deal.partnership_id, *deal.distributor_partnership_ids) if pid]

    def activity(state: dal.CountedStateItem) -> list[tuple[str, str, str]]:
        if state.version and state.excerpt and state.excerpt.startswith(f"{status} ·"):
            return []  # no status change: not worth a line
        return [(pid, "deal", f"Deal {deal.name} {status} ({amount})") for pid in dict.fromkeys(pids)]

    _count(
        envelope.tenant_id, "deal", (deal.deal_id,), deal.version, lambda _state: _deal_contribution(deal),
        partnership_id=deal.partnership_id, title=deal.name, excerpt=f"{status} · {amount}",
        activity=activity, envelope=envelope,
    )


def _entry(envelope: EventEnvelope, entry: CommissionEntryData, text: str | None) -> None:
    pid = entry.beneficiary.partnership_id
    _count(
        envelope.tenant_id, "entry", (entry.entry_id,), _ENTRY_RANK[entry.status],
        lambda _state: _entry_contribution(pid, entry.status, entry.amount, entry.currency,
                                           entry.expected_payout_on.isoformat()),
        activity=(lambda _state: [(pid, "commission", text)]) if text else None, envelope=envelope,
    )


def _fixed(contribution: dict[str, Figures]) -> Callable[[dal.CountedStateItem], dict[str, Figures]]:
    return lambda _state: contribution


def commission_earned(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, CommissionEarned | CommissionAdjusted | CommissionApproved)
    entry = data.entry
    text = {
        "CommissionEarned": f"Commission of {entry.amount} {entry.currency} earned on {entry.deal_name}",
        "CommissionAdjusted": f"Commission on {entry.deal_name} adjusted by {entry.amount} {entry.currency}",
    }.get(envelope.type)
    _entry(envelope, entry, text)


def payout_changed(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PayoutCreated | PayoutPaid)
    payout = data.payout
    if isinstance(data, PayoutPaid):
        for line in payout.lines:
            # Paid is final: an entry counted before keeps its expected date out of the unpaid figures;
            # one never seen (its earlier events still on their way) is counted as paid at once.
            paid = _entry_contribution(payout.partnership_id, "paid", line.amount, payout.currency, None)
            _count(envelope.tenant_id, "entry", (line.entry_id,), _ENTRY_RANK["paid"],
                   _fixed(paid), envelope=envelope)
    verb = "paid" if isinstance(data, PayoutPaid) else "created"
    dal.save_activity(dal.activity_item(
        envelope.tenant_id, payout.partnership_id, kind="payout",
        text=f"Payout of {payout.amount} {payout.currency} {verb}", occurred_at=envelope.occurred_at,
        event_id=envelope.id, subject_id=payout.payout_id,
    ))


def certification_earned(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, CertificationEarned)
    pid = data.partnership_id
    _count(
        envelope.tenant_id, "cert", (data.certification_id, data.user_id), 1,
        lambda _state: {pid: {"certifications": Decimal(1)}},
        activity=lambda _state: [(pid, "certification",
                                  f"{data.user_name} earned {data.certification_name}")],
        envelope=envelope,
    )


def stage_changed(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipStageChanged)
    dal.save_activity(dal.activity_item(
        envelope.tenant_id, data.partnership_id, kind="stage",
        text=f"Stage changed from {data.from_stage} to {data.to_stage}", occurred_at=envelope.occurred_at,
        event_id=envelope.id,
    ))


def profile_changed(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipUpdated)
    for change in data.changes:
        if change.field == "tier":
            dal.save_activity(dal.activity_item(
                envelope.tenant_id, data.partnership_id, kind="tier",
                text=f"Tier changed from {change.before or 'none'} to {change.after or 'none'}",
                occurred_at=envelope.occurred_at, event_id=envelope.id,
            ))


HANDLERS: dict[type[EventData], EventHandler] = {
    **{name: lead_changed for name in _LEAD_TEXT},
    DealCreated: deal_changed, DealUpdated: deal_changed, DealWon: deal_changed,
    CommissionEarned: commission_earned, CommissionAdjusted: commission_earned,
    CommissionApproved: commission_earned,
    PayoutCreated: payout_changed, PayoutPaid: payout_changed,
    CertificationEarned: certification_earned,
    PartnershipStageChanged: stage_changed, PartnershipUpdated: profile_changed,
}


# ---------------------------------------------------------------- reading figures


def _money(figures: Figures, name: str) -> list[PortalMoney]:
    prefix = f"{name}:"
    return [PortalMoney(amount=value, currency=key.removeprefix(prefix))
            for key, value in sorted(figures.items()) if key.startswith(prefix) and key.count(":") == 1]


def _count_of(figures: Figures, name: str) -> int:
    return int(figures.get(name, Decimal(0)))


def _commissions(figures: Figures) -> CommissionFigures:
    unpaid: dict[str, list[PortalMoney]] = {}
    for key, value in sorted(figures.items()):
        if key.startswith("unpaid_on:") and value != 0:
            _, on, currency = key.split(":")
            unpaid.setdefault(on, []).append(PortalMoney(amount=value, currency=currency))
    next_on = min(unpaid) if unpaid else None  # ISO dates sort as text
    return CommissionFigures(
        earned=_money(figures, "commission_earned"), pending=_money(figures, "commission_pending"),
        approved=_money(figures, "commission_approved"), paid=_money(figures, "commission_paid"),
        next_payout_on=date.fromisoformat(next_on) if next_on else None,
        next_payout=unpaid.get(next_on, []) if next_on else [],
    )


def _rate(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def reseller_figures(partnership_id: str, company_name: str | None, figures: Figures) -> ResellerFigures:
    return ResellerFigures(
        partnership_id=partnership_id, company_name=company_name,
        leads=_count_of(figures, "leads"), leads_submitted=_count_of(figures, "leads_submitted"),
        deals_open=_count_of(figures, "deals_open"), pipeline=_money(figures, "pipeline"),
        deals_won=_count_of(figures, "deals_won"), won_revenue=_money(figures, "won_revenue"),
    )


def _next_tier(
    current: str | None, program: ProgramItem | None, requirements: dict[str, dict[str, Any]],
    figures: Figures,
) -> NextTier | None:
    order = list(program.tier_ids) if program else []
    if not order:
        return None
    if current in order:
        index = order.index(current)
        if index == 0:
            return None  # the highest tier already
        target = order[index - 1]
    else:
        target = order[-1]
    names = dict(zip(program.tier_ids, program.tier_names, strict=False)) if program else {}
    requirement = TierRequirement.model_validate(requirements[target]) if target in requirements else None
    statuses: list[TierStatus] = []
    if requirement is not None:
        checks: list[tuple[str, Decimal | None, Decimal, str | None]] = [
            ("won_revenue", requirement.min_won_revenue,
             figures.get(f"won_revenue:{requirement.currency}", Decimal(0)), requirement.currency),
            ("leads_submitted", _dec(requirement.min_leads_submitted),
             figures.get("leads_submitted", Decimal(0)), None),
            ("deals_won", _dec(requirement.min_deals_won), figures.get("deals_won", Decimal(0)), None),
            ("certifications", _dec(requirement.min_certifications),
             figures.get("certifications", Decimal(0)), None),
        ]
        for name, needed, have, currency in checks:
            if needed is None:
                continue
            statuses.append(TierStatus(
                requirement=name, required=needed, current=have, missing=max(needed - have, Decimal(0)),
                currency=currency, met=have >= needed,
            ))
    return NextTier(
        tier=target, name=names.get(target), requirements_defined=requirement is not None,
        needs=statuses, ready=requirement is not None and all(status.met for status in statuses),
    )


def _dec(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def dashboard(principal: Principal, partnership_id: str) -> PortalDashboard:
    """Three reads: the view (enter), summary + program + tier requirements (one BatchGetItem), the
    activity (one Query)."""
    viewer = enter(principal, partnership_id, Room.DASHBOARD)
    summary, program, requirements = dal.dashboard_items(viewer.vendor_id, partnership_id)
    figures = summary.values if summary is not None else {}
    leads = _count_of(figures, "leads")
    activity = dal.recent_activity(viewer.vendor_id, partnership_id)
    return PortalDashboard(
        partnership_id=partnership_id, tier=viewer.view.tier, stage=viewer.view.stage,
        leads=leads, leads_submitted=_count_of(figures, "leads_submitted"),
        leads_accepted=_count_of(figures, "leads_accepted"),
        leads_declined=_count_of(figures, "leads_declined"),
        deals_open=_count_of(figures, "deals_open"), deals_won=_count_of(figures, "deals_won"),
        deals_lost=_count_of(figures, "deals_lost"),
        conversion_rate=_rate(_count_of(figures, "won_from_leads"), leads),
        pipeline=_money(figures, "pipeline"), won_revenue=_money(figures, "won_revenue"),
        commissions=_commissions(figures), certifications=_count_of(figures, "certifications"),
        next_tier=_next_tier(viewer.view.tier, program, dal.requirements_of(requirements), figures),
        recent_activity=[DashboardActivity(kind=item.kind, text=item.text, occurred_at=item.occurred_at)
                         for item in activity],
    )


# ---------------------------------------------------------------- tier requirements


def _program_tiers(vendor_id: str) -> list[str]:
    program = partnerships_dal.get_program(vendor_id)
    return list(program.tier_ids) if program else []


def put_tier_requirement(principal: Principal, tier_id: str, body: TierRequirement) -> TierRequirements:
    vendor_id = vendor_writer(principal)
    if tier_id not in _program_tiers(vendor_id):
        raise NotFound("no such tier in your program", field="tier_id")
    if body.min_won_revenue is not None and body.currency is None:
        raise ValidationFailed("a currency is needed with min_won_revenue", field="currency")
    item = dal.get_tier_requirements(vendor_id) or dal.new_tier_requirements(vendor_id)
    requirements = dal.requirements_of(item)
    requirements[tier_id] = body.model_dump(mode="json")
    item.requirements = json.dumps(requirements, sort_keys=True)
    with concurrent_change_is_a_conflict("the tier requirements"):
        dal.save_tier_requirements(item)
    return TierRequirements(tier_id=tier_id, requirement=body)


def get_tier_requirement(principal: Principal, tier_id: str) -> TierRequirements:
    vendor_id = vendor_reader(principal)
    if tier_id not in _program_tiers(vendor_id):
        raise NotFound("no such tier in your program", field="tier_id")
    requirements = dal.requirements_of(dal.get_tier_requirements(vendor_id))
    if tier_id not in requirements:
        return TierRequirements(tier_id=tier_id, requirement=None)
    requirement = TierRequirement.model_validate(requirements[tier_id])
    return TierRequirements(tier_id=tier_id, requirement=requirement)


# ---------------------------------------------------------------- distributor network


def network(principal: Principal, partnership_id: str) -> NetworkPage:
    """The distributor's current resellers with their figures (one Query, two BatchGetItems)."""
    viewer = enter(principal, partnership_id, Room.NETWORK)
    resellers = [link.reseller_id for link in partnerships_dal.resellers_of(viewer.vendor_id, partnership_id)
                 if link.removed_at is None]
    return NetworkPage(items=_reseller_figures(viewer, resellers))


def network_reseller(principal: Principal, partnership_id: str, reseller_id: str) -> ResellerFigures:
    viewer = enter(principal, partnership_id, Room.NETWORK)
    link = partnerships_dal.get_link(viewer.vendor_id, partnership_id, reseller_id)
    if link is None or link.removed_at is not None:
        raise NotFound("no such reseller in this network", field="reseller_id")
    figures = _reseller_figures(viewer, [reseller_id])
    if not figures:
        raise NotFound("no such reseller in this network", field="reseller_id")
    return figures[0]


def _reseller_figures(viewer: Viewer, reseller_ids: list[str]) -> list[ResellerFigures]:
    if not reseller_ids:
        return []
    views = dal.views(reseller_ids)
    summaries = dal.summaries_of(viewer.vendor_id, reseller_ids)
    answer = []
    for reseller_id in reseller_ids:
        view = views.get(reseller_id)
        if view is None or view.deleted or view.vendor_organisation_id != viewer.vendor_id:
            continue
        summary = summaries.get(reseller_id)
        answer.append(reseller_figures(reseller_id, view.company_name, summary.values if summary else {}))
    return sorted(answer, key=lambda one: ((one.company_name or "").casefold(), one.partnership_id))


# ---------------------------------------------------------------- search (the portal's search route)

SEARCH_READ_LIMIT = 200
SEARCH_HITS = 20


def search_hits(viewer: Viewer, terms: list[str]) -> list[dict[str, str]]:
    """Leads and deals of the viewer's partnership whose company / deal name contains every term
    (case-folded): at most ``SEARCH_READ_LIMIT`` items read of each kind."""
    wanted = [term.casefold() for term in terms if term.strip()]
    if not wanted:
        return []
    hits: list[dict[str, str]] = []
    for kind in ("lead", "deal"):
        room = Room.LEADS if kind == "lead" else Room.DEALS
        if not viewer.as_vendor and not viewer.principal.has_any(PARTNER_ROOMS[room]):
            continue  # a partner role that does not open the leads (deals) room finds none
        for state in dal.searchable(viewer.vendor_id, kind, viewer.partnership_id, SEARCH_READ_LIMIT):
            title = state.title or ""
            if all(term in title.casefold() for term in wanted):
                hits.append({"kind": kind, "id": state.subject_id, "title": title,
                             "excerpt": state.excerpt or ""})
                if len(hits) >= SEARCH_HITS:
                    return hits
    return hits





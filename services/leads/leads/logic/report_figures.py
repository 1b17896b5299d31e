"""What each lead and deal adds to the report cells, and the reports consumer that keeps them current.

Every lead and deal event carries the whole snapshot with its version. The consumer keeps, per lead and
per deal, the last version it applied and what that snapshot contributes (which cells, which figures);
a newer snapshot's contribution minus the stored one is what the cells receive (ADD), in the same
transaction as the new state. An older or equal version changes nothing. So any delivery order ends in
the figures of the newest snapshot, a redelivery is a no-op, and a change back (a won deal reopened,
a declined lead sent to another partner) moves the figures back: nothing is counted twice or lost.

Contributions (see leads/models.py, "reports", for what the figures mean):
- a lead with a partner: in the month it was created, ``leads`` 1, ``partner_sourced`` 1 when a partner
  or distributor submitted it, and 1 in its status now: ``pending`` (sent), ``accepted``, ``declined``;
- a deal with a partner: open → ``deals_open`` 1 and its amount in ``open_amount`` (now); won →
  ``deals_won`` 1 and its amount in ``won_amount``, in the month it was won; lost → ``deals_lost`` 1 (now).
Each goes to scope ``ALL`` and to the scope of every distributor of its attribution chain.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from leads.dal import reports as dal
from leads.dal.reports import ALL, NOW, CellKey
from trellis.events import EventData, EventEnvelope, EventHandler
from trellis.events.leads import (
    AttributionLink,
    DealCreated,
    DealSnapshot,
    DealUpdated,
    DealWon,
    LeadAccepted,
    LeadCreated,
    LeadDeclined,
    LeadSent,
    LeadSnapshot,
)
from trellis.events.ledger import CommissionAdjusted, CommissionEarned

LEAD, DEAL = "lead", "deal"
_LEAD_STATUS_FIGURE = {"sent": "pending", "accepted": "accepted", "declined": "declined"}
Deltas = dict[CellKey, dict[str, Decimal]]


class Part(BaseModel):
    """What a lead or deal adds to one cell (in every scope of its chain)."""

    model_config = ConfigDict(frozen=True)

    period: str
    distributor_id: str | None = None
    partnership_id: str
    currency: str | None = None
    figures: dict[str, Decimal]


class Contribution(BaseModel):
    """What a lead or deal adds to the report cells now (stored as JSON in its state)."""

    chain: list[str] = Field(default_factory=list)  # distributor partnership ids: scopes besides ALL
    parts: list[Part] = Field(default_factory=list)

    def cells(self) -> Deltas:
        found: Deltas = defaultdict(dict)
        for scope in dict.fromkeys([ALL, *self.chain]):
            for part in self.parts:
                cell = CellKey(scope, part.period, part.distributor_id, part.partnership_id, part.currency)
                for name, amount in part.figures.items():
                    found[cell][name] = found[cell].get(name, Decimal(0)) + amount
        return found


def deltas(before: Contribution, after: Contribution) -> Deltas:
    """What the cells receive when ``before`` becomes ``after`` (zero changes left out)."""
    old, new = before.cells(), after.cells()
    changes: Deltas = {}
    for cell in old.keys() | new.keys():
        figures = {name: new.get(cell, {}).get(name, Decimal(0)) - old.get(cell, {}).get(name, Decimal(0))
                   for name in old.get(cell, {}).keys() | new.get(cell, {}).keys()}
        figures = {name: amount for name, amount in figures.items() if amount}
        if figures:
            changes[cell] = figures
    return changes


def month_of(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC)
    return f"{moment.year:04d}-{moment.month:02d}"


def _chain(attribution: list[AttributionLink], *direct: str | None) -> list[str]:
    ids = [link.partnership_id for link in attribution if link.role == "distributor" and link.partnership_id]
    return list(dict.fromkeys([*ids, *(pid for pid in direct if pid)]))


def lead_contribution(lead: LeadSnapshot) -> Contribution:
    figure = _LEAD_STATUS_FIGURE.get(lead.status)
    if lead.partnership_id is None or figure is None:
        return Contribution()  # a vendor's lead not sent yet: no partner to count it for
    figures = {"leads": Decimal(1), figure: Decimal(1)}
    if lead.origin != "vendor":
        figures["partner_sourced"] = Decimal(1)
    return Contribution(
        chain=_chain(lead.attribution, lead.distributor_partnership_id),
        parts=[Part(period=month_of(lead.created_at), distributor_id=lead.distributor_partnership_id,
                    partnership_id=lead.partnership_id, figures=figures)],
    )


def deal_contribution(deal: DealSnapshot) -> Contribution:
    if deal.partnership_id is None:
        return Contribution()  # an internal deal: no partner
    # The attribution lists distributors from the top down: the last one is the direct distributor.
    distributor = deal.distributor_partnership_ids[-1] if deal.distributor_partnership_ids else None
    partnership_id = deal.partnership_id

    def counted(period: str, name: str) -> list[Part]:
        parts = [Part(period=period, distributor_id=distributor, partnership_id=partnership_id,
                      figures={name: Decimal(1)})]
        if deal.amount is not None and deal.currency is not None and name != "deals_lost":
            amount = "open_amount" if name == "deals_open" else "won_amount"
            parts.append(Part(period=period, distributor_id=distributor, partnership_id=partnership_id,
                              currency=deal.currency, figures={amount: deal.amount}))
        return parts

    if deal.status == "open":
        parts = counted(NOW, "deals_open")
    elif deal.status == "closed_lost":
        parts = counted(NOW, "deals_lost")
    else:
        won_on = deal.won_at or deal.close_date
        if won_on is None:  # pragma: no cover - the leads service always stamps won_at
            return Contribution()
        parts = counted(month_of(won_on), "deals_won")
    return Contribution(chain=_chain(deal.attribution, *deal.distributor_partnership_ids), parts=parts)


def _apply(envelope: EventEnvelope, subject: str, subject_id: str, version: int, after: Contribution) -> None:
    vendor = envelope.tenant_id
    state = dal.get_state(vendor, subject, subject_id)
    if state is not None and int(state.applied_version) >= version:
        return  # this snapshot or a newer one is applied already
    before = Contribution.model_validate_json(state.contribution) if state is not None else Contribution()
    dal.save(
        vendor, subject, subject_id,
        previous_version=int(state.applied_version) if state is not None else None, applied_version=version,
        contribution=after.model_dump_json(), deltas=deltas(before, after), now=datetime.now(UTC),
    )


def apply_lead_event(envelope: EventEnvelope, data: EventData) -> None:
    lead: LeadSnapshot = data.lead  # type: ignore[attr-defined]
    _apply(envelope, LEAD, lead.lead_id, lead.version, lead_contribution(lead))


def apply_deal_event(envelope: EventEnvelope, data: EventData) -> None:
    deal: DealSnapshot = data.deal  # type: ignore[attr-defined]
    _apply(envelope, DEAL, deal.deal_id, deal.version, deal_contribution(deal))


def apply_commission_event(envelope: EventEnvelope, data: EventData) -> None:
    """A ledger entry (earned, adjusted, clawed back) into its beneficiary's month: once per entry."""
    entry = data.entry  # type: ignore[attr-defined]
    dal.add_commission(
        envelope.tenant_id, entry.entry_id, month=month_of(entry.effective_at),
        partnership_id=entry.beneficiary.partnership_id, role=entry.beneficiary.role, currency=entry.currency,
        amount=entry.amount, now=datetime.now(UTC),
    )


HANDLERS: dict[type[EventData], EventHandler] = {
    **dict.fromkeys((LeadCreated, LeadSent, LeadAccepted, LeadDeclined), apply_lead_event),
    **dict.fromkeys((DealCreated, DealUpdated, DealWon), apply_deal_event),
    **dict.fromkeys((CommissionEarned, CommissionAdjusted), apply_commission_event),
}

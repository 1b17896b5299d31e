"""The distribution network and partner performance reports, read from the report cells.

A report reads, per scope it covers, one Query of the period's month cells and one of the ``now``
cells (dal/reports.py), then the partnerships it names in one BatchGetItem per 100: what it reads
grows with partners x months, never with the number of leads or deals.

Who sees what:
- a vendor's users (any vendor role): their whole program, or one distributor's network
  (``distributor_id``, its scope) or one partner (``reseller_id`` / ``partnership_id``);
- a distributor's admins, sales people and executives (the portal's network room; its marketers and
  project managers read no lead or deal figures): the distribution network of their own distributor
  partnerships only, without the vendor's private fields (no tiers, no tier filter);
- anyone else (a reseller, a partner that distributes for no one): 403. A partnership named in a filter
  that the caller cannot reach is a 404 on that field, as if it did not exist.
Partner performance is the vendor's report: a partner's users get 403 (their own figures belong in the
partner portal's dashboard, not in a report of the vendor's program).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from leads.dal import partnerships as projection
from leads.dal import reports as dal
from leads.dal.reports import ALL, COUNTS, NOW
from leads.dal.tables import CounterpartItem, PartnershipViewItem, ReportCellItem
from leads.logic import access
from leads.logic.report_figures import month_of
from leads.models import (
    MAX_REPORT_MONTHS,
    BeneficiaryCommissions,
    CommissionDistribution,
    DistributionNetworkReport,
    MoneyTotal,
    MonthFigures,
    NetworkDistributor,
    NetworkQuery,
    PartnerPerformance,
    PartnerPerformanceReport,
    PerformanceQuery,
    ReportFigures,
    ReportPartner,
    ReportPeriod,
    ReportQuery,
    TierPerformance,
)
from trellis.currencies import MINOR_UNITS
from trellis.errors import Forbidden, NotFound, ValidationFailed
from trellis.money import in_minor_units
from trellis.principal import VENDOR_ROLES, Principal

DEFAULT_MONTHS = 12
_STATUS_FIGURE = {"pending": "pending", "accepted": "accepted", "declined": "declined", "open": "deals_open",
                  "won": "deals_won", "lost": "deals_lost"}


# ---------------------------------------------------------------- the period


def _index(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_of(query: ReportQuery, now: datetime | None = None) -> list[str]:
    """The months of the report: ``to`` defaults to this month (or to ``from`` + 23, if earlier), ``from``
    to 11 months before ``to``; at most 24 months, ``from`` not after ``to`` (422 naming the field)."""
    current = _index(month_of(now or datetime.now(UTC)))
    first = _index(query.from_month) if query.from_month else None
    last = _index(query.to_month) if query.to_month else None
    if last is None:
        last = current if first is None else max(first, min(current, first + MAX_REPORT_MONTHS - 1))
    if first is None:
        first = last - (DEFAULT_MONTHS - 1)
    if first > last:
        raise ValidationFailed("the first month is after the last", field="from")
    if last - first + 1 > MAX_REPORT_MONTHS:
        raise ValidationFailed(f"a report covers at most {MAX_REPORT_MONTHS} months", field="to")
    return [_month(index) for index in range(first, last + 1)]


# ---------------------------------------------------------------- figures


@dataclass
class _Tally:
    counts: Counter[str] = field(default_factory=Counter)
    won: defaultdict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    pipeline: defaultdict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def add_cell(self, cell: ReportCellItem) -> None:
        if cell.currency is None:
            for name in COUNTS:
                self.counts[name] += int(getattr(cell, name) or 0)
            return
        self.won[cell.currency] += cell.won_amount or Decimal(0)
        self.pipeline[cell.currency] += cell.open_amount or Decimal(0)

    def add(self, other: _Tally) -> _Tally:
        self.counts.update(other.counts)
        for currency, amount in other.won.items():
            self.won[currency] += amount
        for currency, amount in other.pipeline.items():
            self.pipeline[currency] += amount
        return self

    @property
    def empty(self) -> bool:
        return (not any(self.counts.values()) and not any(self.won.values())
                and not any(self.pipeline.values()))

    def flows(self) -> dict[str, object]:
        leads, accepted, won = self.counts["leads"], self.counts["accepted"], self.counts["deals_won"]
        return {
            "leads": leads, "partner_sourced_leads": self.counts["partner_sourced"],
            "leads_pending": self.counts["pending"], "leads_accepted": accepted,
            "leads_declined": self.counts["declined"], "acceptance_rate": _rate(accepted, leads),
            "deals_won": won, "won_revenue": _money(self.won), "win_rate": _rate(won, accepted),
        }

    def figures(self) -> dict[str, object]:
        return {**self.flows(), "deals_open": self.counts["deals_open"], "pipeline": _money(self.pipeline),
                "deals_lost": self.counts["deals_lost"]}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def _money(sums: dict[str, Decimal]) -> list[MoneyTotal]:
    totals = []
    for currency in sorted(sums):
        amount = sums[currency]
        if not amount:
            continue
        places = MINOR_UNITS.get(currency)
        totals.append(MoneyTotal(currency=currency,
                                 amount=in_minor_units(amount, places) if places is not None else amount))
    return totals


def _sum(tallies: Iterable[_Tally]) -> _Tally:
    total = _Tally()
    for tally in tallies:
        total.add(tally)
    return total


@dataclass
class _Row:
    """One partner under one distributor (or none) in one program: its flows per month and its state now."""

    vendor_id: str
    distributor_id: str | None
    partnership_id: str
    months: defaultdict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    now: _Tally = field(default_factory=_Tally)

    def total(self) -> _Tally:
        return _sum([*self.months.values(), self.now])


@dataclass(frozen=True)
class _Scope:
    vendor_id: str
    scope: str  # ALL or a distributor partnership id


def _rows(scopes: list[_Scope], months: list[str]) -> list[_Row]:
    rows: dict[tuple[str, str | None, str], _Row] = {}
    seen: set[tuple[str, str, str | None, str, str | None]] = set()
    for scope in scopes:
        for cell in dal.cells(scope.vendor_id, scope.scope, months[0], months[-1]):
            # A distributor in two levels of one chain reads the same cells twice: count them once.
            identity = (scope.vendor_id, cell.period, cell.distributor_id, cell.partnership_id, cell.currency)
            if identity in seen:
                continue
            seen.add(identity)
            place = (scope.vendor_id, cell.distributor_id, cell.partnership_id)
            row = rows.get(place) or rows.setdefault(place, _Row(*place))
            (row.now if cell.period == NOW else row.months[cell.period]).add_cell(cell)
    return list(rows.values())


def _views(rows: list[_Row], *extra: tuple[str, str]) -> dict[tuple[str, str], PartnershipViewItem]:
    wanted: defaultdict[str, set[str]] = defaultdict(set)
    for row in rows:
        wanted[row.vendor_id].add(row.partnership_id)
        if row.distributor_id:
            wanted[row.vendor_id].add(row.distributor_id)
    for vendor_id, partnership_id in extra:
        wanted[vendor_id].add(partnership_id)
    return {(vendor_id, pid): view for vendor_id, ids in sorted(wanted.items())
            for pid, view in projection.views(vendor_id, sorted(ids)).items()}


def _selected(rows: list[_Row], query: ReportQuery, views: dict[tuple[str, str], PartnershipViewItem],
              partnership_id: str | None) -> list[_Row]:
    kept = []
    for row in rows:
        total = row.total()
        if total.empty or (partnership_id is not None and row.partnership_id != partnership_id):
            continue
        if query.tier is not None:
            view = views.get((row.vendor_id, row.partnership_id))
            if view is None or view.tier != query.tier:
                continue
        if query.status is not None and total.counts[_STATUS_FIGURE[query.status]] <= 0:
            continue
        kept.append(row)
    return kept


def _month_figures(rows: list[_Row], months: list[str]) -> list[MonthFigures]:
    sums = {month: _sum(row.months[month] for row in rows if month in row.months) for month in months}
    return [MonthFigures(month=month, **sums[month].flows()) for month in months]  # type: ignore[arg-type]


def _partner(row_total: _Tally, vendor_id: str, partnership_id: str,
             views: dict[tuple[str, str], PartnershipViewItem], *, with_tier: bool) -> dict[str, object]:
    view = views.get((vendor_id, partnership_id))
    return {**row_total.figures(), "partnership_id": partnership_id,
            "company_name": view.company_name if view else None,
            "partnership_type": view.partnership_type if view else None,
            "tier": view.tier if view and with_tier else None}


def _order(figures: ReportFigures, name: str | None) -> tuple[int, int, str]:
    return -figures.deals_won, -figures.leads, (name or "").lower()


# ---------------------------------------------------------------- who reads what


def _vendor_partnership(vendor_id: str, partnership_id: str, field_name: str, *,
                        distributor: bool = False) -> PartnershipViewItem:
    view = projection.get_view(vendor_id, partnership_id)
    if (view is None or view.deleted or view.created_at is None
            or (distributor and view.partnership_type != "distributor")):
        raise NotFound("no such distributor" if distributor else "no such partnership", field=field_name)
    return view


def _network_scopes(principal: Principal, query: NetworkQuery) -> tuple[list[_Scope], bool]:
    """The scopes the caller reads, and whether it reads as the vendor."""
    org = principal.organisation_id
    if principal.has_any(VENDOR_ROLES):
        if query.reseller_id is not None:
            _vendor_partnership(org, query.reseller_id, "reseller_id")
        if query.distributor_id is None:
            return [_Scope(org, ALL)], True
        _vendor_partnership(org, query.distributor_id, "distributor_id", distributor=True)
        return [_Scope(org, query.distributor_id)], True
    principal.require_any(access.PARTNER_READERS)
    mine = [item for item in projection.counterparts(org) if item.partnership_type == "distributor"]
    if not mine:
        raise Forbidden("only a vendor, or a distributor for its own network, sees the distribution network")
    if query.tier is not None:
        raise Forbidden("only the vendor segments its network by tier", field="tier")
    if query.distributor_id is not None:
        mine = [item for item in mine if item.partnership_id == query.distributor_id]
        if not mine:
            raise NotFound("no such distributor", field="distributor_id")
    if query.reseller_id is not None and not _in_network(mine, query.reseller_id):
        raise NotFound("no such reseller in your network", field="reseller_id")
    return [_Scope(item.vendor_organisation_id, item.partnership_id) for item in mine], False


def _in_network(distributors: Iterable[CounterpartItem], reseller_id: str) -> bool:
    """Whether the reseller is (or was) assigned under one of these distributor partnerships, at any level."""
    by_vendor: defaultdict[str, set[str]] = defaultdict(set)
    for item in distributors:
        by_vendor[item.vendor_organisation_id].add(item.partnership_id)
    for vendor_id, mine in by_vendor.items():
        for link in projection.distributors_of(vendor_id, reseller_id):
            if link.distributor_id in mine or mine & set(link.chain or []):
                return True
    return False


# ---------------------------------------------------------------- the reports


def distribution_network(principal: Principal, query: NetworkQuery) -> DistributionNetworkReport:
    months = period_of(query)
    scopes, as_vendor = _network_scopes(principal, query)
    rows = _rows(scopes, months)
    views = _views(rows, *((scope.vendor_id, scope.scope) for scope in scopes if scope.scope != ALL))
    rows = _selected(rows, query, views, query.reseller_id)
    groups: defaultdict[tuple[str, str | None], list[_Row]] = defaultdict(list)
    for row in rows:
        groups[(row.vendor_id, row.distributor_id)].append(row)
    distributors = []
    for (vendor_id, distributor_id), members in groups.items():
        resellers = [ReportPartner(**_partner(row.total(), vendor_id, row.partnership_id, views,  # type: ignore[arg-type]
                                              with_tier=as_vendor)) for row in members]
        resellers.sort(key=lambda partner: _order(partner, partner.company_name))
        view = views.get((vendor_id, distributor_id)) if distributor_id else None
        distributors.append(NetworkDistributor(
            **_sum(row.total() for row in members).figures(),  # type: ignore[arg-type]
            distributor_id=distributor_id, vendor_organisation_id=vendor_id,
            company_name=view.company_name if view else None, resellers=resellers,
        ))
    distributors.sort(key=lambda group: (group.distributor_id is None, *_order(group, group.company_name)))
    return DistributionNetworkReport(
        period=ReportPeriod(first_month=months[0], last_month=months[-1]),
        totals=ReportFigures(**_sum(row.total() for row in rows).figures()),  # type: ignore[arg-type]
        distributors=distributors, months=_month_figures(rows, months),
        commissions=_commissions(scopes, rows, months, query, as_vendor),
    )


def _commissions(scopes: list[_Scope], rows: list[_Row], months: list[str], query: NetworkQuery,
                 as_vendor: bool) -> CommissionDistribution:
    """Commissions earned in the period per beneficiary (net of adjustments and clawbacks), from the
    ledger's entries as the reports consumer counted them. A distributor sees only its own share; the
    vendor all of the network the report covers."""
    if as_vendor:
        narrowed = query.distributor_id is not None or query.reseller_id is not None
        wanted: set[str] | None = ({row.partnership_id for row in rows} | {
            query.distributor_id or "", *(row.distributor_id or "" for row in rows)}) if narrowed else None
    else:
        wanted = {scope.scope for scope in scopes}
    earned: defaultdict[tuple[str, str], defaultdict[str, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal))
    for vendor_id in sorted({scope.vendor_id for scope in scopes}):
        for cell in dal.commission_cells(vendor_id, months[0], months[-1]):
            if wanted is None or cell.partnership_id in wanted:
                earned[(cell.partnership_id, cell.role)][cell.currency] += Decimal(cell.amount)
    return CommissionDistribution(beneficiaries=[
        BeneficiaryCommissions(partnership_id=pid, role=role, earned=_money(dict(sums)))  # type: ignore[arg-type]
        for (pid, role), sums in sorted(earned.items())
    ])


def partner_performance(principal: Principal, query: PerformanceQuery) -> PartnerPerformanceReport:
    principal.require_any(VENDOR_ROLES)
    org = principal.organisation_id
    months = period_of(query)
    if query.partnership_id is not None:
        _vendor_partnership(org, query.partnership_id, "partnership_id")
    scope = ALL
    if query.distributor_id is not None:
        _vendor_partnership(org, query.distributor_id, "distributor_id", distributor=True)
        scope = query.distributor_id
    rows = _rows([_Scope(org, scope)], months)
    views = _views(rows)
    rows = _selected(rows, query, views, query.partnership_id)
    per_partner: defaultdict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        per_partner[row.partnership_id].append(row)
    partners: list[PartnerPerformance] = []
    tiers: defaultdict[str | None, list[_Tally]] = defaultdict(list)
    for partnership_id, members in per_partner.items():
        total = _sum(row.total() for row in members)
        partner = PartnerPerformance(
            **_partner(total, org, partnership_id, views, with_tier=True),  # type: ignore[arg-type]
            distributor_ids=sorted({row.distributor_id for row in members if row.distributor_id}),
        )
        partners.append(partner)
        tiers[partner.tier].append(total)
    partners.sort(key=lambda partner: _order(partner, partner.company_name))
    by_tier = [TierPerformance(tier=tier, partners=len(totals), **_sum(totals).figures())  # type: ignore[arg-type]
               for tier, totals in tiers.items()]
    by_tier.sort(key=lambda row: (row.tier is None, row.tier or ""))
    return PartnerPerformanceReport(
        period=ReportPeriod(first_month=months[0], last_month=months[-1]),
        totals=ReportFigures(**_sum(row.total() for row in rows).figures()),  # type: ignore[arg-type]
        partners=partners, tiers=by_tier, months=_month_figures(rows, months),
    )

"""Leads service reports at 1,000 and 100,000 leads: DynamoDB calls and items read per report (issue #4,
item 13). Runs alone with ``python -m bench.reports`` (rewrites only its own section of RESULTS.md).

The program is the same at both sizes: 4 distributors with 4 resellers each and 4 direct partners
(20 partners, each dealing in one currency), leads spread round-robin over the partners and the 12
months of a year, a quarter of them won, a quarter open, the rest declined, lost or waiting. Only the
number of leads changes.

How the table is filled: every lead and deal snapshot goes through the reports consumer's own logic
(``lead_contribution`` / ``deal_contribution``, the contribution it would store and add), the cells'
figures are summed in memory and written with one UpdateItem (ADD) per cell, and the per-lead and
per-deal state items are written with BatchWriteItem — the table the consumer would leave, without
one moto transaction per event (moto copies every table for each, which takes hours at 100,000).
The real consumer path is what tests/integration/test_reports.py proves. Counts, not times.
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.harness import Tally, api_event, call, create_secrets, create_table, environment
from bench.lean_moto import direct_fill
from local.template import ROOT

for _path in (ROOT / "shared", ROOT / "services" / "leads"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

# BENCH_REPORT_SIZES="1000,10000" for a quick run; the recorded results use the sizes.
_SIZES = os.environ.get("BENCH_REPORT_SIZES", "1000,100000").split(",")
SIZES = dict(zip(("S", "L"), map(int, _SIZES), strict=True))
GOAL_RATIO = 1.1
VENDOR = "org-bench"
YEAR = 2025
MONTHS = [f"{YEAR}-{month:02d}" for month in range(1, 13)]
DISTRIBUTORS = [f"{index:032x}" for index in range(1, 5)]
RESELLERS = {distributor: [f"{(index + 1) * 16 + n:032x}" for n in range(4)]
             for index, distributor in enumerate(DISTRIBUTORS)}
DIRECT = [f"{0xf0 + n:032x}" for n in range(4)]
PARTNERS: list[tuple[str, str | None]] = [
    *((reseller, distributor) for distributor in DISTRIBUTORS for reseller in RESELLERS[distributor]),
    *((partner, None) for partner in DIRECT),
]
TIERS = ("gold", "silver", "bronze")
DISTRIBUTOR_ORG = "org-dist-0"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTION = "## Leads service: reports at two lead counts"


def _claims(org: str, roles: str) -> dict[str, str]:
    return {"sub": f"u-{org}", "custom:org_id": org, "custom:roles": roles, "email": f"x@{org}.example"}


VENDOR_ADMIN = _claims(VENDOR, "admin")
DISTRIBUTOR_ADMIN = _claims(DISTRIBUTOR_ORG, "partner_admin")


def _program() -> None:
    """The partnerships as the projection holds them (the reports read names, types and tiers)."""
    from leads.dal import partnerships as projection

    created = datetime(YEAR - 1, 12, 1, tzinfo=UTC)
    for index, distributor in enumerate(DISTRIBUTORS):
        view = projection.new_view(VENDOR, distributor)
        view.company_name, view.partnership_type = f"Distributor {index}", "distributor"
        view.created_at = created
        view.partner_organisation_id = f"org-dist-{index}"
        projection.save_view(view)
    for index, (partner, upstream) in enumerate(PARTNERS):
        view = projection.new_view(VENDOR, partner)
        view.company_name = f"Partner {index:02d}"
        view.partnership_type = "reseller" if upstream else "referral"
        view.tier, view.created_at = TIERS[index % 3], created
        projection.save_view(view)


def _snapshots(count: int) -> tuple[list[Any], list[Any]]:
    """``count`` leads round-robin over partners and months; a quarter won, a quarter open."""
    from trellis.events.leads import AttributionLink, DealSnapshot, LeadSnapshot

    leads, deals = [], []
    for number in range(count):
        partner, distributor = PARTNERS[number % len(PARTNERS)]
        month = (number // len(PARTNERS)) % 12 + 1
        kind = (number // (len(PARTNERS) * 12)) % 4
        at = datetime(YEAR, month, 1 + number % 27, 10, tzinfo=UTC)
        chain = [AttributionLink(role="vendor", organisation_id=VENDOR)]
        if distributor:
            chain.append(AttributionLink(role="distributor", organisation_id="org-dist",
                                         partnership_id=distributor))
        chain.append(AttributionLink(role="reseller", organisation_id="org-partner", partnership_id=partner))
        status = ("accepted", "accepted", "declined", "accepted" if number % 2 else "sent")[kind]
        lead_id = f"{number:032x}"
        leads.append(LeadSnapshot(
            lead_id=lead_id, vendor_organisation_id=VENDOR,
            origin="distributor" if distributor else "partner", status=status,  # type: ignore[arg-type]
            sender_organisation_id="org-partner", partnership_id=partner,
            distributor_partnership_id=distributor, company_name=f"Customer {number}", attribution=chain,
            created_at=at, version=2,
        ))
        if status != "accepted":
            continue
        deal_status = ("closed_won", "open", None, "closed_lost")[kind]
        currency = "USD" if PARTNERS.index((partner, distributor)) % 2 else "EUR"
        deals.append(DealSnapshot(
            deal_id=f"d{number:031x}", vendor_organisation_id=VENDOR, owner_organisation_id="org-partner",
            name=f"Deal {number}", status=deal_status, amount=Decimal(1000 + number % 997) / 4,  # type: ignore[arg-type]
            currency=currency, source="partner", lead_id=lead_id, partnership_id=partner,
            distributor_partnership_ids=[distributor] if distributor else [], attribution=chain,
            won_at=at if deal_status == "closed_won" else None, version=3,
        ))
    return leads, deals


def _fill(count: int) -> int:
    """The cells and states the consumer would leave after these leads and deals; returns the cell count."""
    from leads.dal import reports as dal
    from leads.dal.tables import LeadsItem, ReportCellItem, ReportStateItem
    from leads.logic.report_figures import DEAL, LEAD, deal_contribution, lead_contribution

    leads, deals = _snapshots(count)
    sums: defaultdict[Any, defaultdict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    now = datetime.now(UTC)
    with LeadsItem.batch_write() as batch:
        for subject, snapshots, contribute, ident in (
            (LEAD, leads, lead_contribution, "lead_id"), (DEAL, deals, deal_contribution, "deal_id"),
        ):
            for snapshot in snapshots:
                contribution = contribute(snapshot)
                for cell, figures in contribution.cells().items():
                    for name, amount in figures.items():
                        sums[cell][name] += amount
                subject_id = getattr(snapshot, ident)
                batch.save(ReportStateItem(
                    *dal.state_key(VENDOR, subject, subject_id), vendor_organisation_id=VENDOR,
                    subject=subject, subject_id=subject_id, applied_version=snapshot.version,
                    contribution=contribution.model_dump_json(), updated_at=now,
                ))
        # From an empty table, putting a cell's sum is what adding each contribution to it would leave.
        for cell, figures in sums.items():
            batch.save(ReportCellItem(
                dal.scope_pk(VENDOR, cell.scope), dal.cell_sk(cell), period=cell.period,
                distributor_id=cell.distributor_id, partnership_id=cell.partnership_id,
                currency=cell.currency,
                **{name: int(amount) if name in dal.COUNTS else amount for name, amount in figures.items()},
            ))
    return len(sums)


def _call(path: str, query: dict[str, str], claims: dict[str, str]) -> tuple[dict[str, Any], Tally]:
    from leads.handlers.api import handler

    return call(handler, api_event("GET", path, path, claims=claims, query=query))


YEAR_QUERY = {"from": MONTHS[0], "to": MONTHS[-1]}
CASES: dict[str, tuple[str, dict[str, str], dict[str, str]]] = {
    "network, vendor, 12 months": ("/reports/distribution-network", YEAR_QUERY, VENDOR_ADMIN),
    "network, vendor, 24 months": (
        "/reports/distribution-network", {"from": f"{YEAR - 1}-01", "to": MONTHS[-1]}, VENDOR_ADMIN),
    "network, vendor, one distributor": (
        "/reports/distribution-network", {**YEAR_QUERY, "distributor_id": DISTRIBUTORS[0]}, VENDOR_ADMIN),
    "network, vendor, status won": (
        "/reports/distribution-network", {**YEAR_QUERY, "status": "won"}, VENDOR_ADMIN),
    "network, a distributor's own": ("/reports/distribution-network", YEAR_QUERY, DISTRIBUTOR_ADMIN),
    "partner performance, 12 months": ("/reports/partner-performance", YEAR_QUERY, VENDOR_ADMIN),
    "partner performance, tier gold": (
        "/reports/partner-performance", {**YEAR_QUERY, "tier": "gold"}, VENDOR_ADMIN),
}


@dataclass
class Measured:
    tallies: dict[str, Tally]
    totals: dict[str, int]
    cells: int


def _measure_size(count: int) -> Measured:
    from moto import mock_aws

    from trellis.settings import get_settings

    environment("leads", "LeadsTable")
    get_settings.cache_clear()
    with mock_aws():
        create_secrets()
        create_table("LeadsTable")
        _program()
        with direct_fill():
            cells = _fill(count)
        tallies, totals = {}, {}
        for name, (path, query, claims) in CASES.items():
            body, tallies[name] = _call(path, query, claims)
            totals[name] = int(body["totals"]["leads"])
    if totals["network, vendor, 12 months"] != count:
        raise RuntimeError(f"the report counts {totals['network, vendor, 12 months']} leads, not {count}")
    return Measured(tallies, totals, cells)


@dataclass(frozen=True)
class Row:
    case: str
    small: Tally
    large: Tally

    @property
    def ratio(self) -> float:
        return (self.large.read or 1) / (self.small.read or 1)

    @property
    def holds(self) -> bool:
        return self.small.calls == self.large.calls and self.ratio <= GOAL_RATIO


def measure() -> tuple[list[Row], Measured, Measured]:
    small, large = (_measure_size(SIZES[size]) for size in ("S", "L"))
    return [Row(case, small.tallies[case], large.tallies[case]) for case in CASES], small, large


def _calls(calls: list[str]) -> str:
    counted: dict[str, int] = {}
    for name in calls:
        counted[name] = counted.get(name, 0) + 1
    return ", ".join(f"{name} ×{n}" if n > 1 else name for name, n in counted.items())


def table(rows: list[Row], small: Measured, large: Measured) -> str:
    lines = [
        f"Sizes: S = {SIZES['S']:,} leads, L = {SIZES['L']:,} leads, in the same program (20 partners",
        f"under 4 distributors or direct, 12 months; cells written: {small.cells:,} at S, {large.cells:,}",
        f"at L). Goal: the same DynamoDB calls at both sizes and items read L/S ≤ {GOAL_RATIO}.",
        "",
        "| report | calls (S) | calls (L) | items read S → L | ratio | goal |",
        "|---|---|---|---:|---:|---|",
    ]
    lines += [
        f"| {r.case} | {_calls(r.small.calls)} | {_calls(r.large.calls)} | {r.small.read} → {r.large.read} | "
        f"{r.ratio:.2f} | {'holds' if r.holds else 'MISSES'} |"
        for r in rows
    ]
    return "\n".join(lines)


NOTES = """\
### Reading the reports table

- A report is one Query of the period's month cells and one of the "now" cells (open deals, pipeline,
  lost) per scope it covers (the vendor's whole program, or one distributor's network), one
  BatchGetItem of the partnerships it names (names, types, tiers), and a GetItem per partnership a
  filter names. A distributor's own report reads its counterparts first (one Query).
- Items read are bounded by partners × months × (1 + currencies) of the scope, never by leads or
  deals: at S every partner already has leads and won deals in every month, so L reads the same
  cells. A program whose partners are active only some months reads fewer cells (the empty ones do
  not exist), never more than the bound.
- The status and tier filters select rows after the reads (a tier is the partner's tier now, from the
  projection), so they cost what the unfiltered report costs.
- How the table was filled: see the docstring of bench/reports.py (the consumer's own contribution
  logic, cells summed and written directly, one state item per lead and per deal).
"""


def section(rows: list[Row], small: Measured, large: Measured) -> str:
    return f"{SECTION}\n\n{table(rows, small, large)}\n\n{NOTES}"


def replace_section(text: str, new_section: str) -> str:
    """RESULTS.md with this bench's section replaced (or appended), the other sections untouched."""
    start = text.find(SECTION)
    if start < 0:
        return text.rstrip("\n") + "\n\n" + new_section
    end = text.find("\n## ", start + len(SECTION))
    return text[:start] + new_section + (text[end + 1:] if end >= 0 else "")


def main() -> None:
    rows, small, large = measure()
    result = section(rows, small, large)
    print(result)
    RESULTS.write_text(replace_section(RESULTS.read_text() if RESULTS.exists() else "", result))
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()

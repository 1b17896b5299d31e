"""Report aggregates: what the reports consumer keeps, and the reads of the reports. The only module
that knows their keys (after ``ORG#<vendor>#``, the vendor being the tenant of its program's reports):

- ``REPORT#LEAD#<id>#`` / ``STATE#`` and ``REPORT#DEAL#<id>#`` / ``STATE#``: the last snapshot version
  of one lead or deal the consumer applied, and what it contributes to the cells since.
- ``REPORT#<scope>#``: the cells of one scope. Scope ``ALL`` is the vendor's whole program; scope
  ``DIST#<d>#`` the network of distributor partnership ``d``: every lead and deal whose attribution
  chain names ``d`` (its sub-distributors' too). Sort keys:
  ``M#<yyyy-mm>#<direct distributor or ->#<partnership>#`` (counts) and the same followed by
  ``<currency>#`` (sums) for the flows of a month; ``NOW#<distributor or ->#<partnership>#[<currency>#]``
  for the deals as they stand now (open, pipeline, lost).

A scope holds months x partners x (1 + currencies) cells at most, whatever the number of leads and
deals: a report reads one month range and the ``NOW#`` cells of each scope it covers (two Queries).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action

from leads.dal.tables import CommissionCellItem, CountedEntryItem, LeadsItem, ReportCellItem, ReportStateItem
from trellis.dynamo import transaction
from trellis.keys import key, org_key

STATE_SK = "STATE#"
ALL = "ALL"
NOW = "now"
NO_DISTRIBUTOR = "-"
COUNTS = ("leads", "partner_sourced", "pending", "accepted", "declined", "deals_won", "deals_open",
          "deals_lost")
SUMS = ("won_amount", "open_amount")
# DynamoDB takes at most 100 actions in one transaction; the state is one of them.
MAX_CELLS_PER_CHANGE = 99


@dataclass(frozen=True)
class CellKey:
    """One cell: a partner under its direct distributor (or none), in a month or ``now``, in a scope
    (``ALL`` or a distributor partnership id); counts when ``currency`` is None, else that currency's sums."""

    scope: str
    period: str
    distributor_id: str | None
    partnership_id: str
    currency: str | None = None


def state_key(vendor_id: str, subject: str, subject_id: str) -> tuple[str, str]:
    return org_key(vendor_id, "REPORT", subject.upper(), subject_id), STATE_SK


def scope_pk(vendor_id: str, scope: str) -> str:
    return org_key(vendor_id, "REPORT", ALL) if scope == ALL else org_key(vendor_id, "REPORT", "DIST", scope)


def cell_sk(cell: CellKey) -> str:
    head = ("NOW",) if cell.period == NOW else ("M", cell.period)
    tail = (cell.currency,) if cell.currency else ()
    return key(*head, cell.distributor_id or NO_DISTRIBUTOR, cell.partnership_id, *tail)


def get_state(vendor_id: str, subject: str, subject_id: str) -> ReportStateItem | None:
    try:
        return ReportStateItem.get(*state_key(vendor_id, subject, subject_id), consistent_read=True)
    except ReportStateItem.DoesNotExist:
        return None


def save(
    vendor_id: str, subject: str, subject_id: str, *, previous_version: int | None, applied_version: int,
    contribution: str, deltas: Mapping[CellKey, Mapping[str, Decimal]], now: datetime,
) -> None:
    """The state (new, or checked against the version read) and the cells' changes, in one transaction.

    Cells only ever receive ADD, so changes from different leads and deals never overwrite each other;
    a concurrent writer of the same state fails the transaction (the consumer reports the record and
    SQS delivers it again, when it is either applied on the newer state or found older).
    """
    if len(deltas) > MAX_CELLS_PER_CHANGE:  # pragma: no cover - a chain of ~20 distributors
        raise ValueError(f"{len(deltas)} cells change at once; a transaction takes {MAX_CELLS_PER_CHANGE}")
    pk, sk = state_key(vendor_id, subject, subject_id)
    state = ReportStateItem(
        pk, sk, vendor_organisation_id=vendor_id, subject=subject, subject_id=subject_id,
        applied_version=applied_version, contribution=contribution, updated_at=now,
    )
    condition = (ReportStateItem.pk.does_not_exist() if previous_version is None
                 else ReportStateItem.applied_version == previous_version)
    with transaction(LeadsItem) as write:
        write.save(state, condition=condition)
        for cell, figures in sorted(deltas.items(), key=lambda change: cell_sk(change[0])):
            write.update(ReportCellItem(scope_pk(vendor_id, cell.scope), cell_sk(cell)),
                         actions=cell_actions(cell, figures))


def cell_actions(cell: CellKey, figures: Mapping[str, Decimal]) -> list[Action]:
    """The update that adds figures to a cell (creating it the first time)."""
    actions: list[Action] = [
        ReportCellItem.entity.set(ReportCellItem), ReportCellItem.period.set(cell.period),
        ReportCellItem.partnership_id.set(cell.partnership_id),
    ]
    if cell.distributor_id is not None:
        actions.append(ReportCellItem.distributor_id.set(cell.distributor_id))
    if cell.currency is not None:
        actions.append(ReportCellItem.currency.set(cell.currency))
    for name, amount in sorted(figures.items()):
        attribute = getattr(ReportCellItem, name)
        actions.append(attribute.add(int(amount) if name in COUNTS else amount))
    return actions


def cells(vendor_id: str, scope: str, first_month: str, last_month: str) -> list[ReportCellItem]:
    """The scope's cells of the months from first to last, and its cells of now: two Queries (each paged
    by PynamoDB past 1 MB), in proportion to partners x months, never to leads or deals."""
    pk = scope_pk(vendor_id, scope)
    months = ReportCellItem.sk.between(f"M#{first_month}#", f"M#{last_month}#~")
    found = [item for item in LeadsItem.query(pk, months) if isinstance(item, ReportCellItem)]
    found += [item for item in LeadsItem.query(pk, ReportCellItem.sk.startswith("NOW#"))
              if isinstance(item, ReportCellItem)]
    return found


# ---------------------------------------------------------------- commission distribution
#
# ``REPORT#COMMISSIONS#`` / ``M#<yyyy-mm>#<partnership>#<role>#<currency>#``: what each beneficiary
# earned in a month (the month of the deal change the entry accounts for), net of adjustments and
# clawbacks. ``REPORT#ENTRY#<entry>#`` marks an entry counted: ledger entries never change, so each
# adds once whatever its event's deliveries.


def commissions_pk(vendor_id: str) -> str:
    return org_key(vendor_id, "REPORT", "COMMISSIONS")


def add_commission(
    vendor_id: str, entry_id: str, *, month: str, partnership_id: str, role: str, currency: str,
    amount: Decimal, now: datetime,
) -> bool:
    """Count the entry once; False when it was counted already."""
    marker = CountedEntryItem(org_key(vendor_id, "REPORT", "ENTRY", entry_id), "COUNTED#", entry_id=entry_id,
                              counted_at=now)
    cell = CommissionCellItem(commissions_pk(vendor_id), key("M", month, partnership_id, role, currency))
    try:
        with transaction(LeadsItem) as write:
            write.save(marker, condition=CountedEntryItem.pk.does_not_exist())
            write.update(cell, actions=[
                CommissionCellItem.entity.set(CommissionCellItem), CommissionCellItem.period.set(month),
                CommissionCellItem.role.set(role), CommissionCellItem.partnership_id.set(partnership_id),
                CommissionCellItem.currency.set(currency), CommissionCellItem.amount.add(amount),
                CommissionCellItem.entries.add(1),
            ])
    except TransactWriteError as error:
        reasons = getattr(error, "cancellation_reasons", None) or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            return False
        raise
    return True


def commission_cells(vendor_id: str, first_month: str, last_month: str) -> list[CommissionCellItem]:
    """The vendor's commission cells of the months: one Query, partners x months x currencies at most."""
    months = CommissionCellItem.sk.between(f"M#{first_month}#", f"M#{last_month}#~")
    return [item for item in LeadsItem.query(commissions_pk(vendor_id), months)
            if isinstance(item, CommissionCellItem)]

"""HTTP routes for the commission ledger: the vendor's entries, deals and problems; a partner's own."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from leads.logic import commissions as logic
from leads.models import (
    MONTH,
    CommissionApproval,
    CommissionEntry,
    CommissionProblem,
    CommissionQuery,
    DealLedger,
    EntityId,
)
from trellis.api import current_principal, validated
from trellis.events.ledger import EntryStatus
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()

EntryId = Annotated[EntityId, Path(description="The commission entry's id")]
DealId = Annotated[EntityId, Path(description="The deal's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]
PartnershipFilter = Annotated[EntityId | None, Query(description="Only entries paying this partnership")]
StatusFilter = Annotated[EntryStatus | None, Query()]
MonthFilter = Annotated[
    str | None, Query(pattern=MONTH, description="YYYY-MM of the entries' effective date"),
]
TAGS = ["commissions"]


def _query(partnership_id: str | None, status: str | None, month: str | None) -> CommissionQuery:
    return validated(CommissionQuery, {"partnership_id": partnership_id, "status": status, "month": month})


@router.get("/commissions", summary="The program's commission entries, newest first (filters: partnership, "
            "status, month)", tags=TAGS)
def list_entries(
    limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None, partnership_id: PartnershipFilter = None,
    status: StatusFilter = None, month: MonthFilter = None,
) -> Page[CommissionEntry]:
    query = _query(partnership_id, status, month)
    return logic.list_entries(current_principal(router), query, limit=limit, cursor=cursor)


@router.get("/commissions/<entry_id>", summary="One commission entry", tags=TAGS)
def get_entry(entry_id: EntryId) -> CommissionEntry:
    return logic.get_entry(current_principal(router), entry_id)


@router.post("/commissions/approve",
             summary="Approve up to 25 pending entries together, all or none (admin, partner manager)",
             tags=TAGS)
def approve_many(body: CommissionApproval) -> list[CommissionEntry]:
    return logic.approve_many(current_principal(router), body)


@router.post("/commissions/<entry_id>/approve",
             summary="Approve a pending entry, clawbacks included (admin, partner manager)", tags=TAGS)
def approve(entry_id: EntryId) -> CommissionEntry:
    return logic.approve(current_principal(router), entry_id)


@router.get("/ledger/deals/<deal_id>",
            summary="A deal's commission ledger: what it earns now, its entries, why it earns nothing",
            tags=TAGS)
def get_deal_ledger(deal_id: DealId) -> DealLedger:
    return logic.get_deal_ledger(current_principal(router), deal_id)


@router.post("/ledger/deals/<deal_id>/recompute",
             summary="Compute a deal's commissions again with the plans that apply now (admin, partner "
             "manager), e.g. after giving its partnership a plan", tags=TAGS)
def recompute(deal_id: DealId) -> DealLedger:
    return logic.recompute(current_principal(router), deal_id)


@router.get("/ledger/problems", summary="Won deals that earn nothing, and why (no plan, currency mismatch …)",
            tags=TAGS)
def list_problems(limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None) -> Page[CommissionProblem]:
    return logic.list_problems(current_principal(router), limit=limit, cursor=cursor)


@router.get("/partner/commissions", summary="Your organisation's commission entries, newest first",
            tags=["partner"])
def list_partner_entries(
    limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None, partnership_id: PartnershipFilter = None,
    status: StatusFilter = None, month: MonthFilter = None,
) -> Page[CommissionEntry]:
    query = _query(partnership_id, status, month)
    return logic.list_partner_entries(current_principal(router), query, limit=limit, cursor=cursor)


@router.get("/partner/commissions/<entry_id>", summary="One of your organisation's commission entries",
            tags=["partner"])
def get_partner_entry(entry_id: EntryId) -> CommissionEntry:
    return logic.get_partner_entry(current_principal(router), entry_id)

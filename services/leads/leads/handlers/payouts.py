"""HTTP routes for payouts: the vendor creates and pays them; a partner reads its own."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from leads.logic import payouts as logic
from leads.models import EntityId, Payout, PayoutCreate, PayoutPaidInput
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()

PayoutId = Annotated[EntityId, Path(description="The payout's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]
TAGS = ["payouts"]


@router.post("/payouts", summary="Pay a partnership its approved entries in one currency (net of clawbacks)",
             tags=TAGS)
def create_payout(body: PayoutCreate) -> Response[Payout]:
    return created(logic.create_payout(current_principal(router), body))


@router.get("/payouts", summary="The program's payouts, newest first", tags=TAGS)
def list_payouts(limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None) -> Page[Payout]:
    return logic.list_payouts(current_principal(router), limit=limit, cursor=cursor)


@router.get("/payouts/<payout_id>", summary="One payout with its entries", tags=TAGS)
def get_payout(payout_id: PayoutId) -> Payout:
    return logic.get_payout(current_principal(router), payout_id)


@router.post("/payouts/<payout_id>/paid", summary="Mark a payout paid: each of its entries becomes paid",
             tags=TAGS)
def mark_paid(payout_id: PayoutId, body: PayoutPaidInput) -> Payout:
    return logic.mark_paid(current_principal(router), payout_id, body)


@router.get("/partner/payouts", summary="Your organisation's payouts, newest first", tags=["partner"])
def list_partner_payouts(
    limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None,
    partnership_id: Annotated[EntityId | None, Query()] = None,
) -> Page[Payout]:
    return logic.list_partner_payouts(current_principal(router), partnership_id, limit=limit, cursor=cursor)


@router.get("/partner/payouts/<payout_id>", summary="One of your organisation's payouts", tags=["partner"])
def get_partner_payout(payout_id: PayoutId) -> Payout:
    return logic.get_partner_payout(current_principal(router), payout_id)

"""HTTP routes for deals and referrals."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from leads.logic import deals as logic
from leads.models import Deal, DealCreate, DealTab, DealUpdate, Referral, ReferralCreate, ReferralStatusUpdate
from trellis.api import created, current_principal
from trellis.fields import EntityId
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()
Id = Annotated[EntityId, Path()]


@router.post("/deals", summary="Add an internal deal (my organisation owns it)", tags=["deals"])
def create_deal(request: DealCreate) -> Response[Deal]:
    return created(logic.create_deal(current_principal(router), request))


@router.get("/deals", summary="Deals my organisation owns, sent, or sees through its network", tags=["deals"])
def list_deals(
    tab: Annotated[DealTab, Query()] = "owned",
    status: Annotated[Literal["open", "closed_won", "closed_lost"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[Deal]:
    return logic.list_deals(current_principal(router), tab=tab, status=status, limit=limit, cursor=cursor)


@router.get("/deals/<deal_id>", summary="A deal", tags=["deals"])
def get_deal(deal_id: Id) -> Deal:
    return logic.get_deal(current_principal(router), deal_id)


@router.patch("/deals/<deal_id>", summary="Change a deal (its owner company only)", tags=["deals"])
def update_deal(deal_id: Id, request: DealUpdate) -> Deal:
    return logic.update_deal(current_principal(router), deal_id, request)


@router.post("/deals/<deal_id>/referrals", summary="Connect a referral to my deal", tags=["referrals"])
def connect_referral(deal_id: Id, request: ReferralCreate) -> Response[Referral]:
    return created(logic.connect_referral(current_principal(router), deal_id, request))


@router.get("/referrals", summary="Referrals in (to my deals) or out (my referrals)", tags=["referrals"])
def list_referrals(
    direction: Annotated[Literal["in", "out"], Query()] = "in",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[Referral]:
    return logic.list_referrals(current_principal(router), direction=direction, limit=limit, cursor=cursor)


@router.get("/referrals/<referral_id>", summary="A referral", tags=["referrals"])
def get_referral(referral_id: Id) -> Referral:
    return logic.get_referral(current_principal(router), referral_id)


@router.put("/referrals/<referral_id>/status", summary="Accept or decline a referral (the deal's owner)",
            tags=["referrals"])
def set_referral_status(referral_id: Id, request: ReferralStatusUpdate) -> Referral:
    return logic.set_referral_status(current_principal(router), referral_id, request)

"""HTTP routes for partnerships."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from partners.logic import partnerships as logic
from partners.models import ActivityEntry, EntityId, Partnership, PartnershipCreate, StageChange
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]


@router.post("/partnerships", summary="Create a partnership", tags=["partnerships"])
def create_partnership(body: PartnershipCreate) -> Response[Partnership]:
    return created(logic.create_partnership(current_principal(router), body))


@router.get("/partnerships", summary="List partnerships, newest first", tags=["partnerships"])
def list_partnerships(limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None) -> Page[Partnership]:
    return logic.list_partnerships(current_principal(router), limit=limit, cursor=cursor)


@router.get("/partnerships/<partnership_id>", summary="Get a partnership", tags=["partnerships"])
def get_partnership(partnership_id: PartnershipId) -> Partnership:
    return logic.get_partnership(current_principal(router), partnership_id)


@router.put("/partnerships/<partnership_id>/stage", summary="Move a partnership to another stage",
            tags=["partnerships"])
def change_stage(partnership_id: PartnershipId, body: StageChange) -> Partnership:
    return logic.change_stage(current_principal(router), partnership_id, body)


@router.get("/partnerships/<partnership_id>/activity", summary="A partnership's activity log, newest first",
            tags=["partnerships"])
def list_activity(
    partnership_id: PartnershipId, limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None,
) -> Page[ActivityEntry]:
    return logic.list_activity(current_principal(router), partnership_id, limit=limit, cursor=cursor)

"""HTTP routes for partnerships."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from partners.logic import partnerships as logic
from partners.models import (
    ActivityEntry,
    Assignee,
    EntityId,
    Partnership,
    PartnershipCreate,
    PartnershipQuery,
    PartnershipSort,
    PartnershipType,
    PartnershipUpdate,
    StageChange,
    StageId,
)
from trellis.api import created, current_principal, validated
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]


@router.post("/partnerships", summary="Create a partnership", tags=["partnerships"])
def create_partnership(body: PartnershipCreate) -> Response[Partnership]:
    return created(logic.create_partnership(current_principal(router), body))


@router.get(
    "/partnerships",
    summary="List partnerships: filter by stage, tier, category, tag, country, type, assigned user or "
    "archived; sort by creation or name",
    tags=["partnerships"],
)
def list_partnerships(
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    stage: Annotated[StageId | None, Query()] = None,
    tier: Annotated[StageId | None, Query()] = None,
    category: Annotated[StageId | None, Query()] = None,
    tag: Annotated[StageId | None, Query()] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    type: Annotated[PartnershipType | None, Query()] = None,
    assignee: Annotated[EntityId | None, Query()] = None,
    archived: Annotated[bool, Query()] = False,
    sort: Annotated[PartnershipSort, Query()] = "-created",
) -> Page[Partnership]:
    query = validated(PartnershipQuery, {
        "stage": stage, "tier": tier, "category": category, "tag": tag, "country": country, "type": type,
        "assignee": assignee, "archived": archived, "sort": sort,
    })
    return logic.list_partnerships(current_principal(router), query, limit=limit, cursor=cursor)


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


@router.patch("/partnerships/<partnership_id>", summary="Change a partnership's profile fields",
              tags=["partnerships"])
def update_partnership(partnership_id: PartnershipId, body: PartnershipUpdate) -> Partnership:
    return logic.update_partnership(current_principal(router), partnership_id, body)


@router.post("/partnerships/<partnership_id>/archive", summary="Archive a partnership (it becomes read-only)",
             tags=["partnerships"])
def archive_partnership(partnership_id: PartnershipId) -> Partnership:
    return logic.archive_partnership(current_principal(router), partnership_id)


@router.post("/partnerships/<partnership_id>/restore", summary="Restore an archived partnership",
             tags=["partnerships"])
def restore_partnership(partnership_id: PartnershipId) -> Partnership:
    return logic.restore_partnership(current_principal(router), partnership_id)


@router.delete("/partnerships/<partnership_id>", summary="Delete an archived partnership and its history",
               tags=["partnerships"])
def delete_partnership(partnership_id: PartnershipId) -> Response[None]:
    logic.delete_partnership(current_principal(router), partnership_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.post("/partnerships/<partnership_id>/assignees", summary="Assign a vendor user to the partnership",
             tags=["partnerships"])
def assign_user(partnership_id: PartnershipId, body: Assignee) -> Partnership:
    return logic.assign_user(current_principal(router), partnership_id, body.user_id)


@router.delete("/partnerships/<partnership_id>/assignees/<user_id>",
               summary="Remove a user from the partnership's assignees", tags=["partnerships"])
def unassign_user(partnership_id: PartnershipId, user_id: Annotated[EntityId, Path()]) -> Partnership:
    return logic.unassign_user(current_principal(router), partnership_id, user_id)

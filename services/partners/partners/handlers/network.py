"""HTTP routes of the distributor module: the switch, reseller assignments, a distributor's own view."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from partners.logic import network as logic
from partners.models import (
    DistributorModule,
    DistributorModuleUpdate,
    DistributorReseller,
    EntityId,
    NetworkPartnership,
    ResellerAssignment,
    ResellerAssignmentCreate,
)
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, Page

router = Router()

DistributorId = Annotated[EntityId, Path(description="The distributor's partnership id")]
ResellerId = Annotated[EntityId, Path(description="The reseller's partnership id")]
PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
# 50: a page's resellers are read with the distributor and the switch in one BatchGetItem (≤ 100 keys).
Limit = Annotated[int, Query(ge=1, le=50)]
Cursor = Annotated[str | None, Query(max_length=2048)]


@router.get("/distributor-module", summary="Whether the distributor module is on", tags=["distributors"])
def get_module() -> DistributorModule:
    return logic.get_module(current_principal(router))


@router.put("/distributor-module", summary="Switch the distributor module on or off (admin)",
            tags=["distributors"])
def set_module(body: DistributorModuleUpdate) -> DistributorModule:
    return logic.set_module(current_principal(router), body)


@router.post("/distributors/<distributor_id>/resellers", summary="Assign a reseller to a distributor",
             tags=["distributors"])
def assign_reseller(
    distributor_id: DistributorId, body: ResellerAssignmentCreate,
) -> Response[ResellerAssignment]:
    return created(logic.assign_reseller(current_principal(router), distributor_id, body))


@router.delete("/distributors/<distributor_id>/resellers/<reseller_id>",
               summary="End a reseller's assignment to a distributor (its history is kept)",
               tags=["distributors"])
def unassign_reseller(distributor_id: DistributorId, reseller_id: ResellerId) -> Response[None]:
    logic.unassign_reseller(current_principal(router), distributor_id, reseller_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.get("/distributors/<distributor_id>/resellers", summary="A distributor's current resellers",
            tags=["distributors"])
def list_resellers(
    distributor_id: DistributorId, limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None,
) -> Page[NetworkPartnership]:
    return logic.list_resellers(current_principal(router), distributor_id, limit=limit, cursor=cursor)


@router.get("/partnerships/<partnership_id>/distributors",
            summary="The distributors a partnership sells through", tags=["distributors"])
def list_distributors(partnership_id: PartnershipId) -> Page[NetworkPartnership]:
    return logic.list_distributors(current_principal(router), partnership_id)


@router.get("/partner/distributors/<distributor_id>/resellers",
            summary="Your distributorship's resellers (as the distributor)", tags=["partner"])
def list_own_resellers(
    distributor_id: DistributorId, limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None,
) -> Page[DistributorReseller]:
    return logic.list_own_resellers(current_principal(router), distributor_id, limit=limit, cursor=cursor)

"""HTTP routes for a partnership's ICP."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from partners.logic import icp as logic
from partners.models import EntityId, IcpUpdate, PartnershipIcp
from trellis.api import current_principal

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]


@router.get("/partnerships/<partnership_id>/icp", summary="A partnership's Ideal Customer Profile",
            tags=["icp"])
def get_icp(partnership_id: PartnershipId) -> PartnershipIcp:
    return logic.get_icp(current_principal(router), partnership_id)


@router.put("/partnerships/<partnership_id>/icp", summary="Save a partnership's whole ICP", tags=["icp"])
def save_icp(partnership_id: PartnershipId, body: IcpUpdate) -> PartnershipIcp:
    return logic.save_icp(current_principal(router), partnership_id, body)

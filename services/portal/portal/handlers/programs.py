"""HTTP routes of the portal's home: the programs a partner is in and one partnership's portal card."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from portal.logic import programs as logic
from portal.models import EntityId, PortalCard, PortalProgramPage
from trellis.api import current_principal

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
TAGS = ["portal"]


@router.get("/portal/programs", summary="The programs the caller's organisation is a partner in", tags=TAGS)
def my_programs() -> PortalProgramPage:
    return logic.my_programs(current_principal(router))


@router.get("/portal/partnerships/<partnership_id>",
            summary="A partnership's portal: the caller's side and the rooms they may enter", tags=TAGS)
def card(partnership_id: PartnershipId) -> PortalCard:
    return logic.card(current_principal(router), partnership_id)

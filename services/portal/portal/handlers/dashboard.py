"""HTTP routes of the dashboard, the distributor's network and the vendor's tier requirements."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from portal.logic import dashboard as logic
from portal.models import EntityId, ProgramId
from portal.models_dashboard import (
    NetworkPage,
    PortalDashboard,
    ResellerFigures,
    TierRequirement,
    TierRequirements,
)
from trellis.api import current_principal

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
ResellerId = Annotated[EntityId, Path(description="A reseller's partnership id")]
TierId = Annotated[ProgramId, Path(description="A tier id of the vendor's program")]
TAGS = ["portal"]


@router.get("/portal/partnerships/<partnership_id>/dashboard",
            summary="The partnership's figures, commissions, recent activity and what the next tier needs",
            tags=TAGS)
def dashboard(partnership_id: PartnershipId) -> PortalDashboard:
    return logic.dashboard(current_principal(router), partnership_id)


@router.get("/portal/partnerships/<partnership_id>/network",
            summary="A distributor's current resellers with their figures", tags=TAGS)
def network(partnership_id: PartnershipId) -> NetworkPage:
    return logic.network(current_principal(router), partnership_id)


@router.get("/portal/partnerships/<partnership_id>/network/<reseller_id>",
            summary="One reseller currently assigned to the distributor, with its figures", tags=TAGS)
def network_reseller(partnership_id: PartnershipId, reseller_id: ResellerId) -> ResellerFigures:
    return logic.network_reseller(current_principal(router), partnership_id, reseller_id)


@router.put("/portal/vendor/tiers/<tier_id>/requirements",
            summary="Save what a tier requires (vendor admins and partner managers)", tags=TAGS)
def put_tier_requirements(tier_id: TierId, body: TierRequirement) -> TierRequirements:
    return logic.put_tier_requirement(current_principal(router), tier_id, body)


@router.get("/portal/vendor/tiers/<tier_id>/requirements", summary="What a tier requires", tags=TAGS)
def get_tier_requirements(tier_id: TierId) -> TierRequirements:
    return logic.get_tier_requirement(current_principal(router), tier_id)

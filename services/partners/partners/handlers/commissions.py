"""HTTP routes for commission plans: tier defaults, a partnership's plan, and the partner's view of it."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from partners.logic import commissions as logic
from partners.models import (
    CommissionPlanInput,
    EntityId,
    PartnerCommissionPlan,
    PartnershipCommissionPlan,
    StageId,
    TierDefaultPlan,
    TierDefaultPlans,
)
from trellis.api import current_principal

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
TierId = Annotated[StageId, Path(description="A tier id of the vendor's program")]
TAGS = ["commission plans"]


@router.get("/commission-plans/defaults", summary="The default commission plan of each tier", tags=TAGS)
def list_tier_defaults() -> TierDefaultPlans:
    return logic.list_tier_defaults(current_principal(router))


@router.put("/commission-plans/defaults/<tier_id>", summary="Set a tier's default commission plan (admins)",
            tags=TAGS)
def set_tier_default(tier_id: TierId, body: CommissionPlanInput) -> TierDefaultPlan:
    return logic.set_tier_default(current_principal(router), tier_id, body)


@router.delete("/commission-plans/defaults/<tier_id>",
               summary="Remove a tier's default commission plan (admins)", tags=TAGS)
def clear_tier_default(tier_id: TierId) -> Response[None]:
    logic.clear_tier_default(current_principal(router), tier_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.get("/partnerships/<partnership_id>/commission-plan",
            summary="The commission plan that applies to a partnership, and where it comes from", tags=TAGS)
def get_partnership_plan(partnership_id: PartnershipId) -> PartnershipCommissionPlan:
    return logic.get_partnership_plan(current_principal(router), partnership_id)


@router.put("/partnerships/<partnership_id>/commission-plan",
            summary="Set a partnership's own commission plan", tags=TAGS)
def set_partnership_plan(
    partnership_id: PartnershipId, body: CommissionPlanInput,
) -> PartnershipCommissionPlan:
    return logic.set_partnership_plan(current_principal(router), partnership_id, body)


@router.delete("/partnerships/<partnership_id>/commission-plan",
               summary="Remove a partnership's own plan (its tier's default applies again)", tags=TAGS)
def clear_partnership_plan(partnership_id: PartnershipId) -> PartnershipCommissionPlan:
    return logic.clear_partnership_plan(current_principal(router), partnership_id)


@router.get("/partner/partnerships/<partnership_id>/commission-plan",
            summary="Your organisation's commission plan in one of its partnerships", tags=["partner"])
def get_partner_plan(partnership_id: PartnershipId) -> PartnerCommissionPlan:
    return logic.get_partner_plan(current_principal(router), partnership_id)

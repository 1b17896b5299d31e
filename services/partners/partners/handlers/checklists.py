"""HTTP routes for per-stage checklists: the vendor's definitions, and progress on each partnership."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from partners.logic import checklists as logic
from partners.models import (
    ChecklistDefinitions,
    ChecklistTick,
    ChecklistUpdate,
    EntityId,
    PartnershipChecklist,
    StageChecklistDefinition,
    StageId,
)
from trellis.api import current_principal

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
StagePath = Annotated[StageId, Path(description="A stage id of the vendor's pipeline")]
ItemId = Annotated[StageId, Path(description="A task id of the stage's checklist")]
StageParam = Annotated[
    StageId | None, Query(description="A stage of the pipeline (default: the current stage)"),
]


@router.get("/program/checklists", summary="Every stage's checklist, in pipeline order", tags=["checklists"])
def list_checklists() -> ChecklistDefinitions:
    return logic.list_checklists(current_principal(router))


@router.put("/program/checklists/<stage_id>",
            summary="Save a stage's whole checklist (admin; at most 30 tasks)", tags=["checklists"])
def save_checklist(stage_id: StagePath, body: ChecklistUpdate) -> StageChecklistDefinition:
    return logic.save_checklist(current_principal(router), stage_id, body)


@router.get("/partnerships/<partnership_id>/checklist",
            summary="A partnership's checklist progress in its current stage (or ?stage=)",
            tags=["checklists"])
def get_checklist(partnership_id: PartnershipId, stage: StageParam = None) -> PartnershipChecklist:
    return logic.get_checklist(current_principal(router), partnership_id, stage)


@router.put("/partnerships/<partnership_id>/checklist/<item_id>",
            summary="Tick or untick a checklist task (vendor writers)", tags=["checklists"])
def tick(partnership_id: PartnershipId, item_id: ItemId, body: ChecklistTick,
         stage: StageParam = None) -> PartnershipChecklist:
    return logic.tick(current_principal(router), partnership_id, item_id, stage, body)


@router.get("/partner/partnerships/<partnership_id>/checklist",
            summary="The checklist of one of your partnerships (current stage, or ?stage=)", tags=["partner"])
def get_partner_checklist(partnership_id: PartnershipId, stage: StageParam = None) -> PartnershipChecklist:
    return logic.get_partner_checklist(current_principal(router), partnership_id, stage)


@router.put("/partner/partnerships/<partnership_id>/checklist/<item_id>",
            summary="Tick or untick a checklist task as the partner (partner_admin, project_manager)",
            tags=["partner"])
def partner_tick(partnership_id: PartnershipId, item_id: ItemId, body: ChecklistTick,
                 stage: StageParam = None) -> PartnershipChecklist:
    return logic.partner_tick(current_principal(router), partnership_id, item_id, stage, body)

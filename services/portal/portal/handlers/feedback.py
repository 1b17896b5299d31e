"""HTTP routes of feedback: the vendor's stage surveys and results, partners' answers and free feedback."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from portal.logic import feedback as logic
from portal.models import EntityId, ProgramId
from portal.models_feedback import (
    PartnerFeedback,
    PartnerFeedbackInput,
    PartnerSurvey,
    Survey,
    SurveyAnswer,
    SurveyReceipt,
    SurveyResults,
    SurveyUpdate,
)
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
StageId = Annotated[ProgramId, Path(description="A stage id of the vendor's journey")]
StageQuery = Annotated[ProgramId, Query(description="A stage id of the vendor's journey")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]
TAGS = ["portal"]


@router.put("/portal/vendor/surveys/<stage_id>",
            summary="Save a stage's survey: NPS, comment and extra questions (vendor writers)", tags=TAGS)
def put_survey(stage_id: StageId, body: SurveyUpdate) -> Survey:
    return logic.put_survey(current_principal(router), stage_id, body)


@router.get("/portal/vendor/surveys/<stage_id>", summary="A stage's survey", tags=TAGS)
def get_survey(stage_id: StageId) -> Survey:
    return logic.get_survey(current_principal(router), stage_id)


@router.get("/portal/vendor/feedback/results",
            summary="A stage survey's results: responses, NPS, average and recent comments", tags=TAGS)
def survey_results(stage: StageQuery) -> SurveyResults:
    return logic.results(current_principal(router), stage)


@router.get("/portal/vendor/feedback", summary="Free feedback from partners, newest first", tags=TAGS)
def list_feedback(limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None) -> Page[PartnerFeedback]:
    return logic.list_feedback(current_principal(router), limit=limit, cursor=cursor)


@router.get("/portal/partnerships/<partnership_id>/feedback/survey",
            summary="The survey of the partnership's current stage", tags=TAGS)
def partner_survey(partnership_id: PartnershipId) -> PartnerSurvey:
    return logic.partner_survey(current_principal(router), partnership_id)


@router.post("/portal/partnerships/<partnership_id>/feedback/survey-responses",
             summary="Answer the current stage's survey (once per user and stage)", tags=TAGS)
def answer_survey(partnership_id: PartnershipId, body: SurveyAnswer) -> Response[SurveyReceipt]:
    return created(logic.answer_survey(current_principal(router), partnership_id, body))


@router.post("/portal/partnerships/<partnership_id>/feedback",
             summary="Send free feedback to the vendor", tags=TAGS)
def give_feedback(partnership_id: PartnershipId, body: PartnerFeedbackInput) -> Response[PartnerFeedback]:
    return created(logic.give_feedback(current_principal(router), partnership_id, body))

"""PartnerFeedback: a survey per journey stage (NPS 0-10, a comment, a few free-text questions), answered once
per user and stage by a partner's users, and free feedback to the vendor.

Results are running aggregates kept in the same transaction as each answer (no recount): NPS is
promoters (9-10) minus detractors (0-6), in % of responses.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from portal.dal import feedback as dal
from portal.dal import partnerships as partnerships_dal
from portal.logic.access import Room, Viewer, enter, forbidden_unless, vendor_reader, vendor_writer
from portal.models_feedback import (
    PartnerFeedback,
    PartnerFeedbackInput,
    PartnerSurvey,
    Survey,
    SurveyAnswer,
    SurveyComment,
    SurveyQuestion,
    SurveyReceipt,
    SurveyResults,
    SurveyUpdate,
)
from trellis.dynamo import concurrent_change_is_a_conflict
from trellis.errors import Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.portal import FeedbackSubmitted
from trellis.keys import time_ordered_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import Principal

RECENT_COMMENTS = 10
ATTEMPTS = 5


def _survey(item: dal.SurveyItem) -> Survey:
    return Survey(
        stage_id=item.stage_id, title=item.title, nps_question=item.nps_question,
        comment_question=item.comment_question,
        questions=[SurveyQuestion.model_validate(question) for question in json.loads(item.questions)],
        updated_at=item.updated_at,
    )


def _require_stage(vendor_id: str, stage_id: str) -> None:
    program = partnerships_dal.get_program(vendor_id)
    if program is None or stage_id not in program.stage_ids:
        raise NotFound("no such stage in your program", field="stage_id")


def put_survey(principal: Principal, stage_id: str, body: SurveyUpdate) -> Survey:
    vendor_id = vendor_writer(principal)
    _require_stage(vendor_id, stage_id)
    ids = [question.id for question in body.questions]
    if len(ids) != len(set(ids)):
        raise ValidationFailed("question ids must be unique", field="questions")
    values = {
        "title": body.title, "nps_question": body.nps_question, "comment_question": body.comment_question,
        "questions": json.dumps([question.model_dump() for question in body.questions]),
        "updated_at": datetime.now(UTC),
    }
    item = dal.get_survey(vendor_id, stage_id)
    if item is None:
        item = dal.new_survey(vendor_id, stage_id, **values)
    else:
        for name, value in values.items():
            setattr(item, name, value)
    with concurrent_change_is_a_conflict("the survey"):
        dal.save_survey(item)
    return _survey(item)


def get_survey(principal: Principal, stage_id: str) -> Survey:
    vendor_id = vendor_reader(principal)
    item = dal.get_survey(vendor_id, stage_id)
    if item is None:
        raise NotFound("no survey for this stage", field="stage_id")
    return _survey(item)


def _current_stage(viewer: Viewer) -> str:
    if not viewer.view.stage:
        raise NotFound("the partnership has no stage yet, so no survey", field="partnership_id")
    return viewer.view.stage


def partner_survey(principal: Principal, partnership_id: str) -> PartnerSurvey:
    viewer = enter(principal, partnership_id, Room.FEEDBACK)
    stage = _current_stage(viewer)
    survey, _, response = dal.survey_and_answer(viewer.vendor_id, stage, partnership_id, viewer.user_id)
    if survey is None:
        raise NotFound("no survey for the partnership's stage", field="partnership_id")
    return PartnerSurvey(**_survey(survey).model_dump(), answered=response is not None)


def _partner_writer(principal: Principal, partnership_id: str) -> Viewer:
    viewer = enter(principal, partnership_id, Room.FEEDBACK, write=True)
    forbidden_unless(not viewer.as_vendor, "only the partner's users give feedback")
    return viewer


def answer_survey(principal: Principal, partnership_id: str, body: SurveyAnswer) -> SurveyReceipt:
    viewer = _partner_writer(principal, partnership_id)
    stage = _current_stage(viewer)
    for attempt in range(ATTEMPTS):
        survey, results, response = dal.survey_and_answer(
            viewer.vendor_id, stage, partnership_id, viewer.user_id,
        )
        if survey is None:
            raise NotFound("no survey for the partnership's stage", field="partnership_id")
        if response is not None:
            raise Conflict("you answered this stage's survey already", field="nps")
        asked = {question["id"] for question in json.loads(survey.questions)}
        unknown = sorted(set(body.answers) - asked)
        if unknown:
            raise ValidationFailed(f"no such question: {unknown[0]}", field=f"answers.{unknown[0]}")
        now = datetime.now(UTC)
        results = results or dal.new_results(viewer.vendor_id, stage)
        _add(results, viewer, body, now)
        answer = dal.new_response(
            viewer.vendor_id, stage, partnership_id, viewer.user_id, nps=body.nps,
            comment=body.comment or None,
            answers=json.dumps(body.answers, sort_keys=True), submitted_at=now,
        )
        feedback_id = time_ordered_id()
        envelope = EventEnvelope.new(
            FeedbackSubmitted(
                feedback_id=feedback_id, kind="survey", partnership_id=partnership_id,
                company_name=viewer.view.company_name, vendor_organisation_id=viewer.vendor_id,
                partner_organisation_id=viewer.partner_id, user_id=viewer.user_id, stage=stage, nps=body.nps,
                excerpt=(body.comment or "")[:280],
            ),
            tenant_id=viewer.vendor_id, actor=Actor.of(principal), occurred_at=now,
        )
        try:
            dal.save_response(answer, results, envelope)
        except dal.AlreadyAnswered as error:
            raise Conflict("you answered this stage's survey already", field="nps") from error
        except dal.ResultsChanged:
            if attempt == ATTEMPTS - 1:
                raise Conflict("the survey results were changed by someone else; try again") from None
            continue
        return SurveyReceipt(stage_id=stage, nps=body.nps, submitted_at=now)
    raise Conflict("the survey results were changed by someone else; try again")  # pragma: no cover


def _add(results: dal.SurveyResultsItem, viewer: Viewer, body: SurveyAnswer, now: datetime) -> None:
    results.responses = int(results.responses or 0) + 1
    results.score_sum = int(results.score_sum or 0) + body.nps
    if body.nps >= 9:
        results.promoters = int(results.promoters or 0) + 1
    elif body.nps >= 7:
        results.passives = int(results.passives or 0) + 1
    else:
        results.detractors = int(results.detractors or 0) + 1
    if body.comment:
        comments = json.loads(results.recent_comments or "[]")
        comments.insert(0, {
            "partnership_id": viewer.partnership_id, "company_name": viewer.view.company_name,
            "nps": body.nps,
            "comment": body.comment, "submitted_at": now.isoformat(),
        })
        results.recent_comments = json.dumps(comments[:RECENT_COMMENTS])


def results(principal: Principal, stage_id: str) -> SurveyResults:
    vendor_id = vendor_reader(principal)
    item = dal.get_results(vendor_id, stage_id)
    count = int(item.responses) if item else 0
    promoters = int(item.promoters) if item else 0
    detractors = int(item.detractors) if item else 0
    nps = average = None
    if item is not None and count:
        nps = (Decimal(promoters - detractors) * 100 / count).quantize(Decimal("0.1"))
        average = (Decimal(int(item.score_sum)) / count).quantize(Decimal("0.01"))
    return SurveyResults(
        stage_id=stage_id, responses=count, promoters=promoters, passives=int(item.passives) if item else 0,
        detractors=detractors, nps=nps, average=average,
        recent_comments=[SurveyComment.model_validate(one) for one in json.loads(item.recent_comments)]
        if item else [],
    )


def give_feedback(principal: Principal, partnership_id: str, body: PartnerFeedbackInput) -> PartnerFeedback:
    viewer = _partner_writer(principal, partnership_id)
    now = datetime.now(UTC)
    feedback_id = time_ordered_id()
    item = dal.new_feedback(
        viewer.vendor_id, feedback_id, partnership_id=partnership_id, company_name=viewer.view.company_name,
        user_id=viewer.user_id, category=body.category, text=body.text, stage=viewer.view.stage,
        tier=viewer.view.tier, submitted_at=now,
    )
    envelope = EventEnvelope.new(
        FeedbackSubmitted(
            feedback_id=feedback_id, kind="free", partnership_id=partnership_id,
            company_name=viewer.view.company_name, vendor_organisation_id=viewer.vendor_id,
            partner_organisation_id=viewer.partner_id, user_id=viewer.user_id, stage=viewer.view.stage,
            category=body.category, excerpt=body.text[:280],
        ),
        tenant_id=viewer.vendor_id, actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_feedback(item, envelope)
    return _feedback(item)


def _feedback(item: dal.FeedbackItem) -> PartnerFeedback:
    return PartnerFeedback(
        feedback_id=item.feedback_id, partnership_id=item.partnership_id, company_name=item.company_name,
        user_id=item.user_id, category=item.category, text=item.text, stage=item.stage, tier=item.tier,
        submitted_at=item.submitted_at,
    )


def list_feedback(principal: Principal, *, limit: int, cursor: str | None) -> Page[PartnerFeedback]:
    vendor_id = vendor_reader(principal)
    start = decode_cursor(cursor, tenant_id=vendor_id, listing="portal-feedback")
    items, last_key = dal.feedback_page(vendor_id, limit, start)
    return Page[PartnerFeedback](
        items=[_feedback(item) for item in items],
        next_cursor=encode_cursor(last_key, tenant_id=vendor_id, listing="portal-feedback"),
    )

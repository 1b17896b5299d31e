"""What the feedback routes accept and return: stage surveys, answers, results and free feedback."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from portal.models import ProgramId, Request

MAX_QUESTIONS = 10
QuestionText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
AnswerText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
FeedbackCategory = Literal["portal", "program", "product", "support", "training", "other"]


class SurveyQuestion(Request):
    """An extra free-text question (the NPS score and the comment are always asked)."""

    id: ProgramId
    text: QuestionText


class SurveyUpdate(Request):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    nps_question: QuestionText = "How likely are you to recommend our partner program to a peer?"
    comment_question: QuestionText = "What could we do better?"
    questions: list[SurveyQuestion] = Field(default_factory=list, max_length=MAX_QUESTIONS)


class Survey(BaseModel):
    stage_id: str
    title: str
    nps_question: str
    comment_question: str
    questions: list[SurveyQuestion]
    updated_at: datetime


class PartnerSurvey(Survey):
    """The survey of the partnership's current stage, and whether the caller answered it already."""

    answered: bool


class SurveyAnswer(Request):
    nps: int = Field(ge=0, le=10, strict=True)
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    answers: dict[ProgramId, AnswerText] = Field(default_factory=dict, max_length=MAX_QUESTIONS)


class SurveyReceipt(BaseModel):
    stage_id: str
    nps: int
    submitted_at: datetime


class SurveyComment(BaseModel):
    partnership_id: str
    company_name: str | None
    nps: int
    comment: str
    submitted_at: datetime


class SurveyResults(BaseModel):
    """NPS: promoters (9-10) minus detractors (0-6), in % of responses; average: the mean score."""

    stage_id: str
    responses: int
    promoters: int
    passives: int
    detractors: int
    nps: Decimal | None
    average: Decimal | None
    recent_comments: list[SurveyComment]


class PartnerFeedbackInput(Request):
    category: FeedbackCategory
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class PartnerFeedback(BaseModel):
    feedback_id: str
    partnership_id: str
    company_name: str | None
    user_id: str
    category: str
    text: str
    stage: str | None
    tier: str | None
    submitted_at: datetime

"""What the training room accepts and returns (kept apart from models.py, which every room shares).

Sizes are capped so a module stays one item well under DynamoDB's 400 KB (at most 30 lessons of
4,000 characters and 30 questions of 8 options).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, HttpUrl, StringConstraints, model_validator

from portal.models import Audience, EntityId, Request

MAX_LESSONS = 30
MAX_QUESTIONS = 30
MAX_OPTIONS = 8
MAX_REQUIRED_MODULES = 30

Title = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Description = Annotated[str, StringConstraints(max_length=2000)]
Body = Annotated[str, StringConstraints(max_length=4000)]


def _unique_ids(ids: list[str | None], what: str) -> None:
    given = [value for value in ids if value is not None]
    if len(given) != len(set(given)):
        raise ValueError(f"two {what} have the same id")


class LessonInput(Request):
    """A lesson: its text and/or a link. ``id`` keeps progress across edits (new lessons get one)."""

    id: EntityId | None = None
    title: Title
    body: Body = ""
    url: HttpUrl | None = None


class OptionInput(Request):
    id: EntityId | None = None
    text: Text
    correct: bool = False


class QuestionInput(Request):
    """A question answered by choosing options; it is right when exactly its correct options are chosen."""

    id: EntityId | None = None
    text: Text
    options: list[OptionInput] = Field(min_length=2, max_length=MAX_OPTIONS)

    @model_validator(mode="after")
    def _one_correct(self) -> QuestionInput:
        if not any(option.correct for option in self.options):
            raise ValueError("at least one option must be correct")
        _unique_ids([option.id for option in self.options], "options")
        return self


class QuizInput(Request):
    questions: list[QuestionInput] = Field(min_length=1, max_length=MAX_QUESTIONS)
    pass_mark: int = Field(ge=1, le=100, description="The score (percent of questions right) that passes")

    @model_validator(mode="after")
    def _distinct(self) -> QuizInput:
        _unique_ids([question.id for question in self.questions], "questions")
        return self


class ModuleInput(Request):
    """A whole module as the vendor saves it (create, or replace)."""

    title: Title
    description: Description = ""
    audience: Audience = Field(default_factory=Audience)
    lessons: list[LessonInput] = Field(min_length=1, max_length=MAX_LESSONS)
    quiz: QuizInput | None = None

    @model_validator(mode="after")
    def _distinct(self) -> ModuleInput:
        _unique_ids([lesson.id for lesson in self.lessons], "lessons")
        return self


class Lesson(BaseModel):
    id: str
    title: str
    body: str
    url: str | None


class Option(BaseModel):
    id: str
    text: str


class VendorOption(Option):
    correct: bool


class Question(BaseModel):
    id: str
    text: str
    options: list[Option]
    multiple: bool  # more than one option is correct (the partner is told how to answer, not which)


class VendorQuestion(BaseModel):
    id: str
    text: str
    options: list[VendorOption]


class Quiz(BaseModel):
    questions: list[Question]
    pass_mark: int


class VendorQuiz(BaseModel):
    questions: list[VendorQuestion]
    pass_mark: int


class VendorModule(BaseModel):
    """A module as its vendor manages it, with the quiz's correct options."""

    id: str
    title: str
    description: str
    audience: Audience
    lessons: list[Lesson]
    quiz: VendorQuiz | None
    published: bool
    created_at: datetime
    updated_at: datetime


class VendorModulePage(BaseModel):
    items: list[VendorModule]


class Progress(BaseModel):
    """One user's progress in one module."""

    lessons_done: list[str]
    lessons_total: int
    attempts: int
    best_score: int | None
    last_score: int | None
    passed: bool
    completed: bool
    completed_at: datetime | None


class ModuleSummary(BaseModel):
    id: str
    title: str
    description: str
    lesson_count: int
    has_quiz: bool
    progress: Progress


class ModuleSummaryPage(BaseModel):
    items: list[ModuleSummary]


class Module(BaseModel):
    """A module as a partner user takes it: never the quiz's correct options."""

    id: str
    title: str
    description: str
    lessons: list[Lesson]
    quiz: Quiz | None
    progress: Progress


class Answer(Request):
    question_id: EntityId
    option_ids: list[EntityId] = Field(max_length=MAX_OPTIONS)


class QuizSubmission(Request):
    answers: list[Answer] = Field(max_length=MAX_QUESTIONS)


class QuizResult(BaseModel):
    score: int
    pass_mark: int
    passed: bool
    correct: int
    total: int
    attempts: int
    progress: Progress


class CertificationInput(Request):
    name: Title
    description: Description = ""
    module_ids: list[EntityId] = Field(min_length=1, max_length=MAX_REQUIRED_MODULES)
    validity_days: int | None = Field(default=None, ge=1, le=3650,
                                      description="Days a certification stays valid; none: forever")

    @model_validator(mode="after")
    def _distinct(self) -> CertificationInput:
        if len(set(self.module_ids)) != len(self.module_ids):
            raise ValueError("a module is required twice")
        return self


class VendorCertification(BaseModel):
    id: str
    name: str
    description: str
    module_ids: list[str]
    validity_days: int | None
    created_at: datetime
    updated_at: datetime


class VendorCertificationPage(BaseModel):
    items: list[VendorCertification]


CertificationStatus = Literal["not_earned", "valid", "expired"]


class Certification(BaseModel):
    """A certification as a partner user holds it (or works towards it)."""

    id: str
    name: str
    description: str
    module_ids: list[str]
    modules_completed: list[str]
    validity_days: int | None
    status: CertificationStatus
    earned_on: date | None
    expires_on: date | None
    times_earned: int


class CertificationPage(BaseModel):
    items: list[Certification]


class UserProgress(BaseModel):
    """What one partner user did in the partnership's training (the vendor's view)."""

    user_id: str
    user_name: str | None
    modules_completed: list[str]
    modules_started: list[str]
    certifications: list[Certification]


class PartnershipProgress(BaseModel):
    items: list[UserProgress]

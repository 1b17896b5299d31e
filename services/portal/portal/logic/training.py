"""The training room: the vendor's modules (lessons, an optional quiz) and certifications; each partner
user's progress, quiz attempts and certifications.

- A module is complete for a user once every lesson is done and, if it has a quiz, an attempt scored
  at least its pass mark. Completing emits ``TrainingModuleCompleted`` once per user and module.
- A certification is earned once every module it requires is complete; it expires ``validity_days``
  after it was earned. Earning emits ``CertificationEarned``. Once expired, it is earned again by
  passing the quiz of one of its modules again, or by asking to renew it (every module still
  complete): a user renews what they keep current, and a certification never earned silently twice.
- Partners see published modules whose audience admits them; anything else is 404. The vendor sees
  its published modules in a partnership's room (as its partners would, without the audience) and
  manages every module under ``/portal/vendor/training``.
- Quizzes are graded here; the partner never receives the correct options.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from pydantic import TypeAdapter

from portal.dal import partnerships as partnerships_dal
from portal.dal import people as people_dal
from portal.dal import training as dal
from portal.dal.tables import ProgramItem
from portal.dal.training import (
    TrainingCertificationItem,
    TrainingModuleItem,
    TrainingProgressItem,
    UserCertificationItem,
    UserTraining,
)
from portal.logic.access import Room, Viewer, enter, forbidden_unless, vendor_reader, vendor_writer
from portal.models import Audience
from portal.training_models import (
    Certification,
    CertificationInput,
    CertificationPage,
    Lesson,
    Module,
    ModuleInput,
    ModuleSummary,
    ModuleSummaryPage,
    Option,
    PartnershipProgress,
    Progress,
    Question,
    Quiz,
    QuizResult,
    QuizSubmission,
    UserProgress,
    VendorCertification,
    VendorCertificationPage,
    VendorModule,
    VendorModulePage,
    VendorOption,
    VendorQuestion,
    VendorQuiz,
)
from trellis.errors import Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.portal import CertificationEarned, TrainingModuleCompleted
from trellis.keys import new_id
from trellis.principal import Principal, Role

RECENT_ATTEMPTS = 10
EXCERPT = 200
MAX_SEARCH_HITS = 50


def clock() -> datetime:
    """Now (tests replace it to move time past a certification's expiry)."""
    return datetime.now(UTC)


_LESSONS = TypeAdapter(list[Lesson])
_QUIZ = TypeAdapter(VendorQuiz)


def _lessons(item: TrainingModuleItem) -> list[Lesson]:
    return _LESSONS.validate_json(item.lessons)


def _quiz(item: TrainingModuleItem) -> VendorQuiz | None:
    return _QUIZ.validate_json(item.quiz) if item.quiz else None


def _audience(item: TrainingModuleItem) -> Audience:
    return Audience.model_validate_json(item.audience)


# ---------------------------------------------------------------- the vendor's catalogue


def _vendor_module(item: TrainingModuleItem) -> VendorModule:
    return VendorModule(
        id=item.module_id, title=item.title, description=item.description, audience=_audience(item),
        lessons=_lessons(item), quiz=_quiz(item), published=item.published, created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _vendor_certification(item: TrainingCertificationItem) -> VendorCertification:
    return VendorCertification(
        id=item.certification_id, name=item.name, description=item.description,
        module_ids=list(item.module_ids),
        validity_days=int(item.validity_days) if item.validity_days is not None else None,
        created_at=item.created_at, updated_at=item.updated_at,
    )


def _apply_module(item: TrainingModuleItem, body: ModuleInput, previous: TrainingModuleItem | None) -> None:
    """The module's content from the vendor's input; lessons, questions and options without an id get one."""
    lessons = [Lesson(id=lesson.id or new_id(), title=lesson.title, body=lesson.body,
                      url=str(lesson.url) if lesson.url else None) for lesson in body.lessons]
    quiz = None
    if body.quiz is not None:
        quiz = VendorQuiz(pass_mark=body.quiz.pass_mark, questions=[
            VendorQuestion(id=question.id or new_id(), text=question.text, options=[
                VendorOption(id=option.id or new_id(), text=option.text, correct=option.correct)
                for option in question.options
            ])
            for question in body.quiz.questions
        ])
    item.title = body.title
    item.description = body.description
    item.audience = body.audience.model_dump_json()
    item.lessons = _LESSONS.dump_json(lessons).decode()
    item.quiz = quiz.model_dump_json() if quiz else None
    if previous is not None:
        item.updated_at = clock()


def _require_room(catalogue: dal.Catalogue) -> None:
    if catalogue.size >= dal.MAX_CATALOGUE:
        raise Conflict(f"the training catalogue is full ({dal.MAX_CATALOGUE} modules and certifications)")


def create_module(principal: Principal, body: ModuleInput) -> VendorModule:
    vendor = vendor_writer(principal)
    _require_room(dal.catalogue(vendor))
    item = dal.new_module(vendor, new_id(), clock())
    _apply_module(item, body, None)
    dal.save_content(item, "the module")
    return _vendor_module(item)


def _own_module(vendor: str, module_id: str) -> TrainingModuleItem:
    item = dal.get_module(vendor, module_id)
    if item is None:
        raise NotFound("no such module", field="module_id")
    return item


def list_modules(principal: Principal) -> VendorModulePage:
    vendor = vendor_reader(principal)
    modules = dal.catalogue(vendor).modules.values()
    ordered = sorted(modules, key=lambda module: module.created_at)
    return VendorModulePage(items=[_vendor_module(item) for item in ordered])


def get_module(principal: Principal, module_id: str) -> VendorModule:
    return _vendor_module(_own_module(vendor_reader(principal), module_id))


def update_module(principal: Principal, module_id: str, body: ModuleInput) -> VendorModule:
    vendor = vendor_writer(principal)
    item = _own_module(vendor, module_id)
    _apply_module(item, body, item)
    dal.save_content(item, "the module")
    return _vendor_module(item)


def publish_module(principal: Principal, module_id: str, *, published: bool) -> VendorModule:
    vendor = vendor_writer(principal)
    item = _own_module(vendor, module_id)
    if item.published != published:
        item.published = published
        item.updated_at = clock()
        dal.save_content(item, "the module")
    return _vendor_module(item)


def _check_required(catalogue: dal.Catalogue, module_ids: list[str]) -> None:
    errors = [{"field": f"module_ids.{index}", "message": "no such module"}
              for index, module_id in enumerate(module_ids) if module_id not in catalogue.modules]
    if errors:
        raise ValidationFailed("a required module does not exist", errors=errors)


def create_certification(principal: Principal, body: CertificationInput) -> VendorCertification:
    vendor = vendor_writer(principal)
    catalogue = dal.catalogue(vendor)
    _require_room(catalogue)
    _check_required(catalogue, body.module_ids)
    item = dal.new_certification(vendor, new_id(), clock(), name=body.name, description=body.description,
                                 module_ids=list(body.module_ids), validity_days=body.validity_days)
    dal.save_content(item, "the certification")
    return _vendor_certification(item)


def _own_certification(vendor: str, certification_id: str) -> TrainingCertificationItem:
    item = dal.get_certification(vendor, certification_id)
    if item is None:
        raise NotFound("no such certification", field="certification_id")
    return item


def list_certifications(principal: Principal) -> VendorCertificationPage:
    vendor = vendor_reader(principal)
    items = sorted(dal.catalogue(vendor).certifications.values(), key=lambda c: c.created_at)
    return VendorCertificationPage(items=[_vendor_certification(item) for item in items])


def get_certification(principal: Principal, certification_id: str) -> VendorCertification:
    return _vendor_certification(_own_certification(vendor_reader(principal), certification_id))


def update_certification(
    principal: Principal, certification_id: str, body: CertificationInput,
) -> VendorCertification:
    """A new definition applies to certifications earned from now on; earned ones keep their expiry."""
    vendor = vendor_writer(principal)
    catalogue = dal.catalogue(vendor)
    item = catalogue.certifications.get(certification_id)
    if item is None:
        raise NotFound("no such certification", field="certification_id")
    _check_required(catalogue, body.module_ids)
    item.name, item.description = body.name, body.description
    item.module_ids, item.validity_days = list(body.module_ids), body.validity_days
    item.updated_at = clock()
    dal.save_content(item, "the certification")
    return _vendor_certification(item)


# ---------------------------------------------------------------- a partnership's training room


def _program(viewer: Viewer) -> ProgramItem | None:
    return None if viewer.as_vendor else partnerships_dal.get_program(viewer.vendor_id)


def _visible(viewer: Viewer, item: TrainingModuleItem, program: ProgramItem | None) -> bool:
    return item.published and viewer.sees(_audience(item), program)


def _progress(item: TrainingModuleItem, progress: TrainingProgressItem | None) -> Progress:
    lesson_ids = [lesson.id for lesson in _lessons(item)]
    if progress is None:
        return Progress(lessons_done=[], lessons_total=len(lesson_ids), attempts=0, best_score=None,
                        last_score=None, passed=False, completed=False, completed_at=None)
    done = set(progress.lessons_done)
    return Progress(
        lessons_done=[lesson_id for lesson_id in lesson_ids if lesson_id in done],
        lessons_total=len(lesson_ids), attempts=int(progress.attempts),
        best_score=None if progress.best_score is None else int(progress.best_score),
        last_score=None if progress.last_score is None else int(progress.last_score),
        passed=progress.passed, completed=progress.completed_at is not None,
        completed_at=progress.completed_at,
    )


def _partner_module(item: TrainingModuleItem, progress: TrainingProgressItem | None) -> Module:
    quiz = _quiz(item)
    return Module(
        id=item.module_id, title=item.title, description=item.description, lessons=_lessons(item),
        quiz=None if quiz is None else Quiz(pass_mark=quiz.pass_mark, questions=[
            Question(id=question.id, text=question.text,
                     options=[Option(id=option.id, text=option.text) for option in question.options],
                     multiple=sum(option.correct for option in question.options) > 1)
            for question in quiz.questions
        ]),
        progress=_progress(item, progress),
    )


def list_room_modules(principal: Principal, partnership_id: str) -> ModuleSummaryPage:
    """The modules the caller may take, with their progress (one Query of the catalogue, one of theirs)."""
    viewer = enter(principal, partnership_id, Room.TRAINING)
    program = _program(viewer)
    modules = sorted(dal.catalogue(viewer.vendor_id).modules.values(), key=lambda m: m.created_at)
    mine = _mine(viewer)
    return ModuleSummaryPage(items=[
        ModuleSummary(id=item.module_id, title=item.title, description=item.description,
                      lesson_count=len(_lessons(item)), has_quiz=item.quiz is not None,
                      progress=_progress(item, mine.progress.get(item.module_id)))
        for item in modules if _visible(viewer, item, program)
    ])


def _mine(viewer: Viewer) -> UserTraining:
    if viewer.as_vendor:
        return UserTraining()
    return dal.user_training(viewer.vendor_id, viewer.partnership_id, viewer.user_id)


def _visible_module(viewer: Viewer, module_id: str) -> TrainingModuleItem:
    item = dal.get_module(viewer.vendor_id, module_id)
    if item is None or not _visible(viewer, item, _program(viewer)):
        raise NotFound("no such module", field="module_id")
    return item


def get_room_module(principal: Principal, partnership_id: str, module_id: str) -> Module:
    viewer = enter(principal, partnership_id, Room.TRAINING)
    item = _visible_module(viewer, module_id)
    return _partner_module(item, _mine(viewer).progress.get(module_id))


def _trainee(principal: Principal, partnership_id: str) -> Viewer:
    viewer = enter(principal, partnership_id, Room.TRAINING, write=True)
    forbidden_unless(not viewer.as_vendor, "training progress is a partner user's own")
    return viewer


def _user_name(viewer: Viewer) -> str:
    person = people_dal.get_person(viewer.partner_id, viewer.user_id)
    return (person.name if person else None) or (person.email if person else None) or viewer.user_id


class _Changes:
    """What one use case writes: progress, certifications earned and the events, in one transaction."""

    def __init__(self, viewer: Viewer, now: datetime) -> None:
        self.viewer, self.now = viewer, now
        self.progress: list[TrainingProgressItem] = []
        self.certifications: list[UserCertificationItem] = []
        self.envelopes: list[EventEnvelope] = []
        self._name: str | None = None

    @property
    def user_name(self) -> str:
        if self._name is None:
            self._name = _user_name(self.viewer)
        return self._name

    def event(self, data: TrainingModuleCompleted | CertificationEarned) -> None:
        self.envelopes.append(EventEnvelope.new(
            data, tenant_id=self.viewer.vendor_id, actor=Actor.of(self.viewer.principal),
            occurred_at=self.now,
        ))

    def save(self) -> None:
        if self.progress or self.certifications:
            dal.save_progress(self.progress, self.certifications, self.envelopes)


def _complete_if_done(
    changes: _Changes, item: TrainingModuleItem, progress: TrainingProgressItem,
) -> bool:
    """Mark the module complete (and emit it, once) when every lesson is done and the quiz passed."""
    if progress.completed_at is not None:
        return False
    lesson_ids = {lesson.id for lesson in _lessons(item)}
    if not lesson_ids <= set(progress.lessons_done) or (item.quiz is not None and not progress.passed):
        return False
    progress.completed_at = changes.now
    viewer = changes.viewer
    changes.event(TrainingModuleCompleted(
        module_id=item.module_id, module_title=item.title, partnership_id=viewer.partnership_id,
        vendor_organisation_id=viewer.vendor_id, partner_organisation_id=viewer.partner_id,
        user_id=viewer.user_id, user_name=changes.user_name,
        score=None if progress.best_score is None else int(progress.best_score),
    ))
    return True


def _expires_on(earned: date, validity_days: int | None) -> date | None:
    return None if validity_days is None else earned + timedelta(days=int(validity_days))


def _is_valid(held: UserCertificationItem | None, today: date) -> bool:
    return held is not None and (held.expires_on is None or date.fromisoformat(held.expires_on) > today)


def _completed_ids(mine: UserTraining, changed: list[TrainingProgressItem]) -> set[str]:
    done = {module_id for module_id, item in mine.progress.items() if item.completed_at is not None}
    return done | {item.module_id for item in changed if item.completed_at is not None}


def _earn(
    changes: _Changes, catalogue: dal.Catalogue, mine: UserTraining,
    wanted: Callable[[TrainingCertificationItem], bool],
) -> list[str]:
    """Earn every certification ``wanted`` selects whose modules are all complete and that the user
    does not hold as valid today; returns their ids."""
    today = changes.now.date()
    completed = _completed_ids(mine, changes.progress)
    earned: list[str] = []
    viewer = changes.viewer
    for certification in catalogue.certifications.values():
        held = mine.certifications.get(certification.certification_id)
        eligible = set(certification.module_ids) <= completed
        if not wanted(certification) or _is_valid(held, today) or not eligible:
            continue
        validity = None if certification.validity_days is None else int(certification.validity_days)
        expires = _expires_on(today, validity)
        if held is None:
            held = dal.new_user_certification(viewer.vendor_id, viewer.partnership_id, viewer.user_id,
                                              certification.certification_id, times_earned=0)
        held.earned_on = today.isoformat()
        held.expires_on = expires.isoformat() if expires else None
        held.times_earned = int(held.times_earned or 0) + 1
        changes.certifications.append(held)
        changes.event(CertificationEarned(
            certification_id=certification.certification_id, certification_name=certification.name,
            partnership_id=viewer.partnership_id, partner_organisation_id=viewer.partner_id,
            user_id=viewer.user_id, user_name=changes.user_name, vendor_organisation_id=viewer.vendor_id,
            earned_on=today, expires_on=expires,
        ))
        earned.append(certification.certification_id)
    return earned


def _requiring(module_id: str) -> Callable[[TrainingCertificationItem], bool]:
    return lambda certification: module_id in certification.module_ids


def mark_lesson_done(principal: Principal, partnership_id: str, module_id: str, lesson_id: str) -> Module:
    """The lesson done for the caller (again: nothing changes); may complete the module."""
    viewer = _trainee(principal, partnership_id)
    item = _visible_module(viewer, module_id)
    if lesson_id not in {lesson.id for lesson in _lessons(item)}:
        raise NotFound("no such lesson", field="lesson_id")
    mine = _mine(viewer)
    progress = mine.progress.get(module_id)
    if progress is not None and lesson_id in progress.lessons_done:
        return _partner_module(item, progress)
    changes = _Changes(viewer, clock())
    if progress is None:
        progress = dal.new_progress(viewer.vendor_id, viewer.partnership_id, viewer.user_id, module_id)
    progress.lessons_done = [*progress.lessons_done, lesson_id]
    changes.progress.append(progress)
    if _complete_if_done(changes, item, progress):
        _earn(changes, dal.catalogue(viewer.vendor_id), mine, _requiring(module_id))
    changes.save()
    return _partner_module(item, progress)


def _grade(quiz: VendorQuiz, body: QuizSubmission) -> int:
    """The number of questions answered right; 422 (nothing written) for an answer naming a question
    or option the quiz does not have, or a question answered twice."""
    questions = {question.id: question for question in quiz.questions}
    errors: list[dict[str, str]] = []
    seen: set[str] = set()
    right = 0
    for index, answer in enumerate(body.answers):
        question = questions.get(answer.question_id)
        if question is None:
            errors.append({"field": f"answers.{index}.question_id", "message": "not a question of this quiz"})
            continue
        if answer.question_id in seen:
            errors.append({"field": f"answers.{index}.question_id",
                           "message": "the question is answered twice"})
            continue
        seen.add(answer.question_id)
        options = {option.id for option in question.options}
        errors += [{"field": f"answers.{index}.option_ids.{position}",
                    "message": "not an option of the question"}
                   for position, option_id in enumerate(answer.option_ids) if option_id not in options]
        correct = {option.id for option in question.options if option.correct}
        right += set(answer.option_ids) == correct
    if errors:
        raise ValidationFailed("the answers do not match the quiz", errors=errors)
    return right


def submit_quiz(
    principal: Principal, partnership_id: str, module_id: str, body: QuizSubmission,
) -> QuizResult:
    """Grade an attempt (unanswered questions count wrong) and record it; a pass may complete the
    module, and re-earns an expired certification that requires it."""
    viewer = _trainee(principal, partnership_id)
    item = _visible_module(viewer, module_id)
    quiz = _quiz(item)
    if quiz is None:
        raise NotFound("the module has no quiz", field="module_id")
    right = _grade(quiz, body)
    total = len(quiz.questions)
    score = right * 100 // total
    passed = score >= quiz.pass_mark
    changes = _Changes(viewer, clock())
    mine = _mine(viewer)
    progress = mine.progress.get(module_id) or dal.new_progress(
        viewer.vendor_id, viewer.partnership_id, viewer.user_id, module_id)
    progress.attempts = int(progress.attempts or 0) + 1
    progress.last_score = score
    progress.best_score = max(score, int(progress.best_score)) if progress.best_score is not None else score
    progress.passed = progress.passed or passed
    recent = json.loads(progress.recent_attempts or "[]")
    recent.append({"score": score, "passed": passed, "at": changes.now.isoformat()})
    progress.recent_attempts = json.dumps(recent[-RECENT_ATTEMPTS:])
    changes.progress.append(progress)
    _complete_if_done(changes, item, progress)
    if passed and progress.completed_at is not None:
        _earn(changes, dal.catalogue(viewer.vendor_id), mine, _requiring(module_id))
    changes.save()
    return QuizResult(score=score, pass_mark=quiz.pass_mark, passed=passed, correct=right, total=total,
                      attempts=int(progress.attempts), progress=_progress(item, progress))


def _certification(
    item: TrainingCertificationItem, held: UserCertificationItem | None, completed: set[str], today: date,
) -> Certification:
    status = "not_earned" if held is None else ("valid" if _is_valid(held, today) else "expired")
    return Certification(
        id=item.certification_id, name=item.name, description=item.description,
        module_ids=list(item.module_ids),
        modules_completed=[module_id for module_id in item.module_ids if module_id in completed],
        validity_days=None if item.validity_days is None else int(item.validity_days),
        status=status,  # type: ignore[arg-type]
        earned_on=date.fromisoformat(held.earned_on) if held else None,
        expires_on=date.fromisoformat(held.expires_on) if held and held.expires_on else None,
        times_earned=int(held.times_earned) if held else 0,
    )


def _visible_certifications(
    viewer: Viewer, catalogue: dal.Catalogue, program: ProgramItem | None,
) -> list[TrainingCertificationItem]:
    """Certifications whose every module the caller may take (a partner cannot earn the others)."""
    visible = {module_id for module_id, item in catalogue.modules.items() if _visible(viewer, item, program)}
    return sorted((item for item in catalogue.certifications.values() if set(item.module_ids) <= visible),
                  key=lambda c: c.created_at)


def my_certifications(principal: Principal, partnership_id: str) -> CertificationPage:
    viewer = enter(principal, partnership_id, Room.TRAINING)
    catalogue = dal.catalogue(viewer.vendor_id)
    mine = _mine(viewer)
    completed = _completed_ids(mine, [])
    today = clock().date()
    return CertificationPage(items=[
        _certification(item, mine.certifications.get(item.certification_id), completed, today)
        for item in _visible_certifications(viewer, catalogue, _program(viewer))
    ])


def renew_certification(principal: Principal, partnership_id: str, certification_id: str) -> Certification:
    """Earn a certification whose modules are all complete and that the caller does not hold as valid
    (never earned, or expired); 409 while it is valid or a module is incomplete."""
    viewer = _trainee(principal, partnership_id)
    catalogue = dal.catalogue(viewer.vendor_id)
    visible = {item.certification_id: item
               for item in _visible_certifications(viewer, catalogue, _program(viewer))}
    item = visible.get(certification_id)
    if item is None:
        raise NotFound("no such certification", field="certification_id")
    mine = _mine(viewer)
    changes = _Changes(viewer, clock())
    today = changes.now.date()
    if _is_valid(mine.certifications.get(certification_id), today):
        raise Conflict("the certification is still valid", field="certification_id")
    completed = _completed_ids(mine, [])
    if not set(item.module_ids) <= completed:
        raise Conflict("complete every module the certification requires first", field="certification_id")
    _earn(changes, catalogue, mine, lambda certification: certification.certification_id == certification_id)
    changes.save()
    held = changes.certifications[0]
    return _certification(item, held, completed, today)


def partnership_progress(principal: Principal, partnership_id: str) -> PartnershipProgress:
    """Every partner user's training in the partnership, for the vendor and the partner's admins;
    any other partner user sees their own row only."""
    viewer = enter(principal, partnership_id, Room.TRAINING)
    catalogue = dal.catalogue(viewer.vendor_id)
    if viewer.as_vendor or principal.has_any(frozenset({Role.PARTNER_ADMIN})):
        users = dal.partnership_training(viewer.vendor_id, viewer.partnership_id)
    else:
        users = {viewer.user_id: _mine(viewer)}
        if not users[viewer.user_id].progress and not users[viewer.user_id].certifications:
            users = {}
    names = people_dal.people((viewer.partner_id, user_id) for user_id in users) if viewer.partner_id else {}
    today = clock().date()
    items = []
    for user_id in sorted(users):
        training = users[user_id]
        completed = _completed_ids(training, [])
        person = names.get((viewer.partner_id, user_id))
        items.append(UserProgress(
            user_id=user_id, user_name=person.name if person else None,
            modules_completed=sorted(completed),
            modules_started=sorted(set(training.progress) - completed),
            certifications=[
                _certification(certification, training.certifications[certification_id], completed, today)
                for certification_id, certification in sorted(catalogue.certifications.items())
                if certification_id in training.certifications
            ],
        ))
    return PartnershipProgress(items=items)


# ---------------------------------------------------------------- search


def search_hits(viewer: Viewer, terms: list[str]) -> list[dict[str, str]]:
    """Published modules the viewer may see whose title, description or lesson titles contain every
    term (case-folded): ``{"kind": "training", "id", "title", "excerpt"}``, at most MAX_SEARCH_HITS.

    Reads: one Query of the vendor's catalogue (at most dal.MAX_CATALOGUE items) and, for a partner,
    one GetItem of the program (for ``min_tier`` audiences).
    """
    folded = [term.casefold() for term in terms if term.strip()]
    program = _program(viewer)
    hits: list[dict[str, str]] = []
    modules = sorted(dal.catalogue(viewer.vendor_id).modules.values(), key=lambda m: m.created_at)
    for item in modules:
        if not _visible(viewer, item, program):
            continue
        words = [item.title, item.description, *(lesson.title for lesson in _lessons(item))]
        text = " ".join(words).casefold()
        if all(term in text for term in folded):
            excerpt = item.description or item.title
            hits.append({"kind": "training", "id": item.module_id, "title": item.title,
                         "excerpt": excerpt[:EXCERPT]})
            if len(hits) >= MAX_SEARCH_HITS:
                break
    return hits

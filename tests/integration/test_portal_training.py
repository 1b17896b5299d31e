"""The training room: the vendor's modules and certifications, partner users' lessons, quizzes,
completions and certifications (with expiry), the events they emit, visibility and tenancy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from portal.logic import training as training_logic
from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED
from tests.helpers.portal_world import (
    CONTOSO,
    CONTOSO_ADMIN,
    DIST_A,
    DIST_A_ADMIN,
    GLOBEX,
    GLOBEX_ADMIN,
    NORTHWIND,
    OLDCO,
    OLDCO_ADMIN,
    PEOPLE,
)

pytestmark = pytest.mark.usefixtures("portal_world")

TABLE = "PortalTable"
VENDOR = "/portal/vendor/training"


def room(partnership_id: str = NORTHWIND) -> str:
    return f"/portal/partnerships/{partnership_id}/training"


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
        monkeypatch.setattr(training_logic, "clock", lambda: self.now)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def portal(service: Callable[..., ApiClient]) -> ApiClient:
    return service("portal", SALLY)


def module_body(title: str = "Selling Acme Cloud", *, quiz: bool = True, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": title,
        "description": "How to pitch the cloud edition",
        "lessons": [
            {"id": "intro", "title": "Why customers buy", "body": "Because."},
            {"id": "pricing", "title": "Pricing and discounts", "url": "https://acme.example/pricing"},
        ],
    }
    if quiz:
        body["quiz"] = {"pass_mark": 50, "questions": [
            {"id": "q1", "text": "Best-selling edition?", "options": [
                {"id": "a", "text": "Cloud", "correct": True}, {"id": "b", "text": "On-premise"}]},
            {"id": "q2", "text": "Which are discounts?", "options": [
                {"id": "a", "text": "Volume", "correct": True},
                {"id": "b", "text": "Loyalty", "correct": True},
                {"id": "c", "text": "Whim"}]},
        ]}
    body.update(fields)
    return body


def create_module(
    portal: ApiClient, *, publish: bool = True, user: User = ANA, **kwargs: Any,
) -> dict[str, Any]:
    response = portal.post(f"{VENDOR}/modules", json_body=module_body(**kwargs), user=user)
    assert response.status == 201, response.text
    module: dict[str, Any] = response.json()
    if publish:
        published = portal.post(f"{VENDOR}/modules/{module['id']}/publish", user=user)
        assert published.status == 200, published.text
        module = published.json()
    return module


def create_certification(portal: ApiClient, module_ids: list[str], *, validity_days: int | None = 365,
                         user: User = ANA) -> dict[str, Any]:
    response = portal.post(f"{VENDOR}/certifications", json_body={
        "name": "Acme Sales Professional", "module_ids": module_ids, "validity_days": validity_days,
    }, user=user)
    assert response.status == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def events_of(aws: Stack, event_type: str) -> list[dict[str, Any]]:
    return [event for event in outbox_events(aws, TABLE) if event["type"] == event_type]


def complete(portal: ApiClient, module_id: str, user: User = SALLY, *, pid: str = NORTHWIND) -> None:
    for lesson in ("intro", "pricing"):
        response = portal.post(f"{room(pid)}/modules/{module_id}/lessons/{lesson}/done", user=user)
        assert response.status == 200, response.text
    passed = portal.post(f"{room(pid)}/modules/{module_id}/quiz/attempts", user=user, json_body={
        "answers": [{"question_id": "q1", "option_ids": ["a"]},
                    {"question_id": "q2", "option_ids": ["a", "b"]}],
    })
    assert passed.status == 200, passed.text


# ---------------------------------------------------------------- the vendor's catalogue


def test_the_vendor_creates_reads_updates_and_publishes_a_module(portal: ApiClient) -> None:
    module = create_module(portal, publish=False)
    assert module["published"] is False
    assert [lesson["id"] for lesson in module["lessons"]] == ["intro", "pricing"]
    assert module["quiz"]["questions"][0]["options"][0] == {"id": "a", "text": "Cloud", "correct": True}

    got = portal.get(f"{VENDOR}/modules/{module['id']}", user=CLEO)  # a member reads
    assert got.status == 200
    assert got.json() == module
    listed = portal.get(f"{VENDOR}/modules", user=CLEO).json()["items"]
    assert [item["id"] for item in listed] == [module["id"]]

    changed = portal.put(f"{VENDOR}/modules/{module['id']}", user=BEN,
                         json_body=module_body("Selling Acme Cloud 2", quiz=False,
                                               lessons=[{"title": "A new lesson"}]))
    assert changed.status == 200, changed.text
    body = changed.json()
    assert body["title"] == "Selling Acme Cloud 2"
    assert body["quiz"] is None
    assert len(body["lessons"][0]["id"]) == 32  # a lesson without an id gets one

    assert portal.post(f"{VENDOR}/modules/{module['id']}/publish", user=BEN).json()["published"] is True
    assert portal.post(f"{VENDOR}/modules/{module['id']}/unpublish", user=BEN).json()["published"] is False


def test_a_vendor_member_cannot_manage_training(portal: ApiClient) -> None:
    assert_problem(portal.post(f"{VENDOR}/modules", json_body=module_body(), user=CLEO), 403)
    module = create_module(portal)
    assert_problem(portal.put(f"{VENDOR}/modules/{module['id']}", json_body=module_body(), user=CLEO), 403)
    assert_problem(portal.post(f"{VENDOR}/modules/{module['id']}/unpublish", user=CLEO), 403)
    assert_problem(portal.post(f"{VENDOR}/certifications", user=CLEO,
                               json_body={"name": "x", "module_ids": [module["id"]]}), 403)


def test_partners_have_no_vendor_training_routes(portal: ApiClient) -> None:
    assert_problem(portal.get(f"{VENDOR}/modules", user=SALLY), 403)
    assert_problem(portal.post(f"{VENDOR}/modules", json_body=module_body(), user=SALLY), 403)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (module_body(title=""), "title"),
        (module_body(lessons=[]), "lessons"),
        (module_body(lessons=[{"title": "x", "url": "not a url"}]), "lessons.0.url"),
        (module_body(unknown=1), "unknown"),
        (module_body(audience={"tiers": ["Not An Id"]}), "audience.tiers.0"),
        (module_body() | {"quiz": {"pass_mark": 0, "questions": [
            {"text": "q", "options": [{"text": "a", "correct": True}, {"text": "b"}]}]}}, "quiz.pass_mark"),
        (module_body() | {"quiz": {"pass_mark": 50, "questions": [
            {"text": "q", "options": [{"text": "a"}, {"text": "b"}]}]}}, "quiz.questions.0"),
        (module_body() | {"quiz": {"pass_mark": 50, "questions": [
            {"text": "q", "options": [{"text": "a", "correct": True}]}]}}, "quiz.questions.0.options"),
    ],
    ids=["title", "no-lessons", "url", "unknown-field", "audience", "pass-mark", "no-correct", "one-option"],
)
def test_a_bad_module_is_a_422_naming_the_field_and_writes_nothing(
    portal: ApiClient, aws: Stack, body: dict[str, Any], field: str,
) -> None:
    before = entities(aws, TABLE)
    assert_problem(portal.post(f"{VENDOR}/modules", json_body=body, user=ANA), 422, field)
    assert entities(aws, TABLE) == before


def test_certifications_require_existing_modules(portal: ApiClient, aws: Stack) -> None:
    module = create_module(portal)
    certification = create_certification(portal, [module["id"]])
    assert certification["validity_days"] == 365
    assert portal.get(f"{VENDOR}/certifications/{certification['id']}", user=CLEO).json() == certification
    assert portal.get(f"{VENDOR}/certifications", user=CLEO).json()["items"] == [certification]
    updated = portal.put(f"{VENDOR}/certifications/{certification['id']}", user=BEN,
                         json_body={"name": "Renamed", "module_ids": [module["id"]]})
    assert updated.status == 200
    assert updated.json()["validity_days"] is None

    before = entities(aws, TABLE)
    unknown = {"name": "x", "module_ids": [module["id"], "c" * 32]}
    assert_problem(portal.post(f"{VENDOR}/certifications", user=ANA, json_body=unknown), 422, "module_ids.1")
    assert_problem(portal.put(f"{VENDOR}/certifications/{certification['id']}", user=ANA,
                              json_body={"name": "x", "module_ids": ["c" * 32]}), 422, "module_ids.0")
    assert_problem(portal.post(f"{VENDOR}/certifications", user=ANA,
                               json_body={"name": "x", "module_ids": [module["id"]], "validity_days": 0}),
                   422, "validity_days")
    assert entities(aws, TABLE) == before


def test_another_vendor_sees_none_of_the_catalogue(portal: ApiClient) -> None:
    module = create_module(portal)
    certification = create_certification(portal, [module["id"]])
    assert portal.get(f"{VENDOR}/modules", user=ZED).json()["items"] == []
    assert portal.get(f"{VENDOR}/certifications", user=ZED).json()["items"] == []
    assert_problem(portal.get(f"{VENDOR}/modules/{module['id']}", user=ZED), 404, "module_id")
    assert_problem(portal.put(f"{VENDOR}/modules/{module['id']}", json_body=module_body(), user=ZED),
                   404, "module_id")
    assert_problem(portal.post(f"{VENDOR}/modules/{module['id']}/publish", user=ZED), 404, "module_id")
    assert_problem(portal.get(f"{VENDOR}/certifications/{certification['id']}", user=ZED),
                   404, "certification_id")
    assert_problem(portal.put(f"{VENDOR}/certifications/{certification['id']}", user=ZED,
                              json_body={"name": "x", "module_ids": [module["id"]]}), 404, "certification_id")
    # nor in its own partnerships' rooms
    assert portal.get(f"{room(GLOBEX)}/modules", user=GLOBEX_ADMIN).json()["items"] == []
    assert_problem(portal.get(f"{room(GLOBEX)}/modules/{module['id']}", user=GLOBEX_ADMIN), 404, "module_id")


# ---------------------------------------------------------------- taking a module


def test_a_partner_takes_a_module_without_seeing_the_answers(portal: ApiClient) -> None:
    module = create_module(portal)
    listed = portal.get(f"{room()}/modules").json()["items"]
    assert [(item["id"], item["lesson_count"], item["has_quiz"]) for item in listed] == [
        (module["id"], 2, True)]
    assert listed[0]["progress"]["completed"] is False

    got = portal.get(f"{room()}/modules/{module['id']}")
    assert got.status == 200, got.text
    quiz = got.json()["quiz"]
    assert quiz["pass_mark"] == 50
    assert quiz["questions"][1]["multiple"] is True
    assert "correct" not in got.text


def test_every_partner_role_enters_the_training_room(portal: ApiClient) -> None:
    module = create_module(portal)
    for user in PEOPLE.values():
        assert portal.get(f"{room()}/modules/{module['id']}", user=user).status == 200
        response = portal.post(f"{room()}/modules/{module['id']}/lessons/intro/done", user=user)
        assert response.status == 200, response.text


def test_lessons_and_a_passed_quiz_complete_the_module_once(
    portal: ApiClient, aws: Stack, clock: Clock,
) -> None:
    module = create_module(portal)
    done = portal.post(f"{room()}/modules/{module['id']}/lessons/intro/done")
    assert done.json()["progress"]["lessons_done"] == ["intro"]
    again = portal.post(f"{room()}/modules/{module['id']}/lessons/intro/done")
    assert again.json()["progress"]["lessons_done"] == ["intro"]

    failed = portal.post(f"{room()}/modules/{module['id']}/quiz/attempts", json_body={
        "answers": [{"question_id": "q1", "option_ids": ["b"]}, {"question_id": "q2", "option_ids": ["a"]}],
    }).json()
    assert (failed["score"], failed["passed"], failed["correct"], failed["total"]) == (0, False, 0, 2)

    passed = portal.post(f"{room()}/modules/{module['id']}/quiz/attempts", json_body={
        "answers": [{"question_id": "q1", "option_ids": ["a"]}],  # q2 unanswered: wrong
    }).json()
    assert (passed["score"], passed["passed"], passed["attempts"]) == (50, True, 2)
    assert passed["progress"]["completed"] is False  # a lesson is still to do
    assert events_of(aws, "TrainingModuleCompleted") == []

    finished = portal.post(f"{room()}/modules/{module['id']}/lessons/pricing/done").json()
    assert finished["progress"]["completed"] is True
    assert finished["progress"]["completed_at"].startswith("2026-03-02T10:00:00")

    # passing again completes nothing new
    portal.post(f"{room()}/modules/{module['id']}/quiz/attempts", json_body={
        "answers": [{"question_id": "q1", "option_ids": ["a"]},
                    {"question_id": "q2", "option_ids": ["b", "a"]}],
    })
    completed = events_of(aws, "TrainingModuleCompleted")
    assert len(completed) == 1
    assert completed[0]["tenant_id"] == "acme"
    assert completed[0]["data"] == {
        "module_id": module["id"], "module_title": "Selling Acme Cloud", "partnership_id": NORTHWIND,
        "vendor_organisation_id": "acme", "partner_organisation_id": "northwind", "user_id": SALLY.user_id,
        "user_name": "Sally", "score": 50,
    }
    progress = portal.get(f"{room()}/modules").json()["items"][0]["progress"]
    assert (progress["attempts"], progress["best_score"], progress["last_score"]) == (3, 100, 100)


def test_a_module_without_a_quiz_completes_with_its_lessons(portal: ApiClient, aws: Stack) -> None:
    module = create_module(portal, quiz=False)
    portal.post(f"{room()}/modules/{module['id']}/lessons/intro/done")
    result = portal.post(f"{room()}/modules/{module['id']}/lessons/pricing/done").json()
    assert result["progress"]["completed"] is True
    assert events_of(aws, "TrainingModuleCompleted")[0]["data"]["score"] is None
    assert_problem(portal.post(f"{room()}/modules/{module['id']}/quiz/attempts", json_body={"answers": []}),
                   404, "module_id")


def test_progress_is_per_user(portal: ApiClient) -> None:
    module = create_module(portal)
    complete(portal, module["id"])
    mine = portal.get(f"{room()}/modules").json()["items"][0]["progress"]
    theirs = portal.get(f"{room()}/modules", user=PEOPLE["sales"]).json()["items"][0]["progress"]
    assert mine["completed"] is True
    assert theirs == {"lessons_done": [], "lessons_total": 2, "attempts": 0, "best_score": None,
                      "last_score": None, "passed": False, "completed": False, "completed_at": None}


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        ([{"question_id": "zz", "option_ids": ["a"]}], ["answers.0.question_id"]),
        ([{"question_id": "q1", "option_ids": ["a", "zz"]}], ["answers.0.option_ids.1"]),
        ([{"question_id": "q1", "option_ids": ["a"]}, {"question_id": "q1", "option_ids": ["a"]}],
         ["answers.1.question_id"]),
        ([{"question_id": "q1", "option_ids": ["not an id"]}], ["answers.0.option_ids.0"]),
        ([{"question_id": "q1"}], ["answers.0.option_ids"]),
    ],
    ids=["unknown-question", "unknown-option", "twice", "malformed-option", "missing-options"],
)
def test_bad_answers_are_a_422_naming_the_field_and_write_nothing(
    portal: ApiClient, aws: Stack, answers: list[dict[str, Any]], fields: list[str],
) -> None:
    module = create_module(portal)
    before = entities(aws, TABLE)
    response = portal.post(f"{room()}/modules/{module['id']}/quiz/attempts", json_body={"answers": answers})
    assert_problem(response, 422, *fields)
    assert entities(aws, TABLE) == before


def test_answers_for_another_modules_questions_are_refused(portal: ApiClient, aws: Stack) -> None:
    first = create_module(portal)
    other = create_module(portal, title="Other", quiz=True)
    body = module_body("Other", quiz=False) | {
        "quiz": {"pass_mark": 50, "questions": [
            {"id": "other-q", "text": "?", "options": [{"id": "x", "text": "x", "correct": True},
                                                        {"id": "y", "text": "y"}]}]}}
    assert portal.put(f"{VENDOR}/modules/{other['id']}", user=ANA, json_body=body).status == 200
    before = entities(aws, TABLE)
    response = portal.post(f"{room()}/modules/{first['id']}/quiz/attempts",
                           json_body={"answers": [{"question_id": "other-q", "option_ids": ["x"]}]})
    assert_problem(response, 422, "answers.0.question_id")
    assert entities(aws, TABLE) == before


def test_unknown_lessons_and_modules_are_404(portal: ApiClient, aws: Stack) -> None:
    module = create_module(portal)
    before = entities(aws, TABLE)
    assert_problem(portal.post(f"{room()}/modules/{module['id']}/lessons/nope/done"), 404, "lesson_id")
    assert_problem(portal.post(f"{room()}/modules/{'c' * 32}/lessons/intro/done"), 404, "module_id")
    assert_problem(portal.get(f"{room()}/modules/{'c' * 32}"), 404, "module_id")
    assert_problem(portal.post(f"{room()}/modules/{module['id']}/quiz/attempts", json_body={"answers": "x"}),
                   422, "answers")
    assert entities(aws, TABLE) == before


def test_the_vendor_previews_but_does_not_train(portal: ApiClient) -> None:
    module = create_module(portal, audience={"tiers": ["platinum"]})
    listed = portal.get(f"{room()}/modules", user=CLEO).json()["items"]
    assert [item["id"] for item in listed] == [module["id"]]
    assert portal.get(f"{room()}/modules/{module['id']}", user=CLEO).status == 200
    assert_problem(portal.post(f"{room()}/modules/{module['id']}/lessons/intro/done", user=ANA), 403)
    assert_problem(portal.post(f"{room()}/modules/{module['id']}/quiz/attempts", user=ANA,
                               json_body={"answers": []}), 403)


# ---------------------------------------------------------------- visibility and tenancy


@pytest.mark.parametrize(
    ("audience", "user", "partnership_id"),
    [
        ({"min_tier": "gold"}, CONTOSO_ADMIN, CONTOSO),  # silver is below gold
        ({"tiers": ["silver"]}, SALLY, NORTHWIND),
        ({"stages": ["growth"]}, SALLY, NORTHWIND),  # northwind is in activation
        ({"partner_roles": ["marketing"]}, PEOPLE["sales"], NORTHWIND),
        ({"partnership_types": ["distributor"]}, SALLY, NORTHWIND),
        ({"categories": ["msp"]}, SALLY, NORTHWIND),
    ],
    ids=["below-min-tier", "other-tier", "other-stage", "other-role", "other-type", "other-category"],
)
def test_a_module_outside_the_audience_does_not_exist_for_the_partner(
    portal: ApiClient, aws: Stack, audience: dict[str, Any], user: User, partnership_id: str,
) -> None:
    module = create_module(portal, audience=audience)
    create_certification(portal, [module["id"]])
    path = f"{room(partnership_id)}/modules"
    assert portal.get(path, user=user).json()["items"] == []
    before = entities(aws, TABLE)
    assert_problem(portal.get(f"{path}/{module['id']}", user=user), 404, "module_id")
    assert_problem(portal.post(f"{path}/{module['id']}/lessons/intro/done", user=user), 404, "module_id")
    assert_problem(portal.post(f"{path}/{module['id']}/quiz/attempts", user=user, json_body={"answers": []}),
                   404, "module_id")
    assert portal.get(f"{room(partnership_id)}/certifications", user=user).json()["items"] == []
    assert entities(aws, TABLE) == before


def test_a_module_inside_the_audience_is_visible(portal: ApiClient) -> None:
    module = create_module(portal, audience={"min_tier": "gold", "partner_roles": ["sales"]})
    assert portal.get(f"{room()}/modules/{module['id']}", user=PEOPLE["sales"]).status == 200
    assert portal.get(f"{room(DIST_A)}/modules/{module['id']}", user=DIST_A_ADMIN).status == 200


def test_an_unpublished_module_does_not_exist_in_the_room(portal: ApiClient) -> None:
    module = create_module(portal, publish=False)
    assert portal.get(f"{room()}/modules").json()["items"] == []
    assert_problem(portal.get(f"{room()}/modules/{module['id']}"), 404, "module_id")
    assert_problem(portal.get(f"{room()}/modules/{module['id']}", user=ANA), 404, "module_id")


@pytest.mark.parametrize(
    ("user", "partnership_id"),
    [(ZED, NORTHWIND), (GLOBEX_ADMIN, NORTHWIND), (CONTOSO_ADMIN, NORTHWIND), (SALLY, GLOBEX),
     (OLDCO_ADMIN, OLDCO), (SALLY, "a" * 32)],
    ids=["other-vendor", "other-vendors-partner", "other-partner", "foreign-partnership", "archived",
         "unknown"],
)
def test_every_room_route_is_404_outside_the_partnership(
    portal: ApiClient, aws: Stack, user: User, partnership_id: str,
) -> None:
    module = create_module(portal)
    certification = create_certification(portal, [module["id"]])
    base = room(partnership_id)
    before = entities(aws, TABLE)
    for response in (
        portal.get(f"{base}/modules", user=user),
        portal.get(f"{base}/modules/{module['id']}", user=user),
        portal.post(f"{base}/modules/{module['id']}/lessons/intro/done", user=user),
        portal.post(f"{base}/modules/{module['id']}/quiz/attempts", user=user, json_body={"answers": []}),
        portal.get(f"{base}/certifications", user=user),
        portal.post(f"{base}/certifications/{certification['id']}/renew", user=user),
        portal.get(f"{base}/progress", user=user),
    ):
        assert_problem(response, 404, "partnership_id")
    assert entities(aws, TABLE) == before


def test_the_vendor_cannot_write_in_an_archived_partnerships_room(portal: ApiClient) -> None:
    module = create_module(portal)
    assert portal.get(f"{room(OLDCO)}/modules", user=ANA).status == 200
    assert_problem(portal.post(f"{room(OLDCO)}/modules/{module['id']}/lessons/intro/done", user=ANA), 409)


# ---------------------------------------------------------------- certifications


def test_completing_the_required_modules_earns_a_certification_with_expiry(
    portal: ApiClient, aws: Stack, clock: Clock,
) -> None:
    first = create_module(portal, title="First")
    second = create_module(portal, title="Second", quiz=False)
    certification = create_certification(portal, [first["id"], second["id"]], validity_days=365)

    complete(portal, first["id"])
    listed = portal.get(f"{room()}/certifications").json()["items"]
    assert [(item["status"], item["modules_completed"]) for item in listed] == [("not_earned", [first["id"]])]
    renew = f"{room()}/certifications/{certification['id']}/renew"
    assert_problem(portal.post(renew), 409, "certification_id")

    clock.advance(days=1)
    portal.post(f"{room()}/modules/{second['id']}/lessons/intro/done")
    portal.post(f"{room()}/modules/{second['id']}/lessons/pricing/done")
    held = portal.get(f"{room()}/certifications").json()["items"][0]
    assert (held["status"], held["earned_on"], held["expires_on"], held["times_earned"]) == (
        "valid", "2026-03-03", "2027-03-03", 1)
    earned = events_of(aws, "CertificationEarned")
    assert len(earned) == 1
    assert earned[0]["data"] == {
        "certification_id": certification["id"], "certification_name": "Acme Sales Professional",
        "partnership_id": NORTHWIND, "partner_organisation_id": "northwind", "user_id": SALLY.user_id,
        "user_name": "Sally", "vendor_organisation_id": "acme", "earned_on": "2026-03-03",
        "expires_on": "2027-03-03",
    }
    assert len(events_of(aws, "TrainingModuleCompleted")) == 2
    # still valid: renewing is refused, passing again earns nothing more
    renew = f"{room()}/certifications/{certification['id']}/renew"
    assert_problem(portal.post(renew), 409, "certification_id")
    complete(portal, first["id"])
    assert len(events_of(aws, "CertificationEarned")) == 1

    # a year later it shows as expired, and is earned again
    clock.advance(days=366)
    assert portal.get(f"{room()}/certifications").json()["items"][0]["status"] == "expired"
    renewed = portal.post(f"{room()}/certifications/{certification['id']}/renew")
    assert renewed.status == 200, renewed.text
    assert (renewed.json()["status"], renewed.json()["expires_on"], renewed.json()["times_earned"]) == (
        "valid", "2028-03-03", 2)
    assert [event["data"]["expires_on"] for event in events_of(aws, "CertificationEarned")] == [
        "2027-03-03", "2028-03-03"]


def test_passing_a_quiz_again_recertifies_an_expired_certification(
    portal: ApiClient, aws: Stack, clock: Clock,
) -> None:
    module = create_module(portal)
    create_certification(portal, [module["id"]], validity_days=30)
    complete(portal, module["id"])
    clock.advance(days=31)
    complete(portal, module["id"])
    held = portal.get(f"{room()}/certifications").json()["items"][0]
    assert (held["status"], held["times_earned"], held["expires_on"]) == ("valid", 2, "2026-05-02")
    assert len(events_of(aws, "CertificationEarned")) == 2
    assert len(events_of(aws, "TrainingModuleCompleted")) == 1


def test_a_certification_without_validity_never_expires(portal: ApiClient, clock: Clock) -> None:
    module = create_module(portal)
    create_certification(portal, [module["id"]], validity_days=None)
    complete(portal, module["id"])
    clock.advance(days=3650)
    held = portal.get(f"{room()}/certifications").json()["items"][0]
    assert (held["status"], held["expires_on"]) == ("valid", None)


def test_renewing_an_unknown_or_foreign_certification_is_404(portal: ApiClient) -> None:
    module = create_module(portal, audience={"tiers": ["platinum"]})
    hidden = create_certification(portal, [module["id"]])
    assert_problem(portal.post(f"{room()}/certifications/{hidden['id']}/renew"), 404, "certification_id")
    assert_problem(portal.post(f"{room()}/certifications/{'c' * 32}/renew"), 404, "certification_id")
    assert_problem(portal.post(f"{room()}/certifications/{hidden['id']}/renew", user=ANA), 403)


def test_the_vendor_and_partner_admins_see_the_partnerships_progress_others_their_own(
    portal: ApiClient, clock: Clock,
) -> None:
    module = create_module(portal)
    other = create_module(portal, title="Second")
    certification = create_certification(portal, [module["id"]])
    complete(portal, module["id"])
    portal.post(f"{room()}/modules/{other['id']}/lessons/intro/done", user=PEOPLE["sales"])

    for user in (ANA, CLEO, SALLY, PEOPLE["partner_admin"]):
        response = portal.get(f"{room()}/progress", user=user)
        assert response.status == 200, response.text
        items = {item["user_id"]: item for item in response.json()["items"]}
        assert set(items) == {SALLY.user_id, PEOPLE["sales"].user_id}
        assert items[SALLY.user_id]["user_name"] == "Sally"
        assert items[SALLY.user_id]["modules_completed"] == [module["id"]]
        assert [c["id"] for c in items[SALLY.user_id]["certifications"]] == [certification["id"]]
        assert items[PEOPLE["sales"].user_id]["modules_started"] == [other["id"]]
    # any other partner user sees their own row only
    own = portal.get(f"{room()}/progress", user=PEOPLE["sales"]).json()["items"]
    assert [item["user_id"] for item in own] == [PEOPLE["sales"].user_id]
    assert portal.get(f"{room()}/progress", user=PEOPLE["marketing"]).json()["items"] == []
    # another partnership's progress is its own
    assert portal.get(f"{room(CONTOSO)}/progress", user=ANA).json()["items"] == []


# ---------------------------------------------------------------- search


def test_search_hits_are_visible_modules_matching_every_term(
    portal: ApiClient, function: Callable[[str], Any],
) -> None:
    from portal.logic.access import Room, enter
    from trellis.principal import principal_from_claims

    visible = create_module(portal, title="Selling Acme Cloud")
    create_module(portal, title="Selling to platinum", audience={"tiers": ["platinum"]})
    create_module(portal, title="Unpublished selling", publish=False)
    with function("PortalApiFunction").env_applied():
        viewer = enter(principal_from_claims(SALLY.claims()), NORTHWIND, Room.TRAINING)
        assert training_logic.search_hits(viewer, ["SELLING"]) == [{
            "kind": "training", "id": visible["id"], "title": "Selling Acme Cloud",
            "excerpt": "How to pitch the cloud edition",
        }]
        assert [hit["id"] for hit in training_logic.search_hits(viewer, ["discounts", "pricing"])] == [
            visible["id"]]  # a lesson title
        assert training_logic.search_hits(viewer, ["selling", "nothing"]) == []


def test_the_events_are_in_the_catalogue(portal: ApiClient) -> None:
    from trellis.events.catalogue import CATALOGUE

    assert {"TrainingModuleCompleted", "CertificationEarned"} <= set(CATALOGUE)

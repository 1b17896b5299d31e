"""Feedback: a survey per journey stage answered once per user and stage, NPS results kept as aggregates,
and free feedback to the vendor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED
from tests.helpers.portal_world import (
    CONTOSO_ADMIN,
    GLOBEX_ADMIN,
    NORTHWIND,
    OLDCO,
    OLDCO_ADMIN,
    PEOPLE,
    event,
)
from trellis.events.partners import PartnershipStageChanged

pytestmark = pytest.mark.usefixtures("portal_world")

Project = Callable[..., dict[str, Any]]
TABLE = "PortalTable"
SURVEY = f"/portal/partnerships/{NORTHWIND}/feedback/survey"
ANSWERS = f"/portal/partnerships/{NORTHWIND}/feedback/survey-responses"
FEEDBACK = f"/portal/partnerships/{NORTHWIND}/feedback"


@pytest.fixture
def portal(service: Callable[..., ApiClient]) -> ApiClient:
    return service("portal", SALLY)


@pytest.fixture
def activation_survey(portal_world: None, portal: ApiClient) -> dict[str, Any]:
    """acme's survey for the activation stage (Northwind's)."""
    response = portal.put("/portal/vendor/surveys/activation", user=BEN, json_body={
        "title": "How is activation going?",
        "questions": [{"id": "first-deal", "text": "What would help you close your first deal?"}],
    })
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _events(aws: Stack) -> list[dict[str, Any]]:
    return [item for item in outbox_events(aws, TABLE) if item["type"] == "FeedbackSubmitted"]


def test_the_vendor_defines_a_stage_survey(portal: ApiClient, activation_survey: dict[str, Any]) -> None:
    assert activation_survey["nps_question"].startswith("How likely")
    assert portal.get("/portal/vendor/surveys/activation", user=CLEO).json() == activation_survey
    assert_problem(portal.get("/portal/vendor/surveys/growth", user=CLEO), 404, "stage_id")
    # another vendor has none of acme's surveys
    assert_problem(portal.get("/portal/vendor/surveys/activation", user=ZED), 404, "stage_id")


@pytest.mark.usefixtures("activation_survey")
def test_a_partner_answers_the_survey_of_its_current_stage_once(portal: ApiClient, aws: Stack) -> None:
    # Given the survey of Northwind's stage, not answered yet
    survey = portal.get(SURVEY).json()
    assert (survey["stage_id"], survey["answered"]) == ("activation", False)

    # When Sally answers it
    response = portal.post(ANSWERS, json_body={
        "nps": 9, "comment": "Great onboarding", "answers": {"first-deal": "A demo account"},
    })

    # Then it is recorded with its event, and a second answer of hers is a 409 that writes nothing
    assert response.status == 201, response.text
    assert response.json()["stage_id"] == "activation"
    assert portal.get(SURVEY).json()["answered"] is True
    before = entities(aws, TABLE)
    assert_problem(portal.post(ANSWERS, json_body={"nps": 3}), 409)
    assert entities(aws, TABLE) == before
    (submitted,) = _events(aws)
    assert submitted["data"]["kind"] == "survey"
    data = submitted["data"]
    assert (data["nps"], data["stage"], submitted["tenant_id"]) == (9, "activation", "acme")
    # another user of the same partner still may
    assert portal.post(ANSWERS, user=PEOPLE["marketing"], json_body={"nps": 7}).status == 201


@pytest.mark.usefixtures("activation_survey")
def test_results_count_nps_and_average_without_recounting(portal: ApiClient, portal_project: Project) -> None:
    # Given four answers: two promoters (10, 9), a passive (8) and a detractor (3)
    scores = ((SALLY, 10), (PEOPLE["executive"], 9), (PEOPLE["sales"], 8), (PEOPLE["marketing"], 3))
    for user, score in scores:
        body: dict[str, Any] = {"nps": score}
        if score == 3:
            body["comment"] = "Too much paperwork"
        assert portal.post(ANSWERS, user=user, json_body=body).status == 201

    # When the vendor reads the activation results
    response = portal.get("/portal/vendor/feedback/results", user=CLEO, query={"stage": "activation"})

    # Then NPS = (2 - 1) / 4 = 25 %, the average 7.5, with the comment; reading them is one GetItem
    assert response.status == 200, response.text
    results = response.json()
    counts = (results["responses"], results["promoters"], results["passives"], results["detractors"])
    assert counts == (4, 2, 1, 1)
    assert (results["nps"], results["average"]) == ("25.0", "7.50")
    assert [(c["company_name"], c["nps"], c["comment"]) for c in results["recent_comments"]] == [
        ("Northwind", 3, "Too much paperwork"),
    ]
    assert response.calls.operations == ["GetItem"]

    # And once Northwind moves on, Sally answers the next stage's survey
    portal_project(event(PartnershipStageChanged(
        partnership_id=NORTHWIND, company_name="Northwind", from_stage="activation", to_stage="growth",
    ), minutes=30))
    assert_problem(portal.get(SURVEY), 404, "partnership_id")
    assert portal.put("/portal/vendor/surveys/growth", user=ANA, json_body={"title": "Growth"}).status == 200
    assert portal.post(ANSWERS, json_body={"nps": 0}).status == 201
    growth = portal.get("/portal/vendor/feedback/results", user=ANA, query={"stage": "growth"}).json()
    assert (growth["responses"], growth["nps"], growth["average"]) == (1, "-100.0", "0.00")
    empty = portal.get("/portal/vendor/feedback/results", user=ZED, query={"stage": "activation"}).json()
    assert (empty["responses"], empty["nps"], empty["recent_comments"]) == (0, None, [])


@pytest.mark.usefixtures("activation_survey")
def test_bad_answers_and_bad_surveys_write_nothing(portal: ApiClient, aws: Stack) -> None:
    before = entities(aws, TABLE)
    for body, field in (
        ({"nps": 11}, "nps"), ({"nps": -1}, "nps"), ({"nps": "9"}, "nps"), ({}, "nps"),
        ({"nps": 9, "comment": "x" * 2001}, "comment"), ({"nps": 9, "extra": 1}, "extra"),
        ({"nps": 9, "answers": {"no-such-question": "?"}}, "answers.no-such-question"),
    ):
        assert_problem(portal.post(ANSWERS, json_body=body), 422, field)
    for stage, survey, status, field in (
        ("activation", {}, 422, "title"),
        ("activation", {"title": "x", "questions": [{"id": "a", "text": "?"}, {"id": "a", "text": "!"}]},
         422, "questions"),
        ("activation", {"title": "x", "questions": [{"id": "A B", "text": "?"}]}, 422, "questions.0.id"),
        ("no-such-stage", {"title": "x"}, 404, "stage_id"),
    ):
        response = portal.put(f"/portal/vendor/surveys/{stage}", user=ANA, json_body=survey)
        assert_problem(response, status, field)
    assert_problem(portal.put("/portal/vendor/surveys/activation", user=CLEO, json_body={"title": "x"}), 403)
    for body, field in (({"category": "nonsense", "text": "hi"}, "category"),
                        ({"category": "portal", "text": "  "}, "text"),
                        ({"category": "portal"}, "text")):
        assert_problem(portal.post(FEEDBACK, json_body=body), 422, field)
    assert_problem(portal.get("/portal/vendor/feedback/results", user=ANA), 422, "stage")
    assert entities(aws, TABLE) == before


def test_free_feedback_reaches_the_vendor_newest_first_in_pages(portal: ApiClient, aws: Stack) -> None:
    # Given two pieces of feedback from Northwind's users
    first = portal.post(FEEDBACK, json_body={"category": "portal", "text": "The dashboard is great"})
    assert first.status == 201, first.text
    second = portal.post(FEEDBACK, user=PEOPLE["marketing"],
                         json_body={"category": "training", "text": "More videos"})
    assert second.status == 201, second.text

    # When the vendor lists them one per page
    page = portal.get("/portal/vendor/feedback", user=CLEO, query={"limit": 1}).json()
    cursor = page["next_cursor"]
    rest = portal.get("/portal/vendor/feedback", user=CLEO, query={"limit": 1, "cursor": cursor}).json()

    # Then newest first, each once, with the partner's stage and tier
    texts = [item["text"] for item in page["items"] + rest["items"]]
    assert texts == ["More videos", "The dashboard is great"]
    assert (page["items"][0]["stage"], page["items"][0]["tier"], page["items"][0]["company_name"]) == (
        "activation", "gold", "Northwind",
    )
    assert [(item["data"]["kind"], item["data"]["category"]) for item in _events(aws)] == [
        ("free", "portal"), ("free", "training"),
    ]
    # another vendor sees none of it, and a cursor of acme's is refused to it
    assert portal.get("/portal/vendor/feedback", user=ZED).json()["items"] == []
    assert_problem(portal.get("/portal/vendor/feedback", user=ZED, query={"cursor": cursor}), 400, "cursor")
    assert_problem(portal.get("/portal/vendor/feedback", user=SALLY), 403)


@pytest.mark.usefixtures("activation_survey")
def test_only_the_partners_users_answer_and_give_feedback(portal: ApiClient) -> None:
    for user in (ANA, BEN):
        assert_problem(portal.post(ANSWERS, user=user, json_body={"nps": 9}), 403)
        assert_problem(portal.post(FEEDBACK, user=user, json_body={"category": "other", "text": "hi"}), 403)
    # the vendor may look at the survey its partner sees
    assert portal.get(SURVEY, user=CLEO).json()["stage_id"] == "activation"
    # every partner role may
    for role in ("project_manager", "executive"):
        assert portal.get(SURVEY, user=PEOPLE[role]).status == 200


@pytest.mark.parametrize(
    ("user", "partnership_id"),
    [(ZED, NORTHWIND), (GLOBEX_ADMIN, NORTHWIND), (CONTOSO_ADMIN, NORTHWIND), (OLDCO_ADMIN, OLDCO)],
    ids=["other-vendor", "foreign-partner", "same-vendors-other-partner", "archived"],
)
@pytest.mark.usefixtures("activation_survey")
def test_outside_the_partnership_is_404(portal: ApiClient, user: User, partnership_id: str) -> None:
    base = f"/portal/partnerships/{partnership_id}/feedback"
    assert_problem(portal.get(f"{base}/survey", user=user), 404, "partnership_id")
    answer = portal.post(f"{base}/survey-responses", user=user, json_body={"nps": 9})
    assert_problem(answer, 404, "partnership_id")
    assert_problem(portal.post(base, user=user, json_body={"category": "other", "text": "hi"}), 404,
                   "partnership_id")

"""GET /partnerships/{id}/activity: the activity log, newest first, in one Query per page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import BEN, CLEO, PAT, SALLY, YVES, ZED

NewPartnership = Callable[..., dict[str, Any]]
PIPELINE = ["onboarding", "activation", "growth", "retention", "advocacy"]


def _with_history(partners: ApiClient, new_partnership: NewPartnership, stages: list[str]) -> str:
    partnership_id: str = new_partnership()["id"]
    for stage in stages:
        response = partners.put(f"/partnerships/{partnership_id}/stage", user=BEN, json_body={"stage": stage})
        assert response.status == 200, response.text
    return partnership_id


def test_the_activity_log_lists_what_happened_newest_first(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    partnership_id = _with_history(partners, new_partnership, ["onboarding", "activation"])
    response = partners.get(f"/partnerships/{partnership_id}/activity")
    assert response.status == 200, response.text
    body = response.json()
    assert [(item["kind"], item["actor_user_id"], item["details"]) for item in body["items"]] == [
        ("stage_changed", "u-ben", {"from_stage": "onboarding", "to_stage": "activation"}),
        ("stage_changed", "u-ben", {"from_stage": "recruitment", "to_stage": "onboarding"}),
        ("partnership_created", "u-ana", {"stage": "recruitment"}),
    ]
    assert body["items"][0]["summary"] == "Stage changed from onboarding to activation"
    assert len({item["id"] for item in body["items"]}) == 3
    assert body["next_cursor"] is None
    # One Query reads the partnership (existence and tenancy) and the page together
    assert response.calls.operations == ["Query"]


def test_a_member_may_read_the_activity(partners: ApiClient, new_partnership: NewPartnership) -> None:
    partnership_id = new_partnership()["id"]
    response = partners.get(f"/partnerships/{partnership_id}/activity", user=CLEO)
    assert response.status == 200, response.text
    assert [item["kind"] for item in response.json()["items"]] == ["partnership_created"]


def test_activity_pages_follow_each_other_without_gaps_or_repeats(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    # Given six entries: created, then five stage changes
    partnership_id = _with_history(partners, new_partnership, PIPELINE)
    expected = partners.get(f"/partnerships/{partnership_id}/activity").json()["items"]
    assert len(expected) == 6
    # When they are read two at a time
    seen: list[dict[str, Any]] = []
    cursor = None
    for _ in range(10):
        query: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = partners.get(f"/partnerships/{partnership_id}/activity", query=query)
        assert response.status == 200, response.text
        assert response.calls.operations == ["Query"]
        assert len(response.json()["items"]) <= 2
        seen += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    # Then together they are the whole log, in order, each entry once
    assert seen == expected


def test_an_activity_cursor_only_works_for_its_own_partnership(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    first = _with_history(partners, new_partnership, ["onboarding", "activation"])
    second = _with_history(partners, new_partnership, ["onboarding", "activation"])
    cursor = partners.get(f"/partnerships/{first}/activity", query={"limit": 1}).json()["next_cursor"]
    assert cursor
    response = partners.get(f"/partnerships/{second}/activity", query={"cursor": cursor})
    assert_problem(response, 400, "cursor")
    assert response.calls.operations == []


def test_an_activity_cursor_of_another_organisation_is_refused(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    # Given a cursor into acme's log, and acme-corp knowing the partnership id
    partnership_id = _with_history(partners, new_partnership, ["onboarding"])
    path = f"/partnerships/{partnership_id}/activity"
    cursor = partners.get(path, query={"limit": 1}).json()["next_cursor"]
    assert cursor
    # Then acme-corp can read neither the first page nor the next
    assert_problem(partners.get(path, user=ZED), 404)
    response = partners.get(path, user=ZED, query={"cursor": cursor})
    assert_problem(response, 400, "cursor")


def test_a_partnership_list_cursor_is_not_an_activity_cursor(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    partnership_id = new_partnership()["id"]
    new_partnership()
    cursor = partners.get("/partnerships", query={"limit": 1}).json()["next_cursor"]
    assert cursor
    response = partners.get(f"/partnerships/{partnership_id}/activity", query={"cursor": cursor})
    assert_problem(response, 400, "cursor")


@pytest.mark.parametrize("user", [ZED, YVES], ids=["admin", "partner-manager"])
def test_the_activity_of_another_organisations_partnership_is_not_found(
    partners: ApiClient,
    new_partnership: NewPartnership,
    user: User,
) -> None:
    partnership_id = new_partnership()["id"]
    response = partners.get(f"/partnerships/{partnership_id}/activity", user=user)
    assert_problem(response, 404)
    assert response.calls.operations == ["Query"]


def test_the_activity_of_an_unknown_partnership_is_not_found(partners: ApiClient) -> None:
    assert_problem(partners.get("/partnerships/0123456789abcdef0123456789abcdef/activity"), 404)


@pytest.mark.parametrize("user", [SALLY, PAT], ids=["partner-admin", "partner-project-manager"])
def test_partner_roles_cannot_read_vendor_activity(
    partners: ApiClient,
    new_partnership: NewPartnership,
    user: User,
) -> None:
    partnership_id = new_partnership()["id"]
    response = partners.get(f"/partnerships/{partnership_id}/activity", user=user)
    assert_problem(response, 403)
    assert response.calls.operations == []


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/partnerships/a%23b/activity", {}, "partnership_id"),
        ("/partnerships/{id}/activity", {"limit": "0"}, "limit"),
        ("/partnerships/{id}/activity", {"limit": "101"}, "limit"),
        ("/partnerships/{id}/activity", {"limit": "ten"}, "limit"),
        ("/partnerships/{id}/activity", {"cursor": "x" * 2049}, "cursor"),
    ],
    ids=["bad-id", "limit-zero", "limit-too-big", "limit-not-a-number", "cursor-too-long"],
)
def test_bad_path_and_query_values_are_refused(
    partners: ApiClient,
    new_partnership: NewPartnership,
    path: str,
    query: dict[str, str],
    field: str,
) -> None:
    partnership_id = new_partnership()["id"]
    response = partners.get(path.replace("{id}", partnership_id), query=query)
    assert_problem(response, 422, field)
    assert response.calls.operations == []


def test_the_activity_needs_an_identity(partners: ApiClient, new_partnership: NewPartnership) -> None:
    partnership_id = new_partnership()["id"]
    assert_problem(partners.get(f"/partnerships/{partnership_id}/activity", claims={"sub": "u-ana"}), 401)

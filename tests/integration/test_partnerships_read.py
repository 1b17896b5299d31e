"""GET /partnerships and GET /partnerships/{id}: one read each, the caller's organisation only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import CLEO, NOROLE, PAT, SALLY, YVES, ZED

NewPartnership = Callable[..., dict[str, Any]]


def _all_pages(api: ApiClient, path: str, *, limit: int) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    while True:
        query: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = api.get(path, query=query)
        assert response.status == 200, response.text
        body = response.json()
        # One Query of the list's index, then one BatchGetItem of the page's partnerships (if any)
        assert response.calls.operations == (["Query", "BatchGetItem"] if body["items"] else ["Query"])
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 20, "the cursor never ends"


# ---------------------------------------------------------------- GET /partnerships/{id}


def test_a_partnership_is_read_with_one_get_item(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership(country="FR", assigned_user_ids=["u-ben"])
    response = partners.get(f"/partnerships/{created['id']}")
    assert response.status == 200, response.text
    assert response.json() == created
    assert response.calls.operations == ["GetItem"]
    assert response.calls.calls[0].items_read == 1


def test_a_member_may_read(partners: ApiClient, new_partnership: NewPartnership) -> None:
    created = new_partnership()
    response = partners.get(f"/partnerships/{created['id']}", user=CLEO)
    assert response.status == 200, response.text
    assert response.json()["id"] == created["id"]


@pytest.mark.parametrize("user", [ZED, YVES], ids=["admin", "partner-manager"])
def test_a_partnership_of_another_organisation_is_not_found(
    partners: ApiClient,
    new_partnership: NewPartnership,
    user: User,
) -> None:
    # Given a partnership of acme, and a caller of acme-corp (whose id begins with "acme")
    created = new_partnership()
    # When they ask for it by its id
    response = partners.get(f"/partnerships/{created['id']}", user=user)
    # Then it does not exist for them: the same answer as for an id nobody has
    body = assert_problem(response, 404)
    unknown = assert_problem(partners.get("/partnerships/0123456789abcdef0123456789abcdef", user=user), 404)
    assert body["detail"] == unknown["detail"]
    assert "acme" not in body["detail"]


def test_an_unknown_partnership_is_not_found(partners: ApiClient) -> None:
    response = partners.get("/partnerships/0123456789abcdef0123456789abcdef")
    assert_problem(response, 404)
    assert response.calls.operations == ["GetItem"]


@pytest.mark.parametrize(
    "partnership_id",
    ["has%20space", "x" * 65, "a%23b", "..", "%C3%A9t%C3%A9", "a.b"],
    ids=["space", "too-long", "delimiter", "dots", "non-ascii", "dot"],
)
def test_a_malformed_partnership_id_is_refused_without_a_read(
    partners: ApiClient,
    partnership_id: str,
) -> None:
    response = partners.get(f"/partnerships/{partnership_id}")
    assert_problem(response, 422, "partnership_id")
    assert response.calls.operations == []


@pytest.mark.parametrize("user", [SALLY, PAT, NOROLE], ids=["partner-admin", "partner-pm", "no-role"])
def test_partner_side_roles_cannot_read_vendor_partnerships(
    partners: ApiClient,
    new_partnership: NewPartnership,
    user: User,
) -> None:
    created = new_partnership()
    response = partners.get(f"/partnerships/{created['id']}", user=user)
    assert_problem(response, 403)
    assert response.calls.operations == []


def test_reading_needs_an_identity(partners: ApiClient, new_partnership: NewPartnership) -> None:
    created = new_partnership()
    assert_problem(partners.get(f"/partnerships/{created['id']}", claims={}), 401)


# ---------------------------------------------------------------- GET /partnerships


def test_the_list_shows_the_organisations_partnerships_newest_first(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    # Given three partnerships of acme and one of acme-corp
    first, second, third = (new_partnership(company_name=name) for name in ("First", "Second", "Third"))
    new_partnership(company_name="Not yours", as_user=ZED)
    # When acme lists its partnerships
    response = partners.get("/partnerships")
    # Then it sees its own, newest first: one Query of the list index, one BatchGetItem of the page
    assert response.status == 200, response.text
    body = response.json()
    assert [item["id"] for item in body["items"]] == [third["id"], second["id"], first["id"]]
    assert body["items"][0] == third
    assert body["next_cursor"] is None
    assert response.calls.operations == ["Query", "BatchGetItem"]
    assert [call.items_read for call in response.calls.calls] == [3, 3]


def test_another_organisation_sees_only_its_own(partners: ApiClient, new_partnership: NewPartnership) -> None:
    new_partnership(company_name="Acme's")
    theirs = new_partnership(company_name="Acme Corp's", as_user=ZED)
    response = partners.get("/partnerships", user=YVES)
    assert [item["id"] for item in response.json()["items"]] == [theirs["id"]]


def test_an_organisation_without_partnerships_gets_an_empty_page(partners: ApiClient) -> None:
    response = partners.get("/partnerships", user=ZED)
    assert response.status == 200, response.text
    assert response.json() == {"items": [], "next_cursor": None}


def test_a_member_may_list_and_partner_roles_may_not(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    new_partnership()
    assert partners.get("/partnerships", user=CLEO).status == 200
    assert_problem(partners.get("/partnerships", user=SALLY), 403)
    assert_problem(partners.get("/partnerships", claims={"sub": "u-x"}), 401)


def test_pages_follow_each_other_without_gaps_or_repeats(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    # Given five partnerships
    created = [new_partnership(company_name=f"Company {index}")["id"] for index in range(5)]
    new_partnership(as_user=ZED)
    # When they are read two at a time
    pages = _all_pages(partners, "/partnerships", limit=2)
    # Then the pages hold all five, newest first, each once
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [item["id"] for page in pages for item in page] == list(reversed(created))


def test_the_default_page_size_is_25(partners: ApiClient, new_partnership: NewPartnership) -> None:
    for index in range(26):
        new_partnership(company_name=f"Company {index}")
    first = partners.get("/partnerships").json()
    assert len(first["items"]) == 25
    second = partners.get("/partnerships", query={"cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None


def test_a_cursor_of_another_organisation_is_refused(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    # Given a cursor acme-corp got for its own list
    for _ in range(2):
        new_partnership(as_user=ZED)
    cursor = partners.get("/partnerships", user=ZED, query={"limit": 1}).json()["next_cursor"]
    assert cursor
    # When acme presents it
    response = partners.get("/partnerships", query={"cursor": cursor})
    # Then it is refused, without reading anything
    assert_problem(response, 400, "cursor")
    assert response.calls.operations == []


def test_a_cursor_of_another_listing_is_refused(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    partners.put(f"/partnerships/{created['id']}/stage", json_body={"stage": "onboarding"})
    cursor = partners.get(f"/partnerships/{created['id']}/activity", query={"limit": 1}).json()["next_cursor"]
    assert cursor
    assert_problem(partners.get("/partnerships", query={"cursor": cursor}), 400, "cursor")


@pytest.mark.parametrize("cursor", ["garbage", "a.b", "x" * 2049], ids=["garbage", "unsigned", "too-long"])
def test_a_bad_cursor_is_refused(partners: ApiClient, cursor: str) -> None:
    response = partners.get("/partnerships", query={"cursor": cursor})
    assert response.status in {400, 422}
    assert_problem(response, response.status, "cursor")
    assert response.calls.operations == []


@pytest.mark.parametrize("limit", ["0", "-1", "101", "1000", "abc", "1.5", ""])
def test_a_bad_limit_is_refused(partners: ApiClient, limit: str) -> None:
    response = partners.get("/partnerships", query={"limit": limit})
    assert_problem(response, 422, "limit")
    assert response.calls.operations == []

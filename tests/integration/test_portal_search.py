"""The portal's search: every room the caller may enter, personalised as each room is, never another
partnership's or organisation's content."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, CLEO, ZED
from tests.helpers.portal_world import CONTOSO, CONTOSO_ADMIN, GLOBEX_ADMIN, NORTHWIND, PEOPLE
from tests.portal_matrix import SECRET, TIER_SECRET, Setup
from tests.portal_matrix import search as built

pytestmark = pytest.mark.usefixtures("portal_world")

WORD = SECRET.split("-")[0]
EVERY_KIND = {"resource", "brand", "shared_file", "training", "project", "message", "lead", "deal"}


@pytest.fixture
def content(service: Callable[..., ApiClient], portal_project: Callable[..., Any]) -> dict[str, str]:
    """Acme's content in every room: the matrix's (SECRET everywhere, TIER_SECRET on gold-only items)."""
    return built.setup(Setup(api=service("portal", ANA).as_user, project=portal_project))


def _search(service: Callable[..., ApiClient], user: User, partnership: str, q: str = WORD) -> Any:
    return service("portal", user).get(f"/portal/partnerships/{partnership}/search", query={"q": q})


def _kinds(body: dict[str, Any]) -> set[str]:
    return {hit["kind"] for hit in body["items"]}


def test_a_gold_partners_admin_finds_every_kind_of_content(
    content: dict[str, str], service: Callable[..., ApiClient],
) -> None:
    response = _search(service, PEOPLE["partner_admin"], NORTHWIND)

    assert response.status == 200, response.text
    assert _kinds(response.json()) == EVERY_KIND
    ids = {hit["id"] for hit in response.json()["items"]}
    assert {content["resource"], content["gold"], content["brand"], content[f"file:{NORTHWIND}"]} <= ids
    assert content[f"file:{CONTOSO}"] not in ids, "another partnership's shared file"
    assert response.json()["truncated"] is False


def test_each_partner_role_finds_only_what_its_rooms_hold(
    content: dict[str, str], service: Callable[..., ApiClient],
) -> None:
    expected = {
        "sales": {"resource", "shared_file", "training", "message", "lead", "deal"},
        "marketing": {"resource", "brand", "shared_file", "training", "message"},
        "project_manager": {"resource", "shared_file", "training", "project", "message"},
        "executive": {"resource", "shared_file", "training", "message"},
    }
    for role, kinds in expected.items():
        response = _search(service, PEOPLE[role], NORTHWIND)
        assert response.status == 200, response.text
        assert _kinds(response.json()) == kinds, role


def test_a_partner_below_the_tier_finds_no_gold_only_content(
    content: dict[str, str], service: Callable[..., ApiClient],
) -> None:
    response = _search(service, CONTOSO_ADMIN, CONTOSO)

    assert response.status == 200, response.text
    assert TIER_SECRET not in response.text
    ids = {hit["id"] for hit in response.json()["items"]}
    assert content["resource"] in ids
    assert content[f"file:{CONTOSO}"] in ids
    assert not ids & {content["gold"], content["brand"], content[f"file:{NORTHWIND}"]}


def test_a_vendor_member_searches_the_partnership_it_manages(
    content: dict[str, str], service: Callable[..., ApiClient],
) -> None:
    response = _search(service, CLEO, NORTHWIND)

    assert response.status == 200, response.text
    assert _kinds(response.json()) == EVERY_KIND


def test_every_word_must_match_and_case_does_not_matter(
    content: dict[str, str], service: Callable[..., ApiClient],
) -> None:
    both = _search(service, PEOPLE["partner_admin"], NORTHWIND, q=f"DECK {WORD.upper()}")
    none = _search(service, PEOPLE["partner_admin"], NORTHWIND, q=f"{WORD} nosuchwordanywhere")

    assert both.status == 200
    assert none.status == 200
    assert {hit["id"] for hit in both.json()["items"]} == {content["resource"], content["gold"]}
    assert none.json()["items"] == []


@pytest.mark.parametrize(
    "user", [ZED, GLOBEX_ADMIN, CONTOSO_ADMIN], ids=["other-vendor", "foreign-partner", "another-partner"])
def test_outsiders_get_404_and_nothing_of_acme(
    content: dict[str, str], service: Callable[..., ApiClient], user: User,
) -> None:
    response = _search(service, user, NORTHWIND)

    assert_problem(response, 404)
    assert SECRET not in response.text


@pytest.mark.parametrize("q", ["", "   ", "a", "x deck", " ".join(f"w{i}" for i in range(9)), "y" * 201])
def test_a_query_with_nothing_to_look_for_is_422_naming_q(
    service: Callable[..., ApiClient], q: str,
) -> None:
    response = _search(service, PEOPLE["partner_admin"], NORTHWIND, q=q)

    assert_problem(response, 422)
    assert "q" in {error.get("field") for error in response.json().get("errors", [])}, response.text


def test_a_search_reads_a_bounded_number_of_items_without_a_scan(
    content: dict[str, str], service: Callable[..., ApiClient],
) -> None:
    response = _search(service, PEOPLE["partner_admin"], NORTHWIND)

    operations = response.calls.operations
    # the view; content: the program (for min_tier audiences) and one Query per room (resources, brand,
    # shared files); training: the program again and its catalogue; projects 1; messages 2 (threads, newest
    # messages); leads and deals 1 each — a fixed number, whatever the portal holds
    assert Counter(operations) == {"GetItem": 3, "Query": 9}, operations

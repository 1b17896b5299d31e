"""The partnership list: filters, sort orders and archived partnerships, read from list index items.

A page costs one Query of the most selective filter's index and one BatchGetItem of the page,
however many partnerships the program holds.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient
from tests.helpers.people import BEN, CLEO, SALLY, YVES, ZED

TABLE = "PartnersTable"
NewPartnership = Any


def _names(response: Any) -> list[str]:
    assert response.status == 200, response.text
    return [item["company_name"] for item in response.json()["items"]]


@pytest.fixture
def program(partners: ApiClient, new_partnership: NewPartnership) -> dict[str, dict[str, Any]]:
    """Acme's program: tiers, categories and tags, and five partnerships classified with them."""
    for name, entries in {
        "tiers": ["Gold", "Silver"], "categories": ["Agency", "Consultancy"], "tags": ["EMEA", "Cloud"],
    }.items():
        response = partners.put(f"/program/{name}", json_body={"entries": [{"name": n} for n in entries]})
        assert response.status == 200, response.text
    made = {
        "Bravo": new_partnership(company_name="Bravo", partnership_type="reseller", country="DE", tier="gold",
                                 tags=["emea"], assigned_user_ids=[BEN.user_id]),
        "alpha": new_partnership(company_name="alpha", partnership_type="referral", country="FR",
                                 tier="silver", category="agency", tags=["emea", "cloud"]),
        "Charlie": new_partnership(company_name="Charlie", partnership_type="reseller", country="DE",
                                   category="consultancy", assigned_user_ids=[BEN.user_id]),
        "Delta": new_partnership(company_name="Delta", partnership_type="technology", country="US"),
        "Echo": new_partnership(company_name="Echo", partnership_type="reseller", country="DE", tier="gold"),
    }
    partners.put(f"/partnerships/{made['Echo']['id']}/stage", json_body={"stage": "onboarding"})
    return made


def test_the_default_order_is_newest_first(partners: ApiClient, program: dict[str, Any]) -> None:
    assert _names(partners.get("/partnerships")) == ["Echo", "Delta", "Charlie", "alpha", "Bravo"]
    assert _names(partners.get("/partnerships", query={"sort": "created"})) == [
        "Bravo", "alpha", "Charlie", "Delta", "Echo",
    ]


def test_sorting_by_name_ignores_case(partners: ApiClient, program: dict[str, Any]) -> None:
    assert _names(partners.get("/partnerships", query={"sort": "name"})) == [
        "alpha", "Bravo", "Charlie", "Delta", "Echo",
    ]
    assert _names(partners.get("/partnerships", query={"sort": "-name"})) == [
        "Echo", "Delta", "Charlie", "Bravo", "alpha",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stage": "onboarding"}, ["Echo"]),
        ({"stage": "recruitment"}, ["Delta", "Charlie", "alpha", "Bravo"]),
        ({"tier": "gold"}, ["Echo", "Bravo"]),
        ({"category": "agency"}, ["alpha"]),
        ({"tag": "emea"}, ["alpha", "Bravo"]),
        ({"tag": "cloud"}, ["alpha"]),
        ({"country": "de"}, ["Echo", "Charlie", "Bravo"]),
        ({"type": "reseller"}, ["Echo", "Charlie", "Bravo"]),
        ({"assignee": "u-ben"}, ["Charlie", "Bravo"]),
        ({"tier": "silver", "country": "DE"}, []),
        ({"type": "reseller", "country": "DE", "tier": "gold"}, ["Echo", "Bravo"]),
        ({"tag": "emea", "type": "reseller"}, ["Bravo"]),
        ({"tier": "platinum"}, []),
    ],
)
def test_filters_all_have_to_match(
    partners: ApiClient, program: dict[str, Any], query: dict[str, str], expected: list[str],
) -> None:
    response = partners.get("/partnerships", query=query)
    assert _names(response) == expected
    # One Query of the most selective filter's index, one BatchGetItem of what it found
    expected_calls = ["Query", "BatchGetItem"] if expected or len(query) > 1 else ["Query"]
    assert response.calls.operations == expected_calls


def test_a_page_reads_the_same_whatever_the_program_size(
    partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    for index in range(12):
        new_partnership(company_name=f"P{index:02}")
    small = partners.get("/partnerships", query={"limit": 3})
    for index in range(12, 40):
        new_partnership(company_name=f"P{index:02}")
    large = partners.get("/partnerships", query={"limit": 3})
    assert [call.operation for call in small.calls.calls] == [call.operation for call in large.calls.calls]
    read_small = [call.items_read for call in small.calls.calls]
    assert read_small == [call.items_read for call in large.calls.calls] == [3, 3]


def test_changes_move_a_partnership_between_lists(
    aws: Stack, partners: ApiClient, program: dict[str, Any],
) -> None:
    bravo = program["Bravo"]["id"]
    partners.put(f"/partnerships/{bravo}/stage", json_body={"stage": "activation"})
    partners.patch(f"/partnerships/{bravo}", json_body={"tier": "silver", "tags": [], "company_name": "Zulu"})
    partners.delete(f"/partnerships/{bravo}/assignees/{BEN.user_id}")
    assert _names(partners.get("/partnerships", query={"stage": "activation"})) == ["Zulu"]
    assert "Zulu" not in _names(partners.get("/partnerships", query={"stage": "recruitment"}))
    assert _names(partners.get("/partnerships", query={"tier": "gold"})) == ["Echo"]
    assert _names(partners.get("/partnerships", query={"tier": "silver"})) == ["alpha", "Zulu"]
    assert _names(partners.get("/partnerships", query={"tag": "emea"})) == ["alpha"]
    assert _names(partners.get("/partnerships", query={"assignee": "u-ben"})) == ["Charlie"]
    assert _names(partners.get("/partnerships", query={"sort": "-name"}))[0] == "Zulu"
    # And no stale list entry is left behind: one per filter value the partnership now matches
    index_items = [item for item in aws.items(TABLE)
                   if item.get("entity") == "PartnershipIndex" and item["partnership_id"] == bravo]
    assert len(index_items) == 5  # all, stage, type, country, tier


def test_archived_partnerships_leave_the_lists_and_have_their_own(
    aws: Stack, partners: ApiClient, program: dict[str, Any],
) -> None:
    echo = program["Echo"]["id"]
    partners.post(f"/partnerships/{echo}/archive")
    assert "Echo" not in _names(partners.get("/partnerships"))
    assert "Echo" not in _names(partners.get("/partnerships", query={"tier": "gold"}))
    assert _names(partners.get("/partnerships", query={"archived": "true"})) == ["Echo"]
    assert _names(partners.get("/partnerships", query={"archived": "true", "tier": "gold"})) == ["Echo"]
    assert _names(partners.get("/partnerships", query={"archived": "true", "tier": "silver"})) == []
    partners.post(f"/partnerships/{echo}/restore")
    assert _names(partners.get("/partnerships", query={"tier": "gold"})) == ["Echo", "Bravo"]
    # Deleting removes every list entry
    partners.post(f"/partnerships/{echo}/archive")
    partners.delete(f"/partnerships/{echo}")
    assert not [item for item in aws.items(TABLE)
                if item.get("entity") == "PartnershipIndex" and item["partnership_id"] == echo]
    assert entities(aws, TABLE)["Partnership"] == 4


def test_pages_of_a_filtered_list_follow_each_other(partners: ApiClient, program: dict[str, Any]) -> None:
    first = partners.get("/partnerships", query={"type": "reseller", "limit": 2})
    assert _names(first) == ["Echo", "Charlie"]
    cursor = first.json()["next_cursor"]
    second = partners.get("/partnerships", query={"type": "reseller", "limit": 2, "cursor": cursor})
    assert _names(second) == ["Bravo"]
    # The cursor belongs to that listing: another filter or order refuses it
    for other in ({"type": "referral"}, {"type": "reseller", "sort": "name"}, {}):
        assert_problem(partners.get("/partnerships", query={**other, "cursor": cursor}), 400, "cursor")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"stage": "Not A Slug"}, "stage"),
        ({"country": "XX"}, "country"),
        ({"country": "germany"}, "country"),
        ({"type": "vendor"}, "type"),
        ({"assignee": "u#ben"}, "assignee"),
        ({"archived": "maybe"}, "archived"),
        ({"sort": "size"}, "sort"),
        ({"limit": "0"}, "limit"),
    ],
)
def test_bad_filters_are_refused_naming_them(
    partners: ApiClient, program: dict[str, Any], query: dict[str, str], field: str,
) -> None:
    assert_problem(partners.get("/partnerships", query=query), 422, field)


def test_a_member_may_list_but_partners_may_not(partners: ApiClient, program: dict[str, Any]) -> None:
    assert len(_names(partners.get("/partnerships", user=CLEO))) == 5
    assert_problem(partners.get("/partnerships", user=SALLY), 403)


def test_another_organisation_lists_only_its_own(partners: ApiClient, program: dict[str, Any]) -> None:
    theirs = {"company_name": "Theirs", "partnership_type": "reseller", "country": "DE"}
    partners.post("/partnerships", user=ZED, json_body=theirs)
    queries = ({}, {"country": "DE"}, {"type": "reseller"}, {"assignee": "u-ben"}, {"stage": "recruitment"})
    for query in queries:
        names = _names(partners.get("/partnerships", user=YVES, query=query))
        assert names in (["Theirs"], []), (query, names)

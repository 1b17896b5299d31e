"""Account overlaps: partners holding the same customer domain, shown at the level both sides chose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.leads_world import DINA, DIST_A, NORTHWIND, OTHER
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED

SOLO = User("u-solo", "solo", ("admin",), "admin@solo.example")


@pytest.fixture
def leads(service: Callable[..., ApiClient], program: None) -> ApiClient:
    return service("leads", ANA)


def _account(api: ApiClient, user: User, website: str = "https://globex.example") -> str:
    response = api.post("/accounts", user=user, json_body={"name": "Globex", "website": website})
    assert response.status == 201, response.text
    return str(response.json()["id"])


def _share(api: ApiClient, user: User, level: str) -> None:
    response = api.put("/account-sharing", user=user, json_body={"level": level})
    assert response.status == 200, response.text


def _overlaps(api: ApiClient, user: User, account_id: str) -> dict[str, Any]:
    response = api.get(f"/accounts/{account_id}/overlaps", user=user)
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_overlaps_show_at_the_lower_of_both_sides_levels(leads: ApiClient) -> None:
    # Given acme, its partner northwind, its distributor dista, another vendor and a stranger with globex
    mine = _account(leads, ANA)
    northwinds = _account(leads, SALLY, "globex.example/shop")
    distas = _account(leads, DINA)
    _account(leads, ZED)
    _account(leads, SOLO)

    # Nothing is shared by default
    assert _overlaps(leads, ANA, mine) == {
        "account_id": mine,
        "domain": "globex.example",
        "my_level": "none",
        "count": 0,
        "partners": [],
    }

    # acme shares names, northwind names, dista counts only
    _share(leads, ANA, "names")
    _share(leads, SALLY, "names")
    _share(leads, DINA, "counts")
    _share(leads, ZED, "names")
    _share(leads, SOLO, "names")
    seen = _overlaps(leads, ANA, mine)
    assert seen["count"] == 2  # northwind and dista; never acme-corp or the stranger
    assert seen["partners"] == [
        {
            "organisation_id": "northwind",
            "name": "Northwind",
            "partnership_id": NORTHWIND,
            "relation": "my_partner",
        }
    ]

    # northwind sees acme as its vendor (and acme-corp, its other vendor, shares names too)
    from_northwind = _overlaps(leads, SALLY, northwinds)
    assert {(p["organisation_id"], p["relation"]) for p in from_northwind["partners"]} == {
        ("acme", "my_vendor"),
        ("acme-corp", "my_vendor"),
    }
    assert {p["partnership_id"] for p in from_northwind["partners"]} == {NORTHWIND, OTHER}

    # acme lowering its level to counts hides the names, not the count
    _share(leads, ANA, "counts")
    assert (_overlaps(leads, ANA, mine)["count"], _overlaps(leads, ANA, mine)["partners"]) == (2, [])
    # dista (counts) never names acme to its own users either
    dista = _overlaps(leads, DINA, distas)
    assert dista["partners"] == []
    assert dista["count"] == 1
    assert DIST_A  # dista's partnership with acme is what relates them


def test_an_account_without_a_website_overlaps_with_no_one(leads: ApiClient) -> None:
    response = leads.post("/accounts", json_body={"name": "No site"})
    assert response.status == 201, response.text
    _share(leads, ANA, "names")
    assert _overlaps(leads, ANA, response.json()["id"])["count"] == 0


def test_sharing_is_set_by_organisation_admins_and_overlaps_are_private(leads: ApiClient) -> None:
    mine = _account(leads, ANA)
    assert_problem(leads.put("/account-sharing", user=BEN, json_body={"level": "names"}), 403)
    assert_problem(leads.put("/account-sharing", json_body={"level": "everything"}), 422, "level")
    assert leads.get("/account-sharing", user=CLEO).json() == {"level": "none"}
    assert_problem(leads.get(f"/accounts/{mine}/overlaps", user=ZED), 404)
    assert_problem(leads.get(f"/accounts/{mine}/overlaps", user=SALLY), 404)

"""Every route of the leads API by an outsider: another vendor gets 404 for acme's objects and none of
acme's data in any list; no token gets 401; a user without roles gets 403 (public routes excepted).

The routes come from template.yaml: a route added there without a recipe here fails. A recipe builds
what the route needs in acme's world (the standard program plus one of everything) and names the
request aimed at acme's object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from local.template import template
from tests.helpers.assertions import assert_problem
from tests.helpers.lambda_runtime import ApiClient
from tests.helpers.leads_world import CONTOSO, DINA, DIST_A, NORTHWIND, ROB
from tests.helpers.people import ANA, NOROLE, SALLY, ZED

FUNCTION = "LeadsApiFunction"
SECRET = "Zanzibar Secret Holdings"  # acme's customer: must never show to an outsider
ROUTES = sorted(route.route_key for route in template().routes if route.function == FUNCTION)


@dataclass
class World:
    ids: dict[str, str]


@dataclass(frozen=True)
class Recipe:
    """The request aimed at acme's world; ``collection``: the outsider gets its own (empty) answer."""

    request: Callable[[World], tuple[str, dict[str, Any] | None]]
    collection: bool = False
    public: bool = False


def _build(api: ApiClient) -> World:
    def ok(response: Any) -> dict[str, Any]:
        assert response.status in (200, 201), response.text
        body: dict[str, Any] = response.json()
        return body

    ids: dict[str, str] = {}
    ids["lead"] = ok(
        api.post(
            "/leads",
            json_body={"company_name": SECRET, "partnership_id": NORTHWIND, "website": "zanzibar.example"},
        )
    )["id"]
    ids["partner_lead"] = ok(
        api.post(
            "/leads",
            user=SALLY,
            json_body={
                "company_name": SECRET,
                "partnership_id": NORTHWIND,
                "website": "zanzibar-two.example",
            },
        )
    )["id"]
    via = ok(
        api.post(
            "/leads",
            user=DINA,
            json_body={"company_name": SECRET, "partnership_id": DIST_A, "reseller_partnership_id": CONTOSO},
        )
    )["id"]
    ids["deal"] = ok(api.post(f"/leads/{via}/accept", user=ROB))["deal_id"]
    ids["internal_deal"] = ok(api.post("/deals", json_body={"name": SECRET}))["id"]
    ids["referral"] = ok(
        api.post(f"/deals/{ids['internal_deal']}/referrals", json_body={"partnership_id": NORTHWIND})
    )["id"]
    return World(ids=ids)


RECIPES: dict[str, Recipe] = {
    "GET /leads": Recipe(lambda w: ("/leads?tab=sent", None), collection=True),
    "POST /leads": Recipe(lambda w: ("/leads", {"company_name": "X", "partnership_id": NORTHWIND})),
    "GET /leads/{lead_id}": Recipe(lambda w: (f"/leads/{w.ids['lead']}", None)),
    "POST /leads/{lead_id}/send": Recipe(
        lambda w: (f"/leads/{w.ids['lead']}/send", {"partnership_id": NORTHWIND})
    ),
    "POST /leads/{lead_id}/accept": Recipe(lambda w: (f"/leads/{w.ids['lead']}/accept", None)),
    "POST /leads/{lead_id}/decline": Recipe(lambda w: (f"/leads/{w.ids['lead']}/decline", {"reason": "no"})),
    "PUT /leads/{lead_id}/assignees": Recipe(
        lambda w: (f"/leads/{w.ids['lead']}/assignees", {"user_ids": []})
    ),
    "PUT /leads/{lead_id}/registration": Recipe(
        lambda w: (f"/leads/{w.ids['partner_lead']}/registration", {"decision": "approved"})
    ),
    "GET /leads/{lead_id}/suggestions": Recipe(lambda w: (f"/leads/{w.ids['lead']}/suggestions", None)),
    "GET /lead-settings": Recipe(lambda w: ("/lead-settings", None), collection=True),
    "PUT /lead-settings": Recipe(lambda w: ("/lead-settings", {"registration_days": 10}), collection=True),
    "POST /deals": Recipe(lambda w: ("/deals", {"name": "Mine"}), collection=True),
    "GET /deals": Recipe(lambda w: ("/deals?tab=network", None), collection=True),
    "GET /deals/{deal_id}": Recipe(lambda w: (f"/deals/{w.ids['deal']}", None)),
    "PATCH /deals/{deal_id}": Recipe(lambda w: (f"/deals/{w.ids['internal_deal']}", {"name": "Mine"})),
    "POST /deals/{deal_id}/referrals": Recipe(lambda w: (f"/deals/{w.ids['internal_deal']}/referrals", {})),
    "POST /routing/suggestions": Recipe(
        lambda w: ("/routing/suggestions", {"country": "DE"}), collection=True
    ),
    "GET /referrals": Recipe(lambda w: ("/referrals?direction=in", None), collection=True),
    "GET /referrals/{referral_id}": Recipe(lambda w: (f"/referrals/{w.ids['referral']}", None)),
    "PUT /referrals/{referral_id}/status": Recipe(
        lambda w: (f"/referrals/{w.ids['referral']}/status", {"status": "accepted"})
    ),
}


@pytest.fixture
def api(service: Callable[..., ApiClient], program: None) -> ApiClient:
    return service("leads", ANA)


@pytest.mark.parametrize("route_key", ROUTES)
def test_an_outsider_gets_nothing_of_acme(api: ApiClient, route_key: str) -> None:
    recipe = RECIPES.get(route_key)
    assert recipe is not None, f"{route_key} has no recipe in {__name__}: add one"
    world = _build(api)
    method = route_key.split(" ", 1)[0].lower()
    path, body = recipe.request(world)
    query: dict[str, str] = {}
    if "?" in path:
        path, raw = path.split("?", 1)
        query = dict(part.split("=", 1) for part in raw.split("&"))

    def call(**kwargs: Any) -> Any:
        return getattr(api, method)(
            path, query=query, **({"json_body": body} if body is not None else {}), **kwargs
        )

    # another vendor: 404 for acme's object, its own empty answer for a collection
    response = call(user=ZED)
    if recipe.collection:
        assert response.status in (200, 201), response.text
    else:
        assert_problem(response, 404)
    assert SECRET not in response.text
    for value in world.ids.values():
        assert value not in response.text.replace(path, "")

    if recipe.public:
        return
    assert_problem(call(claims={}), 401)
    assert_problem(call(user=NOROLE), 403)

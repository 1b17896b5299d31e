"""Every route of the portal API by every kind of caller (tests/portal_matrix/__init__.py has the table).

The routes come from template.yaml: a route added there without a recipe fails here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest

import tests.portal_matrix as matrix
from local.template import template
from portal.logic.access import PARTNER_ROOMS
from tests.helpers.lambda_runtime import ApiClient, ApiResponse, User
from tests.helpers.people import ANA, BEN, CLEO, NOROLE, ZED
from tests.helpers.portal_world import (
    CONTOSO,
    CONTOSO_ADMIN,
    DIST_A,
    DIST_A_ADMIN,
    DIST_B,
    DIST_B_ADMIN,
    GLOBEX,
    GLOBEX_ADMIN,
    NORTHWIND,
    PEOPLE,
)
from tests.portal_matrix import SECRET, TIER_SECRET, Kind, Recipe, Setup

FUNCTION = "PortalApiFunction"
ROUTES = sorted(route.route_key for route in template().routes if route.function == FUNCTION)
OK = frozenset({200, 201, 202, 204})

MODULES = {
    name: importlib.import_module(f"tests.portal_matrix.{name}")
    for _, name, _ in pkgutil.iter_modules(matrix.__path__)
}
RECIPES: dict[str, tuple[str, Recipe]] = {
    route: (name, recipe) for name, module in MODULES.items() for route, recipe in module.RECIPES.items()
}

NO_TOKEN = None
VENDOR_PEOPLE = (ANA, BEN, CLEO, NOROLE)
PARTNER_PEOPLE = tuple(PEOPLE.values())


def test_every_route_has_a_recipe() -> None:
    assert sorted(set(ROUTES) - set(RECIPES)) == [], "add a recipe in tests/portal_matrix/<area>.py"
    assert sorted(set(RECIPES) - set(ROUTES)) == [], "recipes for routes template.yaml no longer has"


def test_no_two_areas_claim_one_route() -> None:
    claimed = [route for module in MODULES.values() for route in module.RECIPES]
    assert len(claimed) == len(set(claimed))


def _expected(recipe: Recipe, user: User | None) -> int | None:
    """The status the caller must get on its own partnership's path; None: any ok status."""
    if user is None:
        return 401
    vendor_side = user.organisation_id == "acme"
    roles = set(user.roles)
    if recipe.kind is Kind.ANYONE:
        return None
    if recipe.kind is Kind.PARTNER:
        return 403 if vendor_side or user.organisation_id == "acme-corp" else None
    if recipe.kind is Kind.VENDOR:
        if user is ZED:
            return None if recipe.collection else 404
        if not vendor_side or not roles & {"admin", "partner_manager", "member"}:
            return 403
        return 403 if recipe.write and not roles & {"admin", "partner_manager"} else None
    # a partnership route
    if user in (ZED, GLOBEX_ADMIN, DIST_B_ADMIN):
        return 404
    if vendor_side:
        if not roles & {"admin", "partner_manager", "member"}:
            return 403
        if recipe.write and (not roles & {"admin", "partner_manager"} or not recipe.vendor_writes):
            return 403
        return None
    assert recipe.room is not None
    if recipe.network and user is not DIST_A_ADMIN:
        return 404  # the caller's own partnership is no distributor's
    if not roles & set(PARTNER_ROOMS[recipe.room]):
        return 403
    if recipe.write and not recipe.partner_writes:
        return 403
    if recipe.tiered and user is CONTOSO_ADMIN:
        return 404
    return None


def _partnership_of(user: User | None, recipe: Recipe) -> str:
    if recipe.network:
        return DIST_A
    if user is not None and user.organisation_id == "northwind":
        return NORTHWIND
    if user is CONTOSO_ADMIN:
        return CONTOSO
    return NORTHWIND


def _callers(recipe: Recipe) -> list[User | None]:
    partner_side = [*PARTNER_PEOPLE, CONTOSO_ADMIN] if not recipe.network else [DIST_A_ADMIN, PEOPLE["sales"]]
    return [*VENDOR_PEOPLE, ZED, *partner_side, GLOBEX_ADMIN, DIST_B_ADMIN, NO_TOKEN]


@pytest.fixture
def world(portal_world: None, service: Callable[..., ApiClient],
          portal_project: Callable[..., Any], request: pytest.FixtureRequest) -> dict[str, str]:
    module_name, _ = RECIPES[request.node.callspec.params["route_key"]]
    api = service("portal", ANA)
    ids = MODULES[module_name].setup(Setup(api=api.as_user, project=portal_project))
    return {**ids, "reseller": NORTHWIND}


def _call(api: ApiClient, route_key: str, recipe: Recipe, ids: dict[str, str], user: User | None,
          partnership: str) -> ApiResponse:
    method = route_key.split(" ", 1)[0].lower()
    path, body = recipe.request({**ids, "partnership": partnership})
    bare, _, query = path.partition("?")
    kwargs: dict[str, Any] = {}
    if query:
        kwargs["query"] = dict(part.split("=", 1) for part in query.split("&"))
    if body is not None:
        kwargs["json_body"] = body
    if user is None:
        kwargs["claims"] = {}
    else:
        kwargs["user"] = user
    response: ApiResponse = getattr(api, method)(bare, **kwargs)
    return response


def _check(response: ApiResponse, expected: int | None, user: User | None, route_key: str) -> None:
    who = user.user_id if user else "no token"
    if expected is None:
        assert response.status in OK, f"{route_key} as {who}: {response.status} {response.text}"
    else:
        assert response.status == expected, f"{route_key} as {who}: {response.status} {response.text}"
    outsider = user is None or user.organisation_id not in {"acme", "northwind", "contoso"}
    if outsider:
        assert SECRET not in response.text, f"{route_key} as {who} leaked acme's data"
    if user is CONTOSO_ADMIN or outsider:
        assert TIER_SECRET not in response.text, f"{route_key} as {who} leaked gold-only content"


@pytest.mark.parametrize("route_key", ROUTES)
def test_every_caller_gets_what_the_matrix_says(
    world: dict[str, str], service: Callable[..., ApiClient], route_key: str,
) -> None:
    _, recipe = RECIPES[route_key]
    api = service("portal", ANA)
    allowed: list[User | None] = []
    for user in _callers(recipe):
        expected = _expected(recipe, user)
        if expected is None and recipe.write:
            allowed.append(user)  # one of them writes below, after every refusal
            continue
        response = _call(api, route_key, recipe, world, user, _partnership_of(user, recipe))
        _check(response, expected, user, route_key)
    # a partner of another vendor through its own partnership, naming acme's objects
    path, _ = recipe.request({**world, "partnership": GLOBEX})
    names_acme_objects = any(value in path for name, value in world.items() if name != "reseller")
    if recipe.kind is Kind.PARTNERSHIP and names_acme_objects:
        foreign = _call(api, route_key, recipe, world, GLOBEX_ADMIN, GLOBEX)
        _check(foreign, 404, GLOBEX_ADMIN, route_key)
    # distributor B through its own partnership, naming DIST_A's reseller
    if recipe.network:
        foreign = _call(api, route_key, recipe, world, DIST_B_ADMIN, DIST_B)
        _check(foreign, 404, DIST_B_ADMIN, route_key)
    if allowed:
        owner = allowed[0]
        response = _call(api, route_key, recipe, world, owner, _partnership_of(owner, recipe))
        _check(response, None, owner, route_key)

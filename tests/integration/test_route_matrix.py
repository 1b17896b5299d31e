"""Every route of the partners API by every kind of caller: the status each one gets, and nothing more.

The routes come from template.yaml, so a route added there without a recipe in
tests/helpers/route_matrix.py fails here. Each cell starts from the same world (see the helper);
for each it checks the status, problem+json for a refusal, that a refusal (or a read) wrote
nothing, and that a caller outside acme sees none of acme's data but what it is party to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from moto import mock_aws

from local.template import template
from tests.helpers.assertions import PROBLEM_JSON, assert_problem
from tests.helpers.aws import create_stack
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner
from tests.helpers.people import ANA
from tests.helpers.route_matrix import (
    FUNCTION,
    OTHER_VENDOR,
    OWNER,
    PRINCIPALS,
    RECIPES,
    TABLE,
    VENDOR_PEOPLE,
    TableSnapshot,
    World,
    build_world,
    foreign_strings_in,
    send,
)
from trellis.errors import Unauthorized
from trellis.principal import principal_from_claims

ROUTES = [route.route_key for route in template().routes if route.function == FUNCTION]


def _cells() -> Iterator[Any]:
    for route_key in ROUTES:
        recipe = RECIPES.get(route_key)
        if recipe is None:
            yield pytest.param(route_key, OWNER, id=f"{route_key} has no recipe")
            continue
        for principal in PRINCIPALS:
            finding = recipe.findings.get(principal)
            marks = [pytest.mark.xfail(strict=True, reason=finding)] if finding else []
            yield pytest.param(route_key, principal, marks=marks, id=f"{route_key} as {principal}")


@dataclass(repr=False)
class Matrix:
    api: ApiClient
    world: World
    table: TableSnapshot
    pristine: list[dict[str, Any]]


@pytest.fixture(scope="module")
def _built() -> Iterator[dict[str, Matrix]]:
    """One moto account for the module: the world is built once (per xdist worker), then restored per cell."""
    with mock_aws():
        yield {}


@pytest.fixture
def matrix(_built: dict[str, Matrix], test_environment: dict[str, str]) -> Matrix:
    """The world as built, whatever the previous cell did to it."""
    if "matrix" not in _built:
        stack = create_stack()
        runner = FunctionRunner(stack=stack, function=stack.template.functions[FUNCTION])
        api = ApiClient(runner=runner, user=ANA)
        world = build_world(api)
        table = TableSnapshot(stack, TABLE)
        table.take()
        _built["matrix"] = Matrix(api=api, world=world, table=table, pristine=table.items())
    built = _built["matrix"]
    built.table.restore()
    return built


@pytest.mark.parametrize(("route_key", "principal"), list(_cells()))
def test_route_matrix(matrix: Matrix, route_key: str, principal: str) -> None:
    recipe = RECIPES.get(route_key)
    if recipe is None:
        pytest.fail(f"add a recipe for {route_key} to RECIPES in tests/helpers/route_matrix.py: "
                    "the request its owner sends and who may call it")
    world = matrix.world
    method = route_key.split(" ", 1)[0]
    path = recipe.path(world)
    caller = recipe.policy.owner if principal == OWNER else principal
    expected = recipe.policy.status(principal)

    response = send(matrix.api, method, path, user=world.users.get(caller),
                    body=recipe.body(world) if recipe.body else None)

    assert response.status == expected, (
        f"{method} {path} as {principal} ({recipe.policy.name}): expected {expected}, got {response.status} "
        f"{response.text}"
    )
    if expected >= 400:
        assert_problem(response, expected)
    elif expected == 204:
        assert response.text == ""
    else:
        assert response.content_type == "application/json"
    if expected >= 400 or method == "GET":
        assert matrix.table.items() == matrix.pristine, f"{method} {path} as {principal} wrote to the table"
    if caller not in VENDOR_PEOPLE:
        forbidden = world.private - world.seen_by.get(caller, frozenset())
        assert foreign_strings_in(response, path, forbidden) == [], f"{principal} sees acme's data"


def test_every_recipe_is_a_route_of_the_template() -> None:
    assert sorted(set(RECIPES) - set(ROUTES)) == [], "recipes for routes template.yaml no longer has"


@pytest.mark.parametrize("claims", [None, {}, {"sub": "u-ana"}, {"custom:org_id": "acme"}])
def test_a_request_naming_no_user_and_organisation_is_unauthorized(claims: dict[str, str] | None) -> None:
    with pytest.raises(Unauthorized):
        principal_from_claims(claims)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"token": "acme.not-a-real-token-at-all-but-long-enough-000000", "name": "Eve"}, 404, "token"),
        ({"name": "Eve"}, 422, "token"),
    ],
)
def test_the_public_accept_route_answers_its_own_validation_without_a_token(
    matrix: Matrix, body: dict[str, str], status: int, field: str,
) -> None:
    response = send(matrix.api, "POST", "/invitations/accept", user=None, body=body)

    assert response.content_type == PROBLEM_JSON
    assert_problem(response, status, field)
    assert matrix.table.items() == matrix.pristine


UNKNOWN_ID = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/distributors/{distributor}/resellers", None),
        ("POST", "/distributors/{distributor}/resellers", {"reseller_id": "{reseller}"}),
        ("DELETE", "/distributors/{distributor}/resellers/{reseller}", None),
        ("GET", "/partnerships/{reseller}/distributors", None),
    ],
)
def test_another_vendor_with_its_module_off_gets_the_same_answer_for_acmes_ids_as_for_unknown_ones(
    matrix: Matrix, method: str, path: str, body: dict[str, str] | None,
) -> None:
    """With the caller's own module off these routes answer 409 before looking the ids up (not 404).

    The matrix gives acme-corp its module on, so its cells prove the 404; here: the 409 tells
    acme-corp nothing about acme's partnerships, it is the same for ids that exist nowhere.
    """
    zed = matrix.world.users[OTHER_VENDOR]
    assert send(matrix.api, "PUT", "/distributor-module", user=zed, body={"enabled": False}).status == 200
    world = matrix.world
    written = matrix.table.items()

    def answer(distributor: str, reseller: str) -> tuple[int, str]:
        def fill(text: str) -> str:
            return text.format(distributor=distributor, reseller=reseller)

        request = {name: fill(value) for name, value in body.items()} if body else None
        response = send(matrix.api, method, fill(path), user=zed, body=request)
        problem = assert_problem(response, 409)
        assert foreign_strings_in(response, fill(path), world.private) == []
        return response.status, problem["detail"]

    assert answer(world.distributor, world.reseller) == answer(UNKNOWN_ID, UNKNOWN_ID[::-1])
    assert matrix.table.items() == written

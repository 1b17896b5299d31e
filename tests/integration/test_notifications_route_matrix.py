"""Every route of the notifications API by an outsider: another organisation gets 404 for acme's objects
and nothing of acme's in any list; no token gets 401; a user without the route's role gets 403. And every
route by each vendor role (acme's people) and each partner role (northwind's people, on northwind's own
endpoint): the route's success status for the roles the rules allow, 403 for the others.

The routes come from template.yaml: a route added there without a recipe here fails. The world: one
webhook endpoint of acme (with a delivery in its log), one of northwind, and a notification in Ana's inbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from local.template import template
from notifications.logic.catalog import OutboundEvent
from tests.helpers.assertions import assert_problem
from tests.helpers.aws import Stack
from tests.helpers.events import stage_changed
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, User
from tests.helpers.people import ANA, BEN, CLEO, SALLY, YVES, ZED
from tests.helpers.route_matrix import TableSnapshot
from tests.helpers.webhooks import the_internet
from trellis.principal import PARTNER_ROLES, Role

FUNCTION = "NotificationsApiFunction"
ROUTES = sorted(route.route_key for route in template().routes if route.function == FUNCTION)
SECRET = "zanzibar-acme-only"  # in acme's endpoint description and its delivery's data


@dataclass(frozen=True)
class Recipe:
    request: Callable[[dict[str, str]], tuple[str, Any]]
    collection: bool = False  # the outsider gets its own (empty) answer
    # who lacks the role the route needs (None: every signed-in user may call it)
    no_role: User | None = BEN
    # no login: the request's own token is the key (a forged one is refused, whoever sends it)
    public: bool = False
    ok: int = 200  # the route's success status


# The rules (notifications.logic): an inbox and its preferences are every signed-in user's own, whatever
# their roles; webhook endpoints are managed by the organisation's admins (webhook_endpoints.MANAGERS).
MANAGERS = frozenset({Role.ADMIN, Role.PARTNER_ADMIN})
VENDOR_CALLERS = {Role.ADMIN: ANA, Role.PARTNER_MANAGER: BEN, Role.MEMBER: CLEO}
PARTNER_CALLERS = {role: User(f"u-northwind-{role.value}", "northwind", (role.value,),
                              f"{role.value}@northwind.example") for role in sorted(PARTNER_ROLES)}
ROLE_CALLERS: dict[Role, User] = {**VENDOR_CALLERS, **PARTNER_CALLERS}


ENDPOINT = "/webhooks/endpoints/{endpoint}"
RECIPES: dict[str, Recipe] = {
    "GET /notifications": Recipe(lambda w: ("/notifications", None), collection=True, no_role=None),
    "GET /notifications/unread-count": Recipe(
        lambda w: ("/notifications/unread-count", None), collection=True, no_role=None),
    "POST /notifications/{notification_id}/read": Recipe(
        lambda w: (f"/notifications/{w['notification']}/read", None), no_role=None),
    "POST /notifications/read-all": Recipe(lambda w: ("/notifications/read-all", None), collection=True,
                                           no_role=None),
    "GET /notifications/preferences": Recipe(lambda w: ("/notifications/preferences", None), collection=True,
                                             no_role=None),
    "PATCH /notifications/preferences": Recipe(
        lambda w: ("/notifications/preferences", {"digest": "daily"}), collection=True, no_role=None),
    "GET /public/unsubscribe": Recipe(lambda w: ("/public/unsubscribe?token=v1.forged.token", None),
                                      no_role=None, public=True),
    "POST /public/unsubscribe": Recipe(lambda w: ("/public/unsubscribe?token=v1.forged.token", None),
                                       no_role=None, public=True),
    "GET /webhooks/event-types": Recipe(lambda w: ("/webhooks/event-types", None), collection=True),
    "POST /webhooks/endpoints": Recipe(
        lambda w: ("/webhooks/endpoints", {"url": "https://hooks.zed.example/", "event_types": ["deal.won"]}),
        collection=True, ok=201),
    "GET /webhooks/endpoints": Recipe(lambda w: ("/webhooks/endpoints", None), collection=True),
    "GET /webhooks/endpoints/{endpoint_id}": Recipe(lambda w: (ENDPOINT.format(**w), None)),
    "PATCH /webhooks/endpoints/{endpoint_id}": Recipe(lambda w: (ENDPOINT.format(**w), {"description": "x"})),
    "DELETE /webhooks/endpoints/{endpoint_id}": Recipe(lambda w: (ENDPOINT.format(**w), None), ok=204),
    "POST /webhooks/endpoints/{endpoint_id}/rotate-secret": Recipe(
        lambda w: (ENDPOINT.format(**w) + "/rotate-secret", None)),
    "POST /webhooks/endpoints/{endpoint_id}/enable": Recipe(
        lambda w: (ENDPOINT.format(**w) + "/enable", None)),
    "GET /webhooks/endpoints/{endpoint_id}/deliveries": Recipe(
        lambda w: (ENDPOINT.format(**w) + "/deliveries", None)),
}


@pytest.fixture
def world(service: Callable[..., ApiClient], function: Callable[[str], FunctionRunner],
          deliver: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> tuple[ApiClient, dict[str, str]]:
    the_internet(monkeypatch)
    api = service("notifications", ANA)
    created = api.post("/webhooks/endpoints", json_body={
        "url": "https://hooks.acme.example/in", "event_types": ["lead.received"], "description": SECRET})
    assert created.status == 201, created.text
    endpoint = created.json()["id"]
    partners = api.post("/webhooks/endpoints", user=PARTNER_CALLERS[Role.PARTNER_ADMIN], json_body={
        "url": "https://hooks.northwind.example/in", "event_types": ["lead.received"]})
    assert partners.status == 201, partners.text
    from notifications.logic.webhooks import fan_out

    with function("NotificationsConsumerFunction").env_applied():
        event = OutboundEvent("acme", "lead.received", "evt-1", datetime.now(UTC), {"name": SECRET})
        assert fan_out(event) == 1
    assert deliver(stage_changed(assigned=["u-ana"], company_name=SECRET)).failed == []
    notification = api.get("/notifications").json()["items"][0]["id"]
    partner_endpoint = partners.json()["id"]
    return api, {"endpoint": endpoint, "notification": notification, "partner_endpoint": partner_endpoint}


def test_every_route_has_a_recipe() -> None:
    assert sorted(set(ROUTES) - set(RECIPES)) == [], "add a recipe to RECIPES"
    assert sorted(set(RECIPES) - set(ROUTES)) == [], "recipes for routes template.yaml no longer has"


@pytest.mark.parametrize("route_key", ROUTES)
@pytest.mark.parametrize("outsider", [ZED, YVES, SALLY], ids=["other-admin", "other-member", "partner-admin"])
def test_an_outsider_gets_nothing_of_acme(world: tuple[ApiClient, dict[str, str]], route_key: str,
                                          outsider: User) -> None:
    api, ids = world
    recipe = RECIPES[route_key]
    method = route_key.split(" ", 1)[0].lower()
    path, body = recipe.request(ids)

    bare, _, query = path.partition("?")
    if query:
        kwargs_query = dict(part.split("=", 1) for part in query.split("&"))

    def call(**kwargs: Any) -> Any:
        if query:
            kwargs["query"] = kwargs_query
        return getattr(api, method)(bare, **({"json_body": body} if body is not None else {}), **kwargs)

    response = call(user=outsider)
    manages = outsider is not YVES or recipe.no_role is None
    if recipe.public:
        assert_problem(response, 400, "token")
        assert_problem(call(claims={}), 400, "token")
        return
    if recipe.collection and manages:
        assert response.status in (200, 201), response.text
    elif not manages:
        assert response.status in (403, 404), response.text
    else:
        assert_problem(response, 404)
    assert SECRET not in response.text
    assert ids["endpoint"] not in response.text.replace(path, "")

    assert_problem(call(claims={}), 401)
    if recipe.no_role is not None:
        assert_problem(call(user=recipe.no_role), 403)
    # acme's endpoint is as it was
    assert api.get(ENDPOINT.format(**ids)).json()["description"] == SECRET


def _expected(recipe: Recipe, route_key: str, role: Role) -> int:
    """What the rules give ``role`` on its own organisation's object (acme's for vendor roles)."""
    if recipe.public:
        return 400  # the forged token, whoever sends it
    if recipe.no_role is None:  # an inbox: everyone's own
        # the notification is Ana's: another person's inbox has no such notification, whatever the role
        return 404 if "{notification_id}" in route_key and ROLE_CALLERS[role] is not ANA else recipe.ok
    return recipe.ok if role in MANAGERS else 403


@pytest.mark.parametrize("route_key", ROUTES)
def test_each_role_gets_what_the_rules_allow(world: tuple[ApiClient, dict[str, str]], aws: Stack,
                                             route_key: str) -> None:
    """Route by route, every vendor and partner role on its own organisation's object (a fresh world each)."""
    api, ids = world
    recipe = RECIPES[route_key]
    method = route_key.split(" ", 1)[0].lower()
    table = TableSnapshot(aws, "NotificationsTable")
    table.take()
    got: dict[Role, int] = {}
    expected: dict[Role, int] = {}
    for role, caller in ROLE_CALLERS.items():
        table.restore()
        own = ids if role not in PARTNER_ROLES else {**ids, "endpoint": ids["partner_endpoint"]}
        path, body = recipe.request(own)
        bare, _, raw_query = path.partition("?")
        query = dict(part.split("=", 1) for part in raw_query.split("&")) if raw_query else None
        response = getattr(api, method)(bare, user=caller, query=query,
                                        **({"json_body": body} if body is not None else {}))
        got[role], expected[role] = response.status, _expected(recipe, route_key, role)
        if response.status >= 400:
            assert_problem(response, response.status)
        if role in PARTNER_ROLES:
            assert SECRET not in response.text
            assert ids["endpoint"] not in response.text
    assert got == expected, f"{route_key}: by role, got (left) vs the rules (right)"

"""Every route of the notifications API by an outsider: another organisation gets 404 for acme's objects
and nothing of acme's in any list; no token gets 401; a user without the route's role gets 403.

The routes come from template.yaml: a route added there without a recipe here fails. The world: one
webhook endpoint of acme (with a delivery in its log) and a notification in Ana's inbox.
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
from tests.helpers.events import stage_changed
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, User
from tests.helpers.people import ANA, BEN, SALLY, YVES, ZED
from tests.helpers.webhooks import the_internet

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
        collection=True),
    "GET /webhooks/endpoints": Recipe(lambda w: ("/webhooks/endpoints", None), collection=True),
    "GET /webhooks/endpoints/{endpoint_id}": Recipe(lambda w: (ENDPOINT.format(**w), None)),
    "PATCH /webhooks/endpoints/{endpoint_id}": Recipe(lambda w: (ENDPOINT.format(**w), {"description": "x"})),
    "DELETE /webhooks/endpoints/{endpoint_id}": Recipe(lambda w: (ENDPOINT.format(**w), None)),
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
    from notifications.logic.webhooks import fan_out

    with function("NotificationsConsumerFunction").env_applied():
        event = OutboundEvent("acme", "lead.received", "evt-1", datetime.now(UTC), {"name": SECRET})
        assert fan_out(event) == 1
    assert deliver(stage_changed(assigned=["u-ana"], company_name=SECRET)).failed == []
    notification = api.get("/notifications").json()["items"][0]["id"]
    return api, {"endpoint": endpoint, "notification": notification}


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

"""Outbound webhook endpoints through the notifications API: /webhooks/endpoints…, /webhooks/event-types.

Only the organisation's admins (vendor ``admin``, partner ``partner_admin``) see or change them; another
organisation's endpoint is 404 on every route; the signing secret is shown once and kept sealed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from notifications.logic.catalog import WEBHOOK_EVENT_TYPES, OutboundEvent
from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, User
from tests.helpers.people import ANA, BEN, CLEO, NOROLE, SALLY, ZED
from tests.helpers.webhooks import Internet, the_internet

TABLE = "NotificationsTable"
URL = "https://hooks.acme.example/trellis"
PAT_PARTNER = User("u-pete", "northwind", ("sales",))


@pytest.fixture
def internet(monkeypatch: pytest.MonkeyPatch) -> Internet:
    return the_internet(monkeypatch)


@pytest.fixture
def api(service: Callable[..., ApiClient], internet: Internet) -> ApiClient:
    return service("notifications", ANA)


def _create(api: ApiClient, user: User = ANA, **fields: Any) -> dict[str, Any]:
    body = {"url": URL, "event_types": ["lead.received", "deal.won"], **fields}
    response = api.post("/webhooks/endpoints", json_body=body, user=user)
    assert response.status == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# ---------------------------------------------------------------- create, read, list


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(api: ApiClient, aws: Stack) -> None:
    response = api.post("/webhooks/endpoints", json_body={
        "url": URL, "event_types": ["lead.received"], "description": "CRM sync"})
    assert response.status == 201, response.text
    created = response.json()
    assert created["url"] == URL
    assert created["event_types"] == ["lead.received"]
    assert created["description"] == "CRM sync"
    assert created["enabled"] is True
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert len(secret) >= len("whsec_") + 32
    assert created["secret_hint"] == f"whsec_…{secret[-4:]}"
    # One transaction: the endpoint, the organisation's endpoint count and the event
    assert response.calls.operations == ["TransactWriteItems"]

    # The secret is never shown again, nor stored in clear, nor in the event
    shown = api.get(f"/webhooks/endpoints/{created['id']}")
    assert shown.status == 200
    assert "secret" not in shown.json()
    assert secret not in api.get("/webhooks/endpoints").text
    stored = aws.items(TABLE, entity="WebhookEndpoint")
    assert len(stored) == 1
    assert secret not in str(stored)
    assert secret[6:] not in str(stored)
    events = outbox_events(aws, TABLE)
    assert [event["type"] for event in events] == ["WebhookEndpointCreated"]
    assert events[0]["data"] == {"organisation_id": "acme", "endpoint_id": created["id"],
                                 "host": "hooks.acme.example", "event_types": ["lead.received"]}
    assert secret not in str(events)
    assert "/trellis" not in str(events)


def test_a_partner_admin_registers_endpoints_of_the_partner_organisation(api: ApiClient) -> None:
    created = _create(api, user=SALLY)
    assert api.get(f"/webhooks/endpoints/{created['id']}", user=SALLY).status == 200
    listed = api.get("/webhooks/endpoints", user=SALLY).json()["items"]
    assert [item["id"] for item in listed] == [created["id"]]
    assert api.get("/webhooks/endpoints").json()["items"] == []  # acme has none


def test_the_list_shows_every_endpoint_in_one_query(api: ApiClient) -> None:
    ids = [_create(api, description=f"n{index}")["id"] for index in range(3)]
    response = api.get("/webhooks/endpoints")
    assert response.status == 200
    assert sorted(item["id"] for item in response.json()["items"]) == sorted(ids)
    assert response.calls.operations == ["Query"]


def test_the_event_types_are_the_catalogue(api: ApiClient) -> None:
    response = api.get("/webhooks/event-types")
    assert response.status == 200
    listed = {item["type"]: item["description"] for item in response.json()["items"]}
    assert listed == dict(WEBHOOK_EVENT_TYPES)


def test_an_organisation_has_at_most_twenty_endpoints(api: ApiClient) -> None:
    for _ in range(20):
        _create(api)
    assert_problem(api.post("/webhooks/endpoints", json_body={"url": URL, "event_types": ["deal.won"]}), 409)
    # another organisation is not affected
    _create(api, user=ZED)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(("body", "fields"), [
    ({"event_types": ["deal.won"]}, ["url"]),
    ({"url": URL}, ["event_types"]),
    ({"url": URL, "event_types": []}, ["event_types"]),
    ({"url": URL, "event_types": ["deal.lost"]}, ["event_types"]),
    ({"url": URL, "event_types": ["deal.won", "deal.won"]}, ["event_types"]),
    ({"url": URL, "event_types": "deal.won"}, ["event_types"]),
    ({"url": URL, "event_types": ["deal.won"], "description": "x" * 501}, ["description"]),
    ({"url": URL, "event_types": ["deal.won"], "secret": "whsec_mine"}, ["secret"]),
    ({"url": 42, "event_types": ["deal.won"]}, ["url"]),
], ids=["no-url", "no-types", "empty-types", "unknown-type", "twice", "not-a-list", "long-description",
        "own-secret", "url-not-text"])
def test_a_bad_endpoint_is_422_naming_the_field(api: ApiClient, aws: Stack, body: dict[str, Any],
                                                fields: list[str]) -> None:
    assert_problem(api.post("/webhooks/endpoints", json_body=body), 422, *fields)
    assert aws.items(TABLE, entity="WebhookEndpoint") == []


@pytest.mark.parametrize(("url", "because"), [
    ("http://hooks.acme.example/x", "https"),
    ("https://ana:pw@hooks.acme.example/x", "credentials"),
    ("https://hooks.acme.example:22/x", "port 22"),
    ("https://localhost.acme.example/x", "loopback"),
    ("https://internal.acme.example/x", "private"),
    ("https://metadata.acme.example/x", "link-local"),
    ("https://169.254.169.254/latest/meta-data/", "link-local"),
    ("https://[::ffff:10.0.0.1]/x", "private"),
    ("https://nowhere.acme.example/x", "does not resolve"),
])
def test_an_endpoint_that_is_not_public_https_is_422_on_url(api: ApiClient, internet: Internet, url: str,
                                                            because: str) -> None:
    internet.dns.update({"localhost.acme.example": ["127.0.0.1"], "internal.acme.example": ["10.1.2.3"],
                         "metadata.acme.example": ["93.184.215.14", "169.254.169.254"],
                         "nowhere.acme.example": []})
    body = {"url": url, "event_types": ["deal.won"]}
    problem = assert_problem(api.post("/webhooks/endpoints", json_body=body),
                             422, "url")
    assert because in problem["detail"]


# ---------------------------------------------------------------- roles


@pytest.mark.parametrize("user", [BEN, CLEO, NOROLE, PAT_PARTNER],
                         ids=["partner_manager", "member", "no-roles",
                                                                         "partner-sales"])
def test_only_admins_see_or_change_endpoints(api: ApiClient, user: User) -> None:
    endpoint = _create(api, user=ANA if user.organisation_id == "acme" else SALLY)["id"]
    base = f"/webhooks/endpoints/{endpoint}"
    for method, path, body in [
        ("post", "/webhooks/endpoints", {"url": URL, "event_types": ["deal.won"]}),
        ("get", "/webhooks/endpoints", None), ("get", "/webhooks/event-types", None), ("get", base, None),
        ("patch", base, {"description": "x"}), ("delete", base, None),
        ("post", f"{base}/rotate-secret", None),
        ("post", f"{base}/enable", None), ("get", f"{base}/deliveries", None),
    ]:
        response = getattr(api, method)(path, user=user, **({"json_body": body} if body else {}))
        assert_problem(response, 403)


# ---------------------------------------------------------------- change, rotate, enable, delete


def test_an_admin_changes_the_url_types_and_description(api: ApiClient, aws: Stack,
                                                        internet: Internet) -> None:
    endpoint = _create(api, description="old")
    path = f"/webhooks/endpoints/{endpoint['id']}"
    response = api.patch(path, json_body={"url": "https://new.acme.example/in", "event_types": ["deal.won"],
                                          "description": None})
    assert response.status == 200, response.text
    changed = response.json()
    assert (changed["url"], changed["event_types"], changed["description"]) == (
        "https://new.acme.example/in", ["deal.won"], None)
    assert api.get(path).json() == changed
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "WebhookEndpointUpdated"
    assert event["data"]["changed"] == ["url", "event_types", "description"]
    assert event["data"]["host"] == "new.acme.example"
    # a URL that is not public is refused on change too, and nothing changes
    internet.dns["private.acme.example"] = ["192.168.0.10"]
    assert_problem(api.patch(path, json_body={"url": "https://private.acme.example/"}), 422, "url")
    assert_problem(api.patch(path, json_body={"event_types": []}), 422, "event_types")
    assert_problem(api.patch(path, json_body={}), 422)
    assert_problem(api.patch(path, json_body={"url": None}), 422)
    assert api.get(path).json() == changed


def test_rotation_shows_a_new_secret_once_and_keeps_the_old_one_a_day(api: ApiClient, aws: Stack) -> None:
    endpoint = _create(api)
    response = api.post(f"/webhooks/endpoints/{endpoint['id']}/rotate-secret")
    assert response.status == 200, response.text
    rotated = response.json()
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != endpoint["secret"]
    until = datetime.fromisoformat(rotated["previous_secret_valid_until"])
    assert 23.9 * 3600 < (until - datetime.now(UTC)).total_seconds() <= 24 * 3600
    shown = api.get(f"/webhooks/endpoints/{endpoint['id']}").json()
    assert "secret" not in shown
    assert shown["secret_hint"] == f"whsec_…{rotated['secret'][-4:]}"
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "WebhookEndpointSecretRotated"
    assert rotated["secret"] not in str(event)
    assert endpoint["secret"] not in str(event)


def test_delete_removes_the_endpoint_and_frees_its_place(api: ApiClient, aws: Stack) -> None:
    endpoint = _create(api)
    response = api.delete(f"/webhooks/endpoints/{endpoint['id']}")
    assert response.status == 204, response.text
    assert_problem(api.get(f"/webhooks/endpoints/{endpoint['id']}"), 404)
    assert_problem(api.delete(f"/webhooks/endpoints/{endpoint['id']}"), 404)
    assert outbox_events(aws, TABLE)[-1]["type"] == "WebhookEndpointDeleted"
    assert [item["endpoints"] for item in aws.items(TABLE, entity="WebhookEndpointCount")] == [0]


def test_enabling_an_enabled_endpoint_changes_nothing(api: ApiClient, aws: Stack) -> None:
    endpoint = _create(api)
    response = api.post(f"/webhooks/endpoints/{endpoint['id']}/enable")
    assert response.status == 200
    assert response.json()["enabled"] is True
    assert [event["type"] for event in outbox_events(aws, TABLE)] == ["WebhookEndpointCreated"]


# ---------------------------------------------------------------- the delivery log


def test_the_delivery_log_pages_newest_first(api: ApiClient,
                                             function: Callable[[str], FunctionRunner]) -> None:
    endpoint = _create(api)
    from notifications.logic.webhooks import fan_out

    with function("NotificationsConsumerFunction").env_applied():
        for minute in range(5):
            fan_out(OutboundEvent("acme", "lead.received", f"event-{minute}",
                                  datetime(2026, 3, 2, 10, minute, tzinfo=UTC), {"lead_id": str(minute)}))
    seen, cursor = [], None
    for _ in range(5):
        response = api.get(f"/webhooks/endpoints/{endpoint['id']}/deliveries",
                           query={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status == 200, response.text
        assert response.calls.operations == ["GetItem", "Query"]
        seen += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert [item["event_id"] for item in seen] == [f"event-{minute}" for minute in reversed(range(5))]
    first = seen[0]
    assert (first["event_type"], first["status"], first["attempts"]) == ("lead.received", "pending", 0)
    assert first["next_attempt_at"] is not None
    assert first["last_status_code"] is None
    # a cursor of another endpoint's log is refused
    other = _create(api)
    foreign = api.get(f"/webhooks/endpoints/{other['id']}/deliveries", query={"cursor": cursor or "x"})
    assert_problem(foreign, 400)


# ---------------------------------------------------------------- another organisation


def test_another_organisations_endpoint_is_404_on_every_route(api: ApiClient, aws: Stack) -> None:
    endpoint = _create(api)
    base = f"/webhooks/endpoints/{endpoint['id']}"
    for outsider in (ZED, SALLY):
        for method, path, body in [
            ("get", base, None), ("patch", base, {"description": "mine now"}), ("delete", base, None),
            ("post", f"{base}/rotate-secret", None), ("post", f"{base}/enable", None),
            ("get", f"{base}/deliveries", None),
        ]:
            response = getattr(api, method)(path, user=outsider, **({"json_body": body} if body else {}))
            assert_problem(response, 404)
        assert api.get("/webhooks/endpoints", user=outsider).json()["items"] == []
    assert api.get(base).json()["description"] is None
    assert [event["type"] for event in outbox_events(aws, TABLE)] == ["WebhookEndpointCreated"]


def test_a_malformed_endpoint_id_is_422(api: ApiClient) -> None:
    assert_problem(api.get("/webhooks/endpoints/not-an-id"), 422)

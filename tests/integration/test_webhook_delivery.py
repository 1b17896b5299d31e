"""Outbound webhook deliveries: ``fan_out`` (called by the notifications consumer) and the webhook worker.

The internet is replaced (tests.helpers.webhooks): DNS answers and the endpoints' servers. Signatures
are checked with the Standard Webhooks reference library (``standardwebhooks``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from notifications.logic import webhooks
from notifications.logic.catalog import OutboundEvent
from tests.helpers.assertions import outbox_events
from tests.helpers.aws import Stack, client
from tests.helpers.dynamodb_calls import recording
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner
from tests.helpers.people import ANA, ZED
from tests.helpers.webhooks import Internet, drain, the_internet, work

TABLE = "NotificationsTable"
HOST = "hooks.acme.example"


@pytest.fixture
def internet(monkeypatch: pytest.MonkeyPatch) -> Internet:
    return the_internet(monkeypatch)


@pytest.fixture
def api(service: Callable[..., ApiClient], internet: Internet) -> ApiClient:
    return service("notifications", ANA)


@pytest.fixture
def worker(function: Callable[[str], FunctionRunner]) -> FunctionRunner:
    return function("NotificationsWebhookWorkerFunction")


@pytest.fixture
def fan_out(function: Callable[[str], FunctionRunner]) -> Callable[..., int]:
    consumer = function("NotificationsConsumerFunction")

    def call(event_id: str = "evt-1", *, organisation_id: str = "acme", event_type: str = "lead.received",
             data: dict[str, Any] | None = None) -> int:
        event = OutboundEvent(organisation_id, event_type, event_id, datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
                              data if data is not None else {"lead_id": "l-1", "company_name": "Zanzibar"})
        with consumer.env_applied():
            return webhooks.fan_out(event)

    return call


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime.now(UTC)
        monkeypatch.setattr(webhooks, "clock", lambda: self.now)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def _endpoint(api: ApiClient, url: str = f"https://{HOST}/in", types: tuple[str, ...] = ("lead.received",),
              user: Any = ANA) -> dict[str, Any]:
    response = api.post("/webhooks/endpoints", json_body={"url": url, "event_types": list(types)}, user=user)
    assert response.status == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _log(api: ApiClient, endpoint: dict[str, Any]) -> list[dict[str, Any]]:
    response = api.get(f"/webhooks/endpoints/{endpoint['id']}/deliveries")
    assert response.status == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _run(aws: Stack, worker: FunctionRunner) -> list[dict[str, Any]]:
    """Hand every queued message to the worker (each its own batch); returns the messages handled."""
    handled = []
    for queued in drain(aws):
        response = work(aws, worker, queued.body)
        assert response["batchItemFailures"] == []
        handled.append(queued.body)
    return handled


# ---------------------------------------------------------------- fan-out


def test_fan_out_queues_one_delivery_per_enabled_subscribed_endpoint(api: ApiClient, aws: Stack,
                                                                     fan_out: Callable[..., int]) -> None:
    wanted = _endpoint(api)
    _endpoint(api, types=("deal.won",))  # another event type
    _endpoint(api, user=ZED)  # another organisation
    with recording() as calls:
        assert fan_out() == 1
    assert calls.operations == ["Query", "TransactWriteItems"]
    queued = drain(aws)
    assert [(q.body["endpoint_id"], q.body["attempt"], q.delay) for q in queued] == [(wanted["id"], 0, 0)]
    [delivery] = _log(api, wanted)
    assert (delivery["event_id"], delivery["status"], delivery["attempts"]) == ("evt-1", "pending", 0)
    expires = aws.items(TABLE, entity="WebhookDelivery")[0]["expires_at"]
    assert 29 * 86400 < float(expires) - datetime.now(UTC).timestamp() <= 30 * 86400


def test_fan_out_again_adds_nothing_and_requeues_what_is_pending(api: ApiClient, aws: Stack,
                                                                 fan_out: Callable[..., int]) -> None:
    first, second = _endpoint(api), _endpoint(api)
    assert fan_out() == 2
    drain(aws)  # the process "died" after writing; the messages are lost
    assert fan_out() == 0
    assert sorted(q.body["endpoint_id"] for q in drain(aws)) == sorted([first["id"], second["id"]])
    assert len(aws.items(TABLE, entity="WebhookDelivery")) == 2
    # an endpoint added since gets the redelivered event; the others are not doubled
    third = _endpoint(api)
    assert fan_out() == 1
    assert len(_log(api, third)) == 1
    assert len(_log(api, first)) == 1


def test_an_organisation_without_endpoints_costs_one_query(fan_out: Callable[..., int], aws: Stack) -> None:
    with recording() as calls:
        assert fan_out() == 0
    assert calls.operations == ["Query"]
    assert drain(aws) == []


def test_fan_out_refuses_an_unknown_event_type(fan_out: Callable[..., int]) -> None:
    with pytest.raises(ValueError, match="webhook event type"):
        fan_out(event_type="lead.exploded")


# ---------------------------------------------------------------- one attempt


def test_a_delivery_is_a_signed_post_the_reference_library_accepts(
    api: ApiClient, aws: Stack, worker: FunctionRunner, internet: Internet, fan_out: Callable[..., int],
) -> None:
    endpoint = _endpoint(api)
    fan_out()
    _run(aws, worker)
    [request] = internet.received
    assert (request.address, request.host, request.target) == ("93.184.215.14", HOST, "/in")
    assert request.json() == {"type": "lead.received", "timestamp": "2026-03-02T10:00:00Z",
                              "data": {"lead_id": "l-1", "company_name": "Zanzibar"}}
    assert request.headers["content-type"] == "application/json"
    assert Webhook(endpoint["secret"]).verify(request.body, request.headers) == request.json()
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(request.body, request.headers)
    [delivery] = _log(api, endpoint)
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == ("succeeded", 1, 200)
    assert delivery["next_attempt_at"] is None
    assert drain(aws) == []


def test_a_duplicate_message_makes_no_second_call(api: ApiClient, aws: Stack, worker: FunctionRunner,
                                                  internet: Internet, fan_out: Callable[..., int]) -> None:
    _endpoint(api)
    fan_out()
    [queued] = drain(aws)
    work(aws, worker, queued.body)
    work(aws, worker, queued.body)  # SQS delivered it twice
    assert len(internet.received) == 1


def test_failures_are_retried_on_the_standard_webhooks_schedule_then_the_delivery_fails(
    api: ApiClient, aws: Stack, worker: FunctionRunner, internet: Internet, fan_out: Callable[..., int],
    clock: Clock,
) -> None:
    endpoint = _endpoint(api)
    internet.answers[HOST] = [503]
    fan_out()
    webhook_ids = set()
    waits = [5, 300, 1800, 7200, 18000, 36000, 36000]
    for attempt, wait in enumerate([*waits, None]):
        [queued] = drain(aws)
        assert queued.body["attempt"] == attempt
        work(aws, worker, queued.body)
        webhook_ids.add(internet.received[-1].headers["webhook-id"])
        [delivery] = _log(api, endpoint)
        assert delivery["attempts"] == attempt + 1
        assert (delivery["last_status_code"], delivery["last_error"]) == (503, "HTTP 503: nope")
        if wait is None:
            assert delivery["status"] == "failed"
            assert delivery["next_attempt_at"] is None
            break
        assert delivery["status"] == "pending"
        due = datetime.fromisoformat(delivery["next_attempt_at"])
        assert due - clock.now == timedelta(seconds=wait)
        # waits longer than SQS allows are chained: the message comes back early and is sent on again
        while True:
            [next_message] = drain(aws)
            assert next_message.delay == min(900, round((due - clock.now).total_seconds()))
            clock.advance(seconds=next_message.delay)
            if clock.now >= due:
                aws_queue_put_back(aws, worker, next_message.body)
                break
            work(aws, worker, next_message.body)
            assert len(internet.received) == attempt + 1  # nothing called while waiting
    assert len(internet.received) == 8
    assert drain(aws) == []
    assert len(webhook_ids) == 1  # the same webhook-id on every retry


def aws_queue_put_back(aws: Stack, worker: FunctionRunner, body: dict[str, Any]) -> None:
    """Send a message the test took off the queue back to it (it is due now)."""
    client("sqs").send_message(QueueUrl=aws.queue_urls["NotificationsWebhookQueue"],
                               MessageBody=json.dumps(body))


def test_a_timeout_or_refused_connection_is_a_failed_attempt(
    api: ApiClient, aws: Stack, worker: FunctionRunner, internet: Internet, fan_out: Callable[..., int],
) -> None:
    endpoint = _endpoint(api)
    internet.answers[HOST] = [TimeoutError("read timed out")]
    fan_out()
    _run(aws, worker)
    [delivery] = _log(api, endpoint)
    assert delivery["status"] == "pending"
    assert delivery["last_status_code"] is None
    assert delivery["last_error"] == "TimeoutError: read timed out"
    assert api.get(f"/webhooks/endpoints/{endpoint['id']}").json()["consecutive_failures"] == 1


def test_an_endpoint_whose_address_turned_private_is_not_called(
    api: ApiClient, aws: Stack, worker: FunctionRunner, internet: Internet, fan_out: Callable[..., int],
) -> None:
    # Given an endpoint registered while its host was public, whose DNS now answers a private address
    endpoint = _endpoint(api)
    internet.dns[HOST] = ["10.0.0.5"]
    fan_out()
    _run(aws, worker)
    # Then nothing is sent and the attempt failed, saying why
    assert internet.received == []
    [delivery] = _log(api, endpoint)
    assert delivery["status"] == "pending"
    assert delivery["attempts"] == 1
    assert "10.0.0.5 is a private address" in delivery["last_error"]


# ---------------------------------------------------------------- rotation


def test_during_a_rotation_both_secrets_sign_and_either_verifies(
    api: ApiClient, aws: Stack, worker: FunctionRunner, internet: Internet, fan_out: Callable[..., int],
    clock: Clock,
) -> None:
    endpoint = _endpoint(api)
    rotated = api.post(f"/webhooks/endpoints/{endpoint['id']}/rotate-secret").json()
    fan_out()
    _run(aws, worker)
    request = internet.received[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (rotated["secret"], endpoint["secret"]):
        assert Webhook(secret).verify(request.body, request.headers)["type"] == "lead.received"
    # A day later only the new secret signs
    clock.advance(hours=24, seconds=1)
    fan_out("evt-2")
    _run(aws, worker)
    request = internet.received[-1]
    signatures = request.headers["webhook-signature"].split(" ")
    stamp = datetime.fromtimestamp(int(request.headers["webhook-timestamp"]), tz=UTC)
    expected = Webhook(rotated["secret"]).sign(request.headers["webhook-id"], stamp, request.body.decode())
    assert signatures == [expected]


# ---------------------------------------------------------------- disabling


def test_an_endpoint_failing_ten_times_in_a_row_is_disabled_until_its_owner_enables_it(
    api: ApiClient, aws: Stack, worker: FunctionRunner, internet: Internet, fan_out: Callable[..., int],
    clock: Clock,
) -> None:
    endpoint = _endpoint(api)
    internet.answers[HOST] = [500]
    # nine failures, then a success: the count starts again
    for index in range(9):
        fan_out(f"evt-a{index}")
    _run(aws, worker)
    assert api.get(f"/webhooks/endpoints/{endpoint['id']}").json()["consecutive_failures"] == 9
    drain(aws)  # the retries of those, not needed here
    internet.answers[HOST] = [204]
    fan_out("evt-ok")
    _run(aws, worker)
    assert api.get(f"/webhooks/endpoints/{endpoint['id']}").json()["consecutive_failures"] == 0

    # ten failures in a row disable it
    internet.answers[HOST] = [500]
    for index in range(10):
        fan_out(f"evt-b{index}")
    _run(aws, worker)
    shown = api.get(f"/webhooks/endpoints/{endpoint['id']}").json()
    assert shown["enabled"] is False
    assert shown["disabled_at"] is not None
    assert shown["disabled_reason"].startswith("10 failed attempts in a row; the last: HTTP 500")
    disabled = [event for event in outbox_events(aws, TABLE) if event["type"] == "WebhookEndpointDisabled"]
    assert len(disabled) == 1
    assert disabled[0]["actor"]["kind"] == "system"
    assert disabled[0]["data"]["host"] == HOST
    assert endpoint["secret"] not in str(disabled)
    last = next(item for item in _log(api, endpoint) if item["event_id"] == "evt-b9")
    assert last["status"] == "failed"
    assert "disabled" in last["last_error"]

    # a disabled endpoint gets no new deliveries, and its pending ones stop at their next attempt
    calls = len(internet.received)
    assert fan_out("evt-c") == 0
    clock.advance(seconds=10)  # the retries of evt-b0…8 are due
    _run(aws, worker)
    assert len(internet.received) == calls
    retried = [item for item in _log(api, endpoint) if item["event_id"].startswith("evt-b")]
    assert all(item["status"] == "failed" for item in retried)

    # its owner enables it again: a clean count, and new events are delivered
    enabled = api.post(f"/webhooks/endpoints/{endpoint['id']}/enable")
    assert enabled.status == 200, enabled.text
    assert (enabled.json()["enabled"], enabled.json()["consecutive_failures"]) == (True, 0)
    assert outbox_events(aws, TABLE)[-1]["type"] == "WebhookEndpointEnabled"
    internet.answers[HOST] = [200]
    assert fan_out("evt-d") == 1
    _run(aws, worker)
    assert _log(api, endpoint)[0]["status"] == "succeeded"


def test_a_deleted_endpoints_pending_delivery_stops(api: ApiClient, aws: Stack, worker: FunctionRunner,
                                                    internet: Internet, fan_out: Callable[..., int]) -> None:
    endpoint = _endpoint(api)
    fan_out()
    assert api.delete(f"/webhooks/endpoints/{endpoint['id']}").status == 204
    _run(aws, worker)
    assert internet.received == []
    [item] = aws.items(TABLE, entity="WebhookDelivery")
    assert (item["status"], item["last_error"]) == ("failed", "the endpoint was deleted")

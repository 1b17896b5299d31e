"""Inbound CRM webhooks through the API: settings, deal external ids, HubSpot v3 and Standard Webhooks
deliveries (valid, forged, wrong secret, stale, replayed), what each event does to a deal, and tenancy."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, ApiResponse, User
from tests.helpers.leads_world import NORTHWIND
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED

TABLE = "LeadsTable"
HUBSPOT_SECRET = "6a1c2f0e-hubspot-client-secret"
PORTAL = 62515
DOMAIN = "testapi.execute-api.eu-west-1.amazonaws.com"


@pytest.fixture
def leads(service: Callable[..., ApiClient]) -> ApiClient:
    """The leads API as acme's admin; most tests need only acme's own deals (no partner program)."""
    return service("leads", ANA)


def _ok(response: ApiResponse, status: int = 200) -> Any:
    assert response.status == status, response.text
    return response.json()


def _deal(leads: ApiClient, user: User = ANA, **fields: Any) -> dict[str, Any]:
    body = {"name": "Globex renewal", "currency": "EUR", "amount": "1000", **fields}
    created: dict[str, Any] = _ok(leads.post("/deals", user=user, json_body=body), 201)
    return created


def _link(leads: ApiClient, deal_id: str, *pairs: tuple[str, str], user: User = ANA) -> ApiResponse:
    return leads.put(
        f"/deals/{deal_id}/external-ids",
        user=user,
        json_body={
            "external_ids": [{"system": system, "external_id": external_id} for system, external_id in pairs]
        },
    )


def _hubspot_settings(leads: ApiClient, user: User = ANA, **fields: Any) -> dict[str, Any]:
    body = {"client_secret": HUBSPOT_SECRET, "portal_id": PORTAL, **fields}
    settings: dict[str, Any] = _ok(leads.put("/webhook-settings/hubspot", user=user, json_body=body))
    return settings


def _events(aws: Stack, *types: str) -> list[dict[str, Any]]:
    return [item for item in outbox_events(aws, TABLE) if item["type"] in types]


def _deliveries(aws: Stack) -> list[dict[str, Any]]:
    return [item for item in aws.items(TABLE) if item.get("entity") == "WebhookDelivery"]


# ---------------------------------------------------------------- HubSpot


def _property_change(
    object_id: int,
    name: str,
    value: str,
    *,
    event_id: int = 1,
    occurred_at: int | None = None,
    portal: int = PORTAL,
    attempt: int = 0,
    kind: str = "deal.propertyChange",
) -> dict[str, Any]:
    return {
        "eventId": event_id,
        "subscriptionId": 4711,
        "portalId": portal,
        "appId": 54321,
        "occurredAt": occurred_at or int(time.time() * 1000),
        "subscriptionType": kind,
        "attemptNumber": attempt,
        "objectId": object_id,
        "propertyName": name,
        "propertyValue": value,
        "changeSource": "CRM",
    }


def _hubspot(
    leads: ApiClient,
    organisation_id: str,
    events: Any,
    *,
    secret: str = HUBSPOT_SECRET,
    sent_ms: int | None = None,
    raw: str | None = None,
    signature: str | None = None,
    query: dict[str, str] | None = None,
) -> ApiResponse:
    """POST as HubSpot does: a JSON body, signed (v3) over the URL that API Gateway serves."""
    body = raw if raw is not None else json.dumps(events)
    stamp = str(sent_ms if sent_ms is not None else int(time.time() * 1000))
    path = f"/webhooks/hubspot/{organisation_id}"
    url = f"https://{DOMAIN}{path}" + (f"?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else "")
    source = f"POST{url}{body}{stamp}".encode()
    signed = base64.b64encode(hmac.new(secret.encode(), source, hashlib.sha256).digest()).decode()
    headers = {
        "X-HubSpot-Signature-v3": signature if signature is not None else signed,
        "X-HubSpot-Request-Timestamp": stamp,
    }
    return leads.post(path, body=body, headers=headers, claims={}, query=query)


def test_a_hubspot_stage_change_wins_the_linked_deal_as_a_system_actor(leads: ApiClient, aws: Stack) -> None:
    # Given acme's deal linked to HubSpot deal 1001 and HubSpot webhooks set up
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("hubspot", "1001")))
    _hubspot_settings(leads)

    # When HubSpot reports the deal closed won, with its amount and close date
    now_ms = int(time.time() * 1000)
    response = _hubspot(
        leads,
        "acme",
        [
            _property_change(1001, "dealstage", "closedwon", event_id=1, occurred_at=now_ms),
            _property_change(1001, "amount", "12500.50", event_id=2, occurred_at=now_ms),
            _property_change(1001, "closedate", "1777507200000", event_id=3, occurred_at=now_ms),
        ],
    )

    # Then the deal changed through the deal rules, each event accounted for
    assert [item["outcome"] for item in _ok(response)["deliveries"]] == ["applied", "applied", "applied"]
    seen = _ok(leads.get(f"/deals/{deal['id']}"))
    assert (seen["status"], Decimal(seen["amount"]), seen["close_date"], seen["version"]) == (
        "closed_won",
        Decimal("12500.50"),
        "2026-04-30",
        4,
    )
    updates = _events(aws, "DealUpdated", "DealWon")
    assert sorted(item["type"] for item in updates) == [
        "DealUpdated",
        "DealUpdated",
        "DealUpdated",
        "DealWon",
    ]
    assert {json.dumps(item["actor"], sort_keys=True) for item in updates} == {
        json.dumps(
            {"kind": "system", "organisation_id": "acme", "user_id": "webhook-hubspot"}, sort_keys=True
        )
    }
    listed = _ok(leads.get("/webhook-deliveries"))["items"]
    assert [(item["outcome"], item["deal_id"], item["external_id"]) for item in listed] == [
        ("applied", deal["id"], "hubspot:1001")
    ] * 3


def test_a_replayed_hubspot_request_changes_nothing_twice(leads: ApiClient, aws: Stack) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("hubspot", "1001")))
    _hubspot_settings(leads)
    events = [_property_change(1001, "amount", "2000", event_id=7)]
    first = _ok(_hubspot(leads, "acme", events))
    assert first["deliveries"][0]["outcome"] == "applied"
    before = (aws.count(TABLE), _ok(leads.get(f"/deals/{deal['id']}"))["version"])

    # the same request again (a replay within the window), and HubSpot's own retry (next attempt, new time)
    again = _ok(_hubspot(leads, "acme", events))
    retried = _ok(_hubspot(leads, "acme", [{**events[0], "attemptNumber": 1}]))

    assert again["deliveries"][0]["outcome"] == retried["deliveries"][0]["outcome"] == "duplicate"
    assert (aws.count(TABLE), _ok(leads.get(f"/deals/{deal['id']}"))["version"]) == before


@pytest.mark.parametrize(
    "how",
    [
        "forged",
        "wrong-secret",
        "other-body",
        "stale",
        "from-the-future",
        "unsigned",
        "no-timestamp",
        "other-url",
    ],
)
def test_a_hubspot_request_that_does_not_verify_is_401_and_writes_nothing(
    leads: ApiClient,
    aws: Stack,
    how: str,
) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("hubspot", "1001")))
    _hubspot_settings(leads)
    events = [_property_change(1001, "dealstage", "closedlost")]
    before = aws.count(TABLE)
    now_ms = int(time.time() * 1000)

    if how == "forged":
        response = _hubspot(leads, "acme", events, signature=base64.b64encode(b"x" * 32).decode())
    elif how == "wrong-secret":
        response = _hubspot(leads, "acme", events, secret="another-apps-secret")
    elif how == "other-body":
        signed = _hubspot(leads, "zz-nobody", events)  # only to show the answer for an unknown organisation
        assert_problem(signed, 404)
        body = json.dumps(events)
        stamp = str(now_ms)
        source = f"POSThttps://{DOMAIN}/webhooks/hubspot/acme{body}{stamp}".encode()
        signature = base64.b64encode(
            hmac.new(HUBSPOT_SECRET.encode(), source, hashlib.sha256).digest()
        ).decode()
        response = leads.post(
            "/webhooks/hubspot/acme",
            body=body.replace("closedlost", "closedwon"),
            claims={},
            headers={"X-HubSpot-Signature-v3": signature, "X-HubSpot-Request-Timestamp": stamp},
        )
    elif how == "stale":
        response = _hubspot(leads, "acme", events, sent_ms=now_ms - 6 * 60 * 1000)
    elif how == "from-the-future":
        response = _hubspot(leads, "acme", events, sent_ms=now_ms + 6 * 60 * 1000)
    elif how == "unsigned":
        response = leads.post(
            "/webhooks/hubspot/acme",
            json_body=events,
            claims={},
            headers={"X-HubSpot-Request-Timestamp": str(now_ms)},
        )
    elif how == "no-timestamp":
        response = leads.post(
            "/webhooks/hubspot/acme", json_body=events, claims={}, headers={"X-HubSpot-Signature-v3": "abc"}
        )
    else:  # signed for another URL
        response = leads.post(
            "/webhooks/hubspot/acme",
            body=json.dumps(events),
            claims={},
            headers={
                "X-HubSpot-Signature-v3": _signature_for(
                    "https://evil.example/webhooks/hubspot/acme", json.dumps(events), str(now_ms)
                ),
                "X-HubSpot-Request-Timestamp": str(now_ms),
            },
        )

    assert_problem(response, 401)
    assert aws.count(TABLE) == before
    assert response.calls.operations == ["GetItem"]  # the settings, and nothing more
    assert _ok(leads.get(f"/deals/{deal['id']}"))["status"] == "open"


def _signature_for(url: str, body: str, stamp: str, secret: str = HUBSPOT_SECRET) -> str:
    source = f"POST{url}{body}{stamp}".encode()
    return base64.b64encode(hmac.new(secret.encode(), source, hashlib.sha256).digest()).decode()


def test_the_signed_url_includes_the_query_string_and_a_configured_endpoint(leads: ApiClient) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("hubspot", "1001")))
    _hubspot_settings(leads)
    events = [_property_change(1001, "amount", "3000")]
    assert (
        _ok(_hubspot(leads, "acme", events, query={"source": "hs"}))["deliveries"][0]["outcome"] == "applied"
    )

    # behind a proxy, HubSpot signs the URL it was given, not the one API Gateway sees
    _hubspot_settings(leads, endpoint_url="https://crm-hooks.acme.example/hubspot")
    stamp = str(int(time.time() * 1000))
    body = json.dumps([_property_change(1001, "amount", "3100", event_id=9)])
    response = leads.post(
        "/webhooks/hubspot/acme",
        body=body,
        claims={},
        headers={
            "X-HubSpot-Signature-v3": _signature_for("https://crm-hooks.acme.example/hubspot", body, stamp),
            "X-HubSpot-Request-Timestamp": stamp,
        },
    )
    assert _ok(response)["deliveries"][0]["outcome"] == "applied"
    assert Decimal(_ok(leads.get(f"/deals/{deal['id']}"))["amount"]) == 3100


def test_unknown_records_other_accounts_and_other_events_are_kept_as_ignored(
    leads: ApiClient, aws: Stack
) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("hubspot", "1001")))
    _hubspot_settings(leads)

    response = _hubspot(
        leads,
        "acme",
        [
            _property_change(9999, "dealstage", "closedwon", event_id=1),
            _property_change(1001, "dealstage", "closedwon", event_id=2, portal=777),
            _property_change(1001, "hs_priority", "high", event_id=3),
            _property_change(1001, "", "", event_id=4, kind="contact.creation"),
        ],
    )

    outcomes = [(item["outcome"], item["detail"]) for item in _ok(response)["deliveries"]]
    assert [outcome for outcome, _ in outcomes] == ["ignored"] * 4
    assert "no deal is linked to hubspot:9999" in outcomes[0][1]
    assert len(_deliveries(aws)) == 4
    assert _ok(leads.get(f"/deals/{deal['id']}"))["version"] == 1
    assert _events(aws, "DealUpdated") == []


def test_an_older_change_never_overwrites_a_newer_one(leads: ApiClient) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("hubspot", "1001")))
    _hubspot_settings(leads)
    now_ms = int(time.time() * 1000)

    newer = _property_change(1001, "amount", "5000", event_id=2, occurred_at=now_ms)
    older = _property_change(1001, "amount", "4000", event_id=1, occurred_at=now_ms - 60_000)
    other_field = _property_change(1001, "dealstage", "closedlost", event_id=3, occurred_at=now_ms - 60_000)
    results = _ok(_hubspot(leads, "acme", [newer, older, other_field]))["deliveries"]

    assert [item["outcome"] for item in results] == ["applied", "stale", "applied"]
    seen = _ok(leads.get(f"/deals/{deal['id']}"))
    assert (Decimal(seen["amount"]), seen["status"]) == (5000, "closed_lost")


def test_values_trellis_refuses_are_kept_as_rejected_with_the_reason(leads: ApiClient, aws: Stack) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("hubspot", "1001")))
    _hubspot_settings(leads)

    results = _ok(
        _hubspot(
            leads,
            "acme",
            [
                _property_change(1001, "amount", "-5", event_id=1),
                _property_change(1001, "amount", "10.001", event_id=2),
                _property_change(1001, "closedate", "next week", event_id=3),
                _property_change(1001, "dealstage", "", event_id=4),
                _property_change(1001, "dealname", "", event_id=5),
                _property_change(1001, "amount", "1000", event_id=6),
            ],
        )
    )["deliveries"]

    assert [item["outcome"] for item in results] == ["rejected"] * 5 + ["unchanged"]
    assert "at least 0" in results[0]["detail"]
    assert "decimal places" in results[1]["detail"]
    assert _ok(leads.get(f"/deals/{deal['id']}"))["version"] == 1
    assert _events(aws, "DealUpdated") == []
    assert sorted(item["outcome"] for item in _deliveries(aws)) == ["rejected"] * 5 + ["unchanged"]


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("{not json", 400),
        ('{"eventId": 1}', 422),
        ("[]", 422),
        ('[{"eventId": "x"}]', 422),
        (json.dumps([_property_change(1, "amount", "1", event_id=n) for n in range(101)]), 422),
        ("[" + " " * (300 * 1024) + "]", 413),
    ],
    ids=["malformed", "not-a-list", "empty", "bad-event", "too-many-events", "huge"],
)
def test_a_signed_body_that_is_not_hubspots_is_a_client_error_and_writes_nothing(
    leads: ApiClient,
    aws: Stack,
    raw: str,
    status: int,
) -> None:
    _hubspot_settings(leads)
    before = aws.count(TABLE)

    assert_problem(_hubspot(leads, "acme", None, raw=raw), status)
    assert aws.count(TABLE) == before


# ---------------------------------------------------------------- Standard Webhooks (generic)


def _standard(
    leads: ApiClient,
    organisation_id: str,
    secret: str,
    payload: Any,
    *,
    webhook_id: str | None = None,
    sent: int | None = None,
    raw: str | None = None,
) -> ApiResponse:
    body = raw if raw is not None else json.dumps(payload)
    message_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    stamp = str(sent if sent is not None else int(time.time()))
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signature = base64.b64encode(
        hmac.new(key, f"{message_id}.{stamp}.{body}".encode(), hashlib.sha256).digest()
    )
    return leads.post(
        f"/webhooks/generic/{organisation_id}",
        body=body,
        claims={},
        headers={
            "webhook-id": message_id,
            "webhook-timestamp": stamp,
            "webhook-signature": f"v1,{signature.decode()}",
        },
    )


def _deal_updated(external_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "deal.updated",
        "timestamp": datetime.now(UTC).isoformat(),
        "data": {"system": "salesforce", "external_id": external_id, **fields},
    }


@pytest.fixture
def generic_secret(leads: ApiClient) -> str:
    created = _ok(leads.post("/webhook-settings/generic/secret"), 201)
    secret: str = created["secret"]
    return secret


def test_a_generic_secret_is_shown_once_and_never_stored_in_clear(leads: ApiClient, aws: Stack) -> None:
    created = _ok(leads.post("/webhook-settings/generic/secret"), 201)

    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret[6:])) == 32
    assert created["endpoint_path"] == "/webhooks/generic/acme"
    assert created["secret_hint"] == f"whsec_…{secret[-4:]}"
    listed = _ok(leads.get("/webhook-settings"))["items"]
    assert [item["system"] for item in listed] == ["generic"]
    assert "secret" not in listed[0]
    stored = json.dumps(
        [item for item in aws.items(TABLE) if item.get("entity") == "WebhookConfig"], default=str
    )
    assert secret not in stored
    assert secret[6:] not in stored
    assert [item["data"] for item in _events(aws, "CrmWebhookChanged")] == [
        {"organisation_id": "acme", "system": "generic", "change": "configured"}
    ]


def test_a_standard_webhook_updates_the_linked_deal_once(
    leads: ApiClient, aws: Stack, generic_secret: str
) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("salesforce", "006Dn000004ABCD")))
    payload = _deal_updated("006Dn000004ABCD", status="closed_won", amount="1500.00", close_date="2026-05-31")

    first = _ok(
        _standard(leads, "acme", generic_secret, payload, webhook_id="msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
    )
    again = _ok(
        _standard(leads, "acme", generic_secret, payload, webhook_id="msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
    )

    assert first["deliveries"][0]["outcome"] == "applied"
    assert again["deliveries"][0] == {
        "id": "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
        "outcome": "duplicate",
        "deal_id": deal["id"],
        "detail": "delivered before (applied)",
    }
    seen = _ok(leads.get(f"/deals/{deal['id']}"))
    assert (seen["status"], Decimal(seen["amount"]), seen["close_date"], seen["version"]) == (
        "closed_won",
        1500,
        "2026-05-31",
        2,
    )
    assert len(_events(aws, "DealWon")) == 1


def test_standard_webhooks_that_do_not_verify_are_401(
    leads: ApiClient, aws: Stack, generic_secret: str
) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("salesforce", "A1")))
    payload = _deal_updated("A1", status="closed_lost")
    before = aws.count(TABLE)
    other = "whsec_" + base64.b64encode(b"k" * 32).decode()

    assert_problem(_standard(leads, "acme", other, payload), 401, "webhook-signature")
    assert_problem(
        _standard(leads, "acme", generic_secret, payload, sent=int(time.time()) - 600),
        401,
        "webhook-timestamp",
    )
    unsigned = leads.post("/webhooks/generic/acme", json_body=payload, claims={})
    assert_problem(unsigned, 401, "webhook-id")
    assert aws.count(TABLE) == before


def test_a_rotated_secret_keeps_the_previous_one_for_the_grace_period_only(
    leads: ApiClient,
    generic_secret: str,
) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("salesforce", "A1")))

    kept = _ok(leads.post("/webhook-settings/generic/secret", query={"previous_secret_valid_hours": 24}), 201)
    assert kept["previous_secret_valid_until"] is not None
    for secret in (generic_secret, kept["secret"]):
        assert _standard(leads, "acme", secret, _deal_updated("A1", amount="10")).status == 200

    dropped = _ok(
        leads.post("/webhook-settings/generic/secret", query={"previous_secret_valid_hours": 0}), 201
    )
    assert dropped["previous_secret_valid_until"] is None
    assert_problem(_standard(leads, "acme", kept["secret"], _deal_updated("A1", amount="11")), 401)
    assert _standard(leads, "acme", dropped["secret"], _deal_updated("A1", amount="12")).status == 200


def test_generic_events_trellis_does_not_handle_or_refuses_are_kept(
    leads: ApiClient,
    aws: Stack,
    generic_secret: str,
) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("salesforce", "A1")))

    outcomes = [
        _ok(_standard(leads, "acme", generic_secret, payload))["deliveries"][0]["outcome"]
        for payload in (
            {"type": "contact.created", "data": {"id": "c1"}},
            _deal_updated("NOT-LINKED", status="closed_won"),
            _deal_updated("A1", status="won"),
            _deal_updated("A1", amount="-1"),
            {"type": "deal.updated", "data": {"external_id": "has#hash"}},
            _deal_updated("A1", name="Globex renewal"),
        )
    ]

    assert outcomes == ["ignored", "ignored", "rejected", "rejected", "rejected", "unchanged"]
    assert len(_deliveries(aws)) == 6
    assert _ok(leads.get(f"/deals/{deal['id']}"))["version"] == 1


@pytest.mark.parametrize(
    ("raw", "status"),
    [("{oops", 400), ('{"type": "deal.updated"}', 422), ("[1]", 422)],
    ids=["malformed", "no-data", "not-an-object"],
)
def test_a_signed_generic_body_that_is_not_a_webhook_payload_is_a_client_error(
    leads: ApiClient,
    aws: Stack,
    generic_secret: str,
    raw: str,
    status: int,
) -> None:
    before = aws.count(TABLE)
    assert_problem(_standard(leads, "acme", generic_secret, None, raw=raw), status)
    assert aws.count(TABLE) == before


# ---------------------------------------------------------------- external ids, settings and tenancy


def test_the_owner_links_external_ids_and_each_links_one_deal(leads: ApiClient, aws: Stack) -> None:
    deal = _deal(leads)
    other = _deal(leads, name="Initech expansion")

    linked = _ok(_link(leads, deal["id"], ("hubspot", "1001"), ("salesforce", "006A")))
    assert linked["external_ids"] == [
        {"system": "hubspot", "external_id": "1001"},
        {"system": "salesforce", "external_id": "006A"},
    ]
    assert _ok(leads.get(f"/deals/{deal['id']}/external-ids", user=CLEO)) == linked
    assert_problem(_link(leads, other["id"], ("hubspot", "1001")), 409, "external_ids")

    # replacing the list unlinks what it no longer names, which another deal may then take
    _ok(_link(leads, deal["id"], ("salesforce", "006A")))
    assert _ok(_link(leads, other["id"], ("hubspot", "1001")))["external_ids"][0]["external_id"] == "1001"
    mappings = sorted(
        (item["external_id"], item["deal_id"])
        for item in aws.items(TABLE)
        if item.get("entity") == "ExternalId"
    )
    assert mappings == sorted([("006A", deal["id"]), ("1001", other["id"])])
    assert len(_events(aws, "DealExternalIdsSet")) == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"external_ids": [{"system": "HubSpot", "external_id": "1"}]}, "external_ids.0.system"),
        ({"external_ids": [{"system": "hubspot", "external_id": "a#b"}]}, "external_ids.0.external_id"),
        ({"external_ids": [{"system": "hubspot", "external_id": "1"}] * 2}, "external_ids"),
        ({"external_ids": [{"system": "hubspot", "external_id": str(n)} for n in range(11)]}, "external_ids"),
        ({"external_ids": [], "extra": 1}, "extra"),
    ],
    ids=["system-case", "hash-in-id", "twice", "too-many", "unknown-field"],
)
def test_invalid_external_ids_are_refused_naming_the_field(
    leads: ApiClient,
    body: dict[str, Any],
    field: str,
) -> None:
    deal = _deal(leads)
    assert_problem(leads.put(f"/deals/{deal['id']}/external-ids", json_body=body), 422, field)


@pytest.mark.usefixtures("program")
def test_only_the_deals_owner_reaches_its_external_ids(leads: ApiClient) -> None:
    # A lead from acme accepted by Northwind: Northwind owns the deal, acme sent it
    lead = _ok(leads.post("/leads", json_body={"company_name": "Umbrella", "partnership_id": NORTHWIND}), 201)
    deal_id = _ok(leads.post(f"/leads/{lead['id']}/accept", user=SALLY))["deal_id"]

    assert _ok(_link(leads, deal_id, ("hubspot", "1"), user=SALLY))["deal_id"] == deal_id
    assert_problem(_link(leads, deal_id, ("hubspot", "2")), 403)  # acme sees the deal, does not own it
    assert_problem(leads.get(f"/deals/{deal_id}/external-ids"), 403)
    assert_problem(_link(leads, deal_id, ("hubspot", "2"), user=ZED), 404)  # another vendor: no such deal
    assert_problem(leads.get(f"/deals/{deal_id}/external-ids", user=ZED), 404)
    assert_problem(_link(leads, deal_id, ("hubspot", "2"), user=CLEO), 403)  # read-only role


@pytest.mark.usefixtures("program")
def test_a_partner_companys_crm_updates_the_deals_it_owns(leads: ApiClient, aws: Stack) -> None:
    lead = _ok(leads.post("/leads", json_body={"company_name": "Umbrella", "partnership_id": NORTHWIND}), 201)
    deal_id = _ok(leads.post(f"/leads/{lead['id']}/accept", user=SALLY))["deal_id"]
    _ok(_link(leads, deal_id, ("hubspot", "555"), user=SALLY))
    _hubspot_settings(leads, user=SALLY)

    response = _hubspot(leads, "northwind", [_property_change(555, "dealstage", "closedwon")])

    assert _ok(response)["deliveries"][0]["outcome"] == "applied"
    assert _ok(leads.get(f"/deals/{deal_id}"))["status"] == "closed_won"  # the vendor sees the change
    assert [item["tenant_id"] for item in _events(aws, "DealWon")] == ["acme"]


def test_each_organisation_reaches_only_its_own_webhooks_and_mappings(leads: ApiClient, aws: Stack) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("hubspot", "1001")))
    _hubspot_settings(leads)
    # acme-corp sets up HubSpot with its own secret and the same HubSpot account
    _hubspot_settings(leads, user=ZED, client_secret="acme-corp-secret-0000")

    # acme's signed request sent to acme-corp's endpoint does not verify there
    assert_problem(_hubspot(leads, "acme-corp", [_property_change(1001, "amount", "1")]), 401)
    # acme-corp's own request naming acme's HubSpot record finds no deal of acme-corp's
    response = _hubspot(
        leads, "acme-corp", [_property_change(1001, "amount", "1")], secret="acme-corp-secret-0000"
    )
    assert _ok(response)["deliveries"][0]["outcome"] == "ignored"
    assert _ok(leads.get(f"/deals/{deal['id']}"))["amount"] == "1000.00"
    # an organisation with no settings has no endpoint
    assert_problem(_hubspot(leads, "initech", [_property_change(1001, "amount", "1")]), 404)
    # each lists only its own settings and deliveries
    assert [item["portal_id"] for item in _ok(leads.get("/webhook-settings", user=ZED))["items"]] == [PORTAL]
    assert [item["outcome"] for item in _ok(leads.get("/webhook-deliveries", user=ZED))["items"]] == [
        "ignored"
    ]
    assert _ok(leads.get("/webhook-deliveries"))["items"] == []


def test_webhook_settings_are_for_admins_and_never_show_a_secret(leads: ApiClient, aws: Stack) -> None:
    settings = _hubspot_settings(leads)
    assert settings["secret_hint"] == f"…{HUBSPOT_SECRET[-4:]}"
    assert HUBSPOT_SECRET not in json.dumps([item for item in aws.items(TABLE)], default=str)

    for user in (BEN, CLEO):
        assert_problem(leads.get("/webhook-settings", user=user), 403)
        assert_problem(
            leads.put(
                "/webhook-settings/hubspot", user=user, json_body={"client_secret": "x" * 20, "portal_id": 1}
            ),
            403,
        )
        assert_problem(leads.get("/webhook-deliveries", user=user), 403)
    assert_problem(
        leads.put("/webhook-settings/hubspot", json_body={"client_secret": "short", "portal_id": 1}),
        422,
        "client_secret",
    )
    assert_problem(
        leads.put("/webhook-settings/hubspot", json_body={"client_secret": "x" * 20, "portal_id": 0}),
        422,
        "portal_id",
    )

    assert leads.delete("/webhook-settings/hubspot").status == 204
    assert_problem(leads.delete("/webhook-settings/hubspot"), 404)
    assert_problem(_hubspot(leads, "acme", [_property_change(1, "amount", "1")]), 404)
    assert [item["data"]["change"] for item in _events(aws, "CrmWebhookChanged")] == ["configured", "removed"]


def test_the_delivery_list_pages_with_a_cursor(leads: ApiClient, generic_secret: str) -> None:
    for number in range(3):
        _ok(_standard(leads, "acme", generic_secret, {"type": "ping", "data": {"n": number}}))

    first = _ok(leads.get("/webhook-deliveries", query={"limit": 2}))
    rest = _ok(leads.get("/webhook-deliveries", query={"limit": 2, "cursor": first["next_cursor"]}))

    assert len(first["items"]) == 2
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    assert_problem(
        leads.get("/webhook-deliveries", user=ZED, query={"cursor": first["next_cursor"]}), 400, "cursor"
    )


def test_an_event_time_without_a_zone_is_utc_and_older_events_lose(
    leads: ApiClient, generic_secret: str
) -> None:
    deal = _deal(leads)
    _ok(_link(leads, deal["id"], ("salesforce", "A1")))
    newer = {**_deal_updated("A1", amount="20"), "timestamp": "2026-03-02T10:00:00Z"}
    older = {**_deal_updated("A1", amount="10"), "timestamp": "2026-03-02T09:59:59"}

    outcomes = [
        _ok(_standard(leads, "acme", generic_secret, payload))["deliveries"][0]["outcome"]
        for payload in (newer, older)
    ]

    assert outcomes == ["applied", "stale"]
    assert Decimal(_ok(leads.get(f"/deals/{deal['id']}"))["amount"]) == 20

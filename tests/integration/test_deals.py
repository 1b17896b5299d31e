"""Deals through the API: internal deals, the owner company's edits, status events, and referrals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient
from tests.helpers.leads_world import NORTHWIND, ROB, UNJOINED
from tests.helpers.people import ANA, CLEO, SALLY, ZED

TABLE = "LeadsTable"


@pytest.fixture
def leads(service: Callable[..., ApiClient], program: None) -> ApiClient:
    return service("leads", ANA)


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _types(aws: Stack) -> list[str]:
    return sorted(event["type"] for event in outbox_events(aws, TABLE))


def _partner_deal(leads: ApiClient) -> dict[str, Any]:
    """A deal Northwind owns, from a lead acme sent it."""
    lead = _ok(
        leads.post(
            "/leads",
            json_body={"company_name": "Globex", "partnership_id": NORTHWIND, "website": "globex.example"},
        ),
        201,
    )
    deal_id = _ok(leads.post(f"/leads/{lead['id']}/accept", user=SALLY))["deal_id"]
    return _ok(leads.get(f"/deals/{deal_id}", user=SALLY))


def test_an_internal_deal_is_owned_by_its_creator(leads: ApiClient, aws: Stack) -> None:
    deal = _ok(
        leads.post(
            "/deals",
            json_body={"name": "Renewal", "amount": "1000", "currency": "JPY", "close_date": "2026-12-31"},
        ),
        201,
    )
    assert (deal["owner_organisation_id"], deal["tab"], deal["editable"], deal["source"]) == (
        "acme",
        "owned",
        True,
        "internal",
    )
    assert (deal["amount"], deal["currency"], deal["status"]) == ("1000", "JPY", "open")
    assert [item["id"] for item in _ok(leads.get("/deals"))["items"]] == [deal["id"]]
    assert _types(aws) == ["DealCreated"]
    assert_problem(leads.get(f"/deals/{deal['id']}", user=ZED), 404)
    assert_problem(leads.get(f"/deals/{deal['id']}", user=SALLY), 404)


def test_winning_a_deal_emits_won_and_reopening_then_winning_again_emits_it_again(
    leads: ApiClient,
    aws: Stack,
) -> None:
    deal = _ok(
        leads.post("/deals", json_body={"name": "Renewal", "amount": "1000.5", "currency": "EUR"}), 201
    )
    won = _ok(leads.patch(f"/deals/{deal['id']}", json_body={"status": "closed_won"}))
    assert won["won_at"] is not None
    assert won["version"] == 2
    _ok(leads.patch(f"/deals/{deal['id']}", json_body={"status": "open"}))
    _ok(leads.patch(f"/deals/{deal['id']}", json_body={"status": "closed_won", "amount": "2000"}))
    events = outbox_events(aws, TABLE)
    assert sorted(event["type"] for event in events) == [
        "DealCreated",
        "DealUpdated",
        "DealUpdated",
        "DealUpdated",
        "DealWon",
        "DealWon",
    ]
    updates = sorted(
        (event for event in events if event["type"] == "DealUpdated"),
        key=lambda event: event["data"]["deal"]["version"],
    )
    assert [(u["data"]["previous_status"], u["data"]["deal"]["status"]) for u in updates] == [
        ("open", "closed_won"),
        ("closed_won", "open"),
        ("open", "closed_won"),
    ]
    assert updates[-1]["data"]["deal"]["amount"] == "2000.00"
    assert updates[-1]["data"]["changed"] == ["amount", "status"]


def test_an_update_changes_only_what_is_sent_and_checks_the_version(leads: ApiClient, aws: Stack) -> None:
    deal = _ok(leads.post("/deals", json_body={"name": "Renewal", "amount": "10", "currency": "EUR"}), 201)
    updated = _ok(leads.patch(f"/deals/{deal['id']}", json_body={"close_date": "2027-01-15"}))
    assert (updated["name"], updated["amount"], updated["close_date"]) == ("Renewal", "10.00", "2027-01-15")
    assert_problem(leads.patch(f"/deals/{deal['id']}", json_body={"name": "X", "expected_version": 1}), 409)
    # nothing changed: no write, no event
    before = len(outbox_events(aws, TABLE))
    _ok(leads.patch(f"/deals/{deal['id']}", json_body={"name": "Renewal"}))
    assert len(outbox_events(aws, TABLE)) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "-1", "currency": "EUR"}, "amount"),
        ({"amount": "1.234", "currency": "EUR"}, "amount"),
        ({"amount": "1.5", "currency": "JPY"}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"status": "won"}, "status"),
        ({"name": None}, "name"),
        ({"close_date": "31/12/2026"}, "close_date"),
        ({"close_date": 1_767_139_200}, "close_date"),
        ({"owner_organisation_id": "evil"}, "owner_organisation_id"),
    ],
    ids=["negative", "too-precise", "jpy-cents", "currency", "status", "clear-name", "date", "unix-time",
         "owner"],
)
def test_bad_deal_updates_are_refused_and_change_nothing(
    leads: ApiClient,
    aws: Stack,
    body: dict[str, Any],
    field: str,
) -> None:
    deal = _ok(leads.post("/deals", json_body={"name": "Renewal", "amount": "10", "currency": "EUR"}), 201)
    before = aws.items(TABLE)
    response = leads.patch(f"/deals/{deal['id']}", json_body=body)
    problem = assert_problem(response, 422)
    assert any(field in error["field"] for error in problem["errors"]), problem
    assert aws.items(TABLE) == before


def test_an_amount_without_its_currency_is_refused(leads: ApiClient) -> None:
    assert_problem(leads.post("/deals", json_body={"name": "X", "amount": "10"}), 422, "amount")
    deal = _ok(leads.post("/deals", json_body={"name": "X", "amount": "10", "currency": "JPY"}), 201)
    # the stored currency applies to an amount sent alone
    assert_problem(leads.patch(f"/deals/{deal['id']}", json_body={"amount": "10.5"}), 422, "amount")


def test_a_partner_deal_is_read_only_for_the_sender(leads: ApiClient) -> None:
    deal = _partner_deal(leads)
    assert deal["tab"] == "owned"
    seen = _ok(leads.get(f"/deals/{deal['id']}"))
    assert (seen["tab"], seen["editable"]) == ("sent", False)
    assert [item["id"] for item in _ok(leads.get("/deals", query={"tab": "sent"}))["items"]] == [deal["id"]]
    assert_problem(leads.patch(f"/deals/{deal['id']}", json_body={"status": "closed_lost"}), 403)
    assert (
        _ok(leads.patch(f"/deals/{deal['id']}", user=SALLY, json_body={"status": "closed_lost"}))["status"]
        == "closed_lost"
    )
    assert _ok(leads.get(f"/deals/{deal['id']}"))["status"] == "closed_lost"
    assert [
        item["id"] for item in _ok(leads.get("/deals", query={"tab": "sent", "status": "open"}))["items"]
    ] == []


def test_members_read_deals_and_cannot_write(leads: ApiClient) -> None:
    deal = _ok(leads.post("/deals", json_body={"name": "Renewal"}), 201)
    assert _ok(leads.get(f"/deals/{deal['id']}", user=CLEO))["id"] == deal["id"]
    assert_problem(leads.post("/deals", user=CLEO, json_body={"name": "X"}), 403)
    assert_problem(leads.patch(f"/deals/{deal['id']}", user=CLEO, json_body={"name": "X"}), 403)


# ---------------------------------------------------------------- referrals


def test_the_owner_connects_the_referral_and_the_referrer_sees_the_outcome(
    leads: ApiClient, aws: Stack
) -> None:
    deal = _partner_deal(leads)
    # Northwind (owner) records that acme, the lead's sender, referred it
    referral = _ok(leads.post(f"/deals/{deal['id']}/referrals", user=SALLY, json_body={}), 201)
    assert (referral["referrer_organisation_id"], referral["direction"], referral["editable"]) == (
        "acme",
        "in",
        True,
    )
    out = _ok(leads.get(f"/referrals/{referral['id']}"))
    assert (out["direction"], out["editable"], out["status"]) == ("out", False, "pending")
    assert [item["id"] for item in _ok(leads.get("/referrals", query={"direction": "out"}))["items"]] == [
        referral["id"]
    ]

    # the referrer cannot change it; the owner can
    assert_problem(leads.put(f"/referrals/{referral['id']}/status", json_body={"status": "accepted"}), 403)
    _ok(leads.put(f"/referrals/{referral['id']}/status", user=SALLY, json_body={"status": "declined"}))
    assert _ok(leads.get(f"/referrals/{referral['id']}"))["status"] == "declined"
    assert "ReferralConnected" in _types(aws)
    assert "ReferralStatusChanged" in _types(aws)
    assert_problem(leads.get(f"/referrals/{referral['id']}", user=ZED), 404)


def test_a_vendor_connects_a_referral_from_one_of_its_partners(leads: ApiClient) -> None:
    deal = _ok(leads.post("/deals", json_body={"name": "Renewal"}), 201)
    # an internal deal has no sender: the partnership must be named
    assert_problem(leads.post(f"/deals/{deal['id']}/referrals", json_body={}), 422, "partnership_id")
    assert_problem(
        leads.post(f"/deals/{deal['id']}/referrals", json_body={"partnership_id": UNJOINED}),
        409,
        "partnership_id",
    )
    referral = _ok(leads.post(f"/deals/{deal['id']}/referrals", json_body={"partnership_id": NORTHWIND}), 201)
    assert referral["referrer_organisation_id"] == "northwind"
    assert _ok(leads.get(f"/referrals/{referral['id']}", user=SALLY))["direction"] == "out"
    assert_problem(leads.get(f"/referrals/{referral['id']}", user=ROB), 404)


def test_only_the_deals_owner_connects_referrals(leads: ApiClient) -> None:
    deal = _partner_deal(leads)
    assert_problem(leads.post(f"/deals/{deal['id']}/referrals", json_body={}), 403)
    assert_problem(leads.post(f"/deals/{deal['id']}/referrals", user=ZED, json_body={}), 404)

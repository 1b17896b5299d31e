"""Payouts (a beneficiary's approved entries, netted, in one currency) and billings (revenue on a deal).

The world: the standard program (tests/helpers/leads_world.py); DEAL_C is CONTOSO's deal through DIST_A,
won for 10,000.00 EUR (CONTOSO earns 700.00, DIST_A 300.00), owned by contoso.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.deals import Ledger, changed, deal, won
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.leads_world import (
    CONTOSO,
    DINA,
    DIST_A,
    DORI,
    FAY,
    OTHER,
    ROB,
    Project,
)
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED

DEAL_C = "dc000000000000000000000000000001"
DEAL_C2 = "dc000000000000000000000000000002"
DEAL_USD = "dc000000000000000000000000000003"
TABLE = "LeadsTable"


@pytest.fixture
def api(service: Callable[..., ApiClient], program: None, project: Project, ledger: Ledger) -> ApiClient:
    ledger(won(DEAL_C))
    return service("leads", ANA)


def _entries(api: ApiClient, **query: Any) -> list[dict[str, Any]]:
    response = api.get("/commissions", query=query)
    assert response.status == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _approve_all(api: ApiClient, partnership_id: str) -> list[str]:
    ids = [item["id"] for item in _entries(api, partnership_id=partnership_id, status="pending", limit=100)]
    for start in range(0, len(ids), 25):
        response = api.post("/commissions/approve", json_body={"entry_ids": ids[start:start + 25]})
        assert response.status == 200, response.text
    return ids


def _pay(api: ApiClient, partnership_id: str, user: User = BEN, **fields: Any) -> dict[str, Any]:
    response = api.post("/payouts", json_body={"partnership_id": partnership_id, **fields}, user=user)
    assert response.status == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# ---------------------------------------------------------------- payouts


def test_a_payout_pays_a_beneficiarys_approved_entries(aws: Stack, api: ApiClient) -> None:
    # Given CONTOSO's entry approved (DIST_A's is still pending)
    [entry_id] = _approve_all(api, CONTOSO)

    # When a payout is created for CONTOSO
    payout = _pay(api, CONTOSO)

    # Then it holds that entry, in its currency, open
    assert (payout["partnership_id"], payout["organisation_id"], payout["currency"], payout["amount"],
            payout["status"]) == (CONTOSO, "contoso", "EUR", "700.00", "open")
    assert [(line["entry_id"], line["amount"]) for line in payout["lines"]] == [(entry_id, "700.00")]
    [stored] = [item for item in aws.items(TABLE) if item.get("entity") == "Payout"]
    assert stored["amount"] == Decimal("700.00")
    assert isinstance(stored["lines"][0]["amount"], Decimal)
    # a second payout while this one is open would pay the same entries twice
    assert_problem(api.post("/payouts", json_body={"partnership_id": CONTOSO}), 409)

    # When it is marked paid
    response = api.post(f"/payouts/{payout['id']}/paid", json_body={"reference": "SEPA-2026-03-0042"})

    # Then the payout and its entries are paid
    assert response.status == 200, response.text
    assert (response.json()["status"], response.json()["reference"]) == ("paid", "SEPA-2026-03-0042")
    paid = api.get(f"/commissions/{entry_id}").json()
    assert (paid["status"], paid["payout_id"]) == ("paid", payout["id"])
    assert [item["id"] for item in _entries(api, status="paid")] == [entry_id]
    assert [e["type"] for e in outbox_events(aws, TABLE) if e["type"].startswith("Payout")] == [
        "PayoutCreated", "PayoutPaid"]
    assert_problem(api.post(f"/payouts/{payout['id']}/paid", json_body={}), 409)
    # nothing left to pay
    assert_problem(api.post("/payouts", json_body={"partnership_id": CONTOSO}), 409)


def test_clawbacks_are_deducted_and_a_negative_net_is_refused(api: ApiClient, ledger: Ledger) -> None:
    # Given CONTOSO was paid its 700.00, then the deal was reopened: a clawback of -700.00, approved
    _approve_all(api, CONTOSO)
    payout = _pay(api, CONTOSO)
    api.post(f"/payouts/{payout['id']}/paid", json_body={})
    ledger(changed(deal(DEAL_C, version=3, status="open"), "closed_won"))
    _approve_all(api, CONTOSO)

    # Then a payout of it alone would be negative
    refused = assert_problem(api.post("/payouts", json_body={"partnership_id": CONTOSO}), 409)
    assert "-700.00" in refused["detail"]

    # When CONTOSO wins another deal of 20,000.00 (1,400.00 for it), approved
    ledger(won(DEAL_C2, amount="20000.00"))
    _approve_all(api, CONTOSO)

    # Then the next payout nets the two
    net = _pay(api, CONTOSO)
    assert net["amount"] == "700.00"
    assert sorted(line["amount"] for line in net["lines"]) == ["-700.00", "1400.00"]


def test_a_payout_never_mixes_currencies(api: ApiClient, ledger: Ledger) -> None:
    ledger(won(DEAL_USD, currency="USD", amount="2000.00"))
    _approve_all(api, CONTOSO)

    assert_problem(api.post("/payouts", json_body={"partnership_id": CONTOSO}), 422, "currency")
    usd = _pay(api, CONTOSO, currency="usd")
    assert (usd["currency"], usd["amount"]) == ("USD", "140.00")
    eur = _pay(api, CONTOSO, currency="EUR")
    assert (eur["currency"], eur["amount"]) == ("EUR", "700.00")


def test_who_may_create_pay_and_read_payouts(api: ApiClient) -> None:
    _approve_all(api, CONTOSO)
    _approve_all(api, DIST_A)
    assert_problem(api.post("/payouts", json_body={"partnership_id": CONTOSO}, user=CLEO), 403)
    assert_problem(api.post("/payouts", json_body={"partnership_id": CONTOSO}, user=ROB), 403)
    assert_problem(api.post("/payouts", json_body={"partnership_id": CONTOSO}, user=ZED), 404)
    assert_problem(api.post("/payouts", json_body={"partnership_id": OTHER}), 404)
    contoso, dista = _pay(api, CONTOSO), _pay(api, DIST_A, user=ANA)

    # the vendor reads all of its payouts; acme-corp none of them
    listed = api.get("/payouts", user=CLEO).json()["items"]
    assert {item["id"] for item in listed} == {contoso["id"], dista["id"]}
    assert api.get(f"/payouts/{contoso['id']}", user=CLEO).json() == contoso
    assert api.get("/payouts", user=ZED).json()["items"] == []
    assert_problem(api.get(f"/payouts/{contoso['id']}", user=ZED), 404)
    assert_problem(api.post(f"/payouts/{contoso['id']}/paid", json_body={}, user=ZED), 404)
    assert_problem(api.post(f"/payouts/{contoso['id']}/paid", json_body={}, user=CLEO), 403)

    # each partner reads only its own
    assert [item["id"] for item in api.get("/partner/payouts", user=ROB).json()["items"]] == [contoso["id"]]
    assert [item["id"] for item in api.get("/partner/payouts", user=DINA).json()["items"]] == [dista["id"]]
    assert api.get(f"/partner/payouts/{contoso['id']}", user=ROB).json()["amount"] == "700.00"
    for user in (DINA, DORI, FAY, SALLY):
        assert_problem(api.get(f"/partner/payouts/{contoso['id']}", user=user), 404)
    assert api.get("/partner/payouts", user=DORI).json()["items"] == []
    assert_problem(api.get("/partner/payouts", user=ANA), 403)


def test_payout_input_is_validated(api: ApiClient) -> None:
    assert_problem(api.post("/payouts", json_body={"partnership_id": CONTOSO, "currency": "XYZ"}), 422,
                   "currency")
    assert_problem(api.post("/payouts", json_body={"partnership_id": "a#b"}), 422, "partnership_id")
    assert_problem(api.post("/payouts", json_body={"partnership_id": CONTOSO, "extra": 1}), 422, "extra")
    assert_problem(api.post("/payouts/no-such-payout/paid", json_body={}), 404)
    assert_problem(api.post("/payouts/no-such-payout/paid", json_body={"reference": "x" * 101}), 422,
                   "reference")


# ---------------------------------------------------------------- billings

BILLING = {"deal_id": DEAL_C, "amount": "6000.00", "currency": "EUR", "billed_on": "2026-03-31",
           "invoice_reference": "INV-2026-0042"}


def test_the_deals_owner_records_billings_the_deals_parties_read_them(aws: Stack, api: ApiClient) -> None:
    response = api.post("/billings", json_body=BILLING, user=ROB)

    assert response.status == 201, response.text
    billing = response.json()
    assert (billing["deal_id"], billing["amount"], billing["currency"], billing["billed_on"],
            billing["invoice_reference"], billing["recorded_by_organisation_id"]) == (
        DEAL_C, "6000.00", "EUR", "2026-03-31", "INV-2026-0042", "contoso")
    [stored] = [item for item in aws.items(TABLE) if item.get("entity") == "Billing"]
    assert stored["amount"] == Decimal("6000.00")
    assert isinstance(stored["amount"], Decimal)
    assert stored["pk"] == f"ORG#acme#BILLING#{DEAL_C}#"
    [recorded] = [e for e in outbox_events(aws, TABLE) if e["type"] == "BillingRecorded"]
    assert (recorded["tenant_id"], recorded["data"]["amount"]) == ("acme", "6000.00")

    # the vendor, the owner and the deal's distributor read them
    for user in (ANA, CLEO, ROB, DINA):
        listed = api.get("/billings", user=user, query={"deal_id": DEAL_C})
        assert listed.status == 200, listed.text
        assert listed.json()["items"] == [billing]
    # nobody else knows the deal
    for user in (DORI, FAY, SALLY, ZED):
        assert_problem(api.get("/billings", user=user, query={"deal_id": DEAL_C}), 404)


def test_only_the_owner_records_billings(api: ApiClient) -> None:
    assert_problem(api.post("/billings", json_body=BILLING, user=ANA), 403)  # the vendor reads, not records
    assert_problem(api.post("/billings", json_body=BILLING, user=DINA), 403)
    for user in (DORI, ZED, SALLY):
        assert_problem(api.post("/billings", json_body=BILLING, user=user), 404)
    assert_problem(api.post("/billings", json_body={**BILLING, "deal_id": "no-such-deal"}, user=ROB), 404)
    assert api.get("/billings", query={"deal_id": DEAL_C}).json()["items"] == []


def test_an_invoice_is_recorded_once_per_deal(api: ApiClient) -> None:
    assert api.post("/billings", json_body=BILLING, user=ROB).status == 201
    again = {**BILLING, "invoice_reference": "inv-2026-0042"}  # the same invoice, whatever the case
    assert_problem(api.post("/billings", json_body=again, user=ROB), 409, "invoice_reference")
    another = {**BILLING, "invoice_reference": "INV-2026-0043"}
    assert api.post("/billings", json_body=another, user=ROB).status == 201
    assert len(api.get("/billings", query={"deal_id": DEAL_C}).json()["items"]) == 2


@pytest.mark.parametrize(("change", "field"), [
    ({"amount": "-5.00"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"amount": "10.001"}, "amount"),
    ({"amount": 1e-9}, "amount"),
    ({"amount": "1e3"}, "amount"),
    ({"currency": "XXX"}, "currency"),
    ({"currency": "JPY", "amount": "100.5"}, "amount"),
    ({"billed_on": "2026-02-30"}, "billed_on"),
    ({"invoice_reference": ""}, "invoice_reference"),
    ({"deal_id": "a#b"}, "deal_id"),
    ({"surprise": True}, "surprise"),
])
def test_bad_billing_input_is_a_422_naming_the_field(
    aws: Stack, api: ApiClient, change: dict[str, Any], field: str,
) -> None:
    before = len(aws.items(TABLE))
    assert_problem(api.post("/billings", json_body={**BILLING, **change}, user=ROB), 422, field)
    assert len(aws.items(TABLE)) == before


def test_a_billing_in_a_currency_without_decimals(api: ApiClient) -> None:
    response = api.post("/billings", json_body={**BILLING, "currency": "jpy", "amount": 120000}, user=ROB)
    assert response.status == 201, response.text
    assert (response.json()["amount"], response.json()["currency"]) == ("120000", "JPY")


def test_a_payout_takes_at_most_30_entries_the_rest_wait(api: ApiClient, ledger: Ledger) -> None:
    # Given 31 approved entries of CONTOSO (deals without its distributor)
    deals = [won(f"dc1{index:029d}", distributors=(), amount="100.00") for index in range(31)]
    for start in range(0, len(deals), 10):
        ledger(*deals[start:start + 10])
    _approve_all(api, CONTOSO)

    # (and the 700.00 of the first deal, the oldest)

    # Then a payout takes the oldest 30, and pays them in one transaction
    first = _pay(api, CONTOSO)
    assert (len(first["lines"]), first["amount"]) == (30, "990.00")
    paid = api.post(f"/payouts/{first['id']}/paid", json_body={})
    assert paid.status == 200, paid.text
    assert len(_entries(api, partnership_id=CONTOSO, status="paid", limit=100)) == 30

    # and the next payout the rest
    second = _pay(api, CONTOSO)
    assert (len(second["lines"]), second["amount"]) == (2, "20.00")

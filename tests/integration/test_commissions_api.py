"""The commission ledger through the API: who sees which entries, filters, approval, deal ledgers, problems.

The world: the standard program (tests/helpers/leads_world.py) and four won deals, recorded by the
ledger consumer from deal events:
- DEAL_C: CONTOSO through DIST_A, 10,000.00 EUR → CONTOSO 700.00, DIST_A 300.00;
- DEAL_F: FABRIKAM through DIST_B, 20,000.00 EUR → FABRIKAM 1,400.00, DIST_B 600.00;
- DEAL_N: NORTHWIND directly, 5,000.00 USD → NORTHWIND 500.00 USD;
- DEAL_O: acme-corp's deal with OTHER (northwind's partnership with acme-corp) → 300.00 EUR.
"""

from __future__ import annotations

from collections.abc import Callable
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
    DIST_B,
    DORI,
    FABRIKAM,
    FAY,
    NORTHWIND,
    OTHER,
    OTHER_VENDOR,
    PERCENT_10,
    ROB,
    UNJOINED,
    Project,
    event,
)
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED
from trellis.events.commissions import CommissionPlanSet

DEAL_C = "dc000000000000000000000000000001"
DEAL_F = "df000000000000000000000000000001"
DEAL_N = "dd000000000000000000000000000001"
DEAL_O = "de000000000000000000000000000001"
TABLE = "LeadsTable"


@pytest.fixture
def api(service: Callable[..., ApiClient], program: None, project: Project, ledger: Ledger) -> ApiClient:
    """The leads API as acme's admin, after the four deals were won."""
    project(event(CommissionPlanSet(partnership_id=OTHER, company_name="Other", plan_version=1,
                                    plan=PERCENT_10), hours=1, tenant=OTHER_VENDOR))
    ledger(won(DEAL_C), won(DEAL_F, partnership=FABRIKAM, amount="20000.00"),
           won(DEAL_N, partnership=NORTHWIND, amount="5000.00", currency="USD"),
           won(DEAL_O, partnership=OTHER, vendor=OTHER_VENDOR, amount="3000.00", distributors=()))
    return service("leads", ANA)


def _entries(api: ApiClient, user: User, path: str = "/commissions", **query: Any) -> list[dict[str, Any]]:
    response = api.get(path, user=user, query=query)
    assert response.status == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _mine(api: ApiClient, user: User, **query: Any) -> set[tuple[str, str, str]]:
    return {(item["beneficiary"]["partnership_id"], item["amount"], item["currency"])
            for item in _entries(api, user, "/partner/commissions", **query)}


def _entry_of(api: ApiClient, partnership_id: str, deal_id: str = DEAL_C) -> dict[str, Any]:
    [entry] = [item for item in _entries(api, ANA, partnership_id=partnership_id)
               if item["deal_id"] == deal_id]
    return entry


# ---------------------------------------------------------------- who sees what


def test_the_vendor_sees_every_entry_of_its_program_and_nothing_else(api: ApiClient) -> None:
    response = api.get("/commissions")
    assert response.status == 200, response.text
    assert {(item["beneficiary"]["partnership_id"], item["amount"], item["currency"])
            for item in response.json()["items"]} == {
        (CONTOSO, "700.00", "EUR"), (DIST_A, "300.00", "EUR"), (FABRIKAM, "1400.00", "EUR"),
        (DIST_B, "600.00", "EUR"), (NORTHWIND, "500.00", "USD")}
    assert response.calls.operations == ["Query"]
    entry = _entry_of(api, CONTOSO)
    assert entry["beneficiary"] == {
        "partnership_id": CONTOSO, "organisation_id": "contoso", "role": "reseller"}
    assert (entry["kind"], entry["status"], entry["deal_name"], entry["expected_payout_on"]) == (
        "commission", "pending", "Globex Retail", "2026-03-30")

    # acme-corp sees only its own program's entry
    assert {item["deal_id"] for item in _entries(api, ZED)} == {DEAL_O}


def test_each_partner_sees_exactly_the_entries_that_pay_it(api: ApiClient) -> None:
    assert _mine(api, DINA) == {(DIST_A, "300.00", "EUR")}
    assert _mine(api, DORI) == {(DIST_B, "600.00", "EUR")}
    assert _mine(api, ROB) == {(CONTOSO, "700.00", "EUR")}
    assert _mine(api, FAY) == {(FABRIKAM, "1400.00", "EUR")}
    # northwind is a partner of both vendors: its entries of both, merged newest first
    response = api.get("/partner/commissions", user=SALLY)
    assert {(item["beneficiary"]["partnership_id"], item["amount"]) for item in response.json()["items"]} == {
        (NORTHWIND, "500.00"), (OTHER, "300.00")}
    # its partnerships, then one Query per partnership
    assert response.calls.operations == ["Query", "Query", "Query"]


def test_a_distributor_never_sees_the_resellers_amount(api: ApiClient) -> None:
    contoso = _entry_of(api, CONTOSO)
    response = api.get("/partner/commissions", user=DINA)
    assert contoso["id"] not in response.text
    assert "700.00" not in response.text
    assert_problem(api.get(f"/partner/commissions/{contoso['id']}", user=DINA), 404)
    # and the reseller does not see the distributor's split either
    dista = _entry_of(api, DIST_A)
    assert_problem(api.get(f"/partner/commissions/{dista['id']}", user=ROB), 404)
    assert api.get(f"/partner/commissions/{dista['id']}", user=DINA).json()["amount"] == "300.00"


def test_an_entry_of_another_organisation_is_not_found(api: ApiClient) -> None:
    contoso = _entry_of(api, CONTOSO)
    [other] = _entries(api, ZED)
    assert api.get(f"/commissions/{contoso['id']}").json() == contoso
    assert_problem(api.get(f"/commissions/{contoso['id']}", user=ZED), 404)
    assert_problem(api.get(f"/commissions/{other['id']}"), 404)
    for user in (DORI, FAY, SALLY):
        assert_problem(api.get(f"/partner/commissions/{contoso['id']}", user=user), 404)
    assert api.get(f"/partner/commissions/{other['id']}", user=SALLY).json()["amount"] == "300.00"
    assert_problem(api.get("/commissions/no-such-entry"), 404)


def test_each_side_uses_its_own_routes(api: ApiClient) -> None:
    assert_problem(api.get("/commissions", user=ROB), 403)
    assert_problem(api.get("/partner/commissions", user=ANA), 403)
    assert_problem(api.get("/ledger/problems", user=DINA), 403)
    # a partner filtering by a partnership that is not its own
    assert_problem(api.get("/partner/commissions", user=DINA, query={"partnership_id": CONTOSO}), 404)
    assert _mine(api, DINA, partnership_id=DIST_A) == {(DIST_A, "300.00", "EUR")}


# ---------------------------------------------------------------- filters and pages


def test_entries_filter_by_partnership_status_and_month(api: ApiClient) -> None:
    assert {item["deal_id"] for item in _entries(api, ANA, partnership_id=FABRIKAM)} == {DEAL_F}
    assert len(_entries(api, ANA, status="pending")) == 5
    assert _entries(api, ANA, status="approved") == []
    assert len(_entries(api, ANA, month="2026-02")) == 5
    assert _entries(api, ANA, month="2026-03") == []
    assert len(_entries(api, ANA, partnership_id=DIST_B, status="pending", month="2026-02")) == 1
    assert_problem(api.get("/commissions", query={"month": "2026-13"}), 422, "month")
    assert_problem(api.get("/commissions", query={"status": "settled"}), 422, "status")


def test_entries_come_in_pages_with_tamper_proof_cursors(api: ApiClient) -> None:
    seen, cursor = [], None
    for _ in range(5):
        response = api.get("/commissions", query={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status == 200, response.text
        seen += [item["id"] for item in response.json()["items"]]
        assert response.calls.operations == ["Query"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    everything = [item["id"] for item in _entries(api, ANA)]
    assert seen == everything
    assert len(everything) == 5

    first = api.get("/commissions", query={"limit": 2}).json()["next_cursor"]
    assert_problem(api.get("/commissions", query={"limit": 2, "cursor": first[:-3] + "abc"}), 400, "cursor")
    # a cursor of another listing (other filters) or another organisation
    assert_problem(api.get("/commissions", query={"cursor": first, "status": "pending"}), 400, "cursor")
    assert_problem(api.get("/commissions", user=ZED, query={"cursor": first}), 400, "cursor")


def test_a_partners_merged_listing_pages_too(api: ApiClient) -> None:
    first = api.get("/partner/commissions", user=SALLY, query={"limit": 1}).json()
    assert len(first["items"]) == 1
    query = {"limit": 1, "cursor": first["next_cursor"]}
    second = api.get("/partner/commissions", user=SALLY, query=query).json()
    assert len(second["items"]) == 1
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {
        item["id"] for item in _entries(api, SALLY, "/partner/commissions")}
    assert second["next_cursor"] is None


# ---------------------------------------------------------------- approval


def test_a_partner_manager_approves_a_pending_entry(aws: Stack, api: ApiClient) -> None:
    entry = _entry_of(api, CONTOSO)

    response = api.post(f"/commissions/{entry['id']}/approve", user=BEN)

    assert response.status == 200, response.text
    assert response.json()["status"] == "approved"
    assert response.json()["approved_at"] is not None
    # every listing shows it approved
    assert [item["id"] for item in _entries(api, ANA, status="approved")] == [entry["id"]]
    approved = _entries(api, ANA, partnership_id=CONTOSO, status="approved")
    assert [item["id"] for item in approved] == [entry["id"]]
    assert _entries(api, ANA, partnership_id=CONTOSO, status="pending") == []
    assert _entry_of(api, CONTOSO)["status"] == "approved"
    assert [item["status"] for item in _entries(api, ROB, "/partner/commissions")] == ["approved"]
    approved = [e for e in outbox_events(aws, TABLE) if e["type"] == "CommissionApproved"]
    assert [e["data"]["entry"]["entry_id"] for e in approved] == [entry["id"]]
    assert approved[0]["actor"]["user_id"] == BEN.user_id

    # approving it again changes nothing
    assert api.post(f"/commissions/{entry['id']}/approve").json()["status"] == "approved"
    assert len([e for e in outbox_events(aws, TABLE) if e["type"] == "CommissionApproved"]) == 1


def test_only_vendor_writers_approve_and_only_their_own_entries(api: ApiClient) -> None:
    entry = _entry_of(api, CONTOSO)
    assert_problem(api.post(f"/commissions/{entry['id']}/approve", user=CLEO), 403)
    assert_problem(api.post(f"/commissions/{entry['id']}/approve", user=ROB), 403)
    assert_problem(api.post(f"/commissions/{entry['id']}/approve", user=ZED), 404)
    assert _entry_of(api, CONTOSO)["status"] == "pending"


def test_entries_are_approved_together_all_or_none(aws: Stack, api: ApiClient) -> None:
    contoso, dista = _entry_of(api, CONTOSO), _entry_of(api, DIST_A)

    # one unknown (or another vendor's) entry: none is approved
    [other] = _entries(api, ZED)
    for stranger in ("no-such-entry", other["id"]):
        refused = api.post("/commissions/approve", json_body={"entry_ids": [contoso["id"], stranger]})
        assert_problem(refused, 404)
    assert _entries(api, ANA, status="approved") == []
    assert_problem(api.post("/commissions/approve", json_body={"entry_ids": [contoso["id"]]}, user=CLEO), 403)

    both = {"entry_ids": [contoso["id"], dista["id"]]}
    response = api.post("/commissions/approve", json_body=both, user=BEN)

    assert response.status == 200, response.text
    assert [(item["id"], item["status"]) for item in response.json()] == [
        (contoso["id"], "approved"), (dista["id"], "approved")]
    assert {item["id"] for item in _entries(api, ANA, status="approved")} == {contoso["id"], dista["id"]}
    assert len([e for e in outbox_events(aws, TABLE) if e["type"] == "CommissionApproved"]) == 2


@pytest.mark.parametrize(("ids", "field"), [
    ([], "entry_ids"), (["a"] * 2, "entry_ids"), ([f"e{index}" for index in range(26)], "entry_ids"),
    (["ok", "a#b"], "entry_ids.1"),
])
def test_a_bad_approval_list_is_a_422(api: ApiClient, ids: list[str], field: str) -> None:
    assert_problem(api.post("/commissions/approve", json_body={"entry_ids": ids}), 422, field)


def test_a_clawback_is_approved_like_any_entry(api: ApiClient, ledger: Ledger) -> None:
    ledger(changed(deal(DEAL_C, version=3, status="open"), "closed_won"))
    [clawback] = [item for item in _entries(api, ANA, partnership_id=CONTOSO) if item["kind"] == "clawback"]
    assert clawback["amount"] == "-700.00"

    assert api.post(f"/commissions/{clawback['id']}/approve").json()["status"] == "approved"


# ---------------------------------------------------------------- a deal's ledger, problems


def test_the_vendor_reads_a_deals_ledger(api: ApiClient, ledger: Ledger) -> None:
    ledger(changed(deal(DEAL_C, version=3, status="closed_won", amount="12000.00"), "closed_won"))

    response = api.get(f"/ledger/deals/{DEAL_C}")

    assert response.status == 200, response.text
    body = response.json()
    assert (body["status"], body["amount"], body["currency"], body["deal_version"]) == (
        "closed_won", "12000.00", "EUR", 3)
    assert {(total["beneficiary"]["partnership_id"], total["amount"]) for total in body["totals"]} == {
        (CONTOSO, "840.00"), (DIST_A, "360.00")}
    assert body["plan"]["rate"] == "10"
    assert body["problem"] is None
    assert sorted(entry["amount"] for entry in body["entries"]) == ["140.00", "300.00", "60.00", "700.00"]
    assert_problem(api.get(f"/ledger/deals/{DEAL_C}", user=ZED), 404)
    assert_problem(api.get(f"/ledger/deals/{DEAL_O}"), 404)


def test_the_vendor_sees_why_a_won_deal_earns_nothing(api: ApiClient, ledger: Ledger) -> None:
    unplanned = "d1000000000000000000000000000001"
    ledger(won(unplanned, partnership=UNJOINED, name="Initech renewal"))

    problems = api.get("/ledger/problems").json()["items"]

    assert [(p["deal_id"], p["deal_name"], p["partnership_id"], p["reason"]) for p in problems] == [
        (unplanned, "Initech renewal", UNJOINED, "no_plan")]
    assert "Unjoined" in problems[0]["detail"]
    assert api.get(f"/ledger/deals/{unplanned}").json()["problem"]["reason"] == "no_plan"
    assert [item for item in _entries(api, ANA) if item["deal_id"] == unplanned] == []
    assert api.get("/ledger/problems", user=ZED).json()["items"] == []


def test_once_the_problem_is_fixed_the_vendor_has_the_deal_computed_again(
    api: ApiClient, ledger: Ledger, project: Project,
) -> None:
    # Given a won deal of a partnership without a plan
    unplanned = "d1000000000000000000000000000002"
    ledger(won(unplanned, partnership=UNJOINED, amount="4000.00"))
    # When the vendor gives the partnership a plan and has the deal computed again
    project(event(CommissionPlanSet(partnership_id=UNJOINED, company_name="Unjoined", plan_version=1,
                                    plan=PERCENT_10), hours=40 * 24))
    assert_problem(api.post(f"/ledger/deals/{unplanned}/recompute", user=CLEO), 403)
    assert_problem(api.post(f"/ledger/deals/{unplanned}/recompute", user=ZED), 404)
    response = api.post(f"/ledger/deals/{unplanned}/recompute", user=BEN)

    # Then the commission is recorded and the problem is gone
    assert response.status == 200, response.text
    body = response.json()
    assert body["problem"] is None
    assert [(total["beneficiary"], total["amount"]) for total in body["totals"]] == [
        ({"partnership_id": UNJOINED, "organisation_id": None, "role": "partner"}, "400.00")]
    assert [(entry["kind"], entry["amount"], entry["status"]) for entry in body["entries"]] == [
        ("commission", "400.00", "pending")]
    assert api.get("/ledger/problems").json()["items"] == []
    # Computing it again changes nothing
    again = api.post(f"/ledger/deals/{unplanned}/recompute").json()
    assert [entry["id"] for entry in again["entries"]] == [entry["id"] for entry in body["entries"]]

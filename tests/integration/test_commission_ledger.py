"""The commission ledger, kept from deal events: entries, splits, adjustments, clawbacks, problems.

Deals come as DealCreated/DealUpdated envelopes in SQS batches to the ledger consumer; the program
(plans, tiers, distributors) is the standard one of tests/helpers/leads_world.py: CONTOSO (under
DIST_A) and FABRIKAM (under DIST_B) have 10 % with a 30 % distributor split, NORTHWIND (gold) the gold
default of 10 %, UNJOINED no plan at all.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from tests.helpers.aws import Stack
from tests.helpers.deals import Ledger, changed, deal, opened, won
from tests.helpers.leads_world import (
    CONTOSO,
    DIST_A,
    DIST_B,
    FABRIKAM,
    NORTHWIND,
    OTHER_VENDOR,
    UNJOINED,
    VENDOR,
    Project,
    event,
)
from trellis.events.commissions import CommissionBand, CommissionPlan, CommissionPlanSet, TierDefaultPlanSet

TABLE = "LeadsTable"
DEAL = "d0000000000000000000000000000001"
DEAL_2 = "d0000000000000000000000000000002"


def _items(aws: Stack, entity: str) -> list[dict[str, Any]]:
    return [item for item in aws.items(TABLE) if item.get("entity") == entity]


def _entries(aws: Stack, deal_id: str | None = None) -> list[dict[str, Any]]:
    found = [item for item in _items(aws, "CommissionEntry") if deal_id is None or item["deal_id"] == deal_id]
    return sorted(found, key=lambda item: (item["effective_at"], item["entry_id"]))


def _sums(aws: Stack, deal_id: str) -> dict[tuple[str, str], Decimal]:
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for entry in _entries(aws, deal_id):
        sums[(entry["partnership_id"], entry["currency"])] += entry["amount"]
    return {key: value for key, value in sums.items() if value != 0}


def _events(aws: Stack, event_type: str) -> list[dict[str, Any]]:
    return [json.loads(item["detail"])["data"] for item in _items(aws, "Outbox")
            if item["detail_type"] == event_type]


def _state(aws: Stack, deal_id: str) -> dict[str, Any]:
    [state] = [item for item in _items(aws, "LedgerDeal") if item["deal_id"] == deal_id]
    return state


@pytest.fixture(autouse=True)
def _standard_program(program: None) -> None:
    """Every test here runs in the standard program."""


# ---------------------------------------------------------------- won → entries


def test_a_won_deal_through_a_distributor_splits_the_commission(aws: Stack, ledger: Ledger) -> None:
    # Given an open deal of CONTOSO (under DIST_A) for 10,000.00 EUR
    ledger(opened(deal(DEAL, version=1)))
    assert _entries(aws) == []

    # When it is won
    ledger(won(DEAL))

    # Then 10 % = 1,000.00 is split 30 % to the distributor, the rest to the reseller, both pending
    entries = _entries(aws, DEAL)
    assert {(e["partnership_id"], e["organisation_id"], e["role"], e["amount"], e["currency"], e["kind"],
             e["status"]) for e in entries} == {
        (CONTOSO, "contoso", "reseller", Decimal("700.00"), "EUR", "commission", "pending"),
        (DIST_A, "dista", "distributor", Decimal("300.00"), "EUR", "commission", "pending"),
    }
    # Money is stored as exact numbers, never floats or text
    assert all(isinstance(e["amount"], Decimal) for e in entries)
    # monthly, net 30: won on 4 Feb 2026 → end of February + 30 days
    assert {e["expected_payout_on"] for e in entries} == {"2026-03-30"}
    assert {e["pk"] for e in entries} == {f"ORG#{VENDOR}#COMMISSION#{e['entry_id']}#" for e in entries}
    # Each entry has its event, written with it
    earned = _events(aws, "CommissionEarned")
    assert sorted(event["entry"]["amount"] for event in earned) == ["300.00", "700.00"]
    # and the deal's state knows what the entries add up to
    state = _state(aws, DEAL)
    assert state["pk"] == f"ORG#{VENDOR}#LEDGER#{DEAL}#"
    assert state["deal_version"] == 2
    assert {(t["partnership_id"], t["amount"]) for t in state["totals"]} == {
        (CONTOSO, Decimal("700.00")), (DIST_A, Decimal("300.00"))}
    assert all(isinstance(t["amount"], Decimal) for t in state["totals"])
    assert isinstance(state["amount"], Decimal)


def test_a_deal_won_directly_pays_the_partner_under_its_tiers_default(aws: Stack, ledger: Ledger) -> None:
    ledger(won(DEAL, partnership=NORTHWIND, amount="12345.67", currency="usd"))

    [entry] = _entries(aws, DEAL)
    assert (entry["partnership_id"], entry["role"], entry["amount"], entry["currency"]) == (
        NORTHWIND, "partner", Decimal("1234.57"), "USD")


def test_a_fixed_plan_pays_its_amount_and_a_tiered_plan_each_band_on_its_slice(
    aws: Stack, ledger: Ledger, project: Project,
) -> None:
    fixed = CommissionPlan(kind="fixed", amount=Decimal("500.00"), currency="EUR", net_days=10,
                           schedule="on_deal_won", distributor_split=Decimal("20"))
    tiered = CommissionPlan(kind="tiered", currency="EUR", net_days=45, schedule="quarterly", bands=[
        CommissionBand.model_validate({"from": Decimal("0"), "rate": Decimal("5")}),
        CommissionBand.model_validate({"from": Decimal("50000"), "rate": Decimal("10")})])
    project(event(CommissionPlanSet(partnership_id=FABRIKAM, company_name="Fabrikam", plan_version=2,
                                    plan=fixed), hours=2),
            event(TierDefaultPlanSet(tier_id="gold", plan_version=2, plan=tiered), hours=2))

    ledger(won(DEAL, partnership=FABRIKAM), won(DEAL_2, partnership=NORTHWIND, amount="80000.00"))

    assert _sums(aws, DEAL) == {(FABRIKAM, "EUR"): Decimal("400.00"), (DIST_B, "EUR"): Decimal("100.00")}
    [northwind] = _entries(aws, DEAL_2)
    # 5 % of 50,000 + 10 % of 30,000; quarterly, net 45: end of March + 45 days
    assert (northwind["amount"], northwind["expected_payout_on"]) == (Decimal("5500.00"), "2026-05-15")
    fabrikam = [e for e in _entries(aws, DEAL) if e["partnership_id"] == FABRIKAM]
    assert fabrikam[0]["expected_payout_on"] == "2026-02-14"  # on the win (4 Feb) + 10 days


def test_several_distributors_share_the_distributor_split_to_the_cent(aws: Stack, ledger: Ledger) -> None:
    # A deal through two levels of distributors: 10 % of 10,000.30 = 1,000.03; 30 % of it is 300.01
    ledger(won(DEAL, distributors=(DIST_A, DIST_B), amount="10000.30"))

    assert _sums(aws, DEAL) == {(DIST_A, "EUR"): Decimal("150.01"), (DIST_B, "EUR"): Decimal("150.00"),
                                (CONTOSO, "EUR"): Decimal("700.02")}


# ---------------------------------------------------------------- changes after the win


def test_a_reopened_deal_is_clawed_back_without_editing_history(aws: Stack, ledger: Ledger) -> None:
    ledger(opened(deal(DEAL, version=1)), won(DEAL))
    before = {e["entry_id"]: e for e in _entries(aws, DEAL)}

    # When the deal is reopened
    ledger(changed(deal(DEAL, version=3, status="open"), "closed_won"))

    # Then each beneficiary gets a clawback of what it earned; the original entries are untouched
    entries = _entries(aws, DEAL)
    clawbacks = [e for e in entries if e["entry_id"] not in before]
    assert {(e["partnership_id"], e["amount"], e["kind"], e["status"]) for e in clawbacks} == {
        (CONTOSO, Decimal("-700.00"), "clawback", "pending"),
        (DIST_A, Decimal("-300.00"), "clawback", "pending")}
    assert {e["entry_id"]: e for e in entries if e["entry_id"] in before} == before
    assert _sums(aws, DEAL) == {}
    adjusted = _events(aws, "CommissionAdjusted")
    assert {(a["entry"]["kind"], a["previous_total"], a["new_total"], a["deal_status"])
            for a in adjusted} == {
        ("clawback", "700.00", "0.00", "open"), ("clawback", "300.00", "0.00", "open")}

    # When it is won again: earned again, under the plan of that moment
    ledger(changed(deal(DEAL, version=4, status="closed_won")))
    assert _sums(aws, DEAL) == {(CONTOSO, "EUR"): Decimal("700.00"), (DIST_A, "EUR"): Decimal("300.00")}
    assert len(_entries(aws, DEAL)) == 6


def test_a_lost_deal_is_clawed_back(aws: Stack, ledger: Ledger) -> None:
    ledger(won(DEAL), changed(deal(DEAL, version=3, status="closed_lost"), "closed_won"))
    assert _sums(aws, DEAL) == {}
    kinds = sorted(e["kind"] for e in _entries(aws, DEAL))
    assert kinds == ["clawback", "clawback", "commission", "commission"]


def test_an_amount_change_after_the_win_is_an_adjustment(aws: Stack, ledger: Ledger) -> None:
    ledger(won(DEAL))
    ledger(changed(deal(DEAL, version=3, status="closed_won", amount="8000.00"), "closed_won",
                   changed_fields=["amount"]))

    adjustments = [e for e in _entries(aws, DEAL) if e["kind"] == "adjustment"]
    assert {(e["partnership_id"], e["amount"]) for e in adjustments} == {
        (CONTOSO, Decimal("-140.00")), (DIST_A, Decimal("-60.00"))}
    assert _sums(aws, DEAL) == {(CONTOSO, "EUR"): Decimal("560.00"), (DIST_A, "EUR"): Decimal("240.00")}

    ledger(changed(deal(DEAL, version=4, status="closed_won", amount="12500.00"), "closed_won",
                   changed_fields=["amount"]))
    assert _sums(aws, DEAL) == {(CONTOSO, "EUR"): Decimal("875.00"), (DIST_A, "EUR"): Decimal("375.00")}


def test_a_plan_changed_after_the_win_does_not_rewrite_it(
    aws: Stack, ledger: Ledger, project: Project,
) -> None:
    ledger(won(DEAL))
    richer = CommissionPlan(kind="percentage", rate=Decimal("20"), net_days=30, schedule="monthly",
                            distributor_split=Decimal("50"))
    project(event(CommissionPlanSet(partnership_id=CONTOSO, company_name="Contoso", plan_version=2,
                                    plan=richer), hours=30 * 24))

    # An amount change while it stays won: still the plan it was won under
    ledger(changed(deal(DEAL, version=3, status="closed_won", amount="20000.00"), "closed_won"))
    assert _sums(aws, DEAL) == {(CONTOSO, "EUR"): Decimal("1400.00"), (DIST_A, "EUR"): Decimal("600.00")}

    # Won again after a reopen: the plan of that moment
    ledger(changed(deal(DEAL, version=4, status="open", amount="20000.00"), "closed_won"),
           changed(deal(DEAL, version=5, status="closed_won", amount="20000.00")))
    assert _sums(aws, DEAL) == {(CONTOSO, "EUR"): Decimal("2000.00"), (DIST_A, "EUR"): Decimal("2000.00")}


# ---------------------------------------------------------------- unordered and repeated delivery

HISTORY = [
    (1, "open", "10000.00"), (2, "closed_won", "10000.00"), (3, "closed_won", "9000.00"),
    (4, "open", "9000.00"), (5, "closed_won", "11000.00"),
]


@pytest.mark.parametrize("order", [
    (0, 1, 2, 3, 4), (4, 3, 2, 1, 0), (1, 3, 2, 4, 0), (2, 0, 4, 1, 3), (1, 2, 3, 0, 4),
])
def test_any_order_of_delivery_ends_in_what_the_newest_version_earns(
    aws: Stack, ledger: Ledger, order: tuple[int, ...],
) -> None:
    envelopes = [changed(deal(DEAL, version=version, status=status, amount=amount))  # type: ignore[arg-type]
                 for version, status, amount in HISTORY]
    for index in order:
        ledger(envelopes[index])

    assert _sums(aws, DEAL) == {(CONTOSO, "EUR"): Decimal("770.00"), (DIST_A, "EUR"): Decimal("330.00")}
    assert _state(aws, DEAL)["deal_version"] == 5


def test_all_orders_converge_and_redelivery_changes_nothing(aws: Stack, ledger: Ledger) -> None:
    envelopes = [changed(deal(f"d{index:031d}", version=version, status=status, amount=amount))  # type: ignore[arg-type]
                 for index, order in enumerate(itertools.permutations(range(3)))
                 for version, status, amount in [HISTORY[i] for i in order]]
    for start in range(0, len(envelopes), 9):
        ledger(*envelopes[start:start + 9])
    count = len(_entries(aws))

    # The same events again (same ids: the idempotency record), and as new deliveries (new ids)
    ledger(*envelopes[:9])
    ledger(*(changed(deal(f"d{index:031d}", version=2, status="closed_won")) for index in range(6)))

    assert len(_entries(aws)) == count
    for index in range(6):
        # the newest version (3) earns 10 % of 9,000 split 30/70, whatever the order
        assert _sums(aws, f"d{index:031d}") == {(CONTOSO, "EUR"): Decimal("630.00"),
                                                (DIST_A, "EUR"): Decimal("270.00")}


# ---------------------------------------------------------------- nothing earned, and why


def test_a_won_deal_without_a_plan_records_nothing_and_says_why(aws: Stack, ledger: Ledger) -> None:
    ledger(won(DEAL, partnership=UNJOINED))

    assert _entries(aws) == []
    state = _state(aws, DEAL)
    assert state["problem_reason"] == "no_plan"
    assert state["gsi1pk"] == f"ORG#{VENDOR}#LEDGER#PROBLEMS#"
    [problem] = _events(aws, "CommissionNotRecorded")
    assert (problem["reason"], problem["deal_id"]) == ("no_plan", DEAL)


def test_a_fixed_plan_in_another_currency_records_nothing_without_fx(
    aws: Stack, ledger: Ledger, project: Project,
) -> None:
    fixed_usd = CommissionPlan(kind="fixed", amount=Decimal("500"), currency="USD", net_days=0,
                               schedule="on_deal_won")
    project(event(CommissionPlanSet(partnership_id=FABRIKAM, company_name="Fabrikam", plan_version=2,
                                    plan=fixed_usd), hours=2))

    ledger(won(DEAL, partnership=FABRIKAM, currency="EUR"))

    assert _entries(aws) == []
    state = _state(aws, DEAL)
    assert state["problem_reason"] == "currency_mismatch"
    assert "USD" in state["problem_detail"]
    assert "EUR" in state["problem_detail"]

    # The deal moves to USD: earned, and the problem is gone
    ledger(changed(deal(DEAL, version=3, status="closed_won", partnership=FABRIKAM, currency="USD"),
                   "closed_won"))
    assert _sums(aws, DEAL) == {(FABRIKAM, "USD"): Decimal("500.00")}
    state = _state(aws, DEAL)
    assert state.get("problem_reason") is None
    assert state.get("gsi1pk") is None


def test_a_problem_found_after_the_win_claws_back_what_was_earned(aws: Stack, ledger: Ledger) -> None:
    ledger(won(DEAL))
    ledger(changed(deal(DEAL, version=3, status="closed_won", amount=None), "closed_won"))
    assert _sums(aws, DEAL) == {}
    assert _state(aws, DEAL)["problem_reason"] == "no_amount"


def test_internal_and_open_deals_earn_nothing_and_are_no_problem(aws: Stack, ledger: Ledger) -> None:
    ledger(won(DEAL, partnership=None), opened(deal(DEAL_2, version=1)))
    assert _entries(aws) == []
    assert _items(aws, "Outbox") == []
    assert all(state.get("problem_reason") is None for state in _items(aws, "LedgerDeal"))


def test_a_deal_claiming_another_vendor_than_its_event_is_ignored(aws: Stack, ledger: Ledger) -> None:
    forged = won(DEAL).model_copy(update={"tenant_id": OTHER_VENDOR})
    ledger(forged)
    assert _items(aws, "LedgerDeal") == []

"""What a commission plan pays: exact Decimal math, marginal bands, half-even rounding, distributor split."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from partners.models import CommissionPlanInput
from trellis.commission_math import commission_for, split_for_distributor
from trellis.events.commissions import CommissionPlan
from trellis.money import exact_decimal

D = Decimal


def _plan(**fields: Any) -> CommissionPlan:
    """A plan as the API validates it (so the math sees exactly what is stored)."""
    return CommissionPlanInput.model_validate({"net_days": 30, "schedule": "monthly", **fields}).to_plan()


TIERED = {
    "kind": "tiered", "currency": "EUR",
    "bands": [{"from": "0", "rate": "5"}, {"from": "10000", "rate": "10"}, {"from": "50000", "rate": "15"}],
}


# ---------------------------------------------------------------- exact decimals, never floats


def test_decimal_strings_add_up_exactly() -> None:
    assert exact_decimal("0.1") + exact_decimal("0.2") == D("0.3")


def test_json_numbers_are_read_as_the_decimal_the_client_wrote() -> None:
    # json.loads makes binary floats; 0.1 + 0.2 as floats is 0.30000000000000004
    assert exact_decimal(json.loads("0.1")) + exact_decimal(json.loads("0.2")) == D("0.3")
    assert exact_decimal(json.loads("12.50")) == D("12.5")
    assert exact_decimal(json.loads("100")) == D(100)


@pytest.mark.parametrize("value", [1e-9, "1e-9", "1E2", float("nan"), float("inf"), True, " 1", "1,5", "",
                                   12345678.123456789, None, [1]])
def test_anything_but_a_plain_decimal_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match=r"decimal|digits"):
        exact_decimal(value)


def test_a_plan_built_from_json_numbers_keeps_exact_rates() -> None:
    plan = _plan(**json.loads('{"kind": "percentage", "rate": 0.1, "distributor_split": 0.2}'))
    assert plan.rate is not None
    assert plan.rate + plan.distributor_split == D("0.3")
    assert plan.model_dump(mode="json")["rate"] == "0.1"


def test_money_is_written_with_the_currencys_minor_units() -> None:
    assert _plan(kind="fixed", amount="12.5", currency="eur").amount == D("12.50")
    assert str(_plan(kind="fixed", amount="500", currency="JPY").amount) == "500"
    assert str(_plan(kind="fixed", amount="1.5", currency="KWD").amount) == "1.500"
    with pytest.raises(ValidationError, match="JPY amounts have at most 0 decimal places"):
        _plan(kind="fixed", amount="500.5", currency="JPY")


# ---------------------------------------------------------------- percentage


@pytest.mark.parametrize(
    ("rate", "deal", "expected"),
    [
        ("12.5", "1000.00", "125.00"),
        ("10", "0.25", "0.02"),  # 0.025: half-even rounds to the even cent
        ("10", "0.35", "0.04"),  # 0.035 → 0.04
        ("0.0001", "1000000", "1.00"),
        ("100", "99.99", "99.99"),
        ("7.5", "0", "0.00"),
    ],
)
def test_a_percentage_plan_pays_its_rate_of_the_deal_value(rate: str, deal: str, expected: str) -> None:
    result = commission_for(_plan(kind="percentage", rate=rate), D(deal))
    assert str(result) == expected


def test_a_percentage_plan_rounds_to_the_deals_currency() -> None:
    plan = _plan(kind="percentage", rate="10")
    assert str(commission_for(plan, D("125"), currency="JPY")) == "12"  # 12.5 → 12 (even)
    assert str(commission_for(plan, D("135"), currency="jpy")) == "14"  # 13.5 → 14 (even)
    assert str(commission_for(plan, D("1.2345"), currency="KWD")) == "0.123"  # 0.12345 → 0.123 (half-even)


# ---------------------------------------------------------------- fixed


@pytest.mark.parametrize("deal", ["0", "1", "1000000"])
def test_a_fixed_plan_pays_its_amount_whatever_the_deal(deal: str) -> None:
    assert str(commission_for(_plan(kind="fixed", amount="500", currency="EUR"), D(deal))) == "500.00"


def test_a_fixed_plan_refuses_a_deal_in_another_currency() -> None:
    with pytest.raises(ValueError, match="EUR, not USD"):
        commission_for(_plan(kind="fixed", amount="500", currency="EUR"), D(1000), currency="USD")


# ---------------------------------------------------------------- tiered: marginal, like tax brackets


@pytest.mark.parametrize(
    ("deal", "expected"),
    [
        ("0", "0.00"),
        ("9999.70", "499.98"),  # 499.985 → 499.98 (half-even)
        ("10000", "500.00"),  # the band edge: all of it in the first band
        ("10000.01", "500.00"),  # 500 + 0.01 * 10 % = 500.001
        ("10000.10", "500.01"),
        ("50000", "4500.00"),  # 500 + 40000 * 10 %
        ("60000", "6000.00"),  # 4500 + 10000 * 15 %
    ],
)
def test_a_tiered_plan_pays_each_bands_rate_on_its_own_slice(deal: str, expected: str) -> None:
    assert str(commission_for(_plan(**TIERED), D(deal))) == expected


def test_a_single_band_is_a_percentage_in_a_currency() -> None:
    plan = _plan(kind="tiered", currency="USD", bands=[{"from": 0, "rate": "3.3333"}])
    assert str(commission_for(plan, D("300"))) == "10.00"  # 9.99999


def test_a_negative_deal_value_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 0"):
        commission_for(_plan(**TIERED), D("-1"))


# ---------------------------------------------------------------- distributor split


@pytest.mark.parametrize(
    ("share", "commission", "distributor", "reseller"),
    [
        ("20", "125.00", "25.00", "100.00"),
        ("33.3333", "100.00", "33.33", "66.67"),
        ("50", "0.25", "0.12", "0.13"),  # 0.125 → 0.12 (even); the reseller gets the rest
        ("50", "0.35", "0.18", "0.17"),  # 0.175 → 0.18 (even)
        ("0", "125.00", "0.00", "125.00"),
        ("100", "125.00", "125.00", "0.00"),
    ],
)
def test_a_distributor_gets_its_share_and_the_reseller_the_rest(
    share: str, commission: str, distributor: str, reseller: str,
) -> None:
    plan = _plan(kind="percentage", rate="10", distributor_split=share)
    split = split_for_distributor(plan, D(commission))
    assert (str(split.distributor), str(split.reseller)) == (distributor, reseller)
    assert split.distributor + split.reseller == D(commission)


def test_a_split_rounds_to_the_plans_currency() -> None:
    plan = _plan(kind="fixed", amount="15", currency="JPY", distributor_split="50")
    commission = commission_for(plan, D(1))
    split = split_for_distributor(plan, commission)
    assert (str(split.distributor), str(split.reseller)) == ("8", "7")  # 7.5 → 8 (even)

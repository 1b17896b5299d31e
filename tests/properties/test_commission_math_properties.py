"""Commission math for any plan the API accepts and any deal value (trellis.commission_math, ledger shares).

What the module promises: never negative, rounded once to the currency's minor unit, a percentage
within half a minor unit of the exact value, fixed whatever the deal, tiered marginal (no cliff at a
band edge, so never less for a bigger deal), and a distributor split that adds up to the commission.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leads.logic.ledger import _split
from partners.models import CommissionPlanInput
from trellis.commission_math import commission_for, split_for_distributor
from trellis.currencies import MINOR_UNITS
from trellis.events.commissions import CommissionPlan
from trellis.money import MAX_MONEY

CURRENCIES = sorted(MINOR_UNITS)
RATES = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(100), places=4)
SHARES = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=4)
Case = tuple[CommissionPlan, str]  # a plan and the currency it pays in


def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNITS[currency])


def _money(currency: str, *, at_most: Decimal = MAX_MONEY) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(0), max_value=at_most, places=MINOR_UNITS[currency])


def _plan(**fields: Any) -> CommissionPlan:
    """A plan as the API validates and stores it."""
    return CommissionPlanInput.model_validate({"net_days": 30, "schedule": "monthly", **fields}).to_plan()


@st.composite
def percentage_plans(draw: st.DrawFn) -> tuple[CommissionPlan, str]:
    currency = draw(st.sampled_from(CURRENCIES))
    # A percentage plan may leave its currency out: it then pays in the deal's.
    plan = _plan(kind="percentage", rate=str(draw(RATES)), distributor_split=str(draw(SHARES)),
                 currency=draw(st.sampled_from([currency, None])))
    return plan, currency


@st.composite
def tiered_plans(draw: st.DrawFn) -> tuple[CommissionPlan, str]:
    currency = draw(st.sampled_from(CURRENCIES))
    edges = draw(st.lists(_money(currency, at_most=Decimal(10_000_000)).filter(lambda value: value > 0),
                          max_size=5, unique=True))
    bands = [{"from": str(edge), "rate": str(draw(RATES))} for edge in [Decimal(0), *sorted(edges)]]
    plan = _plan(kind="tiered", currency=currency, bands=bands, distributor_split=str(draw(SHARES)))
    return plan, currency


@st.composite
def fixed_plans(draw: st.DrawFn) -> tuple[CommissionPlan, str]:
    currency = draw(st.sampled_from(CURRENCIES))
    return _plan(kind="fixed", currency=currency, amount=str(draw(_money(currency))),
                 distributor_split=str(draw(SHARES))), currency


def any_plans() -> st.SearchStrategy[tuple[CommissionPlan, str]]:
    return st.one_of(percentage_plans(), fixed_plans(), tiered_plans())


@st.composite
def plan_and_deal(draw: st.DrawFn) -> tuple[CommissionPlan, str, Decimal]:
    plan, currency = draw(any_plans())
    return plan, currency, draw(_money(currency))


@given(plan_and_deal())
def test_a_commission_is_never_negative_and_has_the_currencys_minor_units(
    case: tuple[CommissionPlan, str, Decimal],
) -> None:
    plan, currency, deal = case
    commission = commission_for(plan, deal, currency=currency)
    assert commission >= 0
    assert commission.as_tuple().exponent == -MINOR_UNITS[currency]


@given(percentage_plans(), st.data())
def test_a_percentage_is_the_exact_share_rounded_once(
    case: Case, data: st.DataObject,
) -> None:
    plan, currency = case
    deal = data.draw(_money(currency))
    assert plan.rate is not None
    commission = commission_for(plan, deal, currency=currency)
    exact = deal * plan.rate / 100
    assert abs(commission - exact) <= _quantum(currency) / 2
    assert commission <= deal  # a rate is at most 100 %


@given(any_plans(), st.data())
def test_a_bigger_deal_never_earns_less(case: Case, data: st.DataObject) -> None:
    plan, currency = case
    low, high = sorted([data.draw(_money(currency)), data.draw(_money(currency))])
    assert commission_for(plan, low, currency=currency) <= commission_for(plan, high, currency=currency)


@given(tiered_plans(), st.data())
def test_a_tiered_plan_has_no_cliff_at_a_band_edge(case: Case, data: st.DataObject) -> None:
    # Marginal bands: one more minor unit of deal value earns at most the top rate on that unit (plus
    # the rounding of both results), however close to an edge it is.
    plan, currency = case
    assert plan.bands is not None
    quantum = _quantum(currency)
    edge = data.draw(st.sampled_from([band.from_ for band in plan.bands]))
    deal = max(Decimal(0), edge - data.draw(st.sampled_from([quantum, 0 * quantum])))
    step = data.draw(st.integers(min_value=1, max_value=1000)) * quantum
    top = max(band.rate for band in plan.bands)
    before = commission_for(plan, deal, currency=currency)
    gained = commission_for(plan, deal + step, currency=currency) - before
    assert 0 <= gained <= step * top / 100 + quantum


@given(fixed_plans(), st.data())
def test_a_fixed_plan_pays_its_amount_whatever_the_deal(case: Case, data: st.DataObject) -> None:
    plan, currency = case
    assert commission_for(plan, data.draw(_money(currency)), currency=currency) == plan.amount


@given(plan_and_deal())
def test_the_distributor_split_adds_up_to_the_commission(case: tuple[CommissionPlan, str, Decimal]) -> None:
    plan, currency, deal = case
    commission = commission_for(plan, deal, currency=currency)
    split = split_for_distributor(plan, commission, currency=currency)
    assert split.distributor + split.reseller == commission
    assert split.distributor >= 0
    assert split.reseller >= 0
    assert split.distributor.as_tuple().exponent == -MINOR_UNITS[currency]
    assert abs(split.distributor - commission * plan.distributor_split / 100) <= _quantum(currency) / 2


@given(st.sampled_from(CURRENCIES), st.data(), st.integers(min_value=1, max_value=12))
def test_shares_among_distributors_add_up_to_their_part(
    currency: str, data: st.DataObject, ways: int,
) -> None:
    total = data.draw(_money(currency))
    shares = _split(total, ways, currency)
    quantum = _quantum(currency)
    assert sum(shares) == total
    assert len(shares) == ways
    assert all(share >= 0 and share == share.quantize(quantum) for share in shares)
    # Equal shares; only the first carries the remainder, less than one minor unit per share.
    assert len(set(shares[1:])) <= 1
    assert 0 <= shares[0] - shares[-1] < quantum * ways


@given(any_plans(), st.one_of(
    st.decimals(max_value=Decimal("-0.000001")),
    st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")]),
))
def test_a_negative_or_non_finite_deal_value_is_refused(case: Case, deal: Decimal) -> None:
    plan, currency = case
    with pytest.raises(ValueError, match="deal value"):
        commission_for(plan, deal, currency=currency)

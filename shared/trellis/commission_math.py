"""What a commission plan pays on a won deal (for the commission ledger, issue #4).

Pure functions on :class:`~trellis.events.commissions.CommissionPlan`; Decimal throughout, never
float. Rules:

- ``percentage``: ``rate`` percent of the deal value.
- ``fixed``: ``amount``, whatever the deal value.
- ``tiered``: marginal, like tax brackets: each band's rate applies only to the slice of the deal
  value between its ``from`` and the next band's ``from``. A deal one cent over a threshold earns
  the higher rate on that cent only, so there is no cliff at a band edge to game deal values with.
- The result is rounded once, half-even (banker's rounding), to the currency's minor unit: the
  plan's currency, else the deal's (``currency=``), else 2 places. Intermediate sums are exact.
- ``split_for_distributor``: for a deal that came through a distributor, the commission is the
  one of the reseller's plan (the partnership that owns the deal); the distributor gets that plan's
  ``distributor_split`` percent of it (rounded half-even) and the reseller the rest, so the two
  always add up to the commission exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from trellis.currencies import minor_units
from trellis.events.commissions import CommissionPlan

HUNDRED = Decimal(100)
DEFAULT_PLACES = 2
# Enough digits that no product or sum of plan values and deal values is ever rounded before the end.
PRECISION = 60


@dataclass(frozen=True, slots=True)
class CommissionSplit:
    distributor: Decimal
    reseller: Decimal


def _currency(plan: CommissionPlan, currency: str | None) -> str | None:
    if plan.currency and currency and plan.currency != currency.upper():
        raise ValueError(f"the plan pays in {plan.currency}, not {currency.upper()}")
    return plan.currency or (currency.upper() if currency else None)


def _quantum(currency: str | None) -> Decimal:
    places = minor_units(currency) if currency else DEFAULT_PLACES
    return Decimal(1).scaleb(-places)


def commission_for(plan: CommissionPlan, deal_value: Decimal, *, currency: str | None = None) -> Decimal:
    """The commission on a won deal worth ``deal_value`` (≥ 0, in the plan's currency)."""
    if not isinstance(deal_value, Decimal) or not deal_value.is_finite() or deal_value < 0:
        raise ValueError("the deal value must be a finite Decimal of at least 0")
    quantum = _quantum(_currency(plan, currency))
    with localcontext() as context:
        context.prec = PRECISION
        if plan.kind == "percentage":
            assert plan.rate is not None
            raw = deal_value * plan.rate / HUNDRED
        elif plan.kind == "fixed":
            assert plan.amount is not None
            raw = plan.amount
        else:
            raw = Decimal(0)
            bands = plan.bands or []
            for index, band in enumerate(bands):
                if deal_value <= band.from_:
                    break
                upper = bands[index + 1].from_ if index + 1 < len(bands) else deal_value
                raw += (min(deal_value, upper) - band.from_) * band.rate / HUNDRED
        return raw.quantize(quantum, rounding=ROUND_HALF_EVEN)


def split_for_distributor(
    plan: CommissionPlan, commission: Decimal, *, currency: str | None = None,
) -> CommissionSplit:
    """How a commission on a deal through a distributor is shared between distributor and reseller."""
    quantum = _quantum(_currency(plan, currency))
    with localcontext() as context:
        context.prec = PRECISION
        share = commission * plan.distributor_split / HUNDRED
        distributor = share.quantize(quantum, rounding=ROUND_HALF_EVEN)
        return CommissionSplit(distributor=distributor, reseller=commission - distributor)

"""Commission plan events of the partners service (source ``trellis.partners``).

Every event carries the whole plan, so a consumer (leads: the commission ledger) keeps its own
projection: a partnership's own plan if it has one, else the default of the partnership's tier.
``plan_version`` grows with every change of one plan (a cleared plan keeps its version), so a consumer
keeps the highest version it saw and ignores older deliveries.

Money and rates are decimal strings in JSON ("12.50", "7.5"), never binary floats.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from trellis.events.envelope import EventData

SOURCE = "trellis.partners"

PlanKind = Literal["percentage", "fixed", "tiered"]
PayoutSchedule = Literal["on_deal_won", "monthly", "quarterly"]


class CommissionBand(BaseModel):
    """One band of a tiered plan: ``rate`` percent of the part of the deal value from ``from`` up to
    the next band's ``from`` (marginal, like tax brackets)."""

    model_config = ConfigDict(
        extra="ignore", frozen=True, defer_build=True, validate_by_name=True, serialize_by_alias=True,
    )

    from_: Decimal = Field(alias="from")
    rate: Decimal


class CommissionPlan(BaseModel):
    """A commission plan as stored, published and answered (already validated and normalised).

    - ``percentage``: ``rate`` percent of the deal value.
    - ``fixed``: ``amount`` in ``currency`` per won deal.
    - ``tiered``: ``bands`` by deal value in ``currency``, each band's rate on its own slice.
    - ``distributor_split``: for a deal that came through a distributor, the percentage of the
      commission that goes to the distributor; the reseller gets the rest.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    kind: PlanKind
    currency: str | None = None
    rate: Decimal | None = None
    amount: Decimal | None = None
    bands: list[CommissionBand] | None = None
    net_days: int
    schedule: PayoutSchedule
    distributor_split: Decimal = Decimal(0)


class CommissionPlanSet(EventData):
    """A partnership got its own commission plan, or its plan changed."""

    event_type: ClassVar[str] = "CommissionPlanSet"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str
    plan_version: int
    plan: CommissionPlan


class CommissionPlanCleared(EventData):
    """A partnership's own plan was removed: its tier's default applies again (if there is one)."""

    event_type: ClassVar[str] = "CommissionPlanCleared"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str
    plan_version: int
    tier: str | None = None
    cleared_plan: CommissionPlan


class TierDefaultPlanSet(EventData):
    """The default plan of a tier: what every partnership of the tier without its own plan gets."""

    event_type: ClassVar[str] = "TierDefaultPlanSet"
    source: ClassVar[str] = SOURCE

    tier_id: str
    plan_version: int
    plan: CommissionPlan


class TierDefaultPlanCleared(EventData):
    event_type: ClassVar[str] = "TierDefaultPlanCleared"
    source: ClassVar[str] = SOURCE

    tier_id: str
    plan_version: int
    cleared_plan: CommissionPlan


_PARTNERSHIP_ID = "7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00"

EVENTS: tuple[type[EventData], ...] = (
    CommissionPlanSet,
    CommissionPlanCleared,
    TierDefaultPlanSet,
    TierDefaultPlanCleared,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    _PERCENTAGE = CommissionPlan(
        kind="percentage", rate=Decimal("12.5"), net_days=30, schedule="monthly",
        distributor_split=Decimal("20"),
    )
    _TIERED = CommissionPlan(
        kind="tiered", currency="EUR", net_days=45, schedule="quarterly",
        bands=[
            CommissionBand.model_validate({"from": Decimal("0.00"), "rate": Decimal("5")}),
            CommissionBand.model_validate({"from": Decimal("50000.00"), "rate": Decimal("7.5")}),
        ],
    )

    return (
        CommissionPlanSet(
            partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting", plan_version=1,
            plan=_PERCENTAGE,
        ),
        CommissionPlanCleared(
            partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting", plan_version=2, tier="gold",
            cleared_plan=_PERCENTAGE,
        ),
        TierDefaultPlanSet(tier_id="gold", plan_version=1, plan=_TIERED),
        TierDefaultPlanCleared(tier_id="gold", plan_version=2, cleared_plan=_TIERED),
    )

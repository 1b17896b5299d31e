"""What the dashboard, the distributor network and the tier requirements routes accept and return."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from portal.models import Request
from trellis.currencies import CurrencyCode
from trellis.money import MoneyAmount

MAX_COUNT = 1_000_000


class PortalMoney(BaseModel):
    amount: Decimal
    currency: str


class CommissionFigures(BaseModel):
    """Commission entries for the partnership, per currency: earned (net of adjustments) and by status;
    the next expected payout: the earliest expected payout date of entries not paid yet."""

    earned: list[PortalMoney]
    pending: list[PortalMoney]
    approved: list[PortalMoney]
    paid: list[PortalMoney]
    next_payout_on: date | None
    next_payout: list[PortalMoney]


class TierRequirement(Request):
    """What a partner needs to reach a tier (every field optional; left out = not required)."""

    min_won_revenue: MoneyAmount | None = None
    currency: CurrencyCode | None = None
    min_leads_submitted: int | None = Field(default=None, strict=True, ge=0, le=MAX_COUNT)
    min_deals_won: int | None = Field(default=None, strict=True, ge=0, le=MAX_COUNT)
    min_certifications: int | None = Field(default=None, strict=True, ge=0, le=MAX_COUNT)


class TierRequirements(BaseModel):
    tier_id: str
    requirement: TierRequirement | None


class TierStatus(BaseModel):
    requirement: str  # won_revenue, leads_submitted, deals_won, certifications
    required: Decimal
    current: Decimal
    missing: Decimal
    currency: str | None = None
    met: bool


class NextTier(BaseModel):
    """The tier above the partnership's and what it still needs (``needs`` empty when the vendor
    has not said what the tier requires)."""

    tier: str
    name: str | None
    requirements_defined: bool
    ready: bool
    needs: list[TierStatus]


class DashboardActivity(BaseModel):
    kind: str
    text: str
    occurred_at: datetime


class PortalDashboard(BaseModel):
    """A partnership's figures, kept by events (conversion: won deals from leads / leads, in %)."""

    partnership_id: str
    tier: str | None
    stage: str | None
    leads: int
    leads_submitted: int
    leads_accepted: int
    leads_declined: int
    conversion_rate: Decimal | None
    deals_open: int
    deals_won: int
    deals_lost: int
    pipeline: list[PortalMoney]
    won_revenue: list[PortalMoney]
    commissions: CommissionFigures
    certifications: int
    next_tier: NextTier | None
    recent_activity: list[DashboardActivity]


class ResellerFigures(BaseModel):
    partnership_id: str
    company_name: str | None
    leads: int
    leads_submitted: int
    deals_open: int
    pipeline: list[PortalMoney]
    deals_won: int
    won_revenue: list[PortalMoney]


class NetworkPage(BaseModel):
    items: list[ResellerFigures]

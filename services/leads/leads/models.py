"""What the leads API accepts and returns, and the records it keeps (one module, one section per area)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from trellis.countries import CountryCode
from trellis.currencies import CurrencyCode, minor_units
from trellis.events.leads import (
    AttributionLink,
    DealSnapshot,
    DealStatus,
    LeadOrigin,
    LeadSnapshot,
    LeadStatus,
    ReferralStatus,
    RegistrationStatus,
)
from trellis.fields import Email, EntityId, HttpsUrl, PrintableName, Website
from trellis.industries import IndustryCode
from trellis.money import MoneyAmount, decimal_places, in_minor_units

Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Notes = Annotated[str, StringConstraints(max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
LeadTab = Literal["sent", "received", "not_sent", "network"]
DealTab = Literal["owned", "sent", "network"]
MAX_KEYWORDS = 20
MAX_ASSIGNEES = 20


def _money_places(amount: Decimal | None, currency: str | None, field: str) -> None:
    if amount is None:
        return
    if currency is None:
        raise ValueError(f"{field} needs a currency")
    if decimal_places(amount) > minor_units(currency):
        raise ValueError(f"{field} has more decimal places than {currency} allows")


def _in_currency(value: Decimal | None, info: ValidationInfo) -> Decimal | None:
    """An amount checked against the currency field declared before it (and written in its minor units)."""
    if value is None or "currency" not in info.data:
        return value  # no amount, or an unknown currency (reported on `currency`)
    currency = info.data["currency"]
    if currency is None:
        raise PydanticCustomError("money_currency", "an amount needs a currency")
    places = minor_units(currency)
    if decimal_places(value) > places:
        raise PydanticCustomError("money_places", "{currency} amounts have at most {places} decimal places",
                                  {"currency": currency, "places": places})
    return in_minor_units(value, places)


# ---------------------------------------------------------------- leads


class LeadContact(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: PrintableName | None = None
    last_name: PrintableName | None = None
    email: Email | None = None
    title: PrintableName | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()./-]{3,32}$")] | None = None
    linkedin_url: HttpsUrl | None = None


class LeadCustomer(BaseModel):
    """Who the lead is about: what routing, registration and the receiver need."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    company_name: PrintableName
    website: Website | None = None
    country: CountryCode | None = None
    industry: IndustryCode | None = None
    employee_count: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    keywords: list[Keyword] = Field(default_factory=list, max_length=MAX_KEYWORDS)
    sub_categories: list[Keyword] = Field(default_factory=list, max_length=MAX_KEYWORDS)
    contact: LeadContact | None = None
    notes: Notes | None = None
    currency: CurrencyCode | None = None
    estimated_value: MoneyAmount | None = None

    _estimated_value_in_currency = field_validator("estimated_value")(_in_currency)


class LeadCreate(LeadCustomer):
    """A new lead.

    - A vendor's user: ``partnership_id`` (optional) is the partner to send it to; without it the lead
      waits under "not sent".
    - A partner's user: ``partnership_id`` is their partnership with the vendor (deal registration).
    - A distributor's user: ``partnership_id`` is their distributor partnership and
      ``reseller_partnership_id`` the reseller (assigned to them) the lead is for.
    """

    partnership_id: EntityId | None = None
    reseller_partnership_id: EntityId | None = None
    account_id: EntityId | None = None


class LeadSend(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partnership_id: EntityId


class LeadDecline(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Reason


class LeadAssignees(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_ids: list[EntityId] = Field(max_length=MAX_ASSIGNEES)


class RegistrationDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approved", "rejected"]


class LeadSettings(BaseModel):
    """A vendor's lead rules: how long a partner's registration protects a customer domain."""

    model_config = ConfigDict(extra="forbid")

    registration_days: Annotated[int, Field(ge=1, le=730)] = 90


class Participant(BaseModel):
    organisation_id: str
    role: Literal["vendor", "distributor", "reseller", "partner"]


class LeadRecord(LeadCustomer):
    """A lead as stored (one copy per organisation that sees it) and shown."""

    model_config = ConfigDict(extra="ignore")

    id: str
    vendor_organisation_id: str
    origin: LeadOrigin
    status: LeadStatus
    sender_organisation_id: str
    receiver_organisation_id: str | None = None
    partnership_id: str | None = None
    distributor_partnership_id: str | None = None
    customer_domain: str | None = None
    account_id: str | None = None
    registration_status: RegistrationStatus = "none"
    registration_expires_at: datetime | None = None
    conflicting_lead_ids: list[str] = Field(default_factory=list)
    conflicting_deal_ids: list[str] = Field(default_factory=list)
    declined_partnership_ids: list[str] = Field(default_factory=list)
    decline_reason: str | None = None
    declined_by_organisation_id: str | None = None
    deal_id: str | None = None
    referral_code: str | None = None
    attribution: list[AttributionLink] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    created_by_user_id: str
    created_at: datetime
    updated_at: datetime
    version: int = 1

    def snapshot(self) -> LeadSnapshot:
        return LeadSnapshot(
            lead_id=self.id, vendor_organisation_id=self.vendor_organisation_id, origin=self.origin,
            status=self.status, sender_organisation_id=self.sender_organisation_id,
            receiver_organisation_id=self.receiver_organisation_id, partnership_id=self.partnership_id,
            distributor_partnership_id=self.distributor_partnership_id, company_name=self.company_name,
            customer_domain=self.customer_domain, country=self.country,
            registration_status=self.registration_status, deal_id=self.deal_id,
            referral_code=self.referral_code, attribution=self.attribution, created_at=self.created_at,
            version=self.version,
        )


class Lead(LeadRecord):
    """A lead as one organisation sees it: the shared record, its tab and its own assignees."""

    tab: LeadTab
    role: Literal["vendor", "distributor", "reseller", "partner"]
    assigned_user_ids: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------- deals


class DealCreate(BaseModel):
    """An internal deal of the caller's organisation (partner-sourced deals come from accepted leads)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: PrintableName
    status: DealStatus = "open"
    currency: CurrencyCode | None = None
    amount: MoneyAmount | None = None
    close_date: date | None = None
    website: Website | None = None
    account_id: EntityId | None = None

    _amount_in_currency = field_validator("amount")(_in_currency)


class DealUpdate(BaseModel):
    """A partial update by the owner company: only the fields sent change; ``null`` clears."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: PrintableName | None = None
    status: DealStatus | None = None
    currency: CurrencyCode | None = None
    amount: MoneyAmount | None = None
    close_date: date | None = None
    expected_version: int | None = None

    @model_validator(mode="after")
    def _name_and_status_not_cleared(self) -> DealUpdate:
        for field in ("name", "status"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be cleared")
        return self


class DealRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    vendor_organisation_id: str
    owner_organisation_id: str
    name: str
    status: DealStatus
    amount: Decimal | None = None
    currency: str | None = None
    close_date: date | None = None
    source: Literal["internal", "partner"]
    lead_id: str | None = None
    partnership_id: str | None = None
    distributor_partnership_ids: list[str] = Field(default_factory=list)
    customer_domain: str | None = None
    account_id: str | None = None
    attribution: list[AttributionLink] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    sender_organisation_id: str | None = None
    won_at: datetime | None = None
    created_by_user_id: str
    created_at: datetime
    updated_at: datetime
    version: int = 1

    def snapshot(self) -> DealSnapshot:
        return DealSnapshot(
            deal_id=self.id, vendor_organisation_id=self.vendor_organisation_id,
            owner_organisation_id=self.owner_organisation_id, name=self.name, status=self.status,
            amount=self.amount, currency=self.currency, close_date=self.close_date, source=self.source,
            lead_id=self.lead_id, partnership_id=self.partnership_id,
            distributor_partnership_ids=self.distributor_partnership_ids,
            customer_domain=self.customer_domain, attribution=self.attribution, won_at=self.won_at,
            version=self.version,
        )


class Deal(DealRecord):
    """A deal as one organisation sees it: its tab and whether it may edit (the owner company only)."""

    tab: DealTab
    editable: bool


# ---------------------------------------------------------------- referrals


class ReferralCreate(BaseModel):
    """Connect a referral to a deal: who referred it (a partnership of the caller's side).

    Without ``partnership_id`` the deal's lead tells: the organisation that sent it.
    """

    model_config = ConfigDict(extra="forbid")

    partnership_id: EntityId | None = None
    status: ReferralStatus = "pending"


class ReferralStatusUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ReferralStatus


class Referral(BaseModel):
    id: str
    deal_id: str
    deal_name: str
    owner_organisation_id: str
    referrer_organisation_id: str
    partnership_id: str | None = None
    status: ReferralStatus
    direction: Literal["in", "out"]
    editable: bool
    created_at: datetime
    updated_at: datetime


# ---------------------------------------------------------------- reports
#
# Figures come from aggregates the reports consumer keeps from the lead and deal events (see
# logic/report_figures.py). Flows are counted in the month they belong to: a lead in the month it was
# created (its status is its status now), a won deal in the month it was (last) won. The deals'
# state now — open deals, their amounts (the pipeline) and lost deals — is not a flow and is not
# limited by the period. Only leads and deals with a partner count (a vendor's lead not sent yet and
# internal deals have none). Money: one sum per currency, never converted.

Month = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
TierId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,64}$")]
# A status group selects the rows (partners, resellers, months) that have leads or deals in it.
ReportStatus = Literal["pending", "accepted", "declined", "open", "won", "lost"]
MAX_REPORT_MONTHS = 24


class ReportQuery(BaseModel):
    """Filters both reports share; ``from`` and ``to`` are months (``2026-03``), at most 24 apart."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_month: Month | None = Field(default=None, alias="from")
    to_month: Month | None = Field(default=None, alias="to")
    distributor_id: EntityId | None = None
    tier: TierId | None = None
    status: ReportStatus | None = None


class NetworkQuery(ReportQuery):
    reseller_id: EntityId | None = None


class PerformanceQuery(ReportQuery):
    partnership_id: EntityId | None = None


class MoneyTotal(BaseModel):
    currency: str
    amount: Decimal


class FlowFigures(BaseModel):
    leads: int = Field(description="Leads created in the period (sent to or submitted by a partner)")
    partner_sourced_leads: int = Field(description="Of those, submitted by a partner or distributor")
    leads_pending: int = Field(description="Of those, still waiting for the receiver's answer")
    leads_accepted: int
    leads_declined: int
    acceptance_rate: float | None = Field(description="leads_accepted / leads; null without leads")
    deals_won: int = Field(description="Deals won in the period")
    won_revenue: list[MoneyTotal] = Field(description="Their amounts, one sum per currency")
    win_rate: float | None = Field(description="deals_won / leads_accepted; null without accepted leads")


class ReportFigures(FlowFigures):
    deals_open: int = Field(description="Deals open now (whatever the period)")
    pipeline: list[MoneyTotal] = Field(description="Amounts of the deals open now, per currency")
    deals_lost: int = Field(description="Deals lost, as they stand now (whatever the period)")


class MonthFigures(FlowFigures):
    month: str


class ReportPeriod(BaseModel):
    first_month: str
    last_month: str


class ReportPartner(ReportFigures):
    """A partner (a reseller, under a distributor) in a report."""

    partnership_id: str
    company_name: str | None = None
    partnership_type: str | None = None
    tier: str | None = Field(default=None, description="Its tier now (vendor callers only)")


# --- commission distribution (commissions by distributor and reseller): NOT BUILT YET.
# It will come from the commissions ledger's events (CommissionEarned / CommissionAdjusted, per
# beneficiary partnership and role, amount and currency, effective_at): a consumer of those adds
# each entry once to the same cells as the deal it belongs to. Until then ``commissions`` is null.


class CommissionTotal(BaseModel):
    partnership_id: str
    role: Literal["distributor", "reseller", "partner"]
    earned: list[MoneyTotal]


class CommissionDistribution(BaseModel):
    beneficiaries: list[CommissionTotal]


class NetworkDistributor(ReportFigures):
    """One distributor's network: its resellers' figures, summed, and each reseller's."""

    distributor_id: str | None = Field(description="null: the partners that work without a distributor")
    vendor_organisation_id: str
    company_name: str | None = None
    resellers: list[ReportPartner]


class DistributionNetworkReport(BaseModel):
    period: ReportPeriod
    totals: ReportFigures
    distributors: list[NetworkDistributor]
    months: list[MonthFigures]
    commissions: CommissionDistribution | None = Field(
        default=None, description="Commission distribution by distributor and reseller (not available yet)")


class PartnerPerformance(ReportPartner):
    distributor_ids: list[str] = Field(description="The distributors its leads and deals came through")


class TierPerformance(ReportFigures):
    tier: str | None = Field(description="null: partners without a tier")
    partners: int


class PartnerPerformanceReport(BaseModel):
    period: ReportPeriod
    totals: ReportFigures
    partners: list[PartnerPerformance]
    tiers: list[TierPerformance]
    months: list[MonthFigures]
    commissions: CommissionDistribution | None = Field(
        default=None, description="Commissions by partner (not available yet)")

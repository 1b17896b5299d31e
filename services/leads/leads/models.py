"""What the leads API returns."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from trellis.currencies import MINOR_UNITS, CurrencyCode, minor_units
from trellis.events.commissions import CommissionPlan
from trellis.events.ledger import BeneficiaryRole, EntryKind, EntryStatus, NotRecordedReason, PayoutStatus
from trellis.money import MoneyAmount, decimal_places, in_minor_units


class Lead(BaseModel):
    id: str
    company_name: str
    status: str
    created_at: datetime


# --- commissions: ledger entries, payouts, billings

MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
EntityId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Reference = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$",
                                             strip_whitespace=True)]


def _amount_in(value: Decimal, info: ValidationInfo) -> Decimal:
    """An amount with no more decimals than its currency has, written with exactly those."""
    currency = info.data.get("currency")
    if not isinstance(currency, str):
        return value  # no currency or an unknown one: reported on `currency`
    places = minor_units(currency)
    if decimal_places(value) > places:
        raise PydanticCustomError("money_places", "{currency} amounts have at most {places} decimal places",
                                  {"currency": currency, "places": places})
    return in_minor_units(value, places)


def money(value: Decimal, currency: str) -> Decimal:
    """A stored amount as answered: with exactly the currency's decimal places ("840.00")."""
    return in_minor_units(value, minor_units(currency)) if currency in MINOR_UNITS else value


class CommissionBeneficiary(BaseModel):
    partnership_id: str
    organisation_id: str | None = Field(description="None while the partner company has not joined")
    role: BeneficiaryRole


class CommissionEntry(BaseModel):
    """A ledger entry. ``amount`` is negative for a clawback (and for an adjustment down)."""

    id: str
    deal_id: str
    deal_name: str
    kind: EntryKind = Field(description="commission: earned on a win; adjustment: the won deal's value "
                                        "changed; clawback: the deal is no longer won")
    status: EntryStatus
    beneficiary: CommissionBeneficiary
    amount: Decimal
    currency: str
    effective_at: datetime = Field(description="When the deal change the entry accounts for happened")
    expected_payout_on: date
    created_at: datetime
    approved_at: datetime | None = None
    paid_at: datetime | None = None
    payout_id: str | None = None


class CommissionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partnership_id: EntityId | None = None
    status: EntryStatus | None = None
    month: Annotated[str, StringConstraints(pattern=MONTH)] | None = Field(
        default=None, description="YYYY-MM: entries whose effective date is in that month (UTC)",
    )


MAX_APPROVALS = 25  # each entry changes 3 items and writes an event: 100, DynamoDB's transaction limit


class CommissionApproval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_ids: list[EntityId] = Field(min_length=1, max_length=MAX_APPROVALS,
                                      description="Entries to approve together, all or none")

    @field_validator("entry_ids")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise PydanticCustomError("duplicate", "names an entry twice")
        return value


class CommissionTotal(BaseModel):
    beneficiary: CommissionBeneficiary
    currency: str
    amount: Decimal


class CommissionProblem(BaseModel):
    """Why a won deal earns nothing: the vendor fixes it (e.g. sets a plan), the next change of the deal
    is then recorded."""

    deal_id: str
    deal_name: str
    partnership_id: str | None
    reason: NotRecordedReason
    detail: str
    since: datetime


class DealLedger(BaseModel):
    """A deal as the commission ledger sees it: what it earns now, and every entry it produced."""

    deal_id: str
    deal_name: str
    status: str
    amount: Decimal | None
    currency: str | None
    partnership_id: str | None
    distributor_partnership_ids: list[str]
    deal_version: int
    plan: CommissionPlan | None = Field(description="The plan the deal earns under while it is won")
    totals: list[CommissionTotal]
    problem: CommissionProblem | None
    entries: list[CommissionEntry]


class PayoutCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partnership_id: EntityId = Field(description="The beneficiary partnership to pay")
    currency: CurrencyCode | None = Field(
        default=None, description="Needed only when its approved entries are in more than one currency",
    )


class PayoutPaidInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: Reference | None = Field(default=None, description="The bank transfer's reference")


class PayoutLineView(BaseModel):
    entry_id: str
    deal_id: str
    kind: EntryKind
    amount: Decimal


class Payout(BaseModel):
    id: str
    partnership_id: str
    organisation_id: str | None
    currency: str
    amount: Decimal = Field(description="The net of its entries (never negative)")
    status: PayoutStatus
    lines: list[PayoutLineView]
    created_at: datetime
    paid_at: datetime | None = None
    reference: str | None = None


class BillingCreate(BaseModel):
    """Revenue billed on a deal (recorded by the deal's owner organisation)."""

    model_config = ConfigDict(extra="forbid")

    deal_id: EntityId
    # Order matters: the amount's validator reads the currency.
    currency: CurrencyCode
    amount: MoneyAmount = Field(description='The billed amount, e.g. "1200.00"')
    billed_on: date
    invoice_reference: Reference

    @field_validator("amount")
    @classmethod
    def _positive_in_currency(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        if value <= 0:
            raise PydanticCustomError("money_range", "must be more than 0")
        return _amount_in(value, info)


class Billing(BaseModel):
    id: str
    deal_id: str
    amount: Decimal
    currency: str
    billed_on: date
    invoice_reference: str
    recorded_at: datetime
    recorded_by_organisation_id: str

"""What the leads API accepts and returns, and the records it keeps (one module, one section per area)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from leads.referral_code_format import ReferralCodeText
from trellis.countries import CountryCode
from trellis.currencies import MINOR_UNITS, CurrencyCode, minor_units
from trellis.domains import normalise_domain
from trellis.events.commissions import CommissionPlan
from trellis.events.crm import LifecycleStage
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
from trellis.events.ledger import BeneficiaryRole, EntryKind, EntryStatus, NotRecordedReason, PayoutStatus
from trellis.fields import CalendarDate, Email, EntityId, HttpsUrl, PrintableName, Website
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
      waits under "not sent"; with ``auto_route`` it goes to the best-fitting partner by ICP (if
      any fits; else it waits under "not sent").
    - A partner's user: ``partnership_id`` is their partnership with the vendor (deal registration).
    - A distributor's user: ``partnership_id`` is their distributor partnership and
      ``reseller_partnership_id`` the reseller (assigned to them) the lead is for.
    """

    partnership_id: EntityId | None = None
    reseller_partnership_id: EntityId | None = None
    account_id: EntityId | None = None
    auto_route: bool = False
    # A partner's referral code: the lead goes to (vendor) or comes from (partner) that partnership.
    referral_code: ReferralCodeText | None = None


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
    # Set when auto-routing chose the partner: its score and why (see POST /routing/suggestions).
    routed_score: int | None = None
    routed_explanation: list[str] = Field(default_factory=list)
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
            referral_code=self.referral_code, attribution=self.attribution,
            created_by_user_id=self.created_by_user_id, created_at=self.created_at, version=self.version,
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
    close_date: CalendarDate | None = None
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
    close_date: CalendarDate | None = None
    expected_version: int | None = None

    @field_validator("name", "status")
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        if value is None:  # only a value sent is validated: this is an explicit null
            raise PydanticCustomError("not_clearable", "cannot be cleared")
        return value


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


# --- routing

ROUTING_TERM_LENGTH = 100
MAX_ROUTING_TERMS = 50
MAX_EMPLOYEES = 10_000_000
MAX_SUGGESTIONS = 50
MAX_EXCLUDED = 200
PRINTABLE_TEXT = r"^[^\x00-\x1f\x7f]+$"
PartnershipId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Criterion = Literal["country", "industry", "company_size", "keywords", "sub_categories", "tier"]


def _routing_term(value: str) -> str:
    # The partners service keeps ICP terms trimmed, single-spaced and case-folded: compare like spellings.
    term = " ".join(value.split()).casefold()
    if not term:
        raise ValueError("must not be blank")
    if len(term) > ROUTING_TERM_LENGTH:
        raise ValueError(f"must be at most {ROUTING_TERM_LENGTH} characters")
    return term


def _distinct_terms(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


RoutingTerm = Annotated[
    str, Field(max_length=4 * ROUTING_TERM_LENGTH, pattern=PRINTABLE_TEXT), AfterValidator(_routing_term),
]
RoutingTerms = Annotated[
    list[RoutingTerm], Field(max_length=MAX_ROUTING_TERMS), AfterValidator(_distinct_terms),
]


class RoutingCriteria(BaseModel):
    """What routing compares with each partnership's ICP: the lead's customer.

    Without a country, only partnerships whose ICP serves anywhere are candidates.
    """

    model_config = ConfigDict(extra="forbid")

    country: CountryCode | None = None
    industry: IndustryCode | None = None
    employee_count: int | None = Field(default=None, strict=True, ge=0, le=MAX_EMPLOYEES)
    keywords: RoutingTerms = Field(default_factory=list)
    sub_categories: RoutingTerms = Field(default_factory=list)


class SuggestionsRequest(RoutingCriteria):
    limit: int = Field(default=10, strict=True, ge=1, le=MAX_SUGGESTIONS)
    exclude: list[PartnershipId] = Field(
        default_factory=list, max_length=MAX_EXCLUDED, description="Partnership ids never to suggest",
    )


class ScoreReason(BaseModel):
    criterion: Criterion
    points: int
    detail: str


class Suggestion(BaseModel):
    partnership_id: str
    company_name: str
    partner_organisation_id: str
    partnership_type: str
    tier: str | None
    score: int = Field(description="0 to 100: the sum of the explanation's points")
    explanation: list[ScoreReason]


class RoutingSuggestions(BaseModel):
    items: list[Suggestion]
    candidates: int = Field(description="Partnerships that could take a lead of this country (before limit)")


# --- commissions: ledger entries, payouts, billings

MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
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
    billed_on: CalendarDate
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


# --- referral codes and webhooks

ReferralCodeStatus = Literal["active", "revoked"]
WebhookSystem = Literal["hubspot", "generic"]
DeliveryOutcome = Literal["applied", "unchanged", "stale", "ignored", "rejected"]
MAX_MESSAGE_LINKS = 2
_LINK = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
# External systems are lower-case names (they form keys); record ids are what CRMs use (digits, Salesforce
# ids, UUIDs, slugs), never a "#".
ExternalSystem = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{1,31}$")]
ExternalRecordId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:@/-]{1,128}$")]
HubSpotStage = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ReferralCode(BaseModel):
    """A partnership's referral code and the link to the public referral form that carries it."""

    partnership_id: str
    code: str
    display_code: str  # the code as people read it: K7QM-2XPA
    link: str
    status: ReferralCodeStatus
    issued_at: datetime
    revoked_at: datetime | None = None


class PublicReferralForm(BaseModel):
    """What the public referral form shows, and the token it sends back (spam guard: it is signed, expires,
    is accepted only once and not before ``submit_after``)."""

    code: str
    partner_name: str | None = None
    form_token: str
    submit_after: datetime
    expires_at: datetime


class PublicReferral(BaseModel):
    """A referral sent through the public form: no login, the code is the partner's."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: ReferralCodeText
    form_token: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    company_name: PrintableName
    website: Website | None = None
    contact_first_name: PrintableName
    contact_last_name: PrintableName | None = None
    contact_email: Email
    message: Annotated[str, StringConstraints(max_length=2000)] | None = None
    fax: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="leave empty: the form hides this field from people (spam guard)")

    @field_validator("message")
    @classmethod
    def _few_links(cls, value: str | None) -> str | None:
        if value is not None and len(_LINK.findall(value)) > MAX_MESSAGE_LINKS:
            raise ValueError(f"a message may contain at most {MAX_MESSAGE_LINKS} links")
        return value


class PublicReferralReceipt(BaseModel):
    reference: str
    status: Literal["received"] = "received"


class HubSpotWebhookSettings(BaseModel):
    """Inbound HubSpot webhooks: the app's client secret (it signs every request), the HubSpot account whose
    events are accepted, and which deal stages mean won or lost (any other stage is open)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    client_secret: Annotated[SecretStr, Field(min_length=8, max_length=256)]
    portal_id: Annotated[int, Field(ge=1, le=2**53)]
    endpoint_url: HttpsUrl | None = Field(
        default=None, description="the URL HubSpot calls, if a proxy in front of the API changes it")
    closed_won_stages: list[HubSpotStage] = Field(default_factory=lambda: ["closedwon"], min_length=1,
                                                  max_length=20)
    closed_lost_stages: list[HubSpotStage] = Field(default_factory=lambda: ["closedlost"], min_length=1,
                                                   max_length=20)


class WebhookSettings(BaseModel):
    """One inbound webhook of my organisation (never its secret)."""

    system: WebhookSystem
    endpoint_path: str
    secret_hint: str
    previous_secret_valid_until: datetime | None = None
    portal_id: int | None = None
    endpoint_url: str | None = None
    closed_won_stages: list[str] = Field(default_factory=list)
    closed_lost_stages: list[str] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class WebhookSettingsList(BaseModel):
    items: list[WebhookSettings]


class GenericWebhookSecret(WebhookSettings):
    """A new signing secret (Standard Webhooks ``whsec_``): shown this once, never again."""

    secret: str


class WebhookDelivery(BaseModel):
    id: str
    system: WebhookSystem
    event_type: str | None = None
    external_id: str | None = None
    deal_id: str | None = None
    outcome: DeliveryOutcome
    detail: str | None = None
    received_at: datetime


class DeliveryResult(BaseModel):
    id: str
    outcome: DeliveryOutcome | Literal["duplicate"]
    deal_id: str | None = None
    detail: str | None = None


class WebhookReceipt(BaseModel):
    """What became of each event of an inbound request (each is also kept as a delivery)."""

    deliveries: list[DeliveryResult]


class ExternalId(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    system: ExternalSystem
    external_id: ExternalRecordId


class DealExternalIdsUpdate(BaseModel):
    """The CRM records my deal is linked to (replaces the previous list; [] unlinks all)."""

    model_config = ConfigDict(extra="forbid")

    external_ids: list[ExternalId] = Field(max_length=10)

    @field_validator("external_ids")
    @classmethod
    def _distinct(cls, value: list[ExternalId]) -> list[ExternalId]:
        if len(set(value)) != len(value):
            raise ValueError("an external id is listed twice")
        return value


class DealExternalIds(BaseModel):
    deal_id: str
    external_ids: list[ExternalId]


class GenericWebhookEvent(BaseModel):
    """A Standard Webhooks payload: ``{"type", "timestamp", "data"}`` (other fields are tolerated)."""

    model_config = ConfigDict(extra="ignore")

    type: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    timestamp: datetime | None = None
    data: dict[str, object]


class GenericDealChange(BaseModel):
    """The ``data`` of a ``deal.updated`` event: the CRM record, and the fields it changes (``null`` clears
    amount or close date; fields not sent stay as they are)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    system: ExternalSystem = "generic"
    external_id: ExternalRecordId
    name: PrintableName | None = None
    status: DealStatus | None = None
    currency: CurrencyCode | None = None
    amount: MoneyAmount | None = None
    close_date: date | None = None


class HubSpotEvent(BaseModel):
    """One event of a HubSpot webhook request (HubSpot sends up to 100 in a JSON array)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    event_id: int = Field(alias="eventId")
    subscription_id: int = Field(alias="subscriptionId")
    portal_id: int = Field(alias="portalId")
    occurred_at: int = Field(alias="occurredAt")
    subscription_type: Annotated[str, StringConstraints(max_length=100)] = Field(alias="subscriptionType")
    object_id: int = Field(alias="objectId")
    property_name: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        default=None, alias="propertyName")
    property_value: Annotated[str, StringConstraints(max_length=10_000)] | None = Field(
        default=None, alias="propertyValue")


# --- CRM: accounts, contacts, account imports and exports
#
# Accounts and contacts belong to the caller's organisation (vendors and partners alike keep a CRM).
# Inputs forbid unknown fields; a PATCH changes only the fields sent and ``null`` clears one.

CrmId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
# Printable on one line: names end up in CSV exports, emails and notification titles.
CrmName = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]
# Several lines allowed (tabs and line breaks), no other control characters.
LongText = Annotated[
    str, StringConstraints(max_length=10_000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"),
]
Label = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$")]
PostalCode = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[^\x00-\x1f\x7f]+$")]
MAX_ADDRESSES = 10
MAX_EMPLOYEES = 10_000_000
ACCOUNT_SORTS = ("name", "-name", "created", "-created")
AccountSort = Literal["name", "-name", "created", "-created"]
EMAIL = r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"


def _crm_website(value: str) -> str:
    normalise_domain(value)  # raises ValueError, reported on the field
    return value


CrmWebsite = Annotated[str, Field(max_length=2048), AfterValidator(_crm_website)]


def normalise_linkedin_url(value: str) -> str:
    """``linkedin.com/in/jane`` → ``https://www.linkedin.com/in/jane``; ValueError if not a LinkedIn page."""
    text = value.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme.lower() not in {"http", "https"} or not (
        host == "linkedin.com" or host.endswith(".linkedin.com")
    ):
        raise ValueError("must be a LinkedIn address, such as https://www.linkedin.com/in/jane-doe")
    if parts.username or parts.password or parts.port not in (None, 443):
        raise ValueError("must be a plain LinkedIn address (no user, password or port)")
    if parts.path.strip("/") == "" or any(char.isspace() for char in text):
        raise ValueError("must be the address of a LinkedIn page, such as https://www.linkedin.com/in/jane-doe")
    host = "www.linkedin.com" if host == "linkedin.com" else host
    query = f"?{parts.query}" if parts.query else ""
    return f"https://{host}{parts.path}{query}"


LinkedInUrl = Annotated[str, Field(max_length=2048), AfterValidator(normalise_linkedin_url)]


def _email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


# A contact's address as typed: the domain lower-cased, the local part kept (it may be case-sensitive).
ContactEmail = Annotated[str, StringConstraints(max_length=254, pattern=EMAIL), AfterValidator(_email)]


class Revenue(BaseModel):
    """Annual revenue: an exact decimal (best as a JSON string, "1250000.00") in an ISO 4217 currency."""

    model_config = ConfigDict(extra="forbid")

    currency: CurrencyCode
    amount: MoneyAmount

    @field_validator("amount")
    @classmethod
    def _in_currency(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        currency = info.data.get("currency")
        if not isinstance(currency, str):
            return value  # reported on `currency`
        places = minor_units(currency)
        if decimal_places(value) > places:
            raise PydanticCustomError(
                "money_places", "{currency} amounts have at most {places} decimal places",
                {"currency": currency, "places": places},
            )
        return in_minor_units(value, places)


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    label: Label | None = Field(default=None, description="What it is for, e.g. Headquarters, Billing")
    street: CrmName | None = None
    city: ShortText | None = None
    region: ShortText | None = None
    postal_code: PostalCode | None = None
    country: CountryCode | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Address:
        if not any((self.street, self.city, self.region, self.postal_code, self.country)):
            raise PydanticCustomError("empty_address", "an address needs at least a street, city, region, "
                                      "postal code or country")
        return self


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: CrmName
    website: CrmWebsite | None = Field(default=None, description="Its domain is unique among your accounts")
    revenue: Revenue | None = None
    platform: ShortText | None = Field(default=None, description="e.g. Shopify, Magento")
    industry: IndustryCode | None = None
    employee_count: StrictInt | None = Field(default=None, ge=0, le=MAX_EMPLOYEES)
    country: CountryCode | None = None
    lifecycle_stage: LifecycleStage | None = None
    lead_source: ShortText | None = None
    notes: LongText | None = None
    addresses: list[Address] = Field(default_factory=list, max_length=MAX_ADDRESSES)


class AccountUpdate(BaseModel):
    """A partial update: only the fields sent change; ``null`` clears an optional field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: CrmName | None = None
    website: CrmWebsite | None = None
    revenue: Revenue | None = None
    platform: ShortText | None = None
    industry: IndustryCode | None = None
    employee_count: StrictInt | None = Field(default=None, ge=0, le=MAX_EMPLOYEES)
    country: CountryCode | None = None
    lifecycle_stage: LifecycleStage | None = None
    lead_source: ShortText | None = None
    primary_contact_id: CrmId | None = Field(default=None, description="A contact of this account")
    notes: LongText | None = None
    addresses: list[Address] | None = Field(default=None, max_length=MAX_ADDRESSES)
    expected_version: StrictInt | None = Field(
        default=None, ge=1, description="Fail with 409 if the account moved on",
    )

    @field_validator("name")
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null: every account has a name")
        return value

    @model_validator(mode="after")
    def _changes_something(self) -> AccountUpdate:
        if not self.model_fields_set - {"expected_version"}:
            raise PydanticCustomError("empty_update", "send at least one field to change")
        return self


class AccountQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lifecycle_stage: LifecycleStage | None = None
    country: CountryCode | None = None
    sort: AccountSort = "name"


class Account(BaseModel):
    id: str
    name: str
    website: str | None = None
    domain: str | None = None
    revenue: Revenue | None = None
    platform: str | None = None
    industry: str | None = None
    employee_count: int | None = None
    country: str | None = None
    lifecycle_stage: LifecycleStage | None = None
    lead_source: str | None = None
    primary_contact_id: str | None = None
    notes: str | None = None
    addresses: list[Address] = Field(default_factory=list)
    contact_count: int = 0
    created_at: datetime
    updated_at: datetime
    version: int


class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: ShortText
    last_name: ShortText | None = None
    email: ContactEmail | None = None
    title: ShortText | None = None
    linkedin_url: LinkedInUrl | None = None


class ContactUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: ShortText | None = None
    last_name: ShortText | None = None
    email: ContactEmail | None = None
    title: ShortText | None = None
    linkedin_url: LinkedInUrl | None = None
    expected_version: StrictInt | None = Field(
        default=None, ge=1, description="Fail with 409 if the contact moved on",
    )

    @field_validator("first_name")
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null: every contact has a first name")
        return value

    @model_validator(mode="after")
    def _changes_something(self) -> ContactUpdate:
        if not self.model_fields_set - {"expected_version"}:
            raise PydanticCustomError("empty_update", "send at least one field to change")
        return self


class Contact(BaseModel):
    id: str
    account_id: str
    first_name: str
    last_name: str | None = None
    email: str | None = None
    title: str | None = None
    linkedin_url: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int


ImportStatus = Literal["queued", "running", "completed", "failed"]
RowOutcome = Literal["created", "updated", "unchanged", "rejected"]


class ImportRowResult(BaseModel):
    """What happened to one row of the file (``row`` as a spreadsheet numbers it: the header is row 1)."""

    row: int
    outcome: RowOutcome
    account_id: str | None = None
    reason: str | None = None


class ImportRejection(BaseModel):
    row: int
    reason: str
    name: str | None = None
    website: str | None = None


class AccountImport(BaseModel):
    """An account import: ``created + updated + unchanged + rejected == rows_done`` (all rows at the end)."""

    id: str
    status: ImportStatus
    file_name: str | None = None
    rows_total: int
    rows_done: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    # File header → account field (null: the column is ignored), as applied.
    columns: dict[str, str | None]
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    error: str | None = None
    # Every row's outcome, when the file was imported within the request (small files only).
    results: list[ImportRowResult] | None = None


ExportStatus = Literal["queued", "completed", "failed"]


class AccountExport(BaseModel):
    id: str
    status: ExportStatus
    accounts: int | None = None
    download_url: str | None = Field(default=None, description="A short-lived link to the CSV file")
    download_expires_at: datetime | None = None
    created_at: datetime
    completed_at: datetime | None = None


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


# --- commission distribution: what each beneficiary (distributor, reseller, partner) earned in the
# period, net of adjustments and clawbacks, per currency — from the ledger's entry events, each entry
# counted once by the reports consumer.


class BeneficiaryCommissions(BaseModel):
    partnership_id: str
    role: Literal["distributor", "reseller", "partner"]
    earned: list[MoneyTotal]


class CommissionDistribution(BaseModel):
    beneficiaries: list[BeneficiaryCommissions]


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
        default=None, description="Commission distribution by distributor and reseller: a distributor sees "
                                  "its own share only")


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


# --- account overlaps

SharingLevel = Literal["none", "counts", "names"]


class AccountSharing(BaseModel):
    """How much of my accounts partners with the same customer see: nothing, how many, or who.
    Overlaps show at the lower of the two sides' levels."""

    model_config = ConfigDict(extra="forbid")

    level: SharingLevel


class OverlappingPartner(BaseModel):
    organisation_id: str
    name: str | None
    partnership_id: str
    relation: Literal["my_partner", "my_vendor"]


class AccountOverlaps(BaseModel):
    account_id: str
    domain: str | None
    my_level: SharingLevel
    count: int = Field(description="Partners holding the same domain who share at least counts (both sides)")
    partners: list[OverlappingPartner] = Field(description="Those who share names (both sides)")

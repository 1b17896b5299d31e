"""Lead, registration, deal and referral events of the leads service (source ``trellis.leads``).

The tenant of every event is the vendor whose program the lead or deal belongs to (for an internal
deal of an organisation's own CRM: that organisation). Lead and deal events carry a whole snapshot
with its ``version`` (growing with every change of that lead or deal): a consumer keeps the highest
version it saw and ignores older deliveries. Money is a decimal string in JSON, never a float.

The attribution chain lists who brought the lead or deal, from the vendor down: the vendor, then
the distributors (top level first), then the reseller or partner; a link never changes once written.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from trellis.events.envelope import EventData

SOURCE = "trellis.leads"

AttributionRole = Literal["vendor", "distributor", "reseller", "partner"]
LeadOrigin = Literal["vendor", "partner", "distributor"]
LeadStatus = Literal["not_sent", "sent", "accepted", "declined"]
RegistrationStatus = Literal["none", "registered", "conflict", "approved", "rejected", "expired"]
DealStatus = Literal["open", "closed_won", "closed_lost"]
ReferralStatus = Literal["pending", "accepted", "declined"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class AttributionLink(_Part):
    role: AttributionRole
    organisation_id: str | None = None  # None: a partner company that has not joined yet
    partnership_id: str | None = None  # None for the vendor itself


class LeadSnapshot(_Part):
    lead_id: str
    vendor_organisation_id: str
    origin: LeadOrigin
    status: LeadStatus
    sender_organisation_id: str
    receiver_organisation_id: str | None = None
    # The partner side of the lead: the partnership that sends or receives it (the reseller for a
    # distributor's lead); None for a vendor's lead not sent yet.
    partnership_id: str | None = None
    distributor_partnership_id: str | None = None
    company_name: str
    customer_domain: str | None = None
    country: str | None = None
    registration_status: RegistrationStatus = "none"
    deal_id: str | None = None
    referral_code: str | None = None
    attribution: list[AttributionLink] = Field(default_factory=list)
    created_by_user_id: str | None = None  # the submitter (of sender_organisation_id)
    created_at: datetime
    version: int


class LeadCreated(EventData):
    event_type: ClassVar[str] = "LeadCreated"
    source: ClassVar[str] = SOURCE

    lead: LeadSnapshot


class LeadSent(EventData):
    """A lead went to its receiver (at creation, or a vendor's lead sent or re-sent to a partner)."""

    event_type: ClassVar[str] = "LeadSent"
    source: ClassVar[str] = SOURCE

    lead: LeadSnapshot


class LeadAccepted(EventData):
    event_type: ClassVar[str] = "LeadAccepted"
    source: ClassVar[str] = SOURCE

    lead: LeadSnapshot
    deal_id: str


class LeadDeclined(EventData):
    event_type: ClassVar[str] = "LeadDeclined"
    source: ClassVar[str] = SOURCE

    lead: LeadSnapshot
    declined_by_organisation_id: str
    reason: str


class LeadAssigned(EventData):
    """An organisation's users working a lead changed (each organisation assigns its own)."""

    event_type: ClassVar[str] = "LeadAssigned"
    source: ClassVar[str] = SOURCE

    lead_id: str
    organisation_id: str
    company_name: str
    assigned_user_ids: list[str]
    added_user_ids: list[str] = Field(default_factory=list)


class RegistrationConflict(EventData):
    """A partner's lead names a customer domain already registered to another partner or in an open deal."""

    event_type: ClassVar[str] = "RegistrationConflict"
    source: ClassVar[str] = SOURCE

    lead: LeadSnapshot
    customer_domain: str
    conflicting_lead_ids: list[str] = Field(default_factory=list)
    conflicting_deal_ids: list[str] = Field(default_factory=list)


class RegistrationResolved(EventData):
    event_type: ClassVar[str] = "RegistrationResolved"
    source: ClassVar[str] = SOURCE

    lead: LeadSnapshot
    customer_domain: str
    decision: Literal["approved", "rejected"]
    expires_at: datetime | None = None


class DealSnapshot(_Part):
    deal_id: str
    vendor_organisation_id: str
    owner_organisation_id: str
    name: str
    status: DealStatus
    amount: Decimal | None = None
    currency: str | None = None
    close_date: date | None = None
    source: Literal["internal", "partner"]
    lead_id: str | None = None
    # The partnership whose plan pays the commission (the reseller's for a distributor's lead).
    partnership_id: str | None = None
    distributor_partnership_ids: list[str] = Field(default_factory=list)
    customer_domain: str | None = None
    attribution: list[AttributionLink] = Field(default_factory=list)
    won_at: datetime | None = None  # the last time it became closed_won
    version: int


class DealCreated(EventData):
    event_type: ClassVar[str] = "DealCreated"
    source: ClassVar[str] = SOURCE

    deal: DealSnapshot


class DealUpdated(EventData):
    """Any change of a deal; ``previous_status`` tells a status change (won, lost, reopened) apart."""

    event_type: ClassVar[str] = "DealUpdated"
    source: ClassVar[str] = SOURCE

    deal: DealSnapshot
    previous_status: DealStatus
    changed: list[str]


class DealWon(EventData):
    """A deal became closed_won (also after a reopen): the fact journeys and notifications follow."""

    event_type: ClassVar[str] = "DealWon"
    source: ClassVar[str] = SOURCE

    deal: DealSnapshot


class ReferralConnected(EventData):
    event_type: ClassVar[str] = "ReferralConnected"
    source: ClassVar[str] = SOURCE

    referral_id: str
    deal_id: str
    deal_name: str
    owner_organisation_id: str
    referrer_organisation_id: str
    partnership_id: str | None = None
    status: ReferralStatus


class ReferralStatusChanged(EventData):
    event_type: ClassVar[str] = "ReferralStatusChanged"
    source: ClassVar[str] = SOURCE

    referral_id: str
    deal_id: str
    deal_name: str
    owner_organisation_id: str
    referrer_organisation_id: str
    from_status: ReferralStatus
    to_status: ReferralStatus


_VENDOR = "acme"
_LEAD = "0194f0a0c1d2e3f4a5b6c7d8e9f0a1b2"
_DEAL = "0194f0a0c1d2e3f4a5b6c7d8e9f0a1b3"
_RESELLER = "7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00"
_DISTRIBUTOR = "9a8b7c6d5e4f30211203f4e5d6c7b8a9"
_AT = datetime.fromisoformat("2026-03-02T10:00:00+00:00")

EVENTS: tuple[type[EventData], ...] = (
    LeadCreated,
    LeadSent,
    LeadAccepted,
    LeadDeclined,
    LeadAssigned,
    RegistrationConflict,
    RegistrationResolved,
    DealCreated,
    DealUpdated,
    DealWon,
    ReferralConnected,
    ReferralStatusChanged,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    _CHAIN = [
        AttributionLink(role="vendor", organisation_id=_VENDOR),
        AttributionLink(role="distributor", organisation_id="dista", partnership_id=_DISTRIBUTOR),
        AttributionLink(role="reseller", organisation_id="contoso", partnership_id=_RESELLER),
    ]
    _LEAD_SNAPSHOT = LeadSnapshot(
        lead_id=_LEAD, vendor_organisation_id=_VENDOR, origin="distributor", status="sent",
        sender_organisation_id="dista", receiver_organisation_id="contoso", partnership_id=_RESELLER,
        distributor_partnership_id=_DISTRIBUTOR, company_name="Globex Retail",
        customer_domain="globex.example",
        country="DE", registration_status="registered", attribution=_CHAIN, created_at=_AT, version=1,
    )
    _DEAL_SNAPSHOT = DealSnapshot(
        deal_id=_DEAL, vendor_organisation_id=_VENDOR, owner_organisation_id="contoso", name="Globex Retail",
        status="closed_won", amount=Decimal("12000.00"), currency="EUR", close_date=date(2026, 4, 30),
        source="partner", lead_id=_LEAD, partnership_id=_RESELLER, distributor_partnership_ids=[_DISTRIBUTOR],
        customer_domain="globex.example", attribution=_CHAIN, won_at=_AT, version=3,
    )

    return (
        LeadCreated(lead=_LEAD_SNAPSHOT),
        LeadSent(lead=_LEAD_SNAPSHOT),
        LeadAccepted(lead=_LEAD_SNAPSHOT.model_copy(update={"status": "accepted", "deal_id": _DEAL}),
                     deal_id=_DEAL),
        LeadDeclined(lead=_LEAD_SNAPSHOT.model_copy(update={"status": "declined"}),
                     declined_by_organisation_id="contoso", reason="Outside our region"),
        LeadAssigned(lead_id=_LEAD, organisation_id=_VENDOR, company_name="Globex Retail",
                     assigned_user_ids=["u-manager"], added_user_ids=["u-manager"]),
        RegistrationConflict(lead=_LEAD_SNAPSHOT.model_copy(update={"registration_status": "conflict"}),
                             customer_domain="globex.example", conflicting_lead_ids=[_LEAD]),
        RegistrationResolved(lead=_LEAD_SNAPSHOT.model_copy(update={"registration_status": "approved"}),
                             customer_domain="globex.example", decision="approved", expires_at=_AT),
        DealCreated(deal=_DEAL_SNAPSHOT.model_copy(update={"status": "open", "won_at": None, "version": 1})),
        DealUpdated(deal=_DEAL_SNAPSHOT, previous_status="open", changed=["status"]),
        DealWon(deal=_DEAL_SNAPSHOT),
        ReferralConnected(referral_id="0194f0a0c1d2e3f4a5b6c7d8e9f0a1b4", deal_id=_DEAL,
                          deal_name="Globex Retail", owner_organisation_id="contoso",
                          referrer_organisation_id="northwind", partnership_id=_RESELLER, status="pending"),
        ReferralStatusChanged(referral_id="0194f0a0c1d2e3f4a5b6c7d8e9f0a1b4", deal_id=_DEAL,
                              deal_name="Globex Retail", owner_organisation_id="contoso",
                              referrer_organisation_id="northwind", from_status="pending",
                              to_status="accepted"),
    )

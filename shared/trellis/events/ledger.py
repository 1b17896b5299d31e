"""Commission ledger, payout and billing events of the leads service (source ``trellis.leads``).

The tenant of every event is the vendor whose program pays the commission. A ledger entry is never
edited after it is written, except for its status (pending → approved → paid): a change of the deal
after it was won (reopened, lost, another amount) adds adjustment or clawback entries with negative
amounts instead, so that a deal's entries for one beneficiary always add up to what the deal earns
now. Money is a decimal string in JSON, never a float.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from trellis.events.envelope import EventData

SOURCE = "trellis.leads"

EntryKind = Literal["commission", "adjustment", "clawback"]
EntryStatus = Literal["pending", "approved", "paid"]
BeneficiaryRole = Literal["distributor", "reseller", "partner"]
PayoutStatus = Literal["open", "paid"]
NotRecordedReason = Literal[
    "no_plan", "currency_mismatch", "no_amount", "no_currency", "unknown_currency", "invalid_amount",
    "unknown_partnership",
]


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class Beneficiary(_Part):
    """Who an entry pays: a partnership of the vendor, its partner organisation and its role on the deal."""

    partnership_id: str
    organisation_id: str | None = None  # None: the partner company has not joined yet
    role: BeneficiaryRole


class CommissionEntryData(_Part):
    entry_id: str
    deal_id: str
    deal_name: str
    kind: EntryKind
    status: EntryStatus
    beneficiary: Beneficiary
    amount: Decimal  # negative for a clawback, either sign for an adjustment
    currency: str
    effective_at: datetime  # the deal change the entry accounts for
    expected_payout_on: date
    deal_version: int


class CommissionEarned(EventData):
    """A won deal earned a beneficiary a commission (its first entry on the deal, or after a clawback)."""

    event_type: ClassVar[str] = "CommissionEarned"
    source: ClassVar[str] = SOURCE

    entry: CommissionEntryData


class CommissionAdjusted(EventData):
    """A deal changed after it was won: an adjustment (other amount) or a clawback (reopened, lost)."""

    event_type: ClassVar[str] = "CommissionAdjusted"
    source: ClassVar[str] = SOURCE

    entry: CommissionEntryData
    deal_status: str
    previous_total: Decimal
    new_total: Decimal


class CommissionApproved(EventData):
    event_type: ClassVar[str] = "CommissionApproved"
    source: ClassVar[str] = SOURCE

    entry: CommissionEntryData


class CommissionNotRecorded(EventData):
    """A won deal earns nothing because of a problem the vendor must fix (no plan, currency mismatch …)."""

    event_type: ClassVar[str] = "CommissionNotRecorded"
    source: ClassVar[str] = SOURCE

    deal_id: str
    deal_name: str
    deal_version: int
    partnership_id: str | None = None
    reason: NotRecordedReason
    detail: str


class PayoutLine(_Part):
    entry_id: str
    deal_id: str
    kind: EntryKind
    amount: Decimal


class PayoutData(_Part):
    payout_id: str
    partnership_id: str
    organisation_id: str | None = None
    currency: str
    amount: Decimal  # the net of its lines, never negative
    status: PayoutStatus
    lines: list[PayoutLine] = Field(default_factory=list)
    created_at: datetime
    paid_at: datetime | None = None
    reference: str | None = None


class PayoutCreated(EventData):
    event_type: ClassVar[str] = "PayoutCreated"
    source: ClassVar[str] = SOURCE

    payout: PayoutData


class PayoutPaid(EventData):
    """A payout was paid: each of its entries is now paid."""

    event_type: ClassVar[str] = "PayoutPaid"
    source: ClassVar[str] = SOURCE

    payout: PayoutData


class BillingRecorded(EventData):
    """Revenue billed on a deal, recorded by the deal's owner organisation."""

    event_type: ClassVar[str] = "BillingRecorded"
    source: ClassVar[str] = SOURCE

    billing_id: str
    deal_id: str
    deal_name: str
    owner_organisation_id: str
    amount: Decimal
    currency: str
    billed_on: date
    invoice_reference: str


_DEAL = "0194f0a0c1d2e3f4a5b6c7d8e9f0a1b3"
_RESELLER = "7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00"
_AT = datetime.fromisoformat("2026-03-02T10:00:00+00:00")

EVENTS: tuple[type[EventData], ...] = (
    CommissionEarned,
    CommissionAdjusted,
    CommissionApproved,
    CommissionNotRecorded,
    PayoutCreated,
    PayoutPaid,
    BillingRecorded,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    _ENTRY = CommissionEntryData(
        entry_id="1772445600000a1b2c3d4e5f6a", deal_id=_DEAL, deal_name="Globex Retail", kind="commission",
        status="pending", beneficiary=Beneficiary(partnership_id=_RESELLER, organisation_id="contoso",
                                                  role="reseller"),
        amount=Decimal("840.00"), currency="EUR", effective_at=_AT, expected_payout_on=date(2026, 4, 30),
        deal_version=3,
    )
    _CLAWBACK = _ENTRY.model_copy(update={
        "entry_id": "1772532000000b1c2d3e4f5a6b", "kind": "clawback", "amount": Decimal("-840.00"),
        "deal_version": 4,
    })
    _PAYOUT = PayoutData(
        payout_id="1775124000000c1d2e3f4a5b6c", partnership_id=_RESELLER, organisation_id="contoso",
        currency="EUR", amount=Decimal("840.00"), status="open",
        lines=[PayoutLine(entry_id=_ENTRY.entry_id, deal_id=_DEAL, kind="commission",
                          amount=Decimal("840.00"))],
        created_at=_AT,
    )

    return (
        CommissionEarned(entry=_ENTRY),
        CommissionAdjusted(entry=_CLAWBACK, deal_status="open", previous_total=Decimal("840.00"),
                           new_total=Decimal("0.00")),
        CommissionApproved(entry=_ENTRY.model_copy(update={"status": "approved"})),
        CommissionNotRecorded(deal_id=_DEAL, deal_name="Globex Retail", deal_version=3,
                              partnership_id=_RESELLER,
                              reason="currency_mismatch", detail="the plan pays in USD, the deal is in EUR"),
        PayoutCreated(payout=_PAYOUT),
        PayoutPaid(payout=_PAYOUT.model_copy(update={"status": "paid", "paid_at": _AT,
                                                     "reference": "SEPA-42"})),
        BillingRecorded(billing_id="1772445600000d1e2f3a4b5c6d", deal_id=_DEAL, deal_name="Globex Retail",
                        owner_organisation_id="contoso", amount=Decimal("6000.00"), currency="EUR",
                        billed_on=date(2026, 3, 31), invoice_reference="INV-2026-0042"),
    )

"""Lead, deal and commission events as the leads service sends them, for the portal's dashboard tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.helpers.portal_world import START, VENDOR
from trellis.events.leads import DealSnapshot, LeadSnapshot
from trellis.events.ledger import Beneficiary, CommissionEntryData


def lead(lead_id: str, partnership_id: str | None, *, version: int, status: str = "sent",
         origin: str = "partner", company: str = "Globex Retail", distributor: str | None = None,
         vendor: str = VENDOR, **changes: Any) -> LeadSnapshot:
    return LeadSnapshot(
        lead_id=lead_id, vendor_organisation_id=vendor, origin=origin, status=status,  # type: ignore[arg-type]
        sender_organisation_id="northwind", receiver_organisation_id=vendor, partnership_id=partnership_id,
        distributor_partnership_id=distributor, company_name=company, customer_domain="globex.example",
        created_at=START, version=version, **changes,
    )


def deal(deal_id: str, partnership_id: str, *, version: int, status: str = "open", amount: str | None = None,
         currency: str | None = "EUR", name: str = "Globex Retail", lead_id: str | None = None,
         distributors: tuple[str, ...] = (), vendor: str = VENDOR) -> DealSnapshot:
    return DealSnapshot(
        deal_id=deal_id, vendor_organisation_id=vendor, owner_organisation_id=vendor, name=name,
        status=status, amount=Decimal(amount) if amount is not None else None,  # type: ignore[arg-type]
        currency=currency, source="partner", lead_id=lead_id, partnership_id=partnership_id,
        distributor_partnership_ids=list(distributors), version=version,
    )


def entry(entry_id: str, partnership_id: str, *, amount: str, currency: str = "EUR", status: str = "pending",
          expected: date = date(2026, 3, 31), kind: str = "commission") -> CommissionEntryData:
    return CommissionEntryData(
        entry_id=entry_id, deal_id="d-" + entry_id, deal_name="Globex Retail", kind=kind,  # type: ignore[arg-type]
        status=status, beneficiary=Beneficiary(partnership_id=partnership_id, role="reseller"),  # type: ignore[arg-type]
        amount=Decimal(amount), currency=currency, effective_at=START, expected_payout_on=expected,
        deal_version=1,
    )

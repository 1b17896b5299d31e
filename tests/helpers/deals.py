"""Deals of the standard program (tests/helpers/leads_world.py) as the deal events carry them, and the
commission ledger consumer that reads them.

``deal(...)`` builds a DealSnapshot; ``opened``/``changed`` wrap it in DealCreated/DealUpdated
envelopes; ``ledger`` hands envelopes to the ledger consumer as one SQS batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.helpers.events import eventbridge_event, sqs_message
from tests.helpers.lambda_runtime import FunctionRunner, sqs_event
from tests.helpers.leads_world import (
    CONTOSO,
    DIST_A,
    DIST_B,
    FABRIKAM,
    NORTHWIND,
    OTHER,
    T0,
    UNJOINED,
    VENDOR,
)
from trellis.events import SYSTEM, EventEnvelope
from trellis.events.leads import AttributionLink, DealCreated, DealSnapshot, DealStatus, DealUpdated

ORGANISATIONS: dict[str, str | None] = {
    NORTHWIND: "northwind", DIST_A: "dista", DIST_B: "distb", CONTOSO: "contoso", FABRIKAM: "fabrikam",
    UNJOINED: None, OTHER: "northwind",
}
RESELLERS_OF = {CONTOSO: (DIST_A,), FABRIKAM: (DIST_B,)}
# Deals happen a month after the program was set up.
D0 = T0 + timedelta(days=30)

Ledger = Callable[..., dict[str, Any]]


def deal(
    deal_id: str, *, version: int, status: DealStatus = "open", amount: str | None = "10000.00",
    currency: str | None = "EUR", partnership: str | None = CONTOSO,
    distributors: Sequence[str] | None = None, owner: str | None = None, vendor: str = VENDOR,
    won_at: datetime | None = None, name: str = "Globex Retail",
) -> DealSnapshot:
    """A deal of ``partnership`` (through its distributor in the standard program unless told)."""
    through = tuple(RESELLERS_OF.get(partnership or "", ())) if distributors is None else tuple(distributors)
    chain = [AttributionLink(role="vendor", organisation_id=vendor)]
    chain += [AttributionLink(role="distributor", organisation_id=ORGANISATIONS.get(pid), partnership_id=pid)
              for pid in through]
    if partnership is not None:
        chain.append(AttributionLink(role="reseller" if through else "partner",
                                     organisation_id=ORGANISATIONS.get(partnership),
                                     partnership_id=partnership))
    default_owner = ORGANISATIONS.get(partnership or "") or vendor
    return DealSnapshot(
        deal_id=deal_id, vendor_organisation_id=vendor, owner_organisation_id=owner or default_owner,
        name=name,
        status=status, amount=None if amount is None else Decimal(amount), currency=currency,
        source="partner" if partnership else "internal", partnership_id=partnership,
        distributor_partnership_ids=list(through), customer_domain="globex.example", attribution=chain,
        won_at=won_at if won_at is not None else (
            D0 + timedelta(hours=version) if status == "closed_won" else None),
        version=version,
    )


def _at(snapshot: DealSnapshot, hours: float | None) -> datetime:
    return D0 + timedelta(hours=snapshot.version if hours is None else hours)


def opened(snapshot: DealSnapshot, *, hours: float | None = None) -> EventEnvelope:
    return EventEnvelope.new(DealCreated(deal=snapshot), tenant_id=snapshot.vendor_organisation_id,
                             actor=SYSTEM, occurred_at=_at(snapshot, hours))


def changed(
    snapshot: DealSnapshot, previous_status: DealStatus = "open", *,
    changed_fields: Sequence[str] = ("status",), hours: float | None = None,
) -> EventEnvelope:
    return EventEnvelope.new(
        DealUpdated(deal=snapshot, previous_status=previous_status, changed=list(changed_fields)),
        tenant_id=snapshot.vendor_organisation_id, actor=SYSTEM, occurred_at=_at(snapshot, hours),
    )


def won(deal_id: str, *, version: int = 2, **fields: Any) -> EventEnvelope:
    """The deal becoming closed_won."""
    return changed(deal(deal_id, version=version, status="closed_won", **fields))


def ledger_consumer(function: Callable[[str], FunctionRunner], queue_arn: str) -> Ledger:
    """Hand envelopes to the ledger consumer as one SQS batch; fails on any reported failure."""
    runner = function("LeadsLedgerConsumerFunction")

    def send(*envelopes: EventEnvelope) -> dict[str, Any]:
        messages = [sqs_message(eventbridge_event(envelope)) for envelope in envelopes]
        response: dict[str, Any] = runner.invoke(sqs_event(messages, queue_arn=queue_arn))
        assert response["batchItemFailures"] == [], response
        return response

    return send


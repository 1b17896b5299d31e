"""Billings: revenue records against a deal. The only module with their keys.

Keys (after ``ORG#<vendor>#``, the vendor of the deal's program):

| entity | pk | sk |
|---|---|---|
| Billing | BILLING#<deal># | BILLING#<billing># |
| InvoiceReference | BILLING#<deal># | INVOICE#<sha256 of the reference># |

A deal's billings are one Query (newest first: billing ids are time-ordered). The invoice reference
item makes a second record of the same invoice on the deal a conflict, written or not at all with
the billing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from leads.dal.tables import BillingItem, InvoiceReferenceItem, LeadsItem, Outbox
from trellis.dynamo import transaction
from trellis.events import EventEnvelope
from trellis.keys import key, org_key
from trellis.outbox import outbox_item

BILLING_PREFIX = "BILLING#"


def _pk(vendor_id: str, deal_id: str) -> str:
    return org_key(vendor_id, "BILLING", deal_id)


def new_billing(vendor_id: str, deal_id: str, billing_id: str, **attributes: Any) -> BillingItem:
    return BillingItem(_pk(vendor_id, deal_id), key("BILLING", billing_id), vendor_organisation_id=vendor_id,
                       deal_id=deal_id, billing_id=billing_id, **attributes)


def save_with_event(billing: BillingItem, envelope: EventEnvelope) -> None:
    """The billing, its invoice reference (which must be new on the deal) and its event, together."""
    digest = hashlib.sha256(billing.invoice_reference.casefold().encode()).hexdigest()
    reference = InvoiceReferenceItem(billing.pk, key("INVOICE", digest), billing_id=billing.billing_id)
    with transaction(LeadsItem) as write:
        write.save(billing, condition=BillingItem.pk.does_not_exist())
        write.save(reference, condition=InvoiceReferenceItem.pk.does_not_exist())
        write.save(outbox_item(Outbox, envelope))


def page(
    vendor_id: str, deal_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[BillingItem], Any]:
    result = BillingItem.query(
        _pk(vendor_id, deal_id), BillingItem.sk.startswith(BILLING_PREFIX), scan_index_forward=False,
        limit=limit, last_evaluated_key=start,
    )
    return [item for item in result if isinstance(item, BillingItem)], result.last_evaluated_key

"""Payouts: a batch of one beneficiary's approved entries in one currency. The only module with their keys.

Keys (after ``ORG#<vendor>#``):

| entity | pk | sk | gsi1pk | gsi1sk |
|---|---|---|---|---|
| Payout | PAYOUT#<payout># | PAYOUT# | PAYOUT# | <created_at>#<payout> |
| PayoutListing (the beneficiary's) | PAYOUT#PARTNERSHIP#<partnership># | <created_at>#<payout> | | |
| OpenPayout | PAYOUT#OPEN#<partnership>#<currency># | PAYOUT#OPEN# | | |

The open-payout marker makes "one open payout per beneficiary and currency" a condition of the
transaction that creates a payout: the entries of an open payout cannot go into a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from leads.dal.tables import LeadsItem, OpenPayoutItem, PayoutItem, PayoutListingItem
from trellis.keys import org_key

PAYOUT_SK = "PAYOUT#"
OPEN_SK = "PAYOUT#OPEN#"
_BATCH_GET = 100
_COPIED = (
    "vendor_organisation_id", "payout_id", "partnership_id", "organisation_id", "currency", "amount",
    "status", "lines", "created_at", "created_by", "paid_at", "paid_by", "reference",
)


def payout_key(vendor_id: str, payout_id: str) -> tuple[str, str]:
    return org_key(vendor_id, "PAYOUT", payout_id), PAYOUT_SK


def _listing_pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "PAYOUT", "PARTNERSHIP", partnership_id)


def _position(at: datetime, payout_id: str) -> str:
    return f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{payout_id}"


def open_key(vendor_id: str, partnership_id: str, currency: str) -> tuple[str, str]:
    return org_key(vendor_id, "PAYOUT", "OPEN", partnership_id, currency), OPEN_SK


def new_payout(vendor_id: str, payout_id: str, **attributes: Any) -> PayoutItem:
    return PayoutItem(*payout_key(vendor_id, payout_id), vendor_organisation_id=vendor_id,
                      payout_id=payout_id, **attributes)


def with_listing(payout: PayoutItem) -> list[PayoutItem]:
    """The payout (in the vendor's listing on the index) and its copy in the beneficiary's listing."""
    at = _position(payout.created_at, payout.payout_id)
    payout.gsi1pk, payout.gsi1sk = org_key(payout.vendor_organisation_id, "PAYOUT"), at
    copy = PayoutListingItem(_listing_pk(payout.vendor_organisation_id, payout.partnership_id), at,
                             **{name: getattr(payout, name) for name in _COPIED})
    if payout.version is not None:
        copy.version = payout.version
    return [payout, copy]


def open_marker(vendor_id: str, partnership_id: str, currency: str, payout_id: str) -> OpenPayoutItem:
    return OpenPayoutItem(*open_key(vendor_id, partnership_id, currency), payout_id=payout_id)


def get_open(vendor_id: str, partnership_id: str, currency: str) -> OpenPayoutItem | None:
    try:
        return OpenPayoutItem.get(*open_key(vendor_id, partnership_id, currency), consistent_read=True)
    except OpenPayoutItem.DoesNotExist:
        return None


def get_payout(vendor_id: str, payout_id: str) -> PayoutItem | None:
    try:
        item = PayoutItem.get(*payout_key(vendor_id, payout_id), consistent_read=True)
    except PayoutItem.DoesNotExist:
        return None
    return item if type(item) is PayoutItem else None


def get_payouts(keys: Iterable[tuple[str, str]]) -> list[PayoutItem]:
    wanted = [payout_key(vendor_id, payout_id) for vendor_id, payout_id in dict.fromkeys(keys)]
    found: list[PayoutItem] = []
    for start in range(0, len(wanted), _BATCH_GET):
        found += [item for item in LeadsItem.batch_get(wanted[start:start + _BATCH_GET])
                  if type(item) is PayoutItem]
    return found


def vendor_page(vendor_id: str, *, limit: int, start: dict[str, Any] | None) -> tuple[list[PayoutItem], Any]:
    result = PayoutItem.gsi1.query(
        org_key(vendor_id, "PAYOUT"), scan_index_forward=False, limit=limit, last_evaluated_key=start,
    )
    return [item for item in result if type(item) is PayoutItem], result.last_evaluated_key


def beneficiary_page(
    listings: Iterable[tuple[str, str]], *, limit: int, before: str | None,
) -> tuple[list[PayoutItem], str | None]:
    """Payouts of several (vendor, partnership) merged, newest first, and where the next page starts."""
    found: list[tuple[str, PayoutItem]] = []
    for vendor_id, partnership_id in listings:
        condition = LeadsItem.sk < before if before else None
        for item in LeadsItem.query(_listing_pk(vendor_id, partnership_id), condition,
                                    scan_index_forward=False, limit=limit + 1):
            if isinstance(item, PayoutItem):
                found.append((_position(item.created_at, item.payout_id), item))
    found.sort(key=lambda pair: pair[0], reverse=True)
    page = found[:limit]
    return [item for _, item in page], (page[-1][0] if len(found) > limit else None)

"""Account overlaps: the organisations holding an account with the same domain, and each organisation's
sharing level. The only module that knows these keys:

- ``DOMAIN#<domain>#`` / ``ORG#<org>#ACCOUNT#<id>#``: cross-tenant, ids only (written by dal.accounts
  with the account);
- ``ORG#<org>#SHARING#`` / ``SHARING#``: how much of its accounts the organisation lets its partners see.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from leads.dal.tables import AccountDomainItem, CounterpartItem, SharingItem
from trellis.keys import key, org_key

SHARING_SK = "SHARING#"
MAX_HOLDERS = 100  # organisations read per domain: overlaps show partners, never a whole market


def holders(domain: str, *, limit: int = MAX_HOLDERS) -> list[AccountDomainItem]:
    """Who holds an account with this domain (one Query, at most ``limit`` rows)."""
    return [item for item in AccountDomainItem.query(key("DOMAIN", domain), limit=limit)
            if isinstance(item, AccountDomainItem)]


def sharing_key(organisation_id: str) -> tuple[str, str]:
    return org_key(organisation_id, "SHARING"), SHARING_SK


def sharing_levels(organisation_ids: Iterable[str]) -> dict[str, str]:
    keys = [sharing_key(org) for org in dict.fromkeys(organisation_ids)]
    found: dict[str, str] = {}
    for start in range(0, len(keys), 100):
        for item in SharingItem.batch_get(keys[start:start + 100]):
            found[item.organisation_id] = item.level
    return found


def save_sharing(organisation_id: str, level: str, now: datetime) -> None:
    SharingItem(*sharing_key(organisation_id), organisation_id=organisation_id, level=level,
                updated_at=now).save()


def partnerships_between(partner_org: str, vendor_org: str) -> list[CounterpartItem]:
    """The partnerships in which ``partner_org`` is the partner of ``vendor_org`` (one Query)."""
    return [item for item in CounterpartItem.gsi1.query(
        org_key(partner_org, "COUNTERPARTS"), CounterpartItem.gsi1sk.startswith(f"{vendor_org}#"),
    ) if isinstance(item, CounterpartItem)]


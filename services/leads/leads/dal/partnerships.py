"""The partnership projection: what the leads service keeps of the partners service's partnerships.

Only the partnerships consumer writes here (from events); API use cases read. Keys: see tables.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from leads.dal import routing
from leads.dal.tables import (
    CounterpartItem,
    LeadsItem,
    NetworkLinkItem,
    PartnershipViewItem,
    TierPlanItem,
)
from trellis.dynamo import transaction
from trellis.keys import org_key

VIEW_SK = "PARTNERSHIP#"
COUNTERPART_SK = "COUNTERPART#"
TIER_PLAN_SK = "TIERPLAN#"
RESELLER = "RESELLER#"
DISTRIBUTOR = "DISTRIBUTOR#"
_BATCH_GET = 100


def view_pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "PARTNERSHIP", partnership_id)


def get_view(vendor_id: str, partnership_id: str) -> PartnershipViewItem | None:
    try:
        return PartnershipViewItem.get(view_pk(vendor_id, partnership_id), VIEW_SK, consistent_read=True)
    except PartnershipViewItem.DoesNotExist:
        return None


def new_view(vendor_id: str, partnership_id: str) -> PartnershipViewItem:
    return PartnershipViewItem(
        view_pk(vendor_id, partnership_id), VIEW_SK,
        vendor_organisation_id=vendor_id, partnership_id=partnership_id,
    )


def views(vendor_id: str, partnership_ids: Iterable[str]) -> dict[str, PartnershipViewItem]:
    """Many partnerships of one vendor by id (BatchGetItem, 100 keys a call); missing ids are absent."""
    keys = [(view_pk(vendor_id, pid), VIEW_SK) for pid in dict.fromkeys(partnership_ids)]
    found: dict[str, PartnershipViewItem] = {}
    for start in range(0, len(keys), _BATCH_GET):
        for item in PartnershipViewItem.batch_get(keys[start:start + _BATCH_GET]):
            found[item.partnership_id] = item
    return found


def counterpart_key(partner_org_id: str, partnership_id: str) -> tuple[str, str]:
    return org_key(partner_org_id, "COUNTERPART", partnership_id), COUNTERPART_SK


def save_view(view: PartnershipViewItem) -> None:
    """The view (checked against its version), the partner organisation's counterpart and the routing
    index rows that change with it (dal/routing.py), together.

    A concurrent writer of the same view fails the transaction; the consumer reports the record and
    SQS delivers it again.
    """
    with transaction(LeadsItem) as write:
        routing.index_changes(view, write)
        write.save(view)
        partner_org = view.partner_organisation_id
        if partner_org is None:
            return
        pk, sk = counterpart_key(partner_org, view.partnership_id)
        if view.deleted:
            write.delete(CounterpartItem(pk, sk))
            return
        write.save(CounterpartItem(
            pk, sk, gsi1pk=org_key(partner_org, "COUNTERPARTS"),
            gsi1sk=f"{view.vendor_organisation_id}#{view.partnership_id}",
            partner_organisation_id=partner_org, vendor_organisation_id=view.vendor_organisation_id,
            partnership_id=view.partnership_id, company_name=view.company_name,
            vendor_organisation_name=view.vendor_organisation_name,
            partnership_type=view.partnership_type, archived=view.archived,
        ))


def counterpart(partner_org_id: str, partnership_id: str) -> CounterpartItem | None:
    try:
        return CounterpartItem.get(*counterpart_key(partner_org_id, partnership_id))
    except CounterpartItem.DoesNotExist:
        return None


def counterparts(partner_org_id: str) -> Iterator[CounterpartItem]:
    """Every partnership the organisation is the partner in (one Query, paged as needed)."""
    for item in CounterpartItem.gsi1.query(org_key(partner_org_id, "COUNTERPARTS")):
        if isinstance(item, CounterpartItem):
            yield item


# ---------------------------------------------------------------- tier default plans


def tier_plan_key(vendor_id: str, tier_id: str) -> tuple[str, str]:
    return org_key(vendor_id, "PARTNERSHIP", "TIER", tier_id), TIER_PLAN_SK


def get_tier_plan(vendor_id: str, tier_id: str) -> TierPlanItem | None:
    try:
        return TierPlanItem.get(*tier_plan_key(vendor_id, tier_id), consistent_read=True)
    except TierPlanItem.DoesNotExist:
        return None


def new_tier_plan(vendor_id: str, tier_id: str) -> TierPlanItem:
    return TierPlanItem(*tier_plan_key(vendor_id, tier_id), vendor_organisation_id=vendor_id, tier_id=tier_id)


def save_tier_plan(item: TierPlanItem) -> None:
    item.save()


# ---------------------------------------------------------------- distributor network


def get_link(vendor_id: str, distributor_id: str, reseller_id: str) -> NetworkLinkItem | None:
    try:
        return NetworkLinkItem.get(
            view_pk(vendor_id, distributor_id), f"{RESELLER}{reseller_id}#", consistent_read=True,
        )
    except NetworkLinkItem.DoesNotExist:
        return None


def new_link(vendor_id: str, distributor_id: str, reseller_id: str, **attributes: Any) -> NetworkLinkItem:
    return NetworkLinkItem(
        view_pk(vendor_id, distributor_id), f"{RESELLER}{reseller_id}#", vendor_organisation_id=vendor_id,
        distributor_id=distributor_id, reseller_id=reseller_id, **attributes,
    )


def save_link(link: NetworkLinkItem) -> None:
    """The distributor-side link and its reseller-side copy, together, both checked against the version.

    The two are only ever written together, so their versions move in lockstep.
    """
    mirror = NetworkLinkItem(
        view_pk(link.vendor_organisation_id, link.reseller_id), f"{DISTRIBUTOR}{link.distributor_id}#",
        **{name: getattr(link, name) for name in (
            "vendor_organisation_id", "distributor_id", "reseller_id", "assigned_at", "removed_at",
            "chain", "event_at")},
    )
    if link.version is not None:
        mirror.version = link.version
    with transaction(LeadsItem) as write:
        write.save(link)
        write.save(mirror)


def _links(pk: str, prefix: str) -> Iterator[NetworkLinkItem]:
    yield from NetworkLinkItem.query(pk, NetworkLinkItem.sk.startswith(prefix))


def resellers_of(vendor_id: str, distributor_id: str) -> list[NetworkLinkItem]:
    """The distributor's links to resellers, current and past (a Query of its partition)."""
    return list(_links(view_pk(vendor_id, distributor_id), RESELLER))


def distributors_of(vendor_id: str, reseller_id: str) -> list[NetworkLinkItem]:
    return list(_links(view_pk(vendor_id, reseller_id), DISTRIBUTOR))

"""The partnership projection, the program lists and the distributor network (keys: tables.py).

Only the portal's event consumer writes here; API use cases read.
"""

from __future__ import annotations

from collections.abc import Iterator

from pynamodb.exceptions import PutError

from portal.dal.tables import NetworkLinkItem, PartnershipViewItem, ProgramItem
from trellis.keys import key, org_key

VIEW_SK = "VIEW#"
PROGRAM_SK = "PROGRAM#"
RESELLER = "RESELLER#"


def view_key(partnership_id: str) -> tuple[str, str]:
    return key("PARTNERSHIP", partnership_id), VIEW_SK


def get_view(partnership_id: str) -> PartnershipViewItem | None:
    try:
        return PartnershipViewItem.get(*view_key(partnership_id), consistent_read=True)
    except PartnershipViewItem.DoesNotExist:
        return None


def new_view(vendor_id: str, partnership_id: str) -> PartnershipViewItem:
    return PartnershipViewItem(
        *view_key(partnership_id), partnership_id=partnership_id, vendor_organisation_id=vendor_id,
    )


def save_view(view: PartnershipViewItem) -> None:
    """The view, listed under its partner organisation once it joined (and not deleted)."""
    if view.partner_organisation_id and not view.deleted:
        view.gsi1pk = org_key(view.partner_organisation_id, "PARTNERSHIPS")
        view.gsi1sk = f"{view.vendor_organisation_id}#{view.partnership_id}"
    else:
        view.gsi1pk = view.gsi1sk = None
    view.save()


def views_of_partner(partner_org_id: str) -> Iterator[PartnershipViewItem]:
    """Every program the organisation is a partner in (one Query on gsi1, paged as needed)."""
    for item in PartnershipViewItem.gsi1.query(org_key(partner_org_id, "PARTNERSHIPS")):
        if isinstance(item, PartnershipViewItem):
            yield item


# ---------------------------------------------------------------- program lists


def program_key(vendor_id: str) -> tuple[str, str]:
    return org_key(vendor_id, "PROGRAM"), PROGRAM_SK


def get_program(vendor_id: str) -> ProgramItem | None:
    try:
        return ProgramItem.get(*program_key(vendor_id), consistent_read=True)
    except ProgramItem.DoesNotExist:
        return None


def programs_of(vendor_ids: set[str]) -> dict[str, ProgramItem]:
    """The program lists of these vendors (one BatchGetItem per 100), by vendor."""
    found: dict[str, ProgramItem] = {}
    for item in ProgramItem.batch_get([program_key(vendor_id) for vendor_id in sorted(vendor_ids)]):
        found[item.vendor_organisation_id] = item
    return found


def new_program(vendor_id: str) -> ProgramItem:
    return ProgramItem(*program_key(vendor_id), vendor_organisation_id=vendor_id)


def save_program(program: ProgramItem) -> None:
    program.save()


# ---------------------------------------------------------------- distributor network


def link_key(vendor_id: str, distributor_id: str, reseller_id: str) -> tuple[str, str]:
    return org_key(vendor_id, "NETWORK", distributor_id), f"{RESELLER}{reseller_id}#"


def get_link(vendor_id: str, distributor_id: str, reseller_id: str) -> NetworkLinkItem | None:
    try:
        return NetworkLinkItem.get(*link_key(vendor_id, distributor_id, reseller_id), consistent_read=True)
    except NetworkLinkItem.DoesNotExist:
        return None


def save_link(link: NetworkLinkItem) -> None:
    try:
        link.save(condition=NetworkLinkItem.pk.does_not_exist() | (NetworkLinkItem.event_at < link.event_at))
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        # a newer assignment event is kept already: nothing to do


def resellers_of(vendor_id: str, distributor_id: str) -> Iterator[NetworkLinkItem]:
    """Every reseller ever assigned to the distributor (current ones have no ``removed_at``)."""
    pk = org_key(vendor_id, "NETWORK", distributor_id)
    for item in NetworkLinkItem.query(pk, NetworkLinkItem.sk.startswith(RESELLER)):
        if isinstance(item, NetworkLinkItem):
            yield item


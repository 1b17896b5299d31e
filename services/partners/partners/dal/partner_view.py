"""Reads of the partner's side: the partnerships a partner organisation is party to, across vendors."""

from __future__ import annotations

from typing import Any

from partners.dal.organisations import PROFILE_SK, organisation_pk
from partners.dal.partnerships import PARTNERSHIP_SK, partner_link_pk, partnership_pk
from partners.dal.tables import OrganisationItem, PartnerLinkItem, PartnershipItem, PartnersItem


def links_page(
    partner_organisation_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[PartnerLinkItem], Any]:
    result = PartnerLinkItem.query(
        partner_link_pk(partner_organisation_id), PartnerLinkItem.sk.startswith("PARTNERSHIP#"), limit=limit,
        last_evaluated_key=start,
    )
    return [item for item in result if isinstance(item, PartnerLinkItem)], result.last_evaluated_key


def partnerships_and_vendors(
    links: list[PartnerLinkItem],
) -> tuple[dict[tuple[str, str], PartnershipItem], dict[str, OrganisationItem]]:
    """The linked partnerships and their vendors' profiles, in one BatchGetItem (page size ≤ 50)."""
    keys = {
        (partnership_pk(link.vendor_organisation_id, link.partnership_id), PARTNERSHIP_SK) for link in links
    }
    keys |= {(organisation_pk(link.vendor_organisation_id), PROFILE_SK) for link in links}
    partnerships: dict[tuple[str, str], PartnershipItem] = {}
    vendors: dict[str, OrganisationItem] = {}
    if not keys:
        return partnerships, vendors
    for item in PartnersItem.batch_get(list(keys)):
        if isinstance(item, PartnershipItem):
            partnerships[(item.organisation_id, item.partnership_id)] = item
        elif isinstance(item, OrganisationItem):
            vendors[item.organisation_id] = item
    return partnerships, vendors

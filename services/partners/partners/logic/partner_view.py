"""The partner's view of its partnerships (issue #3 item 12): what a partner may see, never more.

A partner sees the vendor's name, the partnership's type, stage, country, website and logo, and
whether it is archived. Assigned vendor users, versions, standard (private) custom fields and
internal notes stay the vendor's; tier and category join this view once partnerships have them.
"""

from __future__ import annotations

from partners.dal import organisations as organisations_dal
from partners.dal import partner_view as dal
from partners.dal import partnerships as partnerships_dal
from partners.dal.tables import OrganisationItem, PartnershipItem
from partners.models import PartnerPartnership
from trellis.errors import NotFound
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import PARTNER_ROLES, Principal

LISTING = "partner-partnerships"


def _view(item: PartnershipItem, vendor: OrganisationItem | None) -> PartnerPartnership:
    return PartnerPartnership(
        id=item.partnership_id,
        vendor_organisation_id=item.organisation_id,
        vendor_name=vendor.name if vendor is not None else item.organisation_id,
        company_name=item.company_name,
        partnership_type=item.partnership_type,
        stage=item.stage,
        stage_changed_at=item.stage_changed_at,
        country=item.country,
        website=item.website,
        logo_url=item.logo_url,
        archived=item.archived_at is not None,
    )


def list_partnerships(principal: Principal, *, limit: int, cursor: str | None) -> Page[PartnerPartnership]:
    principal.require_any(PARTNER_ROLES)
    org = principal.organisation_id
    start = decode_cursor(cursor, tenant_id=org, listing=LISTING)
    links, last_key = dal.links_page(org, limit=limit, start=start)
    partnerships, vendors = dal.partnerships_and_vendors(links)
    items = []
    for link in links:
        item = partnerships.get((link.vendor_organisation_id, link.partnership_id))
        # The partnership names this organisation as its partner, not just the link pointing at it.
        if item is not None and item.partner_organisation_id == org:
            items.append(_view(item, vendors.get(link.vendor_organisation_id)))
    next_cursor = encode_cursor(last_key, tenant_id=org, listing=LISTING)
    return Page[PartnerPartnership](items=items, next_cursor=next_cursor)


def get_partnership(principal: Principal, partnership_id: str) -> PartnerPartnership:
    principal.require_any(PARTNER_ROLES)
    item = partnerships_dal.get_for_partner(principal.organisation_id, partnership_id)
    if item is None:
        raise NotFound("no such partnership")
    vendor = organisations_dal.get_organisation(item.organisation_id)
    return _view(item, vendor)

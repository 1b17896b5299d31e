"""Who may do what in the leads service, and how a caller reaches a partnership.

Vendor and partner organisations both use the leads API (an organisation can be a vendor in its own
program and a partner in others): readers are any vendor role and the partner's admins, sales people
and executives (the portal's leads and deals rooms: marketing and project managers have rooms of
their own), writers the vendor's admins and partner managers and the partner's admins and sales people.
"""

from __future__ import annotations

from dataclasses import dataclass

from leads.dal import partnerships as projection
from leads.dal.tables import PartnershipViewItem
from trellis.errors import Conflict, NotFound
from trellis.principal import VENDOR_ROLES, VENDOR_WRITERS, Principal, Role

PARTNER_READERS = frozenset({Role.PARTNER_ADMIN, Role.SALES, Role.EXECUTIVE})
READERS = VENDOR_ROLES | PARTNER_READERS
WRITERS = VENDOR_WRITERS | {Role.PARTNER_ADMIN, Role.SALES}


def reader(principal: Principal) -> str:
    principal.require_any(READERS)
    return principal.organisation_id


def writer(principal: Principal) -> str:
    principal.require_any(WRITERS)
    return principal.organisation_id


@dataclass(frozen=True)
class Side:
    """A partnership as the caller stands in it: as its vendor, or as its partner."""

    vendor_id: str
    view: PartnershipViewItem
    as_vendor: bool


def side_of(principal: Principal, partnership_id: str, *, field: str = "partnership_id") -> Side:
    """The partnership if the caller's organisation is party to it; 404 otherwise (as if it did not exist)."""
    org = principal.organisation_id
    view = projection.get_view(org, partnership_id)
    if view is not None and not view.deleted and view.created_at is not None:
        return Side(vendor_id=org, view=view, as_vendor=True)
    counterpart = projection.counterpart(org, partnership_id)
    if counterpart is not None:
        view = projection.get_view(counterpart.vendor_organisation_id, partnership_id)
        if view is not None and not view.deleted:
            return Side(vendor_id=counterpart.vendor_organisation_id, view=view, as_vendor=False)
    raise NotFound("no such partnership", field=field)


def active(view: PartnershipViewItem, *, field: str = "partnership_id") -> PartnershipViewItem:
    if view.archived:
        raise Conflict("the partnership is archived; restore it first", field=field)
    return view


def joined(view: PartnershipViewItem, *, field: str = "partnership_id") -> str:
    """The partner organisation: a lead can only go to a partner that accepted its invitation."""
    if not view.partner_organisation_id:
        raise Conflict("the partner has not joined yet (its invitation is not accepted)", field=field)
    return view.partner_organisation_id


def partner_role(view: PartnershipViewItem) -> str:
    return "reseller" if view.partnership_type == "reseller" else "partner"

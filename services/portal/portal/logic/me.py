"""Who the portal is talking to: the caller's identity and which side of the program they sit on."""

from __future__ import annotations

from portal.models import Me, Side
from trellis.principal import PARTNER_ROLES, VENDOR_ROLES, Principal


def describe(principal: Principal) -> Me:
    vendor, partner = principal.has_any(VENDOR_ROLES), principal.has_any(PARTNER_ROLES)
    side: Side = "both" if vendor and partner else "partner" if partner else "vendor"
    return Me(
        user_id=principal.user_id, organisation_id=principal.organisation_id, email=principal.email,
        roles=sorted(principal.roles), side=side,
    )

"""Referral codes: the vendor issues each partnership one code (issuing again rotates it; the old code
stops working), or revokes it; the vendor and the partner read it. A lead submitted with a code, by the
vendor's users, the partner's users or through the public referral form, is attributed to that
partnership. Codes are unique across all programs and never issued twice (see dal.referral_codes).
"""

from __future__ import annotations

from datetime import UTC, datetime

from leads import referral_code_format
from leads.dal import referral_codes as dal
from leads.dal.tables import ReferralCodeItem
from leads.logic import access
from leads.logic.access import Side
from leads.models import LeadCreate, ReferralCode
from trellis.errors import Conflict, Forbidden, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.referral_codes import ReferralCodeIssued, ReferralCodeRevoked
from trellis.principal import VENDOR_WRITERS, Principal
from trellis.settings import get_settings

# Drawing a taken code among 30^8 is already unlikely; five in a row means something else is wrong.
DRAWS = 5


def link_of(code: str) -> str:
    return f"{get_settings().portal_base_url}/refer/{code}"


def display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def view_of(item: ReferralCodeItem) -> ReferralCode:
    return ReferralCode(
        partnership_id=item.partnership_id, code=item.code, display_code=display(item.code),
        link=link_of(item.code), status=item.status, issued_at=item.issued_at,  # type: ignore[arg-type]
        revoked_at=item.revoked_at,
    )


def _vendor_side(principal: Principal, partnership_id: str) -> Side:
    side = access.side_of(principal, partnership_id)
    if not side.as_vendor:
        raise Forbidden("only the vendor issues or revokes its partners' referral codes")
    principal.require_any(VENDOR_WRITERS)
    return side


def issue_code(principal: Principal, partnership_id: str) -> ReferralCode:
    """A new code for the partnership; one it had before stops working."""
    side = _vendor_side(principal, partnership_id)
    access.active(side.view)
    partner = access.joined(side.view)
    vendor = side.vendor_id
    previous = dal.get_code(vendor, partnership_id)
    replaced = previous.code if previous is not None and previous.status == "active" else None
    now = datetime.now(UTC)
    for _ in range(DRAWS):
        code = referral_code_format.generate()
        envelope = EventEnvelope.new(ReferralCodeIssued(
            partnership_id=partnership_id, partner_organisation_id=partner, code=code, link=link_of(code),
            replaced_code=replaced,
        ), tenant_id=vendor, actor=Actor.of(principal), occurred_at=now)
        try:
            item = dal.issue(vendor_id=vendor, partnership_id=partnership_id, partner_organisation_id=partner,
                             code=code, now=now, previous=previous, envelopes=[envelope])
        except dal.CodeTaken:
            continue
        return view_of(item)
    raise Conflict("no unused referral code could be drawn; try again")


def revoke_code(principal: Principal, partnership_id: str) -> None:
    side = _vendor_side(principal, partnership_id)
    current = dal.get_code(side.vendor_id, partnership_id)
    if current is None or current.status != "active":
        raise NotFound("the partnership has no active referral code")
    now = datetime.now(UTC)
    dal.revoke(current, now, EventEnvelope.new(ReferralCodeRevoked(
        partnership_id=partnership_id, partner_organisation_id=current.partner_organisation_id,
        code=current.code, revoked_at=now,
    ), tenant_id=side.vendor_id, actor=Actor.of(principal), occurred_at=now))


def get_code(principal: Principal, partnership_id: str) -> ReferralCode:
    """The partnership's code, for its vendor and its partner."""
    access.reader(principal)
    side = access.side_of(principal, partnership_id)
    item = dal.get_code(side.vendor_id, partnership_id)
    if item is None:
        raise NotFound("the partnership has no referral code")
    return view_of(item)


def attributed(principal: Principal, request: LeadCreate) -> LeadCreate:
    """A lead submitted with a referral code names the code's partnership: the vendor's lead goes to that
    partner, the partner's lead comes from it. A code of another program, or revoked, is 404."""
    field = "referral_code"
    code = request.referral_code
    assert code is not None
    found = dal.lookup(code)
    org = principal.organisation_id
    if (found is None or found.status != "active"
            or org not in (found.vendor_organisation_id, found.partner_organisation_id)):
        raise NotFound("no such referral code", field=field)
    if request.reseller_partnership_id is not None:
        raise ValidationFailed("a referral code names the partner itself, not a reseller",
                               field="reseller_partnership_id")
    if request.partnership_id not in (None, found.partnership_id):
        raise ValidationFailed("the referral code belongs to another partnership", field=field)
    return request.model_copy(update={"partnership_id": found.partnership_id})

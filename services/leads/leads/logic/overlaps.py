"""Account overlaps (seed 003, "Partner Overlaps"): which organisations I have an active partnership
with hold an account with the same domain — shown at the sharing level both sides chose.

Levels are ordered none < counts < names; an overlap counts when both sides share at least counts and is
named when both share names. Only organisations in an active (not archived) partnership with mine, in
either direction, are ever considered; any other holder of the domain stays invisible.
"""

from __future__ import annotations

from datetime import UTC, datetime

from leads.dal import accounts as accounts_dal
from leads.dal import overlaps as dal
from leads.logic import access
from leads.models import AccountOverlaps, AccountSharing, OverlappingPartner, SharingLevel
from trellis.errors import NotFound
from trellis.principal import Principal, Role

ORDER = {"none": 0, "counts": 1, "names": 2}
DEFAULT_LEVEL: SharingLevel = "none"
SHARING_ADMINS = frozenset({Role.ADMIN, Role.PARTNER_ADMIN})


def get_sharing(principal: Principal) -> AccountSharing:
    org = access.reader(principal)
    return AccountSharing(level=dal.sharing_levels([org]).get(org, DEFAULT_LEVEL))  # type: ignore[arg-type]


def put_sharing(principal: Principal, request: AccountSharing) -> AccountSharing:
    principal.require_any(SHARING_ADMINS)
    dal.save_sharing(principal.organisation_id, request.level, datetime.now(UTC))
    return request


def account_overlaps(principal: Principal, account_id: str) -> AccountOverlaps:
    org = access.reader(principal)
    account = accounts_dal.get(org, account_id)
    if account is None:
        raise NotFound("no such account")
    domain = account.domain
    levels_needed = [org]
    others = [row for row in dal.holders(domain) if row.organisation_id != org] if domain else []
    levels_needed += [row.organisation_id for row in others]
    levels = dal.sharing_levels(levels_needed)
    mine: SharingLevel = levels.get(org, DEFAULT_LEVEL)  # type: ignore[assignment]
    partners: list[OverlappingPartner] = []
    count = 0
    if ORDER[mine] > 0:
        for other in dict.fromkeys(row.organisation_id for row in others):
            theirs = ORDER[levels.get(other, DEFAULT_LEVEL)]
            shown = min(ORDER[mine], theirs)
            if shown == 0:
                continue
            related = _relation(org, other)
            if related is None:
                continue
            count += 1
            if shown == ORDER["names"]:
                partners.append(related)
    return AccountOverlaps(account_id=account_id, domain=domain, my_level=mine, count=count,
                           partners=partners)


def _relation(org: str, other: str) -> OverlappingPartner | None:
    """The active partnership between the two organisations, in either direction, if any."""
    for item in dal.partnerships_between(other, org):
        if not item.archived:
            return OverlappingPartner(organisation_id=other, name=item.company_name,
                                      partnership_id=item.partnership_id, relation="my_partner")
    for item in dal.partnerships_between(org, other):
        if not item.archived:
            return OverlappingPartner(organisation_id=other, name=item.vendor_organisation_name,
                                      partnership_id=item.partnership_id, relation="my_vendor")
    return None

"""Who may enter which room of a partnership's portal, and what content they may see.

Every partnership route starts with :func:`enter`: the partnership is read once (by its id) and the
caller's organisation must be its vendor or its (joined) partner, or the answer is 404, exactly as
if it did not exist. Then the caller's roles decide the room (403: the room exists, it is not theirs):

| room          | partner roles that enter it                          | vendor roles          |
|---------------|------------------------------------------------------|-----------------------|
| dashboard     | partner_admin, executive, sales                      | any                   |
| leads, deals  | partner_admin, sales                                 | any                   |
| commissions   | partner_admin, sales, executive                      | any                   |
| resources     | every partner role                                   | any                   |
| brand         | partner_admin, marketing                             | any                   |
| shared files  | every partner role                                   | any                   |
| training      | every partner role                                   | any                   |
| projects      | partner_admin, project_manager                       | any                   |
| messages      | every partner role                                   | any                   |
| feedback      | every partner role                                   | any                   |
| network       | partner_admin, sales, executive (distributors only)  | any                   |

Writing in a room: a partner user who may enter it may write in it (what they may write is the
room's business); on the vendor side only admins and partner managers write, members read.

Personalisation: vendor content carries an :class:`Audience` (tiers, stages, categories,
partnership types, partner roles; empty = everyone). Content a partner may not see is 404, never
403: it does not exist for them.

An archived partnership is closed to its partner (404) and read-only to its vendor (409 on write);
a deleted one is gone for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from portal.dal import partnerships as dal
from portal.dal.tables import PartnershipViewItem, ProgramItem
from portal.models import Audience
from trellis.errors import Conflict, Forbidden, NotFound
from trellis.principal import PARTNER_ROLES, VENDOR_ROLES, VENDOR_WRITERS, Principal, Role

Side = Literal["vendor", "partner"]


class Room(StrEnum):
    DASHBOARD = "dashboard"
    LEADS = "leads"
    DEALS = "deals"
    COMMISSIONS = "commissions"
    RESOURCES = "resources"
    BRAND = "brand"
    SHARED_FILES = "shared_files"
    TRAINING = "training"
    PROJECTS = "projects"
    MESSAGES = "messages"
    FEEDBACK = "feedback"
    NETWORK = "network"


_EVERY_PARTNER = PARTNER_ROLES
PARTNER_ROOMS: dict[Room, frozenset[Role]] = {
    Room.DASHBOARD: frozenset({Role.PARTNER_ADMIN, Role.EXECUTIVE, Role.SALES}),
    Room.LEADS: frozenset({Role.PARTNER_ADMIN, Role.SALES}),
    Room.DEALS: frozenset({Role.PARTNER_ADMIN, Role.SALES}),
    Room.COMMISSIONS: frozenset({Role.PARTNER_ADMIN, Role.SALES, Role.EXECUTIVE}),
    Room.RESOURCES: _EVERY_PARTNER,
    Room.BRAND: frozenset({Role.PARTNER_ADMIN, Role.MARKETING}),
    Room.SHARED_FILES: _EVERY_PARTNER,
    Room.TRAINING: _EVERY_PARTNER,
    Room.PROJECTS: frozenset({Role.PARTNER_ADMIN, Role.PROJECT_MANAGER}),
    Room.MESSAGES: _EVERY_PARTNER,
    Room.FEEDBACK: _EVERY_PARTNER,
    Room.NETWORK: frozenset({Role.PARTNER_ADMIN, Role.SALES, Role.EXECUTIVE}),
}


@dataclass(frozen=True)
class Viewer:
    """A caller inside one partnership's portal: which side they are on and the partnership as known."""

    principal: Principal
    view: PartnershipViewItem
    side: Side

    @property
    def vendor_id(self) -> str:
        return self.view.vendor_organisation_id

    @property
    def partner_id(self) -> str:
        # enter() lets a partner-side caller in only once the partner organisation joined;
        # a vendor may open a partnership whose partner has not joined yet.
        return self.view.partner_organisation_id or ""

    @property
    def partnership_id(self) -> str:
        return self.view.partnership_id

    @property
    def as_vendor(self) -> bool:
        return self.side == "vendor"

    @property
    def user_id(self) -> str:
        return self.principal.user_id

    def rooms(self) -> list[Room]:
        """The rooms this caller may enter (the portal's menu)."""
        if self.as_vendor:
            return [room for room in Room if room is not Room.NETWORK or self.is_distributor]
        return [
            room for room, roles in PARTNER_ROOMS.items()
            if self.principal.has_any(roles) and (room is not Room.NETWORK or self.is_distributor)
        ]

    @property
    def is_distributor(self) -> bool:
        return self.view.partnership_type == "distributor"

    def sees(self, audience: Audience | None, program: ProgramItem | None = None) -> bool:
        """Whether content for ``audience`` exists for this caller (vendors see all of their own)."""
        if self.as_vendor or audience is None:
            return True
        return audience.admits(
            tier=self.view.tier, stage=self.view.stage, category=self.view.category,
            partnership_type=self.view.partnership_type,
            roles={role.value for role in self.principal.roles},
            tier_order=list(program.tier_ids) if program else [],
        )

    def require_visible(
        self, audience: Audience | None, program: ProgramItem | None = None, *, what: str, field: str,
    ) -> None:
        if not self.sees(audience, program):
            raise NotFound(f"no such {what}", field=field)


def enter(
    principal: Principal, partnership_id: str, room: Room, *, write: bool = False,
    field: str = "partnership_id",
) -> Viewer:
    """The partnership as the caller may use it in ``room``; 404 for anyone outside it, 403 for a role
    that does not open the room, 409 for a write to an archived partnership."""
    view = dal.get_view(partnership_id)
    if view is None or view.deleted or view.created_at is None:
        raise NotFound("no such partnership", field=field)
    org = principal.organisation_id
    if org == view.vendor_organisation_id:
        principal.require_any(VENDOR_WRITERS if write else VENDOR_ROLES)
        if write and view.archived:
            raise Conflict("the partnership is archived; restore it first", field=field)
        if room is Room.NETWORK and view.partnership_type != "distributor":
            raise NotFound("the partnership is not a distributor's", field=field)
        return Viewer(principal=principal, view=view, side="vendor")
    if org == view.partner_organisation_id and not view.archived:
        principal.require_any(PARTNER_ROOMS[room])
        if room is Room.NETWORK and view.partnership_type != "distributor":
            raise NotFound("the partnership is not a distributor's", field=field)
        return Viewer(principal=principal, view=view, side="partner")
    raise NotFound("no such partnership", field=field)


def vendor_reader(principal: Principal) -> str:
    """The caller's organisation, to read the content it publishes to its partners."""
    principal.require_any(VENDOR_ROLES)
    return principal.organisation_id


def vendor_writer(principal: Principal) -> str:
    """The caller's organisation, to manage the content it publishes to its partners."""
    principal.require_any(VENDOR_WRITERS)
    return principal.organisation_id


def partner_member(principal: Principal) -> str:
    """A partner-side caller's organisation (403 for a caller with no partner role)."""
    principal.require_any(PARTNER_ROLES)
    return principal.organisation_id


def forbidden_unless(condition: bool, message: str) -> None:
    if not condition:
        raise Forbidden(message)

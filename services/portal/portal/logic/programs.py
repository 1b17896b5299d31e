"""The portal's home: the programs a partner organisation is in, and one partnership's portal card."""

from __future__ import annotations

from portal.dal import partnerships as dal
from portal.dal.tables import PartnershipViewItem
from portal.logic.access import Room, enter, partner_member
from portal.models import PortalCard, PortalProgram, PortalProgramPage
from trellis.principal import Principal

MAX_PROGRAMS = 500  # a partner in more programs than this pages through the partners service's list


def _program(view: PartnershipViewItem) -> PortalProgram:
    return PortalProgram(
        partnership_id=view.partnership_id, vendor_organisation_id=view.vendor_organisation_id,
        vendor_organisation_name=view.vendor_organisation_name, company_name=view.company_name,
        partnership_type=view.partnership_type, stage=view.stage, tier=view.tier, category=view.category,
        archived=view.archived,
    )


def my_programs(principal: Principal) -> PortalProgramPage:
    """Every active program the caller's organisation is a partner in, by vendor."""
    org = partner_member(principal)
    items: list[PortalProgram] = []
    for view in dal.views_of_partner(org):
        if not view.archived and not view.deleted:
            items.append(_program(view))
        if len(items) >= MAX_PROGRAMS:
            break
    return PortalProgramPage(items=items)


def card(principal: Principal, partnership_id: str) -> PortalCard:
    """The partnership's portal as the caller may use it (messages, every role's room, opens the card)."""
    viewer = enter(principal, partnership_id, Room.MESSAGES)
    view = viewer.view
    return PortalCard(
        **_program(view).model_dump(), side=viewer.side, rooms=[room.value for room in viewer.rooms()],
        assigned_user_ids=list(view.assigned_user_ids), created_at=view.created_at,
    )

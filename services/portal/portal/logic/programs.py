"""The portal's home: the programs a partner organisation is in, and one partnership's portal card."""

from __future__ import annotations

from portal.dal import partnerships as dal
from portal.dal.tables import PartnershipViewItem, ProgramItem
from portal.logic.access import Room, enter, partner_member
from portal.models import PortalCard, PortalProgram, PortalProgramPage
from trellis.principal import Principal

MAX_PROGRAMS = 500  # a partner in more programs than this pages through the partners service's list


def _name(program: ProgramItem | None, kind: str, value: str | None) -> str | None:
    """The vendor's name for a tier, stage or category id (None when its lists have not reached us)."""
    if program is None or value is None:
        return None
    names = dict(zip(getattr(program, f"{kind}_ids"), getattr(program, f"{kind}_names"), strict=False))
    return names.get(value)


def _program(view: PartnershipViewItem, program: ProgramItem | None) -> PortalProgram:
    return PortalProgram(
        partnership_id=view.partnership_id, vendor_organisation_id=view.vendor_organisation_id,
        vendor_organisation_name=view.vendor_organisation_name, company_name=view.company_name,
        partnership_type=view.partnership_type, stage=view.stage, tier=view.tier, category=view.category,
        stage_name=_name(program, "stage", view.stage), tier_name=_name(program, "tier", view.tier),
        category_name=_name(program, "category", view.category), archived=view.archived,
    )


def my_programs(principal: Principal) -> PortalProgramPage:
    """Every active program the caller's organisation is a partner in, by vendor."""
    org = partner_member(principal)
    views: list[PartnershipViewItem] = []
    for view in dal.views_of_partner(org):
        if not view.archived and not view.deleted:
            views.append(view)
        if len(views) >= MAX_PROGRAMS:
            break
    programs = dal.programs_of({view.vendor_organisation_id for view in views}) if views else {}
    return PortalProgramPage(
        items=[_program(view, programs.get(view.vendor_organisation_id)) for view in views])


def card(principal: Principal, partnership_id: str) -> PortalCard:
    """The partnership's portal as the caller may use it (messages, every role's room, opens the card)."""
    viewer = enter(principal, partnership_id, Room.MESSAGES)
    view = viewer.view
    return PortalCard(
        **_program(view, dal.get_program(view.vendor_organisation_id)).model_dump(),
        side=viewer.side, rooms=[room.value for room in viewer.rooms()],
        assigned_user_ids=list(view.assigned_user_ids), created_at=view.created_at,
    )

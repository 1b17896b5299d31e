"""The partners service's events → the portal's partnership views, program lists, network and people.

Delivery is at-least-once (the consumer runs each event id once) and unordered: each aspect of a
partnership keeps the time of the event it came from and ignores older ones; a deleted partnership
stays as a tombstone so a late event cannot bring it back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from portal.dal import partnerships as dal
from portal.dal import people as people_dal
from portal.dal.tables import NetworkLinkItem, PartnershipViewItem
from trellis.events import EventData, EventEnvelope, EventHandler
from trellis.events.network import ResellerAssigned, ResellerUnassigned
from trellis.events.organisations import (
    InvitationAccepted,
    PartnerJoined,
    UserRegistered,
    UserRemoved,
    UserRolesChanged,
)
from trellis.events.partners import (
    PartnershipArchived,
    PartnershipCreated,
    PartnershipDeleted,
    PartnershipRestored,
    PartnershipStageChanged,
    PartnershipUpdated,
    PartnershipUserAssigned,
    PartnershipUserUnassigned,
    ProgramListUpdated,
)


def _newer(seen: datetime | None, at: datetime) -> bool:
    return seen is None or at > seen


def _update_view(
    envelope: EventEnvelope, partnership_id: str, change: Callable[[PartnershipViewItem], Any],
) -> None:
    view = dal.get_view(partnership_id) or dal.new_view(envelope.tenant_id, partnership_id)
    if view.vendor_organisation_id != envelope.tenant_id:
        return  # another vendor's event cannot touch this partnership (ids are random; never trusted)
    if view.deleted:
        return
    if change(view) is False:
        return  # older than what the view holds: nothing to write
    dal.save_view(view)


def _profile(
    envelope: EventEnvelope, data: PartnershipCreated | PartnershipUpdated, view: PartnershipViewItem,
) -> bool:
    if not _newer(view.profile_at, envelope.occurred_at):
        return False
    view.company_name, view.partnership_type = data.company_name, data.partnership_type
    view.country, view.tier, view.category = data.country, data.tier, data.category
    view.profile_at = envelope.occurred_at
    return True


def _stage(at: datetime, stage: str, view: PartnershipViewItem) -> bool:
    if not _newer(view.stage_at, at):
        return False
    view.stage, view.stage_at = stage, at
    return True


def _assignees(at: datetime, user_ids: list[str], view: PartnershipViewItem) -> bool:
    if not _newer(view.assignees_at, at):
        return False
    view.assigned_user_ids, view.assignees_at = list(user_ids), at
    return True


def partnership_created(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipCreated)

    def change(view: PartnershipViewItem) -> bool:
        view.created_at = envelope.occurred_at
        _profile(envelope, data, view)
        _stage(envelope.occurred_at, data.stage, view)
        _assignees(envelope.occurred_at, data.assigned_user_ids, view)
        return True

    _update_view(envelope, data.partnership_id, change)


def partnership_updated(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipUpdated)
    _update_view(envelope, data.partnership_id, lambda view: _profile(envelope, data, view))


def stage_changed(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipStageChanged)
    at, stage = envelope.occurred_at, data.to_stage
    _update_view(envelope, data.partnership_id, lambda view: _stage(at, stage, view))


def assignees_changed(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipUserAssigned | PartnershipUserUnassigned)
    at, user_ids = envelope.occurred_at, data.assigned_user_ids
    _update_view(envelope, data.partnership_id, lambda view: _assignees(at, user_ids, view))


def _archive(envelope: EventEnvelope, archived: bool, view: PartnershipViewItem) -> bool:
    if not _newer(view.archived_at_event, envelope.occurred_at):
        return False
    view.archived, view.archived_at_event = archived, envelope.occurred_at
    return True


def partnership_archived(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipArchived)
    _update_view(envelope, data.partnership_id, lambda view: _archive(envelope, True, view))


def partnership_restored(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipRestored)
    _update_view(envelope, data.partnership_id, lambda view: _archive(envelope, False, view))


def partnership_deleted(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipDeleted)

    def change(view: PartnershipViewItem) -> None:
        view.deleted = True

    _update_view(envelope, data.partnership_id, change)


def partner_joined(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnerJoined)

    def change(view: PartnershipViewItem) -> bool:
        if view.partner_organisation_id == data.partner_organisation_id:
            return False
        view.partner_organisation_id = data.partner_organisation_id
        view.vendor_organisation_name = data.vendor_organisation_name
        if view.company_name is None:
            view.company_name = data.company_name
        return True

    _update_view(envelope, data.partnership_id, change)


def program_list_updated(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, ProgramListUpdated)
    if data.list_name not in {"tiers", "stages", "categories"}:
        return  # tags play no part in the portal
    vendor = envelope.tenant_id
    program = dal.get_program(vendor) or dal.new_program(vendor)
    at_attribute = f"{data.list_name}_at"
    if not _newer(getattr(program, at_attribute), envelope.occurred_at):
        return
    ids, names = [entry.id for entry in data.entries], [entry.name for entry in data.entries]
    singular = {"tiers": "tier", "stages": "stage", "categories": "category"}[data.list_name]
    setattr(program, f"{singular}_ids", ids)
    setattr(program, f"{singular}_names", names)
    setattr(program, at_attribute, envelope.occurred_at)
    dal.save_program(program)


def reseller_link(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, ResellerAssigned | ResellerUnassigned)
    removed_at = data.removed_at if isinstance(data, ResellerUnassigned) else None
    pk, sk = dal.link_key(envelope.tenant_id, data.distributor_id, data.reseller_id)
    dal.save_link(NetworkLinkItem(
        pk, sk, vendor_organisation_id=envelope.tenant_id, distributor_id=data.distributor_id,
        reseller_id=data.reseller_id, assigned_at=data.assigned_at, removed_at=removed_at,
        event_at=envelope.occurred_at,
    ))


# ---------------------------------------------------------------- people


def user_registered(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, UserRegistered | InvitationAccepted)
    people_dal.save_person(
        data.organisation_id, data.user_id, at=envelope.occurred_at, name=data.name, email=data.email,
        roles=list(data.roles), active=True,
    )


def partner_user_joined(envelope: EventEnvelope, data: EventData) -> None:
    """The first user of a partner organisation (its admin) joined with the organisation."""
    assert isinstance(data, PartnerJoined)
    people_dal.save_person(
        data.partner_organisation_id, data.user_id, at=envelope.occurred_at, name=None, email=data.email,
        roles=["partner_admin"], active=True, only_if_new=True,
    )


def roles_changed(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, UserRolesChanged)
    people_dal.save_person(
        data.organisation_id, data.user_id, at=envelope.occurred_at, name=None, email=data.email,
        roles=list(data.to_roles), active=True,
    )


def user_removed(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, UserRemoved)
    people_dal.save_person(
        data.organisation_id, data.user_id, at=envelope.occurred_at, name=None, email=data.email,
        roles=[], active=False,
    )


def _joined(envelope: EventEnvelope, data: EventData) -> None:
    partner_joined(envelope, data)
    partner_user_joined(envelope, data)


HANDLERS: dict[type[EventData], EventHandler] = {
    PartnershipCreated: partnership_created,
    PartnershipUpdated: partnership_updated,
    PartnershipStageChanged: stage_changed,
    PartnershipUserAssigned: assignees_changed,
    PartnershipUserUnassigned: assignees_changed,
    PartnershipArchived: partnership_archived,
    PartnershipRestored: partnership_restored,
    PartnershipDeleted: partnership_deleted,
    PartnerJoined: _joined,
    ProgramListUpdated: program_list_updated,
    ResellerAssigned: reseller_link,
    ResellerUnassigned: reseller_link,
    UserRegistered: user_registered,
    InvitationAccepted: user_registered,
    UserRolesChanged: roles_changed,
    UserRemoved: user_removed,
}

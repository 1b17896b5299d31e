"""The partnership projection: the partners service's events → what leads, routing and commissions read.

Delivery is at-least-once (the consumer runs each event id once) and unordered: each aspect of a
partnership keeps the time or version of the event it came from and ignores older ones; a deleted
partnership stays as a tombstone so that a late event cannot bring it back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from leads.dal import partnerships as dal
from leads.dal import routing as routing_dal
from leads.dal.tables import PartnershipViewItem
from trellis.events import EventData, EventEnvelope, EventHandler
from trellis.events.commissions import (
    CommissionPlanCleared,
    CommissionPlanSet,
    TierDefaultPlanCleared,
    TierDefaultPlanSet,
)
from trellis.events.network import ResellerAssigned, ResellerUnassigned
from trellis.events.organisations import PartnerJoined
from trellis.events.partners import (
    PartnershipArchived,
    PartnershipCreated,
    PartnershipDeleted,
    PartnershipRestored,
    PartnershipStageChanged,
    PartnershipUpdated,
    ProgramListUpdated,
)
from trellis.events.profiles import IcpUpdated


def _newer(seen: datetime | None, at: datetime) -> bool:
    return seen is None or at > seen


def _update_view(
    envelope: EventEnvelope, partnership_id: str, change: Callable[[PartnershipViewItem], Any],
) -> None:
    vendor = envelope.tenant_id
    view = dal.get_view(vendor, partnership_id) or dal.new_view(vendor, partnership_id)
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
    view.country, view.website_domain, view.tier = data.country, data.website_domain, data.tier
    view.profile_at = envelope.occurred_at
    return True


def _stage(at: datetime, stage: str, view: PartnershipViewItem) -> bool:
    if not _newer(view.stage_at, at):
        return False
    view.stage, view.stage_at = stage, at
    return True


def partnership_created(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipCreated)

    def change(view: PartnershipViewItem) -> bool:
        view.created_at = envelope.occurred_at
        _profile(envelope, data, view)
        _stage(envelope.occurred_at, data.stage, view)
        return True

    _update_view(envelope, data.partnership_id, change)


def partnership_updated(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipUpdated)
    _update_view(envelope, data.partnership_id, lambda view: _profile(envelope, data, view))


def stage_changed(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, PartnershipStageChanged)
    at, stage = envelope.occurred_at, data.to_stage
    _update_view(envelope, data.partnership_id, lambda view: _stage(at, stage, view))


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
        if data.partner_organisation_id and not view.partner_organisation_id:
            view.partner_organisation_id = data.partner_organisation_id

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


def icp_updated(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, IcpUpdated)

    def change(view: PartnershipViewItem) -> bool:
        if data.icp_version <= view.icp_version:
            return False
        view.icp_json, view.icp_version = data.icp.model_dump_json(), data.icp_version
        return True

    _update_view(envelope, data.partnership_id, change)


def plan_set(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, CommissionPlanSet | CommissionPlanCleared)
    plan_json = data.plan.model_dump_json(by_alias=True) if isinstance(data, CommissionPlanSet) else None

    def change(view: PartnershipViewItem) -> bool:
        if data.plan_version <= view.plan_version:
            return False
        view.plan_json, view.plan_version = plan_json, data.plan_version
        return True

    _update_view(envelope, data.partnership_id, change)


def tier_plan_set(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, TierDefaultPlanSet | TierDefaultPlanCleared)
    vendor = envelope.tenant_id
    item = dal.get_tier_plan(vendor, data.tier_id) or dal.new_tier_plan(vendor, data.tier_id)
    if data.plan_version <= item.plan_version:
        return
    # the cleared event carries the old plan: only a set one is kept
    plan = data.plan if isinstance(data, TierDefaultPlanSet) else None
    item.plan_json = plan.model_dump_json(by_alias=True) if plan else None
    item.plan_version = data.plan_version
    dal.save_tier_plan(item)


def reseller_link(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, ResellerAssigned | ResellerUnassigned)
    vendor = envelope.tenant_id
    link = dal.get_link(vendor, data.distributor_id, data.reseller_id)
    if link is not None and link.event_at >= envelope.occurred_at:
        return
    removed_at = data.removed_at if isinstance(data, ResellerUnassigned) else None
    if link is None:
        link = dal.new_link(vendor, data.distributor_id, data.reseller_id, assigned_at=data.assigned_at)
    link.assigned_at, link.removed_at = data.assigned_at, removed_at
    link.chain, link.event_at = list(data.chain), envelope.occurred_at
    dal.save_link(link)


def program_list_updated(envelope: EventEnvelope, data: EventData) -> None:
    assert isinstance(data, ProgramListUpdated)
    if data.list_name != "tiers":
        return  # the stage pipeline, categories and tags play no part in routing
    tiers = [(entry.id, entry.name) for entry in data.entries]
    routing_dal.save_tier_order(envelope.tenant_id, tiers, envelope.occurred_at)


HANDLERS: dict[type[EventData], EventHandler] = {
    PartnershipCreated: partnership_created,
    PartnershipUpdated: partnership_updated,
    PartnershipStageChanged: stage_changed,
    PartnershipArchived: partnership_archived,
    PartnershipRestored: partnership_restored,
    PartnershipDeleted: partnership_deleted,
    PartnerJoined: partner_joined,
    IcpUpdated: icp_updated,
    CommissionPlanSet: plan_set,
    CommissionPlanCleared: plan_set,
    TierDefaultPlanSet: tier_plan_set,
    TierDefaultPlanCleared: tier_plan_set,
    ResellerAssigned: reseller_link,
    ResellerUnassigned: reseller_link,
    ProgramListUpdated: program_list_updated,
}

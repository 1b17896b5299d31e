"""A partnership's Ideal Customer Profile: read it, save it as a whole (the ICP tab's Edit → Save).

Saving replaces the whole ICP. An ICP saved unchanged writes nothing and publishes nothing (the
answer is the current ICP), so a client may save freely. Every real change publishes
``IcpUpdated`` with the full ICP, for leads routing's projection.
"""

from __future__ import annotations

from datetime import UTC, datetime

from partners.dal import partnerships as partnerships_dal
from partners.dal import profiles as dal
from partners.dal.tables import IcpCriterionAttribute, IcpItem
from partners.logic.partnerships import writable_partnership
from partners.models import IcpUpdate, PartnershipIcp
from trellis.errors import Conflict, NotFound
from trellis.events import Actor, EventEnvelope
from trellis.events.profiles import CompanySize, Icp, IcpCriterion, IcpUpdated
from trellis.principal import VENDOR_ROLES, Principal

# Activity entries show before → after per changed part, cut to a readable length.
MAX_ACTIVITY_TEXT = 300


def _icp_of(item: IcpItem | None) -> Icp:
    if item is None:
        return Icp()
    return Icp(
        countries=list(item.countries or []),
        industries=list(item.industries or []),
        company_size=CompanySize(
            min_employees=None if item.min_employees is None else int(item.min_employees),
            max_employees=None if item.max_employees is None else int(item.max_employees),
        ),
        sub_categories=list(item.sub_categories or []),
        keywords=list(item.keywords or []),
        custom=[IcpCriterion(label=entry.label, value=entry.value) for entry in item.custom or []],
    )


def _view(partnership_id: str, item: IcpItem | None) -> PartnershipIcp:
    icp = _icp_of(item)
    return PartnershipIcp(
        **icp.model_dump(),
        partnership_id=partnership_id,
        version=int(item.version or 0) if item else 0,
        updated_at=item.updated_at if item else None,
        updated_by=item.updated_by if item else None,
    )


def _requested(request: IcpUpdate) -> Icp:
    return Icp(
        countries=request.countries,
        industries=request.industries,
        company_size=CompanySize(
            min_employees=request.company_size.min_employees,
            max_employees=request.company_size.max_employees,
        ),
        sub_categories=request.sub_categories,
        keywords=request.keywords,
        custom=[IcpCriterion(label=entry.label, value=entry.value) for entry in request.custom],
    )


def _describe(icp: Icp, part: str) -> str:
    if part == "company_size":
        low, high = icp.company_size.min_employees, icp.company_size.max_employees
        if low is None and high is None:
            return "any size"
        return f"{'0' if low is None else low}-{'any' if high is None else high} employees"
    if part == "custom":
        text = "; ".join(f"{entry.label}: {entry.value}" for entry in icp.custom)
    else:
        text = ", ".join(getattr(icp, part))
    text = text or "none"
    return text if len(text) <= MAX_ACTIVITY_TEXT else text[: MAX_ACTIVITY_TEXT - 1] + "…"


def get_icp(principal: Principal, partnership_id: str) -> PartnershipIcp:
    principal.require_any(VENDOR_ROLES)
    partnership, item = dal.get_with_partnership(principal.organisation_id, partnership_id, IcpItem)
    if partnership is None:
        raise NotFound("no such partnership")
    return _view(partnership_id, item if isinstance(item, IcpItem) else None)


def save_icp(principal: Principal, partnership_id: str, request: IcpUpdate) -> PartnershipIcp:
    partnership = writable_partnership(principal, partnership_id)
    item = dal.get_icp(partnership)
    version = int(item.version or 0) if item else 0
    if request.expected_version is not None and request.expected_version != version:
        raise Conflict(f"the ICP is at version {version}, not {request.expected_version}")
    before, after = _icp_of(item), _requested(request)
    changed = [part for part in Icp.model_fields if getattr(before, part) != getattr(after, part)]
    if not changed:
        return _view(partnership_id, item)

    now = datetime.now(UTC)
    item = item or dal.new_icp(partnership)
    item.countries = list(after.countries)
    item.industries = list(after.industries)
    item.min_employees = after.company_size.min_employees
    item.max_employees = after.company_size.max_employees
    item.sub_categories = list(after.sub_categories)
    item.keywords = list(after.keywords)
    item.custom = [IcpCriterionAttribute(label=entry.label, value=entry.value) for entry in after.custom]
    item.updated_at, item.updated_by = now, principal.user_id

    event = EventEnvelope.new(
        IcpUpdated(partnership_id=partnership_id, icp_version=version + 1, icp=after, changed=changed),
        tenant_id=principal.organisation_id, actor=Actor.of(principal), occurred_at=now,
    )
    activity = partnerships_dal.Activity(
        kind="icp_updated", summary=f"ICP updated: {', '.join(part.replace('_', ' ') for part in changed)}",
        actor_user_id=principal.user_id, occurred_at=now,
        details={part: f"{_describe(before, part)} → {_describe(after, part)}" for part in changed},
    )
    dal.save_profile_with_event(partnership, item, activity, event)
    return _view(partnership_id, item)

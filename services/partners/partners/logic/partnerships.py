"""Partnership use cases: create, read, list, update, archive, restore, delete, assign people, move stage."""

from __future__ import annotations

from datetime import UTC, datetime

from partners.dal import network as network_dal
from partners.dal import partnerships as dal
from partners.dal import program as program_dal
from partners.dal.tables import LinkAttribute, PartnershipItem, ProgramItem
from partners.logic import program
from partners.models import (
    MAX_ASSIGNEES,
    ActivityEntry,
    IntegrationLink,
    Partnership,
    PartnershipCreate,
    PartnershipQuery,
    PartnershipUpdate,
    StageChange,
)
from partners.models import (
    FieldChange as ChangeView,
)
from trellis.domains import normalise_domain
from trellis.errors import Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventData, EventEnvelope
from trellis.events.partners import (
    FieldChange,
    PartnershipArchived,
    PartnershipCreated,
    PartnershipDeleted,
    PartnershipRestored,
    PartnershipStageChanged,
    PartnershipUpdated,
    PartnershipUserAssigned,
    PartnershipUserUnassigned,
)
from trellis.keys import new_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import VENDOR_ROLES, VENDOR_WRITERS, Principal, Role
from trellis.settings import get_settings


def _view(item: PartnershipItem) -> Partnership:
    return Partnership(
        id=item.partnership_id,
        company_name=item.company_name,
        partnership_type=item.partnership_type,  # type: ignore[arg-type]
        website=item.website,
        website_domain=item.website_domain,
        logo_url=item.logo_url,
        country=item.country,
        stage=item.stage,
        stage_changed_at=item.stage_changed_at,
        assigned_user_ids=list(item.assigned_user_ids or []),
        integration_links=[
            IntegrationLink(label=link.label, url=link.url) for link in item.integration_links or []
        ],
        tier=item.tier,
        category=item.category,
        tags=list(item.tags or []),
        portal_url=f"{get_settings().portal_base_url}/partnerships/{item.partnership_id}",
        partner_organisation_id=item.partner_organisation_id,
        archived=item.archived_at is not None,
        archived_at=item.archived_at,
        version=int(item.version or 1),
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def create_partnership(principal: Principal, request: PartnershipCreate) -> Partnership:
    principal.require_any(VENDOR_WRITERS)
    org = principal.organisation_id
    settings, existing = program_dal.get_with_users(org, request.assigned_user_ids)
    unknown = set(request.assigned_user_ids) - existing
    if unknown:
        raise ValidationFailed(
            f"no such user in your organisation: {', '.join(sorted(unknown))}", field="assigned_user_ids",
        )
    _require_classification(settings, request.tier, request.category, request.tags)
    now = datetime.now(UTC)
    partnership_id = new_id()
    stage = program.entries(settings, "stages")[0].id
    assigned = list(dict.fromkeys(request.assigned_user_ids))
    item = dal.new_partnership_item(
        org, partnership_id,
        company_name=request.company_name,
        partnership_type=request.partnership_type,
        website=request.website,
        website_domain=normalise_domain(request.website) if request.website else None,
        logo_url=request.logo_url,
        country=request.country,
        stage=stage,
        stage_changed_at=now,
        assigned_user_ids=assigned,
        integration_links=[
            LinkAttribute(label=link.label, url=link.url) for link in request.integration_links
        ],
        tier=request.tier,
        category=request.category,
        tags=list(dict.fromkeys(request.tags)),
        created_at=now,
        updated_at=now,
    )
    event = EventEnvelope.new(
        PartnershipCreated(
            partnership_id=partnership_id, company_name=request.company_name,
            partnership_type=request.partnership_type, stage=stage, country=request.country,
            website_domain=item.website_domain, assigned_user_ids=assigned, tier=request.tier,
            category=request.category,
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=now,
    )
    activity = dal.Activity(
        kind="partnership_created", summary=f"Partnership with {request.company_name} created",
        actor_user_id=principal.user_id, occurred_at=now, details={"stage": stage},
    )
    dal.save_with_event(item, activity, event, is_new=True, users_exist=assigned)
    return _view(item)


def _require_classification(
    settings: ProgramItem | None, tier: str | None, category: str | None, tags: list[str] | None,
) -> None:
    program.require_entry(settings, "tiers", tier, field="tier")
    program.require_entry(settings, "categories", category, field="category")
    for index, tag in enumerate(tags or []):
        program.require_entry(settings, "tags", tag, field=f"tags.{index}")


def _writable(item: PartnershipItem | None) -> PartnershipItem:
    if item is None:
        raise NotFound("no such partnership")
    if item.archived_at is not None:
        raise Conflict("the partnership is archived; restore it before changing it")
    return item


def writable_partnership(principal: Principal, partnership_id: str) -> PartnershipItem:
    """The partnership a vendor writer may change: 404 if not theirs, 409 while archived."""
    principal.require_any(VENDOR_WRITERS)
    return _writable(dal.get(principal.organisation_id, partnership_id))


def get_partnership(principal: Principal, partnership_id: str) -> Partnership:
    principal.require_any(VENDOR_ROLES)
    item = dal.get(principal.organisation_id, partnership_id)
    if item is None:
        raise NotFound("no such partnership")
    return _view(item)


def list_partnerships(
    principal: Principal, query: PartnershipQuery, *, limit: int, cursor: str | None,
) -> Page[Partnership]:
    principal.require_any(VENDOR_ROLES)
    org = principal.organisation_id
    filters = {name.upper(): value for name, value in query.filters().items()}
    # A cursor belongs to one listing: the same filters and the same order.
    conditions = "&".join(f"{name}={value}" for name, value in sorted(filters.items()))
    listing = f"partnerships?{conditions}&sort={query.sort}"
    start = decode_cursor(cursor, tenant_id=org, listing=listing)
    items, last_key, _ = dal.list_page(
        org, filters=filters, by_name=query.sort.endswith("name"), descending=query.sort.startswith("-"),
        limit=limit, start=start,
    )
    return Page[Partnership](
        items=[_view(item) for item in items],
        next_cursor=encode_cursor(last_key, tenant_id=org, listing=listing),
    )


def change_stage(principal: Principal, partnership_id: str, request: StageChange) -> Partnership:
    principal.require_any(VENDOR_WRITERS)
    org = principal.organisation_id
    found, settings = program_dal.get_with_partnership(org, partnership_id)
    item = _writable(found)
    program.require_entry(settings, "stages", request.stage, field="stage")
    if request.expected_version is not None and request.expected_version != item.version:
        raise Conflict(f"the partnership is at version {item.version}, not {request.expected_version}")
    if item.stage == request.stage:
        raise Conflict(f"the partnership is already in stage {request.stage}")

    now = datetime.now(UTC)
    from_stage = item.stage
    item.stage, item.stage_changed_at, item.updated_at = request.stage, now, now
    event = EventEnvelope.new(
        PartnershipStageChanged(
            partnership_id=partnership_id, company_name=item.company_name, from_stage=from_stage,
            to_stage=request.stage, assigned_user_ids=list(item.assigned_user_ids or []),
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=now,
    )
    activity = dal.Activity(
        kind="stage_changed", summary=f"Stage changed from {from_stage} to {request.stage}",
        actor_user_id=principal.user_id, occurred_at=now,
        details={"from_stage": from_stage, "to_stage": request.stage},
    )
    dal.save_with_event(item, activity, event, is_new=False)
    return _view(item)


def list_activity(
    principal: Principal, partnership_id: str, *, limit: int, cursor: str | None,
) -> Page[ActivityEntry]:
    principal.require_any(VENDOR_ROLES)
    org = principal.organisation_id
    listing = f"activity:{partnership_id}"
    start = decode_cursor(cursor, tenant_id=org, listing=listing)
    partnership, items, last_key = dal.activity_page(org, partnership_id, limit=limit, start=start)
    if start is None and partnership is None:
        raise NotFound("no such partnership")
    return Page[ActivityEntry](
        items=[
            ActivityEntry(
                id=item.activity_id, kind=item.kind, summary=item.summary, actor_user_id=item.actor_user_id,
                occurred_at=item.occurred_at, details=dict(item.details.as_dict() if item.details else {}),
                changes=[
                    ChangeView(field=c.field, before=c.before, after=c.after) for c in item.changes or []
                ],
            )
            for item in items
        ],
        next_cursor=encode_cursor(last_key, tenant_id=org, listing=listing),
    )


# Fields a PATCH may change, in the order the activity log lists them.
_PROFILE_FIELDS = (
    "company_name", "partnership_type", "website", "logo_url", "country", "integration_links",
    "tier", "category", "tags",
)


def _shown(field: str, value: object) -> str | None:
    """A field's value as the activity log and the event show it."""
    if value is None:
        return None
    if field == "integration_links":
        return ", ".join(f"{link.label} <{link.url}>" for link in value) or None  # type: ignore[attr-defined]
    if field == "tags":
        return ", ".join(str(tag) for tag in value) or None  # type: ignore[attr-defined]
    return str(value)


def _require_version(item: PartnershipItem, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != item.version:
        raise Conflict(f"the partnership is at version {item.version}, not {expected_version}")


def _event(item: PartnershipItem, data: EventData, principal: Principal, now: datetime) -> EventEnvelope:
    return EventEnvelope.new(data, tenant_id=item.organisation_id, actor=Actor.of(principal), occurred_at=now)


def update_partnership(principal: Principal, partnership_id: str, request: PartnershipUpdate) -> Partnership:
    if request.model_fields_set & {"tier", "category", "tags"}:
        # Classification is checked against the vendor's lists: read both in one call.
        principal.require_any(VENDOR_WRITERS)
        found, settings = program_dal.get_with_partnership(principal.organisation_id, partnership_id)
        item = _writable(found)
        _require_classification(settings, request.tier, request.category, request.tags)
    else:
        item = writable_partnership(principal, partnership_id)
    _require_version(item, request.expected_version)
    if ("partnership_type" in request.model_fields_set and item.partnership_type == "distributor"
            and request.partnership_type != "distributor"
            and network_dal.has_resellers(item.organisation_id, partnership_id)):
        raise Conflict("the distributor still has resellers assigned; unassign them "
                       "(DELETE /distributors/{id}/resellers/{reseller_id}) before changing its type")
    changes: list[dal.Change] = []
    for field in _PROFILE_FIELDS:
        if field not in request.model_fields_set:
            continue
        new = getattr(request, field)
        if field == "integration_links":
            new = [LinkAttribute(label=link.label, url=link.url) for link in new]
        elif field == "tags":
            new = list(dict.fromkeys(new))
        before, after = _shown(field, getattr(item, field)), _shown(field, new)
        if before != after:
            changes.append(dal.Change(field=field, before=before, after=after))
            setattr(item, field, new)
            if field == "website":
                item.website_domain = normalise_domain(new) if new else None
    if not changes:
        return _view(item)  # nothing changed: no write, no event

    now = datetime.now(UTC)
    item.updated_at = now
    event = _event(item, PartnershipUpdated(
        partnership_id=partnership_id, company_name=item.company_name, partnership_type=item.partnership_type,
        country=item.country, website_domain=item.website_domain, tier=item.tier,
        category=item.category,
        changes=[FieldChange(field=c.field, before=c.before, after=c.after) for c in changes],
    ), principal, now)
    activity = dal.Activity(
        kind="partnership_updated", summary=f"Updated {', '.join(c.field for c in changes)}",
        actor_user_id=principal.user_id, occurred_at=now, details={}, changes=tuple(changes),
    )
    dal.save_with_event(item, activity, event, is_new=False)
    return _view(item)


def archive_partnership(principal: Principal, partnership_id: str) -> Partnership:
    """Archived partnerships keep everything but accept no writes until restored."""
    item = writable_partnership(principal, partnership_id)
    now = datetime.now(UTC)
    item.archived_at, item.updated_at = now, now
    event = _event(item, PartnershipArchived(partnership_id=partnership_id, company_name=item.company_name),
                   principal, now)
    activity = dal.Activity(
        kind="partnership_archived", summary="Partnership archived", actor_user_id=principal.user_id,
        occurred_at=now, details={}, changes=(dal.Change(field="archived", before="false", after="true"),),
    )
    dal.save_with_event(item, activity, event, is_new=False)
    return _view(item)


def _archived_partnership(
    principal: Principal, partnership_id: str, roles: frozenset[Role],
) -> PartnershipItem:
    """404 if not the caller's, then 403 without one of ``roles``, then 409 unless archived."""
    principal.require_any(VENDOR_WRITERS)
    item = dal.get(principal.organisation_id, partnership_id)
    if item is None:
        raise NotFound("no such partnership")
    principal.require_any(roles)
    if item.archived_at is None:
        raise Conflict("the partnership is not archived")
    return item


def restore_partnership(principal: Principal, partnership_id: str) -> Partnership:
    """Restoring leaves out assignees who were removed from the organisation while it was archived
    (the removal's unassignment passes archived partnerships by: they are read-only)."""
    item = _archived_partnership(principal, partnership_id, VENDOR_WRITERS)
    now = datetime.now(UTC)
    before = list(item.assigned_user_ids or [])
    existing = dal.existing_user_ids(item.organisation_id, before) if before else set()
    kept = [user for user in before if user in existing]
    item.archived_at, item.updated_at, item.assigned_user_ids = None, now, kept
    event = _event(item, PartnershipRestored(partnership_id=partnership_id, company_name=item.company_name),
                   principal, now)
    changes = [dal.Change(field="archived", before="true", after="false")]
    unassigned = []
    if kept != before:
        changes.append(dal.Change(field="assigned_user_ids", before=", ".join(before) or None,
                                  after=", ".join(kept) or None))
        unassigned = [_event(item, PartnershipUserUnassigned(
            partnership_id=partnership_id, company_name=item.company_name, user_id=user_id,
            assigned_user_ids=kept,
        ), principal, now) for user_id in before if user_id not in existing]
    activity = dal.Activity(
        kind="partnership_restored", summary="Partnership restored", actor_user_id=principal.user_id,
        occurred_at=now, details={}, changes=tuple(changes),
    )
    dal.save_with_event(item, activity, event, is_new=False, users_exist=kept, more_events=unassigned)
    return _view(item)


def delete_partnership(principal: Principal, partnership_id: str) -> None:
    """Only an admin deletes, and only an archived partnership: archiving is the undoable step."""
    item = _archived_partnership(principal, partnership_id, frozenset({Role.ADMIN}))
    nodes = network_dal.read(item.organisation_id, node_ids=[partnership_id], module=False).nodes
    node = nodes.get(partnership_id)
    if node is not None and (node.distributors or node.reseller_count):
        # Its assignments live on the other partnerships too: end them first, keeping past attribution.
        raise Conflict("the partnership is still in the distributor network; unassign it first")
    event = _event(item, PartnershipDeleted(
        partnership_id=partnership_id, company_name=item.company_name,
        partner_organisation_id=item.partner_organisation_id,
    ), principal, datetime.now(UTC))
    dal.delete_with_event(item, event)


def assign_user(principal: Principal, partnership_id: str, user_id: str) -> Partnership:
    item = writable_partnership(principal, partnership_id)
    assigned = list(item.assigned_user_ids or [])
    if user_id in assigned:
        return _view(item)  # already looks after it: nothing to do, nobody to notify again
    if len(assigned) >= MAX_ASSIGNEES:
        raise Conflict(f"a partnership has at most {MAX_ASSIGNEES} assigned users")
    if not dal.existing_user_ids(principal.organisation_id, [user_id]):
        raise ValidationFailed("no such user in your organisation", field="user_id")
    return _save_assignees(principal, item, [*assigned, user_id], user_id, assigned=True)


def unassign_user(principal: Principal, partnership_id: str, user_id: str) -> Partnership:
    item = writable_partnership(principal, partnership_id)
    assigned = list(item.assigned_user_ids or [])
    if user_id not in assigned:
        raise NotFound("that user is not assigned to the partnership")
    remaining = [user for user in assigned if user != user_id]
    return _save_assignees(principal, item, remaining, user_id, assigned=False)


def _save_assignees(
    principal: Principal, item: PartnershipItem, new: list[str], user_id: str, *, assigned: bool,
) -> Partnership:
    """Write the new assignee list with its activity entry and its (un)assigned event."""
    activity, event = change_assignees(item, new, user_id, assigned=assigned, actor=Actor.of(principal),
                                       now=datetime.now(UTC))
    # An assigned user must still exist when this commits (see partners.logic.identity).
    dal.save_with_event(item, activity, event, is_new=False, users_exist=[user_id] if assigned else [])
    return _view(item)


def change_assignees(
    item: PartnershipItem, new: list[str], user_id: str, *, assigned: bool, actor: Actor, now: datetime,
    reason: str | None = None,
) -> tuple[dal.Activity, EventEnvelope]:
    """Set the new assignee list on ``item``; the activity entry and the (un)assigned event to write with it.

    ``reason``: why, when it is not the actor's own choice (e.g. ``user_removed``).
    """
    before = list(item.assigned_user_ids or [])
    item.assigned_user_ids, item.updated_at = new, now
    event_type = PartnershipUserAssigned if assigned else PartnershipUserUnassigned
    event = EventEnvelope.new(event_type(
        partnership_id=item.partnership_id, company_name=item.company_name, user_id=user_id,
        assigned_user_ids=new,
    ), tenant_id=item.organisation_id, actor=actor, occurred_at=now)
    verb = "assigned" if assigned else "unassigned"
    details: dict[str, str | None] = {"user_id": user_id}
    summary = f"{user_id} {verb}"
    if reason:
        details["reason"] = reason
        summary += f" ({reason.replace('_', ' ')})"
    activity = dal.Activity(
        kind=f"user_{verb}", summary=summary, actor_user_id=actor.user_id, occurred_at=now, details=details,
        changes=(dal.Change(field="assigned_user_ids", before=", ".join(before) or None,
                            after=", ".join(new) or None),),
    )
    return activity, event

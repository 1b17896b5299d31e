"""Partnership use cases: create, read, list, move through the stage pipeline."""

from __future__ import annotations

from datetime import UTC, datetime

from partners.dal import partnerships as dal
from partners.dal.tables import PartnershipItem
from partners.models import DEFAULT_STAGES, ActivityEntry, Partnership, PartnershipCreate, StageChange
from trellis.domains import normalise_domain
from trellis.errors import Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.partners import PartnershipCreated, PartnershipStageChanged
from trellis.keys import new_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import VENDOR_ROLES, VENDOR_WRITERS, Principal


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
        version=int(item.version or 1),
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def create_partnership(principal: Principal, request: PartnershipCreate) -> Partnership:
    principal.require_any(VENDOR_WRITERS)
    org = principal.organisation_id
    unknown = set(request.assigned_user_ids) - dal.existing_user_ids(org, request.assigned_user_ids)
    if unknown:
        raise ValidationFailed(
            f"no such user in your organisation: {', '.join(sorted(unknown))}", field="assigned_user_ids",
        )
    now = datetime.now(UTC)
    partnership_id = new_id()
    stage = DEFAULT_STAGES[0]
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
        created_at=now,
        updated_at=now,
    )
    event = EventEnvelope.new(
        PartnershipCreated(
            partnership_id=partnership_id, company_name=request.company_name,
            partnership_type=request.partnership_type, stage=stage, country=request.country,
            website_domain=item.website_domain, assigned_user_ids=assigned,
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=now,
    )
    activity = dal.Activity(
        kind="partnership_created", summary=f"Partnership with {request.company_name} created",
        actor_user_id=principal.user_id, occurred_at=now, details={"stage": stage},
    )
    dal.save_with_event(item, activity, event, is_new=True)
    return _view(item)


def writable_partnership(principal: Principal, partnership_id: str) -> PartnershipItem:
    """The partnership a vendor writer may change: 404 if not theirs, 409 while archived."""
    principal.require_any(VENDOR_WRITERS)
    item = dal.get(principal.organisation_id, partnership_id)
    if item is None:
        raise NotFound("no such partnership")
    if item.archived_at is not None:
        raise Conflict("the partnership is archived; restore it before changing it")
    return item


def get_partnership(principal: Principal, partnership_id: str) -> Partnership:
    principal.require_any(VENDOR_ROLES)
    item = dal.get(principal.organisation_id, partnership_id)
    if item is None:
        raise NotFound("no such partnership")
    return _view(item)


def list_partnerships(principal: Principal, *, limit: int, cursor: str | None) -> Page[Partnership]:
    principal.require_any(VENDOR_ROLES)
    org = principal.organisation_id
    start = decode_cursor(cursor, tenant_id=org, listing="partnerships")
    items, last_key = dal.list_page(org, limit=limit, start=start)
    return Page[Partnership](
        items=[_view(item) for item in items],
        next_cursor=encode_cursor(last_key, tenant_id=org, listing="partnerships"),
    )


def change_stage(principal: Principal, partnership_id: str, request: StageChange) -> Partnership:
    if request.stage not in DEFAULT_STAGES:
        principal.require_any(VENDOR_WRITERS)
        raise ValidationFailed(f"unknown stage; the pipeline is {', '.join(DEFAULT_STAGES)}", field="stage")
    org = principal.organisation_id
    item = writable_partnership(principal, partnership_id)
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
            )
            for item in items
        ],
        next_cursor=encode_cursor(last_key, tenant_id=org, listing=listing),
    )

"""Per-stage checklists: onboarding tasks the vendor defines per stage, ticked by either side.

Decisions:
- Definitions are program configuration: every vendor role reads them, only ``admin`` saves them.
  A stage's checklist is saved as a whole (at most 30 tasks), and only for a stage of the vendor's
  pipeline. Tasks can be renamed, reordered, added and removed; an id, once used in a stage, never
  names another task there (new ids skip the ids of removed tasks), so a stored tick always means
  the task it was made on. Sending a removed id again brings the task, and its ticks, back.
- Progress is per partnership and per stage: the routes show the partnership's current stage
  unless ``?stage=`` names another stage of the pipeline. Ticks of removed tasks stay stored, hidden.
- Who ticks: vendor writers (``admin``, ``partner_manager``) on the vendor side; on the partner
  side ``partner_admin`` and ``project_manager`` (onboarding is project work), while every partner
  role reads. The partner sees who ticked only for its own side's ticks.
- Each tick is one transaction: the progress (version-checked), an activity entry on the
  partnership (before → after) and ChecklistItemTicked (side vendor|partner), conditioned on the
  partnership still being there and not archived. Ticking to the state it already has writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from partners.dal import checklists as dal
from partners.dal import partnerships as partnerships_dal
from partners.dal.partnerships import Activity, Change
from partners.dal.tables import (
    ChecklistEntryAttribute,
    ChecklistItem,
    ChecklistProgressItem,
    PartnershipItem,
    ProgramItem,
    TickAttribute,
)
from partners.logic import program
from partners.logic.partnerships import writable_partnership
from partners.models import (
    ChecklistDefinitions,
    ChecklistEntry,
    ChecklistEntryInput,
    ChecklistProgressEntry,
    ChecklistSide,
    ChecklistTick,
    ChecklistUpdate,
    PartnershipChecklist,
    StageChecklistDefinition,
)
from trellis.errors import Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.journey import ChecklistDefined, ChecklistEntryData, ChecklistItemTicked
from trellis.principal import PARTNER_ROLES, VENDOR_ROLES, VENDOR_WRITERS, Principal, Role

CHECKLIST_ADMINS = frozenset({Role.ADMIN})
PARTNER_TICKERS = frozenset({Role.PARTNER_ADMIN, Role.PROJECT_MANAGER})


# ---------------------------------------------------------------- definitions


def _entries(item: ChecklistItem | None) -> list[ChecklistEntry]:
    if item is None:
        return []
    return [ChecklistEntry(id=entry.id, title=entry.title, description=entry.description,
                           required=bool(entry.required)) for entry in item.entries or []]


def _definition(stage_id: str, stage_name: str, item: ChecklistItem | None) -> StageChecklistDefinition:
    return StageChecklistDefinition(
        stage_id=stage_id, stage_name=stage_name, items=_entries(item),
        version=int(item.version or 0) if item is not None else 0,
        updated_at=item.updated_at if item is not None else None,
    )


def list_checklists(principal: Principal) -> ChecklistDefinitions:
    principal.require_any(VENDOR_ROLES)
    settings, items = dal.program_and_checklists(principal.organisation_id)
    by_stage = {item.stage_id: item for item in items}
    return ChecklistDefinitions(stages=[
        _definition(stage.id, stage.name, by_stage.get(stage.id))
        for stage in program.entries(settings, "stages")
    ])


def _stage_name(settings: ProgramItem | None, stage_id: str) -> str | None:
    return next((stage.name for stage in program.entries(settings, "stages") if stage.id == stage_id), None)


def _with_ids(requested: Sequence[ChecklistEntryInput], taken: set[str]) -> list[ChecklistEntry]:
    taken = taken | {entry.id for entry in requested if entry.id}
    return [
        ChecklistEntry(
            id=entry.id or program.new_entry_id(entry.title, taken, fallback="task"), title=entry.title,
            description=entry.description or None, required=entry.required,
        )
        for entry in requested
    ]


def save_checklist(principal: Principal, stage_id: str, request: ChecklistUpdate) -> StageChecklistDefinition:
    principal.require_any(CHECKLIST_ADMINS)
    org = principal.organisation_id
    settings, item = dal.program_and_checklist(org, stage_id)
    stage_name = _stage_name(settings, stage_id)
    if stage_name is None:
        raise NotFound(f"no stage {stage_id!r} in your pipeline", field="stage_id")
    current_version = int(item.version or 0) if item is not None else 0
    if request.expected_version is not None and request.expected_version != current_version:
        raise Conflict(f"the checklist is at version {current_version}, not {request.expected_version}")
    existing = _entries(item)
    retired = list(item.retired_ids or []) if item is not None else []
    new = _with_ids(request.items, {entry.id for entry in existing} | set(retired))

    ids = [entry.id for entry in new]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("each task needs its own id", field="items")
    titles = [entry.title.casefold() for entry in new]
    if len(set(titles)) != len(titles):
        raise ValidationFailed("each task needs its own title", field="items")
    if new == existing and item is not None:
        return _definition(stage_id, stage_name, item)  # saved unchanged: no write, no event

    now = datetime.now(UTC)
    before = {entry.id for entry in existing}
    removed = [entry.id for entry in existing if entry.id not in set(ids)]
    if item is None:
        item = dal.new_checklist(org, stage_id, updated_at=now)
    item.entries = [ChecklistEntryAttribute(id=entry.id, title=entry.title, description=entry.description,
                                            required=entry.required) for entry in new]
    # A task brought back is no longer retired; a removed one is, for good.
    item.retired_ids = sorted((set(retired) | set(removed)) - set(ids))
    item.updated_at, item.updated_by = now, principal.user_id
    event = EventEnvelope.new(
        ChecklistDefined(
            stage_id=stage_id,
            items=[ChecklistEntryData(id=entry.id, title=entry.title, required=entry.required)
                   for entry in new],
            added=[entry_id for entry_id in ids if entry_id not in before], removed=removed,
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_checklist(item, event)
    return _definition(stage_id, stage_name, item)


# ---------------------------------------------------------------- progress


def _resolve_stage(partnership: PartnershipItem, stage: str | None, found: dal.StageChecklist) -> str:
    stage_id = stage or partnership.stage
    name = _stage_name(found.program, stage_id)
    if name is None:
        if stage is None:  # the partnership's own stage is always shown, even if the pipeline lost it
            return stage_id
        raise ValidationFailed(f"no stage {stage!r} in the pipeline", field="stage")
    return name


def _ticks(progress: ChecklistProgressItem | None) -> dict[str, TickAttribute]:
    return {tick.item_id: tick for tick in progress.ticks or []} if progress is not None else {}


def _view(
    partnership: PartnershipItem, stage_id: str, stage_name: str, found: dal.StageChecklist,
    *, side: ChecklistSide,
) -> PartnershipChecklist:
    ticks = _ticks(found.progress)
    items = []
    for entry in _entries(found.checklist):
        tick = ticks.get(entry.id)
        shown_by = tick is not None and (side == "vendor" or tick.side == "partner")
        items.append(ChecklistProgressEntry(
            id=entry.id, title=entry.title, description=entry.description, required=entry.required,
            done=bool(tick and tick.done),
            done_by=tick.by_user_id if tick is not None and shown_by else None,
            done_side=tick.side if tick is not None else None,  # type: ignore[arg-type]
            done_at=tick.at if tick is not None else None,
        ))
    required = [item for item in items if item.required]
    return PartnershipChecklist(
        partnership_id=partnership.partnership_id, stage_id=stage_id, stage_name=stage_name,
        current_stage=stage_id == partnership.stage, items=items,
        done_count=sum(1 for item in items if item.done), required_count=len(required),
        required_complete=all(item.done for item in required),
    )


def _read(partnership: PartnershipItem, stage: str | None, *, side: ChecklistSide) -> PartnershipChecklist:
    stage_id = stage or partnership.stage
    found = dal.stage_checklist(partnership.organisation_id, partnership.partnership_id, stage_id)
    name = _resolve_stage(partnership, stage, found)
    return _view(partnership, stage_id, name, found, side=side)


def get_checklist(principal: Principal, partnership_id: str, stage: str | None) -> PartnershipChecklist:
    principal.require_any(VENDOR_ROLES)
    partnership = partnerships_dal.get(principal.organisation_id, partnership_id)
    if partnership is None:
        raise NotFound("no such partnership")
    return _read(partnership, stage, side="vendor")


def _partner_partnership(principal: Principal, partnership_id: str) -> PartnershipItem:
    partnership = partnerships_dal.get_for_partner(principal.organisation_id, partnership_id)
    if partnership is None:
        raise NotFound("no such partnership")
    return partnership


def get_partner_checklist(
    principal: Principal, partnership_id: str, stage: str | None,
) -> PartnershipChecklist:
    principal.require_any(PARTNER_ROLES)
    return _read(_partner_partnership(principal, partnership_id), stage, side="partner")


def _tick(
    principal: Principal, partnership: PartnershipItem, item_id: str, stage: str | None,
    request: ChecklistTick, *, side: ChecklistSide,
) -> PartnershipChecklist:
    stage_id = stage or partnership.stage
    org, partnership_id = partnership.organisation_id, partnership.partnership_id
    found = dal.stage_checklist(org, partnership_id, stage_id)
    stage_name = _resolve_stage(partnership, stage, found)
    entry = next((entry for entry in _entries(found.checklist) if entry.id == item_id), None)
    if entry is None:
        raise NotFound(f"no task {item_id!r} in the checklist of stage {stage_id}", field="item_id")
    ticks = _ticks(found.progress)
    was_done = bool(ticks.get(item_id) and ticks[item_id].done)
    if was_done == request.done:
        return _view(partnership, stage_id, stage_name, found, side=side)  # already so: nothing written

    now = datetime.now(UTC)
    progress = found.progress or dal.new_progress(org, partnership_id, stage_id, updated_at=now)
    ticks[item_id] = TickAttribute(
        item_id=item_id, done=request.done, by_user_id=principal.user_id, side=side, at=now,
    )
    progress.ticks, progress.updated_at = list(ticks.values()), now
    after = dal.StageChecklist(program=found.program, checklist=found.checklist, progress=progress)
    view = _view(partnership, stage_id, stage_name, after, side=side)
    verb = "ticked" if request.done else "unticked"
    activity = Activity(
        kind="checklist_item_ticked" if request.done else "checklist_item_unticked",
        summary=f"{entry.title!r} {verb} in the {stage_name} checklist ({side})",
        actor_user_id=principal.user_id, occurred_at=now,
        details={"stage_id": stage_id, "item_id": item_id, "side": side},
        changes=(Change(field=f"checklist.{stage_id}.{item_id}", before=str(was_done).lower(),
                        after=str(request.done).lower()),),
    )
    event = EventEnvelope.new(
        ChecklistItemTicked(
            partnership_id=partnership_id, company_name=partnership.company_name, stage_id=stage_id,
            item_id=item_id, title=entry.title, done=request.done, side=side,
            required_complete=view.required_complete,
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_tick(partnership, progress, activity, event)
    return view


def tick(
    principal: Principal, partnership_id: str, item_id: str, stage: str | None, request: ChecklistTick,
) -> PartnershipChecklist:
    principal.require_any(VENDOR_WRITERS)
    partnership = writable_partnership(principal, partnership_id)
    return _tick(principal, partnership, item_id, stage, request, side="vendor")


def partner_tick(
    principal: Principal, partnership_id: str, item_id: str, stage: str | None, request: ChecklistTick,
) -> PartnershipChecklist:
    principal.require_any(PARTNER_TICKERS)
    partnership = _partner_partnership(principal, partnership_id)
    if partnership.archived_at is not None:
        raise Conflict("the partnership is archived; the vendor must restore it first")
    return _tick(principal, partnership, item_id, stage, request, side="partner")

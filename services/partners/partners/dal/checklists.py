"""Per-stage checklists: the vendor's definitions and each partnership's progress. The only module
that knows their keys."""

from __future__ import annotations

from dataclasses import dataclass

from partners.dal import program as program_dal
from partners.dal.partnerships import Activity, activity_item, partnership_pk
from partners.dal.tables import (
    ChecklistItem,
    ChecklistProgressItem,
    Outbox,
    PartnershipItem,
    PartnersItem,
    ProgramItem,
)
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

STAGE_PREFIX = "STAGE#"


def checklists_pk(organisation_id: str) -> str:
    return org_key(organisation_id, "CHECKLISTS")


def checklist_key(organisation_id: str, stage_id: str) -> tuple[str, str]:
    return checklists_pk(organisation_id), f"{STAGE_PREFIX}{stage_id}#"


def progress_key(organisation_id: str, partnership_id: str, stage_id: str) -> tuple[str, str]:
    # In the partnership's collection, after PARTNERSHIP#: deleted with it, never in its activity query.
    return partnership_pk(organisation_id, partnership_id), f"PROFILE#CHECKLIST#{stage_id}#"


def new_checklist(organisation_id: str, stage_id: str, **attributes: object) -> ChecklistItem:
    return ChecklistItem(*checklist_key(organisation_id, stage_id), organisation_id=organisation_id,
                         stage_id=stage_id, **attributes)


def new_progress(
    organisation_id: str, partnership_id: str, stage_id: str, **attributes: object,
) -> ChecklistProgressItem:
    return ChecklistProgressItem(
        *progress_key(organisation_id, partnership_id, stage_id), organisation_id=organisation_id,
        partnership_id=partnership_id, stage_id=stage_id, **attributes,
    )


def program_and_checklists(organisation_id: str) -> tuple[ProgramItem | None, list[ChecklistItem]]:
    """The program (for the pipeline) and every stage's checklist: one GetItem and one Query."""
    program = program_dal.get(organisation_id)
    checklists = [item for item in ChecklistItem.query(checklists_pk(organisation_id))
                  if isinstance(item, ChecklistItem)]
    return program, checklists


def program_and_checklist(
    organisation_id: str, stage_id: str,
) -> tuple[ProgramItem | None, ChecklistItem | None]:
    """The program and one stage's checklist, in one BatchGetItem."""
    program, checklist = None, None
    for item in PartnersItem.batch_get([program_dal.program_key(organisation_id),
                                        checklist_key(organisation_id, stage_id)]):
        if isinstance(item, ProgramItem):
            program = item
        elif isinstance(item, ChecklistItem):
            checklist = item
    return program, checklist


def save_checklist(item: ChecklistItem, envelope: EventEnvelope) -> None:
    """The checklist (checked against its version, or new) and its event, in one transaction."""
    with concurrent_change_is_a_conflict("the checklist"), transaction(ChecklistItem) as write:
        write.save(item)
        write.save(outbox_item(Outbox, envelope))


@dataclass(frozen=True)
class StageChecklist:
    program: ProgramItem | None
    checklist: ChecklistItem | None
    progress: ChecklistProgressItem | None


def stage_checklist(organisation_id: str, partnership_id: str, stage_id: str) -> StageChecklist:
    """The program, the stage's checklist and the partnership's progress on it, in one BatchGetItem."""
    program, checklist, progress = None, None, None
    keys = [program_dal.program_key(organisation_id), checklist_key(organisation_id, stage_id),
            progress_key(organisation_id, partnership_id, stage_id)]
    for item in PartnersItem.batch_get(keys):
        if isinstance(item, ProgramItem):
            program = item
        elif isinstance(item, ChecklistItem):
            checklist = item
        elif isinstance(item, ChecklistProgressItem):
            progress = item
    return StageChecklist(program=program, checklist=checklist, progress=progress)


def save_tick(
    partnership: PartnershipItem, progress: ChecklistProgressItem, activity: Activity,
    envelope: EventEnvelope,
) -> None:
    """The progress (checked against its version, or new), an activity entry and the event, in one
    transaction that also checks the partnership is still there and not archived meanwhile."""
    with (
        concurrent_change_is_a_conflict("the checklist progress"),
        transaction(ChecklistProgressItem) as write,
    ):
        write.save(progress)
        write.condition_check(
            PartnershipItem, partnership.pk, partnership.sk,
            condition=PartnershipItem.pk.exists() & PartnershipItem.archived_at.does_not_exist(),
        )
        write.save(activity_item(partnership.organisation_id, partnership.partnership_id, activity))
        write.save(outbox_item(Outbox, envelope))

"""The projects room: a partnership's shared projects (with their milestones) and their tasks.

One partition per partnership holds its projects and their tasks, so a project, its tasks and the
room's search are each one Query, and a project id of another partnership cannot be reached through
this partnership's path (its key names the partnership):

| entity         | pk                              | sk                              |
|----------------|---------------------------------|---------------------------------|
| PortalProject  | ORG#<v>#PROJECT#<pid>#          | PROJECT#<project_id>#           |
| PortalTask     | ORG#<v>#PROJECT#<pid>#          | TASK#<project_id>#<task_id>#    |

(<v>: the vendor organisation, <pid>: the partnership.) Ids are time-ordered, so a descending Query
lists the newest first. Milestones live inside their project (at most ``MAX_MILESTONES``): they are
always shown with it and change under its version. Both items carry a ``version``: a save is
conditioned on the version read (409 for the second of two concurrent writers).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from portal.dal.tables import Outbox, PortalItem
from trellis.dynamo import MapListAttribute, concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

PROJECT = "PROJECT#"
TASK = "TASK#"
OPEN_STATUSES = ("planned", "active", "on_hold")


class MilestoneAttribute(MapAttribute[str, Any]):
    id = UnicodeAttribute()
    title = UnicodeAttribute()
    due_on = UnicodeAttribute(null=True)  # ISO date
    done = BooleanAttribute(default=False)
    done_at = UTCDateTimeAttribute(null=True)
    done_by = UnicodeAttribute(null=True)


class ProjectItem(PortalItem, discriminator="PortalProject"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    project_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    start_on = UnicodeAttribute(null=True)  # ISO date
    end_on = UnicodeAttribute(null=True)
    milestones = MapListAttribute[MilestoneAttribute](of=MilestoneAttribute, default=list)
    created_by = UnicodeAttribute()
    created_by_organisation_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class TaskItem(PortalItem, discriminator="PortalTask"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    project_id = UnicodeAttribute()
    task_id = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    due_on = UnicodeAttribute(null=True)
    assignee_organisation_id = UnicodeAttribute(null=True)
    assignee_user_id = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    completed_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()


def room_pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "PROJECT", partnership_id)


def project_key(vendor_id: str, partnership_id: str, project_id: str) -> tuple[str, str]:
    return room_pk(vendor_id, partnership_id), f"{PROJECT}{project_id}#"


def task_prefix(project_id: str) -> str:
    return f"{TASK}{project_id}#"


def task_key(vendor_id: str, partnership_id: str, project_id: str, task_id: str) -> tuple[str, str]:
    return room_pk(vendor_id, partnership_id), f"{task_prefix(project_id)}{task_id}#"


def new_project(vendor_id: str, partnership_id: str, project_id: str, **attributes: Any) -> ProjectItem:
    return ProjectItem(
        *project_key(vendor_id, partnership_id, project_id), vendor_organisation_id=vendor_id,
        partnership_id=partnership_id, project_id=project_id, **attributes,
    )


def new_task(
    vendor_id: str, partnership_id: str, project_id: str, task_id: str, **attributes: Any,
) -> TaskItem:
    return TaskItem(
        *task_key(vendor_id, partnership_id, project_id, task_id), vendor_organisation_id=vendor_id,
        partnership_id=partnership_id, project_id=project_id, task_id=task_id, **attributes,
    )


def get_project(vendor_id: str, partnership_id: str, project_id: str) -> ProjectItem | None:
    try:
        item = ProjectItem.get(*project_key(vendor_id, partnership_id, project_id), consistent_read=True)
    except ProjectItem.DoesNotExist:
        return None
    return item if isinstance(item, ProjectItem) else None


def project_and_task(
    vendor_id: str, partnership_id: str, project_id: str, task_id: str,
) -> tuple[ProjectItem | None, TaskItem | None]:
    """A task and its project, in one BatchGetItem."""
    project, task = None, None
    keys = [project_key(vendor_id, partnership_id, project_id),
            task_key(vendor_id, partnership_id, project_id, task_id)]
    for item in PortalItem.batch_get(keys, consistent_read=True):
        if isinstance(item, ProjectItem):
            project = item
        elif isinstance(item, TaskItem):
            task = item
    return project, task


def _page(
    pk: str, prefix: str, kind: type[Any], *, limit: int, start: dict[str, Any] | None,
    newest_first: bool,
) -> tuple[list[Any], dict[str, Any] | None]:
    result = PortalItem.query(
        pk, PortalItem.sk.startswith(prefix), scan_index_forward=not newest_first, limit=limit,
        last_evaluated_key=start,
    )
    items = [item for item in result if isinstance(item, kind)]
    return items, result.last_evaluated_key


def projects_page(
    vendor_id: str, partnership_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[ProjectItem], dict[str, Any] | None]:
    """A page of the partnership's projects, newest first (one Query of ``limit`` items)."""
    return _page(room_pk(vendor_id, partnership_id), PROJECT, ProjectItem, limit=limit, start=start,
                 newest_first=True)


def tasks_page(
    vendor_id: str, partnership_id: str, project_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[TaskItem], dict[str, Any] | None]:
    """A page of a project's tasks, oldest first (the order they were planned in)."""
    return _page(room_pk(vendor_id, partnership_id), task_prefix(project_id), TaskItem, limit=limit,
                 start=start, newest_first=False)


def room_items(vendor_id: str, partnership_id: str, *, limit: int) -> list[ProjectItem | TaskItem]:
    """At most ``limit`` projects and tasks of the partnership (one Query, paged by DynamoDB's 1 MB)."""
    found: list[ProjectItem | TaskItem] = []
    for item in PortalItem.query(room_pk(vendor_id, partnership_id), limit=limit):
        if isinstance(item, ProjectItem | TaskItem):
            found.append(item)
    return found


def save_project(project: ProjectItem, envelopes: list[EventEnvelope]) -> None:
    """The project (checked against the version read, or new) and its events, in one transaction."""
    with concurrent_change_is_a_conflict("the project"), transaction(PortalItem) as write:
        write.save(project)
        for envelope in envelopes:
            write.save(outbox_item(Outbox, envelope))


def save_task(task: TaskItem, project: ProjectItem, envelopes: list[EventEnvelope]) -> None:
    """The task (version-checked, or new) and its events, in one transaction that also checks its
    project is still there and still open (a project closed meanwhile takes no task change)."""
    with concurrent_change_is_a_conflict("the task"), transaction(PortalItem) as write:
        write.save(task)
        write.condition_check(ProjectItem, project.pk, project.sk,
                              condition=ProjectItem.status.is_in(*OPEN_STATUSES))
        for envelope in envelopes:
            write.save(outbox_item(Outbox, envelope))

"""The projects room: implementations and campaigns the vendor and a partner run together.

Decisions:
- Who: partner_admin and project_manager of the partner, every vendor role, read; on the vendor side
  admins and partner managers write, on the partner side whoever enters the room (access.py).
- A project's status moves along ``TRANSITIONS`` (a done project may be reopened; a cancelled one
  stays cancelled); another move is a 409 naming ``status``. A closed project (done, cancelled)
  takes no new task, task change or milestone change (409) until it is reopened.
- An assignee is an active user of either organisation of the partnership, found in the portal's
  people projection; anyone else is a 422 naming ``assignee_user_id``, and nothing is written.
- Every write is one transaction: the item, checked against the version read (``expected_version``
  in the body makes a stale client's write a 409 too), and its events: ProjectUpdated (created,
  status changed, other fields changed), MilestoneCompleted, TaskAssigned (a task gets a new
  assignee), TaskCompleted. A task created without an assignee writes no event: nobody needs to hear.
- Search (:func:`search_hits`): one Query of the partnership's project partition, at most
  ``SEARCH_MAX_ITEMS`` projects and tasks read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, TypedDict

from portal.dal import people as people_dal
from portal.dal import projects as dal
from portal.dal.projects import MilestoneAttribute, ProjectItem, TaskItem
from portal.dal.tables import PersonItem
from portal.logic.access import PARTNER_ROOMS, Room, Viewer, enter
from portal.models_collab import (
    MAX_MILESTONES,
    PortalMilestone,
    PortalMilestoneCreate,
    PortalMilestoneUpdate,
    PortalParticipant,
    PortalProject,
    PortalProjectCreate,
    PortalProjectUpdate,
    PortalTask,
    PortalTaskCreate,
    PortalTaskUpdate,
)
from trellis.errors import Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventData, EventEnvelope
from trellis.events.portal import MilestoneCompleted, ProjectUpdated, TaskAssigned, TaskCompleted
from trellis.keys import time_ordered_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import Principal

TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"active", "on_hold", "cancelled"}),
    "active": frozenset({"on_hold", "done", "cancelled"}),
    "on_hold": frozenset({"active", "cancelled"}),
    "done": frozenset({"active"}),
    "cancelled": frozenset(),
}
CLOSED = frozenset({"done", "cancelled"})
SEARCH_MAX_ITEMS = 500
EXCERPT = 280


# ---------------------------------------------------------------- shapes


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _milestone(item: MilestoneAttribute) -> PortalMilestone:
    return PortalMilestone(id=item.id, title=item.title, due_on=_day(item.due_on), done=bool(item.done),
                           done_at=item.done_at, done_by=item.done_by)


def _project(item: ProjectItem) -> PortalProject:
    return PortalProject(
        id=item.project_id, partnership_id=item.partnership_id, name=item.name, description=item.description,
        status=item.status,  # type: ignore[arg-type]
        start_on=_day(item.start_on), end_on=_day(item.end_on),
        milestones=[_milestone(milestone) for milestone in item.milestones or []],
        created_by=item.created_by, created_at=item.created_at, updated_at=item.updated_at,
        version=int(item.version or 0),
    )


def _person(
    viewer: Viewer, organisation_id: str, user_id: str, known: PersonItem | None,
) -> PortalParticipant:
    return PortalParticipant(
        user_id=user_id, organisation_id=organisation_id, name=known.name if known else None,
        side="vendor" if organisation_id == viewer.vendor_id else "partner",
    )


def _tasks(viewer: Viewer, items: list[TaskItem]) -> list[PortalTask]:
    wanted = [(item.assignee_organisation_id, item.assignee_user_id) for item in items
              if item.assignee_organisation_id and item.assignee_user_id]
    names = people_dal.people(wanted) if wanted else {}
    return [_task(viewer, item, names) for item in items]


def _task(viewer: Viewer, item: TaskItem, names: dict[tuple[str, str], PersonItem]) -> PortalTask:
    assignee = None
    if item.assignee_organisation_id and item.assignee_user_id:
        org, user = item.assignee_organisation_id, item.assignee_user_id
        assignee = _person(viewer, org, user, names.get((org, user)))
    return PortalTask(
        id=item.task_id, project_id=item.project_id, title=item.title, description=item.description,
        status=item.status,  # type: ignore[arg-type]
        due_on=_day(item.due_on), assignee=assignee, created_by=item.created_by,
        created_at=item.created_at, updated_at=item.updated_at, completed_at=item.completed_at,
        version=int(item.version or 0),
    )


def _event(viewer: Viewer, data: EventData, now: datetime) -> EventEnvelope:
    actor = Actor.of(viewer.principal)
    return EventEnvelope.new(data, tenant_id=viewer.vendor_id, actor=actor, occurred_at=now)


class _Parties(TypedDict):
    partnership_id: str
    vendor_organisation_id: str
    partner_organisation_id: str


def _orgs(viewer: Viewer) -> _Parties:
    return {"partnership_id": viewer.partnership_id, "vendor_organisation_id": viewer.vendor_id,
            "partner_organisation_id": viewer.partner_id}


# ---------------------------------------------------------------- projects


def _found(viewer: Viewer, project_id: str) -> ProjectItem:
    item = dal.get_project(viewer.vendor_id, viewer.partnership_id, project_id)
    if item is None:
        raise NotFound("no such project", field="project_id")
    return item


def _require_version(what: str, version: int | None, expected: int | None) -> None:
    if expected is not None and expected != int(version or 0):
        raise Conflict(f"the {what} is at version {version}, not {expected}; reload it and try again",
                       field="expected_version")


def _require_open(project: ProjectItem) -> None:
    if project.status in CLOSED:
        raise Conflict(f"the project is {project.status}; reopen it first", field="project_id")


def list_projects(
    principal: Principal, partnership_id: str, *, limit: int, cursor: str | None,
) -> Page[PortalProject]:
    viewer = enter(principal, partnership_id, Room.PROJECTS)
    listing = f"portal-projects:{partnership_id}"
    start = decode_cursor(cursor, tenant_id=viewer.vendor_id, listing=listing)
    items, last_key = dal.projects_page(viewer.vendor_id, partnership_id, limit=limit, start=start)
    next_cursor = encode_cursor(last_key, tenant_id=viewer.vendor_id, listing=listing)
    return Page[PortalProject](items=[_project(item) for item in items], next_cursor=next_cursor)


def get_project(principal: Principal, partnership_id: str, project_id: str) -> PortalProject:
    viewer = enter(principal, partnership_id, Room.PROJECTS)
    return _project(_found(viewer, project_id))


def _new_milestone(request: PortalMilestoneCreate) -> MilestoneAttribute:
    return MilestoneAttribute(id=time_ordered_id(), title=request.title, due_on=_iso(request.due_on),
                              done=False)


def create_project(principal: Principal, partnership_id: str, request: PortalProjectCreate) -> PortalProject:
    viewer = enter(principal, partnership_id, Room.PROJECTS, write=True)
    now = datetime.now(UTC)
    item = dal.new_project(
        viewer.vendor_id, partnership_id, time_ordered_id(), name=request.name,
        description=request.description, status="planned", start_on=_iso(request.start_on),
        end_on=_iso(request.end_on),
        milestones=[_new_milestone(milestone) for milestone in request.milestones],
        created_by=principal.user_id, created_by_organisation_id=principal.organisation_id,
        created_at=now, updated_at=now,
    )
    event = _event(viewer, ProjectUpdated(
        project_id=item.project_id, project_name=item.name, change="created", status="planned",
        **_orgs(viewer),
    ), now)
    dal.save_project(item, [event])
    return _project(item)


def update_project(
    principal: Principal, partnership_id: str, project_id: str, request: PortalProjectUpdate,
) -> PortalProject:
    viewer = enter(principal, partnership_id, Room.PROJECTS, write=True)
    item = _found(viewer, project_id)
    _require_version("project", item.version, request.expected_version)
    changes: dict[str, Any] = {}
    for field in ("name", "description", "status"):
        if field in request.model_fields_set and getattr(request, field) != getattr(item, field):
            changes[field] = getattr(request, field)
    for field in ("start_on", "end_on"):
        if field in request.model_fields_set and _iso(getattr(request, field)) != getattr(item, field):
            changes[field] = _iso(getattr(request, field))
    if "name" in changes and changes["name"] is None:
        raise ValidationFailed("a project keeps a name", field="name")
    if "status" in changes:
        if changes["status"] is None:
            raise ValidationFailed("a project keeps a status", field="status")
        if changes["status"] not in TRANSITIONS[item.status]:
            allowed = ", ".join(sorted(TRANSITIONS[item.status])) or "none"
            raise Conflict(f"a {item.status} project cannot become {changes['status']} (allowed: {allowed})",
                           field="status")
    start = changes.get("start_on", item.start_on)
    end = changes.get("end_on", item.end_on)
    if start and end and end < start:
        raise ValidationFailed("end_on must not be before start_on", field="end_on")
    if not changes:
        return _project(item)  # nothing changes: nothing written

    now = datetime.now(UTC)
    previous_status = item.status
    for field, value in changes.items():
        setattr(item, field, value)
    item.updated_at = now
    moved = "status" in changes
    event = _event(viewer, ProjectUpdated(
        project_id=project_id, project_name=item.name, change="status_changed" if moved else "updated",
        status=item.status, previous_status=previous_status if moved else None,  # type: ignore[arg-type]
        changes=sorted(changes), **_orgs(viewer),
    ), now)
    dal.save_project(item, [event])
    return _project(item)


def add_milestone(
    principal: Principal, partnership_id: str, project_id: str, request: PortalMilestoneCreate,
) -> PortalProject:
    viewer = enter(principal, partnership_id, Room.PROJECTS, write=True)
    item = _found(viewer, project_id)
    _require_open(item)
    if len(item.milestones or []) >= MAX_MILESTONES:
        raise Conflict("the project has as many milestones as it may", field="title")
    now = datetime.now(UTC)
    item.milestones = [*(item.milestones or []), _new_milestone(request)]
    item.updated_at = now
    event = _event(viewer, ProjectUpdated(
        project_id=project_id, project_name=item.name, change="updated", status=item.status,  # type: ignore[arg-type]
        changes=["milestones"], **_orgs(viewer),
    ), now)
    dal.save_project(item, [event])
    return _project(item)


def update_milestone(
    principal: Principal, partnership_id: str, project_id: str, milestone_id: str,
    request: PortalMilestoneUpdate,
) -> PortalProject:
    viewer = enter(principal, partnership_id, Room.PROJECTS, write=True)
    item = _found(viewer, project_id)
    milestone = next((entry for entry in item.milestones or [] if entry.id == milestone_id), None)
    if milestone is None:
        raise NotFound("no such milestone", field="milestone_id")
    _require_version("project", item.version, request.expected_version)
    _require_open(item)
    fields = request.model_fields_set
    if "title" in fields and request.title is None:
        raise ValidationFailed("a milestone keeps a title", field="title")
    if "done" in fields and request.done is None:
        raise ValidationFailed("send true or false", field="done")
    changed = False
    if "title" in fields and request.title != milestone.title:
        milestone.title, changed = request.title, True
    if "due_on" in fields and _iso(request.due_on) != milestone.due_on:
        milestone.due_on, changed = _iso(request.due_on), True
    completed = "done" in fields and request.done is True and not milestone.done
    now = datetime.now(UTC)
    if "done" in fields and bool(request.done) != bool(milestone.done):
        milestone.done, changed = bool(request.done), True
        milestone.done_at = now if request.done else None
        milestone.done_by = principal.user_id if request.done else None
    if not changed:
        return _project(item)
    item.updated_at = now
    data: EventData
    if completed:
        data = MilestoneCompleted(
            project_id=project_id, project_name=item.name, milestone_id=milestone_id, title=milestone.title,
            due_on=_day(milestone.due_on), completed_by_user_id=principal.user_id, **_orgs(viewer),
        )
    else:
        data = ProjectUpdated(
            project_id=project_id, project_name=item.name, change="updated", status=item.status,  # type: ignore[arg-type]
            changes=["milestones"], **_orgs(viewer),
        )
    dal.save_project(item, [_event(viewer, data, now)])
    return _project(item)


# ---------------------------------------------------------------- tasks


def _assignee(viewer: Viewer, user_id: str) -> tuple[str, str]:
    """The (organisation, user) of an active user of either side of the partnership, or a 422."""
    candidates = [(viewer.vendor_id, user_id)]
    if viewer.partner_id:
        candidates.append((viewer.partner_id, user_id))
    found = people_dal.people(candidates)
    for org, user in candidates:
        person = found.get((org, user))
        if person is not None and person.active:
            return org, user
    raise ValidationFailed("the assignee must be an active user of the vendor or of the partner",
                           field="assignee_user_id")


def _open_project(viewer: Viewer, project_id: str) -> ProjectItem:
    project = _found(viewer, project_id)
    _require_open(project)
    return project


def list_tasks(
    principal: Principal, partnership_id: str, project_id: str, *, limit: int, cursor: str | None,
) -> Page[PortalTask]:
    viewer = enter(principal, partnership_id, Room.PROJECTS)
    _found(viewer, project_id)
    listing = f"portal-tasks:{partnership_id}:{project_id}"
    start = decode_cursor(cursor, tenant_id=viewer.vendor_id, listing=listing)
    items, last_key = dal.tasks_page(viewer.vendor_id, partnership_id, project_id, limit=limit, start=start)
    return Page[PortalTask](items=_tasks(viewer, items),
                            next_cursor=encode_cursor(last_key, tenant_id=viewer.vendor_id, listing=listing))


def _task_events(
    viewer: Viewer, project: ProjectItem, task: TaskItem, *, assigned: bool, completed: bool, now: datetime,
) -> list[EventEnvelope]:
    events = []
    if assigned and task.assignee_organisation_id and task.assignee_user_id:
        events.append(_event(viewer, TaskAssigned(
            project_id=project.project_id, project_name=project.name, task_id=task.task_id, title=task.title,
            partnership_id=viewer.partnership_id, assignee_organisation_id=task.assignee_organisation_id,
            assignee_user_id=task.assignee_user_id, due_on=_day(task.due_on),
        ), now))
    if completed:
        events.append(_event(viewer, TaskCompleted(
            project_id=project.project_id, project_name=project.name, task_id=task.task_id, title=task.title,
            assignee_organisation_id=task.assignee_organisation_id, assignee_user_id=task.assignee_user_id,
            completed_by_user_id=viewer.user_id, **_orgs(viewer),
        ), now))
    return events


def create_task(
    principal: Principal, partnership_id: str, project_id: str, request: PortalTaskCreate,
) -> PortalTask:
    viewer = enter(principal, partnership_id, Room.PROJECTS, write=True)
    project = _open_project(viewer, project_id)
    assignee = _assignee(viewer, request.assignee_user_id) if request.assignee_user_id else None
    now = datetime.now(UTC)
    task = dal.new_task(
        viewer.vendor_id, partnership_id, project_id, time_ordered_id(), title=request.title,
        description=request.description, status=request.status, due_on=_iso(request.due_on),
        assignee_organisation_id=assignee[0] if assignee else None,
        assignee_user_id=assignee[1] if assignee else None,
        created_by=principal.user_id, created_at=now, updated_at=now,
        completed_at=now if request.status == "done" else None,
    )
    events = _task_events(viewer, project, task, assigned=assignee is not None,
                          completed=request.status == "done", now=now)
    dal.save_task(task, project, events)
    return _tasks(viewer, [task])[0]


def update_task(
    principal: Principal, partnership_id: str, project_id: str, task_id: str, request: PortalTaskUpdate,
) -> PortalTask:
    viewer = enter(principal, partnership_id, Room.PROJECTS, write=True)
    project, task = dal.project_and_task(viewer.vendor_id, partnership_id, project_id, task_id)
    if project is None:
        raise NotFound("no such project", field="project_id")
    if task is None:
        raise NotFound("no such task", field="task_id")
    _require_version("task", task.version, request.expected_version)
    _require_open(project)
    fields = request.model_fields_set
    for field in ("title", "status"):
        if field in fields and getattr(request, field) is None:
            raise ValidationFailed(f"a task keeps a {field}", field=field)
    changed = False
    for field in ("title", "description", "status"):
        if field in fields and getattr(request, field) != getattr(task, field):
            setattr(task, field, getattr(request, field))
            changed = True
    if "due_on" in fields and _iso(request.due_on) != task.due_on:
        task.due_on, changed = _iso(request.due_on), True
    assigned = False
    if "assignee_user_id" in fields:
        if request.assignee_user_id is None:
            if task.assignee_user_id is not None:
                task.assignee_organisation_id = task.assignee_user_id = None
                changed = True
        elif request.assignee_user_id != task.assignee_user_id:
            task.assignee_organisation_id, task.assignee_user_id = _assignee(viewer, request.assignee_user_id)
            assigned = changed = True
    if not changed:
        return _tasks(viewer, [task])[0]
    now = datetime.now(UTC)
    completed = "status" in fields and request.status == "done" and task.completed_at is None
    task.completed_at = (task.completed_at or now) if task.status == "done" else None
    task.updated_at = now
    dal.save_task(task, project, _task_events(viewer, project, task, assigned=assigned, completed=completed,
                                               now=now))
    return _tasks(viewer, [task])[0]


# ---------------------------------------------------------------- search


def _matches(terms: list[str], *texts: str | None) -> bool:
    haystack = " ".join(text for text in texts if text).casefold()
    return all(term.casefold() in haystack for term in terms)


def _excerpt(text: str | None) -> str:
    return (text or "")[:EXCERPT]


def search_hits(viewer: Viewer, terms: list[str]) -> list[dict[str, Any]]:
    """Projects (name, description, milestone titles) and tasks (title, description) of the viewer's
    partnership holding every term, case-folded. Reads one Query of at most ``SEARCH_MAX_ITEMS`` items;
    a caller outside the projects room gets no hits (the room decides, not the search)."""
    if not terms or (not viewer.as_vendor and not viewer.principal.has_any(PARTNER_ROOMS[Room.PROJECTS])):
        return []
    hits: list[dict[str, Any]] = []
    for item in dal.room_items(viewer.vendor_id, viewer.partnership_id, limit=SEARCH_MAX_ITEMS):
        if isinstance(item, ProjectItem):
            milestones = " ".join(milestone.title for milestone in item.milestones or [])
            if _matches(terms, item.name, item.description, milestones):
                hits.append({"kind": "project", "id": item.project_id, "title": item.name,
                             "excerpt": _excerpt(item.description)})
        elif _matches(terms, item.title, item.description):
            # a task is found as its project (what the portal opens), titled by the task
            hits.append({"kind": "project", "id": item.project_id, "title": item.title,
                         "excerpt": _excerpt(item.description)})
    return hits

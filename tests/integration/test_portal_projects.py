"""The projects room: shared projects, their milestones and tasks, between the vendor and one partner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, BEN, CLEO, ZED
from tests.helpers.portal_world import (
    CONTOSO,
    CONTOSO_ADMIN,
    GLOBEX,
    GLOBEX_ADMIN,
    NORTHWIND,
    OLDCO,
    PEOPLE,
    event,
)
from trellis.events.organisations import UserRemoved

pytestmark = pytest.mark.usefixtures("portal_world")

TABLE = "PortalTable"
PM = PEOPLE["project_manager"]
ADMIN = PEOPLE["partner_admin"]
ROOM = f"/portal/partnerships/{NORTHWIND}/projects"


@pytest.fixture
def portal(aws: Stack, service: Callable[..., ApiClient]) -> ApiClient:
    aws.drop_outbox(TABLE)
    return service("portal", PM)


def _project(portal: ApiClient, path: str = ROOM, user: User | None = None, **fields: Any) -> dict[str, Any]:
    body = {"name": "Globex roll-out", "description": "Move Globex to the cloud", "start_on": "2026-02-01",
            "end_on": "2026-06-30", **fields}
    response = portal.post(path, json_body=body, user=user)
    assert response.status == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _task(portal: ApiClient, project_id: str, user: User | None = None, **fields: Any) -> dict[str, Any]:
    response = portal.post(f"{ROOM}/{project_id}/tasks", json_body={"title": "Run the migration", **fields},
                           user=user)
    assert response.status == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _events(aws: Stack, kind: str) -> list[dict[str, Any]]:
    return [envelope for envelope in outbox_events(aws, TABLE) if envelope["type"] == kind]


# ---------------------------------------------------------------- projects


def test_a_project_manager_starts_a_project_and_both_sides_see_it(aws: Stack, portal: ApiClient) -> None:
    # When the partner's project manager starts a project with a milestone
    created = _project(portal, milestones=[{"title": "Pilot live", "due_on": "2026-03-01"}])
    # Then it is planned, with its timeline and milestone
    assert created["status"] == "planned"
    assert (created["start_on"], created["end_on"], created["version"]) == ("2026-02-01", "2026-06-30", 1)
    assert [(m["title"], m["due_on"], m["done"]) for m in created["milestones"]] == [
        ("Pilot live", "2026-03-01", False)]
    # and the vendor (any role) and the partner admin read it
    for user in (ANA, CLEO, ADMIN):
        assert portal.get(f"{ROOM}/{created['id']}", user=user).json() == created
    listed = portal.get(ROOM, user=BEN).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    # and ProjectUpdated(created) is in the outbox, for the vendor's tenant
    [envelope] = _events(aws, "ProjectUpdated")
    assert envelope["tenant_id"] == "acme"
    assert envelope["data"] == {
        "project_id": created["id"], "project_name": "Globex roll-out", "partnership_id": NORTHWIND,
        "vendor_organisation_id": "acme", "partner_organisation_id": "northwind", "change": "created",
        "status": "planned", "previous_status": None, "changes": [],
    }


def test_projects_are_listed_newest_first_in_cursor_pages(portal: ApiClient) -> None:
    ids = [_project(portal, name=f"Project {number}")["id"] for number in range(3)]
    first = portal.get(ROOM, query={"limit": "2"}).json()
    assert [item["id"] for item in first["items"]] == [ids[2], ids[1]]
    second = portal.get(ROOM, query={"limit": "2", "cursor": first["next_cursor"]}).json()
    assert [item["id"] for item in second["items"]] == [ids[0]]
    # a cursor of another listing is refused
    other = portal.get(f"/portal/partnerships/{NORTHWIND}/projects/{ids[0]}/tasks",
                       query={"cursor": first["next_cursor"]})
    assert_problem(other, 400, "cursor")


def test_the_status_moves_only_along_its_transitions(aws: Stack, portal: ApiClient) -> None:
    created = _project(portal)
    path = f"{ROOM}/{created['id']}"
    # planned cannot jump to done
    assert_problem(portal.patch(path, json_body={"status": "done"}), 409, "status")
    # planned -> active -> done
    active = portal.patch(path, json_body={"status": "active", "expected_version": 1})
    assert active.status == 200, active.text
    assert (active.json()["status"], active.json()["version"]) == ("active", 2)
    assert portal.patch(path, json_body={"status": "done"}).json()["status"] == "done"
    # a done project may be reopened; a cancelled one stays cancelled
    assert portal.patch(path, json_body={"status": "active"}).json()["status"] == "active"
    assert portal.patch(path, json_body={"status": "cancelled"}).json()["status"] == "cancelled"
    assert_problem(portal.patch(path, json_body={"status": "active"}), 409, "status")
    moves = [(e["data"]["previous_status"], e["data"]["status"]) for e in _events(aws, "ProjectUpdated")
             if e["data"]["change"] == "status_changed"]
    assert moves == [("planned", "active"), ("active", "done"), ("done", "active"), ("active", "cancelled")]


def test_changing_other_fields_is_an_update_and_nothing_changed_writes_nothing(
    aws: Stack, portal: ApiClient,
) -> None:
    created = _project(portal)
    path = f"{ROOM}/{created['id']}"
    response = portal.patch(path, json_body={"name": "Globex migration", "end_on": "2026-07-31"})
    assert response.status == 200, response.text
    assert (response.json()["name"], response.json()["end_on"]) == ("Globex migration", "2026-07-31")
    [_, updated] = _events(aws, "ProjectUpdated")
    assert (updated["data"]["change"], updated["data"]["changes"]) == ("updated", ["end_on", "name"])
    before = aws.count(TABLE)
    same = portal.patch(path, json_body={"name": "Globex migration"})
    assert same.json()["version"] == 2
    assert aws.count(TABLE) == before


def test_a_stale_write_is_a_409_and_writes_nothing(aws: Stack, portal: ApiClient) -> None:
    created = _project(portal)
    path = f"{ROOM}/{created['id']}"
    assert portal.patch(path, json_body={"name": "Renamed by Ben"}, user=BEN).status == 200
    before = aws.count(TABLE)
    # the project manager still holds version 1
    assert_problem(portal.patch(path, json_body={"status": "active", "expected_version": 1}), 409,
                   "expected_version")
    assert aws.count(TABLE) == before
    assert portal.get(path).json()["status"] == "planned"


def test_a_concurrent_writer_between_read_and_write_is_a_409(aws: Stack, portal: ApiClient) -> None:
    # Given Ben renames the project while the project manager's change is between its read and write
    created = _project(portal)
    path = f"{ROOM}/{created['id']}"

    def ben_renames() -> None:
        assert portal.patch(path, json_body={"name": "Ben's name"}, user=BEN).status == 200

    response = portal.patch(path, json_body={"status": "active"}, before={"TransactWriteItems": ben_renames})
    # Then the second writer is told to reload, and Ben's change stands alone
    assert_problem(response, 409)
    current = portal.get(path).json()
    assert (current["name"], current["status"], current["version"]) == ("Ben's name", "planned", 2)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "P", "start_on": "2026-05-01", "end_on": "2026-04-01"}, "end_on"),
        ({"name": "P", "start_on": "not a date"}, "start_on"),
        ({"name": "P", "start_on": 0}, "start_on"),  # found by fuzzing: read as 1970-01-01
        ({"name": "P", "owner": "me"}, "owner"),
        ({"name": "P", "milestones": [{"title": ""}]}, "milestones.0.title"),
        ({"name": "P", "status": "done"}, "status"),
    ],
    ids=["empty-name", "long-name", "dates-reversed", "bad-date", "date-as-number", "unknown-field",
         "milestone-title",
         "status-on-create"],
)
def test_bad_project_input_is_a_422_naming_the_field_and_writes_nothing(
    aws: Stack, portal: ApiClient, body: dict[str, Any], field: str,
) -> None:
    before = aws.count(TABLE)
    response = portal.post(ROOM, json_body=body)
    assert response.status == 422, response.text
    assert field in response.text
    assert aws.count(TABLE) == before


def test_bad_project_changes_are_422_and_write_nothing(aws: Stack, portal: ApiClient) -> None:
    created = _project(portal)
    path = f"{ROOM}/{created['id']}"
    before = aws.count(TABLE)
    assert_problem(portal.patch(path, json_body={}), 422)
    assert_problem(portal.patch(path, json_body={"status": "finished"}), 422, "status")
    assert_problem(portal.patch(path, json_body={"end_on": "2026-01-01"}), 422, "end_on")
    assert_problem(portal.patch(path, json_body={"name": None}), 422, "name")
    stale_type = portal.patch(path, json_body={"expected_version": "1", "name": "x"})
    assert_problem(stale_type, 422, "expected_version")
    assert aws.count(TABLE) == before


# ---------------------------------------------------------------- milestones


def test_milestones_are_added_and_completed(aws: Stack, portal: ApiClient) -> None:
    created = _project(portal)
    path = f"{ROOM}/{created['id']}"
    response = portal.post(f"{path}/milestones", json_body={"title": "Pilot live", "due_on": "2026-03-01"},
                           user=BEN)
    assert response.status == 201, response.text
    [milestone] = response.json()["milestones"]
    done = portal.patch(f"{path}/milestones/{milestone['id']}", json_body={"done": True})
    assert done.status == 200, done.text
    [after] = done.json()["milestones"]
    assert (after["done"], after["done_by"]) == (True, PM.user_id)
    # marking it done again changes nothing and writes nothing
    before = aws.count(TABLE)
    assert portal.patch(f"{path}/milestones/{milestone['id']}", json_body={"done": True}).status == 200
    assert aws.count(TABLE) == before
    [completed] = _events(aws, "MilestoneCompleted")
    assert completed["data"] == {
        "project_id": created["id"], "project_name": "Globex roll-out", "milestone_id": milestone["id"],
        "title": "Pilot live", "partnership_id": NORTHWIND, "vendor_organisation_id": "acme",
        "partner_organisation_id": "northwind", "due_on": "2026-03-01", "completed_by_user_id": PM.user_id,
    }
    unknown = portal.patch(f"{path}/milestones/{'f' * 26}", json_body={"done": True})
    assert_problem(unknown, 404, "milestone_id")
    not_a_bool = portal.patch(f"{path}/milestones/{milestone['id']}", json_body={"done": "yes"})
    assert_problem(not_a_bool, 422, "done")


def test_a_closed_project_takes_no_milestone_or_task_change(aws: Stack, portal: ApiClient) -> None:
    created = _project(portal)
    path = f"{ROOM}/{created['id']}"
    task = _task(portal, created["id"])
    portal.patch(path, json_body={"status": "cancelled"})
    before = aws.count(TABLE)
    assert_problem(portal.post(f"{path}/milestones", json_body={"title": "Late"}), 409, "project_id")
    assert_problem(portal.post(f"{path}/tasks", json_body={"title": "Late"}), 409, "project_id")
    response = portal.patch(f"{path}/tasks/{task['id']}", json_body={"status": "done"})
    assert_problem(response, 409, "project_id")
    assert aws.count(TABLE) == before


# ---------------------------------------------------------------- tasks


def test_a_task_assigned_to_a_vendor_user_emits_task_assigned(aws: Stack, portal: ApiClient) -> None:
    project = _project(portal)
    task = _task(portal, project["id"], assignee_user_id=BEN.user_id, due_on="2026-03-31",
                 description="Copy the data")
    assert task["assignee"] == {"user_id": BEN.user_id, "organisation_id": "acme", "name": "Ben",
                                "side": "vendor"}
    assert (task["status"], task["due_on"], task["version"]) == ("todo", "2026-03-31", 1)
    [assigned] = _events(aws, "TaskAssigned")
    assert assigned["data"] == {
        "project_id": project["id"], "project_name": "Globex roll-out", "task_id": task["id"],
        "title": "Run the migration", "partnership_id": NORTHWIND, "assignee_organisation_id": "acme",
        "assignee_user_id": BEN.user_id, "due_on": "2026-03-31",
    }


def test_a_task_is_reassigned_to_a_partner_user_and_completed(aws: Stack, portal: ApiClient) -> None:
    project = _project(portal)
    task = _task(portal, project["id"])
    assert task["assignee"] is None
    assert _events(aws, "TaskAssigned") == []  # nobody to tell
    path = f"{ROOM}/{project['id']}/tasks/{task['id']}"
    assigned = portal.patch(path, json_body={"assignee_user_id": ADMIN.user_id, "status": "in_progress"},
                            user=BEN)
    assert assigned.status == 200, assigned.text
    assert assigned.json()["assignee"]["side"] == "partner"
    done = portal.patch(path, json_body={"status": "done", "expected_version": 2}, user=ADMIN)
    assert done.status == 200, done.text
    assert done.json()["completed_at"] is not None
    [event_assigned] = _events(aws, "TaskAssigned")
    data = event_assigned["data"]
    assert (data["assignee_organisation_id"], data["assignee_user_id"]) == ("northwind", ADMIN.user_id)
    [completed] = _events(aws, "TaskCompleted")
    assert completed["data"]["completed_by_user_id"] == ADMIN.user_id
    assert completed["data"]["assignee_user_id"] == ADMIN.user_id
    # unassigning writes no TaskAssigned
    cleared = portal.patch(path, json_body={"assignee_user_id": None})
    assert cleared.json()["assignee"] is None
    assert len(_events(aws, "TaskAssigned")) == 1
    # a stale version is a 409
    stale = portal.patch(path, json_body={"title": "x", "expected_version": 1})
    assert_problem(stale, 409, "expected_version")


@pytest.mark.parametrize(
    "assignee",
    ["u-co-admin", "u-zed", "u-gx-admin", "u-nobody", "u-nw-sales-removed"],
    ids=["another-partner", "another-vendor", "another-vendors-partner", "unknown", "removed"],
)
def test_an_assignee_outside_the_partnership_is_a_422_and_writes_nothing(
    aws: Stack, portal: ApiClient, portal_project: Callable[..., Any], assignee: str,
) -> None:
    if assignee == "u-nw-sales-removed":
        assignee = PEOPLE["sales"].user_id
        portal_project(event(UserRemoved(user_id=assignee, organisation_id="northwind",
                                         email="sales@northwind.example"), tenant="northwind", minutes=30))
    project = _project(portal)
    task = _task(portal, project["id"])
    before = aws.count(TABLE)
    tasks = f"{ROOM}/{project['id']}/tasks"
    response = portal.post(tasks, json_body={"title": "T", "assignee_user_id": assignee})
    assert_problem(response, 422, "assignee_user_id")
    response = portal.patch(f"{tasks}/{task['id']}", json_body={"assignee_user_id": assignee})
    assert_problem(response, 422, "assignee_user_id")
    assert aws.count(TABLE) == before


def test_tasks_are_listed_oldest_first_in_cursor_pages(portal: ApiClient) -> None:
    project = _project(portal)
    ids = [_task(portal, project["id"], title=f"Task {number}")["id"] for number in range(3)]
    path = f"{ROOM}/{project['id']}/tasks"
    first = portal.get(path, query={"limit": "2"}, user=CLEO).json()
    assert [item["id"] for item in first["items"]] == ids[:2]
    second = portal.get(path, query={"limit": "2", "cursor": first["next_cursor"]}, user=CLEO).json()
    assert [item["id"] for item in second["items"]] == ids[2:]
    # another project's tasks are not in this project's list
    other = _project(portal, name="Other")
    assert portal.get(f"{ROOM}/{other['id']}/tasks").json()["items"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "T", "status": "blocked"}, "status"),
        ({"title": "T", "due_on": "2026-13-01"}, "due_on"),
        ({"title": "T", "assignee_user_id": "bad id"}, "assignee_user_id"),
        ({"title": "T", "priority": 1}, "priority"),
    ],
    ids=["empty-title", "bad-status", "bad-date", "malformed-assignee", "unknown-field"],
)
def test_bad_task_input_is_a_422_and_writes_nothing(
    aws: Stack, portal: ApiClient, body: dict[str, Any], field: str,
) -> None:
    project = _project(portal)
    before = aws.count(TABLE)
    response = portal.post(f"{ROOM}/{project['id']}/tasks", json_body=body)
    assert response.status == 422, response.text
    assert field in response.text
    assert aws.count(TABLE) == before


# ---------------------------------------------------------------- who


def test_roles_read_and_write_as_the_room_allows(aws: Stack, portal: ApiClient) -> None:
    project = _project(portal, user=ANA)
    # a vendor member reads but does not write
    assert portal.get(f"{ROOM}/{project['id']}", user=CLEO).status == 200
    assert_problem(portal.post(ROOM, json_body={"name": "P"}, user=CLEO), 403)
    assert_problem(portal.patch(f"{ROOM}/{project['id']}", json_body={"name": "P"}, user=CLEO), 403)
    # partner roles outside the room do not enter it
    for role in ("sales", "marketing", "executive"):
        assert_problem(portal.get(ROOM, user=PEOPLE[role]), 403)
        assert_problem(portal.post(ROOM, json_body={"name": "P"}, user=PEOPLE[role]), 403)
    # an archived partnership is read-only to its vendor
    archived = portal.post(f"/portal/partnerships/{OLDCO}/projects", json_body={"name": "P"}, user=ANA)
    assert_problem(archived, 409, "partnership_id")
    assert portal.get(f"/portal/partnerships/{OLDCO}/projects", user=ANA).status == 200


@pytest.mark.parametrize(
    ("user", "partnership_id"),
    [
        (ZED, NORTHWIND),  # another vendor
        (GLOBEX_ADMIN, NORTHWIND),  # a partner of another vendor
        (CONTOSO_ADMIN, NORTHWIND),  # another partner of the same vendor
        (ANA, GLOBEX),  # a partnership of another vendor
    ],
    ids=["other-vendor", "other-vendors-partner", "other-partner", "foreign-partnership"],
)
def test_every_route_is_404_outside_the_partnership(
    aws: Stack, portal: ApiClient, user: User, partnership_id: str,
) -> None:
    project = _project(portal)
    task = _task(portal, project["id"])
    response = portal.post(f"{ROOM}/{project['id']}/milestones", json_body={"title": "M"})
    milestone = response.json()["milestones"][0]
    before = aws.count(TABLE)
    base = f"/portal/partnerships/{partnership_id}/projects"
    calls = [
        ("GET", base, None), ("POST", base, {"name": "P"}),
        ("GET", f"{base}/{project['id']}", None), ("PATCH", f"{base}/{project['id']}", {"name": "P"}),
        ("POST", f"{base}/{project['id']}/milestones", {"title": "M"}),
        ("PATCH", f"{base}/{project['id']}/milestones/{milestone['id']}", {"done": True}),
        ("GET", f"{base}/{project['id']}/tasks", None),
        ("POST", f"{base}/{project['id']}/tasks", {"title": "T"}),
        ("PATCH", f"{base}/{project['id']}/tasks/{task['id']}", {"status": "done"}),
    ]
    for method, path, body in calls:
        assert_problem(portal.request(method, path, json_body=body, user=user), 404, "partnership_id")
    assert aws.count(TABLE) == before


def test_a_project_of_another_partnership_is_404_through_this_partnerships_path(
    aws: Stack, portal: ApiClient,
) -> None:
    # Given a project of Contoso's partnership
    theirs = _project(portal, path=f"/portal/partnerships/{CONTOSO}/projects", user=CONTOSO_ADMIN)
    their_task = _task_in(portal, CONTOSO, theirs["id"], CONTOSO_ADMIN)
    before = aws.count(TABLE)
    # When Northwind's project manager names it through Northwind's partnership
    path = f"{ROOM}/{theirs['id']}"
    assert_problem(portal.get(path), 404, "project_id")
    assert_problem(portal.patch(path, json_body={"name": "Mine"}), 404, "project_id")
    assert_problem(portal.post(f"{path}/milestones", json_body={"title": "M"}), 404, "project_id")
    assert_problem(portal.get(f"{path}/tasks"), 404, "project_id")
    assert_problem(portal.post(f"{path}/tasks", json_body={"title": "T"}), 404, "project_id")
    response = portal.patch(f"{path}/tasks/{their_task['id']}", json_body={"title": "T"})
    assert_problem(response, 404, "project_id")
    # (the vendor too: it owns both partnerships, but the path names Northwind's)
    assert_problem(portal.get(path, user=ANA), 404, "project_id")
    assert aws.count(TABLE) == before


def _task_in(portal: ApiClient, partnership_id: str, project_id: str, user: User) -> dict[str, Any]:
    response = portal.post(f"/portal/partnerships/{partnership_id}/projects/{project_id}/tasks",
                           json_body={"title": "Theirs"}, user=user)
    assert response.status == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_search_hits_find_projects_and_tasks_of_the_partnership(portal: ApiClient) -> None:
    project = _project(portal, name="Cloud migration", description="Move Globex")
    _task(portal, project["id"], title="Migrate the CRM data", description="Cloud CRM")
    _project(portal, path=f"/portal/partnerships/{CONTOSO}/projects", user=CONTOSO_ADMIN,
             name="Cloud at Contoso")
    with portal.runner.env_applied():
        from portal.logic.access import Room, enter
        from portal.logic.projects import search_hits
        from trellis.principal import principal_from_claims

        viewer = enter(principal_from_claims(PM.claims()), NORTHWIND, Room.PROJECTS)
        hits = search_hits(viewer, ["CLOUD", "migr"])
        sales = enter(principal_from_claims(PEOPLE["sales"].claims()), NORTHWIND, Room.MESSAGES)
        hidden = search_hits(sales, ["cloud"])
    assert sorted((hit["kind"], hit["title"]) for hit in hits) == [
        ("project", "Cloud migration"), ("project", "Migrate the CRM data")]
    assert all(hit["id"] == project["id"] for hit in hits)
    assert hidden == []

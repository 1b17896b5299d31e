"""Matrix recipes of the projects and messages rooms (collab area).

Projects, their milestones and tasks, and threads belong to one partnership: setup builds them in
NORTHWIND's and in CONTOSO's, and a recipe names those of the partnership the caller uses (acme's
NORTHWIND ones for everyone else, so GLOBEX's partner naming them gets 404).

Posting a message is open to every vendor role (a member answering a partner is the room's point),
unlike the matrix's vendor writes, so those two recipes are not ``write``: every caller the room
admits posts.
"""

from __future__ import annotations

from portal.logic.access import Room
from tests.helpers.lambda_runtime import User
from tests.helpers.people import ANA
from tests.helpers.portal_world import CONTOSO, CONTOSO_ADMIN, NORTHWIND
from tests.portal_matrix import SECRET, Ids, Recipe, Setup

PROJECTS = "/portal/partnerships/{partnership_id}/projects"
MESSAGES = "/portal/partnerships/{partnership_id}/messages"


def _build(ctx: Setup, partnership_id: str, user: User, suffix: str) -> dict[str, str]:
    api = ctx.api(user)
    base = f"/portal/partnerships/{partnership_id}"
    project = api.post(f"{base}/projects", json_body={
        "name": f"Roll-out {SECRET}", "description": f"Plan {SECRET}",
        "milestones": [{"title": f"Pilot {SECRET}"}],
    })
    assert project.status == 201, project.text
    project_id = project.json()["id"]
    task = api.post(f"{base}/projects/{project_id}/tasks", json_body={"title": f"Migrate {SECRET}"})
    assert task.status == 201, task.text
    thread = api.post(f"{base}/messages/threads",
                      json_body={"subject": f"Q3 {SECRET}", "body": f"Hi {SECRET}"})
    assert thread.status == 201, thread.text
    return {
        f"project{suffix}": project_id, f"milestone{suffix}": project.json()["milestones"][0]["id"],
        f"task{suffix}": task.json()["id"], f"thread{suffix}": thread.json()["id"],
    }


def setup(ctx: Setup) -> dict[str, str]:
    return {**_build(ctx, NORTHWIND, ANA, ""), **_build(ctx, CONTOSO, CONTOSO_ADMIN, f"@{CONTOSO}")}


def _id(ids: Ids, name: str) -> str:
    return ids.get(f"{name}@{ids['partnership']}", ids[name])


def _projects(ids: Ids) -> str:
    return PROJECTS.format(partnership_id=ids["partnership"])


def _project(ids: Ids) -> str:
    return f"{_projects(ids)}/{_id(ids, 'project')}"


def _thread(ids: Ids) -> str:
    return f"{MESSAGES.format(partnership_id=ids['partnership'])}/threads/{_id(ids, 'thread')}"


P, M = Room.PROJECTS, Room.MESSAGES

RECIPES: dict[str, Recipe] = {
    f"GET {PROJECTS}": Recipe(lambda ids: (f"{_projects(ids)}?limit=5", None), room=P),
    f"POST {PROJECTS}": Recipe(lambda ids: (_projects(ids), {"name": f"New {SECRET}"}), room=P, write=True),
    f"GET {PROJECTS}/{{project_id}}": Recipe(lambda ids: (_project(ids), None), room=P),
    f"PATCH {PROJECTS}/{{project_id}}": Recipe(
        lambda ids: (_project(ids), {"description": f"Changed {SECRET}"}), room=P, write=True),
    f"POST {PROJECTS}/{{project_id}}/milestones": Recipe(
        lambda ids: (f"{_project(ids)}/milestones", {"title": f"Go-live {SECRET}"}), room=P, write=True),
    f"PATCH {PROJECTS}/{{project_id}}/milestones/{{milestone_id}}": Recipe(
        lambda ids: (f"{_project(ids)}/milestones/{_id(ids, 'milestone')}", {"done": True}),
        room=P, write=True),
    f"GET {PROJECTS}/{{project_id}}/tasks": Recipe(lambda ids: (f"{_project(ids)}/tasks", None), room=P),
    f"POST {PROJECTS}/{{project_id}}/tasks": Recipe(
        lambda ids: (f"{_project(ids)}/tasks", {"title": f"Train {SECRET}"}), room=P, write=True),
    f"PATCH {PROJECTS}/{{project_id}}/tasks/{{task_id}}": Recipe(
        lambda ids: (f"{_project(ids)}/tasks/{_id(ids, 'task')}", {"status": "in_progress"}),
        room=P, write=True),
    f"GET {MESSAGES}/threads": Recipe(
        lambda ids: (f"{MESSAGES.format(partnership_id=ids['partnership'])}/threads", None), room=M),
    f"POST {MESSAGES}/threads": Recipe(
        lambda ids: (f"{MESSAGES.format(partnership_id=ids['partnership'])}/threads",
                     {"subject": f"Hello {SECRET}", "body": f"Body {SECRET}"}), room=M),
    f"GET {MESSAGES}/threads/{{thread_id}}/messages": Recipe(
        lambda ids: (f"{_thread(ids)}/messages", None), room=M),
    f"POST {MESSAGES}/threads/{{thread_id}}/messages": Recipe(
        lambda ids: (f"{_thread(ids)}/messages", {"body": f"Reply {SECRET}"}), room=M),
    f"GET {MESSAGES}/unread": Recipe(
        lambda ids: (f"{MESSAGES.format(partnership_id=ids['partnership'])}/unread", None), room=M),
}

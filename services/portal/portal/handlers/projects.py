"""HTTP routes of a partnership's projects room: projects, their milestones and their tasks."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from portal.logic import projects as logic
from portal.models import EntityId
from portal.models_collab import (
    PortalMilestoneCreate,
    PortalMilestoneUpdate,
    PortalProject,
    PortalProjectCreate,
    PortalProjectUpdate,
    PortalTask,
    PortalTaskCreate,
    PortalTaskUpdate,
)
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_CURSOR_LENGTH, MAX_PAGE_SIZE, Page

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
ProjectId = Annotated[EntityId, Path(description="A project of the partnership")]
MilestoneId = Annotated[EntityId, Path(description="A milestone of the project")]
TaskId = Annotated[EntityId, Path(description="A task of the project")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)]
TAGS = ["portal-projects"]
BASE = "/portal/partnerships/<partnership_id>/projects"


@router.get(BASE, summary="The partnership's projects, newest first", tags=TAGS)
def list_projects(partnership_id: PartnershipId, limit: Limit = DEFAULT_PAGE_SIZE,
                  cursor: Cursor = None) -> Page[PortalProject]:
    return logic.list_projects(current_principal(router), partnership_id, limit=limit, cursor=cursor)


@router.post(BASE, summary="Start a shared project (status planned)", tags=TAGS)
def create_project(partnership_id: PartnershipId, body: PortalProjectCreate) -> Response[PortalProject]:
    return created(logic.create_project(current_principal(router), partnership_id, body))


@router.get(f"{BASE}/<project_id>", summary="A project with its timeline and milestones", tags=TAGS)
def get_project(partnership_id: PartnershipId, project_id: ProjectId) -> PortalProject:
    return logic.get_project(current_principal(router), partnership_id, project_id)


@router.patch(f"{BASE}/<project_id>", summary="Change a project (status along its allowed moves)", tags=TAGS)
def update_project(partnership_id: PartnershipId, project_id: ProjectId,
                   body: PortalProjectUpdate) -> PortalProject:
    return logic.update_project(current_principal(router), partnership_id, project_id, body)


@router.post(f"{BASE}/<project_id>/milestones", summary="Add a milestone to a project", tags=TAGS)
def add_milestone(partnership_id: PartnershipId, project_id: ProjectId,
                  body: PortalMilestoneCreate) -> Response[PortalProject]:
    return created(logic.add_milestone(current_principal(router), partnership_id, project_id, body))


@router.patch(f"{BASE}/<project_id>/milestones/<milestone_id>",
              summary="Change a milestone or mark it done", tags=TAGS)
def update_milestone(partnership_id: PartnershipId, project_id: ProjectId, milestone_id: MilestoneId,
                     body: PortalMilestoneUpdate) -> PortalProject:
    return logic.update_milestone(current_principal(router), partnership_id, project_id, milestone_id, body)


@router.get(f"{BASE}/<project_id>/tasks", summary="A project's tasks, oldest first", tags=TAGS)
def list_tasks(partnership_id: PartnershipId, project_id: ProjectId, limit: Limit = DEFAULT_PAGE_SIZE,
               cursor: Cursor = None) -> Page[PortalTask]:
    return logic.list_tasks(current_principal(router), partnership_id, project_id, limit=limit, cursor=cursor)


@router.post(f"{BASE}/<project_id>/tasks", summary="Add a task (assignee: a user of either side)", tags=TAGS)
def create_task(partnership_id: PartnershipId, project_id: ProjectId,
                body: PortalTaskCreate) -> Response[PortalTask]:
    return created(logic.create_task(current_principal(router), partnership_id, project_id, body))


@router.patch(f"{BASE}/<project_id>/tasks/<task_id>", summary="Change, assign or complete a task", tags=TAGS)
def update_task(partnership_id: PartnershipId, project_id: ProjectId, task_id: TaskId,
                body: PortalTaskUpdate) -> PortalTask:
    return logic.update_task(current_principal(router), partnership_id, project_id, task_id, body)

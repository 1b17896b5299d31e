"""What the projects and messages rooms accept and return."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from portal.models import EntityId, Request
from trellis.fields import CalendarDate

ProjectStatus = Literal["planned", "active", "on_hold", "done", "cancelled"]
TaskStatus = Literal["todo", "in_progress", "done"]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=5000)]
MAX_MILESTONES = 50
MAX_MESSAGE_CHARS = 10_000
ExpectedVersion = Annotated[
    StrictInt | None, Field(default=None, ge=1, description="Fail with 409 if it changed since it was read"),
]


def _dates_in_order(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise PydanticCustomError("date_order", "end_on must not be before start_on")


class _Changes(Request):
    @model_validator(mode="after")
    def _changes_something(self) -> _Changes:
        if not self.model_fields_set - {"expected_version"}:
            raise PydanticCustomError("empty_update", "send at least one field to change")
        return self


# ---------------------------------------------------------------- projects


class PortalMilestoneCreate(Request):
    title: Title
    due_on: CalendarDate | None = None


class PortalMilestoneUpdate(_Changes):
    title: Title | None = None
    due_on: CalendarDate | None = None
    done: StrictBool | None = None
    expected_version: ExpectedVersion = None


class PortalProjectCreate(Request):
    name: Title
    description: Description | None = None
    start_on: CalendarDate | None = None
    end_on: CalendarDate | None = None
    milestones: list[PortalMilestoneCreate] = Field(default_factory=list, max_length=MAX_MILESTONES)

    @model_validator(mode="after")
    def _timeline(self) -> PortalProjectCreate:
        _dates_in_order(self.start_on, self.end_on)
        return self


class PortalProjectUpdate(_Changes):
    name: Title | None = None
    description: Description | None = None
    status: ProjectStatus | None = None
    start_on: CalendarDate | None = None
    end_on: CalendarDate | None = None
    expected_version: ExpectedVersion = None


class PortalMilestone(BaseModel):
    id: str
    title: str
    due_on: date | None
    done: bool
    done_at: datetime | None
    done_by: str | None


class PortalProject(BaseModel):
    id: str
    partnership_id: str
    name: str
    description: str | None
    status: ProjectStatus
    start_on: date | None
    end_on: date | None
    milestones: list[PortalMilestone]
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int


class PortalTaskCreate(Request):
    title: Title
    description: Description | None = None
    assignee_user_id: EntityId | None = None
    due_on: CalendarDate | None = None
    status: TaskStatus = "todo"


class PortalTaskUpdate(_Changes):
    title: Title | None = None
    description: Description | None = None
    assignee_user_id: EntityId | None = Field(default=None, description="null to unassign")
    due_on: CalendarDate | None = None
    status: TaskStatus | None = None
    expected_version: ExpectedVersion = None


class PortalParticipant(BaseModel):
    user_id: str
    organisation_id: str
    name: str | None
    side: Literal["vendor", "partner"]


class PortalTask(BaseModel):
    id: str
    project_id: str
    title: str
    description: str | None
    status: TaskStatus
    due_on: date | None
    assignee: PortalParticipant | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    version: int


# ---------------------------------------------------------------- messages

Body = Annotated[str, StringConstraints(min_length=1, max_length=MAX_MESSAGE_CHARS)]


class PortalThreadCreate(Request):
    subject: Title
    body: Body


class PortalMessageCreate(Request):
    body: Body


class PortalMessage(BaseModel):
    id: str
    thread_id: str
    sequence: int
    body: str
    author: PortalParticipant
    posted_at: datetime


class PortalThread(BaseModel):
    id: str
    partnership_id: str
    subject: str
    started_by: PortalParticipant
    created_at: datetime
    last_message_at: datetime
    last_excerpt: str
    message_count: int
    unread: int = Field(description="Messages of others the caller has not read yet")


class PortalUnread(BaseModel):
    """The caller's unread messages in a partnership, over its ``window`` most recently active threads."""

    unread_messages: int
    unread_threads: int
    threads: dict[str, int] = Field(description="Unread messages by thread id (threads with any)")
    window: int

"""Portal events (source ``trellis.portal``): messages, projects and tasks, training, resources, files,
feedback.

The tenant of each is the vendor whose program the partnership belongs to. Each names both
organisations of the partnership, so a consumer can tell "the other side" without a lookup.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from trellis.events.envelope import EventData

SOURCE = "trellis.portal"

Side = Literal["vendor", "partner"]


class MessagePosted(EventData):
    """A message in a partnership's messages room; the other side hears about it."""

    event_type: ClassVar[str] = "MessagePosted"
    source: ClassVar[str] = SOURCE

    message_id: str
    partnership_id: str
    company_name: str  # the partner company
    vendor_organisation_id: str
    vendor_organisation_name: str | None = None
    partner_organisation_id: str
    author_side: Side
    author_user_id: str
    author_name: str
    excerpt: str = Field(max_length=280)  # the start of the message, never the whole of it


class TaskAssigned(EventData):
    """A task of a shared project was assigned to someone (of either side)."""

    event_type: ClassVar[str] = "TaskAssigned"
    source: ClassVar[str] = SOURCE

    project_id: str
    project_name: str
    task_id: str
    title: str
    partnership_id: str
    assignee_organisation_id: str
    assignee_user_id: str
    due_on: date | None = None


# ---------------------------------------------------------------- projects room (collab)

ProjectStatus = Literal["planned", "active", "on_hold", "done", "cancelled"]


class ProjectUpdated(EventData):
    """A shared project of a partnership was created or changed (``changes``: the fields that did;
    ``previous_status`` is set when the status moved)."""

    event_type: ClassVar[str] = "ProjectUpdated"
    source: ClassVar[str] = SOURCE

    project_id: str
    project_name: str
    partnership_id: str
    vendor_organisation_id: str
    partner_organisation_id: str
    change: Literal["created", "status_changed", "updated"]
    status: ProjectStatus
    previous_status: ProjectStatus | None = None
    changes: list[str] = Field(default_factory=list)


class MilestoneCompleted(EventData):
    """A milestone of a shared project was marked done."""

    event_type: ClassVar[str] = "MilestoneCompleted"
    source: ClassVar[str] = SOURCE

    project_id: str
    project_name: str
    milestone_id: str
    title: str
    partnership_id: str
    vendor_organisation_id: str
    partner_organisation_id: str
    due_on: date | None = None
    completed_by_user_id: str


class TaskCompleted(EventData):
    """A task of a shared project was marked done (by someone of either side)."""

    event_type: ClassVar[str] = "TaskCompleted"
    source: ClassVar[str] = SOURCE

    project_id: str
    project_name: str
    task_id: str
    title: str
    partnership_id: str
    vendor_organisation_id: str
    partner_organisation_id: str
    assignee_organisation_id: str | None = None
    assignee_user_id: str | None = None
    completed_by_user_id: str


class CertificationEarned(EventData):
    """A partner's user completed a certification of the vendor's training."""

    event_type: ClassVar[str] = "CertificationEarned"
    source: ClassVar[str] = SOURCE

    certification_id: str
    certification_name: str
    partnership_id: str
    partner_organisation_id: str
    user_id: str
    user_name: str
    vendor_organisation_id: str | None = None
    earned_on: date | None = None
    expires_on: date | None = None  # None: the certification does not expire


class TrainingModuleCompleted(EventData):
    """A partner's user completed a training module (every lesson done, and its quiz passed if any).

    Emitted once per user and module: completing it again (a later quiz pass) emits nothing.
    """

    event_type: ClassVar[str] = "TrainingModuleCompleted"
    source: ClassVar[str] = SOURCE

    module_id: str
    module_title: str
    partnership_id: str
    vendor_organisation_id: str
    partner_organisation_id: str
    user_id: str
    user_name: str
    score: int | None = None  # the passing quiz score in percent; None for a module without a quiz


# ---------------------------------------------------------------- resources, brand, shared files


class ResourcePublished(EventData):
    """A resource or brand asset has a new current version (its first, or a newer one). Vendor content:
    no partnership; ``audience`` says which partners see it (portal.models.Audience; empty = all)."""

    event_type: ClassVar[str] = "ResourcePublished"
    source: ClassVar[str] = SOURCE

    resource_id: str
    room: Literal["resources", "brand"]
    kind: Literal["file", "link"]
    title: str
    version_id: str
    version_number: int
    first_version: bool
    audience: dict[str, list[str] | str | None] = Field(default_factory=dict)


class SharedFileUploaded(EventData):
    """A file (or a new version of one) is in a partnership's shared files room; the other side hears."""

    event_type: ClassVar[str] = "SharedFileUploaded"
    source: ClassVar[str] = SOURCE

    file_id: str
    version_id: str
    version_number: int
    title: str
    filename: str
    partnership_id: str
    company_name: str | None = None  # the partner company
    vendor_organisation_id: str
    partner_organisation_id: str
    uploader_side: Side
    uploader_user_id: str


class FeedbackSubmitted(EventData):
    """A partner's user answered its stage's survey or sent free feedback to the vendor."""

    event_type: ClassVar[str] = "FeedbackSubmitted"
    source: ClassVar[str] = SOURCE

    feedback_id: str
    kind: Literal["survey", "free"]
    partnership_id: str
    company_name: str | None = None
    vendor_organisation_id: str
    partner_organisation_id: str
    user_id: str
    stage: str | None = None  # the survey's stage
    nps: int | None = Field(default=None, ge=0, le=10)
    category: str | None = None  # free feedback's category
    excerpt: str = Field(default="", max_length=280)


_PARTNERSHIP = "7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00"
_PARTNER = "3b1f0c2d4e5f60718293a4b5c6d7e8f9"

EVENTS: tuple[type[EventData], ...] = (
    MessagePosted,
    TaskAssigned,
    ProjectUpdated,
    MilestoneCompleted,
    TaskCompleted,
    CertificationEarned,
    TrainingModuleCompleted,
    ResourcePublished,
    SharedFileUploaded,
    FeedbackSubmitted,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    return (
        MessagePosted(
            message_id="1772445600000a1b2c3d4e5f6a", partnership_id=_PARTNERSHIP,
            company_name="Northwind Consulting",
            vendor_organisation_id="acme", vendor_organisation_name="Acme", partner_organisation_id=_PARTNER,
            author_side="vendor", author_user_id="u-ben", author_name="Ben",
            excerpt="Can we review the Q3 pipeline?",
        ),
        TaskAssigned(
            project_id="1772445600000b1b2c3d4e5f6a", project_name="Globex roll-out",
            task_id="1772445600000c1b2c3d4e5f6a",
            title="Run the data migration", partnership_id=_PARTNERSHIP, assignee_organisation_id=_PARTNER,
            assignee_user_id="9a8b7c6d5e4f30211203f4e5d6c7b8a9", due_on=date(2026, 3, 31),
        ),
        ProjectUpdated(
            project_id="1772445600000b1b2c3d4e5f6a", project_name="Globex roll-out",
            partnership_id=_PARTNERSHIP,
            vendor_organisation_id="acme", partner_organisation_id=_PARTNER, change="status_changed",
            status="active", previous_status="planned", changes=["status"],
        ),
        MilestoneCompleted(
            project_id="1772445600000b1b2c3d4e5f6a", project_name="Globex roll-out",
            milestone_id="1772445600000e1b2c3d4e5f6a", title="Pilot live", partnership_id=_PARTNERSHIP,
            vendor_organisation_id="acme", partner_organisation_id=_PARTNER, due_on=date(2026, 3, 1),
            completed_by_user_id="u-ben",
        ),
        TaskCompleted(
            project_id="1772445600000b1b2c3d4e5f6a", project_name="Globex roll-out",
            task_id="1772445600000c1b2c3d4e5f6a", title="Run the data migration", partnership_id=_PARTNERSHIP,
            vendor_organisation_id="acme", partner_organisation_id=_PARTNER,
            assignee_organisation_id=_PARTNER, assignee_user_id="9a8b7c6d5e4f30211203f4e5d6c7b8a9",
            completed_by_user_id="9a8b7c6d5e4f30211203f4e5d6c7b8a9",
        ),
        CertificationEarned(
            certification_id="1772445600000d1b2c3d4e5f6a", certification_name="Acme Sales Professional",
            partnership_id=_PARTNERSHIP, partner_organisation_id=_PARTNER,
            user_id="9a8b7c6d5e4f30211203f4e5d6c7b8a9", user_name="Sally",
            vendor_organisation_id="acme", earned_on=date(2026, 3, 2), expires_on=date(2027, 3, 2),
        ),
        TrainingModuleCompleted(
            module_id="1772445600000e1b2c3d4e5f6a", module_title="Selling Acme Cloud",
            partnership_id=_PARTNERSHIP, vendor_organisation_id="acme", partner_organisation_id=_PARTNER,
            user_id="9a8b7c6d5e4f30211203f4e5d6c7b8a9", user_name="Sally", score=90,
        ),
        ResourcePublished(
            resource_id="1772445600000e1b2c3d4e5f6a", room="brand", kind="file", title="Logo pack 2026",
            version_id="1772445600000f1b2c3d4e5f6a", version_number=2, first_version=False,
            audience={"min_tier": "gold", "partner_roles": ["marketing"]},
        ),
        SharedFileUploaded(
            file_id="17724456000001ab2c3d4e5f6a", version_id="17724456000002ab2c3d4e5f6a", version_number=1,
            title="Statement of work", filename="sow-globex.pdf", partnership_id=_PARTNERSHIP,
            company_name="Northwind Consulting", vendor_organisation_id="acme",
            partner_organisation_id=_PARTNER,
            uploader_side="partner", uploader_user_id="9a8b7c6d5e4f30211203f4e5d6c7b8a9",
        ),
        FeedbackSubmitted(
            feedback_id="1772445600000e1b2c3d4e5f6a", kind="survey", partnership_id=_PARTNERSHIP,
            company_name="Northwind Consulting", vendor_organisation_id="acme",
            partner_organisation_id=_PARTNER,
            user_id="9a8b7c6d5e4f30211203f4e5d6c7b8a9", stage="onboarding", nps=9,
            excerpt="The onboarding calls were very helpful.",
        ),
    )

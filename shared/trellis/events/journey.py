"""Partner journey events of the partners service (source ``trellis.partners``): per-stage checklists."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from trellis.events.envelope import EventData

SOURCE = "trellis.partners"

ChecklistSide = Literal["vendor", "partner"]


class ChecklistEntryData(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    id: str
    title: str
    required: bool = False


class ChecklistDefined(EventData):
    """A vendor saved the checklist of one stage of its pipeline (the whole list, in order)."""

    event_type: ClassVar[str] = "ChecklistDefined"
    source: ClassVar[str] = SOURCE

    stage_id: str
    items: list[ChecklistEntryData]
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)


class ChecklistItemTicked(EventData):
    """A checklist item of a partnership was ticked (``done``) or unticked, by the vendor or the partner."""

    event_type: ClassVar[str] = "ChecklistItemTicked"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    company_name: str
    stage_id: str
    item_id: str
    title: str
    done: bool
    side: ChecklistSide
    # The stage's required items all done after this tick (e.g. to suggest moving the partnership on).
    required_complete: bool = False


_PARTNERSHIP_ID = "7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00"

EVENTS: tuple[type[EventData], ...] = (
    ChecklistDefined,
    ChecklistItemTicked,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    return (
        ChecklistDefined(
            stage_id="onboarding",
            items=[
                ChecklistEntryData(id="sign-the-agreement", title="Sign the agreement", required=True),
                ChecklistEntryData(id="portal-training", title="Portal training"),
            ],
            added=["portal-training"], removed=[],
        ),
        ChecklistItemTicked(
            partnership_id=_PARTNERSHIP_ID, company_name="Northwind Consulting", stage_id="onboarding",
            item_id="sign-the-agreement", title="Sign the agreement", done=True, side="partner",
            required_complete=True,
        ),
    )

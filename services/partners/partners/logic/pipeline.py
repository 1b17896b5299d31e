"""The vendor's stage pipeline as stage ids, for code that needs no API model (the journey consumer)."""

from __future__ import annotations

from partners.dal.tables import ProgramItem

# The partner journey (seed 004), until the vendor saves its own pipeline.
DEFAULT_STAGES: tuple[str, ...] = (
    "Recruitment", "Onboarding", "Activation", "Growth", "Retention", "Advocacy",
)


def default_stage_id(name: str) -> str:
    return name.lower()


def stage_ids(item: ProgramItem | None) -> list[str]:
    """The ids of the vendor's stages in pipeline order (the default pipeline's when none is saved)."""
    stored = list(item.stages or []) if item is not None else []
    if not stored:
        return [default_stage_id(name) for name in DEFAULT_STAGES]
    return [entry.id for entry in stored]

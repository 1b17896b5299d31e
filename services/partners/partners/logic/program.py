"""The vendor's program settings: its stage pipeline and its tiers, categories and tags.

Every vendor starts with the partner journey as its pipeline (seed 004). Each list is saved as a
whole: entries can be renamed, added and reordered, but an id once used stays (partnerships and
their history refer to it), so a save that drops an existing id is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from partners.dal import program as dal
from partners.dal.tables import EntryAttribute, ProgramItem
from partners.logic.pipeline import DEFAULT_STAGES, default_stage_id
from partners.models import (
    Program,
    ProgramEntry,
    ProgramEntryInput,
    ProgramListName,
    ProgramListUpdate,
)
from trellis.errors import Conflict, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.partners import ProgramEntryData, ProgramListUpdated
from trellis.principal import VENDOR_ROLES, Principal, Role

# The partner journey (seed 004): Recruitment, Onboarding, Activation, Growth, Retention, Advocacy.
DEFAULT_PIPELINE: tuple[ProgramEntry, ...] = tuple(
    ProgramEntry(id=default_stage_id(name), name=name) for name in DEFAULT_STAGES
)
LISTS: tuple[ProgramListName, ...] = ("stages", "tiers", "categories", "tags")


def entries(item: ProgramItem | None, name: ProgramListName) -> list[ProgramEntry]:
    """A list of the vendor's program, with the default pipeline until the vendor saves its own."""
    stored = list(getattr(item, name) or []) if item is not None else []
    if not stored and name == "stages":
        return list(DEFAULT_PIPELINE)
    return [ProgramEntry(id=entry.id, name=entry.name) for entry in stored]


def view(item: ProgramItem | None) -> Program:
    return Program(
        **{name: entries(item, name) for name in LISTS},
        version=int(item.version or 0) if item is not None else 0,
    )


def require_entry(
    item: ProgramItem | None, name: ProgramListName, entry_id: str | None, *, field: str,
) -> None:
    """422 naming ``field`` unless ``entry_id`` is in the vendor's list (None always passes)."""
    if entry_id is None:
        return
    known = [entry.id for entry in entries(item, name)]
    if entry_id not in known:
        choices = ", ".join(known) if known else "none defined yet"
        raise ValidationFailed(f"unknown {name[:-1] if name != 'categories' else 'category'} "
                               f"{entry_id!r}; the program has: {choices}", field=field)


def require_tier(organisation_id: str, tier_id: str | None, *, field: str = "tier") -> None:
    """For other parts of the service (commission plans): the tier must be one of the vendor's."""
    require_entry(dal.get(organisation_id), "tiers", tier_id, field=field)


def get_program(principal: Principal) -> Program:
    principal.require_any(VENDOR_ROLES)
    return view(dal.get(principal.organisation_id))


def new_entry_id(name: str, taken: set[str], *, fallback: str = "entry") -> str:
    """A readable, stable id for a new entry of a vendor-defined list ("Gold partner" → gold-partner),
    not among ``taken`` (which it joins)."""
    base = candidate = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or fallback
    counter = 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    taken.add(candidate)
    return candidate


def _with_ids(requested: Sequence[ProgramEntryInput], existing: Sequence[ProgramEntry]) -> list[ProgramEntry]:
    taken = {entry.id for entry in existing} | {entry.id for entry in requested if entry.id}
    return [
        ProgramEntry(id=entry.id or new_entry_id(entry.name, taken), name=entry.name) for entry in requested
    ]


def replace_list(principal: Principal, name: ProgramListName, request: ProgramListUpdate) -> Program:
    principal.require_any({Role.ADMIN})
    org = principal.organisation_id
    item = dal.get(org)
    if request.expected_version is not None and request.expected_version != (item.version if item else 0):
        raise Conflict("the program settings changed meanwhile; reload them and try again")
    existing = entries(item, name)
    new = _with_ids(request.entries, existing)

    ids = [entry.id for entry in new]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("each entry needs its own id", field="entries")
    names = [entry.name.casefold() for entry in new]
    if len(set(names)) != len(names):
        raise ValidationFailed("each entry needs its own name", field="entries")
    if name == "stages" and not new:
        raise ValidationFailed("the pipeline needs at least one stage", field="entries")
    dropped = [entry.id for entry in existing if entry.id not in set(ids)]
    if dropped:
        raise ValidationFailed(
            f"entries can be renamed, added and reordered, not removed: {', '.join(dropped)} must stay",
            field="entries",
        )
    if new == existing and item is not None:
        return view(item)  # saved unchanged: no write, no event

    now = datetime.now(UTC)
    if item is None:
        item = ProgramItem(*dal.program_key(org), organisation_id=org, updated_at=now)
    setattr(item, name, [EntryAttribute(id=entry.id, name=entry.name) for entry in new])
    item.updated_at = now
    before = {entry.id: entry.name for entry in existing}
    event = EventEnvelope.new(
        ProgramListUpdated(
            list_name=name,
            entries=[ProgramEntryData(id=entry.id, name=entry.name) for entry in new],
            added=[entry.id for entry in new if entry.id not in before],
            renamed=[entry.id for entry in new if entry.id in before and before[entry.id] != entry.name],
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_with_event(item, event)
    return view(item)

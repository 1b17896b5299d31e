"""Search across one partnership's portal: what the caller may see, in every room they may enter.

Each room finds its own hits (``search_hits`` of its logic module: bounded reads of its newest items,
personalised as its list is). This module decides which rooms a caller searches — only those their
role opens, the same table as :mod:`portal.logic.access` — and drops any hit of a kind whose room is
closed to them, so a room's search that forgot its own check still cannot leak.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from portal.logic import content, dashboard, messages, projects, training
from portal.logic.access import Room, Viewer, enter
from portal.models import SearchHit, SearchResults
from trellis.errors import ValidationFailed
from trellis.principal import Principal

MAX_TERMS = 8
MIN_TERM = 2  # one letter matches nearly everything: refused rather than read every room for it
MAX_HITS = 50

Searcher = Callable[[Viewer, list[str]], Sequence[dict[str, Any]]]

# the rooms a search reads, in the order their hits are listed, and the room each kind of hit belongs to
SOURCES: tuple[tuple[frozenset[Room], Searcher], ...] = (
    (frozenset({Room.RESOURCES, Room.BRAND, Room.SHARED_FILES}), content.search_hits),
    (frozenset({Room.TRAINING}), training.search_hits),
    (frozenset({Room.PROJECTS}), projects.search_hits),
    (frozenset({Room.MESSAGES}), messages.search_hits),
    (frozenset({Room.LEADS, Room.DEALS}), dashboard.search_hits),
)
ROOM_OF_KIND: dict[str, Room] = {
    "resource": Room.RESOURCES, "brand": Room.BRAND, "shared_file": Room.SHARED_FILES,
    "training": Room.TRAINING, "project": Room.PROJECTS, "message": Room.MESSAGES,
    "lead": Room.LEADS, "deal": Room.DEALS,
}


def terms_of(query: str) -> list[str]:
    """The words of ``query``, case-folded; 422 naming ``q`` for a query with nothing to look for."""
    terms = list(dict.fromkeys(word.casefold() for word in query.split()))
    if not terms:
        raise ValidationFailed("give at least one word to search for", field="q")
    if len(terms) > MAX_TERMS:
        raise ValidationFailed(f"at most {MAX_TERMS} words", field="q")
    if any(len(term) < MIN_TERM for term in terms):
        raise ValidationFailed(f"each word needs at least {MIN_TERM} characters", field="q")
    return terms


def search(principal: Principal, partnership_id: str, query: str) -> SearchResults:
    """Hits holding every word of ``query`` in the rooms the caller may enter, grouped by room."""
    terms = terms_of(query)
    viewer = enter(principal, partnership_id, Room.MESSAGES)  # every member's room: the portal itself
    open_rooms = set(viewer.rooms())
    hits: list[SearchHit] = []
    for rooms, find in SOURCES:
        if not rooms & open_rooms:
            continue
        hits.extend(
            SearchHit.model_validate(hit) for hit in find(viewer, terms)
            if ROOM_OF_KIND[hit["kind"]] in open_rooms
        )
    return SearchResults(query=" ".join(terms), items=hits[:MAX_HITS], truncated=len(hits) > MAX_HITS)

"""Matrix recipes of the portal's home: who am I, my programs, a partnership's portal card."""

from __future__ import annotations

from portal.logic.access import Room
from tests.portal_matrix import Kind, Recipe, Setup


def setup(ctx: Setup) -> dict[str, str]:
    return {}


RECIPES: dict[str, Recipe] = {
    "GET /portal/me": Recipe(lambda ids: ("/portal/me", None), kind=Kind.ANYONE),
    "GET /portal/programs": Recipe(lambda ids: ("/portal/programs", None), kind=Kind.PARTNER),
    "GET /portal/partnerships/{partnership_id}": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}", None), room=Room.MESSAGES),
}

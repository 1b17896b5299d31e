"""Matrix recipe of the portal's search: its setup builds every room's content (acme's SECRET in each,
gold-only content carrying TIER_SECRET), so an outsider's or the silver partner's answer leaking any of
it fails the matrix's own checks."""

from __future__ import annotations

from portal.logic.access import Room
from tests.portal_matrix import SECRET, Recipe, Setup, collab, content, dashboard, training


def setup(ctx: Setup) -> dict[str, str]:
    # content's ids win where two areas use one name (its "gold" resource against training's module)
    return {**training.setup(ctx), **collab.setup(ctx), **dashboard.setup(ctx), **content.setup(ctx)}


WORD = SECRET.split("-")[0]

RECIPES: dict[str, Recipe] = {
    "GET /portal/partnerships/{partnership_id}/search": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/search?q={WORD}", None), room=Room.MESSAGES),
}

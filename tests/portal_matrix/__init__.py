"""The portal's route matrix: every PortalApiFunction route by every kind of caller.

Each area of the portal adds one module here with:

- ``RECIPES: dict[str, Recipe]`` — one per route, keyed like template.yaml's route keys
  (``"GET /portal/partnerships/{partnership_id}/resources"``);
- ``setup(ctx: Setup) -> dict[str, str]`` — builds what the area's recipes name (through the API or
  the events consumer) on top of the standard world (tests/helpers/portal_world.py) and returns the
  ids the recipes use. Every text it creates for acme contains ``SECRET``; content only gold-and-above
  partners may see contains ``TIER_SECRET`` as well (and is named by recipes with ``tiered=True``).

A recipe's ``request(ids)`` returns the path (a query string allowed) and the JSON body (None: none).
``ids["partnership"]`` is the partnership the caller uses: its own for partner users (NORTHWIND for
northwind's people, CONTOSO for the silver partner, DIST_B for distributor B), NORTHWIND for
everyone else; for ``network=True`` recipes DIST_A, with ``ids["reseller"]`` = NORTHWIND.

What each caller must get (tests/integration/test_portal_route_matrix.py computes it):

| caller | partnership route | vendor route (/portal/vendor/…) |
|---|---|---|
| acme admin, partner manager | ok (403 if not ``vendor_writes``) | ok |
| acme member | reads ok, writes 403 | reads ok, writes 403 |
| acme user without roles | 403 | 403 |
| acme-corp admin (other vendor) | 404 | 404 (``collection``: its own) |
| northwind, each partner role | the room's roles ok, others 403 | 403 |
| contoso (silver: below gold) | ok, 404 for ``tiered`` content | 403 |
| globex (other vendor's partner) | 404 (also acme's ids via GLOBEX) | 403 |
| distributor B | 404 (NORTHWIND; DIST_A's network) | 403 |
| no token | 401 | 401 |

Writes: the denied calls run first, then one allowed caller (acme's admin, or the room's first
partner role for ``vendor_writes=False``) — so a DELETE is tried by everyone who must be refused
before it succeeds once. Outsiders' answers never contain ``SECRET``; contoso's never ``TIER_SECRET``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from portal.logic.access import Room
from tests.helpers.lambda_runtime import ApiClient, User

SECRET = "zanzibar-acme-portal"
TIER_SECRET = "kilimanjaro-gold-only"

Ids = Mapping[str, str]
RequestBuilder = Callable[[Ids], tuple[str, Any]]


class Kind(StrEnum):
    PARTNERSHIP = "partnership"  # /portal/partnerships/{partnership_id}/...: both sides of a partnership
    VENDOR = "vendor"  # /portal/vendor/...: the vendor manages what it publishes
    PARTNER = "partner"  # the partner organisation's own (e.g. the programs it is in)
    ANYONE = "anyone"  # any signed-in user (e.g. who am I)


@dataclass(frozen=True)
class Recipe:
    request: RequestBuilder
    kind: Kind = Kind.PARTNERSHIP
    room: Room | None = None  # partnership routes: the room whose partner roles open it
    write: bool = False
    vendor_writes: bool = True  # False: a partner-only action (answering a quiz); the vendor gets 403
    partner_writes: bool = True  # False: only the vendor writes here (partners read the room)
    tiered: bool = False  # names gold-and-above content: the silver partner gets 404
    network: bool = False  # a distributor's network route (DIST_A, reseller NORTHWIND)
    collection: bool = False  # vendor routes: another vendor gets its own (empty) answer, not 404


@dataclass
class Setup:
    """What a module's ``setup`` may use to build its objects."""

    api: Callable[[User], ApiClient]  # the portal API as one user
    project: Callable[..., Any]  # hand EventEnvelopes to the portal's events consumer

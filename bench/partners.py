"""Partners service at two program sizes: DynamoDB calls and items per request (issue #3, item 13).

Runs the real API handler against moto in process, with the table created from template.yaml and
filled directly through the service's own item classes (the same items the API writes), then
calls each endpoint at the small and the large size and compares what it read and wrote. Counts,
not times: they do not depend on the machine.
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.harness import Tally, api_event, call, create_secrets, create_table, environment, repeat_overhead
from bench.lean_moto import direct_fill, lean_moto
from local.template import ROOT

# The handler's imports, as in Lambda: the shared layer and the service's code.
for _path in (ROOT / "shared", ROOT / "services" / "partners"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

# BENCH_PARTNER_SIZES="200,2000" for a quick run; the recorded results use the sizes.
_SIZES = os.environ.get("BENCH_PARTNER_SIZES", "1000,5000").split(",")
SIZES = dict(zip(("S", "L"), map(int, _SIZES), strict=True))
GOAL_LIST_RATIO = 1.1
GOAL_OVERHEAD_MS = 1.0
# reads are called this many more times for the handler's own time (p50)
OVERHEAD_ROUNDS = int(os.environ.get("BENCH_OVERHEAD_ROUNDS", "21"))
# each write is also undone and redone this many times (the partners part) for its own time's p50
WRITE_ROUNDS = int(os.environ.get("BENCH_WRITE_ROUNDS", "5"))
ORG = "org-bench"
ADMIN = {"sub": "u-admin", "custom:org_id": ORG, "custom:roles": "admin", "email": "admin@bench.example"}
TIERS, COUNTRIES = ("gold", "silver", "bronze"), ("DE", "FR", "GB", "US", "NL", "ES", "IT", "SE")
TYPES = ("referral", "reseller", "implementation", "technology", "distributor")
STAGES = ("recruitment", "onboarding", "activation", "growth", "retention", "advocacy")


def _environment() -> None:
    environment("partners", "PartnersTable")


def _fill(count: int, rng: random.Random) -> None:
    from partners.dal import partnerships as dal
    from partners.dal.tables import EntryAttribute, PartnersItem, ProgramItem

    start = datetime(2024, 1, 1, tzinfo=UTC)
    with PartnersItem.batch_write() as batch:
        tiers = [EntryAttribute(id=tier, name=tier.title()) for tier in TIERS]
        program = ProgramItem(
            pk=f"ORG#{ORG}#", sk="PROGRAM#", organisation_id=ORG, updated_at=start, tiers=tiers,
        )
        program.version = 1
        batch.save(program)
        for index in range(count):
            created = start + timedelta(minutes=index)
            item = dal.new_partnership_item(
                ORG, f"{index:08d}{rng.getrandbits(64):016x}",
                company_name=f"Partner {rng.getrandbits(32):08x}", partnership_type=rng.choice(TYPES),
                country=rng.choice(COUNTRIES), tier=rng.choice(TIERS), stage=rng.choice(STAGES),
                stage_changed_at=created, created_at=created, updated_at=created, assigned_user_ids=[],
            )
            item.version = 1
            batch.save(item)
            for entry in dal.index_items(item):
                batch.save(entry)


def _event(method: str, path: str, route: str, query: dict[str, str] | None = None,
           body: dict[str, Any] | None = None, params: dict[str, str] | None = None) -> dict[str, Any]:
    return api_event(method, path, route, claims=ADMIN, query=query, body=body, params=params)


def _call(event: dict[str, Any]) -> tuple[dict[str, Any], Tally]:
    from partners.handlers.api import handler

    answer, counted = call(handler, event)
    if event["requestContext"]["http"]["method"] == "GET":
        repeat_overhead(handler, event, counted, OVERHEAD_ROUNDS)
    return answer, counted


def _measure_size(count: int) -> dict[str, Tally]:
    from moto import mock_aws

    from trellis.settings import get_settings

    _environment()
    get_settings.cache_clear()
    rng = random.Random(20261123)  # nosec B311 # seeded test data, not security
    with mock_aws(), lean_moto():
        create_secrets()
        create_table("PartnersTable")
        with direct_fill():
            _fill(count, rng)
        lists = {
            "GET /partnerships (newest first)": {"limit": "25"},
            "GET /partnerships?tier=gold": {"limit": "25", "tier": "gold"},
            "GET /partnerships?sort=name": {"limit": "25", "sort": "name"},
            "GET /partnerships?country=DE&type=reseller": {
                "limit": "25", "country": "DE", "type": "reseller",
            },
        }
        results = {name: _call(_event("GET", "/partnerships", "/partnerships", query))[1]
                   for name, query in lists.items()}
        created, results["POST /partnerships"] = _call(_event(
            "POST", "/partnerships", "/partnerships",
            body={"company_name": "Bench", "partnership_type": "reseller", "country": "DE", "tier": "gold"},
        ))
        pid = created["id"]
        path, route = f"/partnerships/{pid}", "/partnerships/{partnership_id}"
        params = {"partnership_id": pid}
        results["GET /partnerships/{id}"] = _call(_event("GET", path, route, params=params))[1]
        writes = {
            "PATCH /partnerships/{id}": ("PATCH", "", {"tier": "silver", "company_name": "Bench GmbH"}),
            "PUT /partnerships/{id}/stage": ("PUT", "/stage", {"stage": "onboarding"}),
            "POST /partnerships/{id}/archive": ("POST", "/archive", None),
            "POST /partnerships/{id}/restore": ("POST", "/restore", None),
        }
        for name, (method, suffix, body) in writes.items():
            results[name] = _call(_event(method, path + suffix, route + suffix, params=params, body=body))[1]
        _repeat_writes(results, writes, path, route, params)
    return results


def _repeat_writes(results: dict[str, Tally], writes: dict[str, tuple[str, str, Any]], path: str, route: str,
                   params: dict[str, str]) -> None:
    """Each write again, undone and redone, so its own time is a p50 too (its counts are the first call's)."""
    from partners.handlers.api import handler

    flips = {
        "PATCH /partnerships/{id}": ({"tier": "gold", "company_name": "Bench"},
                                     {"tier": "silver", "company_name": "Bench GmbH"}),
        "PUT /partnerships/{id}/stage": ({"stage": "activation"}, {"stage": "onboarding"}),
        "POST /partnerships/{id}/archive": (None,),
        "POST /partnerships/{id}/restore": (None,),
    }
    for _ in range(WRITE_ROUNDS):
        for name, bodies in flips.items():
            method, suffix, _ = writes[name]
            for body in bodies:
                event = _event(method, path + suffix, route + suffix, params=params, body=body)
                repeat_overhead(handler, event, results[name], 1)


@dataclass(frozen=True)
class Row:
    endpoint: str
    small: Tally
    large: Tally

    @property
    def ratio(self) -> float:
        return (self.large.read or 1) / (self.small.read or 1)

    @property
    def holds(self) -> bool:
        same_calls = self.small.calls == self.large.calls
        return same_calls and self.ratio <= GOAL_LIST_RATIO and self.large.written == self.small.written

    @property
    def overhead(self) -> str:
        """The handler's own time at L: p50 (ms) over its calls, and whether it is within the goal."""
        large = self.large
        ms = large.overhead_p50
        verdict = "holds" if ms <= GOAL_OVERHEAD_MS else "MISSES"
        return (f"{ms:.2f} (n={len(large.overhead)}) | {large.items_p50:.2f} | {large.response_p50:.2f} | "
                f"{ms - large.items_p50 - large.response_p50:.2f} | {verdict}")


OVERHEAD_HEAD = ("| endpoint | calls (S) | calls (L) | items read S → L | ratio | items written S → L | goal "
                 "| own time p50 at L (ms) | of which PynamoDB items (read, saved) "
                 "| of which response encoding | the rest | goal ≤ 1 ms |\n"
                 "|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|")


def rows_table(rows: list[Row]) -> list[str]:
    return [OVERHEAD_HEAD] + [
        f"| {r.endpoint} | {', '.join(r.small.calls)} | {', '.join(r.large.calls)} | {r.small.read} → "
        f"{r.large.read} | {r.ratio:.2f} | {r.small.written} → {r.large.written} | "
        f"{'holds' if r.holds else 'MISSES'} | {r.overhead} |"
        for r in rows
    ]


def measure() -> list[Row]:
    small, large = (_measure_size(SIZES[size]) for size in ("S", "L"))
    return [Row(endpoint, small[endpoint], large[endpoint]) for endpoint in small]


def table(rows: list[Row]) -> str:
    lines = [
        f"Program sizes: S = {SIZES['S']:,} partnerships, L = {SIZES['L']:,} (one vendor). Goal: the same",
        f"DynamoDB calls at both sizes and items read L/S ≤ {GOAL_LIST_RATIO}.",
        "",
    ]
    lines += rows_table(rows)
    return "\n".join(lines)

"""`make bench`: runs every benchmark case and writes bench/RESULTS.md (machine, date, commit).

`python -m bench routing` (or `make bench PARTS=routing`) runs only the parts named and replaces
their sections of RESULTS.md, keeping the others as they were.
"""

from __future__ import annotations

import os
import platform
import subprocess  # nosec B404 # runs git and this project's own modules
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import crm_import, imports, leads, notifications, partners, pipeline, reports, routing

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

IMPORT_NOTES = """\
### Reading the import table

- The floors are the libraries alone, before any Trellis code, plus one pydantic model
  (`bench/floor_model.py`): `import pydantic` by itself loads almost nothing, and the first model
  class loads pydantic's model machinery, which every function needs (its settings, the event
  envelope). A handler cannot import faster than its floor while it uses PynamoDB (botocore, ~0.9×
  boto3 by itself), Powertools (the HTTP resolver with validation, whose package `__init__` imports
  every resolver and asyncio; or batch and idempotency, which import boto3) and pydantic.
- Where a floor is itself above 1.6×, the goal cannot hold without leaving the stack the users
  chose; the verdict says so, and the column to watch is the distance from the floor: Trellis' own
  share. The publishers stand on botocore alone and hold.
- That share is mostly model classes. Defining a pydantic class costs ~0.6 ms even when its
  validator is deferred (fields, annotations, signature), and a PynamoDB table model a little less.
  So the share follows how many classes a function imports: an API handler imports its request and
  answer models (its OpenAPI document is built from them) and the events it publishes; a consumer
  the events it takes and the table models its projections write.
- Done to keep that share small: no X-Ray SDK at import (Powertools Tracer pulled in
  `aws_xray_sdk.core`, ~0.8× boto3 by itself; functions keep `Tracing: Active`, so Lambda still
  records a segment per invocation); the publisher needs neither PynamoDB nor the event catalogue
  (the outbox item carries the ready EventBridge entry) and creates a bare botocore client instead
  of importing boto3; event models build their validators on first use (`defer_build`), and the
  catalogue's examples are built only by the tests; a consumer names the event models it takes, so
  it imports only their areas, not the catalogue (the notifications consumer, which takes events of
  nearly every area, is the one that still does).
- Not done: splitting each service's request and answer models by route so that a consumer
  sharing a logic module with the API stops importing the API's models (the partners journey
  consumer does), and deferring the API models' validators (measured: ~10 ms of ~480 ms for the
  partners API, because class creation, not validator building, is most of their cost).
"""


PARTNER_NOTES = """\
### Reading the partners table

- A list page is one Query of the list index of the most selective filter, plus one BatchGetItem of
  the page's partnerships: the same work at 1,000 and at 5,000 partnerships (the issue's L).
- Several filters at once: the first (most selective) filter picks the index, the others are
  checked on the partnerships read. Their cost follows how often the other filters match inside
  the first one's list, not the page; a page stops after 4 rounds and comes back short, with a
  cursor. Where one combination is common, a composite list index for it is the fix.
- Writes touch only the list entries that change: a stage change deletes one and adds one; a
  rename rewrites all of the partnership's entries (they carry the name order key).
"""

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "9"))
GOAL_MINUTES = 30


def _commit() -> str:
    try:
        return subprocess.run(  # nosec B603 B607 # a fixed git command, no input
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _imports() -> str:
    base, results, floors = imports.measure(rounds=ROUNDS)
    return imports.table(base, results, floors) + "\n\n" + IMPORT_NOTES


OVERHEAD_NOTES = """\
### The handler's own time

- "Own time" is the handler's wall time minus the time inside botocore's API calls (serialising the
  request, moto answering, parsing the answer), p50 over 22 calls of each read, over 6 to 11 calls of
  each partners write (undone and redone; the counts are the first call's) and over the one call of
  each leads write, at the large size (the handler module warm, as in a warm Lambda). Two of its parts
  are timed where they happen: PynamoDB items (`Model.from_raw_data` building an item from the
  DynamoDB JSON an answer carries, `Model.serialize` turning an item to be saved into DynamoDB JSON),
  and Powertools' response middleware (validating the route's return value and encoding it as JSON).
  "The rest" is routing, request validation, the logic, the pydantic views, PynamoDB's attribute
  access and update expressions, the outbox entry and event envelope, and logging.
- Own time follows the items a request reads or writes, never the program's size (S and L pages cost
  the same). A GET of one object is at or near the 1 ms goal; a list page of 25 rows misses it by
  several times. For partnerships its largest part is PynamoDB: a page reads 50 items (25 list
  entries and the 25 partnerships), and PynamoDB instantiates every attribute container of each
  (defaults set, nested maps built) and every read of an attribute goes through its descriptor.
  Leads and deals are one item a row with the record as JSON, so PynamoDB costs less there and "the
  rest" leads: parsing each row's JSON into its pydantic record and building the view.
- Fixed after profiling (cProfile with botocore's calls left out): PynamoDB 6.1 rebuilt the element
  attribute of every list of maps (`ListAttribute(of=<a MapAttribute>)`) on each read, deep-copying
  its attributes, even for an empty list: a sixth of a partnerships page's own time. Those lists
  are now `trellis.dynamo.MapListAttribute`, which prepares the element once (a test shows it reads
  and writes exactly what ListAttribute does).
- So the goal is wrong for list pages and writes as a flat 1 ms: that is 40 µs an item for a page
  of 25, under what building a PynamoDB item costs at all, and a write saves 5 to 9 items (the
  object, its list entries, the activity entry, the outbox entry) in one transaction. A fair goal
  is a fixed part (≤ 1 ms, which single-object reads meet) plus a part per item read or written.
  The design change that would cut the per-item part further is to read list pages without
  PynamoDB models (the raw DynamoDB JSON of a page straight into the pydantic view), a change to
  every list route's DAL that has not been made.
"""


def _partners() -> str:
    return partners.table(partners.measure()) + "\n\n" + PARTNER_NOTES + "\n" + OVERHEAD_NOTES


def _leads() -> str:
    return leads.table(leads.measure()) + "\n\n" + OVERHEAD_NOTES


def _crm_import() -> str:
    return crm_import.table(crm_import.measure()) + "\n\n" + crm_import.NOTES


def _reports() -> str:
    rows, small, large = reports.measure()
    return reports.table(rows, small, large) + "\n\n" + reports.NOTES


def _routing() -> str:
    return routing.table(*routing.measure()) + "\n\n" + routing.NOTES


_in_process: list[float] = []  # the consumer's events/s in process, for the pipe's ratio


def _notifications() -> str:
    rules, floor, digest = notifications.measure()
    _in_process.append(rules.per_second)
    return notifications.table(rules, floor, digest) + "\n\n" + notifications.NOTES


def _pipeline() -> str:
    in_process = _in_process[-1] if _in_process else None
    return pipeline.table(pipeline.measure(), in_process) + "\n\n" + pipeline.NOTES


# part → (its heading in RESULTS.md, what writes its section)
PARTS: dict[str, tuple[str, Callable[[], str]]] = {
    "imports": ("## Cold import of each Lambda handler", _imports),
    "partners": ("## Partners service: DynamoDB work per request at two program sizes", _partners),
    "leads": ("## Leads service: DynamoDB work per request at two program sizes", _leads),
    "routing": ("## Leads routing: a lead among thousands of partnerships", _routing),
    "reports": (reports.SECTION, _reports),
    "crm_import": ("## Leads service: CSV import of accounts beside a raw BatchWriteItem", _crm_import),
    "notifications": ("## Notifications: events through the consumer, and a digest for 10,000 users",
                      _notifications),
    "pipeline": ("## Events per second through the local stack's pipe", _pipeline),
}
# The pipe runs after the notifications part, whose in-process consumer rate its table shows beside it.
RUN_FIRST = ("partners", "leads", "crm_import", "routing", "reports", "imports", "notifications", "pipeline")


def _header() -> str:
    return (
        "# Benchmark results\n\n"
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
        f"- commit: {_commit()}\n"
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}\n"
        f"- method: median of {ROUNDS} fresh interpreters per module, handlers and baseline interleaved\n\n"
        "Every figure is a ratio or a count measured side by side in this one run; the machine is shared\n"
        "and noisy, so absolute milliseconds mean little from one run to the next.\n\n"
    )


def _sections(text: str) -> tuple[str, dict[str, str]]:
    """RESULTS.md split into what precedes the first section and each section by its heading."""
    head, sections, current = [], {}, None
    for line in text.splitlines(keepends=True):
        if line.startswith("## "):
            current = line.rstrip("\n")
            sections[current] = ""
        elif current is None:
            head.append(line)
        else:
            sections[current] += line
    return "".join(head), sections


def main(names: list[str]) -> None:
    unknown = [name for name in names if name not in PARTS]
    if unknown:
        raise SystemExit(f"unknown part(s) {', '.join(unknown)}; the parts are: {', '.join(PARTS)}")
    # All parts: the quick ones first, so a run stopped midway has the most sections updated.
    chosen = names or sorted(PARTS, key=lambda name: RUN_FIRST.index(name) if name in RUN_FIRST else 99)
    started = time.monotonic()
    bodies = {}
    for name in chosen:
        heading, run = PARTS[name]
        part_started = time.monotonic()
        try:
            bodies[heading] = run()
        except Exception as error:  # one broken part must not lose the others' figures
            bodies[heading] = f"**This part failed:** `{type(error).__name__}: {error}`"
        print(f"[{name}: {(time.monotonic() - part_started) / 60:.1f} min]", flush=True)
        print(f"{heading}\n\n{bodies[heading]}", flush=True)
        # Each part's section is written as soon as it is done, so that a run stopped midway (or a
        # part run alone) keeps what it measured; the other sections keep their earlier figures.
        _write_sections({heading: bodies[heading]})
    if not names:
        minutes = (time.monotonic() - started) / 60
        goal = "holds" if minutes <= GOAL_MINUTES else "MISSES"
        wall = (f"- total wall time of this `make bench`: {minutes:.1f} min "
                f"(goal ≤ {GOAL_MINUTES} min: {goal})\n")
        RESULTS.write_text(_header().replace("- method:", wall + "- method:", 1) + "\n".join(
            f"{heading}\n\n{bodies[heading]}" for heading, _ in PARTS.values()))
    print(f"\nwritten to {RESULTS}")


def _write_sections(bodies: dict[str, str]) -> None:
    head, sections = _sections(RESULTS.read_text() if RESULTS.exists() else _header())
    stamp = f"_This section alone: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}._\n\n"
    for heading, body in bodies.items():
        sections[heading] = "\n" + stamp + body + "\n"
    RESULTS.write_text(head + "".join(f"{heading}\n{body}" for heading, body in sections.items()))


if __name__ == "__main__":
    main(sys.argv[1:])

"""`make bench`: runs every benchmark case and writes bench/RESULTS.md (machine, date, commit)."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench import imports, partners, reports

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

IMPORT_NOTES = """\
### Reading the import table

- The floors are the libraries alone, before any Trellis code. An API handler cannot import
  faster than its floor while it uses PynamoDB (which imports botocore, ~0.9× boto3 by itself),
  Powertools' HTTP resolver with validation (its package `__init__` imports every resolver:
  AppSync, Bedrock, VPC Lattice… and asyncio) and pydantic. That floor is itself above 1.6×, so for
  API handlers the goal is out of reach without leaving the stack the users chose; the figure to
  watch is the distance between a handler and its floor (Trellis' own share).
- Already done to stay near the floor: no X-Ray SDK at import (Powertools Tracer pulled in
  `aws_xray_sdk.core`, ~0.8× boto3 by itself; functions keep `Tracing: Active`, so Lambda still
  records a segment per invocation); the publisher needs neither PynamoDB nor the event catalogue
  (the outbox item carries the ready EventBridge entry) and creates a bare botocore client
  instead of importing boto3.
"""


PARTNER_NOTES = """\
### Reading the partners table

- A list page is one Query of the list index of the most selective filter, plus one BatchGetItem of
  the page's partnerships: the same work at 1,000 and at 50,000 partnerships.
- Several filters at once: the first (most selective) filter picks the index, the others are
  checked on the partnerships read. Their cost follows how often the other filters match inside
  the first one's list, not the page; a page stops after 4 rounds and comes back short, with a
  cursor. Where one combination is common, a composite list index for it is the fix.
- Writes touch only the list entries that change: a stage change deletes one and adds one; a
  rename rewrites all of the partnership's entries (they carry the name order key).
"""


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "9"))
    base, results, floors = imports.measure(rounds=rounds)
    import_table = imports.table(base, results, floors)
    print(import_table)
    header = (
        "# Benchmark results\n\n"
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
        f"- commit: {_commit()}\n"
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}\n"
        f"- method: median of {rounds} fresh interpreters per module, handlers and baseline interleaved\n\n"
        "Every figure is a ratio or a count measured side by side in this one run; the machine is shared\n"
        "and noisy, so absolute milliseconds mean little from one run to the next.\n\n"
    )
    section = "## Cold import of each Lambda handler\n\n" + import_table + "\n\n" + IMPORT_NOTES
    partner_table = partners.table(partners.measure())
    print(partner_table)
    section += "\n## Partners service: DynamoDB work per request at two program sizes\n\n" + partner_table
    section += "\n\n" + PARTNER_NOTES
    report_section = reports.section(*reports.measure())
    print(report_section)
    section += "\n" + report_section
    RESULTS.write_text(header + section)
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()

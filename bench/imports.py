"""Cold import of every Lambda handler in template.yaml beside ``import boto3``, in fresh processes.

Each sample is a new interpreter that imports one module and reports how long that import took,
so the module cache is always cold while the OS file cache is warm for all of them alike. The
samples of the handlers and of boto3 are interleaved, so machine noise hits both the same way.
"""

from __future__ import annotations

import os
import statistics
import subprocess  # nosec B404 # runs this interpreter on a fixed probe
import sys
from dataclasses import dataclass

from local.template import ROOT, Function, template

GOAL_RATIO = 1.6
BASELINE = "boto3"
_PROBE = (
    "import sys, time\n"
    "start = time.perf_counter()\n"
    "for name in sys.argv[1].split(','): __import__(name)\n"
    "print(time.perf_counter() - start)\n"
)

# What the stack itself costs before any Trellis code: the floor a handler cannot go below while
# it uses these libraries. Shown beside the handlers so their own share is visible. "One pydantic
# model" is bench/floor_model.py: ``import pydantic`` alone loads almost nothing.
FLOOR_BOTOCORE = "floor: botocore (any AWS client)"
FLOOR_API = "floor: API stack (PynamoDB + Powertools HTTP resolver with validation + one pydantic model)"
FLOOR_CONSUMER = "floor: consumer stack (PynamoDB + Powertools batch + idempotency + one pydantic model)"
FLOORS: dict[str, str] = {
    FLOOR_BOTOCORE: "botocore.session",
    FLOOR_API: "pynamodb.models,aws_lambda_powertools.event_handler.openapi.params,bench.floor_model",
    FLOOR_CONSUMER:
        "pynamodb.models,aws_lambda_powertools.utilities.batch,aws_lambda_powertools.utilities.idempotency,"
        "bench.floor_model",
}


@dataclass(frozen=True)
class ImportResult:
    function: str
    module: str
    median_ms: float
    ratio: float

    @property
    def holds(self) -> bool:
        return self.ratio <= GOAL_RATIO


def _sample(module: str, pythonpath: str) -> float:
    env = {**os.environ, "PYTHONPATH": pythonpath}
    out = subprocess.run(  # nosec B603 # this interpreter, a fixed probe, our module names
        [sys.executable, "-c", _PROBE, module], env=env, capture_output=True, text=True, check=True,
    )
    return float(out.stdout.strip()) * 1000


def _pythonpath(function: Function | None) -> str:
    parts = [str(ROOT / "shared"), str(ROOT)]  # the root for bench.floor_model
    if function is not None:
        parts.append(str(ROOT / function.code_uri))
    return os.pathsep.join(parts)


def measure(rounds: int = 9) -> tuple[float, list[ImportResult], list[ImportResult]]:
    """Median import time of every handler and every floor, with its ratio to ``import boto3``."""
    probes: dict[str, tuple[str, str]] = {
        function.name: (function.module, _pythonpath(function)) for function in template().functions.values()
    }
    probes |= {name: (modules, _pythonpath(None)) for name, modules in FLOORS.items()}
    # One warm-up each: compiles .pyc files so that no sample pays for compilation.
    _sample(BASELINE, _pythonpath(None))
    for module, path in probes.values():
        _sample(module, path)

    baseline: list[float] = []
    samples: dict[str, list[float]] = {name: [] for name in probes}
    for _ in range(rounds):
        baseline.append(_sample(BASELINE, _pythonpath(None)))
        for name, (module, path) in probes.items():
            samples[name].append(_sample(module, path))
    base = statistics.median(baseline)
    results = [
        ImportResult(name, module, statistics.median(samples[name]), statistics.median(samples[name]) / base)
        for name, (module, _) in probes.items()
    ]
    handlers = [r for r in results if r.function not in FLOORS]
    return base, handlers, [r for r in results if r.function in FLOORS]


def floor_of(module: str) -> str:
    """The stack a handler module stands on: the HTTP resolver, the bare publisher, or an SQS consumer."""
    if module.endswith(".handlers.api"):
        return FLOOR_API
    if module.endswith(".handlers.publisher"):
        return FLOOR_BOTOCORE
    return FLOOR_CONSUMER


def _verdict(result: ImportResult, floor: ImportResult | None) -> str:
    if result.holds:
        return "holds"
    if floor is not None and not floor.holds:
        return f"MISSES (its floor alone is {floor.ratio:.2f}×)"
    return "MISSES"


def table(base_ms: float, results: list[ImportResult], floors: list[ImportResult]) -> str:
    by_name = {floor.function: floor for floor in floors}
    short = {FLOOR_BOTOCORE: "botocore", FLOOR_API: "API", FLOOR_CONSUMER: "consumer"}
    lines = [
        f"Baseline `import boto3`: median {base_ms:.0f} ms. Goal: every handler ≤ {GOAL_RATIO}× that.",
        "",
        "| function | handler module | median import (ms) | ratio to boto3 | its floor "
        "| above its floor (ms) | goal ≤ 1.6× |",
        "|---|---|---:|---:|---|---:|---|",
    ]
    for r in results:
        floor_name = floor_of(r.module)
        floor = by_name.get(floor_name)
        above = f"{r.median_ms - floor.median_ms:.0f}" if floor else "—"
        lines.append(
            f"| {r.function} | `{r.module}` | {r.median_ms:.0f} | {r.ratio:.2f}× | "
            f"{short[floor_name]} | {above} | {_verdict(r, floor)} |"
        )
    lines += ["", "| stack floor | modules | median import (ms) | ratio to boto3 |", "|---|---|---:|---:|"]
    lines += [f"| {r.function} | `{r.module}` | {r.median_ms:.0f} | {r.ratio:.2f}× |" for r in floors]
    return "\n".join(lines)

"""Fuzz the whole API with schemathesis against a local stack of its own (issue #9, item 2).

``python -m tests.fuzz`` (``make fuzz``): starts ``python -m local`` on a free port with a fresh state
directory, waits for the demo data, then runs ``st run`` over the stack's own OpenAPI document as a vendor
admin (the coverage phase by default), checking that no request gets a server error and that
requests violating the schema are refused; then again as a distributor partner's admin over the routes
partner users call (its portal, its leads and deals, its team, its resellers). The seed is fixed so CI
is repeatable; ``FUZZ_SEED`` and ``FUZZ_EXAMPLES`` widen a run by hand, ``FUZZ_AS`` runs one pass.
Reports (JUnit, each pass's schemathesis output, and the stack's log) go to ``.artifacts/fuzz/``. A pass's
output is printed whole only when it fails; otherwise one line says what it covered. Its closing banner
reads like pytest's ("== 2 warnings in 564s ==") and would otherwise be taken for a test run that ran no
test in CI's log.

A separate stack, not the e2e suite's: fuzzing fills the demo organisations with junk that other tests
would trip over.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / ".artifacts" / "fuzz"
START_TIMEOUT_SECONDS = 300
# (who, the operations its pass covers: None is every one). A vendor admin may call every vendor route;
# a partner admin of a distributor reaches the partner side: the portal, leads, deals, its resellers.
PASSES: tuple[tuple[str, str | None], ...] = (
    ("admin@acme.example", None),
    ("admin@northwind.example",
     r"^/(partner/|portal/(me|programs|partnerships)|organisation|leads|deals|notifications|distributors/)"),
)
CHECKS = "not_a_server_error,negative_data_rejection"
# CI runs the coverage phase (schema-derived boundary and invalid values for every parameter and field,
# deterministic); FUZZ_PHASES=examples,coverage,fuzzing adds random generation for a longer run by hand.
PHASES = os.environ.get("FUZZ_PHASES", "coverage")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the local stack exited with {process.returncode}")
        try:
            health = requests.get(f"{base}/local/health", timeout=5).json()
            if health.get("status") == "ok" and health.get("demo") == "loaded":
                return
        except (requests.RequestException, ValueError):
            pass
        time.sleep(1)
    raise SystemExit(f"the local stack was not ready within {START_TIMEOUT_SECONDS} s")


def _fuzz(base: str, user: str, paths: str | None) -> int:
    token = requests.post(f"{base}/local/token", json={"email": user}, timeout=10).json()["access_token"]
    reports = ARTIFACTS / user.split("@")[1].split(".")[0]
    command = [
        str(Path(sys.executable).with_name("st")), "run", f"{base}/openapi.json", "--url", base,
        "-H", f"Authorization: Bearer {token}", "--checks", CHECKS, "--phases", PHASES,
        "--max-examples", os.environ.get("FUZZ_EXAMPLES", "3"),
        "--seed", os.environ.get("FUZZ_SEED", "1"),
        "--request-timeout", "30", "--no-color",
        "--report", "junit", "--report-dir", str(reports),
    ]
    if paths:
        command += ["--include-path-regex", paths]
    print(f"fuzzing as {user}" + (f" over {paths}" if paths else " over every operation"), flush=True)
    reports.mkdir(parents=True, exist_ok=True)
    output = reports / "schemathesis.log"
    with output.open("wb") as log:
        code = subprocess.run(command, cwd=ROOT, check=False,  # nosec B603 # our own st, fixed args
                              stdout=log, stderr=subprocess.STDOUT).returncode
    text = output.read_text(encoding="utf-8", errors="replace")
    if code:
        print(text, flush=True)
    where = output.relative_to(ROOT)
    print(f"fuzz pass as {user}: exit {code}; {_cases(text)}; output in {where}", flush=True)
    return code


def _cases(text: str) -> str:
    """The pass's "Test cases:" figure, worded to match no runner's closing line."""
    lines = text.splitlines()
    for index, line in enumerate(lines[:-1]):
        if line.strip() == "Test cases:":
            return "test cases " + lines[index + 1].strip().replace(", ", " / ")
    return "no test-case count printed"


def main() -> int:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    state = Path(tempfile.mkdtemp(prefix="fuzz-stack-"))
    with (ARTIFACTS / "stack.log").open("wb") as log:
        command = [sys.executable, "-m", "local", "--port", str(port), "--state-dir", str(state)]
        stack = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    try:
        _wait_healthy(base, stack)
        started = time.monotonic()
        failed = 0
        only = os.environ.get("FUZZ_AS")  # one pass's user, to repeat it by hand
        for user, paths in PASSES:
            if only and user != only:
                continue
            failed |= _fuzz(base, user, paths)
        print(f"fuzzing took {time.monotonic() - started:.0f} s; exit {failed}")
        return failed
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

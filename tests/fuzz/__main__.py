"""Fuzz the whole API with schemathesis against a local stack of its own (issue #9, item 2).

``python -m tests.fuzz`` (``make fuzz``): starts ``python -m local`` on a free port with a fresh state
directory, waits for the demo data, then runs ``st run`` over the stack's own OpenAPI document as a vendor
admin (the coverage phase by default), checking that no request gets a server error and that
requests violating the schema are refused. The seed is fixed so CI is repeatable; ``FUZZ_SEED`` and
``FUZZ_EXAMPLES`` widen a run by hand. Reports (JUnit, and the stack's log) go to ``.artifacts/fuzz/``.

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
USER = "admin@acme.example"
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
        token = requests.post(f"{base}/local/token", json={"email": USER}, timeout=10).json()["access_token"]
        command = [
            str(Path(sys.executable).with_name("st")), "run", f"{base}/openapi.json", "--url", base,
            "-H", f"Authorization: Bearer {token}", "--checks", CHECKS, "--phases", PHASES,
            "--max-examples", os.environ.get("FUZZ_EXAMPLES", "3"),
            "--seed", os.environ.get("FUZZ_SEED", "1"),
            "--request-timeout", "30", "--no-color",
            "--report", "junit", "--report-dir", str(ARTIFACTS),
        ]
        started = time.monotonic()
        result = subprocess.run(command, cwd=ROOT, check=False)
        print(f"fuzzing took {time.monotonic() - started:.0f} s; exit {result.returncode}")
        return result.returncode
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

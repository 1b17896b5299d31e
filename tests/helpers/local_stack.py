"""The local stack of the e2e and browser suites: ``python -m local`` in a subprocess, over HTTP only.

The ``stack`` fixture is registered once, in tests/conftest.py, so that both suites share one stack
per test session (per xdist worker), on a free port, with its own state directory (so its token
signing key is the suite's own). It is stopped by signalling its whole process group;
teardown fails if any process of the group outlives the stop.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
START_TIMEOUT_SECONDS = 240.0  # demo data loads slowly on a loaded 2-core machine (CI runs browser tests too)
STOP_TIMEOUT_SECONDS = 90.0  # a stop waits for the batches in flight; on a loaded machine one took ~20 s
KEY_FILE = "jwt-signing-key.pem"

@dataclass
class LocalStack:
    base_url: str
    state_dir: Path
    log_path: Path
    session: requests.Session

    @property
    def signing_key_pem(self) -> bytes:
        return (self.state_dir / KEY_FILE).read_bytes()

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def token(self, email: str) -> str:
        response = self.session.post(self.url("/local/token"), json={"email": email}, timeout=10)
        response.raise_for_status()
        return str(response.json()["access_token"])

    def as_user(self, email: str) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token(email)}"}

    def health(self) -> dict[str, Any]:
        content: dict[str, Any] = self.session.get(self.url("/local/health"), timeout=10).json()
        return content


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _log_tail(path: Path, lines: int = 60) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else "(no log)"


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop(process: subprocess.Popen[bytes]) -> list[str]:
    """Stop the stack; the problems seen (a hung stop, processes it left behind)."""
    problems: list[str] = []
    group = process.pid  # start_new_session: the stack leads its own process group
    if process.poll() is None:
        # Only the stack itself is signalled: stopping its workers is its job, and checked below.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            problems.append(f"the stack did not stop within {STOP_TIMEOUT_SECONDS:.0f} s of SIGTERM")
            os.killpg(group, signal.SIGKILL)
            process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _group_alive(group):
        problems.append("processes of the stack's group outlived it (orphaned workers)")
        os.killpg(group, signal.SIGKILL)
    if process.returncode not in (0, -signal.SIGKILL):
        problems.append(f"the stack exited with {process.returncode} after SIGTERM")
    return problems


@pytest.fixture(scope="session", name="stack")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    port = _free_port()
    state_dir = tmp_path_factory.mktemp("local-stack")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / f"e2e-stack-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local", "--port", str(port), "--state-dir", str(state_dir)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    session = requests.Session()
    local = LocalStack(base_url=f"http://127.0.0.1:{port}", state_dir=state_dir, log_path=log_path,
                       session=session)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"the local stack exited with {process.returncode}:\n{_log_tail(log_path)}")
            try:
                if session.get(local.url("/local/health"), timeout=2).status_code == 200:
                    break
            # a loaded machine may answer late while the stack starts
            except (requests.ConnectionError, requests.Timeout):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the local stack was not healthy within {START_TIMEOUT_SECONDS:.0f} s:\n"
                            f"{_log_tail(log_path)}")
            time.sleep(0.2)
        yield local
    finally:
        session.close()
        problems = _stop(process)
        if problems:
            pytest.fail("; ".join(problems) + f"\n{_log_tail(log_path)}")


def eventually[T](probe: Callable[[], T | None], *, timeout: float = 15.0, interval: float = 0.1) -> T:
    """Poll until ``probe`` returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout:.0f} s")
        time.sleep(interval)


def operations(stack: LocalStack) -> dict[str, dict[str, Any]]:
    """Every operation of the stack's own OpenAPI document, keyed "METHOD /path" (so a route added
    tomorrow is in it)."""
    document = stack.session.get(stack.url("/openapi.json"), timeout=10).json()
    return {
        f"{method.upper()} {path}": operation
        for path, operations in document["paths"].items() for method, operation in operations.items()
    }


def concrete(path: str) -> str:
    """A path with each parameter filled by a well-formed id of nothing."""
    return "/".join(("a" * 32 if part.startswith("{") else part) for part in path.split("/"))

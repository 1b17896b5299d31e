"""Events per second through the local stack's whole pipe: stream → publisher → bus → queue → consumer.

Starts the local stack (``python -m local``, with its demo) in a process of its own, then moves one
demo partnership (two assigned partner managers) through N stage changes with the vendor admin's
token, as fast as the API answers, and waits until both managers' unread counts show the N
notifications each. Each stage change is one event through the DynamoDB stream, the publisher
Lambda, EventBridge, the consumer's SQS queue and the notifications consumer (local/pollers.py and
local/workers.py pump them); the figure is N over the time from the first request to the last
notification. The in-process consumer's rate (the notifications part, when it ran in the same
``make bench``) is shown beside it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess  # nosec B404 # starts this project's own local stack
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from local.template import ROOT

EVENTS = int(os.environ.get("BENCH_PIPELINE_EVENTS", "40"))
START_TIMEOUT, DELIVERY_TIMEOUT = 300.0, 600.0
PARTNERSHIP = "Wingtip Implementations"  # in the demo: assigned to both of Acme's partner managers
ADMIN, MANAGERS = "admin@acme.example", ("u-acme-pm", "u-acme-pm2")
STAGES = ("growth", "retention")


@dataclass(frozen=True)
class Pipe:
    events: int
    notifications: int
    delivered: int
    api_seconds: float
    total_seconds: float

    @property
    def per_second(self) -> float:
        return self.events / self.total_seconds

    @property
    def api_per_second(self) -> float:
        return self.events / self.api_seconds


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Stack:
    def __init__(self, state_dir: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (state_dir / "stack.log").open("wb")
        self.process = subprocess.Popen(  # nosec B603 # this interpreter, our own module, fixed arguments
            [sys.executable, "-m", "local", "--port", str(self.port), "--state-dir", str(state_dir)],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the local stack exited with {self.process.returncode}")
            try:
                health = requests.get(f"{self.url}/local/health", timeout=5)
                if health.status_code == 200 and health.json().get("demo", "").startswith("loaded"):
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the local stack was not ready within {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the stack stops its own workers
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def _headers(session: requests.Session, url: str, email: str) -> dict[str, str]:
    token = session.post(f"{url}/local/token", json={"email": email}, timeout=30).json()["access_token"]
    return {"authorization": f"Bearer {token}"}


def _unread(session: requests.Session, url: str, headers: dict[str, str]) -> int:
    response = session.get(f"{url}/notifications/unread-count", headers=headers, timeout=30)
    response.raise_for_status()
    return int(response.json().get("unread", 0))


def _settled(session: requests.Session, url: str, managers: list[dict[str, str]]) -> list[int]:
    """The unread counts once the demo's own notifications stopped arriving (2 s without change)."""
    counts = [_unread(session, url, headers) for headers in managers]
    while True:
        time.sleep(2)
        again = [_unread(session, url, headers) for headers in managers]
        if again == counts:
            return counts
        counts = again


def measure(events: int = EVENTS) -> Pipe:
    from local import demo

    with tempfile.TemporaryDirectory(prefix="bench-pipe-") as state:
        stack = _Stack(Path(state))
        try:
            stack.wait_ready()
            session, url = requests.Session(), stack.url
            admin = _headers(session, url, ADMIN)
            by_id = {user.user_id: user for user in demo.USERS}
            managers = [_headers(session, url, by_id[user_id].email) for user_id in MANAGERS]
            listed = session.get(f"{url}/partnerships", headers=admin, params={"limit": "100"}, timeout=30)
            pid = next(p["id"] for p in listed.json()["items"] if p["company_name"] == PARTNERSHIP)
            before = _settled(session, url, managers)
            started = time.monotonic()
            for number in range(events):
                response = session.put(f"{url}/partnerships/{pid}/stage", headers=admin, timeout=30,
                                       json={"stage": STAGES[number % 2]})
                response.raise_for_status()
            api_done = time.monotonic()
            expected = [count + events for count in before]
            deadline = api_done + DELIVERY_TIMEOUT
            now = before
            while time.monotonic() < deadline:
                now = [_unread(session, url, headers) for headers in managers]
                if all(have >= want for have, want in zip(now, expected, strict=True)):
                    break
                time.sleep(0.1)
            finished = time.monotonic()
        finally:
            stack.stop()
    delivered = sum(have - was for have, was in zip(now, before, strict=True))
    return Pipe(events=events, notifications=events * len(MANAGERS), delivered=delivered,
                api_seconds=api_done - started, total_seconds=finished - started)


def table(pipe: Pipe, in_process: float | None) -> str:
    ratio = f"{pipe.per_second / in_process:.2f}×" if in_process else "— (notifications part not run)"
    inside = f"{in_process:,.1f}" if in_process else "—"
    complete = "yes" if pipe.delivered >= pipe.notifications else "NO (timed out)"
    return "\n".join([
        f"The local stack (`python -m local`, its own process, moto server, one worker process per function),"
        f" {pipe.events} stage changes of one partnership through the API, each telling its two partner",
        "managers. Time from the first request to the last notification in an inbox.",
        "",
        "| run | events | notifications | events/s | beside |",
        "|---|---:|---:|---:|---|",
        f"| API only: PUT /partnerships/{{id}}/stage, one after another | {pipe.events} | — | "
        f"{pipe.api_per_second:,.1f} | |",
        f"| whole pipe: API → stream → publisher → bus → queue → consumer → inbox | {pipe.events} | "
        f"{pipe.delivered} of {pipe.notifications} | {pipe.per_second:,.1f} | all delivered: {complete} |",
        f"| the same consumer in process (notifications part above) | — | — | {inside} | pipe / in process: "
        f"{ratio} |",
    ])


NOTES = """\
- No goal is set by the issue for this figure; it is recorded so that a change to the pipe (poll
  intervals, batch sizes, the consumer's calls per event) shows up. The local stack polls the stream
  and the queues as Lambda's event source mappings would, each worker is a process of its own on
  this shared 2-core machine, and every call crosses HTTP to the moto server: the pipe's rate here is
  bounded by moto and the pollers, not by the design (AWS runs the consumers concurrently).
"""


if __name__ == "__main__":
    print(table(measure(), None))

"""Function workers: each template function in its own process, invoked one event at a time.

A worker is to the local stack what an execution environment is to Lambda: its own environment
variables and module state, a cold start (the handler's import) when it starts, one invocation at
a time, and a fresh start after a crash or a timeout (Lambda throws the environment away too).
The protocol is in :mod:`local.runtime`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import queue
import subprocess  # nosec B404 # runs this interpreter on our own modules
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from local.template import ROOT, Function

log = logging.getLogger("local.workers")

INIT_TIMEOUT_SECONDS = 60.0  # Lambda allows 10 s; a cold import on a busy laptop can take longer
_NOISY_LEVELS = frozenset({"WARNING", "ERROR", "CRITICAL"})
# Powertools warns on every invocation that records no metric: true, and not worth a console line.
_EXPECTED_NOISE = ("No application metrics to publish",)


class InvocationError(Exception):
    """The function failed: raised an error, timed out, or its process died."""

    def __init__(self, function: str, error_type: str, message: str):
        super().__init__(f"{function}: {error_type}: {message}")
        self.function = function
        self.error_type = error_type
        self.message = message


class FunctionTimeout(InvocationError):
    pass


@dataclass(frozen=True)
class Invocation:
    result: Any
    duration_ms: float


def _echo_worth(line: str) -> bool:
    """Whether a log line belongs on the console as well as in the function's log file."""
    stripped = line.strip()
    if not stripped or stripped.startswith(("START RequestId", "END RequestId", "REPORT RequestId")):
        return False
    if stripped.startswith("{"):
        try:
            record = json.loads(stripped)
        except ValueError:
            return True
        if "_aws" in record:  # an EMF metrics blob
            return False
        return str(record.get("level", "")).upper() in _NOISY_LEVELS
    # Plain text: tracebacks and warnings printed by Python itself.
    return not any(noise in stripped for noise in _EXPECTED_NOISE)


class Worker:
    def __init__(
        self, function: Function, environment: Mapping[str, str], *, log_dir: Path, echo_all: bool = False,
    ):
        self.function = function
        self.environment = dict(environment)
        self.log_path = log_dir / f"{function.name}.log"
        self.echo_all = echo_all
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._ids = itertools.count(1)
        self._log_file: IO[str] | None = None
        self._ready = False
        self._stopping = False
        # Called after every invocation: what the function wrote is there now (pollers look at once).
        self.on_invoked: Callable[[], None] | None = None

    @property
    def name(self) -> str:
        return self.function.name

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Spawn the process and begin its cold start; :meth:`invoke` waits for it to be ready."""
        with self._lock:
            self._spawn()

    def _spawn(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self._log_file is None:
            # One log per run of the stack; a restarted worker (after a crash) appends to it.
            self._log_file = self.log_path.open("w", encoding="utf-8", buffering=1)
        self._answers = queue.Queue()
        process = subprocess.Popen(  # nosec B603 # this interpreter, handler names from template.yaml
            [sys.executable, "-m", "local.runtime", self.function.module, self.function.attribute],
            cwd=ROOT, env=self.environment, text=True, encoding="utf-8", bufsize=1,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self._process = process
        for target, role in ((self._read_answers, "answers"), (self._read_logs, "logs")):
            threading.Thread(target=target, args=(process,), daemon=True, name=f"{self.name}-{role}").start()
        self._ready = False

    def _read_answers(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        answers = self._answers
        for line in process.stdout:
            try:
                answers.put(json.loads(line))
            except ValueError:
                log.warning("%s wrote a line that is not protocol: %s", self.name, line.rstrip())
        answers.put(None)  # the process is gone

    def _read_logs(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        echo_context = False  # Python prints a warning's source line, indented, after the warning
        for line in process.stderr:
            log_file = self._log_file
            if log_file is not None:
                with contextlib.suppress(ValueError):  # closed by stop() as the process wrote its last lines
                    log_file.write(line)
            if line.startswith((" ", "\t")) and not line.startswith("  File "):
                echo = self.echo_all or echo_context
            else:
                echo = self.echo_all or _echo_worth(line)
                echo_context = echo
            if echo:
                sys.stderr.write(f"{self.name} | {line}")

    def wait_ready(self) -> None:
        """Block until the cold start is over (spawning the process if it is not running)."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._spawn()
            self._wait_ready()

    def _wait_ready(self) -> None:
        if self._ready:
            return
        try:
            message = self._answers.get(timeout=INIT_TIMEOUT_SECONDS)
        except queue.Empty:
            self._kill()
            raise InvocationError(
                self.name, "Runtime.InitTimeout", "the handler did not load in time") from None
        if message is None or "init_error" in message:
            error = (message or {}).get("init_error") or {}
            self._kill()
            raise InvocationError(self.name, "Runtime.InitError",
                                  f"{error.get('errorType', 'exited')}: {error.get('errorMessage', '')}")
        self._ready = True

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=5)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping = True
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()  # the runtime's read loop ends: a clean exit
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    # ------------------------------------------------------------------ invocation
    def invoke(self, event: Any, *, timeout: float | None = None) -> Invocation:
        """Run the handler on ``event``; raise InvocationError if it fails as Lambda would report it."""
        try:
            return self._invoke(event, timeout)
        finally:
            if self.on_invoked is not None:
                self.on_invoked()

    def _invoke(self, event: Any, timeout: float | None) -> Invocation:
        limit = float(timeout if timeout is not None else self.function.timeout)
        with self._lock:
            if self._stopping:
                raise InvocationError(self.name, "Runtime.Stopping", "the local stack is shutting down")
            if self._process is None or self._process.poll() is not None:
                self._spawn()
            self._wait_ready()
            process = self._process
            assert process is not None
            assert process.stdin is not None
            request_id = str(uuid.uuid4())
            number = next(self._ids)
            started = time.monotonic()
            try:
                process.stdin.write(json.dumps({
                    "id": number, "event": event, "request_id": request_id, "timeout_ms": int(limit * 1000),
                }) + "\n")
                process.stdin.flush()
            except OSError as error:
                self._kill()
                raise InvocationError(self.name, "Runtime.ExitError", f"the worker died: {error}") from None
            deadline = started + limit
            while True:
                try:
                    answer = self._answers.get(timeout=max(deadline - time.monotonic(), 0.001))
                except queue.Empty:
                    # Lambda stops the environment at the timeout; the next call gets a fresh one.
                    self._kill()
                    raise FunctionTimeout(self.name, "Sandbox.Timedout",
                                          f"Task timed out after {limit:.2f} seconds") from None
                if answer is None:
                    self._kill()
                    raise InvocationError(self.name, "Runtime.ExitError", "the worker exited during the call")
                if answer.get("id") == number:
                    break
            duration = (time.monotonic() - started) * 1000
            if "error" in answer:
                failure = answer["error"]
                raise InvocationError(
                    self.name, str(failure.get("errorType")), str(failure.get("errorMessage")))
            return Invocation(result=answer.get("result"), duration_ms=duration)


def worker_environment(
    function: Function, resolved: Mapping[str, str], *, endpoint: str, region: str,
) -> dict[str, str]:
    """What the function's process sees: its template environment plus what Lambda and moto need."""
    code_dir = (ROOT / function.code_uri).resolve()
    environment = {
        # Only what a Lambda environment has, nothing from the developer's shell.
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "PYTHONPATH": f"{ROOT / 'shared'}{os.pathsep}{code_dir}",
        "PYTHONUNBUFFERED": "1",
        "LAMBDA_TASK_ROOT": str(code_dir),
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "_HANDLER": function.handler,
        # No shared AWS config or credentials files and no instance metadata: a profile in the
        # developer's ~/.aws must never lead a local function to a real account.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        **resolved,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",  # nosec B105 # moto accepts any credentials
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Trellis",
    }
    return environment

"""The inside of a worker process: one function's handler, invoked like a Lambda container does.

Started by :mod:`local.workers` as ``python -m local.runtime <module> <attribute>`` with the
function's environment. Handlers print their logs to stdout, so the protocol cannot share it:
the original stdout is kept (dup) for protocol lines and fd 1 is pointed at stderr, which the
parent writes to the function's log. Requests and answers are JSON lines:

    → {"id": 1, "event": {...}, "request_id": "...", "timeout_ms": 10000}
    ← {"id": 1, "result": ...}
    ← {"id": 1, "error": {"errorType": ..., "errorMessage": ..., "stackTrace": [...]}}

The first line the worker writes is {"ready": true} (init done) or {"init_error": {...}}. One
invocation at a time, like one Lambda execution environment. Only the standard library is
imported here, so the handler's cold start is its own.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import threading
import time
import traceback
from typing import Any, TextIO

REGION_FALLBACK = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account, which the local stack uses


class LambdaContext:
    """What Lambda passes as ``context``: the attributes Powertools and handlers read."""

    def __init__(self, request_id: str, timeout_ms: int):
        name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
        region = os.environ.get("AWS_REGION", REGION_FALLBACK)
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = f"local/{os.getpid()}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(int((self._deadline - time.monotonic()) * 1000), 0)


def _error(error: BaseException) -> dict[str, Any]:
    return {
        "errorType": type(error).__name__,
        "errorMessage": str(error),
        "stackTrace": traceback.format_exception(error),
    }


def _exit_with_parent(parent: int) -> None:
    """If the stack dies without stopping us (SIGKILL), do not linger as an orphan."""
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


def _send(channel: TextIO, message: dict[str, Any]) -> None:
    try:
        line = json.dumps(message, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        # Lambda answers a non-JSON result with Runtime.MarshalError.
        line = json.dumps({"id": message.get("id"), "error": {
            "errorType": "Runtime.MarshalError", "errorMessage": str(error), "stackTrace": []}})
    channel.write(line + "\n")
    channel.flush()


def serve(module_name: str, attribute: str) -> None:
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    sys.stderr.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    # Ctrl-C reaches the whole process group; the stack decides when its workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()

    try:
        handler = getattr(importlib.import_module(module_name), attribute)
    except BaseException as error:  # reported to the parent, as Lambda reports an init error
        traceback.print_exc()
        _send(channel, {"init_error": _error(error)})
        return
    _send(channel, {"ready": True})

    for line in sys.stdin:
        request = json.loads(line)
        request_id = str(request["request_id"])
        started = time.monotonic()
        print(f"START RequestId: {request_id} Version: $LATEST", file=sys.stderr)
        try:
            result = handler(request["event"], LambdaContext(request_id, int(request["timeout_ms"])))
            answer: dict[str, Any] = {"id": request["id"], "result": result}
        except Exception as error:
            traceback.print_exc()
            answer = {"id": request["id"], "error": _error(error)}
        elapsed = (time.monotonic() - started) * 1000
        print(f"END RequestId: {request_id}", file=sys.stderr)
        print(f"REPORT RequestId: {request_id}\tDuration: {elapsed:.2f} ms", file=sys.stderr)
        _send(channel, answer)


def main() -> None:
    module_name, attribute = sys.argv[1], sys.argv[2]
    # `python -m` put the repository root first on sys.path; in Lambda only the function's code
    # and the layer are importable, so take it away before the handler is imported.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path[:] = [entry for entry in sys.path if entry not in {"", root, os.getcwd()}]
    code_dir = os.environ.get("LAMBDA_TASK_ROOT")
    if code_dir:
        os.chdir(code_dir)
    serve(module_name, attribute)


if __name__ == "__main__":
    main()

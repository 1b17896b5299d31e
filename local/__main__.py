"""``python -m local --port 3000``: the whole stack on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from local import demo
from local.stack import PortInUse, Stack, users_table
from local.template import ROOT

BANNER = """
Trellis local stack is up on {url}   (started in {seconds:.1f} s; demo data: {demo})

  Web app        {url}/              (console and portal; sign in as a demo user)
  API docs       {url}/docs          (Swagger UI; "Authorize" takes the token below)
  OpenAPI        {url}/openapi.json
  Health         {url}/local/health
  Sent emails    {url}/local/mailbox     (JSON: {url}/local/emails)
  Function logs  {logs}/<Function>.log
  moto (AWS)     AWS_ENDPOINT_URL={moto} AWS_DEFAULT_REGION=eu-west-1 aws dynamodb list-tables

Sign in as a demo user (GET {url}/local/users lists them):
{users}

  TOKEN=$(curl -s -X POST {url}/local/token -d '{{"email": "{admin}"}}' \
          | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -s -H "Authorization: Bearer $TOKEN" {url}/partnerships
  curl -s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
       -d '{{"company_name": "Example Ltd", "partnership_type": "reseller"}}' {url}/partnerships

Ctrl-C stops everything.
"""


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--port", type=int, default=3000, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--state-dir", type=Path, default=ROOT / ".local",
                        help="where the token signing key and the function logs live (default: .local/)")
    parser.add_argument("--no-demo", action="store_true", help="start empty, without the demo data")
    parser.add_argument("--verbose", action="store_true",
                        help="echo every function log line to the console, not only warnings and errors")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname).1s %(message)s",
        datefmt="%H:%M:%S",
    )
    logging.getLogger("botocore").setLevel(logging.WARNING)
    stop = threading.Event()
    signalled: list[int] = []

    def request_stop(signum: int, _: FrameType | None) -> None:
        logging.getLogger("local").info("%s received, stopping", signal.Signals(signum).name)
        signalled.append(signum)
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    stack = Stack(
        port=arguments.port, state_dir=arguments.state_dir.resolve(), load_demo=not arguments.no_demo,
        echo_all_logs=arguments.verbose,
    )
    started = time.monotonic()
    # Start in a thread so that a signal during the (slow) start still stops everything cleanly.
    failure: list[BaseException] = []

    def start() -> None:
        try:
            stack.start()
        except BaseException as error:
            failure.append(error)
        finally:
            if failure or not stack.ready.is_set():
                stop.set()

    starter = threading.Thread(target=start, name="start", daemon=True)
    starter.start()
    while not stop.is_set() and not stack.ready.is_set():
        stop.wait(0.1)
    if stack.ready.is_set() and not stop.is_set():
        print(BANNER.format(
            url=stack.url, seconds=time.monotonic() - started, demo=stack.demo_status,
            logs=arguments.state_dir / "logs", moto=stack.cloud.endpoint if stack.cloud else "?",
            users=users_table(), admin=demo.admin_of("org-acme").email,
        ), flush=True)
    while not stop.is_set():
        stop.wait(0.5)
    stack.stop()
    starter.join(timeout=30)
    stack.stop()  # anything a start cut short by Ctrl-C created after the first stop
    if failure and not signalled:
        if isinstance(failure[0], PortInUse):
            logging.getLogger("local").error("%s", failure[0])
        else:
            logging.getLogger("local").error("the local stack could not start", exc_info=failure[0])
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

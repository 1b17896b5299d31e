"""The whole local stack: moto, one worker per function, pollers, scheduler, HTTP server, demo data.

Started and stopped as one thing; everything it starts it also stops (workers, moto, threads).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local import demo, moto_server, seed, seed_crm, seed_program
from local.auth import LocalIssuer, authorizer_config, load_or_create_key
from local.endpoints import LocalEndpoints
from local.gateway import ApiGateway, CorsConfig
from local.intrinsics import REGION, LocalNames
from local.logins import UserPool
from local.moto_server import Cloud
from local.patterns import validate
from local.pollers import Poller, QueuePoller, StreamPoller, Wakeup
from local.schedules import Scheduler
from local.server import HOST, LocalServer
from local.template import Template, template
from local.web import WebApp
from local.workers import Worker, worker_environment

log = logging.getLogger("local.stack")

LOCAL_PREFIXES = ("/local/", "/docs", "/openapi.json")


@dataclass
class Timings:
    started_at: float = field(default_factory=time.monotonic)
    marks: dict[str, float] = field(default_factory=dict)

    def mark(self, name: str) -> None:
        self.marks[name] = round(time.monotonic() - self.started_at, 2)


class Stack:
    def __init__(self, *, port: int, state_dir: Path, load_demo: bool = True, echo_all_logs: bool = False):
        self.port = port
        self.state_dir = state_dir
        self.load_demo = load_demo
        self.echo_all_logs = echo_all_logs
        self.template: Template = template()
        self.names = LocalNames(self.template)
        self.stopping = threading.Event()
        self.wakeup = Wakeup()
        self.ready = threading.Event()
        self.timings = Timings()
        self.cloud: Cloud | None = None
        self.workers: dict[str, Worker] = {}
        self.pollers: list[Poller] = []
        self.scheduler: Scheduler | None = None
        self.server: LocalServer | None = None
        self.issuer: LocalIssuer | None = None
        self.demo_status = "not loaded"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    # ------------------------------------------------------------------ start
    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        self._check_template()
        _check_port_free(self.port)
        self.names.api_url = self.url  # links the functions make (unsubscribe) point at this server
        self.cloud = moto_server.start(self.template, self.names)
        self.timings.mark("moto")
        self._start_workers(self.cloud)
        self._start_pollers(self.cloud)
        self.issuer = LocalIssuer(
            authorizer_config(self.template, self.names), load_or_create_key(self.state_dir))
        cors = CorsConfig.from_template(self.template, self.names)
        gateway = ApiGateway(self.template, self.workers, self.issuer, cors)
        schedules = {schedule.name: (schedule, self.workers[schedule.function])
                     for schedule in self.template.schedules}
        pools = list(self.cloud.names.user_pools.values())
        pool = UserPool(self.cloud.client("cognito-idp"), pools[0]) if len(pools) == 1 else None
        endpoints = LocalEndpoints(
            issuer=self.issuer, health=self.health, scheduler=self.scheduler, schedules=schedules, pool=pool,
            web=WebApp(files_origin=self.cloud.endpoint))
        self.server = LocalServer(self.port, gateway, endpoints)
        self.port = self.server.port
        self.server.start()
        self.timings.mark("http")
        if self.load_demo:
            self._load_demo()
        self.ready.set()
        self.timings.mark("ready")

    def _check_template(self) -> None:
        for mapping in self.template.stream_mappings:
            for index, pattern in enumerate(mapping.filters):
                validate(pattern, f"{mapping.function} FilterCriteria[{index}]")
        for route in self.template.routes:
            if route.path.startswith(LOCAL_PREFIXES):
                raise ValueError(f"{route.route_key} collides with the local stack's own endpoints")

    def _start_workers(self, cloud: Cloud) -> None:
        log_dir = self.state_dir / "logs"
        for name, function in self.template.functions.items():
            environment = worker_environment(
                function, self.names.environment(name), endpoint=cloud.endpoint, region=REGION)
            self.workers[name] = Worker(function, environment, log_dir=log_dir, echo_all=self.echo_all_logs)
        for worker in self.workers.values():
            worker.start()
        # Cold starts happen in parallel; wait for them so the first request is not the slow one.
        with ThreadPoolExecutor(max_workers=len(self.workers) or 1) as pool:
            outcomes = pool.map(_warm, self.workers.values())
            for worker, outcome in zip(self.workers.values(), outcomes, strict=True):
                if outcome:
                    log.error("%s did not start: %s (see %s)", worker.name, outcome, worker.log_path)
        self.timings.mark("workers")

    def _start_pollers(self, cloud: Cloud) -> None:
        for stream in self.template.stream_mappings:
            worker = self.workers[stream.function]
            self.pollers.append(StreamPoller(stream, worker, cloud, self.stopping, self.wakeup))
        for queue in self.template.queue_mappings:
            worker = self.workers[queue.function]
            self.pollers.append(QueuePoller(queue, worker, cloud, self.stopping, self.wakeup))
        for worker in self.workers.values():
            worker.on_invoked = self.wakeup
        for poller in self.pollers:
            poller.start()
        if self.template.schedules:
            runs = [(schedule, self.workers[schedule.function]) for schedule in self.template.schedules]
            self.scheduler = Scheduler(runs, self.stopping)
            self.scheduler.start()

    def _load_demo(self) -> None:
        assert self.issuer is not None
        issuer = self.issuer
        # Users are written with the code and environment of the function that owns partnerships.
        writer = next(route.function for route in self.template.routes
                      if route.route_key == "POST /partnerships")
        self.demo_status = "loading"
        seed.seed_directory(self.workers[writer].environment)
        expected = seed.seed_partnerships(self.url, issuer.issue)
        seed.seed_partner_links(self.workers[writer].environment, seed.partner_links(self.url, issuer.issue))
        seed.seed_leads(self.url, issuer.issue)
        seed_program.seed_program(self.url, issuer.issue)
        seed_crm.seed_crm(self.url, issuer.issue)
        self.timings.mark("demo written")
        delivered = seed.wait_for_notifications(self.url, issuer.issue, expected)
        self.demo_status = "loaded" if delivered else "loaded (some notifications still in flight)"
        self.timings.mark("demo notified")

    # ------------------------------------------------------------------ status
    def health(self) -> tuple[bool, dict[str, Any]]:
        ready = self.ready.is_set() and not self.stopping.is_set()
        return ready, {
            "status": "ok" if ready else "stopping" if self.stopping.is_set() else "starting",
            "demo": self.demo_status,
            "aws_endpoint_url": self.cloud.endpoint if self.cloud else None,
            "region": REGION,
            "startup_seconds": self.timings.marks,
            "pollers": {poller.name: poller.stats.as_dict() for poller in self.pollers},
            "schedules": self.scheduler.upcoming() if self.scheduler else {},
        }

    # ------------------------------------------------------------------ stop
    def stop(self) -> None:
        """Stop what has been started; safe to call again (e.g. once more after a start was cut short)."""
        self.stopping.set()
        self.wakeup()
        server, self.server = self.server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        for poller in self.pollers:
            poller.join(timeout=5)
        with ThreadPoolExecutor(max_workers=len(self.workers) or 1) as pool:
            list(pool.map(lambda worker: worker.stop(), self.workers.values()))
        cloud, self.cloud = self.cloud, None
        if cloud is not None:
            cloud.stop()


class PortInUse(RuntimeError):
    pass


def _check_port_free(port: int) -> None:
    """Fail before moto and a dozen workers have started, with a message that says what to do."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            raise PortInUse(f"{HOST}:{port} is in use; stop what runs there or pass --port") from None


def _warm(worker: Worker) -> str | None:
    """Wait for the worker's cold start; the error text if it failed."""
    from local.workers import InvocationError

    try:
        worker.wait_ready()
    except InvocationError as error:
        return f"{error.error_type}: {error.message}"
    return None


def users_table() -> str:
    rows = [(user.email, ",".join(user.roles), demo.ORGANISATIONS_BY_ID[user.organisation_id].name)
            for user in demo.USERS]
    width = max(len(row[0]) for row in rows)
    roles_width = max(len(row[1]) for row in rows)
    return "\n".join(f"    {email:<{width}}  {roles:<{roles_width}}  {org}" for email, roles, org in rows)

"""The HTTP server on 127.0.0.1: local endpoints first, then the API Gateway emulation."""

from __future__ import annotations

import logging
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from local.endpoints import LocalEndpoints
from local.gateway import MAX_BODY_BYTES, ApiGateway, HttpRequest, HttpResponse

log = logging.getLogger("local.server")

HOST = "127.0.0.1"  # never reachable from another machine: tokens here are demo tokens


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, gateway: ApiGateway, endpoints: LocalEndpoints):
        self.gateway = gateway
        self.endpoints = endpoints
        super().__init__((HOST, port), _Handler)

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        # A client that hangs up (curl polling /local/health, a browser tab closed) is not an
        # error of the stack: keep the console for what is.
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionResetError | BrokenPipeError):
            log.debug("client %s hung up: %s", client_address, error)
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start(self) -> threading.Thread:
        thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.2}, name="http", daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: LocalServer
    protocol_version = "HTTP/1.1"

    def _dispatch(self) -> None:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            self._send(HttpResponse.message(411, "Length Required"))
            return
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            self.close_connection = True  # the unread body would be taken for the next request
            self._send(HttpResponse.message(413, "Request Entity Too Large"))
            return
        request = HttpRequest(
            method=self.command, target=self.path, headers=list(self.headers.items()),
            body=self.rfile.read(length) if length else b"", source_ip=self.client_address[0],
            protocol=self.request_version,
        )
        try:
            response = self.server.endpoints.handle(request) or self.server.gateway.handle(request)
        except Exception:
            log.exception("%s %s failed in the local stack itself", self.command, self.path)
            response = HttpResponse.message(500, "Internal Server Error")
        self._send(response, head_only=self.command == "HEAD")

    def _send(self, response: HttpResponse, *, head_only: bool = False) -> None:
        self.send_response_only(response.status)
        for name, value in response.headers:
            if name.lower() not in {"content-length", "connection", "transfer-encoding"}:
                self.send_header(name, value)
        self.send_header("content-length", str(len(response.body)))
        self.send_header("date", self.date_time_string())
        self.end_headers()
        if not head_only and response.body:
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _dispatch

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, CONNECT, made-up ones) goes to the gateway too, which answers it as
        # API Gateway does a request no route matches, instead of http.server's 501.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def log_message(self, format: str, *args: object) -> None:
        # The gateway logs one line per request with the route and function; this one would repeat it.
        return

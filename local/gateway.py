"""API Gateway HTTP API, locally: template routes → JWT authorizer → v2.0 event → the route's function.

Where API Gateway answers by itself, the answers are its own: ``{"message":"Not Found"}`` for a
route the template does not declare, ``{"message":"Unauthorized"}`` when the authorizer rejects
the token (no function runs), ``Internal Server Error`` when the function fails, ``Service
Unavailable`` when it times out, and CORS preflights from the API's CorsConfiguration.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from local.auth import (
    AuthorizationFailed,
    LocalIssuer,
    ScopeMissing,
    render_claims,
    require_scopes,
    scopes_of,
)
from local.intrinsics import ACCOUNT, LocalNames
from local.template import Route, Template
from local.workers import FunctionTimeout, InvocationError, Worker

log = logging.getLogger("local.gateway")

MAX_BODY_BYTES = 10 * 1024 * 1024  # HTTP API payload limit
_TEXT_TYPES = frozenset({
    "application/json", "application/javascript", "application/xml", "application/x-www-form-urlencoded",
    "application/yaml", "application/graphql",
})


@dataclass
class HttpRequest:
    method: str
    target: str  # path and query as sent
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"

    @property
    def path(self) -> str:
        return urlsplit(self.target).path or "/"

    @property
    def query(self) -> str:
        return urlsplit(self.target).query

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name]
        return ",".join(values) if values else None


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @classmethod
    def json(cls, status: int, content: Any, content_type: str = "application/json") -> HttpResponse:
        return cls(status, [("content-type", content_type)], json.dumps(content).encode())

    @classmethod
    def message(cls, status: int, message: str) -> HttpResponse:
        """API Gateway's own answers carry nothing but a message."""
        return cls.json(status, {"message": message})


def _is_text(content_type: str | None) -> bool:
    if not content_type:
        return True  # API Gateway passes bodies without a type as text
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith("text/") or media in _TEXT_TYPES or media.endswith(("+json", "+xml"))


@dataclass(frozen=True)
class CorsConfig:
    origins: tuple[str, ...]
    headers: tuple[str, ...]
    methods: tuple[str, ...]
    max_age: int | None
    credentials: bool
    expose: tuple[str, ...]

    @classmethod
    def from_template(cls, tpl: Template, names: LocalNames) -> CorsConfig | None:
        api = next(iter(tpl.resources_of("AWS::Serverless::HttpApi").values()))
        config = api["Properties"].get("CorsConfiguration")
        if not config:
            return None

        def values(key: str) -> tuple[str, ...]:
            return tuple(names.resolve(item) for item in config.get(key, []))

        # An origin is scheme://host[:port]; a full URL (the template's callback URL) names its origin.
        origins = tuple(_origin_of(origin) for origin in values("AllowOrigins"))
        return cls(
            origins=origins, headers=tuple(h.lower() for h in values("AllowHeaders")),
            methods=tuple(m.upper() for m in values("AllowMethods")),
            max_age=int(config["MaxAge"]) if "MaxAge" in config else None,
            credentials=bool(config.get("AllowCredentials", False)), expose=values("ExposeHeaders"),
        )

    def allows(self, origin: str | None) -> bool:
        return origin is not None and ("*" in self.origins or origin in self.origins)


def _origin_of(url: str) -> str:
    if url == "*":
        return url
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url


def _specificity(route: Route) -> tuple[int, int]:
    # API Gateway prefers the route with the most literal segments ("/x/read-all" over "/x/{id}").
    segments = route.path.strip("/").split("/")
    return (-sum(1 for s in segments if not s.startswith("{")), -len(segments))


class ApiGateway:
    def __init__(
        self, tpl: Template, workers: Mapping[str, Worker], issuer: LocalIssuer, cors: CorsConfig | None,
    ):
        self.routes = sorted(tpl.routes, key=_specificity)
        self.patterns = {route: route.pattern for route in self.routes}
        self.workers = workers
        self.issuer = issuer
        self.cors = cors

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            found = self.patterns[route].match(path)
            if found and route.method in {method, "ANY"}:
                return route, {name: unquote(value) for name, value in found.groupdict().items()}
        return None

    def handle(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        request_id = base64.b32encode(secrets.token_bytes(10)).decode().rstrip("=")
        response, label = self._handle(request, request_id)
        origin = request.header("origin")
        if self.cors and self.cors.allows(origin) and request.method != "OPTIONS":
            response.headers += [("access-control-allow-origin", str(origin)), ("vary", "origin")]
            if self.cors.credentials:
                response.headers.append(("access-control-allow-credentials", "true"))
            if self.cors.expose:
                response.headers.append(("access-control-expose-headers", ",".join(self.cors.expose)))
        response.headers.append(("apigw-requestid", request_id))
        log.info("%s %s → %d (%.0f ms) %s", request.method, request.target, response.status,
                 (time.monotonic() - started) * 1000, label)
        return response

    def _handle(self, request: HttpRequest, request_id: str) -> tuple[HttpResponse, str]:
        if request.method == "OPTIONS" and self.cors and request.header("access-control-request-method"):
            return self._preflight(request), "CORS preflight"
        matched = self.match(request.method, request.path)
        if matched is None:
            return HttpResponse.message(404, "Not Found"), "no route"
        route, parameters = matched
        if len(request.body) > MAX_BODY_BYTES:
            return HttpResponse.message(413, "Request Entity Too Large"), route.route_key
        claims: dict[str, Any] | None = None
        if route.authorizer != "NONE":
            try:
                claims = self.issuer.verify(request.header(self.issuer.config.header))
                require_scopes(claims, route.authorization_scopes)
            except AuthorizationFailed as failure:
                response = HttpResponse.message(401, "Unauthorized")
                response.headers.append(("www-authenticate", _challenge(failure.description)))
                return response, f"{route.route_key}: {failure.description}"
            except ScopeMissing as missing:
                return HttpResponse.message(403, "Forbidden"), f"{route.route_key}: {missing}"
        event = self.event(request, route, parameters, claims, request_id)
        worker = self.workers[route.function]
        try:
            result = worker.invoke(event).result
        except FunctionTimeout:
            return HttpResponse.message(503, "Service Unavailable"), f"{route.function} timed out"
        except InvocationError as error:
            return _internal_error(), f"{route.function} failed: {error.error_type}"
        try:
            return _response(result), route.function
        except (TypeError, ValueError, binascii.Error) as error:
            return _internal_error(), f"{route.function}: bad response ({error})"

    def _preflight(self, request: HttpRequest) -> HttpResponse:
        assert self.cors is not None
        origin = request.header("origin")
        response = HttpResponse(204)
        if not self.cors.allows(origin):
            return response  # API Gateway answers, but without CORS headers: the browser blocks
        response.headers += [
            ("access-control-allow-origin", str(origin)),
            ("access-control-allow-methods", ",".join(self.cors.methods)),
            ("access-control-allow-headers", ",".join(self.cors.headers)),
            ("vary", "origin"),
        ]
        if self.cors.max_age is not None:
            response.headers.append(("access-control-max-age", str(self.cors.max_age)))
        if self.cors.credentials:
            response.headers.append(("access-control-allow-credentials", "true"))
        return response

    def event(
        self, request: HttpRequest, route: Route, parameters: dict[str, str], claims: dict[str, Any] | None,
        request_id: str,
    ) -> dict[str, Any]:
        """The API Gateway HTTP API payload format 2.0 event."""
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for name, value in request.headers:
            key = name.lower()
            if key == "cookie":
                cookies += [part.strip() for part in value.split(";") if part.strip()]
                continue
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        port = (headers.get("host", "").rpartition(":")[2]) or "80"
        headers.setdefault("x-forwarded-for", request.source_ip)
        headers.setdefault("x-forwarded-proto", "http")
        headers.setdefault("x-forwarded-port", port)
        now = datetime.now(UTC)
        domain = headers.get("host", "localhost").split(":")[0]
        authorizer: dict[str, Any] = {}
        if claims is not None:
            authorizer = {"jwt": {"claims": render_claims(claims), "scopes": scopes_of(claims)}}
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route.route_key,
            "rawPath": request.path,
            "rawQueryString": request.query,
            "headers": headers,
            "requestContext": {
                "accountId": ACCOUNT,
                "apiId": "local",
                "domainName": domain,
                "domainPrefix": domain.split(".")[0],
                "http": {
                    "method": request.method, "path": unquote(request.path), "protocol": request.protocol,
                    "sourceIp": request.source_ip, "userAgent": headers.get("user-agent", ""),
                },
                "requestId": request_id,
                "routeKey": route.route_key,
                "stage": "$default",
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "timeEpoch": int(now.timestamp() * 1000),
                **({"authorizer": authorizer} if authorizer else {}),
            },
            "isBase64Encoded": False,
        }
        if cookies:
            event["cookies"] = cookies
        query: dict[str, str] = {}
        for name, value in parse_qsl(request.query, keep_blank_values=True):
            query[name] = f"{query[name]},{value}" if name in query else value
        if query:
            event["queryStringParameters"] = query
        if parameters:
            event["pathParameters"] = parameters
        if request.body:
            if _is_text(headers.get("content-type")):
                try:
                    event["body"] = request.body.decode("utf-8")
                except UnicodeDecodeError:
                    event["body"], event["isBase64Encoded"] = base64.b64encode(request.body).decode(), True
            else:
                event["body"], event["isBase64Encoded"] = base64.b64encode(request.body).decode(), True
        return event


def _challenge(description: str) -> str:
    if description == "no token":
        return "Bearer"
    safe = description.replace('"', "'")
    return f'Bearer error="invalid_token" error_description="{safe}"'


def _internal_error() -> HttpResponse:
    return HttpResponse.message(500, "Internal Server Error")


def _response(result: Any) -> HttpResponse:
    """The function's payload 2.0 answer as HTTP, as API Gateway interprets it."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # No statusCode: API Gateway sends the whole result as a 200 JSON body.
        text = result if isinstance(result, str) else json.dumps(result)
        return HttpResponse(200, [("content-type", "application/json")], text.encode())
    status = int(result["statusCode"])
    headers = [(str(name).lower(), str(value)) for name, value in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(str(name).lower(), str(value)) for value in values]
    headers += [("set-cookie", str(cookie)) for cookie in result.get("cookies") or []]
    raw = result.get("body")
    if raw is None:
        body = b""
    elif result.get("isBase64Encoded"):
        body = base64.b64decode(str(raw), validate=True)
    else:
        body = str(raw).encode()
    if body and not any(name == "content-type" for name, _ in headers):
        headers.append(("content-type", "application/json"))
    return HttpResponse(status, headers, body)

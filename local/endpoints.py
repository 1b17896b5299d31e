"""Endpoints only the local stack has: sign in as a demo user (or a login of the user pool, e.g. someone
who accepted an invitation), read the API docs, read the emails the stack sent, check health.

None of them needs a token; none of them exists in AWS.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from local import demo, mailbox, openapi
from local.auth import LocalIssuer
from local.gateway import HttpRequest, HttpResponse
from local.logins import UserPool
from local.schedules import Scheduler
from local.template import Schedule
from local.web import WebApp
from local.workers import InvocationError, Worker

log = logging.getLogger("local.endpoints")

PROBLEM_JSON = "application/problem+json"
HTML = "text/html; charset=utf-8"
SWAGGER_FILES = frozenset({
    "swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "index.css",
    "favicon-32x32.png", "favicon-16x16.png", "oauth2-redirect.html",
})
DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"
    }});
  </script>
</body>
</html>
"""


def problem(status: int, title: str, detail: str, field: str | None = None) -> HttpResponse:
    body: dict[str, Any] = {"type": f"/problems/{title.lower().replace(' ', '-')}", "title": title,
                            "status": status, "detail": detail}
    if field:
        body["errors"] = [{"field": field, "message": detail}]
    return HttpResponse.json(status, body, PROBLEM_JSON)


@dataclass
class LocalEndpoints:
    issuer: LocalIssuer
    health: Callable[[], tuple[bool, dict[str, Any]]]
    scheduler: Scheduler | None
    schedules: dict[str, tuple[Schedule, Worker]]
    pool: UserPool | None = None
    web: WebApp | None = None

    def __post_init__(self) -> None:
        self._openapi: bytes | None = None
        self._openapi_lock = threading.Lock()

    def handle(self, request: HttpRequest) -> HttpResponse | None:
        """The answer for a local endpoint, or None when the request is for the API."""
        path, method = request.path, request.method
        if path == "/local/health" and method == "GET":
            ready, content = self.health()
            return HttpResponse.json(200 if ready else 503, content)
        if path == "/local/users" and method == "GET":
            return HttpResponse.json(200, {"users": self._users()})
        if path == "/local/token" and method == "POST":
            return self._token(request)
        if path == "/local/.well-known/jwks.json" and method == "GET":
            return HttpResponse.json(200, self.issuer.jwks())
        if path == "/openapi.json" and method == "GET":
            return HttpResponse(200, [("content-type", "application/json")], self._document())
        if path in {"/docs", "/docs/"} and method == "GET":
            page = DOCS_PAGE.format(title=escape(openapi.TITLE))
            return HttpResponse(200, [("content-type", "text/html; charset=utf-8")], page.encode())
        if path.startswith("/docs/") and method == "GET":
            return self._swagger_file(path.removeprefix("/docs/"))
        if path == "/local/emails" and method == "GET":
            return HttpResponse.json(200, {"emails": mailbox.sent_emails()})
        if path == "/local/mailbox" and method == "GET":
            return HttpResponse(200, [("content-type", HTML)], mailbox.index_page().encode())
        if path.startswith("/local/emails/") and method == "GET":
            return self._email(path.removeprefix("/local/emails/"))
        if path.startswith("/local/schedules/") and path.endswith("/run") and method == "POST":
            return self._run_schedule(path.removeprefix("/local/schedules/").removesuffix("/run"))
        if path.startswith("/local/"):
            return problem(404, "Not found", f"no local endpoint {method} {path}")
        return self.web.handle(request) if self.web is not None else None

    def _token(self, request: HttpRequest) -> HttpResponse:
        try:
            content = json.loads(request.body or b"null")
        except ValueError:
            return problem(400, "Malformed request", "the body is not valid JSON", "body")
        if not isinstance(content, dict) or not isinstance(content.get("email"), str):
            return problem(400, "Bad request", 'send {"email": "<a demo user\'s email>"}', "email")
        unknown = sorted(set(content) - {"email"})
        if unknown:
            return problem(400, "Bad request", f"unknown field {unknown[0]!r}", unknown[0])
        user = demo.user_by_email(content["email"])
        if user is not None:
            token = self.issuer.issue(user)
        else:
            # Not a demo user: a login of the user pool, as Cognito would sign it in
            login = self.pool.find(content["email"]) if self.pool is not None else None
            if login is None or login.user is None:
                return problem(404, "Not found", "no demo user or login has this email; see GET /local/users",
                               "email")
            if not login.enabled:
                return problem(403, "Forbidden", "this login is disabled (its user was removed)", "email")
            token = self.issuer.issue(login.user, subject=login.subject)
        return HttpResponse.json(200, {
            "access_token": token, "id_token": token,
            "token_type": "Bearer",  # nosec B105 # the token type, not a secret
            "expires_in": self.issuer.config.token_validity_seconds,
        })

    def _email(self, number: str) -> HttpResponse:
        """One sent email's HTML part, as its recipient would see it (the text part if it has none)."""
        found = mailbox.email_by_number(int(number)) if number.isdigit() else None
        if found is None:
            return problem(404, "Not found", f"no email {number!r}; GET /local/emails lists them")
        if found["html"] is not None:
            return HttpResponse(200, [("content-type", HTML)], found["html"].encode())
        return HttpResponse(200, [("content-type", "text/plain; charset=utf-8")],
                            (found["text"] or "").encode())

    def _users(self) -> list[dict[str, object]]:
        """The demo users, then the pool's other logins (people who accepted an invitation)."""
        users = demo.listing()
        if self.pool is None:
            return users
        known = {str(user["email"]) for user in users}
        organisations = {organisation.organisation_id: organisation for organisation in demo.ORGANISATIONS}
        for login in self.pool.users():
            if login.email in known:
                continue
            organisation = organisations.get(login.organisation_id)
            users.append({
                "email": login.email, "name": login.name, "user_id": login.user_id,
                "organisation_id": login.organisation_id,
                "organisation_name": organisation.name if organisation else None,
                "organisation_kind": organisation.kind if organisation else None,
                "roles": list(login.roles),
            })
        return users

    def _document(self) -> bytes:
        with self._openapi_lock:
            if self._openapi is None:
                document = openapi.build()
                for drift in document.problems:
                    log.warning("openapi: %s", drift)
                self._openapi = openapi.render(document.content).encode()
            return self._openapi

    def _swagger_file(self, name: str) -> HttpResponse:
        from swagger_ui_bundle import swagger_ui_path

        if name not in SWAGGER_FILES:
            return HttpResponse.message(404, "Not Found")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return HttpResponse(200, [("content-type", content_type), ("cache-control", "max-age=3600")],
                            (swagger_ui_path / name).read_bytes())

    def _run_schedule(self, name: str) -> HttpResponse:
        if self.scheduler is None or name not in self.schedules:
            known = ", ".join(sorted(self.schedules)) or "none"
            return problem(404, "Not found", f"no schedule {name!r}; the template's schedules: {known}")
        schedule, worker = self.schedules[name]
        try:
            invocation = self.scheduler.run_now(schedule, worker)
        except InvocationError as error:
            return problem(502, "Function failed", f"{error.error_type}: {error.message}")
        return HttpResponse.json(200, {
            "schedule": name, "function": worker.name, "result": invocation.result,
            "duration_ms": round(invocation.duration_ms, 1),
        })

"""Calling the functions of template.yaml the way Lambda does: their environment, their events.

- ``api_event`` builds an API Gateway HTTP API (payload 2.0) event with the JWT claims the
  authorizer would have verified; the route key and path parameters come from the template.
- ``sqs_event`` and ``stream_event`` wrap SQS messages and DynamoDB stream records.
- ``FunctionRunner`` imports a function's handler and calls it with the function's environment
  (as the template gives it, resolved against the test stack), restoring the previous one after.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlencode

from local.template import Function, Route
from tests.helpers.aws import ACCOUNT, REGION, Stack
from tests.helpers.dynamodb_calls import Recorder, recording
from tests.helpers.iam import dynamodb_permissions, secret_permissions, service_permissions
from trellis.settings import get_settings


@dataclass(frozen=True)
class User:
    """A signed-in caller: what the Cognito ID token says about them."""

    user_id: str
    organisation_id: str
    roles: tuple[str, ...] = ()
    email: str | None = None

    def claims(self) -> dict[str, str]:
        claims = {
            "sub": self.user_id,
            "custom:org_id": self.organisation_id,
            "custom:roles": ",".join(self.roles),
        }
        if self.email:
            claims["email"] = self.email
        return claims


@dataclass
class FakeLambdaContext:
    function_name: str = "test-function"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/test-function"
    log_stream_name: str = "2025/01/01/[$LATEST]test"
    timeout_millis: int = 10_000

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_millis


def match_route(routes: Sequence[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes:
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found:
            return route, {name: unquote(value) for name, value in found.groupdict().items()}
    return None


def api_event(
    method: str,
    path: str,
    *,
    route_key: str,
    path_parameters: Mapping[str, str] | None = None,
    user: User | None = None,
    claims: Mapping[str, Any] | None = None,
    query: Mapping[str, str] | None = None,
    body: str | None = None,
    headers: Mapping[str, str] | None = None,
    base64_encoded: bool = False,
) -> dict[str, Any]:
    """An API Gateway HTTP API v2 event, as the JWT authorizer hands it to the function."""
    now = datetime.now(UTC)
    request_headers = {"accept": "application/json", "user-agent": "pytest", **(headers or {})}
    if body is not None:
        request_headers.setdefault("content-type", "application/json")
    jwt_claims = dict(claims) if claims is not None else (user.claims() if user else {})
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": urlencode(query or {}, errors="surrogatepass"),  # a test may send any text
        "headers": request_headers,
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": "testapi",
            "authorizer": {"jwt": {"claims": jwt_claims, "scopes": None}},
            "domainName": f"testapi.execute-api.{REGION}.amazonaws.com",
            "domainPrefix": "testapi",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.10",
                "userAgent": "pytest",
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": base64_encoded,
    }
    if query:
        event["queryStringParameters"] = dict(query)
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if body is not None:
        event["body"] = body
    return event


def sqs_event(messages: Sequence[Mapping[str, Any]], *, queue_arn: str) -> dict[str, Any]:
    """An SQS event source mapping batch from received messages (or hand-made ones)."""
    now_ms = str(int(datetime.now(UTC).timestamp() * 1000))
    return {
        "Records": [
            {
                "messageId": message.get("MessageId", str(uuid.uuid4())),
                "receiptHandle": message.get("ReceiptHandle", uuid.uuid4().hex),
                "body": message["Body"],
                "attributes": {
                    "ApproximateReceiveCount": message.get("Attributes", {}).get(
                        "ApproximateReceiveCount", "1"
                    ),
                    "SentTimestamp": now_ms,
                    "SenderId": "AIDAEXAMPLE",
                    "ApproximateFirstReceiveTimestamp": now_ms,
                },
                "messageAttributes": {},
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }


def stream_event(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Records": [dict(record) for record in records]}


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Run with a function's environment, then put the previous one back (and re-read settings)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


@dataclass
class FunctionRunner:
    """One function of the template, called in-process with its own environment."""

    stack: Stack
    function: Function

    @property
    def env(self) -> dict[str, str]:
        return self.stack.environment(self.function)

    def handler(self) -> Callable[[dict[str, Any], Any], Any]:
        with environment(self.env):
            module = importlib.import_module(self.function.module)
        handler: Callable[[dict[str, Any], Any], Any] = getattr(module, self.function.attribute)
        return handler

    def invoke(self, event: dict[str, Any], context: Any = None) -> Any:
        """Call the handler as Lambda would; fail if it used DynamoDB beyond its template policy.

        ``context``: a Lambda context of the test's own (e.g. one whose remaining time runs out).
        """
        handler = self.handler()
        context = context or FakeLambdaContext(
            function_name=self.function.name,
            timeout_millis=self.function.timeout * 1000,
        )
        with environment(self.env), recording() as recorder:
            result = handler(event, context)
        allowed = dynamodb_permissions(self.function)
        tables = {name: logical_id for logical_id, name in self.stack.tables.items()}
        denied = {
            (action, tables.get(table, table), on_index)
            for call in recorder.calls
            for action, table, on_index in call.permissions
        } - allowed
        assert not denied, f"{self.function.name}'s policies in template.yaml do not allow {sorted(denied)}"
        # Cognito: the only pool is the template's UserPool, so an action must be allowed on it.
        cognito = {action for action, resource in service_permissions(self.function, "cognito-idp")
                   if resource == "UserPool"}
        denied_actions = {call for call in recorder.other_calls if call.startswith("cognito-idp:")} - cognito
        assert not denied_actions, (
            f"{self.function.name}'s policies in template.yaml do not allow {sorted(denied_actions)}"
        )
        # Secrets Manager: an action must be allowed on the very secret (its ARN) the call names.
        secrets = {(action, self.stack.secrets[name]) for action, name in secret_permissions(self.function)
                   if name in self.stack.secrets}
        denied_reads = set(recorder.secret_reads) - secrets
        assert not denied_reads, (
            f"{self.function.name}'s policies in template.yaml do not allow {sorted(denied_reads)}"
        )
        return result

    @contextmanager
    def env_applied(self) -> Iterator[None]:
        """For test setup that calls the service's logic directly (e.g. seeding users)."""
        with environment(self.env):
            yield


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    text: str
    calls: Recorder

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", self.headers.get("content-type", ""))

    @property
    def error_fields(self) -> list[str]:
        return [error.get("field") for error in (self.json() or {}).get("errors", [])]


@dataclass
class ApiClient:
    """A service's API function behind the HTTP API: requests in, responses and DynamoDB calls out."""

    runner: FunctionRunner
    user: User | None = None

    @property
    def routes(self) -> list[Route]:
        name = self.runner.function.name
        return [route for route in self.runner.stack.template.routes if route.function == name]

    def as_user(self, user: User | None) -> ApiClient:
        return ApiClient(runner=self.runner, user=user)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: str | None = None,
        raw_body: bytes | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        user: User | None = None,
        claims: Mapping[str, Any] | None = None,
        before: Mapping[str, Callable[[], Any]] | None = None,
        fail_next: Mapping[str, dict[str, Any]] | None = None,
        context: Any = None,
    ) -> ApiResponse:
        """Call the route; ``before`` runs hooks before DynamoDB operations, ``fail_next`` fails them.

        ``raw_body``: bytes sent as API Gateway sends a binary body (base64-encoded, ``isBase64Encoded``).
        """
        method = method.upper()
        found = match_route(self.routes, method, path)
        if found is None:
            raise AssertionError(f"{method} {path} is not a route of {self.runner.function.name}")
        route, parameters = found
        if json_body is not None:
            body = json.dumps(json_body)
        if raw_body is not None:
            body = base64.b64encode(raw_body).decode()
        event = api_event(
            method,
            path,
            route_key=route.route_key,
            path_parameters=parameters,
            user=user or self.user,
            claims=claims,
            query={name: str(value) for name, value in (query or {}).items()},
            body=body,
            headers=headers,
            base64_encoded=raw_body is not None,
        )
        with recording() as recorder:
            recorder.before.update(before or {})
            recorder.fail_next.update(fail_next or {})
            result = self.runner.invoke(event, context=context)
        headers = {name: str(value) for name, value in (result.get("headers") or {}).items()}
        return ApiResponse(
            status=int(result["statusCode"]), headers=headers, text=result.get("body") or "", calls=recorder
        )

    def get(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("DELETE", path, **kwargs)

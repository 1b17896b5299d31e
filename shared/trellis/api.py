"""The HTTP side of a service: one Powertools resolver, problem+json errors, the caller's principal.

Every service builds its resolver with :func:`make_resolver`, so error mapping, validation and
tenant-tagged logging are decided here once.
"""

from __future__ import annotations

import base64
import json
import re
import warnings
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, cast

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from pydantic import BaseModel, ValidationError

from trellis.errors import (
    BadRequest,
    DomainError,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    problem,
)
from trellis.principal import Principal, principal_from_claims
from trellis.settings import METRICS_NAMESPACE

PROBLEM_JSON = "application/problem+json"

# Powertools warns on every invocation that records no custom metric (most API calls); that is
# expected here, and the warning would otherwise be a log line per request in CloudWatch.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)

logger = Logger()
metrics = Metrics(namespace=METRICS_NAMESPACE)


def problem_response(error: DomainError, instance: str | None = None) -> Response[str]:
    body = problem(
        error.status, error.title, error.detail, slug=error.slug, instance=instance, errors=error.errors,
    )
    return Response(status_code=error.status, content_type=PROBLEM_JSON, body=json.dumps(body))


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    # Powertools reports ("body", "company_name") / ("query", "limit"); keep the part a client knows.
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] or parts
    return ".".join(parts) or "body"


def _validation_problem(error: RequestValidationError) -> Response[str]:
    errors = list(error.errors())
    if any(item.get("type") == "json_invalid" for item in errors):
        status, title, slug = 400, "Malformed request", "malformed-request"
        detail = "the body is not valid JSON"
        fields = [{"field": "body", "message": "the body is not valid JSON"}]
    else:
        status, title, slug = 422, "Validation failed", "validation-failed"
        detail = "the request has invalid fields"
        fields = [{"field": _field_name(item.get("loc", ())), "message": str(item.get("msg", "invalid"))}
                  for item in errors]
    body = problem(status, title, detail, slug=slug, errors=fields)
    return Response(status_code=status, content_type=PROBLEM_JSON, body=json.dumps(body))


def make_resolver() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)

    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError) -> Response[str]:
        return problem_response(error, instance=app.current_event.path)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response[str]:
        return _validation_problem(error)

    @app.not_found
    def _no_route(_: Exception) -> Response[str]:
        body = problem(404, "Not found", "no such route", slug="not-found")
        return Response(status_code=404, content_type=PROBLEM_JSON, body=json.dumps(body))

    @app.exception_handler(Exception)
    def _unexpected(_: Exception) -> Response[str]:
        logger.exception("unhandled error")
        metrics.add_metric(name="UnhandledErrors", unit="Count", value=1)
        body = problem(500, "Internal error", "something went wrong on our side", slug="internal")
        return Response(status_code=500, content_type=PROBLEM_JSON, body=json.dumps(body))

    def tenant_context(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
        claims = app.current_event.request_context.authorizer.jwt_claim or {}
        logger.thread_safe_append_keys(tenant_id=claims.get("custom:org_id"), user_id=claims.get("sub"))
        try:
            return next_middleware(app)
        finally:
            logger.thread_safe_remove_keys(["tenant_id", "user_id"])

    app.use(middlewares=[tenant_context])
    return app


MAX_JSON_BODY_BYTES = 256 * 1024  # far above any form of the API; files go to S3 or to a raw-body route


def _refused_body(
    event: dict[str, Any], raw_bodies: Mapping[str, frozenset[str]],
) -> dict[str, Any] | None:
    """415 for a body that is not JSON (or, on a route that takes a file, not of the file's types); on a
    JSON route, 413 for a body over MAX_JSON_BODY_BYTES and 400 for one that is not UTF-8 text (a route
    that takes a file checks its own size and encoding).

    Checked before the resolver: Powertools' validation runs ahead of every middleware and would
    parse a form-encoded body (curl -d's default) as a form, naming the whole text as a field, would
    parse a body of any size before a field's own limit refused it, and fails on bytes that are not UTF-8.
    """
    body = event.get("body")
    if not body:
        return None
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    content_type = str(headers.get("content-type") or "").split(";")[0].strip().lower()
    route = str(event.get("routeKey"))
    accepted = raw_bodies.get(route, frozenset({"application/json"}))
    error: DomainError | None = None
    if content_type not in accepted:
        error = UnsupportedMediaType(f"send the body as {' or '.join(sorted(accepted))} (content-type)",
                                     field="content-type")
    elif route not in raw_bodies:
        error = _json_body_error(body, encoded=bool(event.get("isBase64Encoded")))
    if error is None:
        return None
    problem_body = problem(error.status, error.title, error.detail, slug=error.slug,
                           instance=event.get("rawPath"), errors=error.errors)
    return {"statusCode": error.status, "headers": {"Content-Type": PROBLEM_JSON},
            "body": json.dumps(problem_body)}


def _json_body_error(body: str, *, encoded: bool) -> DomainError | None:
    try:
        data = base64.b64decode(body, validate=True) if encoded else body.encode("utf-8")
        if len(data) > MAX_JSON_BODY_BYTES:
            return PayloadTooLarge(f"the body is larger than {MAX_JSON_BODY_BYTES // 1024} KiB", field="body")
        data.decode("utf-8")
    except ValueError:  # binascii.Error and the Unicode errors are ValueErrors
        return BadRequest("the body is not UTF-8 text", field="body")
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")
# How a surrogate can reach a JSON body's text: escaped (as a pair's halves are too), or as itself.
# Only a body holding one of these is decoded a second time to find the field.
_MAY_HOLD_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")


def _surrogate_fields(value: Any, path: tuple[str, ...] = ()) -> list[str]:
    """Where a decoded JSON value holds a lone UTF-16 surrogate (in a string or an object's key)."""
    if isinstance(value, str):
        return [".".join(path) or "body"] if _SURROGATE.search(value) else []
    found: list[str] = []
    if isinstance(value, dict):
        for name, item in value.items():
            step = _SURROGATE.sub("\ufffd", str(name))
            found += [".".join((*path, step))] if step != name else _surrogate_fields(item, (*path, step))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _surrogate_fields(item, (*path, str(index)))
    return found


def _lone_surrogates(
    event: dict[str, Any], raw_bodies: Mapping[str, frozenset[str]],
) -> dict[str, Any] | None:
    """422 naming every field, query or path parameter holding a lone UTF-16 surrogate.

    JSON's ``"\\ud800"`` escape (and API Gateway's decoding of parameters) yields a string Python holds
    but UTF-8 cannot encode: DynamoDB, e-mails, CSV exports and events downstream would fail on it, or
    store it mangled. Checked once here for every route, before any model sees the value; a route
    that reads a file itself (``raw_bodies``) checks its own text.
    """
    fields: list[str] = []
    for source in ("pathParameters", "queryStringParameters"):
        for name, value in (event.get(source) or {}).items():
            if _SURROGATE.search(f"{name}{value}"):
                fields.append(_SURROGATE.sub("\ufffd", str(name)))
    body = event.get("body")
    if body and str(event.get("routeKey")) not in raw_bodies:
        try:
            text = base64.b64decode(body).decode("utf-8") if event.get("isBase64Encoded") else body
            if _MAY_HOLD_SURROGATE.search(text):
                fields += _surrogate_fields(json.loads(text))
        except ValueError:
            pass  # not JSON: the resolver's validation answers it
    if not fields:
        return None
    message = "contains a lone UTF-16 surrogate, which is not valid Unicode text"
    instance = _SURROGATE.sub("\ufffd", str(event.get("rawPath") or ""))
    problem_body = problem(422, "Validation failed", f"the request has invalid text: {', '.join(fields)}",
                           slug="validation-failed", instance=instance,
                           errors=[{"field": field, "message": message} for field in fields])
    return {"statusCode": 422, "headers": {"Content-Type": PROBLEM_JSON}, "body": json.dumps(problem_body)}


def current_principal(router: BaseRouter) -> Principal:
    """The caller, from the claims API Gateway's JWT authorizer verified (an HTTP API v2 event)."""
    event = cast(APIGatewayProxyEventV2, router.current_event)
    return principal_from_claims(event.request_context.authorizer.jwt_claim)


def validated[M: BaseModel](model: type[M], data: Mapping[str, Any]) -> M:
    """Validate input a handler assembles itself (e.g. from several query parameters) like the resolver
    validates a body: a 422 naming each field, never a 500."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ValidationFailed("the request has invalid fields", errors=[
            {"field": _field_name(item["loc"]) if item["loc"] else "query", "message": item["msg"]}
            for item in error.errors()
        ]) from error


def created(body: Any) -> Response[Any]:
    return Response(status_code=HTTPStatus.CREATED, content_type="application/json", body=body)


def lambda_handler(
    app: APIGatewayHttpResolver, *, raw_bodies: Mapping[str, frozenset[str]] | None = None,
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda entry point of a service API: logging context, tracing and metrics around the resolver.

    ``raw_bodies``: route key (``"POST /accounts/imports"``) → the content types the route reads itself
    (a file upload); every other route takes JSON.
    """
    accepted = dict(raw_bodies or {})

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        refused = _refused_body(event, accepted) or _lone_surrogates(event, accepted)
        return refused or app.resolve(event, context)

    return handler

"""What every DynamoDB-counting bench shares: the call tally, the function's environment, its table from
template.yaml, and an API Gateway HTTP API (v2) event handed to the real handler in process."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.handlers import BUILTIN_HANDLERS

from local.template import template

CURSOR_SECRET = "bench-cursor-secret-0123456789abcdef0123456789"  # noqa: S105 - a bench-only key  # nosec B105
_TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
               "BillingMode")


@dataclass
class Tally:
    calls: list[str] = field(default_factory=list)
    read: int = 0
    written: int = 0
    # the handler's own time per call (ms): all of it minus the time inside botocore's API calls
    overhead: list[float] = field(default_factory=list)
    # of that own time, per call (ms): PynamoDB turning DynamoDB JSON into items and items to be saved
    # into DynamoDB JSON, and Powertools
    # validating the route's return value and encoding it as JSON
    items_ms: list[float] = field(default_factory=list)
    response_ms: list[float] = field(default_factory=list)

    @property
    def overhead_p50(self) -> float:
        return statistics.median(self.overhead) if self.overhead else float("nan")

    @property
    def items_p50(self) -> float:
        return statistics.median(self.items_ms) if self.items_ms else float("nan")

    @property
    def response_p50(self) -> float:
        return statistics.median(self.response_ms) if self.response_ms else float("nan")


_active: list[Tally] = []


def _after_call(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
    if not _active:
        return
    tally = _active[-1]
    tally.calls.append(model.name)
    if model.name in {"Query", "Scan"}:
        # What DynamoDB read (and bills), before any FilterExpression dropped items.
        tally.read += int(parsed.get("ScannedCount", parsed.get("Count", 0)))
    elif model.name == "GetItem":
        tally.read += 1 if parsed.get("Item") else 0
    elif model.name == "BatchGetItem":
        tally.read += sum(len(items) for items in parsed.get("Responses", {}).values())


def _count_writes(params: dict[str, Any], model: Any, **_: Any) -> None:
    if not _active:
        return
    if model.name == "BatchWriteItem":
        _active[-1].written += sum(len(requests) for requests in params.get("RequestItems", {}).values())
    elif model.name == "TransactWriteItems":
        _active[-1].written += len(params.get("TransactItems", []))
    elif model.name in {"PutItem", "UpdateItem", "DeleteItem"}:
        _active[-1].written += 1


BUILTIN_HANDLERS.append(("after-call.dynamodb", _after_call))
BUILTIN_HANDLERS.append(("provide-client-params.dynamodb", _count_writes))


# Time spent inside botocore's API calls (serialising, moto answering, parsing), summed per thread
# of the bench; what a handler spends outside them is its own overhead.
_in_botocore = [0.0]
_make_api_call = BaseClient._make_api_call  # type: ignore[attr-defined]


def _timed_api_call(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
    started = time.perf_counter()
    try:
        return _make_api_call(self, operation_name, api_params)
    finally:
        _in_botocore[0] += time.perf_counter() - started


BaseClient._make_api_call = _timed_api_call  # type: ignore[attr-defined]


# Two parts of a handler's own time, timed where they happen: PynamoDB items (building an item from each
# DynamoDB JSON record an answer carries, after botocore has parsed it, and serialising each item a
# write saves), and Powertools' response middleware (validating the return value against the route's
# model and encoding it).
_in_items, _in_response = [0.0], [0.0]


def _timing(owner: Any, name: str, total: list[float], *, is_classmethod: bool = False) -> None:
    original = owner.__dict__[name].__func__ if is_classmethod else owner.__dict__[name]

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - started

    setattr(owner, name, classmethod(timed) if is_classmethod else timed)


def _time_the_parts() -> None:
    from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
        OpenAPIResponseValidationMiddleware,
    )
    from pynamodb.models import Model

    _timing(Model, "from_raw_data", _in_items, is_classmethod=True)
    _timing(Model, "serialize", _in_items)
    _timing(OpenAPIResponseValidationMiddleware, "_handle_response", _in_response)


_time_the_parts()


def count_calls_of(service: str, label: str) -> None:
    """Tally the calls to another service too, as "<label> <operation>" (for clients created after)."""

    def counted(model: Any, **_: Any) -> None:
        if _active:
            _active[-1].calls.append(f"{label} {model.name}")

    BUILTIN_HANDLERS.append((f"after-call.{service}", counted))


@contextmanager
def tally() -> Iterator[Tally]:
    current = Tally()
    _active.append(current)
    try:
        yield current
    finally:
        _active.remove(current)


def environment(service: str, table: str, **extra: str) -> None:
    os.environ.update({
        "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",  # nosec B105 # moto accepts any credentials
        "POWERTOOLS_SERVICE_NAME": service, "POWERTOOLS_METRICS_NAMESPACE": "Trellis",
        "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "ERROR", "TABLE_NAME": table,
        **extra,
    })


def create_secrets(**values: str) -> None:
    """The keys the functions read at run time, in (moto's) Secrets Manager and named in the environment by
    ARN, as template.yaml names them (call inside ``mock_aws``): the cursor key, and ``values``."""
    from trellis import secrets
    from trellis.settings import get_settings

    client = boto3.client("secretsmanager")
    for variable, value in {"CURSOR_SECRET_ARN": CURSOR_SECRET, **values}.items():
        os.environ[variable] = client.create_secret(Name=variable, SecretString=value)["ARN"]
    get_settings.cache_clear()
    secrets.clear_cache()


def create_table(logical_id: str, *, name: str | None = None, stream: bool = False) -> None:
    """The table as template.yaml declares it (named ``name``, else its logical id)."""
    props = template().tables[logical_id]
    request = {key: props[key] for key in _TABLE_KEYS if key in props}
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    boto3.client("dynamodb").create_table(TableName=name or logical_id, **request)


class Context:
    function_name, memory_limit_in_mb, aws_request_id = "bench", 512, "bench"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:bench"


def api_event(method: str, path: str, route: str, *, claims: dict[str, str],
              query: dict[str, str] | None = None, body: Any = None,
              params: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "version": "2.0", "routeKey": f"{method} {route}", "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "queryStringParameters": query or None, "pathParameters": params,
        "headers": {"content-type": "application/json"},
        "requestContext": {"http": {"method": method, "path": path, "sourceIp": "127.0.0.1"},
                           "authorizer": {"jwt": {"claims": claims, "scopes": None}},
                           "requestId": "bench", "stage": "$default"},
        "body": json.dumps(body) if body is not None else None, "isBase64Encoded": False,
    }


def call(handler: Callable[[dict[str, Any], Any], dict[str, Any]],
         event: dict[str, Any]) -> tuple[Any, Tally]:
    """The handler's answer (a 4xx or 5xx is an error of the bench) and what it cost."""
    with tally() as counted:
        response = _timed(handler, event, counted)
    if response["statusCode"] >= 400:
        raise RuntimeError(f"{event['routeKey']} answered {response['statusCode']}: {response['body']}")
    return json.loads(response["body"] or "null"), counted


def _timed(handler: Callable[[dict[str, Any], Any], dict[str, Any]], event: dict[str, Any],
           counted: Tally) -> dict[str, Any]:
    before, items, encoding = _in_botocore[0], _in_items[0], _in_response[0]
    started = time.perf_counter()
    response = handler(event, Context())
    total = time.perf_counter() - started
    counted.overhead.append((total - (_in_botocore[0] - before)) * 1000)
    counted.items_ms.append((_in_items[0] - items) * 1000)
    counted.response_ms.append((_in_response[0] - encoding) * 1000)
    return response


def repeat_overhead(handler: Callable[[dict[str, Any], Any], dict[str, Any]], event: dict[str, Any],
                    counted: Tally, rounds: int) -> None:
    """``rounds`` more calls of a read (no state changes), their overhead added to ``counted``'s."""
    for _ in range(rounds):
        response = _timed(handler, event, counted)
        if response["statusCode"] >= 400:
            raise RuntimeError(f"{event['routeKey']} answered {response['statusCode']}: {response['body']}")

"""Counting DynamoDB calls made by code under test, through botocore's event hooks.

``install()`` appends two handlers to ``botocore.handlers.BUILTIN_HANDLERS`` (the way moto hooks
in), so every botocore session created afterwards - including the per-thread sessions PynamoDB
builds with ``botocore.session.get_session`` - reports its DynamoDB calls to the active recorders.
Calls to the other services whose IAM actions the tests check (``OTHER_SERVICES``) are recorded
by name only, in ``Recorder.other_calls`` (they never count among ``operations``); Secrets Manager
reads with the secret they name, in ``Recorder.secret_reads``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.handlers import BUILTIN_HANDLERS

_CONTEXT_KEY = "trellis_test_call"


@dataclass
class Call:
    operation: str
    tables: tuple[str, ...]
    # What IAM authorises the call as: (action, table, on an index). A transaction is its items' actions.
    permissions: tuple[tuple[str, str, bool], ...] = ()
    items_read: int | None = None  # what the response says was read (Count, Item, Responses)
    scanned: int | None = None  # ScannedCount of a Query
    items_written: int = 0  # items a write asks for (a transaction: each of its items)
    failed: bool = False


@dataclass
class Recorder:
    calls: list[Call] = field(default_factory=list)
    paused: bool = False
    forbidden: set[str] = field(default_factory=set)  # operations that fail the test at once
    # Run once, just before the next call of an operation (to interleave a concurrent request); a hook
    # that returns another hook has that one run before the call after.
    before: dict[str, Callable[[], Any]] = field(default_factory=dict)
    # Answer the next call of an operation with this error instead of calling DynamoDB (once).
    fail_next: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Calls to OTHER_SERVICES as IAM actions, e.g. "cognito-idp:AdminCreateUser".
    other_calls: list[str] = field(default_factory=list)
    # Secrets Manager calls as (IAM action, SecretId), e.g. ("secretsmanager:GetSecretValue", <ARN>).
    secret_reads: list[tuple[str, str]] = field(default_factory=list)

    @property
    def operations(self) -> list[str]:
        return [call.operation for call in self.calls]

    def on(self, table: str) -> list[str]:
        """The operations that touched one table."""
        return [call.operation for call in self.calls if table in call.tables]

    def clear(self) -> None:
        self.calls.clear()

    @contextmanager
    def pause(self) -> Iterator[None]:
        """Calls the test itself makes (setup, assertions) are not the code's calls."""
        previous, self.paused = self.paused, True
        try:
            yield
        finally:
            self.paused = previous


_active: list[Recorder] = []


@contextmanager
def recording() -> Iterator[Recorder]:
    recorder = Recorder()
    _active.append(recorder)
    try:
        yield recorder
    finally:
        _active.remove(recorder)


def transaction_cancelled(*reasons: str) -> dict[str, Any]:
    """The error DynamoDB answers a cancelled TransactWriteItems with, one reason per item."""
    return {
        "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
        "CancellationReasons": [{"Code": reason} for reason in reasons],
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }


_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def _describe(
    operation: str, params: dict[str, Any]
) -> tuple[tuple[str, ...], tuple[tuple[str, str, bool], ...]]:
    """The tables a call touches and the IAM permissions it needs."""
    try:
        body = json.loads(params.get("body") or b"{}")
    except (TypeError, ValueError):
        return (), ()
    permissions: list[tuple[str, str, bool]] = []
    if "TableName" in body and "TransactItems" not in body:
        permissions.append((f"dynamodb:{operation}", body["TableName"], "IndexName" in body))
    permissions.extend((f"dynamodb:{operation}", table, False) for table in body.get("RequestItems", {}))
    for entry in body.get("TransactItems", []):
        for kind, op in entry.items():
            action = _TRANSACT_ACTIONS.get(kind, "GetItem")  # TransactGetItems: Get → GetItem
            permissions.append((f"dynamodb:{action}", op["TableName"], False))
    tables = tuple(dict.fromkeys(table for _, table, _ in permissions))
    return tables, tuple(dict.fromkeys(permissions))


def _items_written(operation: str, params: dict[str, Any]) -> int:
    if operation in {"PutItem", "UpdateItem", "DeleteItem"}:
        return 1
    try:
        body = json.loads(params.get("body") or b"{}")
    except (TypeError, ValueError):
        return 0
    if operation == "TransactWriteItems":
        return len(body.get("TransactItems", []))
    if operation == "BatchWriteItem":
        return sum(len(requests) for requests in body.get("RequestItems", {}).values())
    return 0


def _before_call(
    model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any
) -> tuple[AWSResponse, dict[str, Any]] | None:
    recorders = [recorder for recorder in _active if not recorder.paused]
    if not recorders:
        return None
    tables, permissions = _describe(model.name, params)
    call = Call(operation=model.name, tables=tables, permissions=permissions,
                items_written=_items_written(model.name, params))
    context[_CONTEXT_KEY] = call
    for recorder in recorders:
        recorder.calls.append(call)
    for recorder in recorders:
        if model.name in recorder.forbidden:
            # BaseException: escapes the handlers' catch-all error mapping and fails the test here.
            pytest.fail(f"DynamoDB {model.name} on {', '.join(call.tables)} is forbidden in Trellis code")
    for recorder in recorders:
        hook = recorder.before.pop(model.name, None)
        if hook is not None:
            following = hook()
            if callable(following):  # a hook may name the one for the next call of the operation
                recorder.before[model.name] = following
    for recorder in recorders:
        error = recorder.fail_next.pop(model.name, None)
        if error is not None:
            # botocore takes the first response a before-call handler returns instead of sending.
            status = int(error.get("ResponseMetadata", {}).get("HTTPStatusCode", 400))
            return AWSResponse(params.get("url", ""), status, {}, None), error
    return None


def _after_call(http_response: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    call: Call | None = context.get(_CONTEXT_KEY)
    if call is None:
        return
    call.failed = http_response.status_code >= 300
    if call.operation in {"Query", "Scan"}:
        call.items_read, call.scanned = parsed.get("Count"), parsed.get("ScannedCount")
    elif call.operation == "GetItem":
        call.items_read = 1 if parsed.get("Item") else 0
    elif call.operation == "BatchGetItem":
        call.items_read = sum(len(items) for items in parsed.get("Responses", {}).values())


# botocore's event names use the hyphenated service id; IAM actions the endpoint prefix (cognito-idp).
OTHER_SERVICES = ("cognito-identity-provider",)


def _before_other_call(model: Any, **_: Any) -> None:
    action = f"{model.service_model.endpoint_prefix}:{model.name}"
    for recorder in _active:
        if not recorder.paused:
            recorder.other_calls.append(action)


def _before_secrets_call(model: Any, params: dict[str, Any], **_: Any) -> None:
    action = f"{model.service_model.signing_name}:{model.name}"
    for recorder in _active:
        if not recorder.paused:
            recorder.secret_reads.append((action, str(params.get("SecretId"))))


_installed = False


def install() -> None:
    """Hook every botocore session created from now on (call before the first session exists)."""
    global _installed
    if _installed:
        return
    BUILTIN_HANDLERS.append(("before-call.dynamodb", _before_call))
    BUILTIN_HANDLERS.append(("after-call.dynamodb", _after_call))
    for service in OTHER_SERVICES:
        BUILTIN_HANDLERS.append((f"before-call.{service}", _before_other_call))
    BUILTIN_HANDLERS.append(("before-parameter-build.secrets-manager", _before_secrets_call))
    _installed = True

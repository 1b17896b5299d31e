"""Key material is read from Secrets Manager at run time: the environment names a secret, never holds it.

The cursor key is the example: a warm function reads it once per cache period (Powertools Parameters'
cache, ``trellis.secrets.MAX_AGE_SECONDS``), and a value rotated in Secrets Manager is in use once the
cache has aged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.aws import CURSOR_SECRET, Stack
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner
from trellis import secrets

ROTATED = "rotated-cursor-secret-0123456789abcdef0123456789"
READ_CURSOR_KEY = "secretsmanager:GetSecretValue"


def _later(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    """The clock Powertools' parameter cache reads, ``seconds`` ahead: its entries age, none is cleared."""
    from aws_lambda_powertools.utilities.parameters import base

    class Later(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Later:
            moment = datetime.now(tz) + timedelta(seconds=seconds)
            return cls.fromtimestamp(moment.timestamp(), tz)

    monkeypatch.setattr(base, "datetime", Later)


def test_the_environment_names_the_cursor_key_and_never_holds_it(aws: Stack, partners: ApiClient) -> None:
    environment = partners.runner.env
    assert environment["CURSOR_SECRET_ARN"] == aws.secrets["CursorSecret"]
    assert not any(CURSOR_SECRET in value for value in environment.values())


def test_the_cursor_key_is_read_once_per_cache_period_and_a_rotation_is_used_once_the_cache_aged(
    aws: Stack, partners: ApiClient, new_partnership: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arn = aws.secrets["CursorSecret"]
    for name in ("Northwind", "Contoso", "Fabrikam"):
        new_partnership(company_name=name)
    secrets.clear_cache()  # a cold function

    # When the first page is listed, the function reads the key from Secrets Manager
    first = partners.get("/partnerships", query={"limit": 1})
    assert first.status == 200, first.text
    assert first.calls.secret_reads == [(READ_CURSOR_KEY, arn)]
    cursor = first.json()["next_cursor"]

    # Then the next request of the warm function uses the cached key
    second = partners.get("/partnerships", query={"limit": 1, "cursor": cursor})
    assert second.status == 200, second.text
    assert second.calls.secret_reads == []

    # When the key is rotated, the warm function keeps its cached key until the cache ages
    aws.rotate_secret("CursorSecret", ROTATED)
    _later(monkeypatch, secrets.MAX_AGE_SECONDS - 10)
    still_cached = partners.get("/partnerships", query={"limit": 1, "cursor": cursor})
    assert still_cached.status == 200, still_cached.text
    assert still_cached.calls.secret_reads == []

    # Then, once the cache has aged, it reads the rotated key: the old cursor no longer verifies
    _later(monkeypatch, secrets.MAX_AGE_SECONDS + 1)
    refused = partners.get("/partnerships", query={"limit": 1, "cursor": cursor})
    assert_problem(refused, 400, "cursor")
    assert refused.calls.secret_reads == [(READ_CURSOR_KEY, arn)]
    # and cursors signed with the rotated key do
    fresh = partners.get("/partnerships", query={"limit": 1})
    assert fresh.calls.secret_reads == []
    following = partners.get("/partnerships", query={"limit": 1, "cursor": fresh.json()["next_cursor"]})
    assert following.status == 200, following.text


def test_a_read_the_template_does_not_grant_fails_the_test(
    aws: Stack, partners: ApiClient, new_partnership: Callable[..., dict[str, Any]],
) -> None:
    # Given the partners API function without its GetSecretValue statement (moto enforces no IAM)
    function = partners.runner.function
    policies = [
        {**policy, "Statement": [statement for statement in policy["Statement"]
                                 if not str(statement.get("Action")).startswith("secretsmanager:")]}
        for policy in function.properties["Policies"]
    ]
    ungranted = ApiClient(runner=FunctionRunner(
        stack=aws, function=replace(function, properties={**function.properties, "Policies": policies})))
    new_partnership(company_name="Northwind")
    new_partnership(company_name="Contoso")
    secrets.clear_cache()
    # When it signs a cursor, reading the key from Secrets Manager, the harness refuses the call
    with pytest.raises(AssertionError, match="secretsmanager:GetSecretValue"):
        ungranted.as_user(partners.user).get("/partnerships", query={"limit": 1})

"""Assertions the API tests share."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiResponse

PROBLEM_JSON = "application/problem+json"


def assert_problem(response: ApiResponse, status: int, *fields: str) -> dict[str, Any]:
    """An RFC 9457 answer with this status, naming exactly these fields (when given)."""
    assert response.status == status, response.text
    assert response.content_type == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    assert body["title"]
    assert body["detail"]
    if fields:
        assert sorted(set(response.error_fields)) == sorted(fields), body
    return body


def entities(stack: Stack, table: str) -> Counter[str]:
    """How many items of each entity the table holds (read on moto's side)."""
    return stack.entity_counts(table)


def outbox_events(stack: Stack, table: str) -> list[dict[str, Any]]:
    """The envelopes of the table's outbox items, oldest first."""
    events = [json.loads(item["detail"]) for item in stack.items(table, entity="Outbox")]
    return sorted(events, key=lambda event: event["occurred_at"])

"""Resource limits on every route of the live OpenAPI document (issue #9, item 5): a JSON body over the
cap is 413 before any parsing, and every page size is capped (422 naming ``limit`` above the cap)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import LocalStack, concrete, operations
from trellis.api import MAX_JSON_BODY_BYTES

pytestmark = pytest.mark.e2e

ADMIN = "admin@acme.example"
PROBLEM_JSON = "application/problem+json"


def _takes_json(operation: dict[str, Any]) -> bool:
    content = operation.get("requestBody", {}).get("content", {})
    return "application/json" in content


def test_every_json_route_refuses_an_oversized_body_with_413(stack: LocalStack) -> None:
    oversized = json.dumps({"padding": "x" * (MAX_JSON_BODY_BYTES + 1)})
    headers = {**stack.as_user(ADMIN), "content-type": "application/json"}
    routes = [key for key, operation in operations(stack).items() if _takes_json(operation)]
    assert len(routes) > 60, "the document lost its routes"
    wrong: list[str] = []
    for key in routes:
        method, path = key.split(" ", 1)
        response = stack.session.request(method, stack.url(concrete(path)), data=oversized, headers=headers,
                                         timeout=30)
        fields = {error.get("field") for error in response.json().get("errors", [])} \
            if response.headers.get("content-type") == PROBLEM_JSON else set()
        if response.status_code != 413 or fields != {"body"}:
            wrong.append(f"{key}: {response.status_code} {response.text[:100]}")

    assert wrong == []


def test_every_page_size_is_capped(stack: LocalStack) -> None:
    capped: list[str] = []
    uncapped: list[str] = []
    checked = 0
    for key, operation in operations(stack).items():
        limit = next((parameter for parameter in operation.get("parameters", [])
                      if parameter["name"] == "limit" and parameter["in"] == "query"), None)
        if limit is None:
            continue
        schema = limit["schema"]
        maximum = schema.get("maximum") or next(
            (option["maximum"] for option in schema.get("anyOf", []) if "maximum" in option), None)
        if maximum is None:
            uncapped.append(key)
            continue
        checked += 1
        method, path = key.split(" ", 1)
        response = stack.session.request(method, stack.url(concrete(path)), params={"limit": maximum + 1},
                                         headers=stack.as_user(ADMIN), timeout=10)
        fields = {error.get("field") for error in response.json().get("errors", [])}
        if response.status_code != 422 or "limit" not in fields:
            capped.append(f"{key}: {response.status_code} {response.text[:100]}")
        assert maximum <= 500, f"{key}: a page of {maximum}"

    assert checked > 25, "the document lost its list routes"
    assert uncapped == []
    assert capped == []

"""The shared API entry point refuses a body before the resolver parses it: 415 for the wrong type,
413 for a JSON body over the cap; a route that takes a file keeps its own limit."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from trellis.api import MAX_JSON_BODY_BYTES, _refused_body

RAW = {"POST /accounts/imports": frozenset({"text/csv"})}


def _event(route: str, body: str, content_type: str = "application/json", encoded: bool = False,
           ) -> dict[str, Any]:
    return {"routeKey": route, "rawPath": route.split(" ", 1)[1], "body": body, "isBase64Encoded": encoded,
            "headers": {"Content-Type": content_type}}


def _padded(size: int) -> str:
    envelope = json.dumps({"padding": ""})
    return json.dumps({"padding": "x" * (size - len(envelope))})


def test_a_json_body_at_the_cap_reaches_the_resolver() -> None:
    assert _refused_body(_event("POST /partnerships", _padded(MAX_JSON_BODY_BYTES)), RAW) is None


@pytest.mark.parametrize("encoded", [False, True])
def test_a_json_body_over_the_cap_is_413_naming_the_body(encoded: bool) -> None:
    body = _padded(MAX_JSON_BODY_BYTES + 3)
    if encoded:
        body = base64.b64encode(body.encode()).decode()

    refused = _refused_body(_event("POST /partnerships", body, encoded=encoded), RAW)

    assert refused is not None
    assert refused["statusCode"] == 413
    assert [error["field"] for error in json.loads(refused["body"])["errors"]] == ["body"]


def test_multibyte_text_is_counted_in_bytes() -> None:
    body = json.dumps({"name": "é" * (MAX_JSON_BODY_BYTES // 2 + 8)}, ensure_ascii=False)
    assert len(body) < MAX_JSON_BODY_BYTES

    refused = _refused_body(_event("PATCH /partnerships/x", body), RAW)

    assert refused is not None
    assert refused["statusCode"] == 413


def test_a_file_route_keeps_its_own_limit() -> None:
    csv = "domain\n" + "a.example\n" * (MAX_JSON_BODY_BYTES // 8)

    assert _refused_body(_event("POST /accounts/imports", csv, content_type="text/csv"), RAW) is None


def test_the_wrong_type_is_415_before_the_size() -> None:
    refused = _refused_body(_event("POST /partnerships", "x" * (MAX_JSON_BODY_BYTES + 1), "text/plain"), RAW)

    assert refused is not None
    assert refused["statusCode"] == 415


@pytest.mark.parametrize("body", [base64.b64encode(b"\xfd\x00{").decode(), "not base64 at all!"],
                         ids=["not-utf8", "not-base64"])
def test_an_encoded_body_that_is_not_utf8_text_is_400_naming_the_body(body: str) -> None:
    # found by fuzzing: Powertools' decoding raised, and the catch-all answered 500
    refused = _refused_body(_event("POST /partnerships", body, encoded=True), RAW)

    assert refused is not None
    assert refused["statusCode"] == 400
    assert [error["field"] for error in json.loads(refused["body"])["errors"]] == ["body"]


def test_an_encoded_utf8_json_body_reaches_the_resolver() -> None:
    body = base64.b64encode(json.dumps({"name": "Zürich"}).encode()).decode()

    assert _refused_body(_event("POST /partnerships", body, encoded=True), RAW) is None

"""Custom-field values for any JSON value (partners.logic.custom_fields, PUT .../custom-fields).

What the service promises: any JSON value either validates — and is then stored as the normalised value
it answers, within what DynamoDB can store — or is a 422 naming the field (``values.<key>``); never a
5xx, and a refused save writes nothing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import DYNAMODB_CONTEXT
from hypothesis import given, settings
from hypothesis import strategies as st

from partners.logic.custom_fields import MAX_NUMBER, MAX_TEXT_LENGTH, parse_value
from tests.helpers.lambda_runtime import ApiClient

OPTIONS = ["basic", "premium", "enterprise"]
TYPES = ["text", "number", "date", "single_select", "multi_select"]
FIELDS: list[dict[str, Any]] = [
    {"key": "notes", "label": "Notes", "type": "text"},
    {"key": "seats", "label": "Seats", "type": "number"},
    {"key": "renewal", "label": "Renewal date", "type": "date"},
    {"key": "support", "label": "Support", "type": "single_select", "options": OPTIONS},
    {"key": "regions", "label": "Regions", "type": "multi_select", "options": OPTIONS},
]

# What json.loads can hand the service: Python's parser also reads NaN and Infinity.
SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats()
    | st.integers(min_value=-MAX_NUMBER - 2, max_value=MAX_NUMBER + 2)
    | st.builds(lambda digits, exponent: digits * 10.0**exponent,
                st.integers(min_value=-999, max_value=999), st.integers(min_value=-330, max_value=16))
    | st.text(max_size=30) | st.sampled_from([*OPTIONS, "2024-02-29", "2023-02-29", "2024-13-01", ""])
    | st.text(min_size=MAX_TEXT_LENGTH - 2, max_size=MAX_TEXT_LENGTH + 2, alphabet="ab \n")
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.lists(st.sampled_from(OPTIONS), max_size=4)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _storable_number(value: int | float) -> bool:
    """DynamoDB keeps 38 significant digits between 1E-130 and 9.99E+125 in magnitude (or 0)."""
    try:
        DYNAMODB_CONTEXT.create_decimal(Decimal(json.dumps(value)))
    except ArithmeticError:
        return False
    return True


@given(st.sampled_from(TYPES), JSON_VALUES)
def test_any_value_is_normalised_or_refused_with_a_reason(field_type: str, raw: Any) -> None:
    try:
        value = parse_value(field_type, OPTIONS, raw)
    except ValueError as error:
        message = str(error)
        assert message, "a refusal says why"
        return
    if value is None:
        return
    if field_type == "text":
        assert isinstance(value, str)
        assert value == value.strip()
        assert 0 < len(value) <= MAX_TEXT_LENGTH
    elif field_type == "number":
        assert isinstance(value, int | float)
        assert not isinstance(value, bool)
        assert math.isfinite(value)
        assert abs(value) <= MAX_NUMBER
        assert _storable_number(value)
        assert parse_value(field_type, OPTIONS, value) == value  # normalised once and for all
    elif field_type == "single_select":
        assert value in OPTIONS
    elif field_type == "multi_select":
        assert isinstance(value, list)
        assert value
        assert value == [option for option in OPTIONS if option in value]
    else:
        assert isinstance(value, str)
        assert len(value) == 10


@pytest.fixture
def partnership_values(
    partners: ApiClient, new_partnership: Callable[..., dict[str, Any]],
) -> str:
    for body in FIELDS:
        response = partners.post("/custom-fields", json_body=body)
        assert response.status == 201, response.text
    return f"/partnerships/{new_partnership()['id']}/custom-fields"


@pytest.mark.parametrize("key", [field["key"] for field in FIELDS])
@settings(max_examples=20)  # each example is three requests on moto
@given(raw=JSON_VALUES)
def test_any_json_value_is_saved_or_a_422_naming_the_field(
    partners: ApiClient, partnership_values: str, key: str, raw: Any,
) -> None:
    before = partners.get(partnership_values).json()
    response = partners.put(partnership_values, json_body={"values": {key: raw}})
    if response.status == 422:
        assert [error["field"] for error in response.json()["errors"]] == [f"values.{key}"]
        assert partners.get(partnership_values).json() == before  # nothing written
        return
    assert response.status == 200, response.text
    saved = {field["key"]: field["value"] for field in response.json()["fields"]}
    assert saved[key] == parse_value(next(f["type"] for f in FIELDS if f["key"] == key), OPTIONS, raw)
    read = {field["key"]: field["value"] for field in partners.get(partnership_values).json()["fields"]}
    assert read == saved

"""The rules of custom-field values, one type at a time (parse_value is what every write goes through)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from partners.logic.custom_fields import MAX_NUMBER, MAX_TEXT_LENGTH, parse_value
from trellis.industries import normalise_industry

OPTIONS = ["basic", "premium", "enterprise"]


@pytest.mark.parametrize(
    ("field_type", "raw", "stored"),
    [
        ("text", "  hello  ", "hello"),
        ("text", "two\nlines\tok", "two\nlines\tok"),
        ("text", "   ", None),
        ("text", "x" * MAX_TEXT_LENGTH, "x" * MAX_TEXT_LENGTH),
        ("number", 0, 0),
        ("number", -3, -3),
        ("number", 2.5, 2.5),
        ("number", 4.0, 4),
        ("number", 0.1 + 0.2, 0.3),
        ("number", MAX_NUMBER, MAX_NUMBER),
        ("number", 1e-130, 1e-130),
        ("number", -0.0, 0),
        ("number", -float(MAX_NUMBER), -MAX_NUMBER),
        ("date", "2024-02-29", "2024-02-29"),
        ("single_select", "premium", "premium"),
        ("multi_select", ["enterprise", "basic"], ["basic", "enterprise"]),
        ("multi_select", [], None),
        ("text", None, None),
        ("number", None, None),
        ("multi_select", None, None),
    ],
)
def test_a_valid_value_is_normalised(field_type: str, raw: Any, stored: Any) -> None:
    value = parse_value(field_type, OPTIONS, raw)
    assert value == stored
    assert type(value) is type(stored)


@pytest.mark.parametrize(
    ("field_type", "raw"),
    [
        ("text", 3),
        ("text", ["a"]),
        ("text", "x" * (MAX_TEXT_LENGTH + 1)),
        ("text", "null\x00byte"),
        ("text", "escape\x1b"),
        ("number", True),
        ("number", False),
        ("number", "3"),
        ("number", math.inf),
        ("number", math.nan),
        ("number", MAX_NUMBER + 1),
        ("number", -(MAX_NUMBER + 1)),
        ("number", 1e300),
        # DynamoDB stores nothing this close to 0 but 0: the write failed as a 500 (found by a property test)
        ("number", 3.684538030215269e-164),
        ("number", -9.9e-131),
        ("number", 5e-324),
        ("date", "2023-02-29"),
        ("date", "2024-13-01"),
        ("date", "2024-1-5"),
        ("date", "20240105"),
        ("date", "2024-01-05T00:00:00"),
        ("date", " 2024-01-05"),
        ("date", 20240105),
        ("single_select", "Premium"),
        ("single_select", "gold"),
        ("single_select", ["basic"]),
        ("single_select", 1),
        ("multi_select", "basic"),
        ("multi_select", ["basic", "basic"]),
        ("multi_select", ["basic", "gold"]),
        ("multi_select", ["basic", 1]),
        ("checkbox", True),
    ],
)
def test_an_invalid_value_is_refused_with_a_reason(field_type: str, raw: Any) -> None:
    with pytest.raises(ValueError, match=r"\w") as error:
        parse_value(field_type, OPTIONS, raw)
    assert str(error.value)


def test_normalised_numbers_survive_a_json_and_dynamodb_round_trip() -> None:
    # DynamoDB keeps up to 38 digits; JSON and Python floats keep 15 significant digits exactly
    for raw in (0.1, 1 / 3, 2 / 3 * 1e10, 123456789.123456789, -7.000000000000001):
        value = parse_value("number", [], raw)
        assert isinstance(value, int | float)
        assert float(repr(value)) == value
        assert len(repr(value).replace("-", "").replace(".", "").lstrip("0")) <= 17


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("software_saas", "software_saas"),
        ("Software SaaS", "software_saas"),
        ("  Financial-Services ", "financial_services"),
        ("Consulting & Professional Services", "consulting_professional_services"),
    ],
)
def test_industries_are_read_forgivingly_as_codes(raw: str, code: str) -> None:
    assert normalise_industry(raw) == code


@pytest.mark.parametrize("raw", ["crypto", "", "software"])
def test_an_unknown_industry_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="must be one of"):
        normalise_industry(raw)

"""EventBridge-style event patterns, as Lambda applies them to event source FilterCriteria.

moto runs the bus rules itself, but nothing in moto filters event source mappings (and its
``TestEventPattern`` is a stub), so the local stack matches the template's FilterCriteria here.
The subset covers what Trellis writes and what is cheap to get right: exact values, nested
objects, ``prefix``, ``suffix``, ``anything-but``, ``exists``, ``equals-ignore-case`` and
``numeric``. Anything else is rejected by :func:`validate` when the stack starts, instead of being
matched wrongly at run time.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

_MISSING = object()
_NUMERIC: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, "=": operator.eq, ">": operator.gt, ">=": operator.ge,
}
_OPERATORS = frozenset({"prefix", "suffix", "anything-but", "exists", "equals-ignore-case", "numeric"})


class UnsupportedPattern(ValueError):
    pass


def matches(pattern: Mapping[str, Any], event: Any) -> bool:
    """True when ``event`` (a decoded JSON object) matches ``pattern``."""
    if not isinstance(event, Mapping):
        event = {}
    for key, expected in pattern.items():
        value = event.get(key, _MISSING)
        if isinstance(expected, Mapping):
            # A missing or non-object field is an empty object, so nested {"exists": false} holds.
            if not matches(expected, value if isinstance(value, Mapping) else {}):
                return False
        elif isinstance(expected, list):
            if not _leaf_matches(expected, value):
                return False
        else:
            raise UnsupportedPattern(f"pattern values must be objects or arrays, got {expected!r} at {key!r}")
    return True


def matches_any(patterns: list[dict[str, Any]], event: Any) -> bool:
    """Lambda keeps a record when any of the filters matches; no filters keeps everything."""
    return not patterns or any(matches(pattern, event) for pattern in patterns)


def _leaf_matches(matchers: list[Any], value: Any) -> bool:
    if value is _MISSING:
        return any(isinstance(m, Mapping) and m.get("exists") is False for m in matchers)
    values = value if isinstance(value, list) else [value]
    return any(_one(matcher, item) for matcher in matchers for item in values)


def _same(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return expected is value
    if isinstance(expected, int | float) and isinstance(value, int | float):
        return float(expected) == float(value)
    return bool(type(expected) is type(value) and expected == value)


def _one(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, Mapping):
        return _same(matcher, value)
    (name, argument), = matcher.items()
    if name == "exists":
        return argument is True
    if name == "prefix":
        return isinstance(value, str) and value.startswith(argument)
    if name == "suffix":
        return isinstance(value, str) and value.endswith(argument)
    if name == "equals-ignore-case":
        return isinstance(value, str) and value.casefold() == str(argument).casefold()
    if name == "anything-but":
        if isinstance(argument, Mapping):
            return isinstance(value, str) and not _one(argument, value)
        excluded = argument if isinstance(argument, list) else [argument]
        return not any(_same(item, value) for item in excluded)
    if name == "numeric":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        pairs = zip(argument[::2], argument[1::2], strict=True)
        return all(_NUMERIC[op](float(value), float(bound)) for op, bound in pairs)
    raise UnsupportedPattern(f"the local stack does not implement the {name!r} pattern operator")


def validate(pattern: Mapping[str, Any], where: str = "pattern") -> None:
    """Raise UnsupportedPattern for anything :func:`matches` would not match the way AWS does."""
    if not isinstance(pattern, Mapping) or not pattern:
        raise UnsupportedPattern(f"{where}: a pattern is a non-empty JSON object")
    for key, expected in pattern.items():
        path = f"{where}.{key}"
        if isinstance(expected, Mapping):
            validate(expected, path)
        elif isinstance(expected, list) and expected:
            for matcher in expected:
                _validate_matcher(matcher, path)
        else:
            raise UnsupportedPattern(f"{path}: expected an object or a non-empty array, got {expected!r}")


def _validate_matcher(matcher: Any, path: str) -> None:
    if not isinstance(matcher, Mapping):
        if isinstance(matcher, list | tuple):
            raise UnsupportedPattern(f"{path}: nested arrays are not patterns")
        return
    if len(matcher) != 1:
        raise UnsupportedPattern(f"{path}: a matcher object has exactly one operator, got {sorted(matcher)}")
    (name, argument), = matcher.items()
    if name not in _OPERATORS:
        raise UnsupportedPattern(f"{path}: the local stack does not implement the {name!r} pattern operator")
    if name == "exists" and not isinstance(argument, bool):
        raise UnsupportedPattern(f"{path}: exists takes true or false")
    if name in {"prefix", "suffix", "equals-ignore-case"} and not isinstance(argument, str):
        raise UnsupportedPattern(f"{path}: {name} takes a string")
    if name == "anything-but" and isinstance(argument, Mapping) and (
            set(argument) - {"prefix", "suffix"} or len(argument) != 1):
        raise UnsupportedPattern(f"{path}: anything-but takes a value, a list, or one prefix/suffix")
    if name == "numeric":
        ok = (isinstance(argument, list) and argument and len(argument) % 2 == 0
              and all(op in _NUMERIC for op in argument[::2])
              and all(isinstance(n, int | float) and not isinstance(n, bool) for n in argument[1::2]))
        if not ok:
            raise UnsupportedPattern(f"{path}: numeric takes [op, number, …] with ops {sorted(_NUMERIC)}")

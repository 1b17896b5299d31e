"""Domain errors and the RFC 9457 problem body they become."""

from __future__ import annotations

import pytest

from trellis.errors import (
    BadRequest,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    Unauthorized,
    ValidationFailed,
    problem,
)


@pytest.mark.parametrize(
    ("error", "status", "slug"),
    [
        (BadRequest, 400, "bad-request"),
        (Unauthorized, 401, "unauthorized"),
        (Forbidden, 403, "forbidden"),
        (NotFound, 404, "not-found"),
        (Conflict, 409, "conflict"),
        (ValidationFailed, 422, "validation-failed"),
    ],
)
def test_each_domain_error_has_its_status_and_problem_type(
    error: type[DomainError],
    status: int,
    slug: str,
) -> None:
    raised = error("something is off")
    assert isinstance(raised, DomainError)
    assert (raised.status, raised.slug, raised.detail) == (status, slug, "something is off")
    assert raised.errors == []


def test_an_error_about_a_field_lists_it() -> None:
    error = ValidationFailed("unknown stage", field="stage")
    assert error.field == "stage"
    assert error.errors == [{"field": "stage", "message": "unknown stage"}]


def test_explicit_errors_win_over_the_field() -> None:
    errors = [{"field": "a", "message": "x"}, {"field": "b", "message": "y"}]
    assert ValidationFailed("two problems", field="a", errors=errors).errors == errors


def test_the_problem_body_follows_rfc_9457() -> None:
    body = problem(404, "Not found", "no such partnership", slug="not-found", instance="/partnerships/p1")
    assert body == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "no such partnership",
        "instance": "/partnerships/p1",
    }


def test_the_problem_body_lists_field_errors_and_omits_what_is_absent() -> None:
    errors = [{"field": "x", "message": "m"}]
    body = problem(422, "Validation failed", "bad", slug="validation-failed", errors=errors)
    assert body["errors"] == [{"field": "x", "message": "m"}]
    assert "instance" not in body
    assert "errors" not in problem(400, "Bad request", "bad", slug="bad-request")

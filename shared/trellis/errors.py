"""Domain errors. Logic raises these; the API layer turns them into RFC 9457 problem+json in one place."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    slug: ClassVar[str] = "bad-request"

    def __init__(self, detail: str, *, field: str | None = None, errors: list[dict[str, Any]] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.errors = errors or ([{"field": field, "message": detail}] if field else [])


class BadRequest(DomainError):
    pass


class Unauthorized(DomainError):
    status, title, slug = 401, "Unauthorized", "unauthorized"


class Forbidden(DomainError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(DomainError):
    """Also the answer for objects of another organisation: never reveal that they exist."""

    status, title, slug = 404, "Not found", "not-found"


class Conflict(DomainError):
    status, title, slug = 409, "Conflict", "conflict"


class PayloadTooLarge(DomainError):
    status, title, slug = 413, "Payload too large", "payload-too-large"


class UnsupportedMediaType(DomainError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


class ValidationFailed(DomainError):
    status, title, slug = 422, "Validation failed", "validation-failed"


class TooManyRequests(DomainError):
    status, title, slug = 429, "Too many requests", "too-many-requests"


def problem(
    status: int, title: str, detail: str, *, slug: str, instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body

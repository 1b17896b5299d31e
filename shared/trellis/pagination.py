"""Opaque, tamper-evident cursors for DynamoDB pages.

A cursor carries ``LastEvaluatedKey`` with the tenant and the listing it belongs to, signed with
HMAC-SHA256. A cursor that was altered, or minted for another tenant or listing, is a 400 — never
another tenant's page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from pydantic import BaseModel

from trellis.errors import BadRequest
from trellis.secrets import secret_value
from trellis.settings import get_settings

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = 2048


class Page[T](BaseModel):
    items: list[T]
    next_cursor: str | None = None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _secret() -> bytes:
    return secret_value(get_settings().cursor_secret_arn, variable="CURSOR_SECRET_ARN")


def _sign(payload: bytes) -> bytes:
    return hmac.new(_secret(), payload, hashlib.sha256).digest()


def encode_cursor(last_evaluated_key: dict[str, Any] | None, *, tenant_id: str, listing: str) -> str | None:
    if not last_evaluated_key:
        return None
    content = {"k": last_evaluated_key, "t": tenant_id, "l": listing}
    payload = json.dumps(content, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_sign(payload))}"


def decode_cursor(cursor: str | None, *, tenant_id: str, listing: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    invalid = BadRequest("the cursor is invalid or belongs to another listing", field="cursor")
    if len(cursor) > MAX_CURSOR_LENGTH or cursor.count(".") != 1:
        raise invalid
    payload_text, signature_text = cursor.split(".")
    try:
        payload, signature = _unb64(payload_text), _unb64(signature_text)
    except ValueError as error:
        raise invalid from error
    if not hmac.compare_digest(signature, _sign(payload)):
        raise invalid
    content = json.loads(payload)
    if content.get("t") != tenant_id or content.get("l") != listing or not isinstance(content.get("k"), dict):
        raise invalid
    key: dict[str, Any] = content["k"]
    return key

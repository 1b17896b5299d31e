"""Opaque cursors: a page's LastEvaluatedKey, bound to a tenant and a listing, signed."""

from __future__ import annotations

import base64
import json

import pytest

from tests.helpers.aws import Keys
from trellis.errors import BadRequest
from trellis.pagination import MAX_CURSOR_LENGTH, decode_cursor, encode_cursor
from trellis.settings import get_settings

LAST_KEY = {
    "pk": {"S": "ORG#acme#PARTNERSHIP#p1#"},
    "sk": {"S": "PARTNERSHIP#"},
    "gsi1pk": {"S": "ORG#acme#PARTNERSHIPS#"},
}


@pytest.fixture(autouse=True)
def _cursor_key(keys: Keys) -> None:
    """The cursor key in (moto's) Secrets Manager, named by CURSOR_SECRET_ARN."""


def _assert_rejected(cursor: str, *, tenant_id: str = "acme", listing: str = "partnerships") -> None:
    with pytest.raises(BadRequest) as raised:
        decode_cursor(cursor, tenant_id=tenant_id, listing=listing)
    assert raised.value.status == 400
    assert [error["field"] for error in raised.value.errors] == ["cursor"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_a_cursor_round_trips_to_the_same_key() -> None:
    cursor = encode_cursor(LAST_KEY, tenant_id="acme", listing="partnerships")
    assert cursor is not None
    assert decode_cursor(cursor, tenant_id="acme", listing="partnerships") == LAST_KEY


def test_the_cursor_is_url_safe_and_does_not_show_the_key_in_clear() -> None:
    cursor = encode_cursor(LAST_KEY, tenant_id="acme", listing="partnerships")
    assert cursor is not None
    assert all(char.isalnum() or char in "-_." for char in cursor)
    assert "ORG#" not in cursor


def test_no_last_key_means_no_cursor_and_no_cursor_means_the_first_page() -> None:
    assert encode_cursor(None, tenant_id="acme", listing="partnerships") is None
    assert encode_cursor({}, tenant_id="acme", listing="partnerships") is None
    assert decode_cursor(None, tenant_id="acme", listing="partnerships") is None
    assert decode_cursor("", tenant_id="acme", listing="partnerships") is None


def test_a_cursor_of_another_tenant_is_rejected() -> None:
    cursor = encode_cursor(LAST_KEY, tenant_id="acme-corp", listing="partnerships")
    assert cursor is not None
    _assert_rejected(cursor, tenant_id="acme")


def test_a_cursor_of_another_listing_is_rejected() -> None:
    cursor = encode_cursor(LAST_KEY, tenant_id="acme", listing="activity:p1")
    assert cursor is not None
    _assert_rejected(cursor, listing="activity:p2")
    _assert_rejected(cursor, listing="partnerships")


def test_a_tampered_payload_is_rejected() -> None:
    # Given a valid cursor whose payload is rewritten to name another tenant, keeping the signature
    cursor = encode_cursor(LAST_KEY, tenant_id="acme", listing="partnerships")
    assert cursor is not None
    payload_text, signature_text = cursor.split(".")
    payload = json.loads(_unb64(payload_text))
    payload["k"]["pk"]["S"] = "ORG#globex#PARTNERSHIP#p9#"
    forged = f"{_b64(json.dumps(payload, separators=(',', ':')).encode())}.{signature_text}"
    # Then it is refused
    _assert_rejected(forged)


def test_a_tampered_signature_is_rejected() -> None:
    cursor = encode_cursor(LAST_KEY, tenant_id="acme", listing="partnerships")
    assert cursor is not None
    payload_text, signature_text = cursor.split(".")
    flipped = bytes([_unb64(signature_text)[0] ^ 1]) + _unb64(signature_text)[1:]
    _assert_rejected(f"{payload_text}.{_b64(flipped)}")
    _assert_rejected(f"{payload_text}.")


def test_a_cursor_signed_with_another_secret_is_rejected(keys: Keys) -> None:
    # Given a cursor minted by a deployment with another secret
    original = keys.arns["CURSOR_SECRET_ARN"]
    keys.put("OTHER_CURSOR_SECRET_ARN", "another-secret-that-is-long-enough-0123456789")
    keys.set_variable("CURSOR_SECRET_ARN", keys.arns["OTHER_CURSOR_SECRET_ARN"])
    cursor = encode_cursor(LAST_KEY, tenant_id="acme", listing="partnerships")
    assert cursor is not None
    # When this deployment reads it with its own secret
    keys.set_variable("CURSOR_SECRET_ARN", original)
    get_settings.cache_clear()
    # Then it refuses it
    _assert_rejected(cursor)


def test_without_a_secret_arn_nothing_is_signed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CURSOR_SECRET_ARN")
    get_settings.cache_clear()
    with pytest.raises(RuntimeError, match="CURSOR_SECRET_ARN"):
        encode_cursor(LAST_KEY, tenant_id="acme", listing="partnerships")


def test_a_secret_too_short_to_sign_with_is_refused_without_showing_it(keys: Keys) -> None:
    keys.put("CURSOR_SECRET_ARN", "short-key")
    with pytest.raises(RuntimeError) as raised:
        encode_cursor(LAST_KEY, tenant_id="acme", listing="partnerships")
    assert "CURSOR_SECRET_ARN" in str(raised.value)
    assert "short-key" not in str(raised.value)


def test_a_signed_payload_that_is_not_a_key_is_rejected() -> None:
    # A payload with a valid signature (made with the real secret) but no key object in it
    from trellis.pagination import _sign

    payload = json.dumps({"k": ["not", "a", "key"], "t": "acme", "l": "partnerships"}).encode()
    _assert_rejected(f"{_b64(payload)}.{_b64(_sign(payload))}")


@pytest.mark.parametrize(
    "garbage",
    ["abc", "a.b.c", "....", "not base64!.x", "é.é", "%%%.%%%", "eyJ9.eyJ9", "."],
)
def test_garbage_is_rejected(garbage: str) -> None:
    _assert_rejected(garbage)


def test_a_cursor_that_is_too_long_is_rejected() -> None:
    cursor = encode_cursor(LAST_KEY, tenant_id="acme", listing="partnerships")
    assert cursor is not None
    _assert_rejected(cursor + "A" * MAX_CURSOR_LENGTH)

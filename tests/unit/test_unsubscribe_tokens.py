"""Unsubscribe tokens: signed (HMAC-SHA256 under a key derived for this purpose), versioned, unforgeable."""

from __future__ import annotations

import base64
import json

import pytest

from notifications.logic.unsubscribe import Subscription, link, sign, verify
from tests.helpers.aws import Keys
from trellis.errors import BadRequest
from trellis.settings import get_settings

KEY = "unit-notifications-key-0123456789abcdef0123456789"


@pytest.fixture(autouse=True)
def _key(keys: Keys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_BASE_URL", "https://api.trellis.test")
    keys.put("NOTIFICATIONS_SECRET_KEY_ARN", KEY)


def _payload(token: str) -> dict[str, str]:
    encoded = token.split(".")[1]
    content: dict[str, str] = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    return content


def test_a_token_names_its_organisation_user_and_category() -> None:
    token = sign("acme", "u-ben", "deal")
    assert token.startswith("v1.")
    assert verify(token) == Subscription("acme", "u-ben", "deal")
    assert verify(sign("acme", "u-ben", "digest")).label == "Digest emails"
    assert _payload(token) == {"o": "acme", "u": "u-ben", "c": "deal"}
    assert all(character not in token for character in "+/=")  # base64url, no padding: safe in a URL


def test_the_link_points_at_the_public_api_route() -> None:
    assert link("acme", "u-ben", "deal").startswith("https://api.trellis.test/public/unsubscribe?token=v1.")


def _reject(token: str | None) -> None:
    with pytest.raises(BadRequest) as raised:
        verify(token)
    assert raised.value.field == "token"


def test_an_altered_payload_is_refused() -> None:
    version, _, signature = sign("acme", "u-ben", "deal").split(".")
    other = base64.urlsafe_b64encode(json.dumps({"o": "acme", "u": "u-cleo", "c": "deal"}).encode())
    _reject(f"{version}.{other.decode().rstrip('=')}.{signature}")


@pytest.mark.parametrize("token", [None, "", "v1", "v1..", "v1.abc.def", "x" * 2000, "v2.a.b"])
def test_malformed_tokens_are_refused(token: str | None) -> None:
    _reject(token)


def test_another_key_makes_other_tokens(keys: Keys) -> None:
    token = sign("acme", "u-ben", "deal")
    keys.put("NOTIFICATIONS_SECRET_KEY_ARN", "another-key-0123456789abcdef0123456789abcdef")
    _reject(token)


def test_a_signed_unknown_category_is_refused() -> None:
    _reject(sign("acme", "u-ben", "no-such-category"))


def test_without_the_key_nothing_is_signed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFICATIONS_SECRET_KEY_ARN")
    get_settings.cache_clear()
    with pytest.raises(RuntimeError, match="NOTIFICATIONS_SECRET_KEY_ARN"):
        sign("acme", "u-ben", "deal")

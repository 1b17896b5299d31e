"""Keys the leads service derives from its one secret (``LEADS_SECRET_KEY``, in Secrets Manager).

- CRM webhook secrets are needed in clear to check HMAC signatures, so they are kept sealed: AES-GCM
  under a key derived for that purpose, with the organisation and system as associated data (a sealed
  secret copied to another organisation's item does not open). Reading the table alone reveals none.
- The public referral form's tokens are signed with another derived key.

Each purpose has its own key (HMAC-SHA256 of the secret and the purpose's name), so one use can never
be turned against another. ``cryptography`` is imported on first use only: most requests never seal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from trellis.settings import get_settings

_SEAL_PURPOSE = b"trellis.leads/webhook-secrets/v1"
_FORM_TOKEN_PURPOSE = b"trellis.leads/referral-form-token/v1"
_SEAL_VERSION = "v1"
_NONCE_BYTES = 12


class SealBroken(Exception):
    """A sealed value that does not open (altered, or sealed for something else, or under another key)."""


def _master() -> bytes:
    secret = get_settings().leads_secret_key
    if secret is None:
        raise RuntimeError("LEADS_SECRET_KEY is not set for this function")
    return secret.get_secret_value().encode()


@cache
def _derive(master: bytes, purpose: bytes) -> bytes:
    return hmac.new(master, purpose, hashlib.sha256).digest()


def form_token_key() -> bytes:
    return _derive(_master(), _FORM_TOKEN_PURPOSE)


def seal(plaintext: str, *, context: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_derive(_master(), _SEAL_PURPOSE)).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{_SEAL_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def unseal(value: str, *, context: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    version, _, text = value.partition(".")
    if version != _SEAL_VERSION:
        raise SealBroken(f"unknown seal version {version!r}")
    try:
        raw = base64.urlsafe_b64decode(text)
        opened = AESGCM(_derive(_master(), _SEAL_PURPOSE)).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
    except (ValueError, InvalidTag) as error:
        raise SealBroken("the sealed value does not open") from error
    return opened.decode()

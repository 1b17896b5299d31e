"""Sealing secrets a service must keep in clear (webhook signing secrets), and keys derived per purpose.

A service has one master secret (in Secrets Manager, handed to its functions as an environment
variable). Each purpose derives its own key from it (HMAC-SHA256 of the master and the purpose's
name), so one use can never be turned against another.

A sealed value is AES-GCM under the purpose's key with a context (e.g. ``<organisation>/<object>``) as
associated data: a sealed secret copied to another organisation's item does not open. Reading the
table alone reveals none. ``cryptography`` is imported on first use only (most requests never seal);
a service that seals lists it in its own requirements.txt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

_SEAL_VERSION = "v1"
_NONCE_BYTES = 12


class SealBroken(Exception):
    """A sealed value that does not open (altered, or sealed for something else, or under another key)."""


@cache
def derive(master: bytes, purpose: bytes) -> bytes:
    """The key of one purpose, derived from a service's master secret."""
    return hmac.new(master, purpose, hashlib.sha256).digest()


def seal(plaintext: str, *, key: bytes, context: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{_SEAL_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def unseal(value: str, *, key: bytes, context: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    version, _, text = value.partition(".")
    if version != _SEAL_VERSION:
        raise SealBroken(f"unknown seal version {version!r}")
    try:
        raw = base64.urlsafe_b64decode(text)
        opened = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
    except (ValueError, InvalidTag) as error:
        raise SealBroken("the sealed value does not open") from error
    return opened.decode()

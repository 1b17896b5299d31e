"""Standard Webhooks (https://www.standardwebhooks.com, v1 symmetric): the secrets and the signature.

- A secret is ``whsec_`` + base64 of random bytes; the HMAC key is the decoded base64 part.
- ``webhook-signature`` is a space-separated list of ``v1,<base64 HMAC-SHA256 of
  "{webhook-id}.{webhook-timestamp}.{body}">``; ``webhook-timestamp`` is in epoch seconds. A sender
  rotating its secret signs with both the new and the old secret; a receiver needs one match.

Used by the leads service to verify inbound webhooks and by notifications to sign outbound ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Sequence

WEBHOOK_ID = "webhook-id"
WEBHOOK_TIMESTAMP = "webhook-timestamp"
WEBHOOK_SIGNATURE = "webhook-signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix, not a secret  # nosec B105
SECRET_BYTES = 32  # the spec asks for 24 to 64


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def standard_signature(key: bytes, *, webhook_id: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secrets: Sequence[str], *, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers of a message signed with each of ``secrets`` (the current one first)."""
    stamp = str(timestamp)
    signatures = [standard_signature(secret_key(secret), webhook_id=webhook_id, timestamp=stamp, body=body)
                  for secret in secrets]
    return {WEBHOOK_ID: webhook_id, WEBHOOK_TIMESTAMP: stamp, WEBHOOK_SIGNATURE: " ".join(signatures)}

"""Signature checks of inbound webhooks: HubSpot's v3 scheme and the Standard Webhooks scheme.

Both are HMAC-SHA256 with a shared secret, compared in constant time, over content that includes a
timestamp that must be within 5 minutes of now (a captured request cannot be replayed later; one
replayed within the window is caught by the delivery records).

- HubSpot v3: ``X-HubSpot-Signature-v3`` = base64(HMAC-SHA256(client secret, method + URI + body +
  timestamp)), ``X-HubSpot-Request-Timestamp`` in epoch milliseconds. The URI is the full URL HubSpot
  called, with the characters of HubSpot's table decoded (%3A : %2F / %3F ? %40 @ %21 ! %24 $ %27 '
  %28 ( %29 ) %2A * %2C , %3B ;) and the query string as sent.
- Standard Webhooks (v1, symmetric; the signer is shared: ``trellis.standard_webhooks``):
  ``webhook-signature`` is a space-separated list of ``v1,<base64
  HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">``; the key is the ``whsec_`` secret's
  base64 part decoded; ``webhook-timestamp`` is in epoch seconds. One matching entry suffices (a sender
  rotating its secret signs with both).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from trellis.errors import Unauthorized
from trellis.standard_webhooks import (
    SECRET_PREFIX,
    WEBHOOK_ID,
    WEBHOOK_SIGNATURE,
    WEBHOOK_TIMESTAMP,
    secret_key,
    standard_signature,
)

__all__ = [
    "HUBSPOT_SIGNATURE", "HUBSPOT_TIMESTAMP", "SECRET_PREFIX", "WEBHOOK_ID", "WEBHOOK_SIGNATURE",
    "WEBHOOK_TIMESTAMP", "hubspot_signature", "secret_key", "standard_signature", "verify_hubspot",
    "verify_standard",
]

TOLERANCE = timedelta(minutes=5)
HUBSPOT_SIGNATURE = "x-hubspot-signature-v3"
HUBSPOT_TIMESTAMP = "x-hubspot-request-timestamp"

_HUBSPOT_DECODED = {"%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$", "%27": "'",
                    "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";"}
_HUBSPOT_ENCODED = re.compile("|".join(_HUBSPOT_DECODED), re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]{1,16}")
_WEBHOOK_ID = re.compile(r"[\x21-\x7e]{1,256}")  # printable ASCII, no spaces


def _hmac(key: bytes, content: bytes) -> str:
    return base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def _fresh(timestamp: datetime, now: datetime, field: str) -> None:
    if abs(now - timestamp) > TOLERANCE:
        raise Unauthorized("the request's timestamp is more than 5 minutes from now (stale or replayed)",
                           field=field)


def _timestamp(value: str | None, field: str, *, per_second: int) -> datetime:
    invalid = Unauthorized(f"the {field} header is missing or not a time as an integer", field=field)
    if not value or not _DIGITS.fullmatch(value.strip()):
        raise invalid
    try:
        return datetime.fromtimestamp(int(value.strip()) / per_second, tz=UTC)
    except (ValueError, OverflowError, OSError) as error:  # beyond the calendar
        raise invalid from error


# ---------------------------------------------------------------- HubSpot v3


def hubspot_uri(uri: str) -> str:
    return _HUBSPOT_ENCODED.sub(lambda found: _HUBSPOT_DECODED[found.group(0).upper()], uri)


def hubspot_signature(secret: str, *, method: str, uri: str, body: bytes, timestamp: str) -> str:
    content = f"{method.upper()}{hubspot_uri(uri)}".encode() + body + timestamp.encode()
    return _hmac(secret.encode(), content)


def verify_hubspot(
    secrets: Sequence[str], *, method: str, uri: str, body: bytes, signature: str | None,
    timestamp: str | None, now: datetime,
) -> None:
    """Raise Unauthorized unless one of ``secrets`` signed this request within the last 5 minutes."""
    sent = _timestamp(timestamp, HUBSPOT_TIMESTAMP, per_second=1000)
    if not signature:
        raise Unauthorized("the request is not signed", field=HUBSPOT_SIGNATURE)
    _fresh(sent, now, HUBSPOT_TIMESTAMP)
    assert timestamp is not None
    for secret in secrets:
        expected = hubspot_signature(secret, method=method, uri=uri, body=body, timestamp=timestamp.strip())
        if _same(expected, signature.strip()):
            return
    raise Unauthorized("the signature does not match this request", field=HUBSPOT_SIGNATURE)


# ---------------------------------------------------------------- Standard Webhooks


def verify_standard(
    keys: Sequence[bytes], *, webhook_id: str | None, timestamp: str | None, signature: str | None,
    body: bytes, now: datetime,
) -> str:
    """The webhook id, if one of ``keys`` signed this message within the last 5 minutes; else Unauthorized."""
    if not webhook_id or not _WEBHOOK_ID.fullmatch(webhook_id):
        raise Unauthorized("the webhook-id header is missing or malformed", field=WEBHOOK_ID)
    sent = _timestamp(timestamp, WEBHOOK_TIMESTAMP, per_second=1)
    if not signature:
        raise Unauthorized("the request is not signed", field=WEBHOOK_SIGNATURE)
    _fresh(sent, now, WEBHOOK_TIMESTAMP)
    assert timestamp is not None
    given = [entry.partition(",") for entry in signature.split()]
    for key in keys:
        expected = standard_signature(key, webhook_id=webhook_id, timestamp=timestamp.strip(), body=body)
        if any(version == "v1" and _same(expected, f"v1,{value}") for version, _, value in given):
            return webhook_id
    raise Unauthorized("no signature matches this request", field=WEBHOOK_SIGNATURE)

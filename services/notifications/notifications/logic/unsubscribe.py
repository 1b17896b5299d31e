"""Unsubscribe links: a signed token per (organisation, user, category) that works without logging in.

The token is ``v1.<payload>.<signature>`` (base64url): the payload names the organisation, the user and
the category; the signature is HMAC-SHA256 under a key derived, for this purpose only, from the
notifications key (the secret ``NOTIFICATIONS_SECRET_KEY_ARN`` names). Tokens do not expire (an old
email's link keeps working), and only ever mute: the worst a leaked link does is stop one category of
someone's emails, which they can turn back on.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from notifications.logic import preferences
from notifications.logic.catalog import CATEGORIES
from trellis.errors import BadRequest
from trellis.secrets import secret_value
from trellis.settings import get_settings

VERSION = "v1"
_PURPOSE = b"trellis.notifications/unsubscribe-token/v1"
_MAX_TOKEN_CHARS = 1024
PATH = "/public/unsubscribe"


@dataclass(frozen=True)
class Subscription:
    organisation_id: str
    user_id: str
    category: str

    @property
    def label(self) -> str:
        if self.category == "digest":
            return "Digest emails"
        return CATEGORIES[self.category].label


def _key() -> bytes:
    master = secret_value(
        get_settings().notifications_secret_key_arn, variable="NOTIFICATIONS_SECRET_KEY_ARN",
    )
    return hmac.new(master, _PURPOSE, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(signed: str) -> str:
    return _b64(hmac.new(_key(), signed.encode(), hashlib.sha256).digest())


def sign(organisation_id: str, user_id: str, category: str) -> str:
    payload = _b64(json.dumps({"o": organisation_id, "u": user_id, "c": category},
                              separators=(",", ":")).encode())
    signed = f"{VERSION}.{payload}"
    return f"{signed}.{_signature(signed)}"


def link(organisation_id: str, user_id: str, category: str) -> str:
    """The absolute unsubscribe URL (on the API: it must work without the web app and without a login)."""
    token = sign(organisation_id, user_id, category)
    return f"{get_settings().api_base_url}{PATH}?{urlencode({'token': token})}"


def verify(token: str | None) -> Subscription:
    """The subscription a token names; 400 naming ``token`` when it is missing, altered or forged."""
    invalid = BadRequest("this unsubscribe link is not valid (it may have been cut short)", field="token")
    if not token or len(token) > _MAX_TOKEN_CHARS:
        raise invalid
    version, _, rest = token.partition(".")
    payload, _, signature = rest.partition(".")
    if version != VERSION or not payload or not signature:
        raise invalid
    if not hmac.compare_digest(signature, _signature(f"{version}.{payload}")):
        raise invalid
    try:
        content = json.loads(_unb64(payload))
        subscription = Subscription(str(content["o"]), str(content["u"]), str(content["c"]))
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise invalid from None
    if subscription.category != "digest" and subscription.category not in CATEGORIES:
        raise invalid
    return subscription


def unsubscribe(token: str | None) -> Subscription:
    """Stop the emails of the token's category for the token's user (idempotent: a set operation)."""
    subscription = verify(token)
    preferences.unsubscribe(subscription.organisation_id, subscription.user_id, subscription.category)
    return subscription

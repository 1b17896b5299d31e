"""Webhook endpoint signing secrets, kept sealed under the notifications key (in Secrets Manager).

Each secret is sealed with its organisation and endpoint as associated data, so a sealed secret copied
onto another endpoint's item does not open.
"""

from __future__ import annotations

from trellis import sealing
from trellis.secrets import secret_value
from trellis.settings import get_settings
from trellis.standard_webhooks import SECRET_PREFIX

_PURPOSE = b"trellis.notifications/webhook-endpoint-secrets/v1"


def _key() -> bytes:
    master = secret_value(
        get_settings().notifications_secret_key_arn, variable="NOTIFICATIONS_SECRET_KEY_ARN",
    )
    return sealing.derive(master, _PURPOSE)


def _context(organisation_id: str, endpoint_id: str) -> str:
    return f"{organisation_id}/{endpoint_id}"


def seal(secret: str, *, organisation_id: str, endpoint_id: str) -> str:
    return sealing.seal(secret, key=_key(), context=_context(organisation_id, endpoint_id))


def unseal(sealed: str, *, organisation_id: str, endpoint_id: str) -> str:
    return sealing.unseal(sealed, key=_key(), context=_context(organisation_id, endpoint_id))


def hint(secret: str) -> str:
    return f"{SECRET_PREFIX}…{secret[-4:]}"

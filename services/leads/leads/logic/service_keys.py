"""Keys the leads service derives from its one secret (``LEADS_SECRET_KEY_ARN`` names it in Secrets Manager).

- CRM webhook secrets are needed in clear to check HMAC signatures, so they are kept sealed
  (``trellis.sealing``: AES-GCM under a key derived for that purpose, with the organisation and system
  as associated data).
- The public referral form's tokens are signed with another derived key.
"""

from __future__ import annotations

from trellis import sealing
from trellis.sealing import SealBroken
from trellis.secrets import secret_value
from trellis.settings import get_settings

__all__ = ["SealBroken", "form_token_key", "seal", "unseal"]

_SEAL_PURPOSE = b"trellis.leads/webhook-secrets/v1"
_FORM_TOKEN_PURPOSE = b"trellis.leads/referral-form-token/v1"


def _master() -> bytes:
    return secret_value(get_settings().leads_secret_key_arn, variable="LEADS_SECRET_KEY_ARN")


def form_token_key() -> bytes:
    return sealing.derive(_master(), _FORM_TOKEN_PURPOSE)


def seal(plaintext: str, *, context: str) -> str:
    return sealing.seal(plaintext, key=sealing.derive(_master(), _SEAL_PURPOSE), context=context)


def unseal(value: str, *, context: str) -> str:
    return sealing.unseal(value, key=sealing.derive(_master(), _SEAL_PURPOSE), context=context)

"""Key material, read from Secrets Manager at run time: a function's environment carries only ARNs.

A function's environment names each secret it may read by ARN (``CURSOR_SECRET_ARN``,
``LEADS_SECRET_KEY_ARN``, ``NOTIFICATIONS_SECRET_KEY_ARN``); its role may ``GetSecretValue`` on exactly
those. The value is fetched at first use, never at import, through Powertools Parameters, whose cache
keeps it for ``MAX_AGE_SECONDS``: a warm function calls Secrets Manager at most once per secret per
period, and a value rotated in Secrets Manager is in use everywhere once the cache has aged.
"""

from __future__ import annotations

# Long enough that a warm function rarely pays for the call (and Secrets Manager's per-call price),
# short enough that a rotation reaches every warm function within minutes.
MAX_AGE_SECONDS = 300
MIN_LENGTH = 32


def secret_value(arn: str | None, *, variable: str) -> bytes:
    """The secret's current SecretString; ``variable`` names the environment variable in errors."""
    if not arn:
        raise RuntimeError(f"{variable} is not set for this function")
    # Deferred: Powertools Parameters loads boto3 and its providers; only a request that needs a key pays.
    from aws_lambda_powertools.utilities import parameters

    value = parameters.get_secret(arn, max_age=MAX_AGE_SECONDS)
    if not isinstance(value, str) or len(value) < MIN_LENGTH:
        # Never the value itself in the message: it would end up in the logs.
        raise RuntimeError(f"the secret {variable} names is not a string of at least {MIN_LENGTH} characters")
    return value.encode()


def clear_cache() -> None:
    """Forget every cached value (tests; a function never needs to)."""
    from aws_lambda_powertools.utilities import parameters

    parameters.clear_caches()

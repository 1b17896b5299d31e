"""DynamoDB key building: every key starts with its tenant and every segment ends with a delimiter.

The closing ``#`` matters: ``begins_with(pk, "ORG#acme")`` would also match ``ORG#acme-corp``;
``ORG#acme#`` cannot.
"""

from __future__ import annotations

import os
import time
import uuid

SEPARATOR = "#"

# The discriminator value of outbox items: the stream filter and the publisher select on it.
OUTBOX_ENTITY = "Outbox"


def key(*parts: str) -> str:
    for part in parts:
        if not part or SEPARATOR in part:
            raise ValueError(f"key segment {part!r} is empty or contains {SEPARATOR!r}")
    return SEPARATOR.join(parts) + SEPARATOR


def org_key(organisation_id: str, *parts: str) -> str:
    return key("ORG", organisation_id, *parts)


def new_id() -> str:
    """A random, fixed-length id (32 hex chars): never a prefix of another id."""
    return uuid.uuid4().hex


def time_ordered_id() -> str:
    """A 26-char id that sorts by creation time (ms) and is unique (random tail)."""
    return f"{time.time_ns() // 1_000_000:013d}{os.urandom(7).hex()[:13]}"

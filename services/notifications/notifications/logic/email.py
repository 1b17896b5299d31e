"""Queue an email: the notifications consumer and the digest call :func:`queue`; the email worker sends it.

Queueing writes the email's item (idempotent on its dedupe key) and then a message to the email
queue. The worker renders and sends (logic/email_delivery.py), so a slow or failing SES never holds
back the consumer, and an SES failure is retried by the queue, not by the caller.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from aws_lambda_powertools import Logger

from notifications.dal import email as dal
from notifications.logic.catalog import CATEGORIES

logger = Logger()

Template = Literal["notification", "invitation", "digest"]
TEMPLATES: tuple[str, ...] = get_args(Template)
DIGEST_CATEGORY = "digest"


@dataclass(frozen=True)
class EmailRequest:
    """One email to one person.

    ``dedupe_key``: stable per (bus event or digest run, recipient); queueing it again is a no-op.
    ``context``: JSON-serialisable values the template shows (see templates/*.txt).
    ``organisation_id``/``user_id``: None for someone who is not a user yet (an invitation).
    ``category``: a key of ``catalog.CATEGORIES``, or ``"digest"``; None for a transactional email
    (an invitation), which carries no unsubscribe link.
    """

    dedupe_key: str
    to_address: str
    template: Template
    subject: str
    context: dict[str, Any]
    organisation_id: str | None = None
    user_id: str | None = None
    category: str | None = None


def _check(request: EmailRequest) -> None:
    """A request the worker could not send is a programming error: fail where it was made."""
    if not request.dedupe_key or not request.to_address.strip() or "@" not in request.to_address:
        raise ValueError("an email needs a dedupe key and an address")
    if request.template not in TEMPLATES:
        raise ValueError(f"unknown email template {request.template!r}")
    if request.category is not None and request.category != DIGEST_CATEGORY \
            and request.category not in CATEGORIES:
        raise ValueError(f"unknown email category {request.category!r}")
    if request.category is not None and not (request.organisation_id and request.user_id):
        raise ValueError("an email with an unsubscribe link (a category) must name its user")
    json.dumps(request.context)  # raises TypeError for what the item could not hold


def queue(request: EmailRequest) -> bool:
    """Write a pending email (idempotent on ``dedupe_key``; it expires after ~30 days) and queue it.

    True when new. When it already exists: still pending → queued again (the process may have died
    between the write and the enqueue; the worker sends a pending email once) and False; sent or
    failed → nothing, False.
    """
    _check(request)
    item, new = dal.put_pending(
        dedupe_key=request.dedupe_key, to_address=request.to_address.strip(), template=request.template,
        subject=request.subject, context=request.context, organisation_id=request.organisation_id,
        user_id=request.user_id, category=request.category, at=datetime.now(UTC),
    )
    if new or item.status == dal.PENDING:
        dal.enqueue(item)
    if not new:
        logger.info("email already queued", extra={"email_template": request.template, "status": item.status})
    return new

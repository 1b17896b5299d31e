"""Send one queued email (the email worker): render it, hand it to SES, record what happened.

- Sent: pending → sent (conditional), so a redelivered message of a sent email sends nothing.
- SES failed for now (throttling, a 5xx, the network): the attempt and its error are recorded on the
  item and the error raised, so the queue redelivers the message after its visibility timeout and,
  after ``maxReceiveCount`` attempts, moves it to the DLQ (which alarms).
- SES refused it for good (``MessageRejected``: an unverified or blocked address): pending → failed,
  never retried.

Nothing here logs an email's address or context (an invitation's context holds a one-time link).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from notifications.dal import email as dal
from notifications.dal.tables import EmailItem
from notifications.logic import unsubscribe
from notifications.logic.email_messages import Unsubscribe, as_bytes, build
from trellis.settings import get_settings

logger = Logger()

Outcome = Literal["sent", "already_done", "failed", "missing"]
# SES answers that retrying cannot change (SESv1 SendRawEmail error codes).
PERMANENT_ERRORS = frozenset({
    "MessageRejected", "MailFromDomainNotVerifiedException", "MailFromDomainNotVerified",
    "InvalidParameterValue", "ConfigurationSetDoesNotExist",
})


def _unsubscribe(item: EmailItem) -> Unsubscribe | None:
    if item.category is None or not item.organisation_id or not item.user_id:
        return None  # transactional (an invitation)
    url = unsubscribe.link(item.organisation_id, item.user_id, item.category)
    return Unsubscribe(url=url, label=unsubscribe.Subscription(
        item.organisation_id, item.user_id, item.category).label)


def _message_bytes(item: EmailItem) -> bytes:
    message = build(
        sender=get_settings().email_from, to_address=item.to_address, template=item.template,
        subject=item.subject, context=dict(item.context or {}), unsubscribe=_unsubscribe(item),
    )
    return as_bytes(message)


def send(message_body: str) -> Outcome:
    """Send the email a queue message names, once. Raises when SES failed for now (to be retried)."""
    item = dal.find(message_body)
    if item is None:
        logger.warning("queued email not found (expired, or not an email's reference); dropped")
        return "missing"
    logger.append_keys(email_template=item.template, email_category=item.category,
                       tenant_id=item.organisation_id)
    if item.status != dal.PENDING:
        logger.info("email already handled", extra={"status": item.status})
        return "already_done"
    try:
        data = _message_bytes(item)
    except Exception as error:
        # A template that cannot render is a bug: retried (a fix may land) and then kept in the DLQ.
        dal.record_attempt(item, f"render: {type(error).__name__}: {error}")
        raise
    try:
        message_id = dal.send_raw(sender=get_settings().email_from, to_address=item.to_address, data=data)
    except ClientError as error:
        details = error.response.get("Error", {})
        code = str(details.get("Code", "Unknown"))
        reason = f"{code}: {details.get('Message', '')}"
        if code in PERMANENT_ERRORS:
            dal.mark_failed(item, reason)
            logger.warning("SES refused the email; not retried", extra={"ses_error": code})
            return "failed"
        dal.record_attempt(item, reason)
        logger.warning("SES failed; the email will be retried", extra={"ses_error": code,
                                                                       "attempt": item.attempts + 1})
        raise
    except BotoCoreError as error:
        dal.record_attempt(item, f"{type(error).__name__}: {error}")
        raise
    if not dal.mark_sent(item, ses_message_id=message_id, at=datetime.now(UTC)):
        # Another delivery of the same message sent it meanwhile (two workers raced): both went out.
        logger.warning("email sent twice by concurrent deliveries", extra={"ses_message_id": message_id})
    logger.info("email sent", extra={"ses_message_id": message_id})
    return "sent"

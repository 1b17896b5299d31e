"""Emails: their items (the only module that knows their keys), the email queue and SES.

An email's item is keyed by its owner and a hash of its dedupe key, so the same email queued twice is
one item. Its state moves only forward - pending → sent | failed - each step a conditional update, so
a redelivered message or a second worker can never send a sent email again or revive a failed one.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

import botocore.session
from pynamodb.exceptions import PutError, UpdateError

from notifications.dal.tables import EmailItem
from trellis.keys import key, org_key
from trellis.settings import get_settings

EMAIL_TTL = timedelta(days=30)
PENDING, SENT, FAILED = "pending", "sent", "failed"
_MAX_ERROR_CHARS = 500

_clients: dict[str, Any] = {}


def _client(service: str) -> Any:
    """botocore clients, created on first use (the consumer only ever needs SQS, the worker both)."""
    if service not in _clients:
        _clients[service] = botocore.session.get_session().create_client(service)
    return _clients[service]


def ses_client() -> Any:
    return _client("ses")


def sqs_client() -> Any:
    return _client("sqs")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def owner_pk(organisation_id: str | None, user_id: str | None, to_address: str) -> str:
    """A user's emails live beside their notifications; an invitee's under a hash of the address."""
    if organisation_id and user_id:
        return org_key(organisation_id, "USER", user_id)
    return key("INVITEE", _digest(to_address.strip().lower()))


def email_sk(dedupe_key: str) -> str:
    return key("EMAIL", _digest(dedupe_key))


def _conditional_failed(error: PutError | UpdateError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"


# ------------------------------------------------------------------ items


def put_pending(
    *, dedupe_key: str, to_address: str, template: str, subject: str, context: dict[str, Any],
    organisation_id: str | None, user_id: str | None, category: str | None, at: datetime,
) -> tuple[EmailItem, bool]:
    """Write the pending email unless it exists (one conditional PutItem); (the item, whether it is new)."""
    item = EmailItem(
        pk=owner_pk(organisation_id, user_id, to_address), sk=email_sk(dedupe_key),
        dedupe_key=dedupe_key, to_address=to_address, template=template, subject=subject, context=context,
        organisation_id=organisation_id, user_id=user_id, category=category, status=PENDING, attempts=0,
        queued_at=at, expires_at=at + EMAIL_TTL,
    )
    try:
        item.save(condition=EmailItem.pk.does_not_exist())
    except PutError as error:
        if not _conditional_failed(error):
            raise
        existing = get(item.pk, item.sk)
        if existing is None:  # expired between the two calls: nothing to resend
            return item, False
        return existing, False
    return item, True


def get(pk: str, sk: str) -> EmailItem | None:
    try:
        item = EmailItem.get(pk, sk)
    except EmailItem.DoesNotExist:
        return None
    return item if isinstance(item, EmailItem) else None


def reference(item: EmailItem) -> str:
    """What the email queue's message carries: the item's key, nothing of its content."""
    return json.dumps({"pk": item.pk, "sk": item.sk}, separators=(",", ":"))


def find(message_body: str) -> EmailItem | None:
    """The email a queue message names, or None (gone by TTL, or not an email's key at all)."""
    try:
        content = json.loads(message_body)
        pk, sk = str(content["pk"]), str(content["sk"])
    except (ValueError, TypeError, KeyError):
        return None
    if not sk.startswith("EMAIL#") or not pk.startswith(("ORG#", "INVITEE#")):
        return None
    return get(pk, sk)


def _update_pending(item: EmailItem, actions: list[Any]) -> bool:
    try:
        item.update(actions=actions, condition=EmailItem.status == PENDING)
    except UpdateError as error:
        if _conditional_failed(error):
            return False
        raise
    return True


def record_attempt(item: EmailItem, error: str) -> bool:
    """Count a failed attempt that will be retried, with its error (while the email is still pending)."""
    return _update_pending(item, [
        EmailItem.attempts.add(1), EmailItem.last_error.set(error[:_MAX_ERROR_CHARS]),
    ])


def mark_sent(item: EmailItem, *, ses_message_id: str, at: datetime) -> bool:
    """pending → sent; the context (an invitation's one-time link) is not kept once it is sent."""
    return _update_pending(item, [
        EmailItem.status.set(SENT), EmailItem.attempts.add(1), EmailItem.sent_at.set(at),
        EmailItem.ses_message_id.set(ses_message_id), EmailItem.context.remove(),
    ])


def mark_failed(item: EmailItem, error: str) -> bool:
    """pending → failed: SES refused the email for good (retrying would be refused again)."""
    return _update_pending(item, [
        EmailItem.status.set(FAILED), EmailItem.attempts.add(1),
        EmailItem.last_error.set(error[:_MAX_ERROR_CHARS]), EmailItem.context.remove(),
    ])


# ------------------------------------------------------------------ queue and SES


def enqueue(item: EmailItem) -> None:
    queue_url = get_settings().email_queue_url
    if not queue_url:
        raise RuntimeError("EMAIL_QUEUE_URL is not set for this function")
    sqs_client().send_message(QueueUrl=queue_url, MessageBody=reference(item))


def send_raw(*, sender: str, to_address: str, data: bytes) -> str:
    """Send one raw MIME message through SES; SES's message id. Raises botocore's ClientError."""
    response = ses_client().send_raw_email(
        Source=sender, Destinations=[to_address], RawMessage={"Data": data})
    return str(response["MessageId"])

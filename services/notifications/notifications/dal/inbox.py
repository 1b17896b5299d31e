"""Inbox reads and writes. The only module that knows the notification keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError

from notifications.dal.tables import InboxItem, NotificationItem, NotificationsItem
from trellis.dynamo import transaction
from trellis.errors import Conflict
from trellis.keys import org_key

INBOX_SK = "INBOX#"


def inbox_pk(organisation_id: str, user_id: str) -> str:
    return org_key(organisation_id, "USER", user_id)


def notification_sk(notification_id: str) -> str:
    return f"NOTIFICATION#{notification_id}#"


@dataclass(frozen=True)
class NewNotification:
    organisation_id: str
    user_id: str
    notification_id: str
    event_id: str
    category: str
    title: str
    body: str
    link: str | None
    delivered_at: datetime


DELIVERY_ATTEMPTS = 3


def add(notice: NewNotification) -> bool:
    """Store a notification and count it unread, once. False when it was already there.

    The counter is only incremented if the inbox was not marked all-read at or after the
    notification's delivery time; otherwise (a mark-all-read landed in between) the notification
    would show as read while being counted unread, so it is delivered again with a fresh time.
    """
    pk = inbox_pk(notice.organisation_id, notice.user_id)
    delivered_at = notice.delivered_at
    for _ in range(DELIVERY_ATTEMPTS):
        item = NotificationItem(
            pk=pk, sk=notification_sk(notice.notification_id), notification_id=notice.notification_id,
            event_id=notice.event_id, category=notice.category, title=notice.title, body=notice.body,
            link=notice.link, delivered_at=delivered_at,
        )
        try:
            with transaction(NotificationItem) as write:
                write.save(item, condition=NotificationItem.pk.does_not_exist())
                write.update(
                    InboxItem(pk=pk, sk=INBOX_SK),
                    actions=[InboxItem.unread.add(1), InboxItem.entity.set(InboxItem)],
                    condition=(InboxItem.read_all_before.does_not_exist()
                               | (InboxItem.read_all_before < delivered_at)),
                )
        except TransactWriteError as error:
            codes = [reason.code if reason else None for reason in error.cancellation_reasons or []]
            if codes[:1] == ["ConditionalCheckFailed"]:
                return False  # delivered before: the key is derived from the event
            if codes[1:2] == ["ConditionalCheckFailed"]:
                delivered_at = max(datetime.now(UTC), delivered_at + timedelta(microseconds=1))
                continue
            raise
        return True
    raise RuntimeError("the inbox kept being marked read during delivery; the event will be retried")


def inbox(organisation_id: str, user_id: str) -> InboxItem | None:
    try:
        item = InboxItem.get(inbox_pk(organisation_id, user_id), INBOX_SK)
    except InboxItem.DoesNotExist:
        return None
    return item if isinstance(item, InboxItem) else None


def get_with_inbox(
    organisation_id: str, user_id: str, notification_id: str,
) -> tuple[NotificationItem | None, InboxItem | None]:
    """A notification and its inbox (which says whether it was read) in one BatchGetItem."""
    pk = inbox_pk(organisation_id, user_id)
    notification, inbox = None, None
    for item in NotificationsItem.batch_get([(pk, notification_sk(notification_id)), (pk, INBOX_SK)]):
        if isinstance(item, NotificationItem):
            notification = item
        elif isinstance(item, InboxItem):
            inbox = item
    return notification, inbox


def page(
    organisation_id: str, user_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[NotificationItem], Any]:
    result = NotificationItem.query(
        inbox_pk(organisation_id, user_id),
        NotificationItem.sk.startswith("NOTIFICATION#"),
        scan_index_forward=False, limit=limit, last_evaluated_key=start,
    )
    items = [item for item in result if isinstance(item, NotificationItem)]
    return items, result.last_evaluated_key


def mark_read(item: NotificationItem, now: datetime, *, counted_unread: bool) -> None:
    """Set read_at; decrement the counter only if this notification was counted as unread."""
    try:
        with transaction(NotificationItem) as write:
            write.update(item, actions=[NotificationItem.read_at.set(now)],
                         condition=NotificationItem.read_at.does_not_exist())
            if counted_unread:
                write.update(
                    InboxItem(pk=item.pk, sk=INBOX_SK), actions=[InboxItem.unread.add(-1)],
                    condition=InboxItem.unread > 0,
                )
    except TransactWriteError as error:
        reasons = [reason.code for reason in error.cancellation_reasons or [] if reason]
        if "TransactionConflict" in reasons:
            # Another write to the inbox (a new notification, another read) overlapped this one.
            raise Conflict("the inbox changed meanwhile; try again") from error
        if "ConditionalCheckFailed" not in reasons:
            raise
        # Read concurrently by another request: the outcome the caller wanted already holds.


def mark_all_read(organisation_id: str, user_id: str, now: datetime) -> None:
    InboxItem(pk=inbox_pk(organisation_id, user_id), sk=INBOX_SK).update(
        actions=[
            InboxItem.unread.set(0), InboxItem.read_all_before.set(now), InboxItem.entity.set(InboxItem),
        ],
    )


def since(organisation_id: str, user_id: str, after: datetime, *, limit: int) -> list[NotificationItem]:
    """The user's notifications of events after ``after``, newest first, at most ``limit`` (one Query)."""
    after_key = f"NOTIFICATION#{after.astimezone(UTC):%Y%m%d%H%M%S%f}."  # "." sorts after that time's "-"
    result = NotificationItem.query(
        inbox_pk(organisation_id, user_id), NotificationItem.sk.between(after_key, "NOTIFICATION#~"),
        scan_index_forward=False, limit=limit,
    )
    return [item for item in result if isinstance(item, NotificationItem)]

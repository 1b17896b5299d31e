"""The in-app inbox: what a user reads, and keeping the unread count right."""

from __future__ import annotations

from datetime import UTC, datetime

from notifications.dal import inbox as dal
from notifications.dal.tables import InboxItem, NotificationItem
from notifications.models import Notification, UnreadCount
from trellis.errors import NotFound
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import Principal

LISTING = "inbox"


def _is_read(item: NotificationItem, inbox: InboxItem | None) -> bool:
    watermark = inbox.read_all_before if inbox else None
    return item.read_at is not None or (watermark is not None and item.delivered_at <= watermark)


def _view(item: NotificationItem, inbox: InboxItem | None) -> Notification:
    return Notification(
        id=item.notification_id, category=item.category, title=item.title, body=item.body, link=item.link,
        created_at=item.delivered_at, read=_is_read(item, inbox),
    )


def list_notifications(principal: Principal, *, limit: int, cursor: str | None) -> Page[Notification]:
    org, user = principal.organisation_id, principal.user_id
    start = decode_cursor(cursor, tenant_id=f"{org}/{user}", listing=LISTING)
    items, last_key = dal.page(org, user, limit=limit, start=start)
    inbox = dal.inbox(org, user) if items else None
    return Page[Notification](
        items=[_view(item, inbox) for item in items],
        next_cursor=encode_cursor(last_key, tenant_id=f"{org}/{user}", listing=LISTING),
    )


def unread_count(principal: Principal) -> UnreadCount:
    inbox = dal.inbox(principal.organisation_id, principal.user_id)
    return UnreadCount(unread=max(int(inbox.unread), 0) if inbox else 0)


def mark_read(principal: Principal, notification_id: str) -> Notification:
    org, user = principal.organisation_id, principal.user_id
    item, inbox = dal.get_with_inbox(org, user, notification_id)
    if item is None:
        raise NotFound("no such notification")
    if not _is_read(item, inbox):
        now = datetime.now(UTC)
        dal.mark_read(item, now, counted_unread=True)
        item.read_at = now
    return _view(item, inbox)


def mark_all_read(principal: Principal) -> UnreadCount:
    dal.mark_all_read(principal.organisation_id, principal.user_id, datetime.now(UTC))
    return UnreadCount(unread=0)

"""The notifications table.

| entity        | pk                         | sk                              |
|---------------|----------------------------|---------------------------------|
| Notification  | ORG#<org>#USER#<user>#     | NOTIFICATION#<occurred>-<event># |
| Inbox         | ORG#<org>#USER#<user>#     | INBOX#                          |
| Outbox        | ORG#<org>#OUTBOX#<event>#  | OUTBOX#                         |

The notification's key is derived from the event, so a redelivered event cannot add a second one.
The inbox item holds the unread counter and the "all read before" watermark (mark-all-read is O(1)).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from trellis.dynamo import table_model
from trellis.outbox import outbox_model

NotificationsItem = table_model("notifications")
Outbox = outbox_model(NotificationsItem)


class NotificationItem(NotificationsItem, discriminator="Notification"):  # type: ignore[valid-type,misc,call-arg]
    notification_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    category = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    link = UnicodeAttribute(null=True)
    delivered_at = UTCDateTimeAttribute()
    read_at = UTCDateTimeAttribute(null=True)


class InboxItem(NotificationsItem, discriminator="Inbox"):  # type: ignore[valid-type,misc,call-arg]
    unread = NumberAttribute(default=0)
    read_all_before = UTCDateTimeAttribute(null=True)

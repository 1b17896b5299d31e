"""The notifications table.

| entity        | pk                         | sk                              |
|---------------|----------------------------|---------------------------------|
| Notification  | ORG#<org>#USER#<user>#     | NOTIFICATION#<occurred>-<event># |
| Inbox         | ORG#<org>#USER#<user>#     | INBOX#                          |
| Outbox        | ORG#<org>#OUTBOX#<event>#  | OUTBOX#                         |
| WebhookEndpoint | ORG#<org>#WEBHOOKS#      | ENDPOINT#<endpoint>#            |
| WebhookEndpointCount | ORG#<org>#WEBHOOKS# | LIMIT#                          |
| WebhookDelivery | ORG#<org>#WEBHOOK#<endpoint># | DELIVERY#<occurred>-<event># |

The notification's key is derived from the event, so a redelivered event cannot add a second one.
An organisation's webhook endpoints are one partition (one Query finds those an event goes to); the
count item caps them (its condition, in the creating transaction, holds under concurrent creates). A
delivery's key is derived from the event (a redelivered event cannot add a second one); each endpoint's
deliveries are a partition of their own, newest first, and expire after 30 days.
The inbox item holds the unread counter and the "all read before" watermark (mark-all-read is O(1)).
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

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


# --- outbound webhooks


class WebhookEndpointItem(NotificationsItem, discriminator="WebhookEndpoint"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    url = UnicodeAttribute()
    host = UnicodeAttribute()
    event_types = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    description = UnicodeAttribute(null=True)
    sealed_secret = UnicodeAttribute()
    secret_hint = UnicodeAttribute()
    # After a rotation the previous secret keeps signing alongside until previous_valid_until.
    previous_sealed_secret = UnicodeAttribute(null=True)
    previous_valid_until = UTCDateTimeAttribute(null=True)
    enabled = BooleanAttribute(default=True)
    disabled_at = UTCDateTimeAttribute(null=True)
    disabled_reason = UnicodeAttribute(null=True)
    # Failed attempts since the last success, across deliveries: the disabling rule counts these.
    consecutive_failures = NumberAttribute(default=0)
    version = NumberAttribute(default=1)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class WebhookEndpointCountItem(NotificationsItem, discriminator="WebhookEndpointCount"):  # type: ignore[valid-type,misc,call-arg]
    endpoints = NumberAttribute(default=0)


class WebhookDeliveryItem(NotificationsItem, discriminator="WebhookDelivery"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    delivery_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    payload = UnicodeAttribute()  # the exact body sent on every attempt
    status = UnicodeAttribute()  # pending | succeeded | failed
    attempts = NumberAttribute(default=0)  # attempts made so far
    next_attempt_at = UTCDateTimeAttribute(null=True)
    last_attempt_at = UTCDateTimeAttribute(null=True)
    last_status_code = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()

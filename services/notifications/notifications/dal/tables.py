"""The notifications table.

| entity        | pk                         | sk                              |
|---------------|----------------------------|---------------------------------|
| Notification  | ORG#<org>#USER#<user>#     | NOTIFICATION#<occurred>-<event># |
| Inbox         | ORG#<org>#USER#<user>#     | INBOX#                          |
| Recipient     | ORG#<org>#DIRECTORY#       | USER#<user>#                    |
| Partnership   | ORG#<vendor>#PARTNERSHIP#<id># | PARTNERSHIP#                |
| Outbox        | ORG#<org>#OUTBOX#<event>#  | OUTBOX#                         |
| WebhookEndpoint | ORG#<org>#WEBHOOKS#      | ENDPOINT#<endpoint>#            |
| WebhookEndpointCount | ORG#<org>#WEBHOOKS# | LIMIT#                          |
| WebhookDelivery | ORG#<org>#WEBHOOK#<endpoint># | DELIVERY#<occurred>-<event># |
| Email         | ORG#<org>#USER#<user>#     | EMAIL#<sha256(dedupe key)>#     |
| Email         | INVITEE#<sha256(address)># | EMAIL#<sha256(dedupe key)>#     |

Recipient (the directory entry of a user, built only from events, plus the user's own preferences):
gsi1pk ``DIGEST#<daily|weekly>#<shard>#``, gsi1sk ``ORG#<org>#USER#<user>#`` while the user takes a
digest (a sparse index: the digest run reads only subscribers, spread over ``DIGEST_SHARDS``).
Partnership: the vendor users assigned to it and the partner organisation, from partners' events.

Email: one email to one person (pending → sent | failed), keyed by its dedupe key so queueing it again
is a no-op; it lives under its owner (a user, or an invitee who is not a user yet: a partition of
their own, named by a hash of the address) and expires by TTL (``expires_at``) after ~30 days.

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
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)

from trellis.dynamo import Gsi1, table_model
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


class RecipientItem(NotificationsItem, discriminator="Recipient"):  # type: ignore[valid-type,misc,call-arg]
    """Who a user is (from the partners service's events) and how they want to hear (their own choice).

    The two halves are written by different hands - events set ``email``/``name``/``roles``/``active``
    (only when newer than ``known_at``), the user's requests set the preferences - with UpdateItem
    on distinct attributes, so neither overwrites the other.
    """

    user_id = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    roles = UnicodeSetAttribute(null=True)
    active = BooleanAttribute(default=True)
    known_at = UTCDateTimeAttribute(null=True)
    # "<category>.<channel>" the user turned off / on against the category's default (set operations,
    # so two changes at once - a preferences page and an unsubscribe link - both hold)
    muted = UnicodeSetAttribute(null=True)
    unmuted = UnicodeSetAttribute(null=True)
    digest = UnicodeAttribute(null=True)  # daily | weekly; absent: off
    last_digest_at = UTCDateTimeAttribute(null=True)
    by_digest = Gsi1()

    @property
    def organisation_id(self) -> str:
        return str(self.pk).split("#")[1]  # ORG#<org>#DIRECTORY#


class PartnershipItem(NotificationsItem, discriminator="Partnership"):  # type: ignore[valid-type,misc,call-arg]
    company_name = UnicodeAttribute()
    assigned_user_ids = UnicodeSetAttribute(null=True)
    assignees_at = UTCDateTimeAttribute(null=True)  # the event the assignees come from
    partner_organisation_id = UnicodeAttribute(null=True)
    deleted = BooleanAttribute(default=False)

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


# --- email


class EmailItem(NotificationsItem, discriminator="Email"):  # type: ignore[valid-type,misc,call-arg]
    """One email to one person: what to render (template + context), and what became of it.

    ``context`` is dropped once the email is sent or failed: an invitation's holds a one-time token.
    """

    dedupe_key = UnicodeAttribute()
    to_address = UnicodeAttribute()
    template = UnicodeAttribute()
    subject = UnicodeAttribute()
    context = JSONAttribute(null=True)
    organisation_id = UnicodeAttribute(null=True)
    user_id = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)  # None: transactional (no unsubscribe link)
    status = UnicodeAttribute()  # pending | sent | failed
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
    queued_at = UTCDateTimeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)
    ses_message_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()

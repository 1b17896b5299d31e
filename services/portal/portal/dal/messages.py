"""The messages room: a partnership's threads, their messages and each reader's place in them.

| entity         | pk                                 | sk             | gsi1pk / gsi1sk                     |
|----------------|------------------------------------|----------------|-------------------------------------|
| PortalThread   | ORG#<v>#THREAD#<pid>#              | THREAD#<tid>#  | ORG#<v>#THREAD#<pid>#ACTIVITY# /    |
|                |                                    |                |   <at>#<tid>                        |
| PortalMessage  | ORG#<v>#MESSAGE#<pid>#<tid>#       | MESSAGE#<seq># | ORG#<v>#MESSAGE#<pid>#ALL# / <mid>  |
| PortalReadMark | ORG#<v>#UNREAD#<pid>#<org>#<user># | THREAD#<tid>#  |                                     |

(<v>: vendor, <pid>: partnership, <tid>: thread, <at>: its last message's time, <seq>: the message's
number in its thread, zero-padded; <mid>: the message id, time-ordered;
<org>/<user>: the reader.) A thread counts its messages (``last_sequence``); posting bumps it under the
thread's version, so two messages never share a number. A read mark keeps, per reader and thread, the
last number read and how many of the reader's own messages came after it (never unread to them):
unread = last_sequence - last_read - own_after. The threads by latest activity are gsi1 of the
partnership; its newest messages across threads are gsi1 too (the room's search reads them).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.exceptions import PutError

from portal.dal.tables import Outbox, PortalItem
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

THREAD = "THREAD#"
MESSAGE = "MESSAGE#"
_BATCH_GET = 100


class ThreadItem(PortalItem, discriminator="PortalThread"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    thread_id = UnicodeAttribute()
    subject = UnicodeAttribute()
    started_by = UnicodeAttribute()
    started_by_organisation_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    last_message_at = UTCDateTimeAttribute()
    last_excerpt = UnicodeAttribute()
    last_sequence = NumberAttribute(default=0)
    version = VersionAttribute()


class MessageItem(PortalItem, discriminator="PortalMessage"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    thread_id = UnicodeAttribute()
    message_id = UnicodeAttribute()
    sequence = NumberAttribute()
    body = UnicodeAttribute()
    author_user_id = UnicodeAttribute()
    author_organisation_id = UnicodeAttribute()
    posted_at = UTCDateTimeAttribute()


class ReadMarkItem(PortalItem, discriminator="PortalReadMark"):  # type: ignore[valid-type,misc,call-arg]
    thread_id = UnicodeAttribute()
    last_read = NumberAttribute(default=0)
    own_after = NumberAttribute(default=0)
    version = VersionAttribute()


def threads_pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "THREAD", partnership_id)


def activity_pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "THREAD", partnership_id, "ACTIVITY")


def thread_key(vendor_id: str, partnership_id: str, thread_id: str) -> tuple[str, str]:
    return threads_pk(vendor_id, partnership_id), f"{THREAD}{thread_id}#"


def messages_pk(vendor_id: str, partnership_id: str, thread_id: str) -> str:
    return org_key(vendor_id, "MESSAGE", partnership_id, thread_id)


def all_messages_pk(vendor_id: str, partnership_id: str) -> str:
    return org_key(vendor_id, "MESSAGE", partnership_id, "ALL")


def mark_key(
    vendor_id: str, partnership_id: str, organisation_id: str, user_id: str, thread_id: str,
) -> tuple[str, str]:
    return org_key(vendor_id, "UNREAD", partnership_id, organisation_id, user_id), f"{THREAD}{thread_id}#"


def new_thread(vendor_id: str, partnership_id: str, thread_id: str, **attributes: Any) -> ThreadItem:
    return ThreadItem(
        *thread_key(vendor_id, partnership_id, thread_id), vendor_organisation_id=vendor_id,
        partnership_id=partnership_id, thread_id=thread_id, **attributes,
    )


def new_message(thread: ThreadItem, sequence: int, **attributes: Any) -> MessageItem:
    vendor, pid = thread.vendor_organisation_id, thread.partnership_id
    message = MessageItem(
        messages_pk(vendor, pid, thread.thread_id), f"{MESSAGE}{sequence:010d}#",
        vendor_organisation_id=vendor, partnership_id=pid, thread_id=thread.thread_id, sequence=sequence,
        **attributes,
    )
    message.gsi1pk, message.gsi1sk = all_messages_pk(vendor, pid), message.message_id
    return message


def new_mark(
    vendor_id: str, partnership_id: str, organisation_id: str, user_id: str, thread_id: str,
) -> ReadMarkItem:
    return ReadMarkItem(*mark_key(vendor_id, partnership_id, organisation_id, user_id, thread_id),
                        thread_id=thread_id)


def thread_and_mark(
    vendor_id: str, partnership_id: str, thread_id: str, organisation_id: str, user_id: str,
) -> tuple[ThreadItem | None, ReadMarkItem | None]:
    """A thread and the reader's mark in it, in one BatchGetItem."""
    thread, mark = None, None
    keys = [thread_key(vendor_id, partnership_id, thread_id),
            mark_key(vendor_id, partnership_id, organisation_id, user_id, thread_id)]
    for item in PortalItem.batch_get(keys, consistent_read=True):
        if isinstance(item, ThreadItem):
            thread = item
        elif isinstance(item, ReadMarkItem):
            mark = item
    return thread, mark


def marks(
    vendor_id: str, partnership_id: str, organisation_id: str, user_id: str, thread_ids: list[str],
) -> dict[str, ReadMarkItem]:
    """The reader's marks in these threads (BatchGetItem, 100 a call); threads never read are absent."""
    keys = [mark_key(vendor_id, partnership_id, organisation_id, user_id, tid) for tid in thread_ids]
    found: dict[str, ReadMarkItem] = {}
    for start in range(0, len(keys), _BATCH_GET):
        for item in PortalItem.batch_get(keys[start:start + _BATCH_GET]):
            if isinstance(item, ReadMarkItem):
                found[item.thread_id] = item
    return found


def threads_page(
    vendor_id: str, partnership_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[ThreadItem], dict[str, Any] | None]:
    """A page of the partnership's threads, latest activity first (one Query of gsi1)."""
    result = ThreadItem.gsi1.query(activity_pk(vendor_id, partnership_id), scan_index_forward=False,
                                   limit=limit, last_evaluated_key=start)
    items = [item for item in result if isinstance(item, ThreadItem)]
    return items, result.last_evaluated_key


def messages_page(
    vendor_id: str, partnership_id: str, thread_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[MessageItem], dict[str, Any] | None]:
    """A page of a thread's messages, newest first (one Query)."""
    pk = messages_pk(vendor_id, partnership_id, thread_id)
    result = PortalItem.query(pk, PortalItem.sk.startswith(MESSAGE), scan_index_forward=False, limit=limit,
                              last_evaluated_key=start)
    items = [item for item in result if isinstance(item, MessageItem)]
    return items, result.last_evaluated_key


def newest_messages(vendor_id: str, partnership_id: str, *, limit: int) -> list[MessageItem]:
    """At most ``limit`` of the partnership's newest messages, across its threads (Query of gsi1)."""
    found: list[MessageItem] = []
    for item in MessageItem.gsi1.query(all_messages_pk(vendor_id, partnership_id), scan_index_forward=False,
                                      limit=limit):
        if isinstance(item, MessageItem):
            found.append(item)
    return found


def save_post(thread: ThreadItem, message: MessageItem, mark: ReadMarkItem, envelope: EventEnvelope) -> None:
    """The thread (version-checked, or new), the message, the author's mark and the event: one transaction."""
    thread.gsi1pk = activity_pk(thread.vendor_organisation_id, thread.partnership_id)
    thread.gsi1sk = f"{thread.last_message_at.isoformat()}#{thread.thread_id}"
    with concurrent_change_is_a_conflict("the thread"), transaction(PortalItem) as write:
        write.save(thread)
        write.save(message, condition=MessageItem.pk.does_not_exist())
        write.save(mark)
        write.save(outbox_item(Outbox, envelope))


def save_mark(mark: ReadMarkItem) -> bool:
    """The reader's mark, unless another request of theirs moved it meanwhile (then theirs stands)."""
    try:
        mark.save()
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True

"""The messages room: the partner's users and the vendor (its partner managers) talking in threads.

Decisions:
- Every partner role enters the room and posts; on the vendor side every role may post too (a member
  answering a partner is the point of the room). Nobody posts in an archived partnership (409).
- A thread has a subject and a first message; its participants are the partnership's two
  organisations. Messages are immutable, at most ``MAX_MESSAGE_CHARS`` characters.
- Posting is one transaction: the thread (its message count bumped under its version), the message,
  the author's read mark and ``MessagePosted`` (excerpt: the first 280 characters). Two posts racing
  in one thread: the loser re-reads and retries (``POST_ATTEMPTS``), it is not the caller's problem.
- Unread counts, per user: a read mark per (user, thread) holds the last message number read and how
  many of the user's own messages came after it, so one's own message is never unread. Reading a
  thread's newest page moves the reader's mark to its last message (a write on that GET, only when
  something was unread). Cost of the totals: one Query of the ``UNREAD_WINDOW`` most recently active
  threads (gsi1) and at most two BatchGetItem of marks; older threads are not counted (``window``).
  A thread list page adds one BatchGetItem of marks for its threads.
- Search (:func:`search_hits`): subjects of the ``SEARCH_THREADS`` most recently active threads and the
  bodies of the partnership's ``SEARCH_MESSAGES`` newest messages: two Queries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.dal import messages as dal
from portal.dal import people as people_dal
from portal.dal.messages import MessageItem, ReadMarkItem, ThreadItem
from portal.dal.tables import PersonItem
from portal.logic.access import Room, Side, Viewer, enter
from portal.models_collab import (
    PortalMessage,
    PortalMessageCreate,
    PortalParticipant,
    PortalThread,
    PortalThreadCreate,
    PortalUnread,
)
from trellis.errors import Conflict, NotFound
from trellis.events import Actor, EventEnvelope
from trellis.events.portal import MessagePosted
from trellis.keys import time_ordered_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import Principal

EXCERPT = 280
POST_ATTEMPTS = 3
UNREAD_WINDOW = 200
SEARCH_THREADS = 200
SEARCH_MESSAGES = 300


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"


def _person(viewer: Viewer, organisation_id: str, user_id: str,
            names: dict[tuple[str, str], PersonItem]) -> PortalParticipant:
    known = names.get((organisation_id, user_id))
    side: Side = "vendor" if organisation_id == viewer.vendor_id else "partner"
    return PortalParticipant(user_id=user_id, organisation_id=organisation_id,
                             name=known.name if known else None, side=side)


def _unread(thread: ThreadItem, mark: ReadMarkItem | None) -> int:
    if mark is None:
        return int(thread.last_sequence)
    return max(0, int(thread.last_sequence) - int(mark.last_read) - int(mark.own_after))


def _thread(viewer: Viewer, item: ThreadItem, mark: ReadMarkItem | None,
            names: dict[tuple[str, str], PersonItem]) -> PortalThread:
    return PortalThread(
        id=item.thread_id, partnership_id=item.partnership_id, subject=item.subject,
        started_by=_person(viewer, item.started_by_organisation_id, item.started_by, names),
        created_at=item.created_at, last_message_at=item.last_message_at, last_excerpt=item.last_excerpt,
        message_count=int(item.last_sequence), unread=_unread(item, mark),
    )


def _threads(viewer: Viewer, items: list[ThreadItem], marks: dict[str, ReadMarkItem]) -> list[PortalThread]:
    if not items:
        return []
    names = people_dal.people((item.started_by_organisation_id, item.started_by) for item in items)
    return [_thread(viewer, item, marks.get(item.thread_id), names) for item in items]


def _marks(viewer: Viewer, thread_ids: list[str]) -> dict[str, ReadMarkItem]:
    if not thread_ids:
        return {}
    principal = viewer.principal
    return dal.marks(viewer.vendor_id, viewer.partnership_id, principal.organisation_id, principal.user_id,
                     thread_ids)


def _poster(principal: Principal, partnership_id: str) -> Viewer:
    viewer = enter(principal, partnership_id, Room.MESSAGES)
    if viewer.view.archived:
        raise Conflict("the partnership is archived; restore it first", field="partnership_id")
    return viewer


# ---------------------------------------------------------------- threads


def list_threads(
    principal: Principal, partnership_id: str, *, limit: int, cursor: str | None,
) -> Page[PortalThread]:
    viewer = enter(principal, partnership_id, Room.MESSAGES)
    listing = f"portal-threads:{partnership_id}"
    start = decode_cursor(cursor, tenant_id=viewer.vendor_id, listing=listing)
    items, last_key = dal.threads_page(viewer.vendor_id, partnership_id, limit=limit, start=start)
    marks = _marks(viewer, [item.thread_id for item in items])
    next_cursor = encode_cursor(last_key, tenant_id=viewer.vendor_id, listing=listing)
    return Page[PortalThread](items=_threads(viewer, items, marks), next_cursor=next_cursor)


def _post(
    viewer: Viewer, thread: ThreadItem, mark: ReadMarkItem | None, body: str, now: datetime,
) -> MessageItem:
    principal = viewer.principal
    previous = int(thread.last_sequence)
    sequence = previous + 1
    thread.last_sequence, thread.last_message_at, thread.last_excerpt = sequence, now, _excerpt(body)
    if mark is None:
        mark = dal.new_mark(viewer.vendor_id, viewer.partnership_id, principal.organisation_id,
                            principal.user_id, thread.thread_id)
    if int(mark.last_read) + int(mark.own_after) >= previous:
        mark.last_read, mark.own_after = sequence, 0  # everything before was read: so is this one
    else:
        mark.own_after = int(mark.own_after) + 1  # others' unread messages stay unread
    message = dal.new_message(
        thread, sequence, message_id=time_ordered_id(), body=body, author_user_id=principal.user_id,
        author_organisation_id=principal.organisation_id, posted_at=now,
    )
    author = people_dal.get_person(principal.organisation_id, principal.user_id)
    view = viewer.view
    event = EventEnvelope.new(MessagePosted(
        message_id=message.message_id, partnership_id=viewer.partnership_id,
        company_name=view.company_name or "",
        vendor_organisation_id=viewer.vendor_id, vendor_organisation_name=view.vendor_organisation_name,
        partner_organisation_id=viewer.partner_id, author_side=viewer.side, author_user_id=principal.user_id,
        author_name=(author.name if author else None) or principal.email or principal.user_id,
        excerpt=_excerpt(body),
    ), tenant_id=viewer.vendor_id, actor=Actor.of(principal), occurred_at=now)
    dal.save_post(thread, message, mark, event)
    return message


def start_thread(principal: Principal, partnership_id: str, request: PortalThreadCreate) -> PortalThread:
    viewer = _poster(principal, partnership_id)
    now = datetime.now(UTC)
    thread = dal.new_thread(
        viewer.vendor_id, partnership_id, time_ordered_id(), subject=request.subject,
        started_by=principal.user_id, started_by_organisation_id=principal.organisation_id, created_at=now,
        last_message_at=now,
        last_excerpt="", last_sequence=0,
    )
    _post(viewer, thread, None, request.body, now)
    names = people_dal.people([(principal.organisation_id, principal.user_id)])
    return _thread(viewer, thread, None, names).model_copy(update={"unread": 0})


def _message(viewer: Viewer, item: MessageItem, names: dict[tuple[str, str], PersonItem]) -> PortalMessage:
    return PortalMessage(
        id=item.message_id, thread_id=item.thread_id, sequence=int(item.sequence), body=item.body,
        author=_person(viewer, item.author_organisation_id, item.author_user_id, names),
        posted_at=item.posted_at,
    )


def post_message(
    principal: Principal, partnership_id: str, thread_id: str, request: PortalMessageCreate,
) -> PortalMessage:
    viewer = _poster(principal, partnership_id)
    for attempt in range(POST_ATTEMPTS):
        thread, mark = dal.thread_and_mark(viewer.vendor_id, partnership_id, thread_id,
                                           principal.organisation_id, principal.user_id)
        if thread is None:
            raise NotFound("no such thread", field="thread_id")
        try:
            message = _post(viewer, thread, mark, request.body, datetime.now(UTC))
        except Conflict:
            if attempt == POST_ATTEMPTS - 1:
                raise
            continue  # another message took this number: take the next one
        names = people_dal.people([(principal.organisation_id, principal.user_id)])
        return _message(viewer, message, names)
    raise AssertionError("unreachable")  # pragma: no cover


def list_messages(
    principal: Principal, partnership_id: str, thread_id: str, *, limit: int, cursor: str | None,
) -> Page[PortalMessage]:
    """A page of the thread's messages, newest first; reading the newest page marks the thread read."""
    viewer = enter(principal, partnership_id, Room.MESSAGES)
    org, user = principal.organisation_id, principal.user_id
    thread, mark = dal.thread_and_mark(viewer.vendor_id, partnership_id, thread_id, org, user)
    if thread is None:
        raise NotFound("no such thread", field="thread_id")
    listing = f"portal-messages:{partnership_id}:{thread_id}"
    start = decode_cursor(cursor, tenant_id=viewer.vendor_id, listing=listing)
    items, last_key = dal.messages_page(viewer.vendor_id, partnership_id, thread_id, limit=limit, start=start)
    if start is None and _unread(thread, mark) > 0:
        newest = max((int(item.sequence) for item in items), default=int(thread.last_sequence))
        mark = mark or dal.new_mark(viewer.vendor_id, partnership_id, org, user, thread_id)
        mark.last_read, mark.own_after = newest, 0
        dal.save_mark(mark)
    names = people_dal.people({(item.author_organisation_id, item.author_user_id) for item in items})
    next_cursor = encode_cursor(last_key, tenant_id=viewer.vendor_id, listing=listing)
    messages = [_message(viewer, item, names) for item in items]
    return Page[PortalMessage](items=messages, next_cursor=next_cursor)


def unread(principal: Principal, partnership_id: str) -> PortalUnread:
    viewer = enter(principal, partnership_id, Room.MESSAGES)
    threads, _ = dal.threads_page(viewer.vendor_id, partnership_id, limit=UNREAD_WINDOW, start=None)
    marks = _marks(viewer, [thread.thread_id for thread in threads])
    counts = {thread.thread_id: _unread(thread, marks.get(thread.thread_id)) for thread in threads}
    counts = {thread_id: count for thread_id, count in counts.items() if count}
    return PortalUnread(unread_messages=sum(counts.values()), unread_threads=len(counts), threads=counts,
                        window=UNREAD_WINDOW)


# ---------------------------------------------------------------- search


def _matches(terms: list[str], text: str) -> bool:
    folded = text.casefold()
    return all(term.casefold() in folded for term in terms)


def search_hits(viewer: Viewer, terms: list[str]) -> list[dict[str, Any]]:
    """Threads (by subject) and messages (by body) of the viewer's partnership holding every term,
    case-folded; a message is found as its thread. Reads two Queries: the ``SEARCH_THREADS`` most
    recently active threads and the ``SEARCH_MESSAGES`` newest messages."""
    if not terms:
        return []
    threads, _ = dal.threads_page(viewer.vendor_id, viewer.partnership_id, limit=SEARCH_THREADS, start=None)
    subjects = {thread.thread_id: thread.subject for thread in threads}
    hits: list[dict[str, Any]] = [
        {"kind": "message", "id": thread.thread_id, "title": thread.subject, "excerpt": thread.last_excerpt}
        for thread in threads if _matches(terms, thread.subject)
    ]
    for message in dal.newest_messages(viewer.vendor_id, viewer.partnership_id, limit=SEARCH_MESSAGES):
        if _matches(terms, message.body):
            hits.append({"kind": "message", "id": message.thread_id,
                         "title": subjects.get(message.thread_id, ""), "excerpt": _excerpt(message.body)})
    return hits

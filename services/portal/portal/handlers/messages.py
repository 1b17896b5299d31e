"""HTTP routes of a partnership's messages room: threads, their messages and the caller's unread counts."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from portal.logic import messages as logic
from portal.models import EntityId
from portal.models_collab import (
    PortalMessage,
    PortalMessageCreate,
    PortalThread,
    PortalThreadCreate,
    PortalUnread,
)
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_CURSOR_LENGTH, MAX_PAGE_SIZE, Page

router = Router()

PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
ThreadId = Annotated[EntityId, Path(description="A thread of the partnership")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)]
TAGS = ["portal-messages"]
BASE = "/portal/partnerships/<partnership_id>/messages"


@router.get(f"{BASE}/threads", summary="The partnership's threads, latest activity first", tags=TAGS)
def list_threads(partnership_id: PartnershipId, limit: Limit = DEFAULT_PAGE_SIZE,
                 cursor: Cursor = None) -> Page[PortalThread]:
    return logic.list_threads(current_principal(router), partnership_id, limit=limit, cursor=cursor)


@router.post(f"{BASE}/threads", summary="Start a thread with its first message", tags=TAGS)
def start_thread(partnership_id: PartnershipId, body: PortalThreadCreate) -> Response[PortalThread]:
    return created(logic.start_thread(current_principal(router), partnership_id, body))


@router.get(f"{BASE}/threads/<thread_id>/messages",
            summary="A thread's messages, newest first (reading the newest page marks it read)", tags=TAGS)
def list_messages(partnership_id: PartnershipId, thread_id: ThreadId, limit: Limit = DEFAULT_PAGE_SIZE,
                  cursor: Cursor = None) -> Page[PortalMessage]:
    return logic.list_messages(current_principal(router), partnership_id, thread_id, limit=limit,
                               cursor=cursor)


@router.post(f"{BASE}/threads/<thread_id>/messages", summary="Post a message in a thread", tags=TAGS)
def post_message(partnership_id: PartnershipId, thread_id: ThreadId,
                 body: PortalMessageCreate) -> Response[PortalMessage]:
    return created(logic.post_message(current_principal(router), partnership_id, thread_id, body))


@router.get(f"{BASE}/unread", summary="The caller's unread messages in the partnership, by thread", tags=TAGS)
def unread(partnership_id: PartnershipId) -> PortalUnread:
    return logic.unread(current_principal(router), partnership_id)

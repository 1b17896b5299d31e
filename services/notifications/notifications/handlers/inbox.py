"""HTTP routes for the caller's own in-app inbox and notification preferences."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from notifications.logic import inbox as logic
from notifications.logic import preferences
from notifications.models import Notification, NotificationId, Preferences, PreferencesUpdate, UnreadCount
from trellis.api import current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()


@router.get("/notifications", summary="My notifications, newest first", tags=["notifications"])
def list_notifications(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[Notification]:
    return logic.list_notifications(current_principal(router), limit=limit, cursor=cursor)


@router.get("/notifications/unread-count", summary="How many of my notifications are unread",
            tags=["notifications"])
def unread_count() -> UnreadCount:
    return logic.unread_count(current_principal(router))


@router.post("/notifications/<notification_id>/read", summary="Mark one notification read",
             tags=["notifications"])
def mark_read(notification_id: Annotated[NotificationId, Path()]) -> Notification:
    return logic.mark_read(current_principal(router), notification_id)


@router.post("/notifications/read-all", summary="Mark all my notifications read", tags=["notifications"])
def mark_all_read() -> UnreadCount:
    return logic.mark_all_read(current_principal(router))


@router.get("/notifications/preferences", summary="How I want to hear about things", tags=["notifications"])
def get_preferences() -> Preferences:
    return preferences.get_preferences(current_principal(router))


@router.patch("/notifications/preferences", summary="Change my channels per category and my digest",
              tags=["notifications"])
def update_preferences(update: PreferencesUpdate) -> Preferences:
    return preferences.update_preferences(current_principal(router), update)

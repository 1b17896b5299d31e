"""What the notifications API returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

NotificationId = Annotated[str, StringConstraints(pattern=r"^[0-9]{20}-[0-9a-f]{32}$")]


class Notification(BaseModel):
    id: str
    category: str
    title: str
    body: str
    link: str | None = None
    created_at: datetime
    read: bool


class UnreadCount(BaseModel):
    unread: int

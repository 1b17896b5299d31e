"""What the notifications API returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from notifications.logic.catalog import CATEGORIES

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


# ---------------------------------------------------------------- preferences

DigestFrequency = Literal["off", "daily", "weekly"]


class CategoryChannels(BaseModel):
    """A category's channels as the user has them (``email`` needs an address the directory knows)."""

    category: str
    label: str
    description: str
    in_app: bool
    email: bool


class Preferences(BaseModel):
    categories: list[CategoryChannels]
    digest: DigestFrequency
    email_address: str | None = Field(
        default=None,
        description="Where emails go (the address of the user's login); none known yet: no emails",
    )


class ChannelChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    in_app: bool | None = None
    email: bool | None = None


class PreferencesUpdate(BaseModel):
    """Only what is sent changes; ``categories`` maps a category to the channels to turn on or off."""

    model_config = ConfigDict(extra="forbid")

    categories: dict[str, ChannelChoice] = Field(default_factory=dict, max_length=50)
    digest: DigestFrequency | None = None

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: dict[str, ChannelChoice]) -> dict[str, ChannelChoice]:
        unknown = sorted(set(value) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories: {', '.join(unknown)} (known: {', '.join(CATEGORIES)})")
        return value

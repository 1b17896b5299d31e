"""What the notifications API returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from notifications.logic.catalog import CATEGORIES, WEBHOOK_EVENT_TYPES

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

# --- outbound webhooks

WebhookEndpointId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
WebhookDeliveryId = Annotated[str, StringConstraints(pattern=r"^[0-9]{20}-[A-Za-z0-9_-]{1,64}$")]
WebhookUrl = Annotated[str, StringConstraints(min_length=9, max_length=2048)]
WebhookDescription = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
MAX_EVENT_TYPES = len(WEBHOOK_EVENT_TYPES)


def _known_event_types(value: list[str]) -> list[str]:
    unknown = sorted(set(value) - set(WEBHOOK_EVENT_TYPES))
    if unknown:
        raise ValueError(f"unknown event types: {', '.join(unknown)}; see GET /webhooks/event-types")
    if len(set(value)) != len(value):
        raise ValueError("an event type is listed twice")
    return value


EventTypes = Annotated[
    list[str], Field(min_length=1, max_length=MAX_EVENT_TYPES), AfterValidator(_known_event_types),
]


class WebhookEndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl = Field(description="https:// URL on a public address; port 443 or from 1024 up")
    event_types: EventTypes
    description: WebhookDescription | None = None


class WebhookEndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl | None = None
    event_types: EventTypes | None = None
    description: WebhookDescription | None = None

    @model_validator(mode="after")
    def _something(self) -> WebhookEndpointUpdate:
        if not self.model_fields_set:
            raise ValueError("name at least one of url, event_types, description")
        for name in ("url", "event_types"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be emptied")
        return self


class WebhookEndpoint(BaseModel):
    id: str
    url: str
    event_types: list[str]
    description: str | None = None
    enabled: bool
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    consecutive_failures: int
    secret_hint: str = Field(description="the end of the current signing secret, to tell secrets apart")
    previous_secret_valid_until: datetime | None = Field(
        default=None, description="until when the previous secret still signs alongside the current one")
    created_at: datetime
    updated_at: datetime


class WebhookEndpointWithSecret(WebhookEndpoint):
    secret: str = Field(description="the signing secret (whsec_…): shown in this answer only")


class WebhookEndpointList(BaseModel):
    items: list[WebhookEndpoint]


class OutboundWebhookDelivery(BaseModel):
    id: str
    event_type: str
    event_id: str
    status: Literal["pending", "succeeded", "failed"]
    attempts: int
    last_status_code: int | None = None
    last_error: str | None = None
    last_attempt_at: datetime | None = None
    next_attempt_at: datetime | None = None
    created_at: datetime


class WebhookEventType(BaseModel):
    type: str
    description: str


class WebhookEventTypeList(BaseModel):
    items: list[WebhookEventType]

"""The event envelope: what every Trellis event looks like as the EventBridge ``detail``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from trellis.principal import Principal


class EventData(BaseModel):
    """Base of every event's ``data``. Subclasses set the type, source and version they publish."""

    # Consumers tolerate fields added by newer producers. defer_build: a model's validator is built on its
    # first use, not at import, so a function pays only for the event types it publishes or consumes
    # (building all of them was ~140 ms of a consumer's cold start). Parts of events say the same.
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    event_type: ClassVar[str]
    source: ClassVar[str]
    version: ClassVar[int] = 1


class Actor(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: Literal["user", "system"] = "user"
    user_id: str | None = None
    organisation_id: str | None = None

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(kind="system" if principal.system else "user", user_id=principal.user_id,
                   organisation_id=principal.organisation_id)


SYSTEM = Actor(kind="system")


class EventEnvelope(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1, max_length=64)
    type: str = Field(min_length=1, max_length=128)
    version: int = Field(ge=1)
    occurred_at: datetime
    tenant_id: str = Field(min_length=1, max_length=64)
    actor: Actor
    data: dict[str, Any]

    @classmethod
    def new(
        cls, data: EventData, *, tenant_id: str, actor: Actor, occurred_at: datetime | None = None,
    ) -> EventEnvelope:
        return cls(
            id=uuid.uuid4().hex,
            type=data.event_type,
            version=data.version,
            occurred_at=occurred_at or datetime.now(UTC),
            tenant_id=tenant_id,
            actor=actor,
            data=data.model_dump(mode="json"),
        )


# What a consumer calls for an event: its envelope and its data, parsed as the model of its type.
EventHandler = Callable[[EventEnvelope, Any], object]

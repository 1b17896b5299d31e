"""What the portal API returns."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Side = Literal["vendor", "partner", "both"]


class Me(BaseModel):
    user_id: str
    organisation_id: str
    email: str | None
    roles: list[str]
    side: Side

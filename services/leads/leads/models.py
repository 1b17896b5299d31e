"""What the leads API returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Lead(BaseModel):
    id: str
    company_name: str
    status: str
    created_at: datetime

"""The portal table (issue #6 adds rooms, projections of partnerships and summaries)."""

from __future__ import annotations

from trellis.dynamo import table_model
from trellis.outbox import outbox_model

PortalItem = table_model("portal")
Outbox = outbox_model(PortalItem)

"""Events of the leads service (source `trellis.leads`): ledger."""

from __future__ import annotations

from trellis.events.envelope import EventData

SOURCE = "trellis.leads"

EXAMPLES: tuple[EventData, ...] = ()

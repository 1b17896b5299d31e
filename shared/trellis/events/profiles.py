"""ICP and custom-field events of the partners service (source ``trellis.partners``)."""

from __future__ import annotations

from trellis.events.envelope import EventData

SOURCE = "trellis.partners"

EXAMPLES: tuple[EventData, ...] = ()

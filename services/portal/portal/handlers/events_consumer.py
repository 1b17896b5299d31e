"""Lambda entry point: the other services' events → the portal's projections.

Each area of the portal keeps a table of event type → function; an event several areas keep is
handed to each in turn (all within the one idempotent call for its id, so a failure retries all).
"""

from __future__ import annotations

from collections.abc import Mapping

from portal.logic import dashboard, projection
from trellis.consumer import Consumer, EventHandler
from trellis.events import EventEnvelope

AREAS: tuple[Mapping[str, EventHandler], ...] = (projection.HANDLERS, dashboard.HANDLERS)


def _combined(areas: tuple[Mapping[str, EventHandler], ...]) -> dict[str, EventHandler]:
    by_type: dict[str, list[EventHandler]] = {}
    for area in areas:
        for event_type, handle in area.items():
            by_type.setdefault(event_type, []).append(handle)

    def each(handles: list[EventHandler]) -> EventHandler:
        def run(envelope: EventEnvelope, data: object) -> None:
            for handle in handles:
                handle(envelope, data)

        return run

    return {event_type: each(handles) for event_type, handles in by_type.items()}


HANDLERS = _combined(AREAS)
# PortalEventsRule (template.yaml) sends exactly these types to this consumer's queue.
PROJECTED_EVENTS = tuple(HANDLERS)

consumer = Consumer("portal-events", HANDLERS)
handler = consumer.lambda_handler

"""Lambda entry point: the other services' events → the portal's projections.

Each area of the portal keeps a table of event model → function; an event several areas keep is
handed to each in turn (all within the one idempotent call for its id, so a failure retries all).
"""

from __future__ import annotations

from collections.abc import Mapping

from portal.logic import dashboard, projection
from trellis.consumer import Consumer
from trellis.events import EventData, EventEnvelope, EventHandler

Handlers = Mapping[type[EventData], EventHandler]

AREAS: tuple[Handlers, ...] = (projection.HANDLERS, dashboard.HANDLERS)


def _combined(areas: tuple[Handlers, ...]) -> dict[type[EventData], EventHandler]:
    by_model: dict[type[EventData], list[EventHandler]] = {}
    for area in areas:
        for model, handle in area.items():
            by_model.setdefault(model, []).append(handle)

    def each(handles: list[EventHandler]) -> EventHandler:
        def run(envelope: EventEnvelope, data: object) -> None:
            for handle in handles:
                handle(envelope, data)

        return run

    return {model: each(handles) for model, handles in by_model.items()}


HANDLERS = _combined(AREAS)
# PortalEventsRule (template.yaml) sends exactly these types to this consumer's queue.
PROJECTED_EVENTS = tuple(model.event_type for model in HANDLERS)

consumer = Consumer("portal-events", HANDLERS)
handler = consumer.lambda_handler

"""Event envelope and catalogue."""

from trellis.events.envelope import SYSTEM, Actor, EventData, EventEnvelope

__all__ = ["SYSTEM", "Actor", "EventData", "EventEnvelope"]

"""Event envelope and catalogue."""

from trellis.events.envelope import SYSTEM, Actor, EventData, EventEnvelope, EventHandler

__all__ = ["SYSTEM", "Actor", "EventData", "EventEnvelope", "EventHandler"]

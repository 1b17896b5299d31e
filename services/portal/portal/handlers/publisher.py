"""Lambda entry point: the portal table stream → outbox items → the trellis bus."""

from trellis.publisher import handler

__all__ = ["handler"]

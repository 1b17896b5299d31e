"""Lambda entry point: the partners table stream → outbox items → the trellis bus."""

from trellis.publisher import handler

__all__ = ["handler"]

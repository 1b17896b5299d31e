"""Lambda entry point: the notifications table stream → outbox items → the trellis bus."""

from trellis.publisher import handler

__all__ = ["handler"]

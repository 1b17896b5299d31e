"""Trellis shared Lambda layer: what every service imports (identity, errors, events, outbox, paging)."""

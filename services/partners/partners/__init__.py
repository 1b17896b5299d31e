"""Partners service: organisations, partnerships and their journey through the stage pipeline."""

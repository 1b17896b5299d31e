"""Portal service: the partner-facing API (issue #6 builds it out)."""

"""Test support for the unit, integration and contract suites (never imported by Lambda code)."""

"""The e2e suite talks to the local stack over HTTP only.

Its ``stack`` fixture (one per test session, shared with the browser suite) and helpers are in
tests/helpers/local_stack.py; tests/conftest.py registers the fixture.
"""

from tests.helpers.local_stack import ROOT, LocalStack, concrete, eventually, operations

__all__ = ["ROOT", "LocalStack", "concrete", "eventually", "operations"]

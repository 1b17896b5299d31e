"""Property tests (Hypothesis): what the code promises for any input, not only the examples we thought of.

One profile for the suite: a modest number of examples so that ``make test`` stays quick, no deadline
(the CPU is shared and timings are noisy), and the database of failing examples kept out of the tree
(``.hypothesis/`` is ignored). ``HYPOTHESIS_PROFILE=thorough`` runs many more examples.

The environment fixtures of tests/conftest.py are function-scoped and apply to every test; they set
environment variables and a moto account that the examples of one test may share (each example sets
up what it needs), so Hypothesis's warning about function-scoped fixtures does not apply.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# The integration fixtures, for the properties that go through the API (custom fields).
from tests.integration.conftest import new_partnership, partners  # noqa: F401

_SHARED = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}
settings.register_profile("trellis", max_examples=100, **_SHARED)  # type: ignore[arg-type]
settings.register_profile("thorough", max_examples=2_000, **_SHARED)  # type: ignore[arg-type]
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "trellis"))

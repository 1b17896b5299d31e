"""Contract tests read template.yaml (through local/template.py) and hold the code to it."""

from __future__ import annotations

import pytest

from local.template import Template, template


@pytest.fixture(scope="session")
def cfn() -> Template:
    return template()

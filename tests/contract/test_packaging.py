"""What goes into Lambda: the layer's requirements, and handler modules that import only what they need."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from local.template import Function, template

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted(template().functions.values(), key=lambda fn: fn.name)
# Test and tooling packages that must never be imported by a handler (they are not in the layer).
FORBIDDEN = (
    "moto",
    "mypy_boto3",
    "boto3_stubs",
    "yaml",
    "tests",
    "local",
    "pytest",
    "_pytest",
    "jwt",
    "requests",
)


def _requirements(lines: list[str]) -> dict[str, tuple[frozenset[str], str]]:
    parsed = [Requirement(line) for line in lines]
    return {req.name.lower().replace("_", "-"): (frozenset(req.extras), str(req.specifier)) for req in parsed}


def test_the_layer_lists_the_same_ranges_as_the_project() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    layer = [
        line.strip()
        for line in (ROOT / "shared" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert _requirements(layer) == _requirements(project)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda fn: fn.name)
def test_a_handler_imports_nothing_from_tests_or_tooling(function: Function) -> None:
    # A fresh interpreter that sees what the Lambda package holds: the layer and the function's CodeUri
    script = f"""
import json, sys
import {function.module}
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
"""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "shared"), str(ROOT / function.code_uri)])
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT / function.code_uri,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    imported = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert not {name for name in imported if name in FORBIDDEN or name.startswith("mypy_boto3")}, sorted(
        imported
    )
    # and nothing of another service: each function's package holds only its own service
    services = {"partners", "leads", "portal", "notifications"}
    assert imported & services == {function.code_uri.strip("/").split("/")[-1]}

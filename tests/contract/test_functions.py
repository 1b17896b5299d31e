"""Every function of the template is real code inside its own package, with an environment that resolves."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from local.template import Function, Template, template

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted(template().functions.values(), key=lambda fn: fn.name)
PSEUDO_PARAMETERS = {"AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::URLSuffix"}


def _names(template_: Template) -> set[str]:
    return set(template_.raw["Resources"]) | set(template_.raw.get("Parameters", {})) | PSEUDO_PARAMETERS


def _references(value: Any) -> list[str]:
    """Logical ids a CloudFormation value points at (!Ref, !GetAtt, ${…} in !Sub)."""
    if isinstance(value, dict):
        if "Ref" in value:
            return [str(value["Ref"])]
        if "Fn::GetAtt" in value:
            return [str(value["Fn::GetAtt"][0])]
        if "Fn::Sub" in value:
            text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
            return [name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text)]
        return [ref for item in value.values() for ref in _references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _references(item)]
    return []


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda fn: fn.name)
def test_the_handler_is_a_callable_in_the_functions_code_uri(function: Function) -> None:
    code_uri = ROOT / function.code_uri
    assert code_uri.is_dir(), f"{function.name}: CodeUri {function.code_uri} does not exist"
    module_path = code_uri / Path(*function.module.split("."))
    assert module_path.with_suffix(".py").is_file() or (module_path / "__init__.py").is_file(), (
        f"{function.name}: {function.module} is not inside {function.code_uri}"
    )
    handler = getattr(importlib.import_module(function.module), function.attribute, None)
    assert callable(handler), f"{function.name}: {function.handler} is not callable"


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda fn: fn.name)
def test_the_environment_names_only_existing_resources(cfn: Template, function: Function) -> None:
    unknown = {ref for value in function.environment.values() for ref in _references(value)} - _names(cfn)
    assert not unknown, f"{function.name} refers to {unknown}"


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda fn: fn.name)
def test_a_function_with_a_table_uses_its_own_services_table(cfn: Template, function: Function) -> None:
    table = function.environment.get("TABLE_NAME")
    if table is None:
        pytest.skip(f"{function.name} has no table")
    service = function.code_uri.strip("/").split("/")[-1]
    assert table == {"Ref": f"{service.capitalize()}Table"}
    assert f"{service.capitalize()}Table" in cfn.tables


@pytest.mark.parametrize(
    "function",
    [fn for fn in FUNCTIONS if fn.handler.endswith(".handlers.api.handler")],
    ids=lambda fn: fn.name,
)
def test_every_api_function_signs_its_cursors(function: Function) -> None:
    assert "CursorSecret" in _references(function.environment.get("CURSOR_SECRET"))


def test_every_function_has_a_service_name_of_its_own() -> None:
    names = [fn.environment.get("POWERTOOLS_SERVICE_NAME") for fn in FUNCTIONS]
    assert all(isinstance(name, str) and name for name in names)
    assert len(set(names)) == len(names)

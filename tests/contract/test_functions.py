"""Every function of the template is real code inside its own package, with an environment that resolves."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from local.template import Function, Template, template
from tests.helpers.iam import secret_permissions

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
    assert function.environment.get("CURSOR_SECRET_ARN") == {"Ref": "CursorSecret"}


def _secrets(cfn: Template) -> set[str]:
    return set(cfn.resources_of("AWS::SecretsManager::Secret"))


def test_no_environment_holds_a_secret_resolved_at_deploy_time(cfn: Template) -> None:
    # A dynamic reference puts the value into the function's configuration, where
    # lambda:GetFunctionConfiguration shows it; functions read secrets at run time (trellis.secrets).
    environments = {"Globals": cfn.raw.get("Globals", {}).get("Function", {}).get("Environment", {})}
    environments |= {fn.name: fn.properties.get("Environment", {}) for fn in FUNCTIONS}
    resolved = [name for name, environment in environments.items() if "resolve:" in json.dumps(environment)]
    assert not resolved, f"environments with a dynamic reference: {resolved}"
    named_by_value = [
        (fn.name, variable) for fn in FUNCTIONS for variable, value in fn.environment.items()
        if set(_references(value)) & _secrets(cfn) and value != {"Ref": _references(value)[0]}
    ]
    assert not named_by_value, f"a secret must be named by its ARN (!Ref): {named_by_value}"


def _secretsmanager_actions(function: Function) -> list[str]:
    statements = [statement for policy in function.properties.get("Policies", []) if isinstance(policy, dict)
                  for statement in policy.get("Statement", [])]
    actions = [action for statement in statements for action in _as_list(statement.get("Action", []))]
    return [str(action) for action in actions if str(action).startswith("secretsmanager:")]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda fn: fn.name)
def test_a_function_may_read_exactly_the_secrets_its_environment_names(
    cfn: Template, function: Function,
) -> None:
    named = {ref for value in function.environment.values() for ref in _references(value)} & _secrets(cfn)
    assert all(name.endswith("_ARN") for name, value in function.environment.items()
               if set(_references(value)) & _secrets(cfn))
    assert secret_permissions(function) == {("secretsmanager:GetSecretValue", name) for name in named}
    # One statement, on those ARNs only: nothing of Secrets Manager through a wildcard or an ARN pattern.
    assert _secretsmanager_actions(function) == (["secretsmanager:GetSecretValue"] if named else [])


# At least 2 (Lambda's minimum); at most a tenth of the default account concurrency (1,000).
MAXIMUM_CONCURRENCY = range(2, 101)
SQS_SOURCES = [
    (fn, name, event["Properties"]) for fn in FUNCTIONS
    for name, event in (fn.properties.get("Events") or {}).items() if event["Type"] == "SQS"
]


@pytest.mark.parametrize(("function", "event", "properties"), SQS_SOURCES,
                         ids=[f"{fn.name}.{name}" for fn, name, _ in SQS_SOURCES])
def test_every_sqs_event_source_caps_its_concurrency(
    function: Function, event: str, properties: dict[str, Any],
) -> None:
    # A burst of messages must not take the account's Lambda concurrency or overwhelm the table.
    maximum = properties.get("ScalingConfig", {}).get("MaximumConcurrency")
    assert isinstance(maximum, int), f"{function.name}.{event}: no ScalingConfig.MaximumConcurrency"
    assert maximum in MAXIMUM_CONCURRENCY, f"{function.name}.{event}: MaximumConcurrency {maximum}"


def test_every_function_has_a_service_name_of_its_own() -> None:
    names = [fn.environment.get("POWERTOOLS_SERVICE_NAME") for fn in FUNCTIONS]
    assert all(isinstance(name, str) and name for name in names)
    assert len(set(names)) == len(names)

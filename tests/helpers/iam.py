"""What a function's template policies allow on DynamoDB, Cognito and Secrets Manager (moto enforces no IAM:
the tests do)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from local.template import Function

Permission = tuple[str, str, bool]  # (action, table logical id, on an index)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _table_resource(resource: Any) -> tuple[str, bool] | None:
    if isinstance(resource, dict) and "Fn::GetAtt" in resource and resource["Fn::GetAtt"][1] == "Arn":
        return str(resource["Fn::GetAtt"][0]), False
    if isinstance(resource, dict) and isinstance(resource.get("Fn::Sub"), str):
        found = re.fullmatch(r"\$\{(\w+)\.Arn\}(/index/\*)?", resource["Fn::Sub"])
        if found:
            return found.group(1), found.group(2) is not None
    return None


def _allowed(function: Function) -> Iterator[tuple[str, Any]]:
    """Every (action, resource) pair an Allow statement of the function's inline policies names."""
    for policy in function.properties.get("Policies", []):
        if not isinstance(policy, dict):
            continue
        for statement in policy.get("Statement", []):
            if statement.get("Effect") != "Allow":
                continue
            for resource in _as_list(statement.get("Resource", [])):
                for action in _as_list(statement.get("Action", [])):
                    yield str(action), resource


def dynamodb_permissions(function: Function) -> set[Permission]:
    allowed: set[Permission] = set()
    for action, resource in _allowed(function):
        target = _table_resource(resource)
        if target is not None and action.startswith("dynamodb:"):
            allowed.add((action, *target))
    return allowed


def service_permissions(function: Function, service: str) -> set[tuple[str, str]]:
    """(action, resource logical id) pairs the function may use of a service addressed by ``!GetAtt X.Arn``
    (e.g. ``cognito-idp`` on the user pool); a wildcard resource never counts."""
    return {
        (action, str(resource["Fn::GetAtt"][0]))
        for action, resource in _allowed(function)
        if isinstance(resource, dict) and "Fn::GetAtt" in resource and action.startswith(f"{service}:")
    }


def secret_permissions(function: Function) -> set[tuple[str, str]]:
    """(action, secret logical id) pairs the function may use of Secrets Manager secrets addressed by
    ``!Ref X`` (a secret's ARN); a wildcard or any other resource never counts."""
    return {
        (action, str(resource["Ref"]))
        for action, resource in _allowed(function)
        if isinstance(resource, dict) and set(resource) == {"Ref"} and action.startswith("secretsmanager:")
    }

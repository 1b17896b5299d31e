"""What a function's template policies allow on DynamoDB, Cognito and Secrets Manager (moto enforces no IAM:
the tests do)."""

from __future__ import annotations

import re
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


def dynamodb_permissions(function: Function) -> set[Permission]:
    allowed: set[Permission] = set()
    for policy in function.properties.get("Policies", []):
        if not isinstance(policy, dict):
            continue
        for statement in policy.get("Statement", []):
            if statement.get("Effect") != "Allow":
                continue
            for resource in _as_list(statement.get("Resource", [])):
                target = _table_resource(resource)
                if target is None:
                    continue
                for action in _as_list(statement.get("Action", [])):
                    if str(action).startswith("dynamodb:"):
                        allowed.add((str(action), *target))
    return allowed


def service_permissions(function: Function, service: str) -> set[tuple[str, str]]:
    """(action, resource logical id) pairs the function may use of a service addressed by ``!GetAtt X.Arn``
    (e.g. ``cognito-idp`` on the user pool); a wildcard resource never counts."""
    allowed: set[tuple[str, str]] = set()
    for policy in function.properties.get("Policies", []):
        if not isinstance(policy, dict):
            continue
        for statement in policy.get("Statement", []):
            if statement.get("Effect") != "Allow":
                continue
            for resource in _as_list(statement.get("Resource", [])):
                if not (isinstance(resource, dict) and "Fn::GetAtt" in resource):
                    continue
                for action in _as_list(statement.get("Action", [])):
                    if str(action).startswith(f"{service}:"):
                        allowed.add((str(action), str(resource["Fn::GetAtt"][0])))
    return allowed


def secret_permissions(function: Function) -> set[tuple[str, str]]:
    """(action, secret logical id) pairs the function may use of Secrets Manager secrets addressed by
    ``!Ref X`` (a secret's ARN); a wildcard or any other resource never counts."""
    allowed: set[tuple[str, str]] = set()
    for policy in function.properties.get("Policies", []):
        if not isinstance(policy, dict):
            continue
        for statement in policy.get("Statement", []):
            if statement.get("Effect") != "Allow":
                continue
            for resource in _as_list(statement.get("Resource", [])):
                if not (isinstance(resource, dict) and set(resource) == {"Ref"}):
                    continue
                for action in _as_list(statement.get("Action", [])):
                    if str(action).startswith("secretsmanager:"):
                        allowed.add((str(action), str(resource["Ref"])))
    return allowed

"""The merged OpenAPI document of every service behind the HTTP API.

``python -m local.openapi`` prints it (``make openapi`` writes docs/openapi.json); the local
stack serves the same document at ``GET /openapi.json``. Which services to include comes from the
template: every function with an HttpApi route exposes its resolver as ``app`` in its handler
module. On top of what the resolvers describe, the document says what API Gateway adds: the
JWT authorizer (a bearer security scheme on every route) and its 401 answer, and it describes
validation errors as the problem+json the services really send.

Output is deterministic (sorted keys) so a committed copy can be compared with a fresh one.
"""

from __future__ import annotations

import copy
import importlib
import json
import os
import sys
import tomllib
from dataclasses import dataclass, field
from typing import Any

from local.template import ROOT, Template, template

TITLE = "Trellis API"
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `errors` names each invalid field.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "title": "Type"},
        "title": {"type": "string", "title": "Title"},
        "status": {"type": "integer", "title": "Status"},
        "detail": {"type": "string", "title": "Detail"},
        "instance": {"type": "string", "title": "Instance"},
        "errors": {
            "type": "array",
            "title": "Errors",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
GATEWAY_MESSAGE_SCHEMA: dict[str, Any] = {
    "title": "GatewayMessage",
    "description": "What API Gateway answers by itself (e.g. the JWT authorizer's 401); no function ran.",
    "type": "object",
    "required": ["message"],
    "properties": {"message": {"type": "string", "title": "Message"}},
}


@dataclass
class Document:
    content: dict[str, Any]
    problems: list[str] = field(default_factory=list)


def _version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def _api_modules(tpl: Template) -> list[str]:
    functions = {route.function for route in tpl.routes}
    return sorted(tpl.functions[name].module for name in functions)


def _import_apps(tpl: Template) -> list[Any]:
    # Same import roots as in Lambda: the shared layer and each service's code.
    code = {str((ROOT / tpl.functions[route.function].code_uri).resolve()) for route in tpl.routes}
    roots = [str(ROOT / "shared"), *sorted(code)]
    for root in roots:
        if root not in sys.path:
            sys.path.append(root)
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    return [importlib.import_module(module).app for module in _api_modules(tpl)]


def _security_scheme_name(tpl: Template) -> str:
    api = next(iter(tpl.resources_of("AWS::Serverless::HttpApi").values()))
    return str(api["Properties"]["Auth"]["DefaultAuthorizer"])


def _merge(schemas: list[dict[str, Any]], scheme: str) -> dict[str, Any]:
    from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge

    merge = OpenAPIMerge(
        title=TITLE,
        version=_version(),
        description=(
            "Partner relationship management: partnerships and their journey, leads, the partner "
            "portal and notifications. Every route needs a Cognito ID token "
            "(`Authorization: Bearer <token>`); the local stack issues them at `POST /local/token`."
        ),
        security=[{scheme: []}],
        on_conflict="error",
    )
    seen: dict[str, Any] = {}
    for schema in schemas:
        for name, component in schema.get("components", {}).get("schemas", {}).items():
            # Powertools merges components by name, silently keeping the last; two services with
            # different models of the same name would make the document lie about one of them.
            if name in seen and seen[name] != component:
                raise ValueError(f"two services define different schemas named {name!r}")
            seen[name] = component
        merge.add_schema(schema)
    doc = copy.deepcopy(merge.get_openapi_schema())
    # Added here rather than through OpenAPIMerge, which would put a pydantic model in the dict.
    doc.setdefault("components", {}).setdefault("securitySchemes", {})[scheme] = {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "Cognito ID token, verified by the API Gateway JWT authorizer",
    }
    return doc


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in doc.get("paths", {}).items()
        for method, operation in item.items() if method in _HTTP_METHODS
    ]


def _describe_gateway(doc: dict[str, Any], tpl: Template, scheme: str) -> list[str]:
    """Keep only template routes, and add what API Gateway adds to each; returns drift found."""
    problems: list[str] = []
    routes = {(route.path, route.method.lower()): route for route in tpl.routes}
    for path, method, operation in _operations(doc):
        route = routes.get((path, method))
        if route is None:
            # A route the code serves but the template does not deploy is unreachable.
            problems.append(f"{method.upper()} {path} is in the code but not in template.yaml")
            del doc["paths"][path][method]
            continue
        responses = operation.setdefault("responses", {})
        # A route that reads its body itself (a file upload) describes it as an extension: Powertools
        # documents only the bodies it validates.
        raw_body = operation.pop("x-request-body", None)
        if raw_body is not None:
            operation["requestBody"] = raw_body
        if route.authorizer == "NONE":
            operation["security"] = []
        else:
            responses["401"] = {
                "description": "Missing, expired or invalid token (the API Gateway JWT authorizer's answer)",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GatewayMessage"}}},
            }
        if "422" in responses:
            responses["422"] = {
                "description": "Validation failed",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
    doc["paths"] = {path: item for path, item in doc["paths"].items() if item}
    present = {(path, method) for path, method, _ in _operations(doc)}
    problems += [f"{route.route_key} (template.yaml) is missing from the code's OpenAPI document"
                 for key, route in sorted(routes.items()) if key not in present]
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"], schemas["GatewayMessage"] = PROBLEM_SCHEMA, GATEWAY_MESSAGE_SCHEMA
    _drop_unreferenced(doc)
    return problems


def _references(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_references(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_references(item) for item in node))
    return set()


def _drop_unreferenced(doc: dict[str, Any]) -> None:
    """Remove component schemas no route uses (the replaced validation-error shapes)."""
    schemas = doc["components"]["schemas"]
    reachable: set[str] = set()
    frontier = _references(doc["paths"])
    while frontier:
        name = frontier.pop()
        if name in reachable or name not in schemas:
            continue
        reachable.add(name)
        frontier |= _references(schemas[name])
    doc["components"]["schemas"] = {name: schemas[name] for name in sorted(reachable)}


def build(tpl: Template | None = None) -> Document:
    tpl = tpl or template()
    scheme = _security_scheme_name(tpl)
    schemas = [
        app.get_openapi_schema(title=TITLE).model_dump(by_alias=True, exclude_none=True, mode="json")
        for app in _import_apps(tpl)
    ]
    doc = _merge(schemas, scheme)
    problems = _describe_gateway(doc, tpl, scheme)
    return Document(content=doc, problems=problems)


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    document = build()
    for problem in document.problems:
        print(f"openapi: {problem}", file=sys.stderr)
    sys.stdout.write(render(document.content))
    return 1 if document.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

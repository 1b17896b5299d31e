"""The HTTP API of the template and the Powertools resolvers of the code declare the same routes."""

from __future__ import annotations

import importlib
from collections import Counter

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from local.template import Function, Template, template

API_FUNCTIONS = sorted({route.function for route in template().routes}, key=str)


def _resolver(function: Function) -> APIGatewayHttpResolver:
    app = getattr(importlib.import_module(function.module), "app", None)
    assert isinstance(app, APIGatewayHttpResolver), (
        f"{function.module} has no APIGatewayHttpResolver named app"
    )
    return app


def _code_routes(app: APIGatewayHttpResolver) -> set[tuple[str, str]]:
    # The OpenAPI document writes paths as API Gateway does: /partnerships/{partnership_id}
    schema = app.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, item in schema.paths.items()
        for method in ("get", "put", "post", "delete", "patch", "head", "options")
        if getattr(item, method, None) is not None
    }


@pytest.mark.parametrize("function_name", API_FUNCTIONS)
def test_the_template_routes_are_exactly_the_resolvers_routes(cfn: Template, function_name: str) -> None:
    function = cfn.functions[function_name]
    in_template = {(route.method, route.path) for route in cfn.routes if route.function == function_name}
    in_code = _code_routes(_resolver(function))
    assert in_template - in_code == set(), "routes API Gateway sends to a function that has no such route"
    assert in_code - in_template == set(), "routes in code that API Gateway never sends to the function"


def test_the_resolvers_own_route_list_agrees_with_the_openapi_document(cfn: Template) -> None:
    for function_name in API_FUNCTIONS:
        app = _resolver(cfn.functions[function_name])
        registered = {
            (route.method, route.path.replace("<", "{").replace(">", "}"))
            for route in [*app._static_routes, *app._dynamic_routes]
        }
        assert registered == _code_routes(app)


def test_no_route_is_declared_twice(cfn: Template) -> None:
    duplicates = [key for key, count in Counter(route.route_key for route in cfn.routes).items() if count > 1]
    assert duplicates == []


def test_every_service_has_one_api_function() -> None:
    services = [template().functions[name].code_uri for name in API_FUNCTIONS]
    assert sorted(services) == sorted(set(services))
    assert {uri.strip("/").split("/")[-1] for uri in services} == {
        "partners",
        "leads",
        "portal",
        "notifications",
    }

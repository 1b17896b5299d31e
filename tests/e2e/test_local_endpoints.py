"""The local stack's own surface: API docs, demo users, health, and API Gateway's own answers."""

from __future__ import annotations

import json

import pytest

from local.template import template
from tests.e2e.conftest import ROOT, LocalStack

pytestmark = pytest.mark.e2e

VENDOR_ROLES = {"admin", "partner_manager", "member"}
PARTNER_ROLES = {"partner_admin", "sales", "marketing", "project_manager", "executive"}


def test_openapi_document_lists_every_template_route(stack: LocalStack) -> None:
    # When
    response = stack.session.get(stack.url("/openapi.json"), timeout=30)

    # Then
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Trellis API"
    operations = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    missing = [route.route_key for route in template().routes if (route.path, route.method) not in operations]
    assert missing == []
    scheme = document["components"]["securitySchemes"]["CognitoJwt"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert document["security"] == [{"CognitoJwt": []}]


def test_committed_openapi_document_is_current(stack: LocalStack) -> None:
    # Given the document `make openapi` wrote
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())

    # When
    served = stack.session.get(stack.url("/openapi.json"), timeout=30).json()

    # Then (run `make openapi` after changing a route or a model)
    assert served == committed


def test_docs_page_is_swagger_ui_served_locally(stack: LocalStack) -> None:
    # When
    page = stack.session.get(stack.url("/docs"), timeout=10)
    script = stack.session.get(stack.url("/docs/swagger-ui-bundle.js"), timeout=10)

    # Then: no CDN, the bundle comes from this server and reads /openapi.json
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in page.text
    assert "/docs/swagger-ui-bundle.js" in page.text
    assert "https://" not in page.text
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.text


def test_demo_users_cover_every_role_of_both_sides(stack: LocalStack) -> None:
    # When
    response = stack.session.get(stack.url("/local/users"), timeout=10)

    # Then
    assert response.status_code == 200
    users = response.json()["users"]
    roles = {role for user in users for role in user["roles"]}
    assert roles >= VENDOR_ROLES | PARTNER_ROLES
    vendors = {user["organisation_id"] for user in users if user["organisation_kind"] == "vendor"}
    assert len(vendors) >= 2
    for vendor in vendors:
        staff = [user for user in users if user["organisation_id"] == vendor]
        assert {role for user in staff for role in user["roles"]} >= VENDOR_ROLES
    fields = {"email", "name", "organisation_id", "organisation_name", "roles"}
    assert all(fields <= set(user) for user in users)


def test_demo_partnerships_include_a_distributor_and_its_resellers(stack: LocalStack) -> None:
    # When
    page = stack.session.get(stack.url("/partnerships"), params={"limit": 100},
                             headers=stack.as_user("admin@acme.example"), timeout=10).json()

    # Then
    types = {item["partnership_type"] for item in page["items"]}
    assert {"distributor", "reseller", "referral"} <= types
    assert len({item["stage"] for item in page["items"]}) >= 3
    # Other tests add partnerships of their own to the same stack: the demo's tiers are among them
    assert {"gold", "silver", "registered"} <= {item["tier"] for item in page["items"]}
    [distributor] = [item for item in page["items"] if item["company_name"] == "Northwind Distribution"]
    network = stack.session.get(stack.url(f"/distributors/{distributor['id']}/resellers"),
                                headers=stack.as_user("admin@acme.example"), timeout=10).json()
    assert sorted(item["company_name"] for item in network["items"]) == ["Contoso Systems", "Fabrikam IT"]


def test_a_demo_distributors_users_see_their_own_resellers(stack: LocalStack) -> None:
    headers = stack.as_user("admin@northwind.example")
    listed = stack.session.get(stack.url("/partner/partnerships"), headers=headers, timeout=10).json()
    [mine] = listed["items"]
    assert mine["partnership_type"] == "distributor"
    url = stack.url(f"/partner/distributors/{mine['id']}/resellers")
    resellers = stack.session.get(url, headers=headers, timeout=10).json()["items"]
    assert sorted(item["company_name"] for item in resellers) == ["Contoso Systems", "Fabrikam IT"]


def test_health_reports_ready_with_demo_loaded(stack: LocalStack) -> None:
    # When
    health = stack.health()

    # Then
    assert health["status"] == "ok"
    assert health["demo"] == "loaded"
    assert health["aws_endpoint_url"].startswith("http://127.0.0.1:")
    assert "Digest" in health["schedules"]


def test_unknown_route_is_api_gateways_not_found(stack: LocalStack) -> None:
    # When
    unknown_path = stack.session.get(stack.url("/no-such-thing"), timeout=10)
    unknown_method = stack.session.delete(
        stack.url("/partnerships"), headers=stack.as_user("admin@acme.example"), timeout=10)

    # Then
    for response in (unknown_path, unknown_method):
        assert response.status_code == 404
        assert response.json() == {"message": "Not Found"}


def test_cors_preflight_follows_the_templates_configuration(stack: LocalStack) -> None:
    # When
    allowed = stack.session.options(stack.url("/partnerships"), timeout=10, headers={
        "origin": "http://localhost:3000", "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type"})
    foreign = stack.session.options(stack.url("/partnerships"), timeout=10, headers={
        "origin": "https://evil.example", "access-control-request-method": "POST"})

    # Then
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert "authorization" in allowed.headers["access-control-allow-headers"]
    assert "access-control-allow-origin" not in foreign.headers


def test_schedule_can_be_fired_by_hand(stack: LocalStack) -> None:
    # When
    response = stack.session.post(stack.url("/local/schedules/Digest/run"), timeout=30)

    # Then
    assert response.status_code == 200
    assert response.json()["function"] == "NotificationsDigestFunction"
    assert response.json()["result"]["run_at"]
    assert response.json()["result"]["steps"] >= 10  # one per shard of the daily digest

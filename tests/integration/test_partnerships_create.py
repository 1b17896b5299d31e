"""POST /partnerships: a vendor creates a partnership; it, its activity entry and its event are one write."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import BEN, CLEO, NOROLE, PAT, SALLY

TABLE = "PartnersTable"


def minimal(company_name: str = "X", partnership_type: str = "reseller") -> dict[str, Any]:
    return {"company_name": company_name, "partnership_type": partnership_type}


FULL = {
    "company_name": "  Northwind Consulting ",
    "partnership_type": "reseller",
    "website": "https://WWW.Northwind.example/about",
    "logo_url": "https://cdn.northwind.example/logo.png",
    "country": "de",
    "assigned_user_ids": ["u-ben", "u-cleo", "u-ben"],
}


def test_a_vendor_admin_creates_a_partnership(aws: Stack, partners: ApiClient) -> None:
    # When acme's admin creates a partnership with two assigned users
    response = partners.post("/partnerships", json_body=FULL)
    # Then it starts in the first stage, at version 1, with normalised fields
    assert response.status == 201, response.text
    assert response.content_type == "application/json"
    body = response.json()
    assert body["company_name"] == "Northwind Consulting"
    assert body["partnership_type"] == "reseller"
    assert body["website"] == FULL["website"]
    assert body["website_domain"] == "northwind.example"
    assert body["logo_url"] == FULL["logo_url"]
    assert body["country"] == "DE"
    assert body["stage"] == "recruitment"
    assert body["assigned_user_ids"] == ["u-ben", "u-cleo"]
    assert body["version"] == 1
    assert body["created_at"] == body["updated_at"] == body["stage_changed_at"]
    # And it read the assignees (with the vendor's program, not saved yet) in one batch and wrote
    # everything in one transaction
    assert response.calls.operations == ["BatchGetItem", "TransactWriteItems"]
    assert response.calls.calls[0].items_read == 2
    # And the table holds the partnership, its first activity entry, its event and its six list
    # entries (all, stage, type, country, and one per assigned user), beside the directory's users
    # and the claims of their emails
    assert entities(aws, TABLE) == {
        "User": 8, "UserEmail": 8, "Partnership": 1, "Activity": 1, "Outbox": 1, "PartnershipIndex": 6,
    }
    [event] = outbox_events(aws, TABLE)
    assert event["type"] == "PartnershipCreated"
    assert event["tenant_id"] == "acme"
    assert event["actor"] == {"kind": "user", "user_id": "u-ana", "organisation_id": "acme"}
    assert event["data"]["partnership_id"] == body["id"]
    assert event["data"]["assigned_user_ids"] == ["u-ben", "u-cleo"]
    assert event["data"]["website_domain"] == "northwind.example"


def test_without_assignees_only_the_program_is_read_before_the_write(partners: ApiClient) -> None:
    response = partners.post("/partnerships", json_body=minimal("Contoso", "referral"))
    assert response.status == 201, response.text
    # The first stage of the vendor's pipeline is where it starts: one read for it, one transaction
    assert response.calls.operations == ["BatchGetItem", "TransactWriteItems"]
    body = response.json()
    assert body["assigned_user_ids"] == []
    assert body["website"] is None
    assert body["country"] is None


def test_a_partner_manager_may_create_too(partners: ApiClient) -> None:
    response = partners.post("/partnerships", user=BEN, json_body=minimal(partnership_type="technology"))
    assert response.status == 201, response.text


def test_each_partnership_gets_its_own_id(new_partnership: Any) -> None:
    ids = {new_partnership()["id"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ("{", 400, "body"),
        ('{"company_name": "X", ', 400, "body"),
        (None, 422, "body"),
        ("[]", 422, "body"),
        ('"just a string"', 422, "body"),
        ({**minimal(), "nickname": "nw"}, 422, "nickname"),
        ({"company_name": 5, "partnership_type": "reseller"}, 422, "company_name"),
        ({"partnership_type": "reseller"}, 422, "company_name"),
        ({"company_name": "   ", "partnership_type": "reseller"}, 422, "company_name"),
        ({"company_name": "X" * 201, "partnership_type": "reseller"}, 422, "company_name"),
        ({"company_name": "Evil\u0000Corp", "partnership_type": "reseller"}, 422, "company_name"),
        ({"company_name": "X"}, 422, "partnership_type"),
        ({"company_name": "X", "partnership_type": "vendor"}, 422, "partnership_type"),
        ({**minimal(), "country": "XX"}, 422, "country"),
        ({**minimal(), "country": 49}, 422, "country"),
        ({**minimal(), "website": "not a website"}, 422, "website"),
        ({**minimal(), "website": "javascript://northwind.example/%0aalert(1)"}, 422, "website"),
        ({**minimal(), "logo_url": "http://insecure.example/l.png"}, 422, "logo_url"),
        ({**minimal(), "logo_url": "https://"}, 422, "logo_url"),
        ({**minimal(), "logo_url": "https://cdn.example/a logo.png"}, 422, "logo_url"),
        ({**minimal(), "assigned_user_ids": "u-ben"}, 422, "assigned_user_ids"),
        ({**minimal(), "assigned_user_ids": ["u#ben"]}, 422, "assigned_user_ids.0"),
        ({**minimal(), "assigned_user_ids": [f"u-{n}" for n in range(21)]}, 422, "assigned_user_ids"),
    ],
    ids=[
        "malformed-json",
        "truncated-json",
        "no-body",
        "array",
        "string",
        "unknown-field",
        "wrong-type",
        "missing-name",
        "blank-name",
        "long-name",
        "control-character-in-name",
        "missing-type",
        "unknown-type",
        "unknown-country",
        "country-not-a-string",
        "website-without-domain",
        "website-with-script-scheme",
        "logo-not-https",
        "logo-without-host",
        "logo-with-space",
        "assignees-not-a-list",
        "assignee-id-with-delimiter",
        "too-many-assignees",
    ],
)
def test_an_invalid_request_is_refused_naming_the_field_and_writes_nothing(
    aws: Stack,
    partners: ApiClient,
    body: Any,
    status: int,
    field: str,
) -> None:
    # Given the table as it is
    before = aws.count(TABLE)
    # When the request is invalid
    if body is None or isinstance(body, str):
        response = partners.post("/partnerships", body=body)
    else:
        response = partners.post("/partnerships", json_body=body)
    # Then it is refused before touching DynamoDB
    assert_problem(response, status, field)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    "assignees",
    [["u-nobody"], ["u-ben", "u-nobody"], ["u-zed"]],  # u-zed exists, but in acme-corp
    ids=["unknown", "one-unknown", "of-another-organisation"],
)
def test_assignees_must_be_users_of_the_callers_organisation(
    aws: Stack,
    partners: ApiClient,
    assignees: list[str],
) -> None:
    before = aws.count(TABLE)
    response = partners.post("/partnerships", json_body={**minimal(), "assigned_user_ids": assignees})
    body = assert_problem(response, 422, "assigned_user_ids")
    assert "u-ben" not in body["detail"]
    assert response.calls.operations == ["BatchGetItem"]
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    "user",
    [CLEO, NOROLE, SALLY, PAT],
    ids=["member", "no-role", "partner-admin", "partner-project-manager"],
)
def test_only_admins_and_partner_managers_create(aws: Stack, partners: ApiClient, user: User) -> None:
    before = aws.count(TABLE)
    response = partners.post("/partnerships", user=user, json_body=minimal())
    assert_problem(response, 403)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"sub": "u-ana"},
        {"custom:org_id": "acme", "custom:roles": "admin"},
        {"sub": "u-ana", "custom:org_id": "a#b", "custom:roles": "admin"},
    ],
    ids=["none", "no-organisation", "no-user", "forged-key"],
)
def test_a_caller_without_a_valid_identity_is_unauthorized(
    aws: Stack,
    partners: ApiClient,
    claims: dict[str, str],
) -> None:
    before = aws.count(TABLE)
    response = partners.post("/partnerships", claims=claims, json_body=minimal())
    assert_problem(response, 401)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "application/merge-patch+json", ""],
)
def test_a_body_that_is_not_json_is_unsupported(aws: Stack, partners: ApiClient, content_type: str) -> None:
    # Given curl -d's default content type (or none at all) on a JSON body
    before = aws.count(TABLE)
    response = partners.post(
        "/partnerships", body='{"company_name": "X", "partnership_type": "reseller"}',
        headers={"content-type": content_type},
    )
    # Then the answer says the body must be JSON, names the header, and nothing is written
    assert_problem(response, 415, "content-type")
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


def test_json_with_a_charset_is_accepted(partners: ApiClient) -> None:
    response = partners.post(
        "/partnerships", json_body=minimal(), headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.status == 201, response.text

"""The partner's side of custom fields: shared fields only, all partner roles read, partner_admin writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, BEN, CLEO, PAT, SALLY, ZED
from tests.helpers.profiles import archive, link_partner

TABLE = "PartnersTable"
NewPartnership = Callable[..., dict[str, Any]]

# northwind's people by partner role, besides SALLY (partner_admin and sales)
SAM = User("u-sam", "northwind", ("sales",), "sam@northwind.example")
MIA = User("u-mia", "northwind", ("marketing",), "mia@northwind.example")
PIA = User("u-pia", "northwind", ("project_manager",), "pia@northwind.example")
EVE = User("u-eve", "northwind", ("executive",), "eve@northwind.example")
# fabrikam is a partner of acme-corp, not of acme
FRED = User("u-fred", "fabrikam", ("partner_admin",), "fred@fabrikam.example")

FIELDS = [
    {"key": "internal_rating", "label": "Internal rating", "type": "number"},
    {
        "key": "support_level",
        "label": "Support level",
        "type": "single_select",
        "visibility": "shared",
        "options": ["basic", "premium"],
        "required": True,
    },
    {"key": "partner_notes", "label": "Partner notes", "type": "text", "visibility": "shared"},
    {"key": "churn_risk", "label": "Churn risk", "type": "text", "required": True},
]


def _path(partnership_id: str) -> str:
    return f"/partner/partnerships/{partnership_id}/custom-fields"


@pytest.fixture
def linked(partners: ApiClient, new_partnership: NewPartnership) -> dict[str, Any]:
    """acme's partnership with northwind (linked), with standard and shared values set."""
    for body in FIELDS:
        assert partners.post("/custom-fields", json_body=body).status == 201
    created = new_partnership()
    values = {"internal_rating": 2, "support_level": "basic", "churn_risk": "high"}
    assert (
        partners.put(f"/partnerships/{created['id']}/custom-fields", json_body={"values": values}).status
        == 200
    )
    link_partner(partners, created["id"], "northwind")
    return created


@pytest.mark.parametrize("user", [SALLY, SAM, MIA, PIA, EVE], ids=lambda user: user.roles[-1])
def test_every_partner_role_reads_the_shared_fields_only(
    partners: ApiClient, linked: dict[str, Any], user: User
) -> None:
    response = partners.get(_path(linked["id"]), user=user)
    assert response.status == 200, response.text
    body = response.json()
    assert body == {
        "partnership_id": linked["id"],
        "fields": [
            {
                "key": "support_level",
                "label": "Support level",
                "type": "single_select",
                "required": True,
                "options": ["basic", "premium"],
                "help_text": None,
                "value": "basic",
            },
            {
                "key": "partner_notes",
                "label": "Partner notes",
                "type": "text",
                "required": False,
                "options": [],
                "help_text": None,
                "value": None,
            },
        ],
    }
    # Nothing of a standard field shows, not even its existence
    assert "internal_rating" not in response.text
    assert "churn_risk" not in response.text
    # The link, the partnership, the vendor's fields, the values
    assert response.calls.operations == ["GetItem", "GetItem", "Query", "GetItem"]


def test_the_partner_admin_updates_shared_fields(
    aws: Stack, partners: ApiClient, linked: dict[str, Any]
) -> None:
    response = partners.put(
        _path(linked["id"]),
        user=SALLY,
        json_body={"values": {"support_level": "premium", "partner_notes": "  We cover Austria too "}},
    )
    assert response.status == 200, response.text
    values = {field["key"]: field["value"] for field in response.json()["fields"]}
    assert values == {"support_level": "premium", "partner_notes": "We cover Austria too"}
    assert response.calls.operations == ["GetItem", "GetItem", "Query", "GetItem", "TransactWriteItems"]
    # The vendor sees the partner's values, and its own standard values are untouched
    vendor = {
        field["key"]: field["value"]
        for field in partners.get(f"/partnerships/{linked['id']}/custom-fields").json()["fields"]
    }
    assert vendor == {
        "internal_rating": 2,
        "support_level": "premium",
        "partner_notes": "We cover Austria too",
        "churn_risk": "high",
    }
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "PartnershipCustomFieldsUpdated"
    assert event["tenant_id"] == "acme"
    assert event["actor"] == {"kind": "user", "user_id": "u-sally", "organisation_id": "northwind"}
    assert event["data"]["changed_by"] == "partner"
    assert event["data"]["changed_keys"] == ["support_level", "partner_notes"]
    assert event["data"]["shared_changes"] == [
        {"key": "support_level", "before": "basic", "after": "premium"},
        {"key": "partner_notes", "before": None, "after": "We cover Austria too"},
    ]
    activity = partners.get(f"/partnerships/{linked['id']}/activity").json()["items"][0]
    assert activity["summary"].startswith("Custom fields updated by the partner")
    assert activity["actor_user_id"] == "u-sally"


@pytest.mark.parametrize("key", ["internal_rating", "churn_risk", "no_such_field"])
def test_writing_a_standard_field_is_an_unknown_field(
    aws: Stack, partners: ApiClient, linked: dict[str, Any], key: str
) -> None:
    before = aws.count(TABLE)
    response = partners.put(_path(linked["id"]), user=SALLY, json_body={"values": {key: 5}})
    body = assert_problem(response, 422, f"values.{key}")
    assert body["errors"][0]["message"] == "no such custom field"
    assert aws.count(TABLE) == before


def test_the_partner_is_asked_only_for_required_shared_fields(
    aws: Stack, partners: ApiClient, linked: dict[str, Any]
) -> None:
    # churn_risk is required but standard: never the partner's concern
    before = aws.count(TABLE)
    response = partners.put(_path(linked["id"]), user=SALLY, json_body={"values": {"support_level": None}})
    body = assert_problem(response, 422, "values.support_level")
    assert "churn_risk" not in str(body)
    assert aws.count(TABLE) == before


def test_invalid_shared_values_are_refused(aws: Stack, partners: ApiClient, linked: dict[str, Any]) -> None:
    before = aws.count(TABLE)
    response = partners.put(_path(linked["id"]), user=SALLY, json_body={"values": {"support_level": "gold"}})
    assert_problem(response, 422, "values.support_level")
    response = partners.put(_path(linked["id"]), user=SALLY, json_body={"values": {}, "expected_version": 1})
    assert_problem(response, 422, "expected_version")
    assert aws.count(TABLE) == before


def test_an_unchanged_partner_save_writes_nothing(
    aws: Stack, partners: ApiClient, linked: dict[str, Any]
) -> None:
    before = aws.count(TABLE)
    response = partners.put(_path(linked["id"]), user=SALLY, json_body={"values": {"support_level": "basic"}})
    assert response.status == 200, response.text
    assert "TransactWriteItems" not in response.calls.operations
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [SAM, MIA, PIA, EVE], ids=lambda user: user.roles[-1])
def test_only_the_partner_admin_writes(
    aws: Stack, partners: ApiClient, linked: dict[str, Any], user: User
) -> None:
    before = aws.count(TABLE)
    response = partners.put(_path(linked["id"]), user=user, json_body={"values": {"partner_notes": "x"}})
    assert_problem(response, 403)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [ANA, BEN, CLEO], ids=["admin", "partner-manager", "member"])
def test_vendor_roles_are_forbidden_on_partner_routes(
    partners: ApiClient, linked: dict[str, Any], user: User
) -> None:
    for response in (
        partners.get(_path(linked["id"]), user=user),
        partners.put(_path(linked["id"]), user=user, json_body={"values": {"partner_notes": "x"}}),
    ):
        assert_problem(response, 403)
        assert response.calls.operations == []


@pytest.mark.parametrize(
    "user", [FRED, PAT], ids=["partner-of-another-vendor", "vendor-org-with-partner-roles"]
)
def test_a_partnership_the_caller_is_not_party_to_is_not_found(
    aws: Stack, partners: ApiClient, linked: dict[str, Any], user: User
) -> None:
    before = aws.count(TABLE)
    assert_problem(partners.get(_path(linked["id"]), user=user), 404)
    # Writing needs partner_admin first (PAT is not one: 403 before any read), then the link
    status = 404 if "partner_admin" in user.roles else 403
    assert_problem(
        partners.put(_path(linked["id"]), user=user, json_body={"values": {"partner_notes": "x"}}), status
    )
    assert aws.count(TABLE) == before


def test_a_partner_of_another_vendors_partnership_sees_only_its_own(
    partners: ApiClient, new_partnership: NewPartnership, linked: dict[str, Any]
) -> None:
    # fabrikam partners with acme-corp; acme's partnership id is not theirs
    theirs = new_partnership(as_user=ZED)
    link_partner(partners, theirs["id"], "fabrikam", organisation_id="acme-corp")
    assert partners.get(_path(theirs["id"]), user=FRED).json() == {
        "partnership_id": theirs["id"],
        "fields": [],
    }
    assert_problem(partners.get(_path(linked["id"]), user=FRED), 404)
    assert_problem(partners.get(_path(theirs["id"]), user=SALLY), 404)


def test_an_unlinked_partnership_is_not_found(partners: ApiClient, new_partnership: NewPartnership) -> None:
    created = new_partnership()
    assert_problem(partners.get(_path(created["id"]), user=SALLY), 404)


def test_an_archived_partnership_is_read_only_for_the_partner(
    aws: Stack, partners: ApiClient, linked: dict[str, Any]
) -> None:
    archive(partners, linked["id"])
    before = aws.count(TABLE)
    assert partners.get(_path(linked["id"]), user=SAM).status == 200
    response = partners.put(_path(linked["id"]), user=SALLY, json_body={"values": {"partner_notes": "x"}})
    assert_problem(response, 409)
    assert aws.count(TABLE) == before


def test_a_field_made_standard_disappears_for_the_partner(
    partners: ApiClient, linked: dict[str, Any]
) -> None:
    fields = {field["key"]: field for field in partners.get("/custom-fields").json()}
    update = {
        "label": "Support level",
        "visibility": "standard",
        "options": ["basic", "premium"],
        "required": True,
    }
    assert partners.put(f"/custom-fields/{fields['support_level']['id']}", json_body=update).status == 200
    body = partners.get(_path(linked["id"]), user=SALLY).json()
    assert [field["key"] for field in body["fields"]] == ["partner_notes"]
    response = partners.put(
        _path(linked["id"]), user=SALLY, json_body={"values": {"support_level": "premium"}}
    )
    assert_problem(response, 422, "values.support_level")

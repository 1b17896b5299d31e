"""GET/PUT /partnerships/{id}/icp: the ICP tab, saved as a whole with its event and activity entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import transaction_cancelled
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import BEN, CLEO, NOROLE, PAT, SALLY, YVES, ZED
from tests.helpers.profiles import archive

TABLE = "PartnersTable"
NewPartnership = Callable[..., dict[str, Any]]

ICP = {
    "countries": ["de", "FR", "DE"],
    "industries": ["Software SaaS", "financial-services"],
    "company_size": {"min_employees": 50, "max_employees": 500},
    "sub_categories": ["  Mid-Market   ERP ", "mid-market erp", "Retail"],
    "keywords": ["SAP Migration", "cloud ERP", "sap migration "],
    "custom": [{"label": "Buying committee", "value": " CFO and CIO "}],
}
SAVED = {
    "countries": ["DE", "FR"],
    "industries": ["financial_services", "software_saas"],
    "company_size": {"min_employees": 50, "max_employees": 500},
    "sub_categories": ["mid-market erp", "retail"],
    "keywords": ["sap migration", "cloud erp"],
    "custom": [{"label": "Buying committee", "value": "CFO and CIO"}],
}


def _path(partnership_id: str) -> str:
    return f"/partnerships/{partnership_id}/icp"


def _icp_part(body: dict[str, Any]) -> dict[str, Any]:
    return {name: body[name] for name in SAVED}


def test_an_unsaved_icp_is_empty_at_version_zero(
    partners: ApiClient, new_partnership: NewPartnership
) -> None:
    created = new_partnership()
    response = partners.get(_path(created["id"]), user=CLEO)
    assert response.status == 200, response.text
    assert response.json() == {
        "partnership_id": created["id"],
        "countries": [],
        "industries": [],
        "company_size": {"min_employees": None, "max_employees": None},
        "sub_categories": [],
        "keywords": [],
        "custom": [],
        "version": 0,
        "updated_at": None,
        "updated_by": None,
    }
    # The partnership and its ICP in one BatchGetItem
    assert response.calls.operations == ["BatchGetItem"]


def test_a_partner_manager_saves_the_whole_icp(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    # When a partner manager saves an ICP
    response = partners.put(_path(created["id"]), user=BEN, json_body=ICP)
    # Then it is stored normalised, at version 1
    assert response.status == 200, response.text
    body = response.json()
    assert _icp_part(body) == SAVED
    assert (body["version"], body["updated_by"]) == (1, "u-ben")
    assert partners.get(_path(created["id"]), user=CLEO).json() == body
    # One read of the partnership, one of the ICP, one transaction
    assert response.calls.operations == ["GetItem", "GetItem", "TransactWriteItems"]
    # And the event carries the full ICP
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "IcpUpdated"
    assert (event["tenant_id"], event["actor"]["user_id"]) == ("acme", "u-ben")
    assert event["data"] == {
        "partnership_id": created["id"],
        "icp_version": 1,
        "icp": SAVED,
        "changed": ["countries", "industries", "company_size", "sub_categories", "keywords", "custom"],
    }
    # And the activity log says what changed
    activity = partners.get(f"/partnerships/{created['id']}/activity").json()["items"][0]
    assert activity["kind"] == "icp_updated"
    assert activity["actor_user_id"] == "u-ben"
    assert activity["details"]["countries"] == "none → DE, FR"
    assert activity["details"]["company_size"] == "any size → 50-500 employees"
    assert entities(aws, TABLE)["Icp"] == 1


def test_saving_replaces_the_whole_icp_and_records_only_what_changed(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    assert partners.put(_path(created["id"]), json_body=ICP).status == 200
    # When the ICP is saved with other countries and nothing else
    response = partners.put(_path(created["id"]), json_body={"countries": ["NL"], "expected_version": 1})
    assert response.status == 200, response.text
    body = response.json()
    assert body["countries"] == ["NL"]
    assert body["keywords"] == []
    assert body["custom"] == []
    assert body["company_size"] == {"min_employees": None, "max_employees": None}
    assert body["version"] == 2
    event = outbox_events(aws, TABLE)[-1]
    assert event["data"]["icp_version"] == 2
    assert event["data"]["icp"]["countries"] == ["NL"]
    assert "industries" in event["data"]["changed"]
    assert entities(aws, TABLE)["Icp"] == 1


def test_saving_an_unchanged_icp_writes_nothing(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    first = partners.put(_path(created["id"]), json_body=ICP).json()
    before = aws.count(TABLE)
    # The same ICP in another spelling is the same ICP
    response = partners.put(_path(created["id"]), json_body={**SAVED, "countries": ["fr", "de"]})
    assert response.status == 200, response.text
    assert response.json() == first
    assert response.calls.operations == ["GetItem", "GetItem"]
    assert aws.count(TABLE) == before


def test_saving_an_empty_icp_when_none_exists_writes_nothing(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    response = partners.put(_path(created["id"]), json_body={})
    assert response.status == 200, response.text
    assert response.json()["version"] == 0
    assert aws.count(TABLE) == before


def test_a_stale_expected_version_is_a_conflict(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    assert partners.put(_path(created["id"]), json_body=ICP, user=BEN).status == 200
    before = aws.count(TABLE)
    # A client that opened the ICP tab before Ben saved
    response = partners.put(_path(created["id"]), json_body={"countries": ["US"], "expected_version": 0})
    body = assert_problem(response, 409)
    assert "version 1" in body["detail"]
    assert aws.count(TABLE) == before


def test_a_concurrent_save_is_a_conflict_not_a_lost_update(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    path = _path(created["id"])

    def ben_saves_meanwhile() -> None:
        assert partners.put(path, user=BEN, json_body={"countries": ["AT"]}).status == 200

    response = partners.put(
        path, json_body={"countries": ["CH"]}, before={"TransactWriteItems": ben_saves_meanwhile}
    )
    assert_problem(response, 409)
    current = partners.get(path).json()
    assert (current["countries"], current["version"]) == (["AT"], 1)
    assert [event["type"] for event in outbox_events(aws, TABLE)] == ["PartnershipCreated", "IcpUpdated"]


def test_a_transaction_conflict_is_a_conflict(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    cancelled = transaction_cancelled("None", "TransactionConflict", "None", "None")
    response = partners.put(_path(created["id"]), json_body=ICP, fail_next={"TransactWriteItems": cancelled})
    assert_problem(response, 409)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"countries": ["XX"]}, "countries.0"),
        ({"countries": ["Germany"]}, "countries.0"),
        ({"countries": "DE"}, "countries"),
        ({"industries": ["crypto"]}, "industries.0"),
        ({"company_size": {"min_employees": 500, "max_employees": 50}}, "company_size"),
        ({"company_size": {"min_employees": -1}}, "company_size.min_employees"),
        ({"company_size": {"max_employees": 1.5}}, "company_size.max_employees"),
        ({"company_size": {"max_employees": "10"}}, "company_size.max_employees"),
        ({"company_size": {"max_employees": True}}, "company_size.max_employees"),
        ({"company_size": {"employees": 10}}, "company_size.employees"),
        ({"keywords": ["   "]}, "keywords.0"),
        ({"keywords": ["x" * 101]}, "keywords.0"),
        ({"keywords": [f"k{n}" for n in range(101)]}, "keywords"),
        ({"keywords": ["bad\x00word"]}, "keywords.0"),
        ({"sub_categories": [3]}, "sub_categories.0"),
        ({"custom": [{"label": "A", "value": "1"}, {"label": "a", "value": "2"}]}, "custom"),
        ({"custom": [{"label": "", "value": "1"}]}, "custom.0.label"),
        ({"custom": [{"label": "A"}]}, "custom.0.value"),
        ({"expected_version": -1}, "expected_version"),
        ({"expected_version": "1"}, "expected_version"),
        ({"regions": ["EMEA"]}, "regions"),
    ],
)
def test_an_invalid_icp_is_refused_naming_the_field_and_writes_nothing(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
    body: dict[str, Any],
    field: str,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    response = partners.put(_path(created["id"]), json_body=body)
    assert_problem(response, 422, field)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


def test_an_archived_partnerships_icp_cannot_change(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    archive(partners, created["id"])
    before = aws.count(TABLE)
    response = partners.put(_path(created["id"]), json_body=ICP)
    assert_problem(response, 409)
    assert response.calls.operations == ["GetItem"]
    assert aws.count(TABLE) == before
    # It can still be read
    assert partners.get(_path(created["id"])).status == 200


def test_an_archive_landing_between_read_and_write_is_a_conflict(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    response = partners.put(
        _path(created["id"]),
        json_body=ICP,
        before={"TransactWriteItems": lambda: archive(partners, created["id"])},
    )
    assert_problem(response, 409)
    assert entities(aws, TABLE)["Icp"] == 0
    assert [event["type"] for event in outbox_events(aws, TABLE)] == ["PartnershipCreated"]


@pytest.mark.parametrize(
    "user", [CLEO, NOROLE, SALLY, PAT], ids=["member", "no-role", "partner", "partner-roles"]
)
def test_only_vendor_writers_save_an_icp(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
    user: User,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    response = partners.put(_path(created["id"]), user=user, json_body=ICP)
    assert_problem(response, 403)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [NOROLE, SALLY, PAT], ids=["no-role", "partner", "partner-roles"])
def test_only_vendor_roles_read_an_icp(
    partners: ApiClient, new_partnership: NewPartnership, user: User
) -> None:
    created = new_partnership()
    response = partners.get(_path(created["id"]), user=user)
    assert_problem(response, 403)
    assert response.calls.operations == []


@pytest.mark.parametrize("user", [ZED, YVES], ids=["admin", "partner-manager"])
def test_another_organisations_icp_is_not_found(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
    user: User,
) -> None:
    created = new_partnership()
    assert partners.put(_path(created["id"]), json_body=ICP).status == 200
    before = aws.count(TABLE)
    assert_problem(partners.get(_path(created["id"]), user=user), 404)
    assert_problem(partners.put(_path(created["id"]), user=user, json_body={"countries": ["US"]}), 404)
    assert aws.count(TABLE) == before
    assert partners.get(_path(created["id"])).json()["countries"] == ["DE", "FR"]


def test_an_unknown_or_malformed_partnership_has_no_icp(partners: ApiClient) -> None:
    assert_problem(partners.get(_path("0123456789abcdef0123456789abcdef")), 404)
    assert_problem(partners.put(_path("0123456789abcdef0123456789abcdef"), json_body=ICP), 404)
    assert_problem(partners.get(_path("a%23b")), 422, "partnership_id")


def test_the_icp_is_not_part_of_the_activity_log(
    partners: ApiClient, new_partnership: NewPartnership
) -> None:
    # The ICP item sorts after the partnership: the activity query never meets it
    created = new_partnership()
    assert partners.put(_path(created["id"]), json_body=ICP).status == 200
    items = partners.get(f"/partnerships/{created['id']}/activity").json()["items"]
    assert [item["kind"] for item in items] == ["icp_updated", "partnership_created"]

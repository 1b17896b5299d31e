"""PUT /partnerships/{id}/stage: one read, one transaction (partnership, activity, event), version checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import transaction_cancelled
from tests.helpers.lambda_runtime import ApiClient, ApiResponse, User
from tests.helpers.people import BEN, CLEO, NOROLE, PAT, SALLY, YVES, ZED

TABLE = "PartnersTable"
NewPartnership = Callable[..., dict[str, Any]]
ONBOARDING = {"stage": "onboarding"}


def _move(api: ApiClient, partnership_id: str, stage: str, **fields: Any) -> ApiResponse:
    return api.put(f"/partnerships/{partnership_id}/stage", json_body={"stage": stage, **fields})


def test_a_partner_manager_moves_a_partnership_to_the_next_stage(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    # Given a new partnership with two assigned users
    created = new_partnership(assigned_user_ids=["u-ben", "u-cleo"])
    # When a partner manager moves it to onboarding
    response = partners.put(f"/partnerships/{created['id']}/stage", user=BEN, json_body=ONBOARDING)
    # Then it is in onboarding at version 2
    assert response.status == 200, response.text
    body = response.json()
    assert body["stage"] == "onboarding"
    assert body["version"] == 2
    assert body["stage_changed_at"] == body["updated_at"] > created["stage_changed_at"]
    assert body["created_at"] == created["created_at"]
    assert partners.get(f"/partnerships/{created['id']}").json() == body
    # And it took one read (the partnership and the vendor's pipeline together) and one transaction
    assert response.calls.operations == ["BatchGetItem", "TransactWriteItems"]
    # And the activity log and the outbox each gained one item
    assert entities(aws, TABLE)["Activity"] == 2
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "PartnershipStageChanged"
    assert event["tenant_id"] == "acme"
    assert event["actor"]["user_id"] == "u-ben"
    assert event["data"] == {
        "partnership_id": created["id"],
        "company_name": "Northwind Consulting",
        "from_stage": "recruitment",
        "to_stage": "onboarding",
        "assigned_user_ids": ["u-ben", "u-cleo"],
    }


def test_any_stage_of_the_pipeline_can_be_chosen(
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    for version, stage in enumerate(["advocacy", "growth", "recruitment"], start=2):
        response = _move(partners, created["id"], stage)
        assert response.status == 200, response.text
        assert (response.json()["stage"], response.json()["version"]) == (stage, version)


def test_the_expected_version_guards_against_lost_updates(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    # Given someone else moved the partnership on (version 1 → 2)
    assert _move(partners, created["id"], "onboarding", expected_version=1).status == 200
    before = aws.count(TABLE)
    # When a client that still saw version 1 moves it
    response = _move(partners, created["id"], "activation", expected_version=1)
    # Then it is told so, and nothing is written
    body = assert_problem(response, 409)
    assert "version 2" in body["detail"]
    assert aws.count(TABLE) == before
    assert partners.get(f"/partnerships/{created['id']}").json()["stage"] == "onboarding"


def test_moving_to_the_current_stage_is_a_conflict(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    response = _move(partners, created["id"], "recruitment")
    assert_problem(response, 409)
    assert response.calls.operations == ["BatchGetItem"]
    assert aws.count(TABLE) == before


def test_of_two_concurrent_stage_changes_the_later_writer_gets_a_conflict(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    path = f"/partnerships/{created['id']}/stage"
    concurrent: dict[str, ApiResponse] = {}

    def ben_moves_it_meanwhile() -> None:
        concurrent["ben"] = partners.put(path, user=BEN, json_body={"stage": "activation"})

    # Given Ana reads version 1, and Ben's change lands between Ana's read and Ana's write
    response = partners.put(path, json_body=ONBOARDING, before={"TransactWriteItems": ben_moves_it_meanwhile})
    # Then Ben's change stands and Ana gets 409, not 500
    assert concurrent["ben"].status == 200, concurrent["ben"].text
    assert_problem(response, 409)
    current = partners.get(f"/partnerships/{created['id']}").json()
    assert (current["stage"], current["version"]) == ("activation", 2)
    # And only Ben's change left an activity entry and an event
    assert entities(aws, TABLE)["Activity"] == 2
    assert [event["data"].get("to_stage") for event in outbox_events(aws, TABLE)] == [None, "activation"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ("{", 400, "body"),
        (None, 422, "body"),
        ({}, 422, "stage"),
        ({"stage": "nope"}, 422, "stage"),
        ({"stage": "Onboarding"}, 422, "stage"),
        ({"stage": 3}, 422, "stage"),
        ({"stage": "onboarding", "note": "why"}, 422, "note"),
        ({"stage": "onboarding", "expected_version": 0}, 422, "expected_version"),
        ({"stage": "onboarding", "expected_version": "one"}, 422, "expected_version"),
        ({"stage": "onboarding", "expected_version": "1"}, 422, "expected_version"),
        ({"stage": "onboarding", "expected_version": True}, 422, "expected_version"),
    ],
    ids=[
        "malformed-json",
        "no-body",
        "missing-stage",
        "unknown-stage",
        "not-a-stage-id",
        "wrong-type",
        "unknown-field",
        "version-zero",
        "version-not-a-number",
        "version-as-a-string",
        "version-as-a-boolean",
    ],
)
def test_an_invalid_stage_change_is_refused_naming_the_field_and_writes_nothing(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
    body: Any,
    status: int,
    field: str,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    path = f"/partnerships/{created['id']}/stage"
    if body is None or isinstance(body, str):
        response = partners.put(path, body=body)
    else:
        response = partners.put(path, json_body=body)
    assert_problem(response, status, field)
    # A stage is checked against the vendor's own pipeline, so that one needs a read; nothing is written
    assert response.calls.operations in ([], ["BatchGetItem"])
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    "user",
    [CLEO, NOROLE, SALLY, PAT],
    ids=["member", "no-role", "partner-admin", "partner-project-manager"],
)
def test_only_admins_and_partner_managers_change_stages(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
    user: User,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    response = partners.put(f"/partnerships/{created['id']}/stage", user=user, json_body=ONBOARDING)
    assert_problem(response, 403)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [ZED, YVES], ids=["admin", "partner-manager"])
def test_a_partnership_of_another_organisation_cannot_be_moved(
    aws: Stack,
    partners: ApiClient,
    new_partnership: NewPartnership,
    user: User,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    response = partners.put(f"/partnerships/{created['id']}/stage", user=user, json_body=ONBOARDING)
    assert_problem(response, 404)
    assert aws.count(TABLE) == before
    assert partners.get(f"/partnerships/{created['id']}").json()["stage"] == "recruitment"


def test_an_unknown_or_malformed_partnership_cannot_be_moved(partners: ApiClient) -> None:
    assert_problem(_move(partners, "0123456789abcdef0123456789abcdef", "onboarding"), 404)
    assert_problem(_move(partners, "a%23b", "onboarding"), 422, "partnership_id")


def test_changing_a_stage_needs_an_identity(partners: ApiClient, new_partnership: NewPartnership) -> None:
    created = new_partnership()
    response = partners.put(f"/partnerships/{created['id']}/stage", claims={}, json_body=ONBOARDING)
    assert_problem(response, 401)


def test_a_transaction_conflict_in_dynamodb_is_a_conflict_not_a_server_error(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership
) -> None:
    # Given DynamoDB cancels the write because another transaction is in flight on the item
    # (what AWS answers for overlapping writers; moto serialises them, so it is played here)
    created = new_partnership()
    before = aws.count(TABLE)
    cancelled = transaction_cancelled("TransactionConflict", "None", "None")
    response = partners.put(
        f"/partnerships/{created['id']}/stage",
        json_body=ONBOARDING,
        fail_next={"TransactWriteItems": cancelled},
    )
    # Then the caller is told to reload and retry, as for any concurrent change
    assert_problem(response, 409)
    assert aws.count(TABLE) == before
    assert partners.get(f"/partnerships/{created['id']}").json()["version"] == 1

"""A partnership's life after creation: profile updates, assigned users, archive, restore, delete.

Every change is one transaction with its activity entry (before → after) and its event.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import BEN, CLEO, NOROLE, PAT, SALLY, YVES, ZED

TABLE = "PartnersTable"
NewPartnership = Any


def _last_event(aws: Stack) -> dict[str, Any]:
    return outbox_events(aws, TABLE)[-1]


def _activity(partners: ApiClient, partnership_id: str) -> list[dict[str, Any]]:
    response = partners.get(f"/partnerships/{partnership_id}/activity")
    assert response.status == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


# ---------------------------------------------------------------- PATCH /partnerships/{id}


def test_an_update_changes_only_what_was_sent_and_logs_before_and_after(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership(country="DE", website="https://northwind.example")
    # When the admin renames it, moves it to Austria and clears its website
    response = partners.patch(f"/partnerships/{created['id']}", json_body={
        "company_name": "Northwind GmbH", "country": "at", "website": None,
        "integration_links": [{"label": "Salesforce", "url": "https://acme.my.salesforce.com/001XYZ"}],
    })
    # Then exactly those fields changed, the version moved on, and nothing else did
    assert response.status == 200, response.text
    body = response.json()
    assert (body["company_name"], body["country"], body["website"], body["website_domain"]) == (
        "Northwind GmbH", "AT", None, None)
    assert body["integration_links"] == [{"label": "Salesforce", "url": "https://acme.my.salesforce.com/001XYZ"}]
    assert body["partnership_type"] == created["partnership_type"]
    assert body["version"] == 2
    # One read, one transaction
    assert response.calls.operations == ["GetItem", "TransactWriteItems"]
    # And the activity log shows each field before → after
    [entry, _created] = _activity(partners, created["id"])
    assert entry["kind"] == "partnership_updated"
    assert {c["field"]: (c["before"], c["after"]) for c in entry["changes"]} == {
        "company_name": ("Northwind Consulting", "Northwind GmbH"),
        "website": ("https://northwind.example", None),
        "country": ("DE", "AT"),
        "integration_links": (None, "Salesforce <https://acme.my.salesforce.com/001XYZ>"),
    }
    event = _last_event(aws)
    assert event["type"] == "PartnershipUpdated"
    assert event["data"]["company_name"] == "Northwind GmbH"
    assert {c["field"] for c in event["data"]["changes"]} == {"company_name", "website", "country",
                                                              "integration_links"}


def test_an_update_that_changes_nothing_writes_nothing(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership(country="DE")
    before = aws.count(TABLE)
    response = partners.patch(f"/partnerships/{created['id']}", json_body={"country": "de"})
    assert response.status == 200, response.text
    assert response.json()["version"] == 1
    assert response.calls.operations == ["GetItem"]
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"expected_version": 1}, "body"),
        ({"nickname": "nw"}, "nickname"),
        ({"company_name": None}, "company_name"),
        ({"company_name": ""}, "company_name"),
        ({"partnership_type": None}, "partnership_type"),
        ({"partnership_type": "vendor"}, "partnership_type"),
        ({"country": "XX"}, "country"),
        ({"website": "javascript://x.example/%0a"}, "website"),
        ({"logo_url": "http://insecure.example/logo.png"}, "logo_url"),
        ({"integration_links": None}, "integration_links"),
        ({"integration_links": [{"label": "CRM", "url": "http://crm.example/1"}]}, "integration_links.0.url"),
        ({"integration_links": [{"label": "", "url": "https://crm.example/1"}]}, "integration_links.0.label"),
        ({"integration_links": [{"label": "CRM", "url": "https://crm.example/1", "x": 1}]},
         "integration_links.0.x"),
        ({"integration_links": [{"label": f"L{n}", "url": "https://crm.example/1"} for n in range(11)]},
         "integration_links"),
        ({"company_name": "X", "expected_version": "1"}, "expected_version"),
    ],
)
def test_an_invalid_update_is_refused_naming_the_field_and_writes_nothing(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, body: dict[str, Any], field: str,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    response = partners.patch(f"/partnerships/{created['id']}", json_body=body)
    assert_problem(response, 422, field)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


def test_a_stale_expected_version_is_a_conflict(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    assert partners.patch(f"/partnerships/{created['id']}", json_body={"country": "FR"}).status == 200
    before = aws.count(TABLE)
    response = partners.patch(f"/partnerships/{created['id']}",
                              json_body={"country": "ES", "expected_version": 1})
    assert_problem(response, 409)
    assert aws.count(TABLE) == before


# ---------------------------------------------------------------- assignees


def test_assigning_and_unassigning_users_emits_an_event_each(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    path = f"/partnerships/{created['id']}/assignees"
    # When Ben is assigned
    response = partners.post(path, json_body={"user_id": BEN.user_id})
    assert response.status == 200, response.text
    assert response.json()["assigned_user_ids"] == [BEN.user_id]
    # One read of the partnership, one batch read of the directory, one transaction
    assert response.calls.operations == ["GetItem", "BatchGetItem", "TransactWriteItems"]
    event = _last_event(aws)
    assert (event["type"], event["data"]["user_id"], event["data"]["assigned_user_ids"]) == (
        "PartnershipUserAssigned", BEN.user_id, [BEN.user_id])
    # Assigning him again changes nothing and tells nobody
    events_before = len(outbox_events(aws, TABLE))
    again = partners.post(path, json_body={"user_id": BEN.user_id})
    assert again.status == 200
    assert again.calls.operations == ["GetItem"]
    assert len(outbox_events(aws, TABLE)) == events_before
    # When he is removed
    removed = partners.delete(f"{path}/{BEN.user_id}")
    assert removed.status == 200, removed.text
    assert removed.json()["assigned_user_ids"] == []
    event = _last_event(aws)
    assert (event["type"], event["data"]["user_id"]) == ("PartnershipUserUnassigned", BEN.user_id)
    kinds = [entry["kind"] for entry in _activity(partners, created["id"])]
    assert kinds == ["user_unassigned", "user_assigned", "partnership_created"]


@pytest.mark.parametrize(
    ("user_id", "status", "field"),
    [
        (ZED.user_id, 422, "user_id"),  # a user of another organisation is not in ours
        ("u-nobody", 422, "user_id"),
        ("u#ben", 422, "user_id"),
    ],
)
def test_only_users_of_the_organisation_can_be_assigned(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, user_id: str, status: int, field: str,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    response = partners.post(f"/partnerships/{created['id']}/assignees", json_body={"user_id": user_id})
    assert_problem(response, status, field)
    assert aws.count(TABLE) == before


def test_unassigning_someone_not_assigned_is_not_found(
    partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    assert_problem(partners.delete(f"/partnerships/{created['id']}/assignees/{BEN.user_id}"), 404)


# ---------------------------------------------------------------- archive, restore, delete


def test_an_archived_partnership_is_read_only_until_restored(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    pid = created["id"]
    archived = partners.post(f"/partnerships/{pid}/archive")
    assert archived.status == 200, archived.text
    assert archived.json()["archived"] is True
    assert archived.json()["archived_at"] is not None
    assert _last_event(aws)["type"] == "PartnershipArchived"
    # Then every write is a 409 and writes nothing
    before = aws.count(TABLE)
    for response in (
        partners.patch(f"/partnerships/{pid}", json_body={"country": "FR"}),
        partners.put(f"/partnerships/{pid}/stage", json_body={"stage": "onboarding"}),
        partners.post(f"/partnerships/{pid}/assignees", json_body={"user_id": BEN.user_id}),
        partners.post(f"/partnerships/{pid}/archive"),
    ):
        assert_problem(response, 409)
    assert aws.count(TABLE) == before
    # But it can still be read
    assert partners.get(f"/partnerships/{pid}").json()["archived"] is True
    # And restored
    restored = partners.post(f"/partnerships/{pid}/restore")
    assert restored.status == 200, restored.text
    assert (restored.json()["archived"], restored.json()["archived_at"]) == (False, None)
    assert _last_event(aws)["type"] == "PartnershipRestored"
    assert partners.patch(f"/partnerships/{pid}", json_body={"country": "FR"}).status == 200
    # Restoring what is not archived is a conflict
    assert_problem(partners.post(f"/partnerships/{pid}/restore"), 409)


def test_delete_needs_an_archived_partnership_and_removes_its_whole_history(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    pid = created["id"]
    partners.put(f"/partnerships/{pid}/stage", json_body={"stage": "onboarding"})
    # Deleting a live partnership is refused: archive first
    assert_problem(partners.delete(f"/partnerships/{pid}"), 409)
    partners.post(f"/partnerships/{pid}/archive")
    response = partners.delete(f"/partnerships/{pid}")
    assert response.status == 204, response.text
    assert response.text == ""
    # Then it is gone everywhere, with its activity; only the events remain to be published
    assert_problem(partners.get(f"/partnerships/{pid}"), 404)
    assert_problem(partners.get(f"/partnerships/{pid}/activity"), 404)
    assert partners.get("/partnerships").json()["items"] == []
    remaining = entities(aws, TABLE)
    assert remaining["Partnership"] == 0
    assert remaining["Activity"] == 0
    event = _last_event(aws)
    assert (event["type"], event["data"]["partnership_id"]) == ("PartnershipDeleted", pid)
    # And deleting again is a 404
    assert_problem(partners.delete(f"/partnerships/{pid}"), 404)


def test_only_an_admin_deletes(partners: ApiClient, new_partnership: NewPartnership) -> None:
    created = new_partnership()
    partners.post(f"/partnerships/{created['id']}/archive")
    assert_problem(partners.delete(f"/partnerships/{created['id']}", user=BEN), 403)


# ---------------------------------------------------------------- who may do what


def _routes(pid: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("PATCH", f"/partnerships/{pid}", {"country": "FR"}),
        ("POST", f"/partnerships/{pid}/archive", None),
        ("POST", f"/partnerships/{pid}/restore", None),
        ("DELETE", f"/partnerships/{pid}", None),
        ("POST", f"/partnerships/{pid}/assignees", {"user_id": BEN.user_id}),
        ("DELETE", f"/partnerships/{pid}/assignees/{BEN.user_id}", None),
    ]


@pytest.mark.parametrize("user", [CLEO, NOROLE, SALLY, PAT], ids=lambda user: user.user_id)
def test_readers_and_partner_roles_cannot_change_a_partnership(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, user: User,
) -> None:
    created = new_partnership(assigned_user_ids=[BEN.user_id])
    before = aws.count(TABLE)
    for method, path, body in _routes(created["id"]):
        response = partners.request(method, path, json_body=body, user=user)
        assert_problem(response, 403)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [ZED, YVES], ids=lambda user: user.user_id)
def test_another_organisation_gets_404_on_every_lifecycle_route(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, user: User,
) -> None:
    created = new_partnership(assigned_user_ids=[BEN.user_id])
    partners.post(f"/partnerships/{created['id']}/archive")  # so restore and delete reach their checks
    before = aws.count(TABLE)
    for method, path, body in _routes(created["id"]):
        response = partners.request(method, path, json_body=body, user=user)
        assert_problem(response, 404)
        assert created["company_name"] not in response.text  # nothing of theirs, only our own path
    assert aws.count(TABLE) == before


def test_a_distributor_with_resellers_keeps_its_type_and_cannot_be_deleted(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    # Given the distributor module on, and a reseller assigned to a distributor
    assert partners.put("/distributor-module", json_body={"enabled": True}).status == 200
    distributor = new_partnership(company_name="Northwind Distribution", partnership_type="distributor")
    reseller = new_partnership(company_name="Contoso")
    assigned = partners.post(
        f"/distributors/{distributor['id']}/resellers", json_body={"reseller_id": reseller["id"]},
    )
    assert assigned.status == 201, assigned.text
    # Then the distributor cannot stop being one, and neither side can be deleted, while assigned
    retype = partners.patch(f"/partnerships/{distributor['id']}", json_body={"partnership_type": "reseller"})
    assert_problem(retype, 409)
    for created in (distributor, reseller):
        partners.post(f"/partnerships/{created['id']}/archive")
        assert_problem(partners.delete(f"/partnerships/{created['id']}"), 409)
        partners.post(f"/partnerships/{created['id']}/restore")
    # Once unassigned, both are possible
    partners.delete(f"/distributors/{distributor['id']}/resellers/{reseller['id']}")
    changed = partners.patch(f"/partnerships/{distributor['id']}", json_body={"partnership_type": "reseller"})
    assert changed.status == 200, changed.text
    partners.post(f"/partnerships/{reseller['id']}/archive")
    assert partners.delete(f"/partnerships/{reseller['id']}").status == 204

"""CRM contacts through the leads API: the people of an account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, CLEO, SALLY, ZED

TABLE = "LeadsTable"


@pytest.fixture
def leads(service: Callable[..., ApiClient]) -> ApiClient:
    return service("leads", ANA)


@pytest.fixture
def account(leads: ApiClient) -> dict[str, Any]:
    response = leads.post("/accounts", json_body={"name": "Contoso Retail", "website": "contoso.example"})
    assert response.status == 201, response.text
    created: dict[str, Any] = response.json()
    return created


JANE = {
    "first_name": "Jane", "last_name": "Doe", "email": "Jane.Doe@Contoso.EXAMPLE", "title": "Head of Sales",
    "linkedin_url": "linkedin.com/in/jane-doe",
}


def test_a_contact_is_added_to_an_account(leads: ApiClient, aws: Stack, account: dict[str, Any]) -> None:
    response = leads.post(f"/accounts/{account['id']}/contacts", json_body=JANE)
    assert response.status == 201, response.text
    contact = response.json()
    assert contact == {
        "id": contact["id"], "account_id": account["id"], "first_name": "Jane", "last_name": "Doe",
        "email": "Jane.Doe@contoso.example", "title": "Head of Sales",
        "linkedin_url": "https://www.linkedin.com/in/jane-doe",
        "created_at": contact["created_at"], "updated_at": contact["created_at"], "version": 1,
    }
    assert response.calls.operations == ["GetItem", "TransactWriteItems"]
    assert leads.get(f"/accounts/{account['id']}/contacts/{contact['id']}").json() == contact
    assert leads.get(f"/accounts/{account['id']}").json()["contact_count"] == 1
    event = outbox_events(aws, TABLE)[-1]
    # ids only: a contact's name and email stay in the CRM
    assert (event["type"], event["data"]) == (
        "ContactCreated", {"contact_id": contact["id"], "account_id": account["id"]})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "first_name"),
        ({"first_name": "Jo", "email": "not-an-email"}, "email"),
        ({"first_name": "Jo", "email": "jo@@contoso.example"}, "email"),
        ({"first_name": "Jo", "linkedin_url": "https://linkedin.evil.example/in/jo"}, "linkedin_url"),
        ({"first_name": "Jo", "linkedin_url": "https://www.linkedin.com/"}, "linkedin_url"),
        ({"first_name": "Jo", "linkedin_url": "javascript://www.linkedin.com/in/jo"}, "linkedin_url"),
        ({"first_name": "Jo", "linkedin_url": "https://user@www.linkedin.com/in/jo"}, "linkedin_url"),
        ({"first_name": "Jo", "account_id": "a1"}, "account_id"),
        ({"first_name": "Line\nbreak"}, "first_name"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_invalid_contacts_are_refused_naming_the_field(
    leads: ApiClient, aws: Stack, account: dict[str, Any], body: dict[str, Any], field: str,
) -> None:
    before = aws.items(TABLE)
    assert_problem(leads.post(f"/accounts/{account['id']}/contacts", json_body=body), 422, field)
    assert aws.items(TABLE) == before


def test_a_contact_of_a_missing_account_is_a_404(leads: ApiClient) -> None:
    assert_problem(leads.post("/accounts/nope/contacts", json_body={"first_name": "Jo"}), 404)


def test_a_contact_is_changed_and_cleared_field_by_field(
    leads: ApiClient, aws: Stack, account: dict[str, Any],
) -> None:
    contact = leads.post(f"/accounts/{account['id']}/contacts", json_body=JANE).json()
    response = leads.patch(f"/accounts/{account['id']}/contacts/{contact['id']}",
                           json_body={"title": "CEO", "linkedin_url": None})
    assert response.status == 200, response.text
    assert response.json() == {**contact, "title": "CEO", "linkedin_url": None, "version": 2,
                               "updated_at": response.json()["updated_at"]}
    event = outbox_events(aws, TABLE)[-1]
    assert (event["type"], event["data"]["changed"]) == ("ContactUpdated", ["title", "linkedin_url"])
    assert_problem(leads.patch(f"/accounts/{account['id']}/contacts/{contact['id']}",
                               json_body={"first_name": None}), 422, "first_name")


def test_deleting_the_primary_contact_leaves_the_account_without_one(
    leads: ApiClient, aws: Stack, account: dict[str, Any],
) -> None:
    contact = leads.post(f"/accounts/{account['id']}/contacts", json_body=JANE).json()
    made_primary = leads.patch(f"/accounts/{account['id']}", json_body={"primary_contact_id": contact["id"]})
    assert made_primary.status == 200

    response = leads.delete(f"/accounts/{account['id']}/contacts/{contact['id']}")

    assert response.status == 204, response.text
    assert response.calls.operations == ["BatchGetItem", "TransactWriteItems"]
    stored = leads.get(f"/accounts/{account['id']}").json()
    assert (stored["primary_contact_id"], stored["contact_count"]) == (None, 0)
    event = outbox_events(aws, TABLE)[-1]
    assert (event["type"], event["data"]["was_primary"]) == ("ContactDeleted", True)
    assert_problem(leads.get(f"/accounts/{account['id']}/contacts/{contact['id']}"), 404)


def test_a_contact_made_primary_while_it_is_deleted_makes_the_delete_a_conflict(
    leads: ApiClient, account: dict[str, Any],
) -> None:
    contact = leads.post(f"/accounts/{account['id']}/contacts", json_body=JANE).json()

    def make_primary() -> None:
        response = leads.patch(f"/accounts/{account['id']}", json_body={"primary_contact_id": contact["id"]})
        assert response.status == 200, response.text

    response = leads.delete(f"/accounts/{account['id']}/contacts/{contact['id']}",
                            before={"TransactWriteItems": make_primary})
    assert_problem(response, 409)
    assert leads.get(f"/accounts/{account['id']}").json()["primary_contact_id"] == contact["id"]


def test_contacts_are_listed_per_account_and_for_the_organisation(
    leads: ApiClient, account: dict[str, Any],
) -> None:
    other = leads.post("/accounts", json_body={"name": "Fabrikam"}).json()
    mine = [leads.post(f"/accounts/{account['id']}/contacts", json_body={"first_name": f"P{i}"}).json()["id"]
            for i in range(3)]
    theirs = leads.post(f"/accounts/{other['id']}/contacts", json_body={"first_name": "Q"}).json()["id"]
    zed_account = leads.post("/accounts", json_body={"name": "Z"}, user=ZED).json()
    leads.post(f"/accounts/{zed_account['id']}/contacts", json_body={"first_name": "Z"}, user=ZED)

    # the account's contacts, page by page, in one Query each
    seen, cursor = [], None
    for _ in range(5):
        response = leads.get(f"/accounts/{account['id']}/contacts",
                             query={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status == 200, response.text
        assert response.calls.operations == ["Query"]
        seen += [item["id"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(mine)
    # the organisation's contacts, newest first
    response = leads.get("/contacts", user=CLEO)
    assert response.status == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == [theirs, *reversed(mine)]
    assert response.calls.operations == ["Query"]
    assert [item["first_name"] for item in leads.get("/contacts", user=ZED).json()["items"]] == ["Z"]
    assert leads.get("/contacts", user=SALLY).json()["items"] == []


@pytest.mark.parametrize(
    ("method", "body"), [("GET", None), ("PATCH", {"title": "CEO"}), ("DELETE", None)],
)
@pytest.mark.parametrize("intruder", [ZED, SALLY], ids=["other-vendor", "partner-org"])
def test_every_contact_route_answers_404_for_another_organisations_contact(
    leads: ApiClient, aws: Stack, account: dict[str, Any], method: str, body: Any, intruder: User,
) -> None:
    contact = leads.post(f"/accounts/{account['id']}/contacts", json_body=JANE).json()
    before = aws.items(TABLE)
    response = leads.request(method, f"/accounts/{account['id']}/contacts/{contact['id']}", json_body=body,
                             user=intruder)
    assert_problem(response, 404)
    assert "Jane" not in response.text
    assert aws.items(TABLE) == before


def test_a_contact_is_only_found_under_its_own_account(leads: ApiClient, account: dict[str, Any]) -> None:
    other = leads.post("/accounts", json_body={"name": "Fabrikam"}).json()
    contact = leads.post(f"/accounts/{account['id']}/contacts", json_body=JANE).json()
    assert_problem(leads.get(f"/accounts/{other['id']}/contacts/{contact['id']}"), 404)
    assert_problem(leads.delete(f"/accounts/{other['id']}/contacts/{contact['id']}"), 404)


def test_readers_cannot_change_contacts(leads: ApiClient, account: dict[str, Any]) -> None:
    contact = leads.post(f"/accounts/{account['id']}/contacts", json_body=JANE).json()
    assert_problem(leads.post(f"/accounts/{account['id']}/contacts", json_body=JANE, user=CLEO), 403)
    assert_problem(leads.patch(f"/accounts/{account['id']}/contacts/{contact['id']}",
                               json_body={"title": "x"}, user=CLEO), 403)
    assert_problem(leads.delete(f"/accounts/{account['id']}/contacts/{contact['id']}", user=CLEO), 403)
    assert leads.get(f"/accounts/{account['id']}/contacts/{contact['id']}", user=CLEO).status == 200

"""CRM accounts through the leads API: create, read, list, change, delete; domains; events; tenancy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import transaction_cancelled
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, BEN, CLEO, NOROLE, PAT, SALLY, ZED

TABLE = "LeadsTable"
DOMAIN_ENTITIES = {"AccountDomain", "AccountDomainGuard"}
# A partner organisation's people: a CRM of their own, with partner-side roles.
SAM = User("u-sam", "northwind", ("sales",), "sam@northwind.example")
MIA = User("u-mia", "northwind", ("marketing",), "mia@northwind.example")


@pytest.fixture
def leads(service: Callable[..., ApiClient]) -> ApiClient:
    return service("leads", ANA)


@pytest.fixture
def new_account(leads: ApiClient) -> Callable[..., dict[str, Any]]:
    def create(**fields: Any) -> dict[str, Any]:
        user = fields.pop("as_user", None)
        body = {"name": "Contoso Retail", **fields}
        response = leads.post("/accounts", json_body=body, user=user)
        assert response.status == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return create


FULL = {
    "name": "Contoso Retail",
    "website": "https://www.Contoso.example/shop",
    "revenue": {"amount": "1250000.5", "currency": "eur"},
    "platform": "Shopify",
    "industry": "Retail eCommerce",
    "employee_count": 120,
    "country": "nl",
    "lifecycle_stage": "marketing_qualified",
    "lead_source": "Trade fair",
    "notes": "Met at the fair.\nFollow up in May.",
    "addresses": [{"label": "Headquarters", "street": "Keizersgracht 1", "city": "Amsterdam",
                   "postal_code": "1015 CJ", "country": "NL"}],
}


# ---------------------------------------------------------------- create and read


def test_an_account_is_created_with_every_field_normalised(leads: ApiClient, aws: Stack) -> None:
    # When an admin creates an account with every field
    response = leads.post("/accounts", json_body=FULL)

    # Then it is stored as sent, with the website's domain, exact revenue and codes normalised
    assert response.status == 201, response.text
    account = response.json()
    assert account == {
        "id": account["id"],
        "name": "Contoso Retail",
        "website": "https://www.Contoso.example/shop",
        "domain": "contoso.example",
        "revenue": {"amount": "1250000.50", "currency": "EUR"},
        "platform": "Shopify",
        "industry": "retail_ecommerce",
        "employee_count": 120,
        "country": "NL",
        "lifecycle_stage": "marketing_qualified",
        "lead_source": "Trade fair",
        "primary_contact_id": None,
        "notes": "Met at the fair.\nFollow up in May.",
        "addresses": [{"label": "Headquarters", "street": "Keizersgracht 1", "city": "Amsterdam",
                       "region": None, "postal_code": "1015 CJ", "country": "NL"}],
        "contact_count": 0,
        "created_at": account["created_at"],
        "updated_at": account["created_at"],
        "version": 1,
    }
    assert leads.get(f"/accounts/{account['id']}").json() == account
    # and the account, its domain guard, the cross-tenant domain row, its list entries and its event
    # were written in one transaction
    assert response.calls.operations == ["TransactWriteItems"]
    assert entities(aws, TABLE) == {
        "Account": 1, "AccountDomainGuard": 1, "AccountDomain": 1, "AccountIndex": 3, "Outbox": 1,
    }
    [event] = outbox_events(aws, TABLE)
    assert event["type"] == "AccountCreated"
    assert event["tenant_id"] == "acme"
    assert event["data"] == {
        "account_id": account["id"], "name": "Contoso Retail", "domain": "contoso.example", "country": "NL",
        "industry": "retail_ecommerce", "lifecycle_stage": "marketing_qualified",
    }


def test_the_cross_tenant_domain_row_holds_ids_only(leads: ApiClient, aws: Stack, new_account: Any) -> None:
    account = new_account(website="contoso.example")
    [row] = [item for item in aws.items(TABLE) if item["entity"] == "AccountDomain"]
    assert row == {
        "pk": "DOMAIN#contoso.example#", "sk": f"ORG#acme#ACCOUNT#{account['id']}#",
        "entity": "AccountDomain", "organisation_id": "acme", "account_id": account["id"],
    }


def test_a_minimal_account_needs_only_a_name(leads: ApiClient, aws: Stack) -> None:
    response = leads.post("/accounts", json_body={"name": "Fabrikam"})
    assert response.status == 201, response.text
    assert response.json()["domain"] is None
    assert entities(aws, TABLE) == {"Account": 1, "AccountIndex": 1, "Outbox": 1}


def test_a_second_account_with_the_same_domain_is_a_conflict_naming_the_first(
    leads: ApiClient, aws: Stack, new_account: Any,
) -> None:
    first = new_account(website="https://contoso.example")
    before = aws.items(TABLE)

    # When another account is created with the same domain written differently
    response = leads.post("/accounts", json_body={"name": "Contoso again", "website": "http://WWW.contoso.example/"})

    # Then it is refused, naming the account that has the domain, and nothing is written
    body = assert_problem(response, 409, "website")
    assert first["id"] in body["detail"]
    assert body["errors"][0]["existing_account_id"] == first["id"]
    assert aws.items(TABLE) == before


def test_another_organisation_may_hold_the_same_domain(
    leads: ApiClient, aws: Stack, new_account: Any,
) -> None:
    mine = new_account(website="contoso.example")
    theirs = new_account(website="contoso.example", as_user=ZED)
    rows = sorted(item["sk"] for item in aws.items(TABLE) if item["pk"] == "DOMAIN#contoso.example#")
    assert rows == sorted([f"ORG#acme#ACCOUNT#{mine['id']}#", f"ORG#acme-corp#ACCOUNT#{theirs['id']}#"])


def test_a_partner_organisation_has_a_crm_of_its_own(leads: ApiClient, new_account: Any) -> None:
    theirs = new_account(name="Litware", as_user=SAM)
    assert leads.get(f"/accounts/{theirs['id']}", user=SALLY).status == 200
    assert leads.get(f"/accounts/{theirs['id']}", user=MIA).status == 200
    assert_problem(leads.get(f"/accounts/{theirs['id']}"), 404)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["name"]),
        ({"name": ""}, ["name"]),
        ({"name": "Tab\there"}, ["name"]),
        ({"name": "X", "website": "javascript://contoso.example/%0aalert(1)"}, ["website"]),
        ({"name": "X", "website": "not a website"}, ["website"]),
        ({"name": "X", "revenue": {"amount": "-1", "currency": "EUR"}}, ["revenue.amount"]),
        ({"name": "X", "revenue": {"amount": "10.001", "currency": "EUR"}}, ["revenue.amount"]),
        ({"name": "X", "revenue": {"amount": 0.1, "currency": "XXX"}}, ["revenue.currency"]),
        ({"name": "X", "revenue": {"amount": "1e3", "currency": "EUR"}}, ["revenue.amount"]),
        ({"name": "X", "revenue": {"amount": "10"}}, ["revenue.currency"]),
        ({"name": "X", "industry": "space tourism"}, ["industry"]),
        ({"name": "X", "country": "XX"}, ["country"]),
        ({"name": "X", "employee_count": -1}, ["employee_count"]),
        ({"name": "X", "employee_count": "12"}, ["employee_count"]),
        ({"name": "X", "lifecycle_stage": "won"}, ["lifecycle_stage"]),
        ({"name": "X", "addresses": [{}]}, ["addresses.0"]),
        ({"name": "X", "primary_contact_id": "c1"}, ["primary_contact_id"]),
        ({"name": "X", "domain": "contoso.example"}, ["domain"]),
    ],
    ids=lambda value: str(value)[:40],
)
def test_invalid_accounts_are_refused_naming_the_field(
    leads: ApiClient, aws: Stack, body: dict[str, Any], fields: list[str],
) -> None:
    response = leads.post("/accounts", json_body=body)
    assert_problem(response, 422, *fields)
    assert aws.count(TABLE) == 0


@pytest.mark.parametrize("user", [CLEO, PAT, MIA, NOROLE], ids=lambda user: user.user_id)
def test_read_only_people_cannot_create_accounts(leads: ApiClient, aws: Stack, user: User) -> None:
    assert_problem(leads.post("/accounts", json_body={"name": "X"}, user=user), 403)
    assert aws.count(TABLE) == 0


@pytest.mark.parametrize("user", [ANA, BEN, SALLY, SAM], ids=lambda user: user.user_id)
def test_writers_of_both_sides_create_accounts(leads: ApiClient, user: User) -> None:
    assert leads.post("/accounts", json_body={"name": "X"}, user=user).status == 201


def test_a_user_without_roles_reads_nothing(leads: ApiClient, new_account: Any) -> None:
    account = new_account()
    assert_problem(leads.get(f"/accounts/{account['id']}", user=NOROLE), 403)
    assert_problem(leads.get("/accounts", user=NOROLE), 403)


# ---------------------------------------------------------------- change


def test_a_patch_changes_only_what_is_sent_and_null_clears(
    leads: ApiClient, aws: Stack, new_account: Any,
) -> None:
    account = new_account(**FULL)
    response = leads.patch(f"/accounts/{account['id']}", json_body={
        "lifecycle_stage": "customer", "notes": None, "revenue": None, "employee_count": 130,
    }, user=BEN)
    assert response.status == 200, response.text
    changed = response.json()
    assert changed == {
        **account, "lifecycle_stage": "customer", "notes": None, "revenue": None, "employee_count": 130,
        "updated_at": changed["updated_at"], "version": 2,
    }
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "AccountUpdated"
    assert event["data"]["changed"] == ["revenue", "employee_count", "lifecycle_stage", "notes"]
    assert event["data"]["previous_domain"] is None
    # the list entries follow the stage
    customers = leads.get("/accounts", query={"lifecycle_stage": "customer"}).json()["items"]
    assert [item["id"] for item in customers] == [account["id"]]
    assert leads.get("/accounts", query={"lifecycle_stage": "marketing_qualified"}).json()["items"] == []


def test_a_patch_that_changes_nothing_writes_nothing(leads: ApiClient, aws: Stack, new_account: Any) -> None:
    account = new_account(**FULL)
    before = aws.items(TABLE)
    response = leads.patch(f"/accounts/{account['id']}", json_body={
        "country": "nl", "revenue": {"amount": "1250000.50", "currency": "EUR"},
        "industry": "retail_ecommerce",
    })
    assert response.status == 200, response.text
    assert response.json() == account
    assert response.calls.operations == ["GetItem"]
    assert aws.items(TABLE) == before


def test_moving_an_account_to_another_domain_moves_its_guard_and_domain_row(
    leads: ApiClient, aws: Stack, new_account: Any,
) -> None:
    account = new_account(website="contoso.example")
    response = leads.patch(f"/accounts/{account['id']}", json_body={"website": "contoso-retail.example"})
    assert response.status == 200, response.text
    assert response.json()["domain"] == "contoso-retail.example"
    keys = {item["pk"] for item in aws.items(TABLE) if item["entity"] in DOMAIN_ENTITIES}
    assert keys == {"DOMAIN#contoso-retail.example#", "ORG#acme#ACCOUNTS#DOMAIN#contoso-retail.example#"}
    event = outbox_events(aws, TABLE)[-1]
    assert (event["data"]["domain"], event["data"]["previous_domain"]) == (
        "contoso-retail.example", "contoso.example")
    # the old domain is free again
    assert leads.post("/accounts", json_body={"name": "New", "website": "contoso.example"}).status == 201


def test_clearing_the_website_frees_the_domain(leads: ApiClient, aws: Stack, new_account: Any) -> None:
    account = new_account(website="contoso.example")
    assert leads.patch(f"/accounts/{account['id']}", json_body={"website": None}).json()["domain"] is None
    assert not [item for item in aws.items(TABLE) if item["entity"] in DOMAIN_ENTITIES]


def test_moving_to_a_domain_another_account_holds_is_a_conflict(
    leads: ApiClient, aws: Stack, new_account: Any,
) -> None:
    first = new_account(website="contoso.example")
    second = new_account(name="Fabrikam", website="fabrikam.example")
    before = aws.items(TABLE)
    response = leads.patch(f"/accounts/{second['id']}", json_body={"website": "www.contoso.example"})
    body = assert_problem(response, 409, "website")
    assert body["errors"][0]["existing_account_id"] == first["id"]
    assert aws.items(TABLE) == before


def test_a_name_cannot_be_cleared_and_an_empty_patch_is_refused(leads: ApiClient, new_account: Any) -> None:
    account = new_account()
    assert_problem(leads.patch(f"/accounts/{account['id']}", json_body={"name": None}), 422, "name")
    assert_problem(leads.patch(f"/accounts/{account['id']}", json_body={}), 422)


def test_a_stale_expected_version_is_a_conflict(leads: ApiClient, new_account: Any) -> None:
    account = new_account()
    leads.patch(f"/accounts/{account['id']}", json_body={"platform": "Magento"})
    response = leads.patch(f"/accounts/{account['id']}",
                           json_body={"platform": "Shopify", "expected_version": 1})
    assert_problem(response, 409)


def test_a_concurrent_change_is_a_conflict_and_writes_nothing(
    leads: ApiClient, aws: Stack, new_account: Any,
) -> None:
    account = new_account()
    before = aws.items(TABLE)
    response = leads.patch(
        f"/accounts/{account['id']}", json_body={"platform": "Shopify"},
        fail_next={"TransactWriteItems": transaction_cancelled("ConditionalCheckFailed", "None", "None")},
    )
    assert_problem(response, 409)
    assert aws.items(TABLE) == before


def test_the_primary_contact_must_be_a_contact_of_the_account(leads: ApiClient, new_account: Any) -> None:
    account = new_account()
    other = new_account(name="Fabrikam")
    contact = leads.post(f"/accounts/{other['id']}/contacts", json_body={"first_name": "Jo"}).json()
    response = leads.patch(f"/accounts/{account['id']}", json_body={"primary_contact_id": contact["id"]})
    assert_problem(response, 422, "primary_contact_id")
    mine = leads.post(f"/accounts/{account['id']}/contacts", json_body={"first_name": "Al"}).json()
    response = leads.patch(f"/accounts/{account['id']}", json_body={"primary_contact_id": mine["id"]})
    assert response.status == 200, response.text
    assert response.json()["primary_contact_id"] == mine["id"]
    assert leads.patch(f"/accounts/{account['id']}", json_body={"primary_contact_id": None}).json()[
        "primary_contact_id"] is None


# ---------------------------------------------------------------- delete


def test_deleting_an_account_deletes_its_contacts_in_one_transaction(
    leads: ApiClient, aws: Stack, new_account: Any,
) -> None:
    account = new_account(**FULL)
    for name in ("Al", "Bo", "Cy"):
        assert leads.post(f"/accounts/{account['id']}/contacts", json_body={"first_name": name}).status == 201
    keep = new_account(name="Fabrikam", website="fabrikam.example")

    response = leads.delete(f"/accounts/{account['id']}")

    assert response.status == 204, response.text
    assert response.calls.operations == ["Query", "TransactWriteItems"]
    assert_problem(leads.get(f"/accounts/{account['id']}"), 404)
    left = entities(aws, TABLE)
    del left["Outbox"]
    assert left == {"Account": 1, "AccountDomainGuard": 1, "AccountDomain": 1, "AccountIndex": 1}
    assert [c["account_id"] for c in leads.get("/contacts").json()["items"]] == []
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "AccountDeleted"
    assert event["data"] == {"account_id": account["id"], "name": "Contoso Retail",
                             "domain": "contoso.example", "contacts_deleted": 3}
    assert leads.get(f"/accounts/{keep['id']}").status == 200
    # its domain is free again
    assert leads.post("/accounts", json_body={"name": "Again", "website": "contoso.example"}).status == 201


def test_an_account_with_many_contacts_is_deleted_in_bounded_steps(
    leads: ApiClient, aws: Stack, new_account: Any,
) -> None:
    account = new_account(website="contoso.example")
    with leads.runner.env_applied():
        from datetime import UTC, datetime

        from leads.dal import contacts as contacts_dal
        from leads.dal.tables import AccountItem, LeadsItem

        now = datetime.now(UTC)
        with LeadsItem.batch_write() as batch:
            for index in range(150):
                batch.save(contacts_dal.new_contact_item(
                    "acme", account["id"], f"c{index:04d}", first_name=f"P{index}", created_at=now,
                    updated_at=now,
                ))
        stored = AccountItem.get(f"ORG#acme#ACCOUNT#{account['id']}#", "ACCOUNT#")
        stored.update(actions=[AccountItem.contact_count.set(150)])

    response = leads.delete(f"/accounts/{account['id']}")

    assert response.status == 204, response.text
    assert response.calls.operations.count("TransactWriteItems") == 1
    assert "BatchWriteItem" in response.calls.operations
    assert entities(aws, TABLE).get("Contact", 0) == 0
    assert entities(aws, TABLE).get("Account", 0) == 0
    assert outbox_events(aws, TABLE)[-1]["data"]["contacts_deleted"] == 150


def test_a_contact_added_while_deleting_makes_the_delete_a_conflict(
    leads: ApiClient, aws: Stack, new_account: Any,
) -> None:
    account = new_account()

    def add_contact() -> None:
        added = leads.post(f"/accounts/{account['id']}/contacts", json_body={"first_name": "Late"})
        assert added.status == 201

    response = leads.delete(f"/accounts/{account['id']}", before={"TransactWriteItems": add_contact})
    assert_problem(response, 409)
    assert leads.get(f"/accounts/{account['id']}").json()["contact_count"] == 1


def test_readers_cannot_delete(leads: ApiClient, new_account: Any) -> None:
    account = new_account()
    assert_problem(leads.delete(f"/accounts/{account['id']}", user=CLEO), 403)
    assert leads.get(f"/accounts/{account['id']}").status == 200


# ---------------------------------------------------------------- another organisation's accounts


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PATCH", "", {"platform": "Magento"}),
        ("DELETE", "", None),
        ("GET", "/contacts", None),
        ("POST", "/contacts", {"first_name": "Eve"}),
    ],
    ids=["get", "patch", "delete", "list-contacts", "add-contact"],
)
@pytest.mark.parametrize("intruder", [ZED, SALLY], ids=["other-vendor", "partner-org"])
def test_every_account_route_answers_404_for_another_organisations_account(
    leads: ApiClient, aws: Stack, new_account: Any, method: str, suffix: str, body: Any, intruder: User,
) -> None:
    account = new_account(**FULL)
    before = aws.items(TABLE)
    response = leads.request(method, f"/accounts/{account['id']}{suffix}", json_body=body, user=intruder)
    problem = assert_problem(response, 404)
    assert "Contoso" not in response.text
    assert account["id"] not in problem["detail"]
    assert aws.items(TABLE) == before


# ---------------------------------------------------------------- list


def _ids(response: Any) -> list[str]:
    assert response.status == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_accounts_are_listed_by_name_or_creation_and_filtered(leads: ApiClient, new_account: Any) -> None:
    b = new_account(name="bravo", country="DE", lifecycle_stage="lead")
    a = new_account(name="Alpha", country="NL", lifecycle_stage="customer")
    c = new_account(name="charlie", country="NL", lifecycle_stage="lead")
    new_account(name="delta", as_user=ZED)

    assert _ids(leads.get("/accounts")) == [a["id"], b["id"], c["id"]]
    assert _ids(leads.get("/accounts", query={"sort": "-name"})) == [c["id"], b["id"], a["id"]]
    assert _ids(leads.get("/accounts", query={"sort": "created"})) == [b["id"], a["id"], c["id"]]
    assert _ids(leads.get("/accounts", query={"sort": "-created"})) == [c["id"], a["id"], b["id"]]
    assert _ids(leads.get("/accounts", query={"country": "nl"})) == [a["id"], c["id"]]
    assert _ids(leads.get("/accounts", query={"lifecycle_stage": "lead"})) == [b["id"], c["id"]]
    assert _ids(leads.get("/accounts", query={"lifecycle_stage": "lead", "country": "NL"})) == [c["id"]]
    response = leads.get("/accounts", query={"country": "NL"})
    assert response.calls.operations == ["Query", "BatchGetItem"]


def test_account_pages_follow_each_other(leads: ApiClient, new_account: Any) -> None:
    made = [new_account(name=f"Account {index:02d}")["id"] for index in range(7)]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        response = leads.get("/accounts", query={"limit": 3, **({"cursor": cursor} if cursor else {})})
        seen += _ids(response)
        assert response.calls.operations == ["Query", "BatchGetItem"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == made


def test_a_cursor_of_another_listing_or_organisation_is_refused(leads: ApiClient, new_account: Any) -> None:
    for index in range(3):
        new_account(name=f"A{index}")
        new_account(name=f"Z{index}", as_user=ZED)
    mine = leads.get("/accounts", query={"limit": 1}).json()["next_cursor"]
    theirs = leads.get("/accounts", query={"limit": 1}, user=ZED).json()["next_cursor"]
    assert_problem(leads.get("/accounts", query={"cursor": theirs}), 400, "cursor")
    assert_problem(leads.get("/accounts", query={"cursor": mine, "sort": "created"}), 400, "cursor")


@pytest.mark.parametrize(
    ("query", "field"),
    [({"limit": "0"}, "limit"), ({"sort": "revenue"}, "sort"), ({"country": "Netherlands"}, "country"),
     ({"country": "XX"}, "country"), ({"lifecycle_stage": "won"}, "lifecycle_stage")],
)
def test_bad_list_parameters_are_refused(leads: ApiClient, query: dict[str, str], field: str) -> None:
    response = leads.get("/accounts", query=query)
    assert_problem(response, 422, field)
    assert response.calls.operations == []

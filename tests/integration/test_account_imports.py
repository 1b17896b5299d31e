"""CSV imports of accounts through the leads API: the template, small files within the request, bad files."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, ApiResponse, User
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED

TABLE = "LeadsTable"
CSV = "text/csv"


@pytest.fixture
def leads(service: Callable[..., ApiClient]) -> ApiClient:
    return service("leads", ANA)


def upload(
    api: ApiClient, content: str | bytes, *, mapping: dict[str, Any] | None = None, user: User | None = None,
    content_type: str = CSV, query: dict[str, str] | None = None,
) -> ApiResponse:
    """POST /accounts/imports with the file as the body: text as a text body, bytes base64-encoded."""
    params = dict(query or {})
    if mapping is not None:
        params["mapping"] = json.dumps(mapping)
    headers = {"content-type": content_type}
    if isinstance(content, bytes):
        return api.post("/accounts/imports", raw_body=content, headers=headers, query=params, user=user)
    return api.post("/accounts/imports", body=content, headers=headers, query=params, user=user)


def _accounts(api: ApiClient, user: User | None = None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        response = api.get("/accounts", user=user, query=query)
        assert response.status == 200, response.text
        found += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if not cursor:
            return found


FILE = (
    "name,website,country,lifecycle_stage,revenue,revenue_currency,address_city\n"
    "Contoso,https://www.contoso.example,NL,lead,1200000,EUR,Amsterdam\n"
    "Fabrikam,fabrikam.example,DE,,,,\n"
    "Broken,not a website,,,,,\n"
    "Contoso again,contoso.example/about,,,,,\n"
    "Litware,litware.example,XX,,,,\n"
    "Tailspin,tailspin.example,,Marketing Qualified,,,\n"
)


# ---------------------------------------------------------------- the template


def test_the_import_template_is_a_csv_with_the_headers(leads: ApiClient) -> None:
    response = leads.get("/accounts/import-template", user=CLEO)
    assert response.status == 200, response.text
    assert response.content_type.startswith("text/csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="accounts-import-template.csv"'
    assert response.text.splitlines() == [
        "name,website,revenue,revenue_currency,platform,industry,employee_count,country,lifecycle_stage,"
        "lead_source,notes,address_label,address_street,address_city,address_region,address_postal_code,"
        "address_country",
    ]
    assert response.calls.operations == []


def test_the_template_imports_as_it_is_once_filled(leads: ApiClient) -> None:
    header = leads.get("/accounts/import-template").text
    response = upload(leads, header + "Contoso,contoso.example,,,,,,,,,,,,,,,\n")
    assert response.status == 201, response.text
    assert response.json()["created"] == 1


# ---------------------------------------------------------------- a small file, within the request


def test_a_small_file_is_imported_within_the_request_and_every_row_is_accounted_for(
    leads: ApiClient, aws: Stack,
) -> None:
    response = upload(leads, FILE, query={"file_name": "crm.csv"})

    assert response.status == 201, response.text
    result = response.json()
    assert response.headers["Location"] == f"/accounts/imports/{result['id']}"
    keys = ("status", "file_name", "rows_total", "rows_done", "created", "updated", "unchanged", "rejected")
    assert {key: result[key] for key in keys} == {
        "status": "completed", "file_name": "crm.csv", "rows_total": 6, "rows_done": 6, "created": 3,
        "updated": 0, "unchanged": 0, "rejected": 3,
    }
    outcomes = [(row["row"], row["outcome"], row["reason"]) for row in result["results"]]
    assert [(row, outcome) for row, outcome, _ in outcomes] == [
        (2, "created"), (3, "created"), (4, "rejected"), (5, "rejected"), (6, "rejected"), (7, "created"),
    ]
    assert outcomes[2][2].startswith("website: Value error, must be a website address")
    assert outcomes[3][2] == "the same domain (contoso.example) as row 2"
    assert outcomes[4][2].startswith("country: Value error, must be an ISO 3166-1 alpha-2 country code")
    # the accounts are there, as the API would have made them
    by_name = {account["name"]: account for account in _accounts(leads)}
    assert sorted(by_name) == ["Contoso", "Fabrikam", "Tailspin"]
    contoso = by_name["Contoso"]
    assert (contoso["domain"], contoso["country"], contoso["lifecycle_stage"]) == (
        "contoso.example", "NL", "lead")
    assert contoso["revenue"] == {"amount": "1200000.00", "currency": "EUR"}
    assert contoso["addresses"][0]["city"] == "Amsterdam"
    assert by_name["Tailspin"]["lifecycle_stage"] == "marketing_qualified"
    assert [a["id"] for a in leads.get("/accounts", query={"lifecycle_stage": "lead"}).json()["items"]] == [
        contoso["id"]]
    # with their domain guards and cross-tenant domain rows
    counted = entities(aws, TABLE)
    assert (counted["Account"], counted["AccountDomainGuard"], counted["AccountDomain"]) == (3, 3, 3)
    # a duplicate through the API is refused against an imported account too
    duplicate = leads.post("/accounts", json_body={"name": "X", "website": "fabrikam.example"})
    assert_problem(duplicate, 409, "website")
    # the chunk's accounts in one event, and the import's completion
    events = outbox_events(aws, TABLE)
    assert [event["type"] for event in events] == ["AccountsImported", "AccountImportCompleted"]
    assert [(a["outcome"], a["domain"]) for a in events[0]["data"]["accounts"]] == [
        ("created", "contoso.example"), ("created", "fabrikam.example"), ("created", "tailspin.example")]
    assert events[1]["data"] == {"import_id": result["id"], "rows_total": 6, "created": 3, "updated": 0,
                                 "unchanged": 0, "rejected": 3}
    # the rejected rows stay readable, page by page
    first = leads.get(f"/accounts/imports/{result['id']}/rejections", query={"limit": 2})
    assert first.status == 200, first.text
    assert [(row["row"], row["name"], row["website"]) for row in first.json()["items"]] == [
        (4, "Broken", "not a website"), (5, "Contoso again", "contoso.example/about")]
    second = leads.get(f"/accounts/imports/{result['id']}/rejections",
                       query={"limit": 2, "cursor": first.json()["next_cursor"]})
    assert [row["row"] for row in second.json()["items"]] == [6]
    status = leads.get(f"/accounts/imports/{result['id']}", user=CLEO).json()
    assert (status["status"], status["results"], status["rejected"]) == ("completed", None, 3)


def test_importing_the_same_file_again_changes_nothing(leads: ApiClient, aws: Stack) -> None:
    assert upload(leads, FILE).status == 201
    accounts_before = sorted(_accounts(leads), key=lambda account: account["id"])
    events_before = len(outbox_events(aws, TABLE))

    response = upload(leads, FILE)

    assert response.status == 201, response.text
    result = response.json()
    assert (result["created"], result["updated"], result["unchanged"], result["rejected"]) == (0, 0, 3, 3)
    assert sorted(_accounts(leads), key=lambda account: account["id"]) == accounts_before
    # no account event: only the import's own completion
    new_events = outbox_events(aws, TABLE)[events_before:]
    assert [event["type"] for event in new_events] == ["AccountImportCompleted"]


def test_a_row_whose_domain_exists_updates_that_account_with_its_non_blank_cells(
    leads: ApiClient, aws: Stack,
) -> None:
    made = leads.post("/accounts", json_body={
        "name": "Contoso", "website": "contoso.example", "platform": "Magento", "notes": "keep me",
        "addresses": [{"city": "Utrecht"}, {"label": "Billing", "city": "Breda"}],
    }).json()

    response = upload(leads, "Account Name,Website URL,platform,notes,address_city,employee_count\n"
                             "Contoso B.V.,https://contoso.example/,Shopify,,Amsterdam,250\n")

    assert response.status == 201, response.text
    assert [(r["outcome"], r["account_id"]) for r in response.json()["results"]] == [("updated", made["id"])]
    account = leads.get(f"/accounts/{made['id']}").json()
    assert (account["name"], account["platform"], account["notes"], account["employee_count"]) == (
        "Contoso B.V.", "Shopify", "keep me", 250)
    assert account["website"] == "https://contoso.example/"
    addresses = [(address["label"], address["city"]) for address in account["addresses"]]
    assert addresses == [(None, "Amsterdam"), ("Billing", "Breda")]
    assert account["version"] == 2
    [imported] = [event for event in outbox_events(aws, TABLE) if event["type"] == "AccountsImported"]
    assert imported["data"]["accounts"][0]["changed"] == [
        "name", "website", "platform", "employee_count", "addresses"]
    # the name-sorted list follows the new name
    assert [a["name"] for a in _accounts(leads)] == ["Contoso B.V."]


def test_a_change_made_through_the_api_while_a_row_is_imported_is_kept_and_the_row_rejected(
    leads: ApiClient,
) -> None:
    made = leads.post("/accounts", json_body={"name": "Contoso", "website": "contoso.example"}).json()

    def edit_meanwhile() -> None:
        assert leads.patch(f"/accounts/{made['id']}", json_body={"notes": "typed by a person"}).status == 200

    def job_written() -> Callable[[], None]:
        return edit_meanwhile  # the next PutItem is the account's, after the import read it

    response = leads.post(
        "/accounts/imports", body="name,website,platform\nContoso,contoso.example,Shopify\n",
        headers={"content-type": CSV}, before={"PutItem": job_written},
    )

    assert response.status == 201, response.text
    [row] = response.json()["results"]
    assert (row["outcome"], row["reason"]) == (
        "rejected", "the account was changed while the file was imported; import the row again")
    account = leads.get(f"/accounts/{made['id']}").json()
    assert (account["notes"], account["platform"]) == ("typed by a person", None)


def test_a_mapping_names_the_fields_of_other_headers(leads: ApiClient) -> None:
    response = upload(leads, "Firma;Webseite;Land;Notizen\nContoso;contoso.example;NL;x\n",
                      mapping={"Firma": "name", "Webseite": "website", "Land": "country", "Notizen": None})
    assert response.status == 201, response.text
    result = response.json()
    assert result["columns"] == {"Firma": "name", "Webseite": "website", "Land": "country", "Notizen": None}
    [account] = _accounts(leads)
    assert (account["name"], account["country"], account["notes"]) == ("Contoso", "NL", None)


def test_a_file_with_a_bom_and_windows_line_ends_sent_as_binary_is_read(leads: ApiClient) -> None:
    content = codecs.BOM_UTF8 + "name,website\r\nCafé Zürich,cafe.example\r\n".encode()
    response = upload(leads, content, content_type="text/csv; charset=utf-8")
    assert response.status == 201, response.text
    assert [account["name"] for account in _accounts(leads)] == ["Café Zürich"]


def test_the_same_domain_in_two_organisations_is_two_accounts(leads: ApiClient, aws: Stack) -> None:
    assert upload(leads, "name,website\nContoso,contoso.example\n").status == 201
    assert upload(leads, "name,website\nContoso,contoso.example\n", user=ZED).json()["created"] == 1
    assert upload(leads, "name,website\nContoso,contoso.example\n", user=SALLY).json()["created"] == 1
    rows = [item["sk"] for item in aws.items(TABLE) if item["pk"] == "DOMAIN#contoso.example#"]
    assert sorted(sk.split("#")[1] for sk in rows) == ["acme", "acme-corp", "northwind"]


# ---------------------------------------------------------------- files that cannot be imported


@pytest.mark.parametrize(
    ("content", "content_type", "status", "named"),
    [
        ('name,website\n"Contoso,contoso.example\n', CSV, 422, "not valid CSV"),
        ("name,website\nCafé,cafe.example\n".encode("cp1252"), CSV, 415, "Windows-1252"),
        ("name,website\nCafé,cafe.example\n".encode("utf-16"), CSV, 415, "UTF-16"),
        ("name,website\nA,a.example\n", "text/csv; charset=iso-8859-1", 415, "iso-8859-1"),
        ("name,website,Name\nA,a.example,B\n", CSV, 422, "'Name'"),
        ("name,website,Favourite colour\nA,a.example,blue\n", CSV, 422, "'Favourite colour'"),
        ("name,country\nA,NL\n", CSV, 422, "header"),
        ("", CSV, 422, "empty"),
        (b"\xef\xbb\xbf", CSV, 422, "empty"),
        ("name,website\n", CSV, 422, "no rows"),
        ("name,website\nA,a.example\n", "application/json", 415, "text/csv"),
    ],
    ids=["malformed", "windows-1252", "utf-16", "declared-latin-1", "duplicate-header", "unknown-header",
         "no-website-column", "empty", "only-a-bom", "header-only", "sent-as-json"],
)
def test_a_file_that_cannot_be_imported_is_refused_and_nothing_is_written(
    leads: ApiClient, aws: Stack, content: str | bytes, content_type: str, status: int, named: str,
) -> None:
    response = upload(leads, content, content_type=content_type)
    body = assert_problem(response, status)
    assert named in body["detail"], body
    assert aws.count(TABLE) == 0
    assert response.calls.operations == []


def test_a_bad_mapping_is_refused_naming_it(leads: ApiClient, aws: Stack) -> None:
    assert_problem(leads.post("/accounts/imports", body="name,website\nA,a.example\n",
                              headers={"content-type": CSV}, query={"mapping": "{not json"}), 422, "mapping")
    assert_problem(upload(leads, "Firma,website\nA,a.example\n", mapping={"Firma": "company"}), 422,
                   "mapping.Firma", "file.header")
    assert aws.count(TABLE) == 0


def test_a_50_mb_file_is_refused_before_it_is_read(leads: ApiClient, aws: Stack) -> None:
    big = ("name,website\n" + "Contoso,contoso.example\n" * (50 * 1024 * 1024 // 24)).encode()
    response = upload(leads, big)
    body = assert_problem(response, 413, "file")
    assert "4 MB" in body["detail"]
    assert response.calls.operations == []
    assert aws.count(TABLE) == 0


@pytest.mark.parametrize(
    "user", [CLEO, User("u-mia", "northwind", ("marketing",))], ids=["member", "marketing"],
)
def test_read_only_people_cannot_import(leads: ApiClient, aws: Stack, user: User) -> None:
    assert_problem(upload(leads, FILE, user=user), 403)
    assert aws.count(TABLE) == 0


def test_partner_writers_import_into_their_own_crm(leads: ApiClient) -> None:
    response = upload(leads, FILE, user=SALLY)
    assert response.status == 201, response.text
    assert len(_accounts(leads, user=SALLY)) == 3
    assert _accounts(leads) == []


@pytest.mark.parametrize("suffix", ["", "/rejections"])
@pytest.mark.parametrize("intruder", [ZED, SALLY], ids=["other-vendor", "partner-org"])
def test_another_organisations_import_is_a_404(leads: ApiClient, suffix: str, intruder: User) -> None:
    import_id = upload(leads, FILE, user=BEN).json()["id"]
    response = leads.get(f"/accounts/imports/{import_id}{suffix}", user=intruder)
    assert_problem(response, 404)
    assert "Contoso" not in response.text

"""Text with a lone UTF-16 surrogate (JSON's "\\ud800") is refused at the door: 422 naming the field.

Python holds such a string, UTF-8 cannot encode it: stored, e-mailed or exported it would fail (or be
mangled) far from the request. The shared layer checks every JSON body field, query and path parameter
of every API once; a CSV import rejects the row that has one, by its number.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient
from tests.helpers.people import ANA

LONE = "\ud800"


@pytest.fixture
def partners(service: Callable[..., ApiClient]) -> ApiClient:
    return service("partners", ANA)


@pytest.fixture
def leads(service: Callable[..., ApiClient]) -> ApiClient:
    return service("leads", ANA)


def _fields(problem: dict[str, Any]) -> list[str]:
    return [error["field"] for error in problem["errors"]]


def test_a_body_field_with_a_lone_surrogate_is_refused_naming_the_field(
    partners: ApiClient, aws: Stack,
) -> None:
    before = aws.items("PartnersTable")

    # the escape as a JSON client sends it: valid JSON, valid UTF-8 on the wire
    body = '{"company_name": "Pinecrest \\ud800 Resale", "partnership_type": "reseller"}'
    response = partners.post("/partnerships", body=body)

    problem = assert_problem(response, 422, "company_name")
    assert "surrogate" in problem["errors"][0]["message"]
    assert aws.items("PartnersTable") == before


def test_nested_fields_and_keys_are_named_by_their_path(leads: ApiClient) -> None:
    body = {"name": "Zanzibar", "website": "zanzibar.example",
            "addresses": [{"city": f"Zan{LONE}"}], f"odd{LONE}": "x"}

    response = leads.post("/accounts", body=json.dumps(body))

    problem = assert_problem(response, 422)
    assert sorted(_fields(problem)) == ["addresses.0.city", "odd\ufffd"]
    json.dumps(problem, ensure_ascii=False).encode("utf-8")  # the answer itself is valid text


def test_a_base64_encoded_json_body_is_checked_too(partners: ApiClient) -> None:
    body = b'{"company_name": "Pinecrest \\udfff", "partnership_type": "reseller"}'
    assert_problem(partners.post("/partnerships", raw_body=body,
                                 headers={"content-type": "application/json"}), 422, "company_name")


def test_a_query_parameter_with_a_lone_surrogate_is_refused_naming_it(partners: ApiClient) -> None:
    response = partners.get("/partnerships", query={"q": f"pine{LONE}"})

    assert_problem(response, 422, "q")


def test_a_path_parameter_with_a_lone_surrogate_is_refused_naming_it(partners: ApiClient) -> None:
    response = partners.get(f"/partnerships/abc{LONE}")

    problem = assert_problem(response, 422, "partnership_id")
    assert LONE not in problem.get("instance", "")


def test_a_valid_surrogate_pair_is_ordinary_text(partners: ApiClient) -> None:
    # "\ud83d\ude00" in JSON is one character (😀), not two lone halves
    body = '{"company_name": "Smiles \\ud83d\\ude00 Ltd", "partnership_type": "reseller"}'
    response = partners.post("/partnerships", body=body)

    assert response.status == 201, response.text
    assert response.json()["company_name"] == "Smiles \U0001f600 Ltd"


@pytest.mark.parametrize("as_bytes", [False, True], ids=["text-body", "encoded-surrogate-bytes"])
def test_a_csv_row_with_a_lone_surrogate_is_rejected_by_its_number(leads: ApiClient, as_bytes: bool) -> None:
    text = (f"name,website\nContoso,contoso.example\nZanzi{LONE}bar,zanzibar.example\n"
            "Litware,litware.example\n")
    headers = {"content-type": "text/csv"}
    if as_bytes:  # the surrogate UTF-8-encoded anyway (ED A0 80), as some converters write it
        response = leads.post("/accounts/imports", raw_body=text.encode("utf-8", "surrogatepass"),
                              headers=headers)
    else:
        response = leads.post("/accounts/imports", body=text, headers=headers)

    assert response.status == 201, response.text
    result = response.json()
    assert (result["created"], result["rejected"]) == (2, 1)
    outcomes = [(row["row"], row["outcome"]) for row in result["results"]]
    assert outcomes == [(2, "created"), (3, "rejected"), (4, "created")]
    assert result["results"][1]["reason"].startswith("name: holds a character that is not valid text")
    rejections = leads.get(f"/accounts/imports/{result['id']}/rejections")
    assert rejections.status == 200, rejections.text
    [rejected] = rejections.json()["items"]
    assert rejected["row"] == 3
    assert rejected["name"] == "Zanzi\ufffdbar"

"""Referral codes through the API: issue, rotate, revoke and read; leads submitted with a code; the public
referral form (no login) with its spam guard and rate limits; and who can reach which code."""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import recording
from tests.helpers.lambda_runtime import ApiClient, ApiResponse, api_event, match_route
from tests.helpers.leads_world import CONTOSO, NORTHWIND, OTHER, ROB, UNJOINED, event
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED
from trellis.events.partners import PartnershipArchived

TABLE = "LeadsTable"
LOOK_ALIKES = set("01ILOU")


@pytest.fixture
def leads(service: Callable[..., ApiClient], program: None) -> ApiClient:
    return service("leads", ANA)


def _ok(response: ApiResponse, status: int = 200) -> dict[str, Any]:
    assert response.status == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _issue(leads: ApiClient, partnership_id: str = NORTHWIND, **kwargs: Any) -> dict[str, Any]:
    return _ok(leads.post(f"/referral-codes/{partnership_id}", **kwargs), 201)


def _events(aws: Stack, *types: str) -> list[dict[str, Any]]:
    return [item for item in outbox_events(aws, TABLE) if item["type"] in types]


# ---------------------------------------------------------------- codes


def test_the_vendor_issues_a_code_and_link_the_partner_can_read(leads: ApiClient, aws: Stack) -> None:
    code = _issue(leads)

    assert len(code["code"]) == 8
    assert set(code["code"]) <= set(string.ascii_uppercase + string.digits) - LOOK_ALIKES
    assert code["display_code"] == f"{code['code'][:4]}-{code['code'][4:]}"
    assert code["link"] == f"http://localhost:3000/portal/refer/{code['code']}"
    assert (code["partnership_id"], code["status"]) == (NORTHWIND, "active")
    assert _ok(leads.get(f"/referral-codes/{NORTHWIND}", user=SALLY)) == code
    assert _ok(leads.get(f"/referral-codes/{NORTHWIND}", user=CLEO)) == code
    [issued] = _events(aws, "ReferralCodeIssued")
    assert (issued["tenant_id"], issued["data"]["code"], issued["data"]["partner_organisation_id"]) == (
        "acme",
        code["code"],
        "northwind",
    )


def test_only_the_vendors_writers_issue_or_revoke_and_others_never_see_a_code(leads: ApiClient) -> None:
    _issue(leads)
    assert_problem(leads.post(f"/referral-codes/{NORTHWIND}", user=SALLY), 403)
    assert_problem(leads.delete(f"/referral-codes/{NORTHWIND}", user=SALLY), 403)
    assert_problem(leads.post(f"/referral-codes/{NORTHWIND}", user=CLEO), 403)
    # another vendor, and a partner of another partnership, as if it did not exist
    assert_problem(leads.get(f"/referral-codes/{NORTHWIND}", user=ZED), 404)
    assert_problem(leads.post(f"/referral-codes/{NORTHWIND}", user=ZED), 404)
    assert_problem(leads.get(f"/referral-codes/{NORTHWIND}", user=ROB), 404)
    assert_problem(leads.post(f"/referral-codes/{OTHER}"), 404)
    assert_problem(leads.get(f"/referral-codes/{CONTOSO}"), 404)  # no code issued yet
    # a partner that has not joined has no organisation a lead could come from
    assert_problem(leads.post(f"/referral-codes/{UNJOINED}"), 409)


def test_issuing_again_rotates_the_code_and_the_old_one_stops_working(leads: ApiClient, aws: Stack) -> None:
    old = _issue(leads)
    new = _issue(leads, user=BEN)

    assert new["code"] != old["code"]
    assert _ok(leads.get(f"/referral-codes/{NORTHWIND}", user=SALLY))["code"] == new["code"]
    assert_problem(
        leads.post("/leads", user=SALLY, json_body={"company_name": "X", "referral_code": old["code"]}),
        404,
        "referral_code",
    )
    assert_problem(leads.get("/public/referrals/form", query={"code": old["code"]}, claims={}), 404, "code")
    assert [item["data"]["replaced_code"] for item in _events(aws, "ReferralCodeIssued")] == [
        None,
        old["code"],
    ]


def test_a_revoked_code_is_shown_revoked_and_works_nowhere(leads: ApiClient, aws: Stack) -> None:
    code = _issue(leads)["code"]

    assert leads.delete(f"/referral-codes/{NORTHWIND}").status == 204

    assert _ok(leads.get(f"/referral-codes/{NORTHWIND}", user=SALLY))["status"] == "revoked"
    assert_problem(leads.delete(f"/referral-codes/{NORTHWIND}"), 404)
    assert_problem(
        leads.post("/leads", json_body={"company_name": "X", "referral_code": code}), 404, "referral_code"
    )
    assert_problem(leads.get("/public/referrals/form", query={"code": code}, claims={}), 404, "code")
    assert [item["data"]["code"] for item in _events(aws, "ReferralCodeRevoked")] == [code]
    # a new code can be issued after a revocation
    assert _issue(leads)["status"] == "active"


def test_a_code_taken_in_any_program_is_never_issued_again(
    leads: ApiClient,
    aws: Stack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given acme-corp's partnership holds a code
    taken = _issue(leads, OTHER, user=ZED)["code"]
    from leads.logic import referral_codes

    draws = iter([taken, taken, "K7QM2XPA"])
    monkeypatch.setattr(referral_codes.referral_code_format, "generate", lambda: next(draws))

    # When acme issues a code and the first draws hit the taken one
    issued = _issue(leads)

    # Then acme gets the next free code; acme-corp's code is untouched
    assert issued["code"] == "K7QM2XPA"
    assert _ok(leads.get(f"/referral-codes/{OTHER}", user=ZED))["code"] == taken
    lookups = [item for item in aws.items(TABLE) if item.get("entity") == "ReferralCodeLookup"]
    assert sorted((item["code"], item["vendor_organisation_id"]) for item in lookups) == sorted(
        [(taken, "acme-corp"), ("K7QM2XPA", "acme")]
    )


def test_when_every_draw_is_taken_the_answer_is_a_conflict_and_nothing_is_written(
    leads: ApiClient,
    aws: Stack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    taken = _issue(leads, OTHER, user=ZED)["code"]
    from leads.logic import referral_codes

    monkeypatch.setattr(referral_codes.referral_code_format, "generate", lambda: taken)
    before = entities(aws, TABLE)

    assert_problem(leads.post(f"/referral-codes/{NORTHWIND}"), 409)
    assert entities(aws, TABLE) == before


# ---------------------------------------------------------------- leads with a code


def test_a_partner_lead_with_its_code_is_attributed_to_that_partnership(leads: ApiClient, aws: Stack) -> None:
    code = _issue(leads)["code"]

    typed = f"{code[:4].lower()}-{code[4:]}"  # as people type it
    lead = _ok(
        leads.post(
            "/leads",
            user=SALLY,
            json_body={"company_name": "Globex", "website": "globex.example", "referral_code": typed},
        ),
        201,
    )

    assert (lead["partnership_id"], lead["referral_code"], lead["origin"]) == (NORTHWIND, code, "partner")
    assert (lead["receiver_organisation_id"], lead["registration_status"]) == ("acme", "registered")
    assert [item["data"]["lead"]["referral_code"] for item in _events(aws, "LeadCreated")] == [code]


def test_a_vendor_lead_with_a_code_goes_to_that_partner(leads: ApiClient) -> None:
    code = _issue(leads)["code"]

    lead = _ok(leads.post("/leads", json_body={"company_name": "Initech", "referral_code": code}), 201)

    assert (lead["status"], lead["tab"], lead["partnership_id"]) == ("sent", "sent", NORTHWIND)
    assert lead["referral_code"] == code
    assert _ok(leads.get(f"/leads/{lead['id']}", user=SALLY))["tab"] == "received"


def test_a_code_names_its_own_partnership_only(leads: ApiClient) -> None:
    code = _issue(leads)["code"]
    body = {"company_name": "X", "referral_code": code}

    # another vendor, another partner of the program: as if the code did not exist
    assert_problem(leads.post("/leads", user=ZED, json_body=body), 404, "referral_code")
    assert_problem(leads.post("/leads", user=ROB, json_body=body), 404, "referral_code")
    # a code that was never issued, and one that cannot be a code
    assert_problem(
        leads.post("/leads", json_body={**body, "referral_code": "ZZZZ2222"}), 404, "referral_code"
    )
    assert_problem(
        leads.post("/leads", json_body={**body, "referral_code": "O0O0-1111"}), 422, "referral_code"
    )
    # a code and another partnership, or a reseller, disagree
    assert_problem(leads.post("/leads", json_body={**body, "partnership_id": CONTOSO}), 422, "referral_code")
    assert_problem(
        leads.post("/leads", json_body={**body, "reseller_partnership_id": CONTOSO}),
        422,
        "reseller_partnership_id",
    )


# ---------------------------------------------------------------- the public referral form


def _form_token(leads: ApiClient, code: str, *, seconds_ago: float = 60) -> str:
    """A form token as GET /public/referrals/form issues it, opened ``seconds_ago``."""
    with leads.runner.env_applied():
        from leads.logic.public_referrals import issue_form_token

        return issue_form_token(code, datetime.now(UTC) - timedelta(seconds=seconds_ago))


def _referral(code: str, token: str, /, **fields: Any) -> dict[str, Any]:
    return {
        "code": code,
        "form_token": token,
        "company_name": "Globex Retail",
        "website": "https://globex.example",
        "contact_first_name": "Gina",
        "contact_last_name": "Lopez",
        "contact_email": "Gina@Globex.example",
        "message": "Looking for an ERP rollout in Q3, see https://globex.example/rfp",
        **fields,
    }


def _public(
    leads: ApiClient,
    method: str,
    path: str,
    *,
    body: str | None = None,
    query: dict[str, str] | None = None,
    source_ip: str = "192.0.2.10",
    authorizer: bool = True,
) -> ApiResponse:
    """A request to a public route as API Gateway sends it: no claims, the caller's address."""
    found = match_route(leads.routes, method, path)
    assert found is not None
    route, parameters = found
    request = api_event(
        method, path, route_key=route.route_key, path_parameters=parameters, claims={}, query=query, body=body
    )
    request["requestContext"]["http"]["sourceIp"] = source_ip
    if not authorizer:
        del request["requestContext"]["authorizer"]
    with recording() as recorder:
        result = leads.runner.invoke(request)
    return ApiResponse(
        status=int(result["statusCode"]),
        headers=dict(result.get("headers") or {}),
        text=result.get("body") or "",
        calls=recorder,
    )


def _send(leads: ApiClient, referral: dict[str, Any], **kwargs: Any) -> ApiResponse:
    return _public(leads, "POST", "/public/referrals", body=json.dumps(referral), **kwargs)


@pytest.fixture
def code(leads: ApiClient) -> str:
    issued: str = _issue(leads)["code"]
    return issued


def test_the_public_form_sends_a_referral_as_a_lead_from_the_partner(
    leads: ApiClient,
    aws: Stack,
    code: str,
) -> None:
    # Given the form opened with the code (no login, not even an authorizer context)
    form = _ok(
        _public(leads, "GET", "/public/referrals/form", query={"code": code.lower()}, authorizer=False)
    )
    assert (form["code"], form["partner_name"]) == (code, "Northwind")
    assert form["form_token"]

    # When a visitor sends it a minute later
    response = _send(leads, _referral(code, _form_token(leads, code)), authorizer=False)

    # Then the vendor received a lead from Northwind, registered for Northwind, carrying the code
    receipt = _ok(response, 201)
    assert receipt["status"] == "received"
    lead = _ok(leads.get(f"/leads/{receipt['reference']}"))
    assert (lead["origin"], lead["tab"], lead["partnership_id"], lead["referral_code"]) == (
        "partner",
        "received",
        NORTHWIND,
        code,
    )
    assert (lead["sender_organisation_id"], lead["registration_status"], lead["customer_domain"]) == (
        "northwind",
        "registered",
        "globex.example",
    )
    assert lead["contact"]["email"] == "gina@globex.example"
    assert lead["created_by_user_id"] == "public-referral-form"
    assert _ok(leads.get(f"/leads/{lead['id']}", user=SALLY))["tab"] == "sent"
    created = _events(aws, "LeadCreated")[0]
    assert created["actor"] == {
        "kind": "system",
        "user_id": "public-referral-form",
        "organisation_id": "northwind",
    }


def test_a_form_sent_faster_than_a_person_could_is_refused(leads: ApiClient, aws: Stack, code: str) -> None:
    form = _ok(_public(leads, "GET", "/public/referrals/form", query={"code": code}))
    before = aws.count(TABLE)

    response = _send(leads, _referral(code, form["form_token"]))

    assert_problem(response, 400, "form_token")
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    ("change", "status", "fields"),
    [
        ({"fax": "+1 555 0100"}, 400, ()),  # the honeypot is filled: a bot
        ({"message": "http://a.example http://b.example www.c.example"}, 422, ("message",)),
        ({"form_token": "not-a-token"}, 400, ("form_token",)),
        ({"contact_email": "gina"}, 422, ("contact_email",)),
        ({"website": "not a site"}, 422, ("website",)),
        ({"company_name": ""}, 422, ("company_name",)),
        ({"nickname": "x"}, 422, ("nickname",)),
        ({"code": "O0O0O0O0"}, 422, ("code",)),
    ],
    ids=[
        "honeypot",
        "too-many-links",
        "bad-token",
        "bad-email",
        "bad-website",
        "no-company",
        "unknown-field",
        "not-a-code",
    ],
)
def test_spam_and_bad_input_are_refused_and_write_nothing(
    leads: ApiClient,
    aws: Stack,
    code: str,
    change: dict[str, Any],
    status: int,
    fields: tuple[str, ...],
) -> None:
    before = aws.count(TABLE)

    response = _send(leads, _referral(code, _form_token(leads, code), **change))

    assert_problem(response, status, *fields)
    assert aws.count(TABLE) == before


def test_a_token_works_once_for_its_own_code_within_its_lifetime(leads: ApiClient, code: str) -> None:
    token = _form_token(leads, code)
    assert _send(leads, _referral(code, token)).status == 201
    # the same token again
    assert_problem(_send(leads, _referral(code, token, company_name="Other Co")), 400, "form_token")
    # an expired token
    assert_problem(
        _send(leads, _referral(code, _form_token(leads, code, seconds_ago=3 * 3600))), 400, "form_token"
    )
    # a token tampered with: another code inside, or the signature of another payload
    other = _issue(leads, CONTOSO)["code"]
    assert_problem(_send(leads, _referral(code, _form_token(leads, other))), 400, "form_token")
    _payload, signature = token.split(".")
    forged = f"{_form_token(leads, code).split('.')[0]}.{signature}"
    assert_problem(_send(leads, _referral(code, forged)), 400, "form_token")


def test_unknown_revoked_or_archived_codes_are_404_for_the_public(
    leads: ApiClient,
    aws: Stack,
    code: str,
    project: Callable[..., Any],
) -> None:
    assert_problem(_public(leads, "GET", "/public/referrals/form", query={"code": "ZZZZ2222"}), 404, "code")
    assert_problem(_send(leads, _referral("ZZZZ2222", _form_token(leads, "ZZZZ2222"))), 404, "code")

    project(event(PartnershipArchived(partnership_id=NORTHWIND, company_name="Northwind"), hours=10))
    before = aws.count(TABLE)
    assert_problem(_public(leads, "GET", "/public/referrals/form", query={"code": code}), 404, "code")
    assert_problem(_send(leads, _referral(code, _form_token(leads, code))), 404, "code")
    assert aws.count(TABLE) == before


def test_one_address_sends_at_most_five_referrals_an_hour(leads: ApiClient, aws: Stack, code: str) -> None:
    for number in range(5):
        response = _send(
            leads,
            _referral(code, _form_token(leads, code), company_name=f"Company {number}"),
            source_ip="198.51.100.7",
        )
        assert response.status == 201, response.text
    leads_before = entities(aws, TABLE)["LeadCopy"]

    refused = _send(leads, _referral(code, _form_token(leads, code)), source_ip="198.51.100.7")

    assert_problem(refused, 429)
    assert entities(aws, TABLE)["LeadCopy"] == leads_before
    # another address is not held back
    assert _send(leads, _referral(code, _form_token(leads, code)), source_ip="198.51.100.8").status == 201


def test_an_ipv6_host_counts_per_64_block(leads: ApiClient, code: str) -> None:
    for number in range(5):
        address = f"2001:db8:1:2::{number + 1:x}"
        assert _send(leads, _referral(code, _form_token(leads, code)), source_ip=address).status == 201
    assert_problem(_send(leads, _referral(code, _form_token(leads, code)), source_ip="2001:db8:1:2::ff"), 429)
    assert _send(leads, _referral(code, _form_token(leads, code)), source_ip="2001:db8:1:3::1").status == 201


@pytest.fixture
def small_code_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    from leads.logic import public_referrals

    monkeypatch.setattr(public_referrals, "CODE_LIMIT", 3)
    return 3


def test_a_code_takes_a_limited_number_of_referrals_an_hour_from_all_addresses(
    leads: ApiClient,
    aws: Stack,
    code: str,
    small_code_limit: int,
) -> None:
    for number in range(small_code_limit):
        response = _send(
            leads, _referral(code, _form_token(leads, code)), source_ip=f"203.0.113.{number + 1}"
        )
        assert response.status == 201, response.text
    before = aws.count(TABLE)

    assert_problem(_send(leads, _referral(code, _form_token(leads, code)), source_ip="203.0.113.99"), 429)
    assert aws.count(TABLE) == before
    # another partner's code is not held back
    other = _issue(leads, CONTOSO)["code"]
    assert _send(leads, _referral(other, _form_token(leads, other)), source_ip="203.0.113.99").status == 201


def test_the_rate_counters_expire_with_their_window(leads: ApiClient, aws: Stack, code: str) -> None:
    assert _send(leads, _referral(code, _form_token(leads, code))).status == 201
    counters = [item for item in aws.items(TABLE) if item.get("entity") == "RateCounter"]
    assert sorted(item["sk"] for item in counters) == sorted([f"CODE#{code}#", "IP#192.0.2.10#"])
    now = datetime.now(UTC).timestamp()
    assert all(now < int(item["expires_at"]) <= now + 3600 for item in counters)
    assert all(item["count"] == 1 for item in counters)


def test_a_malformed_or_huge_body_is_a_client_error(leads: ApiClient, aws: Stack, code: str) -> None:
    before = aws.count(TABLE)
    assert_problem(_public(leads, "POST", "/public/referrals", body="{not json"), 400)
    huge = _referral(code, _form_token(leads, code), message="x" * 100_000)
    assert_problem(_send(leads, huge), 422, "message")
    assert aws.count(TABLE) == before

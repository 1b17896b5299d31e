"""GET /leads (the organisation's leads) and GET /portal/me (who is signed in)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, User
from tests.helpers.people import ANA, BEN, CLEO, NOROLE, SALLY, ZED

START = datetime(2025, 2, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def leads(service: Callable[..., ApiClient]) -> ApiClient:
    return service("leads", ANA)


def _add_leads(api: ApiClient, organisation_id: str, count: int) -> list[str]:
    """Leads as the leads table holds them (issue #4 adds the routes that create them)."""
    from leads.dal.tables import LeadItem
    from trellis.keys import new_id, org_key

    ids = []
    with api.runner.env_applied():
        for index in range(count):
            lead_id, created_at = new_id(), START + timedelta(minutes=index)
            LeadItem(
                pk=org_key(organisation_id, "LEAD", lead_id),
                sk="LEAD#",
                gsi1pk=org_key(organisation_id, "LEADS"),
                gsi1sk=f"{created_at.isoformat()}#{lead_id}",
                organisation_id=organisation_id,
                lead_id=lead_id,
                company_name=f"Lead {index}",
                status="new",
                created_at=created_at,
            ).save()
            ids.append(lead_id)
    return ids


# ---------------------------------------------------------------- GET /leads


def test_the_organisations_leads_are_listed_newest_first(leads: ApiClient) -> None:
    mine = _add_leads(leads, "acme", 3)
    _add_leads(leads, "acme-corp", 2)
    response = leads.get("/leads")
    assert response.status == 200, response.text
    body = response.json()
    assert [item["id"] for item in body["items"]] == list(reversed(mine))
    assert body["items"][0] == {
        "id": mine[-1],
        "company_name": "Lead 2",
        "status": "new",
        "created_at": "2025-02-01T08:02:00Z",
    }
    assert body["next_cursor"] is None
    assert response.calls.operations == ["Query"]


def test_another_organisation_sees_only_its_own_leads(leads: ApiClient) -> None:
    _add_leads(leads, "acme", 2)
    theirs = _add_leads(leads, "acme-corp", 1)
    assert [item["id"] for item in leads.get("/leads", user=ZED).json()["items"]] == theirs
    assert leads.get("/leads", user=SALLY).json() == {"items": [], "next_cursor": None}


def test_lead_pages_follow_each_other(leads: ApiClient) -> None:
    mine = _add_leads(leads, "acme", 5)
    seen, cursor = [], None
    for _ in range(10):
        response = leads.get("/leads", query={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status == 200, response.text
        seen += [item["id"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(mine))


def test_a_leads_cursor_of_another_organisation_is_refused(leads: ApiClient) -> None:
    _add_leads(leads, "acme-corp", 2)
    cursor = leads.get("/leads", user=ZED, query={"limit": 1}).json()["next_cursor"]
    assert cursor
    response = leads.get("/leads", query={"cursor": cursor})
    assert_problem(response, 400, "cursor")
    assert response.calls.operations == []


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"limit": "0"}, 422, "limit"),
        ({"limit": "101"}, 422, "limit"),
        ({"limit": "many"}, 422, "limit"),
        ({"cursor": "forged.cursor"}, 400, "cursor"),
    ],
    ids=["limit-zero", "limit-too-big", "limit-not-a-number", "forged-cursor"],
)
def test_bad_lead_list_parameters_are_refused(
    leads: ApiClient, query: dict[str, str], status: int, field: str
) -> None:
    response = leads.get("/leads", query=query)
    assert_problem(response, status, field)
    assert response.calls.operations == []


def test_listing_leads_needs_an_identity(leads: ApiClient) -> None:
    assert_problem(leads.get("/leads", claims={}), 401)


# ---------------------------------------------------------------- GET /portal/me


@pytest.mark.parametrize(
    ("user", "side"),
    [
        (ANA, "vendor"),
        (CLEO, "vendor"),
        (SALLY, "partner"),
        (User("u-dual", "acme", ("admin", "sales"), "dual@acme.example"), "both"),
    ],
    ids=["vendor-admin", "vendor-member", "partner", "both-sides"],
)
def test_the_portal_describes_the_signed_in_user(
    service: Callable[..., ApiClient], user: User, side: str
) -> None:
    portal = service("portal", user)
    response = portal.get("/portal/me")
    assert response.status == 200, response.text
    assert response.json() == {
        "user_id": user.user_id,
        "organisation_id": user.organisation_id,
        "email": user.email,
        "roles": sorted(user.roles),
        "side": side,
    }
    assert response.calls.operations == []


def test_the_portal_ignores_roles_it_does_not_know(service: Callable[..., ApiClient]) -> None:
    claims = {**BEN.claims(), "custom:roles": "partner_manager,superuser"}
    response = service("portal").get("/portal/me", claims=claims)
    assert response.json()["roles"] == ["partner_manager"]


def test_a_user_without_roles_gets_no_roles(service: Callable[..., ApiClient]) -> None:
    response = service("portal", NOROLE).get("/portal/me")
    assert response.status == 200, response.text
    assert response.json()["roles"] == []


@pytest.mark.parametrize("claims", [{}, {"sub": "u-1"}, {"sub": "u#1", "custom:org_id": "acme"}])
def test_the_portal_needs_an_identity(service: Callable[..., ApiClient], claims: dict[str, str]) -> None:
    assert_problem(service("portal").get("/portal/me", claims=claims), 401)


# ---------------------------------------------------------------- the digest schedule


def test_the_digest_runs_on_its_schedule_input(function: Callable[[str], FunctionRunner]) -> None:
    digest = function("NotificationsDigestFunction")
    [schedule] = [s for s in digest.stack.template.schedules if s.function == "NotificationsDigestFunction"]
    assert schedule.input is not None
    # EventBridge Scheduler fills in its context attributes before it invokes the function
    event = json.loads(schedule.input.replace("<aws.scheduler.scheduled-time>", "2025-06-01T07:00:00Z"))
    assert digest.invoke(event) == {"scheduled_for": "2025-06-01T07:00:00Z", "sent": 0}

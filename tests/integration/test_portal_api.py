"""GET /portal/me (who is signed in)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, User
from tests.helpers.people import ANA, BEN, CLEO, NOROLE, SALLY

START = datetime(2025, 2, 1, 8, 0, tzinfo=UTC)


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
    assert digest.invoke(event) == {"run_at": "2025-06-01T07:00:00+00:00", "steps": 10}

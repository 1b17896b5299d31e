"""The first slice end to end: a stage change travels outbox → stream → bus → queue → inbox.

Everything happens over HTTP as a client would do it; the only other door used is moto's
endpoint (published by /local/health), to redeliver an event as the bus may do.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import boto3
import pytest

from tests.e2e.conftest import LocalStack, eventually

pytestmark = pytest.mark.e2e

ADMIN = "admin@acme.example"
MANAGER = "pm2@acme.example"
MANAGER_ID = "u-acme-pm2"
OTHER_ADMIN = "admin@globex.example"
CONSUMER_POLLER = "NotificationsEventsQueue -> NotificationsConsumerFunction"
PROBLEM_JSON = "application/problem+json"


def _get(stack: LocalStack, path: str, email: str, **params: Any) -> Any:
    response = stack.session.get(stack.url(path), headers=stack.as_user(email), params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def _notifications_about(stack: LocalStack, email: str, partnership_id: str) -> list[dict[str, Any]]:
    items = _get(stack, "/notifications", email, limit=100)["items"]
    return [item for item in items if item["link"] == f"/partnerships/{partnership_id}"]


def _unread(stack: LocalStack, email: str) -> int:
    return int(_get(stack, "/notifications/unread-count", email)["unread"])


def _consumer_idle_after(stack: LocalStack, records_before: int) -> bool:
    """The consumer has taken more records than before and its queue is empty: nothing in flight."""
    health = stack.health()
    stats = health["pollers"][CONSUMER_POLLER]
    if stats["records"] <= records_before:
        return False
    sqs = _aws(stack, "sqs")
    url = sqs.get_queue_url(QueueName="NotificationsEventsQueue")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    waiting = int(attributes["ApproximateNumberOfMessages"])
    in_flight = int(attributes["ApproximateNumberOfMessagesNotVisible"])
    return waiting == 0 and in_flight == 0


def _aws(stack: LocalStack, service: str) -> Any:
    session: Any = boto3.session.Session()
    return session.client(
        service, endpoint_url=stack.health()["aws_endpoint_url"], region_name="eu-west-1",
        aws_access_key_id="e2e", aws_secret_access_key="e2e",
    )


def test_stage_change_notifies_the_assigned_partner_manager_once(stack: LocalStack) -> None:
    # Given a partner manager who has read everything, and a new partnership assigned to them (their
    # unread count is not asserted here: demo data's notifications may still arrive on a loaded machine)
    headers = stack.as_user(ADMIN)
    assert stack.session.post(stack.url("/notifications/read-all"), headers=stack.as_user(MANAGER),
                              timeout=10).status_code == 200
    created = stack.session.post(stack.url("/partnerships"), headers=headers, timeout=10, json={
        "company_name": f"Slice Partner {uuid.uuid4().hex[:8]}", "partnership_type": "reseller",
        "country": "DE", "website": "https://slice.example", "assigned_user_ids": [MANAGER_ID],
    })
    assert created.status_code == 201, created.text
    partnership = created.json()
    assert partnership["stage"] == "recruitment"

    # When the admin moves it to the next stage
    changed_at = time.monotonic()
    changed = stack.session.put(stack.url(f"/partnerships/{partnership['id']}/stage"), headers=headers,
                                json={"stage": "onboarding"}, timeout=10)

    # Then the partnership and its activity show the change
    assert changed.status_code == 200, changed.text
    assert changed.json()["stage"] == "onboarding"
    assert _get(stack, f"/partnerships/{partnership['id']}", ADMIN)["stage"] == "onboarding"
    activity = _get(stack, f"/partnerships/{partnership['id']}/activity", ADMIN)["items"]
    assert [entry["kind"] for entry in activity] == ["stage_changed", "partnership_created"]
    assert activity[0]["details"] == {"from_stage": "recruitment", "to_stage": "onboarding"}

    # And the partner manager is told, once
    notices = eventually(lambda: _notifications_about(stack, MANAGER, partnership["id"]))
    print(f"stage change → notification visible: {time.monotonic() - changed_at:.2f} s")
    assert len(notices) == 1
    assert notices[0]["read"] is False
    assert "onboarding" in notices[0]["title"]
    # (other notifications of the demo data may still be arriving on a loaded machine: the count
    # includes this one, the list above proves it came once)
    assert _unread(stack, MANAGER) >= 1

    # When they read it
    read = stack.session.post(stack.url(f"/notifications/{notices[0]['id']}/read"),
                              headers=stack.as_user(MANAGER), timeout=10)

    # Then
    assert read.status_code == 200, read.text
    assert read.json()["read"] is True
    assert [notice["read"] for notice in _notifications_about(stack, MANAGER, partnership["id"])] == [True]
    # The admin who made the change is not notified about it
    assert _notifications_about(stack, ADMIN, partnership["id"]) == []


def test_redelivered_event_is_not_notified_twice(stack: LocalStack) -> None:
    # Given a stage change that was notified and read
    headers = stack.as_user(ADMIN)
    partnership = stack.session.post(stack.url("/partnerships"), headers=headers, timeout=10, json={
        "company_name": f"Twice Partner {uuid.uuid4().hex[:8]}", "partnership_type": "referral",
        "assigned_user_ids": [MANAGER_ID],
    }).json()
    stack.session.put(stack.url(f"/partnerships/{partnership['id']}/stage"), headers=headers,
                      json={"stage": "onboarding"}, timeout=10).raise_for_status()
    notice = eventually(lambda: _notifications_about(stack, MANAGER, partnership["id"]))[0]
    stack.session.post(stack.url(f"/notifications/{notice['id']}/read"), headers=stack.as_user(MANAGER),
                       timeout=10).raise_for_status()

    # When the bus delivers the same event again (at-least-once delivery)
    occurred_at, event_id = notice["id"].split("-", 1)
    envelope = {
        "id": event_id, "type": "PartnershipStageChanged", "version": 1,
        "occurred_at": f"{occurred_at[:4]}-{occurred_at[4:6]}-{occurred_at[6:8]}T{occurred_at[8:10]}:"
                       f"{occurred_at[10:12]}:{occurred_at[12:14]}.{occurred_at[14:]}Z",
        "tenant_id": "org-acme",
        "actor": {"kind": "user", "user_id": "u-acme-admin", "organisation_id": "org-acme"},
        "data": {"partnership_id": partnership["id"], "company_name": partnership["company_name"],
                 "from_stage": "recruitment", "to_stage": "onboarding", "assigned_user_ids": [MANAGER_ID]},
    }
    records_before = stack.health()["pollers"][CONSUMER_POLLER]["records"]
    sent = _aws(stack, "events").put_events(Entries=[{
        "Source": "trellis.partners", "DetailType": "PartnershipStageChanged",
        "Detail": json.dumps(envelope), "EventBusName": "trellis",
    }])
    assert sent["FailedEntryCount"] == 0
    eventually(lambda: _consumer_idle_after(stack, records_before))

    # Then there is still one notification, and it is still read (the unread total is not compared:
    # other notifications may arrive meanwhile on a loaded machine)
    assert [n["read"] for n in _notifications_about(stack, MANAGER, partnership["id"])] == [True]


def test_another_organisation_cannot_see_the_partnership_or_its_notifications(stack: LocalStack) -> None:
    # Given an Acme partnership whose stage changed and whose manager was notified
    headers = stack.as_user(ADMIN)
    partnership = stack.session.post(stack.url("/partnerships"), headers=headers, timeout=10, json={
        "company_name": f"Private Partner {uuid.uuid4().hex[:8]}", "partnership_type": "technology",
        "assigned_user_ids": [MANAGER_ID],
    }).json()
    stack.session.put(stack.url(f"/partnerships/{partnership['id']}/stage"), headers=headers,
                      json={"stage": "onboarding"}, timeout=10).raise_for_status()
    eventually(lambda: _notifications_about(stack, MANAGER, partnership["id"]))
    other = stack.as_user(OTHER_ADMIN)

    # When Globex's admin asks for it
    answers = [
        stack.session.get(stack.url(f"/partnerships/{partnership['id']}"), headers=other, timeout=10),
        stack.session.get(stack.url(f"/partnerships/{partnership['id']}/activity"), headers=other,
                          timeout=10),
        stack.session.put(stack.url(f"/partnerships/{partnership['id']}/stage"), headers=other,
                          json={"stage": "activation"}, timeout=10),
    ]

    # Then it does not exist for them, and they were told nothing about it
    for answer in answers:
        assert answer.status_code == 404, answer.text
        assert answer.headers["content-type"] == PROBLEM_JSON
    assert _notifications_about(stack, OTHER_ADMIN, partnership["id"]) == []
    assert _notifications_about(stack, "pm@globex.example", partnership["id"]) == []
    assert _get(stack, f"/partnerships/{partnership['id']}", ADMIN)["stage"] == "onboarding"


CREATE_PROBLEMS = {
    "unknown field": (
        {"company_name": "Bad Co", "partnership_type": "reseller", "colour": "red"}, 422, "colour"),
    "wrong type": (
        {"company_name": "Bad Co", "partnership_type": "reseller", "assigned_user_ids": "u-acme-pm"},
        422, "assigned_user_ids"),
    "number for text": ({"company_name": 42, "partnership_type": "reseller"}, 422, "company_name"),
    "missing field": ({"partnership_type": "reseller"}, 422, "company_name"),
    "unknown type": ({"company_name": "Bad Co", "partnership_type": "franchise"}, 422, "partnership_type"),
    "bad country": (
        {"company_name": "Bad Co", "partnership_type": "reseller", "country": "XX"}, 422, "country"),
    "another organisation's user": (
        {"company_name": "Bad Co", "partnership_type": "reseller", "assigned_user_ids": ["u-globex-pm"]},
        422, "assigned_user_ids"),
}
STAGE_PROBLEMS = {
    "stage that does not exist": ({"stage": "nirvana"}, 422, "stage"),
    "wrong type": ({"stage": 5}, 422, "stage"),
    "missing field": ({}, 422, "stage"),
    "unknown field": ({"stage": "growth", "note": "why not"}, 422, "note"),
}


@pytest.fixture(scope="module")
def target(stack: LocalStack) -> dict[str, Any]:
    created = stack.session.post(stack.url("/partnerships"), headers=stack.as_user(ADMIN), timeout=10, json={
        "company_name": f"Target Partner {uuid.uuid4().hex[:8]}", "partnership_type": "implementation"})
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


def _snapshot(stack: LocalStack, partnership_id: str) -> tuple[list[tuple[str, str, int]], list[str]]:
    listing = _get(stack, "/partnerships", ADMIN, limit=100)["items"]
    activity = _get(stack, f"/partnerships/{partnership_id}/activity", ADMIN, limit=100)["items"]
    return ([(item["id"], item["stage"], item["version"]) for item in listing],
            [entry["id"] for entry in activity])


def _assert_problem(response: Any, status: int, field: str | None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == status
    if field is not None:
        assert field in {error["field"] for error in problem.get("errors", [])}, problem


@pytest.mark.parametrize(("body", "status", "field"), CREATE_PROBLEMS.values(), ids=CREATE_PROBLEMS.keys())
def test_bad_partnership_is_a_problem_and_writes_nothing(
    stack: LocalStack, target: dict[str, Any], body: dict[str, Any], status: int, field: str,
) -> None:
    # Given
    before = _snapshot(stack, target["id"])

    # When
    response = stack.session.post(stack.url("/partnerships"), headers=stack.as_user(ADMIN), json=body,
                                  timeout=10)

    # Then
    _assert_problem(response, status, field)
    assert _snapshot(stack, target["id"]) == before


@pytest.mark.parametrize(("body", "status", "field"), STAGE_PROBLEMS.values(), ids=STAGE_PROBLEMS.keys())
def test_bad_stage_change_is_a_problem_and_writes_nothing(
    stack: LocalStack, target: dict[str, Any], body: dict[str, Any], status: int, field: str,
) -> None:
    # Given
    before = _snapshot(stack, target["id"])

    # When
    response = stack.session.put(stack.url(f"/partnerships/{target['id']}/stage"),
                                 headers=stack.as_user(ADMIN), json=body, timeout=10)

    # Then
    _assert_problem(response, status, field)
    assert _snapshot(stack, target["id"]) == before


def test_malformed_json_is_a_problem_and_writes_nothing(stack: LocalStack, target: dict[str, Any]) -> None:
    # Given
    before = _snapshot(stack, target["id"])
    headers = {**stack.as_user(ADMIN), "content-type": "application/json"}

    # When
    response = stack.session.post(stack.url("/partnerships"), headers=headers, data=b'{"company_name": ',
                                  timeout=10)

    # Then
    _assert_problem(response, 400, "body")
    assert _snapshot(stack, target["id"]) == before


def test_stage_change_of_another_organisations_partnership_is_not_found(
    stack: LocalStack, target: dict[str, Any],
) -> None:
    # Given a Globex partnership and its state
    theirs = _get(stack, "/partnerships", OTHER_ADMIN, limit=1)["items"][0]
    their_activity = _get(stack, f"/partnerships/{theirs['id']}/activity", OTHER_ADMIN, limit=100)["items"]
    ours_before = _snapshot(stack, target["id"])

    # When Acme's admin tries to move it
    response = stack.session.put(stack.url(f"/partnerships/{theirs['id']}/stage"),
                                 headers=stack.as_user(ADMIN), json={"stage": "advocacy"}, timeout=10)

    # Then it does not exist for them, and nothing moved on either side
    _assert_problem(response, 404, None)
    assert _get(stack, f"/partnerships/{theirs['id']}", OTHER_ADMIN)["version"] == theirs["version"]
    assert _get(stack, f"/partnerships/{theirs['id']}/activity", OTHER_ADMIN, limit=100)["items"] \
        == their_activity
    assert _snapshot(stack, target["id"]) == ours_before

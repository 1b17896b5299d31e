"""The in-app inbox: GET /notifications, GET /notifications/unread-count, POST …/{id}/read, POST …/read-all.

Notifications arrive as events through the consumer (the only way they are made), then are read
through the API. Every route answers only for the caller's own inbox in the caller's organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import recording, transaction_cancelled
from tests.helpers.events import stage_changed
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, BEN, CLEO, SALLY, YVES

TABLE = "NotificationsTable"
Deliver = Callable[..., Any]
START = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
BEN_ELSEWHERE = User("u-ben", "acme-corp", ("partner_manager",))  # the same user id in another organisation


@pytest.fixture
def inbox(service: Callable[..., ApiClient]) -> ApiClient:
    return service("notifications", BEN)


def _deliver_stage_changes(
    deliver: Deliver, count: int, *, organisation_id: str = "acme", assigned: tuple[str, ...] = ("u-ben",)
) -> None:
    events = [
        stage_changed(
            organisation_id=organisation_id,
            assigned=assigned,
            company_name=f"Company {index}",
            partnership_id=f"p{index}",
            occurred_at=START + timedelta(minutes=index),
        )
        for index in range(count)
    ]
    delivery = deliver(*events)
    assert delivery.failed == []


def _unread(inbox: ApiClient, user: User = BEN) -> int:
    response = inbox.get("/notifications/unread-count", user=user)
    assert response.status == 200, response.text
    unread: int = response.json()["unread"]
    return unread


# ---------------------------------------------------------------- GET /notifications


def test_my_notifications_are_listed_newest_first(inbox: ApiClient, deliver: Deliver) -> None:
    _deliver_stage_changes(deliver, 3)
    response = inbox.get("/notifications")
    assert response.status == 200, response.text
    body = response.json()
    assert [item["title"] for item in body["items"]] == [
        "Company 2 moved to onboarding",
        "Company 1 moved to onboarding",
        "Company 0 moved to onboarding",
    ]
    first = body["items"][0]
    assert first["category"] == "partnership_stage"
    assert first["body"] == "Company 2 moved from recruitment to onboarding."
    assert first["link"] == "/partnerships/p2"
    assert first["read"] is False
    assert body["next_cursor"] is None
    # One Query for the page and one GetItem for the read watermark
    assert response.calls.operations == ["Query", "GetItem"]


def test_an_empty_inbox_is_one_query(inbox: ApiClient) -> None:
    response = inbox.get("/notifications")
    assert response.json() == {"items": [], "next_cursor": None}
    assert response.calls.operations == ["Query"]


def test_nobody_sees_anyone_elses_notifications(inbox: ApiClient, deliver: Deliver) -> None:
    # Given a notification for Ben at acme, one for Cleo at acme, and one for u-ben at acme-corp
    deliver(
        stage_changed(assigned=["u-ben"], company_name="For Ben"),
        stage_changed(assigned=["u-cleo"], company_name="For Cleo"),
        stage_changed(organisation_id="acme-corp", assigned=["u-ben"], company_name="For Ben elsewhere"),
    )

    # Then each inbox holds exactly its own
    def titles(user: User) -> list[str]:
        return [
            item["title"].split(" moved")[0]
            for item in inbox.get("/notifications", user=user).json()["items"]
        ]

    assert titles(BEN) == ["For Ben"]
    assert titles(CLEO) == ["For Cleo"]
    assert titles(BEN_ELSEWHERE) == ["For Ben elsewhere"]
    assert titles(ANA) == []
    assert titles(YVES) == []
    assert _unread(inbox, BEN) == _unread(inbox, CLEO) == _unread(inbox, BEN_ELSEWHERE) == 1


def test_notification_pages_follow_each_other(inbox: ApiClient, deliver: Deliver) -> None:
    _deliver_stage_changes(deliver, 5)
    seen, cursor = [], None
    for _ in range(10):
        response = inbox.get("/notifications", query={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status == 200, response.text
        assert len(response.calls.operations) <= 2
        seen += [item["title"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Company {index} moved to onboarding" for index in reversed(range(5))]


@pytest.mark.parametrize(
    "owner", [CLEO, BEN_ELSEWHERE], ids=["another-user", "same-user-another-organisation"]
)
def test_a_cursor_into_someone_elses_inbox_is_refused(
    inbox: ApiClient, deliver: Deliver, owner: User
) -> None:
    _deliver_stage_changes(deliver, 3, organisation_id=owner.organisation_id, assigned=(owner.user_id,))
    cursor = inbox.get("/notifications", user=owner, query={"limit": 1}).json()["next_cursor"]
    assert cursor
    response = inbox.get("/notifications", query={"cursor": cursor})
    assert_problem(response, 400, "cursor")
    assert response.calls.operations == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "1000"}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": "c" * 3000}, "cursor"),
    ],
    ids=["limit-zero", "limit-too-big", "limit-not-a-number", "cursor-garbage", "cursor-too-long"],
)
def test_bad_list_parameters_are_refused(inbox: ApiClient, query: dict[str, str], field: str) -> None:
    response = inbox.get("/notifications", query=query)
    assert response.status in {400, 422}
    assert_problem(response, response.status, field)
    assert response.calls.operations == []


# ---------------------------------------------------------------- GET /notifications/unread-count


def test_the_unread_count_is_one_get_item(inbox: ApiClient, deliver: Deliver) -> None:
    _deliver_stage_changes(deliver, 3)
    response = inbox.get("/notifications/unread-count")
    assert response.json() == {"unread": 3}
    assert response.calls.operations == ["GetItem"]


def test_a_user_without_notifications_has_none_unread(inbox: ApiClient) -> None:
    assert inbox.get("/notifications/unread-count", user=SALLY).json() == {"unread": 0}


# ---------------------------------------------------------------- POST /notifications/{id}/read


def test_marking_a_notification_read(aws: Stack, inbox: ApiClient, deliver: Deliver) -> None:
    _deliver_stage_changes(deliver, 2)
    newest, older = inbox.get("/notifications").json()["items"]
    # When Ben reads the newest one
    response = inbox.post(f"/notifications/{newest['id']}/read")
    # Then it is read, the other is not, and one is left unread
    assert response.status == 200, response.text
    assert response.json() == {**newest, "read": True}
    assert response.calls.operations == ["BatchGetItem", "TransactWriteItems"]
    assert [item["read"] for item in inbox.get("/notifications").json()["items"]] == [True, False]
    assert _unread(inbox) == 1
    assert older["read"] is False


def test_marking_a_read_notification_again_changes_nothing(
    aws: Stack, inbox: ApiClient, deliver: Deliver
) -> None:
    _deliver_stage_changes(deliver, 2)
    newest = inbox.get("/notifications").json()["items"][0]
    inbox.post(f"/notifications/{newest['id']}/read")
    response = inbox.post(f"/notifications/{newest['id']}/read")
    assert response.status == 200, response.text
    assert response.json()["read"] is True
    assert response.calls.operations == ["BatchGetItem"]
    assert _unread(inbox) == 1


@pytest.mark.parametrize(
    "reader", [CLEO, ANA, BEN_ELSEWHERE], ids=["colleague", "admin", "same-id-elsewhere"]
)
def test_someone_elses_notification_is_not_found(
    aws: Stack,
    inbox: ApiClient,
    deliver: Deliver,
    reader: User,
) -> None:
    _deliver_stage_changes(deliver, 1)
    notification = inbox.get("/notifications").json()["items"][0]
    before = aws.items(TABLE)
    response = inbox.post(f"/notifications/{notification['id']}/read", user=reader)
    assert_problem(response, 404)
    assert aws.items(TABLE) == before
    assert inbox.get("/notifications").json()["items"][0]["read"] is False
    assert _unread(inbox) == 1


def test_an_unknown_notification_is_not_found(inbox: ApiClient) -> None:
    assert_problem(inbox.post(f"/notifications/20250101000000000000-{'a' * 32}/read"), 404)


@pytest.mark.parametrize(
    "notification_id",
    ["nope", "2025-abc", f"20250101000000000000-{'A' * 32}", f"{'1' * 20}-{'a' * 32}x", "a%23b"],
)
def test_a_malformed_notification_id_is_refused(inbox: ApiClient, notification_id: str) -> None:
    response = inbox.post(f"/notifications/{notification_id}/read")
    assert_problem(response, 422, "notification_id")
    assert response.calls.operations == []


# ---------------------------------------------------------------- POST /notifications/read-all


def test_marking_everything_read_is_one_write(inbox: ApiClient, deliver: Deliver) -> None:
    _deliver_stage_changes(deliver, 3)
    response = inbox.post("/notifications/read-all")
    assert response.status == 200, response.text
    assert response.json() == {"unread": 0}
    assert response.calls.operations == ["UpdateItem"]
    assert _unread(inbox) == 0
    assert {item["read"] for item in inbox.get("/notifications").json()["items"]} == {True}


def test_what_arrives_after_read_all_is_unread(inbox: ApiClient, deliver: Deliver) -> None:
    _deliver_stage_changes(deliver, 2)
    inbox.post("/notifications/read-all")
    deliver(stage_changed(assigned=["u-ben"], company_name="Later", occurred_at=START + timedelta(days=1)))
    items = inbox.get("/notifications").json()["items"]
    assert [(item["title"], item["read"]) for item in items] == [
        ("Later moved to onboarding", False),
        ("Company 1 moved to onboarding", True),
        ("Company 0 moved to onboarding", True),
    ]
    assert _unread(inbox) == 1
    # And reading one that read-all already covered does not count it twice
    response = inbox.post(f"/notifications/{items[1]['id']}/read")
    assert response.json()["read"] is True
    assert _unread(inbox) == 1
    inbox.post(f"/notifications/{items[0]['id']}/read")
    assert _unread(inbox) == 0


def test_read_all_landing_during_a_delivery_leaves_the_new_notification_unread_and_counted(
    inbox: ApiClient, deliver: Deliver,
) -> None:
    # Given Ben marks everything read just while a notification for him is being written
    with recording() as recorder:
        recorder.before["TransactWriteItems"] = lambda: inbox.post("/notifications/read-all")
        delivery = deliver(stage_changed(assigned=["u-ben"], company_name="Racing"))
    assert delivery.failed == []
    # Then the first write was refused (its time was not after the read-all) and retried
    assert [call.operation for call in recorder.calls].count("TransactWriteItems") == 2
    # And what the list shows agrees with the counter: one unread notification
    [item] = inbox.get("/notifications").json()["items"]
    assert (item["title"], item["read"]) == ("Racing moved to onboarding", False)
    assert _unread(inbox) == 1


def test_read_all_touches_only_my_inbox(inbox: ApiClient, deliver: Deliver) -> None:
    deliver(
        stage_changed(assigned=["u-ben", "u-cleo"]),
        stage_changed(organisation_id="acme-corp", assigned=["u-ben"]),
    )
    inbox.post("/notifications/read-all")
    assert _unread(inbox, BEN) == 0
    assert _unread(inbox, CLEO) == 1
    assert _unread(inbox, BEN_ELSEWHERE) == 1


def test_read_all_on_an_empty_inbox_is_fine(inbox: ApiClient) -> None:
    assert inbox.post("/notifications/read-all", user=SALLY).json() == {"unread": 0}
    assert inbox.get("/notifications", user=SALLY).json()["items"] == []


# ---------------------------------------------------------------- identity


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/notifications"),
        ("GET", "/notifications/unread-count"),
        ("POST", f"/notifications/20250101000000000000-{'a' * 32}/read"),
        ("POST", "/notifications/read-all"),
    ],
)
def test_every_inbox_route_needs_an_identity(aws: Stack, inbox: ApiClient, method: str, path: str) -> None:
    before = aws.count(TABLE)
    assert_problem(inbox.request(method, path, claims={"custom:org_id": "acme"}), 401)
    assert aws.count(TABLE) == before


def test_a_transaction_conflict_while_marking_read_is_a_conflict_not_a_server_error(
    inbox: ApiClient, deliver: Deliver
) -> None:
    # Given a notification arrives for Ben while he marks another one read: DynamoDB cancels the
    # mark-read transaction with TransactionConflict on the shared inbox counter (moto cannot overlap
    # transactions, so the cancellation is played here)
    _deliver_stage_changes(deliver, 1)
    notification = inbox.get("/notifications").json()["items"][0]
    cancelled = transaction_cancelled("None", "TransactionConflict")
    response = inbox.post(
        f"/notifications/{notification['id']}/read", fail_next={"TransactWriteItems": cancelled}
    )
    # Then Ben is told to try again; nothing changed
    assert_problem(response, 409)
    assert inbox.get("/notifications").json()["items"][0]["read"] is False
    assert _unread(inbox) == 1
    # And trying again works
    assert inbox.post(f"/notifications/{notification['id']}/read").json()["read"] is True
    assert _unread(inbox) == 0

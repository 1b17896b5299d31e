"""The messages room: threads between a partner's users and the vendor, with unread counts per user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import Recorder
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED
from tests.helpers.portal_world import (
    CONTOSO,
    CONTOSO_ADMIN,
    GLOBEX,
    GLOBEX_ADMIN,
    NORTHWIND,
    OLDCO,
    PEOPLE,
)

pytestmark = pytest.mark.usefixtures("portal_world")

TABLE = "PortalTable"
MARKETING = PEOPLE["marketing"]
EXEC = PEOPLE["executive"]
ROOM = f"/portal/partnerships/{NORTHWIND}/messages"
THREADS = f"{ROOM}/threads"


@pytest.fixture
def portal(aws: Stack, service: Callable[..., ApiClient]) -> ApiClient:
    aws.drop_outbox(TABLE)
    return service("portal", MARKETING)


def _thread(
    portal: ApiClient, user: User | None = None, path: str = THREADS, **fields: Any,
) -> dict[str, Any]:
    body = {"subject": "Q3 pipeline", "body": "Can we review the Q3 pipeline?", **fields}
    response = portal.post(path, json_body=body, user=user)
    assert response.status == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _post(portal: ApiClient, thread_id: str, body: str, user: User | None = None) -> dict[str, Any]:
    response = portal.post(f"{THREADS}/{thread_id}/messages", json_body={"body": body}, user=user)
    assert response.status == 201, response.text
    posted: dict[str, Any] = response.json()
    return posted


def _unread(portal: ApiClient, user: User) -> dict[str, Any]:
    response = portal.get(f"{ROOM}/unread", user=user)
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _read(portal: ApiClient, thread_id: str, user: User) -> list[dict[str, Any]]:
    response = portal.get(f"{THREADS}/{thread_id}/messages", user=user)
    assert response.status == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_partner_starts_a_thread_and_the_vendor_answers(aws: Stack, portal: ApiClient) -> None:
    # When the partner's marketing user starts a thread and Ben (partner manager) answers
    thread = _thread(portal)
    assert (thread["subject"], thread["message_count"], thread["unread"]) == ("Q3 pipeline", 1, 0)
    assert thread["started_by"] == {"user_id": MARKETING.user_id, "organisation_id": "northwind",
                                    "name": "Nw Marketing", "side": "partner"}
    answer = _post(portal, thread["id"], "Sure, Tuesday?", user=BEN)
    assert (answer["sequence"], answer["author"]["name"], answer["author"]["side"]) == (2, "Ben", "vendor")
    # Then both read the thread, newest first, with author names
    messages = _read(portal, thread["id"], MARKETING)
    assert [(m["body"], m["author"]["user_id"]) for m in messages] == [
        ("Sure, Tuesday?", BEN.user_id), ("Can we review the Q3 pipeline?", MARKETING.user_id)]
    assert _read(portal, thread["id"], CLEO) == messages
    # and MessagePosted went through the outbox with each message
    posted = [envelope for envelope in outbox_events(aws, TABLE) if envelope["type"] == "MessagePosted"]
    assert [e["data"]["author_side"] for e in posted] == ["partner", "vendor"]
    assert posted[1]["tenant_id"] == "acme"
    assert posted[1]["data"] == {
        "message_id": answer["id"], "partnership_id": NORTHWIND, "company_name": "Northwind",
        "vendor_organisation_id": "acme", "vendor_organisation_name": "Acme",
        "partner_organisation_id": "northwind", "author_side": "vendor", "author_user_id": BEN.user_id,
        "author_name": "Ben", "excerpt": "Sure, Tuesday?",
    }


def test_the_excerpt_of_a_long_message_is_at_most_280_characters(aws: Stack, portal: ApiClient) -> None:
    thread = _thread(portal, body="x" * 10_000)
    [posted] = [envelope for envelope in outbox_events(aws, TABLE) if envelope["type"] == "MessagePosted"]
    assert len(posted["data"]["excerpt"]) == 280
    assert len(thread["last_excerpt"]) == 280
    assert len(_read(portal, thread["id"], MARKETING)[0]["body"]) == 10_000


def test_unread_counts_per_user_across_both_sides(portal: ApiClient) -> None:
    # Given a thread started by the partner's marketing user
    first = _thread(portal)
    # Then it is unread to everyone else (both sides) and never to its author
    assert _unread(portal, MARKETING)["unread_messages"] == 0
    for user in (EXEC, SALLY, BEN, ANA):
        assert _unread(portal, user)["unread_messages"] == 1
    # When Ben answers twice and the executive starts a second thread
    _post(portal, first["id"], "One", user=BEN)
    _post(portal, first["id"], "Two", user=BEN)
    second = _thread(portal, user=EXEC, subject="Training", body="Who attends?")
    # Then each user's counts differ
    marketing = _unread(portal, MARKETING)
    assert (marketing["unread_messages"], marketing["unread_threads"]) == (3, 2)
    assert marketing["threads"] == {first["id"]: 2, second["id"]: 1}
    ben = _unread(portal, BEN)
    assert (ben["unread_messages"], ben["unread_threads"], ben["threads"]) == (2, 2, {first["id"]: 1,
                                                                                    second["id"]: 1})
    assert _unread(portal, ANA)["unread_messages"] == 4
    assert _unread(portal, EXEC)["threads"] == {first["id"]: 3}
    # When the marketing user reads the first thread
    _read(portal, first["id"], MARKETING)
    # Then only their count of it falls
    assert _unread(portal, MARKETING)["threads"] == {second["id"]: 1}
    assert _unread(portal, SALLY)["unread_messages"] == 4
    # and the thread list shows each caller's own unread count, latest activity first
    listed = portal.get(THREADS, user=ANA).json()["items"]
    assert [(t["id"], t["unread"]) for t in listed] == [(second["id"], 1), (first["id"], 3)]


def test_posting_does_not_mark_others_messages_read(portal: ApiClient) -> None:
    # Given Ben answered twice in the marketing user's thread
    thread = _thread(portal)
    _post(portal, thread["id"], "One", user=BEN)
    _post(portal, thread["id"], "Two", user=BEN)
    # When the marketing user posts without reading
    _post(portal, thread["id"], "Three")
    # Then Ben's two messages stay unread to them, their own is not (and Ben has both of theirs to read)
    assert _unread(portal, MARKETING)["threads"] == {thread["id"]: 2}
    assert _unread(portal, BEN)["threads"] == {thread["id"]: 2}
    _read(portal, thread["id"], MARKETING)
    assert _unread(portal, MARKETING)["unread_messages"] == 0


def test_threads_and_messages_come_in_cursor_pages(portal: ApiClient) -> None:
    threads = [_thread(portal, subject=f"Subject {number}")["id"] for number in range(3)]
    first = portal.get(THREADS, query={"limit": "2"}).json()
    assert [t["id"] for t in first["items"]] == [threads[2], threads[1]]
    second = portal.get(THREADS, query={"limit": "2", "cursor": first["next_cursor"]}).json()
    assert [t["id"] for t in second["items"]] == [threads[0]]
    # activity moves a thread to the top
    _post(portal, threads[0], "Bump", user=BEN)
    assert portal.get(THREADS, query={"limit": "1"}).json()["items"][0]["id"] == threads[0]
    for number in range(3):
        _post(portal, threads[1], f"Message {number}", user=BEN)
    path = f"{THREADS}/{threads[1]}/messages"
    page = portal.get(path, query={"limit": "3"}).json()
    assert [m["sequence"] for m in page["items"]] == [4, 3, 2]
    rest = portal.get(path, query={"limit": "3", "cursor": page["next_cursor"]}).json()
    assert [m["sequence"] for m in rest["items"]] == [1]
    assert_problem(portal.get(path, query={"cursor": first["next_cursor"]}), 400, "cursor")


def test_reading_an_older_page_does_not_mark_the_thread_read(portal: ApiClient) -> None:
    thread = _thread(portal)
    _post(portal, thread["id"], "One", user=BEN)
    page = portal.get(f"{THREADS}/{thread['id']}/messages", query={"limit": "1"}, user=SALLY).json()
    assert _unread(portal, SALLY)["unread_messages"] == 0  # the newest page was read
    _post(portal, thread["id"], "Two", user=BEN)
    older = portal.get(f"{THREADS}/{thread['id']}/messages",
                       query={"limit": "1", "cursor": page["next_cursor"]}, user=SALLY)
    assert older.status == 200
    assert _unread(portal, SALLY)["unread_messages"] == 1


def test_unread_counts_read_a_bounded_number_of_items(portal: ApiClient, no_scans: Recorder) -> None:
    for number in range(3):
        _thread(portal, user=BEN, subject=f"Subject {number}")
    no_scans.clear()
    assert _unread(portal, MARKETING)["unread_messages"] == 3
    # the partnership's view, one Query of the threads, one BatchGetItem of the reader's marks
    assert no_scans.operations == ["GetItem", "Query", "BatchGetItem"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (THREADS, {"subject": "", "body": "Hi"}, "subject"),
        (THREADS, {"subject": "Hi", "body": "   "}, "body"),
        (THREADS, {"subject": "Hi", "body": "x" * 10_001}, "body"),
        (THREADS, {"subject": "Hi"}, "body"),
        (THREADS, {"subject": "Hi", "body": "Hi", "to": "ben"}, "to"),
        (THREADS, {"subject": "Hi", "body": 5}, "body"),
    ],
    ids=["empty-subject", "blank-body", "long-body", "no-body", "unknown-field", "not-text"],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    aws: Stack, portal: ApiClient, path: str, body: dict[str, Any], field: str,
) -> None:
    before = aws.count(TABLE)
    response = portal.post(path, json_body=body)
    assert response.status == 422, response.text
    assert field in response.text
    assert aws.count(TABLE) == before


def test_a_bad_message_writes_nothing_and_an_unknown_thread_is_404(aws: Stack, portal: ApiClient) -> None:
    thread = _thread(portal)
    before = aws.count(TABLE)
    response = portal.post(f"{THREADS}/{thread['id']}/messages", json_body={"body": "x" * 10_001})
    assert_problem(response, 422, "body")
    assert_problem(portal.post(f"{THREADS}/{'f' * 26}/messages", json_body={"body": "Hi"}), 404, "thread_id")
    assert_problem(portal.get(f"{THREADS}/{'f' * 26}/messages"), 404, "thread_id")
    assert_problem(portal.get(f"{THREADS}/bad%20id/messages"), 422, "thread_id")
    assert aws.count(TABLE) == before


def test_who_posts(aws: Stack, portal: ApiClient) -> None:
    # every partner role and every vendor role posts (a vendor member answering a partner is the point)
    thread = _thread(portal)
    for user in (*PEOPLE.values(), ANA, BEN, CLEO):
        _post(portal, thread["id"], f"Hello from {user.user_id}", user=user)
    # nobody posts in an archived partnership; its vendor still reads it
    archived = f"/portal/partnerships/{OLDCO}/messages/threads"
    assert_problem(portal.post(archived, json_body={"subject": "Hi", "body": "Hi"}, user=ANA), 409)
    assert portal.get(archived, user=ANA).status == 200


def test_a_concurrent_post_takes_the_next_number(portal: ApiClient) -> None:
    # Given Ben posts while the marketing user's post is between its read and its write
    thread = _thread(portal)

    def ben_posts() -> None:
        _post(portal, thread["id"], "Ben first", user=BEN)

    response = portal.post(f"{THREADS}/{thread['id']}/messages", json_body={"body": "Mine"},
                           before={"TransactWriteItems": ben_posts})
    # Then both messages are kept, numbered in the order they were written
    assert response.status == 201, response.text
    assert response.json()["sequence"] == 3
    assert [m["body"] for m in _read(portal, thread["id"], ANA)] == ["Mine", "Ben first",
                                                                     "Can we review the Q3 pipeline?"]


@pytest.mark.parametrize(
    ("user", "partnership_id"),
    [
        (ZED, NORTHWIND),  # another vendor
        (GLOBEX_ADMIN, NORTHWIND),  # a partner of another vendor
        (CONTOSO_ADMIN, NORTHWIND),  # another partner of the same vendor
        (ANA, GLOBEX),  # a partnership of another vendor
    ],
    ids=["other-vendor", "other-vendors-partner", "other-partner", "foreign-partnership"],
)
def test_every_route_is_404_outside_the_partnership(
    aws: Stack, portal: ApiClient, user: User, partnership_id: str,
) -> None:
    thread = _thread(portal)
    before = aws.count(TABLE)
    base = f"/portal/partnerships/{partnership_id}/messages"
    calls = [
        ("GET", f"{base}/threads", None), ("POST", f"{base}/threads", {"subject": "S", "body": "B"}),
        ("GET", f"{base}/threads/{thread['id']}/messages", None),
        ("POST", f"{base}/threads/{thread['id']}/messages", {"body": "B"}),
        ("GET", f"{base}/unread", None),
    ]
    for method, path, body in calls:
        assert_problem(portal.request(method, path, json_body=body, user=user), 404, "partnership_id")
    assert aws.count(TABLE) == before


def test_a_thread_of_another_partnership_is_404_through_this_partnerships_path(
    aws: Stack, portal: ApiClient,
) -> None:
    theirs = _thread(portal, user=CONTOSO_ADMIN, path=f"/portal/partnerships/{CONTOSO}/messages/threads")
    before = aws.count(TABLE)
    for user in (MARKETING, ANA):
        assert_problem(portal.get(f"{THREADS}/{theirs['id']}/messages", user=user), 404, "thread_id")
        response = portal.post(f"{THREADS}/{theirs['id']}/messages", json_body={"body": "Hi"}, user=user)
        assert_problem(response, 404, "thread_id")
    assert aws.count(TABLE) == before
    assert portal.get(THREADS).json()["items"] == []
    assert _unread(portal, ANA)["unread_messages"] == 0


def test_search_hits_find_threads_and_messages_of_the_partnership(portal: ApiClient) -> None:
    thread = _thread(portal, subject="Cloud roll-out", body="Kick-off next week")
    _post(portal, thread["id"], "The CLOUD budget is approved", user=BEN)
    _thread(portal, user=CONTOSO_ADMIN, path=f"/portal/partnerships/{CONTOSO}/messages/threads",
            subject="Cloud budget", body="cloud budget at Contoso")
    with portal.runner.env_applied():
        from portal.logic.access import Room, enter
        from portal.logic.messages import search_hits
        from trellis.principal import principal_from_claims

        viewer = enter(principal_from_claims(MARKETING.claims()), NORTHWIND, Room.MESSAGES)
        hits = search_hits(viewer, ["cloud", "Budget"])
        subjects = search_hits(viewer, ["roll-out"])
    assert hits == [{"kind": "message", "id": thread["id"], "title": "Cloud roll-out",
                     "excerpt": "The CLOUD budget is approved"}]
    assert [hit["title"] for hit in subjects] == ["Cloud roll-out"]

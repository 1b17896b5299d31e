"""Digests: the schedule fans out steps, each step summarises a page of subscribers' notifications by
email, continuing through the queue; a re-run of the same schedule sends nothing twice."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, User, sqs_event
from tests.helpers.people import BEN, CLEO, SALLY
from trellis.events import SYSTEM, EventEnvelope
from trellis.events.organisations import UserRegistered
from trellis.events.partners import PartnershipUserAssigned

TABLE = "NotificationsTable"
QUEUE = "NotificationsDigestQueue"
TUESDAY = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def _register(deliver: Callable[..., Any], *users: User) -> None:
    events = [
        EventEnvelope.new(
            UserRegistered(
                user_id=u.user_id,
                organisation_id=u.organisation_id,
                email=u.email or "",
                name=u.user_id[2:].title(),
                roles=list(u.roles),
            ),
            tenant_id=u.organisation_id,
            actor=SYSTEM,
            occurred_at=TUESDAY - timedelta(days=30),
        )
        for u in users
    ]
    assert deliver(*events).failed == []


def _notify(deliver: Callable[..., Any], user: User, company: str, at: datetime) -> None:
    """A notification for ``user`` of an event that happened at ``at``."""
    event = EventEnvelope.new(
        PartnershipUserAssigned(
            partnership_id=f"p-{company}",
            company_name=company,
            user_id=user.user_id,
            assigned_user_ids=[user.user_id],
        ),
        tenant_id=user.organisation_id,
        actor=SYSTEM,
        occurred_at=at,
    )
    assert deliver(event).failed == []


def _choose(service: Callable[..., ApiClient], user: User, digest: str) -> None:
    response = service("notifications").patch(
        "/notifications/preferences", user=user, json_body={"digest": digest}
    )
    assert response.status == 200, response.text
    assert response.json()["digest"] == digest


def _run(aws: Stack, function: Callable[[str], FunctionRunner], at: datetime) -> int:
    """The schedule at ``at``, then every step (and continuation) until the digest queue is empty."""
    result = function("NotificationsDigestFunction").invoke({"scheduled_for": at.isoformat()})
    worker = function("NotificationsDigestWorkerFunction")
    steps = 0
    while True:
        messages = aws.receive(QUEUE)
        if not messages:
            return steps
        for message in messages:
            response = worker.invoke(sqs_event([message], queue_arn=aws.queue_arns[QUEUE]))
            assert response == {"batchItemFailures": []}
            steps += 1
        assert result["steps"] >= 1


def _digests(aws: Stack) -> list[dict[str, Any]]:
    return [item for item in aws.items(TABLE, entity="Email") if item.get("template") == "digest"]


def _context(item: dict[str, Any]) -> dict[str, Any]:
    context = item["context"]
    return json.loads(context) if isinstance(context, str) else dict(context)


def test_a_daily_digest_summarises_what_the_user_heard_since_the_last_one(
    aws: Stack,
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
    function: Callable[[str], FunctionRunner],
) -> None:
    # Given Cleo takes a daily digest, Ben does not, and both heard of things in the last day
    _register(deliver, BEN, CLEO)
    _choose(service, CLEO, "daily")
    for company in ("Northwind", "Contoso"):
        _notify(deliver, CLEO, company, TUESDAY - timedelta(hours=3))
        _notify(deliver, BEN, company, TUESDAY - timedelta(hours=3))
    _notify(deliver, CLEO, "Old News", TUESDAY - timedelta(days=3))  # before the period

    # When Tuesday's schedule runs
    steps = _run(aws, function, TUESDAY)
    # Then one step per shard ran, and Cleo (only) has one digest of her two recent notifications
    assert steps == 10
    [digest] = _digests(aws)
    assert digest["to_address"] == CLEO.email
    context = _context(digest)
    assert context["total"] == 2
    assert sorted(item["title"] for item in context["items"]) == [
        "You now look after Contoso",
        "You now look after Northwind",
    ]

    # When the same schedule runs again (a retry), nothing more is sent
    _run(aws, function, TUESDAY)
    assert len(_digests(aws)) == 1

    # When something new happens and the next day's schedule runs, only that is in the next digest
    _notify(deliver, CLEO, "Fabrikam", TUESDAY + timedelta(hours=5))
    _run(aws, function, TUESDAY + timedelta(days=1))
    latest = [d for d in _digests(aws) if d is not digest and _context(d)["total"] == 1]
    assert [item["title"] for item in _context(latest[0])["items"]] == ["You now look after Fabrikam"]


def test_weekly_digests_go_out_on_mondays_and_nothing_new_means_no_email(
    aws: Stack,
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
    function: Callable[[str], FunctionRunner],
) -> None:
    _register(deliver, BEN, SALLY)
    _choose(service, BEN, "weekly")
    _choose(service, SALLY, "weekly")
    _notify(deliver, BEN, "Northwind", MONDAY - timedelta(days=2))

    _run(aws, function, TUESDAY)
    assert _digests(aws) == []  # not a Monday

    _run(aws, function, MONDAY)
    assert [d["to_address"] for d in _digests(aws)] == [BEN.email]  # Sally heard nothing


def test_turning_the_digest_off_takes_the_user_out_of_the_run(
    aws: Stack,
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
    function: Callable[[str], FunctionRunner],
) -> None:
    _register(deliver, CLEO)
    _choose(service, CLEO, "daily")
    _choose(service, CLEO, "off")
    _notify(deliver, CLEO, "Northwind", TUESDAY - timedelta(hours=1))
    _run(aws, function, TUESDAY)
    assert _digests(aws) == []


def test_a_shard_with_more_subscribers_than_a_step_continues_through_the_queue(
    aws: Stack,
    deliver: Callable[..., Any],
    function: Callable[[str], FunctionRunner],
) -> None:
    # Given 250 subscribers in one shard (written as the preferences route would)
    runner = function("NotificationsDigestWorkerFunction")
    with runner.env_applied():
        from notifications.dal import directory

        for index in range(250):
            directory.apply_user(
                "bigco",
                f"u-{index:03d}",
                at=TUESDAY - timedelta(days=9),
                active=True,
                email=f"u{index}@bigco.example",
                name=f"User {index}",
                roles=["member"],
            )
            item = directory.set_preferences("bigco", f"u-{index:03d}", digest="daily", change_digest=True)
            item.update(actions=[type(item).gsi1pk.set(directory.digest_shard_pk("daily", 0))])
    # When the schedule runs
    steps = _run(aws, function, TUESDAY)
    # Then shard 0 took three steps of at most 100 subscribers (the other shards one each)
    assert steps == 9 + 3
    # and nobody had news, so no digest was sent, while each user's watermark moved
    assert _digests(aws) == []
    with runner.env_applied():
        assert directory.recipient("bigco", "u-249").last_digest_at == TUESDAY  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "body",
    [
        {"frequency": "hourly", "shard": 0, "run_at": "2026-11-24T07:00:00+00:00"},
        {"frequency": "daily", "shard": 99, "run_at": "2026-11-24T07:00:00+00:00"},
        {"nothing": True},
    ],
)
def test_a_malformed_step_fails_alone(
    aws: Stack,
    function: Callable[[str], FunctionRunner],
    body: dict[str, Any],
) -> None:
    from tests.helpers.events import sqs_message

    bad = sqs_message(body)
    response = function("NotificationsDigestWorkerFunction").invoke(
        sqs_event([bad], queue_arn=aws.queue_arns[QUEUE])
    )
    assert response == {"batchItemFailures": [{"itemIdentifier": bad["MessageId"]}]}

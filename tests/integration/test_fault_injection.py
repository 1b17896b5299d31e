"""Faults injected along the whole pipe (issue #9, item 3): partners API → stream → publisher → bus →
queue → notifications consumer → inbox. After each fault: no event lost, no effect doubled, and only
the poison ends up reported for the DLQ.

EventBridge faults wrap the publisher's real (moto) client; DynamoDB faults use the call recorder's
``before``/``fail_next`` hooks, so the failure happens at the real call site inside the handler.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

import trellis.publisher as publisher
from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import recording
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, sqs_event, stream_event
from tests.helpers.people import BEN, CLEO

QUEUE = "NotificationsEventsQueue"
PARTNERSHIPS = 12  # 12 creations + 12 stage changes: three PutEvents chunks
THROTTLED = {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}


class FlakyEvents:
    """The real EventBridge client, except for the faults a test scripts per PutEvents call:
    ``"raise"`` (the call fails as a whole), a set of entry positions to fail, or None (pass)."""

    def __init__(self, real: Any, script: list[Any]):
        self.real, self.script, self.sent = real, list(script), 0

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        fault = self.script.pop(0) if self.script else None
        if fault == "raise":
            raise self.real.exceptions.InternalException(
                {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "PutEvents")
        failing = fault or set()
        passing = [entry for position, entry in enumerate(Entries) if position not in failing]
        results = iter(self.real.put_events(Entries=passing)["Entries"] if passing else [])
        self.sent += len(passing)
        entries = [THROTTLED if position in failing else next(results) for position in range(len(Entries))]
        return {"FailedEntryCount": len(failing), "Entries": entries}


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publisher, "BACKOFF_SECONDS", 0.0)


@pytest.fixture
def flaky(monkeypatch: pytest.MonkeyPatch, function: Callable[[str], FunctionRunner],
          aws: Stack) -> Callable[[list[Any]], FlakyEvents]:
    def install(script: list[Any]) -> FlakyEvents:
        with function("PartnersPublisherFunction").env_applied():
            fake = FlakyEvents(publisher.events_client(), script)
        monkeypatch.setattr(publisher, "_events_client", fake)
        return fake

    return install


@pytest.fixture
def moved(partners: ApiClient) -> list[str]:
    """Twelve partnerships assigned to Cleo, each moved to onboarding by Ben: twelve notifications due."""
    ids = []
    for n in range(PARTNERSHIPS):
        body = {"company_name": f"Fault {n:02d}", "partnership_type": "reseller",
                "assigned_user_ids": ["u-cleo"]}
        created = partners.post("/partnerships", json_body=body)
        assert created.status == 201, created.text
        moved = partners.put(f"/partnerships/{created.json()['id']}/stage", user=BEN,
                             json_body={"stage": "onboarding"})
        assert moved.status == 200, moved.text
        ids.append(created.json()["id"])
    return ids


def _publish(function: Callable[[str], FunctionRunner], records: list[dict[str, Any]]) -> list[str]:
    """One invocation of the publisher; the sequence numbers it reports failed."""
    result = function("PartnersPublisherFunction").invoke(stream_event(records))
    return [failure["itemIdentifier"] for failure in result["batchItemFailures"]]


def _publish_like_lambda(function: Callable[[str], FunctionRunner], records: list[dict[str, Any]],
                         ) -> Iterator[list[str]]:
    """Lambda's stream retry: after a reported failure, the batch is sent again from that record on."""
    while records:
        failed = _publish(function, records)
        yield failed
        if not failed:
            return
        start = next(i for i, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] == failed[0])
        records = records[start:]


def _drain(aws: Stack) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while batch := aws.receive(QUEUE):
        messages += batch
    return messages


def _types(messages: list[dict[str, Any]]) -> Counter[str]:
    return Counter(json.loads(m["Body"])["detail-type"] for m in messages)


def _consume_all(aws: Stack, consumer: FunctionRunner, messages: list[dict[str, Any]]) -> list[str]:
    """Deliver in SQS batches of 10; the message ids reported failed (a batch whose every record failed
    raises, and Lambda retries all of it)."""
    failed: list[str] = []
    for start in range(0, len(messages), 10):
        batch = messages[start:start + 10]
        try:
            result = consumer.invoke(sqs_event(batch, queue_arn=aws.queue_arns[QUEUE]))
        except BatchProcessingError:
            failed += [message["MessageId"] for message in batch]
            continue
        failed += [f["itemIdentifier"] for f in result["batchItemFailures"]]
    return failed


def _inbox(service: Callable[..., ApiClient]) -> Counter[str]:
    body = service("notifications").get("/notifications", user=CLEO, query={"limit": "100"}).json()
    return Counter(item["title"] for item in body["items"])


EXPECTED = Counter({f"Fault {n:02d} moved to onboarding": 1 for n in range(PARTNERSHIPS)})


def test_partial_putevents_failures_and_a_throttled_call_lose_and_double_nothing(
    moved: list[str], aws: Stack, function: Callable[[str], FunctionRunner], consumer: FunctionRunner,
    service: Callable[..., ApiClient], flaky: Callable[[list[Any]], FlakyEvents],
) -> None:
    records = aws.filtered_stream_records("PartnersTable")
    # Given EventBridge that throttles three entries of the first chunk, a whole call, then two entries
    events = flaky([{0, 4, 9}, "raise", None, {1, 2}])

    # When the publisher runs once
    assert _publish(function, records) == []

    # Then every event went out exactly once: only the failed entries were sent again
    messages = _drain(aws)
    assert events.sent == len(records)
    assert _types(messages)["PartnershipStageChanged"] == PARTNERSHIPS
    assert len({json.loads(m["Body"])["detail"]["id"] for m in messages}) == len(messages)
    # And the inbox holds one notification per stage change
    assert _consume_all(aws, consumer, messages) == []
    assert _inbox(service) == EXPECTED


def test_an_outage_mid_batch_is_resumed_by_lambda_and_the_consumer_absorbs_the_resent_events(
    moved: list[str], aws: Stack, function: Callable[[str], FunctionRunner], consumer: FunctionRunner,
    service: Callable[..., ApiClient], flaky: Callable[[list[Any]], FlakyEvents],
) -> None:
    records = aws.filtered_stream_records("PartnersTable")
    chunks = -(-len(records) // publisher.PUT_EVENTS_CHUNK)
    # Given EventBridge down for the second chunk of the first invocation, through every retry
    flaky([None, "raise", *([None] * (chunks - 2)), *(["raise"] * (publisher.MAX_ATTEMPTS - 1))])

    # When Lambda runs the publisher and, after the reported failure, again from that record
    failures = list(_publish_like_lambda(function, records))

    # Then the first invocation reported the first unsent record, the retry none
    assert failures[0] == [records[publisher.PUT_EVENTS_CHUNK]["dynamodb"]["SequenceNumber"]]
    assert failures[-1] == []
    # And events after the outage went out twice (at-least-once), none was lost
    messages = _drain(aws)
    sent = Counter(json.loads(m["Body"])["detail"]["id"] for m in messages)
    assert len(sent) == len(records)
    assert max(sent.values()) == 2
    # And the consumer turned the duplicates into one notification each
    assert _consume_all(aws, consumer, messages) == []
    assert _inbox(service) == EXPECTED


def test_a_consumer_failure_on_one_record_is_retried_alone_and_counted_once(
    moved: list[str], aws: Stack, function: Callable[[str], FunctionRunner], consumer: FunctionRunner,
    service: Callable[..., ApiClient],
) -> None:
    assert _publish(function, aws.filtered_stream_records("PartnersTable")) == []
    messages = [m for m in _drain(aws) if json.loads(m["Body"])["detail-type"] == "PartnershipStageChanged"]
    # Given DynamoDB throttles the third notification's write of the first batch
    throttled = {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "injected"},
                 "ResponseMetadata": {"HTTPStatusCode": 400}}
    with recording() as outer:
        seen = 0

        def third() -> Any:
            nonlocal seen
            seen += 1
            if seen == 3:
                outer.fail_next["TransactWriteItems"] = throttled
                return None
            return third

        outer.before["TransactWriteItems"] = third
        failed = _consume_all(aws, consumer, messages[:10])

    # Then only that message is reported; the other nine are in the inbox
    assert failed == [messages[2]["MessageId"]]
    assert sum(_inbox(service).values()) == 9
    # When SQS redelivers it (and, by a visibility timeout race, the whole batch again)
    assert _consume_all(aws, consumer, [messages[2]]) == []
    assert _consume_all(aws, consumer, messages) == []
    # Then each stage change notified exactly once, and the unread count agrees
    assert _inbox(service) == EXPECTED
    unread = service("notifications").get("/notifications/unread-count", user=CLEO).json()
    assert unread == {"unread": PARTNERSHIPS}


def test_a_poison_among_good_events_is_the_only_failure_left_for_the_dlq(
    moved: list[str], aws: Stack, function: Callable[[str], FunctionRunner], consumer: FunctionRunner,
    service: Callable[..., ApiClient],
) -> None:
    assert _publish(function, aws.filtered_stream_records("PartnersTable")) == []
    messages = [m for m in _drain(aws) if json.loads(m["Body"])["detail-type"] == "PartnershipStageChanged"]
    poison = {**messages[0], "MessageId": "poison-1", "Body": json.dumps({"detail-type": "X", "detail": 1})}
    batch = [*messages[:4], poison, *messages[4:9]]

    # When the batch is delivered, and the failures again as SQS would until maxReceiveCount
    failed = _consume_all(aws, consumer, batch)
    for _ in range(2):
        failed = _consume_all(aws, consumer, [m for m in batch if m["MessageId"] in failed])

    # Then only the poison keeps failing (SQS moves it to the DLQ), and the good ones counted once
    assert failed == ["poison-1"]
    assert sum(_inbox(service).values()) == 9
    assert set(_inbox(service).values()) == {1}

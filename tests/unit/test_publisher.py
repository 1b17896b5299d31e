"""The outbox publisher: stream records → PutEvents (chunks of 10, resending only what failed)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from trellis.dynamo import table_model
from trellis.events import SYSTEM, EventEnvelope
from trellis.events.catalogue import eventbridge_entry, examples
from trellis.events.partners import PartnershipCreated, PartnershipStageChanged
from trellis.outbox import outbox_item, outbox_model
from trellis.publisher import MAX_ATTEMPTS, handle_stream_batch, put_events

UnitItem = table_model("unit")
UnitOutbox = outbox_model(UnitItem)


class FakeEventBridge:
    """PutEvents that fails the entries (or whole calls) a test says, and remembers every call."""

    def __init__(
        self,
        *,
        fail: Callable[[int, dict[str, Any]], bool] | None = None,
        raise_on_calls: set[int] | None = None,
    ):
        self.calls: list[list[dict[str, Any]]] = []
        self.fail = fail or (lambda _call, _entry: False)
        self.raise_on_calls = raise_on_calls or set()

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls.append(list(Entries))
        number = len(self.calls)
        if number in self.raise_on_calls:
            raise ConnectionError("EventBridge endpoint unreachable")
        results = [
            {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}
            if self.fail(number, entry)
            else {"EventId": f"evt-{number}-{position}"}
            for position, entry in enumerate(Entries)
        ]
        return {"FailedEntryCount": sum("ErrorCode" in result for result in results), "Entries": results}

    def sent(self) -> Counter[str]:
        return Counter(entry["Detail"] for call in self.calls for entry in call)


def _entries(count: int) -> list[dict[str, Any]]:
    return [{"Source": "trellis.test", "DetailType": "T", "Detail": str(index)} for index in range(count)]


def _no_sleep(delays: list[float]) -> Callable[[float], None]:
    return delays.append


def test_entries_go_out_in_chunks_of_ten() -> None:
    client, delays = FakeEventBridge(), []
    assert put_events(_entries(25), client=client, sleep=_no_sleep(delays)) == []
    assert [len(call) for call in client.calls] == [10, 10, 5]
    assert client.sent() == Counter(str(index) for index in range(25))
    assert delays == []


def test_only_the_failed_entries_are_sent_again() -> None:
    # Given EventBridge rejects entries 3 and 12 the first time it sees them
    seen: Counter[str] = Counter()

    def first_time(_call: int, entry: dict[str, Any]) -> bool:
        seen[entry["Detail"]] += 1
        return entry["Detail"] in {"3", "12"} and seen[entry["Detail"]] == 1

    client, delays = FakeEventBridge(fail=first_time), []
    # When the 15 entries are published
    unsent = put_events(_entries(15), client=client, sleep=_no_sleep(delays))
    # Then everything went out, and the retry carried exactly the two rejected entries
    assert unsent == []
    assert [sorted(entry["Detail"] for entry in call) for call in client.calls[2:]] == [["12", "3"]]
    assert client.sent()["3"] == client.sent()["12"] == 2
    assert sum(client.sent().values()) == 17
    assert len(delays) == 1


def test_a_call_that_raises_is_retried_as_a_whole_chunk() -> None:
    # Given the second PutEvents call (entries 10-19) fails with a network error
    client = FakeEventBridge(raise_on_calls={2})
    unsent = put_events(_entries(25), client=client, sleep=_no_sleep([]))
    assert unsent == []
    # Then that chunk, and only that chunk, was sent again
    assert [len(call) for call in client.calls] == [10, 10, 5, 10]
    assert [entry["Detail"] for entry in client.calls[3]] == [str(index) for index in range(10, 20)]


def test_what_still_fails_after_every_attempt_is_returned() -> None:
    client, delays = FakeEventBridge(fail=lambda _call, entry: entry["Detail"] in {"7", "21"}), []
    unsent = put_events(_entries(22), client=client, sleep=_no_sleep(delays))
    assert unsent == [7, 21]
    assert client.sent()["7"] == client.sent()["21"] == MAX_ATTEMPTS
    assert client.sent()["0"] == 1
    assert len(delays) == MAX_ATTEMPTS - 1
    assert delays == sorted(delays)  # backing off


def test_no_entries_no_call() -> None:
    client = FakeEventBridge()
    assert put_events([], client=client, sleep=_no_sleep([])) == []
    assert client.calls == []


# ---------------------------------------------------------------- stream batches

_sequence = iter(range(1_000, 1_000_000))


def _record(event_name: str, image: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventID": f"id-{len(image)}",
        "eventName": event_name,
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-1",
        "dynamodb": {"SequenceNumber": str(next(_sequence)), "NewImage": image},
    }


def _envelope(model: type = PartnershipStageChanged) -> EventEnvelope:
    return EventEnvelope.new(
        examples()[model],
        tenant_id="acme",
        actor=SYSTEM,
        occurred_at=datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
    )


def _outbox_record(envelope: EventEnvelope, event_name: str = "INSERT") -> dict[str, Any]:
    """The stream record of an outbox item exactly as the service writes it."""
    return _record(event_name, outbox_item(UnitOutbox, envelope).serialize())


def _partnership_record(event_name: str = "INSERT") -> dict[str, Any]:
    return _record(
        event_name,
        {
            "pk": {"S": "ORG#acme#PARTNERSHIP#p1#"},
            "sk": {"S": "PARTNERSHIP#"},
            "entity": {"S": "Partnership"},
            "stage": {"S": "onboarding"},
        },
    )


def _failures(result: dict[str, Any]) -> list[str]:
    return [failure["itemIdentifier"] for failure in result["batchItemFailures"]]


def test_outbox_inserts_are_published_as_their_eventbridge_entries() -> None:
    # Given a batch with two outbox inserts between other records
    created, changed = _envelope(PartnershipCreated), _envelope(PartnershipStageChanged)
    records = [
        _partnership_record(),
        _outbox_record(created),
        _partnership_record("MODIFY"),
        _outbox_record(changed),
    ]
    client = FakeEventBridge()
    # When the publisher handles it
    result = handle_stream_batch({"Records": records}, client=client)
    # Then one PutEvents call carried exactly the two events, as the catalogue says they look
    assert _failures(result) == []
    assert len(client.calls) == 1
    for sent, envelope in zip(client.calls[0], [created, changed], strict=True):
        expected = eventbridge_entry(envelope, bus_name="trellis")
        assert json.loads(sent.pop("Detail")) == json.loads(expected.pop("Detail"))
        assert sent == expected


def test_records_other_than_outbox_inserts_are_ignored() -> None:
    envelope = _envelope()
    records = [
        _partnership_record(),
        _partnership_record("MODIFY"),
        _outbox_record(envelope, "MODIFY"),
        _outbox_record(envelope, "REMOVE"),
        {"eventName": "INSERT", "dynamodb": {"SequenceNumber": "1"}},
    ]
    client = FakeEventBridge()
    assert _failures(handle_stream_batch({"Records": records}, client=client)) == []
    assert client.calls == []


def test_an_empty_batch_is_fine() -> None:
    assert handle_stream_batch({"Records": []}, client=FakeEventBridge()) == {"batchItemFailures": []}


def test_the_lowest_unpublished_sequence_number_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("trellis.publisher.BACKOFF_SECONDS", 0)
    # Given five outbox records of which EventBridge keeps rejecting the 4th and the 2nd
    envelopes = [_envelope() for _ in range(5)]
    records = [_outbox_record(envelope) for envelope in envelopes]
    rejected = {envelopes[3].id, envelopes[1].id}
    client = FakeEventBridge(fail=lambda _call, entry: json.loads(entry["Detail"])["id"] in rejected)
    # When the batch is handled
    result = handle_stream_batch({"Records": records}, client=client)
    # Then Lambda is told to resume from the 2nd record (stream order), and nothing else is reported
    assert _failures(result) == [records[1]["dynamodb"]["SequenceNumber"]]


@pytest.mark.parametrize(
    "break_it",
    [
        lambda image: image.update(detail={"S": "{not json"}),
        lambda image: image.update(detail={"S": json.dumps(["not", "an", "envelope"])}),
        lambda image: image.update(detail={"S": json.dumps({"id": "e1"})}),
        lambda image: image.pop("detail"),
    ],
    ids=["not-json", "not-an-object", "not-an-envelope", "no-detail"],
)
def test_a_malformed_outbox_record_is_reported_and_the_others_still_go_out(
    break_it: Callable[[dict[str, Any]], Any],
) -> None:
    records = [_outbox_record(_envelope()) for _ in range(4)]
    break_it(records[2]["dynamodb"]["NewImage"])
    client = FakeEventBridge()
    result = handle_stream_batch({"Records": records}, client=client)
    assert _failures(result) == [records[2]["dynamodb"]["SequenceNumber"]]
    assert len(client.calls) == 1
    assert len(client.calls[0]) == 3


def test_a_malformed_record_before_a_failed_send_is_the_one_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("trellis.publisher.BACKOFF_SECONDS", 0)
    # Given record 1 is malformed and EventBridge keeps rejecting record 3
    envelopes = [_envelope() for _ in range(4)]
    records = [_outbox_record(envelope) for envelope in envelopes]
    records[1]["dynamodb"]["NewImage"]["detail"] = {"S": "{"}
    client = FakeEventBridge(fail=lambda _call, entry: json.loads(entry["Detail"])["id"] == envelopes[3].id)
    # Then the batch resumes from record 1, the lowest of the two
    result = handle_stream_batch({"Records": records}, client=client)
    assert _failures(result) == [records[1]["dynamodb"]["SequenceNumber"]]

"""The whole pipe, in process: partners API → table stream → publisher → bus rule → queue → consumer → inbox.

Each hop is the real thing moto offers: the stream records of the partners table, the template's
stream filter, PutEvents on the "trellis" bus, the template's rule delivering to the notifications
queue, and the consumer reading an SQS batch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import recording
from tests.helpers.events import eventbridge_event, sqs_message, stage_changed
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, sqs_event, stream_event
from tests.helpers.people import BEN, CLEO
from trellis.events import SYSTEM, EventEnvelope
from trellis.events.catalogue import examples
from trellis.events.profiles import IcpUpdated

QUEUE = "NotificationsEventsQueue"
Deliver = Callable[..., Any]


def _publish_partners_stream(aws: Stack, function: Callable[[str], FunctionRunner]) -> list[dict[str, Any]]:
    """Play the partners publisher's event source mapping once: filtered stream records → the function."""
    [mapping] = [m for m in aws.template.stream_mappings if m.table == "PartnersTable"]
    records = aws.filtered_stream_records("PartnersTable")
    response = function(mapping.function).invoke(stream_event(records))
    assert response == {"batchItemFailures": []}
    return records


def _receive_all(aws: Stack) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while batch := aws.receive(QUEUE):
        messages += batch
    return messages


def _consume(aws: Stack, consumer: FunctionRunner, messages: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = consumer.invoke(sqs_event(messages, queue_arn=aws.queue_arns[QUEUE]))
    return result


def _titles(inbox: ApiClient, user: Any) -> list[str]:
    return [item["title"] for item in inbox.get("/notifications", user=user).json()["items"]]


def test_a_stage_change_lands_in_the_assigned_users_inbox_exactly_once(
    aws: Stack,
    partners: ApiClient,
    service: Callable[..., ApiClient],
    function: Callable[[str], FunctionRunner],
    consumer: FunctionRunner,
) -> None:
    # Given a partnership assigned to Ben and Cleo, moved on by Ben
    created = partners.post(
        "/partnerships",
        json_body={
            "company_name": "Northwind",
            "partnership_type": "reseller",
            "assigned_user_ids": ["u-ben", "u-cleo"],
        },
    ).json()
    moved = partners.put(f"/partnerships/{created['id']}/stage", user=BEN, json_body={"stage": "onboarding"})
    assert moved.status == 200, moved.text

    # When the stream reaches the publisher through the template's filter
    published = _publish_partners_stream(aws, function)
    # Then only the outbox inserts passed the filter (after those of the directory's set-up)
    types = [json.loads(r["dynamodb"]["NewImage"]["detail"]["S"])["type"] for r in published]
    assert [kind for kind in types if kind != "UserRegistered"] == [
        "PartnershipCreated",
        "PartnershipStageChanged",
    ]

    # And the bus rule routed them to the notifications queue (the directory learns from the users'
    # registrations and the creation; the stage change notifies)
    messages = [m for m in _receive_all(aws) if json.loads(m["Body"])["detail-type"] != "UserRegistered"]
    assert [json.loads(m["Body"])["detail-type"] for m in messages] == [
        "PartnershipCreated", "PartnershipStageChanged"]
    delivered = json.loads(messages[1]["Body"])
    assert delivered["source"] == "trellis.partners"
    assert delivered["detail-type"] == "PartnershipStageChanged"
    assert delivered["detail"]["data"]["partnership_id"] == created["id"]
    assert delivered["detail"]["actor"]["user_id"] == "u-ben"

    # When the consumer gets the batch
    assert _consume(aws, consumer, messages) == {"batchItemFailures": []}
    # Then Cleo has one notification, and Ben (who made the change) none
    inbox = service("notifications")
    assert _titles(inbox, CLEO) == ["Northwind moved to onboarding"]
    assert (
        inbox.get("/notifications", user=CLEO).json()["items"][0]["link"] == f"/partnerships/{created['id']}"
    )
    assert _titles(inbox, BEN) == []

    # When SQS delivers the same message again
    assert _consume(aws, consumer, messages) == {"batchItemFailures": []}
    # Then there is still one notification, counted once
    assert _titles(inbox, CLEO) == ["Northwind moved to onboarding"]
    assert inbox.get("/notifications/unread-count", user=CLEO).json() == {"unread": 1}


def test_the_publisher_ignores_what_the_filter_would_have_dropped(
    aws: Stack, partners: ApiClient, function: Callable[[str], FunctionRunner]
) -> None:
    # Given a partnership created and moved: partnership, activity and outbox records on the stream,
    # and its list entries (the one of its old stage removed)
    created = partners.post(
        "/partnerships", json_body={"company_name": "N", "partnership_type": "referral"}
    ).json()
    partners.put(f"/partnerships/{created['id']}/stage", json_body={"stage": "onboarding"})
    records = aws.stream_records("PartnersTable")
    assert {r["eventName"] for r in records} == {"INSERT", "MODIFY", "REMOVE"}
    # When the publisher is handed every record unfiltered
    response = function("PartnersPublisherFunction").invoke(stream_event(records))
    # Then it still publishes each event once: one creation and one stage change reach the queue
    assert response == {"batchItemFailures": []}
    types = [json.loads(m["Body"])["detail-type"] for m in _receive_all(aws)]
    assert [kind for kind in types if kind != "UserRegistered"] == [
        "PartnershipCreated", "PartnershipStageChanged"]


def test_the_consumer_is_idempotent_on_the_event_id(
    aws: Stack, service: Callable[..., ApiClient], deliver: Deliver
) -> None:
    event = stage_changed(assigned=["u-cleo"], company_name="Contoso")
    # Given the event was handled once
    assert deliver(event).failed == []
    # When it arrives again in another SQS message, wrapped in another EventBridge event,
    # even with its data changed (a producer retry must not notify twice)
    again = eventbridge_event(event.model_copy(update={"data": {**event.data, "company_name": "Changed"}}))
    assert deliver(again).failed == []
    # Then Cleo was told once, and one idempotency record exists for the event
    inbox = service("notifications")
    assert _titles(inbox, CLEO) == ["Contoso moved to onboarding"]
    assert inbox.get("/notifications/unread-count", user=CLEO).json() == {"unread": 1}
    assert aws.count("IdempotencyTable") == 1
    # And a different event is a different record
    assert deliver(stage_changed(assigned=["u-cleo"], company_name="Fabrikam")).failed == []
    assert aws.count("IdempotencyTable") == 2
    assert _titles(inbox, CLEO) == ["Fabrikam moved to onboarding", "Contoso moved to onboarding"]


@pytest.mark.parametrize(
    "poison",
    [
        "this is not json",
        json.dumps({"detail-type": "PartnershipStageChanged", "source": "trellis.partners"}),
        json.dumps({"detail": {"id": "e1", "type": "PartnershipStageChanged"}}),
        json.dumps(eventbridge_event(stage_changed().model_copy(update={"data": {"partnership_id": "p1"}}))),
    ],
    ids=["not-json", "no-detail", "not-an-envelope", "data-not-of-its-type"],
)
def test_a_poison_message_is_reported_while_the_rest_of_the_batch_succeeds(
    aws: Stack, consumer: FunctionRunner, service: Callable[..., ApiClient], poison: str
) -> None:
    # Given a batch with a poison message between two good ones
    good = [
        sqs_message(eventbridge_event(stage_changed(assigned=["u-cleo"], company_name=name)))
        for name in ("Before", "After")
    ]
    bad = sqs_message(poison)
    # When the consumer handles it
    result = _consume(aws, consumer, [good[0], bad, good[1]])
    # Then only the poison message is reported (SQS retries it, then moves it to the DLQ)
    assert result == {"batchItemFailures": [{"itemIdentifier": bad["MessageId"]}]}
    # And both good events were delivered
    titles = _titles(service("notifications"), CLEO)
    assert sorted(titles) == ["After moved to onboarding", "Before moved to onboarding"]


def test_an_event_type_the_consumer_does_not_handle_is_acknowledged(
    aws: Stack, consumer: FunctionRunner
) -> None:
    icp = EventEnvelope.new(examples()[IcpUpdated], tenant_id="acme", actor=SYSTEM)
    result = _consume(aws, consumer, [sqs_message(eventbridge_event(icp))])
    assert result == {"batchItemFailures": []}
    assert aws.count("NotificationsTable") == 0


def test_an_event_costs_one_transaction_per_recipient_and_a_redelivery_none(deliver: Deliver) -> None:
    event = stage_changed(assigned=["u-ben", "u-cleo"])
    # When the event is handled the first time
    with recording() as first:
        assert deliver(event).failed == []
    # Then, between taking and completing the idempotency record: the directory's assignees (UpdateItem),
    # the partnership and the people named (2 BatchGetItem), each recipient's notification with its
    # unread count (one transaction each; nobody is in the directory, so no emails) and acme's webhook
    # endpoints (Query)
    assert first.on("NotificationsTable") == [
        "UpdateItem", "BatchGetItem", "BatchGetItem", "TransactWriteItems", "TransactWriteItems", "Query"]
    assert first.on("IdempotencyTable")[0] == "PutItem"
    assert first.on("IdempotencyTable")[-1] == "UpdateItem"
    # When it is delivered again, the notifications table is not touched at all
    with recording() as again:
        assert deliver(event).failed == []
    assert again.on("NotificationsTable") == []

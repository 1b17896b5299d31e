"""Notifications (issue #5, item 8): events per second through the consumer, and a digest for 10,000
users. In moto, in process, with the functions' own handlers; ``python -m bench notifications``.

- Consumer: stage changes of partnerships with two assigned vendor users and a joined partner with
  two admins, in SQS batches of 10 through ``NotificationsConsumerFunction``'s handler (idempotency,
  directory, four inbox notifications and four queued emails per event, a webhook lookup for each
  organisation). Beside it, the same number of events through a consumer whose rule table is empty
  (envelope validation and idempotency only): the ratio is the price of the rules and channels.
- Digest: 10,000 daily subscribers with three notifications each; the schedule's handler fans out,
  then the worker runs every step and continuation off the digest queue. Reported: steps, the largest
  step, the slowest step beside the Lambda timeout, and calls per subscriber.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from bench.harness import Context as ApiContext
from bench.harness import Tally, create_table, environment, tally
from local.template import ROOT

for _path in (ROOT / "shared", ROOT / "services" / "notifications"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

EVENTS = int(os.environ.get("BENCH_NOTIFICATION_EVENTS", "500"))
SUBSCRIBERS = int(os.environ.get("BENCH_DIGEST_USERS", "10000"))
SECRET = "bench-notifications-secret-0123456789abcdef0123456789"  # noqa: S105 - a bench-only key  # nosec B105
RUN_AT = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
WORKER_TIMEOUT_SECONDS = 120
QUEUES = ("NotificationsEmailQueue", "NotificationsWebhookQueue", "NotificationsDigestQueue")


class Context(ApiContext):
    """A consumer's context: idempotency records the time left."""

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 900_000


@dataclass
class Throughput:
    name: str
    events: int
    seconds: float
    counted: Tally

    @property
    def per_second(self) -> float:
        return self.events / self.seconds


@dataclass
class Digest:
    subscribers: int
    steps: int
    largest_step: int
    slowest_step_seconds: float
    seconds: float
    queued: int
    counted: Tally


def _queues() -> dict[str, str]:
    sqs = boto3.client("sqs")
    return {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in QUEUES}


def _sqs_batch(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "r",
                "body": json.dumps(body),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:q",
                "awsRegion": "eu-west-1",
            }
            for body in bodies
        ]
    }


def _bus(envelope: Any) -> dict[str, Any]:
    from trellis.events.catalogue import eventbridge_entry

    entry = eventbridge_entry(envelope, bus_name="trellis")
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": "123456789012",
        "time": "2026-11-23T00:00:00Z",
        "region": "eu-west-1",
        "resources": [],
        "detail": json.loads(entry["Detail"]),
    }


def _world(partnerships: int) -> list[Any]:
    """The directory's events: acme's 20 users, partnerships each with 2 assignees and a partner
    organisation of 2 admins."""
    from trellis.events import SYSTEM, EventEnvelope
    from trellis.events.organisations import PartnerJoined, UserRegistered
    from trellis.events.partners import PartnershipCreated

    at = RUN_AT - timedelta(days=30)
    events = [
        EventEnvelope.new(
            UserRegistered(
                user_id=f"u-{n}",
                organisation_id="acme",
                email=f"u{n}@acme.example",
                name=f"User {n}",
                roles=["partner_manager"],
            ),
            tenant_id="acme",
            actor=SYSTEM,
            occurred_at=at,
        )
        for n in range(20)
    ]
    for p in range(partnerships):
        partner = f"partner-{p}"
        events.append(
            EventEnvelope.new(
                PartnershipCreated(
                    partnership_id=f"p{p}",
                    company_name=f"Partner {p}",
                    partnership_type="reseller",
                    stage="recruitment",
                    assigned_user_ids=[f"u-{p % 20}", f"u-{(p + 1) % 20}"],
                ),
                tenant_id="acme",
                actor=SYSTEM,
                occurred_at=at,
            )
        )
        events.append(
            EventEnvelope.new(
                PartnerJoined(
                    partnership_id=f"p{p}",
                    company_name=f"Partner {p}",
                    partner_organisation_id=partner,
                    organisation_created=True,
                    user_id=f"{partner}-a",
                    email=f"a@{partner}.example",
                ),
                tenant_id="acme",
                actor=SYSTEM,
                occurred_at=at,
            )
        )
        events += [
            EventEnvelope.new(
                UserRegistered(
                    user_id=f"{partner}-{who}",
                    organisation_id=partner,
                    email=f"{who}@{partner}.example",
                    name=who,
                    roles=["partner_admin"],
                ),
                tenant_id=partner,
                actor=SYSTEM,
                occurred_at=at,
            )
            for who in ("a", "b")
        ]
    return events


def _run(handler: Any, envelopes: list[Any], name: str) -> Throughput:
    bodies = [_bus(envelope) for envelope in envelopes]
    started = time.perf_counter()
    with tally() as counted:
        for first in range(0, len(bodies), 10):
            response = handler(_sqs_batch(bodies[first : first + 10]), Context())
            if response["batchItemFailures"]:
                raise RuntimeError(f"{name}: {len(response['batchItemFailures'])} events failed")
    return Throughput(name, len(bodies), time.perf_counter() - started, counted)


def _stage_changes(count: int, partnerships: int) -> list[Any]:
    from trellis.events import SYSTEM, EventEnvelope
    from trellis.events.partners import PartnershipStageChanged

    return [
        EventEnvelope.new(
            PartnershipStageChanged(
                partnership_id=f"p{n % partnerships}",
                company_name=f"Partner {n % partnerships}",
                from_stage="recruitment",
                to_stage=f"stage-{n}",
                assigned_user_ids=[f"u-{n % 20}", f"u-{(n + 1) % 20}"],
            ),
            tenant_id="acme",
            actor=SYSTEM,
        )
        for n in range(count)
    ]


def _consumer() -> tuple[Throughput, Throughput]:
    from notifications.handlers.consumer import consumer
    from trellis.consumer import Consumer

    partnerships = 50
    setup = _run(consumer.lambda_handler, _world(partnerships), "directory")
    del setup
    rules = _run(
        consumer.lambda_handler, _stage_changes(EVENTS, partnerships), "stage changes, full consumer"
    )
    bare = Consumer("bench-bare", {"PartnershipStageChanged": lambda envelope, data: None})
    floor = _run(
        bare.lambda_handler,
        _stage_changes(EVENTS, partnerships),
        "stage changes, validation + idempotency only",
    )
    return rules, floor


def _subscribers() -> None:
    """10,000 daily subscribers with 3 notifications each in the last day, written in batches."""
    from notifications.dal import directory
    from notifications.dal.inbox import inbox_pk, notification_sk
    from notifications.dal.tables import NotificationItem, RecipientItem

    with RecipientItem.batch_write() as recipients, NotificationItem.batch_write() as notices:
        for n in range(SUBSCRIBERS):
            org, user = f"org-{n // 10}", f"u-{n}"
            recipients.save(
                RecipientItem(
                    pk=directory.directory_pk(org),
                    sk=directory.user_sk(user),
                    user_id=user,
                    email=f"{user}@{org}.example",
                    name=f"User {n}",
                    roles={"member"},
                    active=True,
                    digest="daily",
                    gsi1pk=directory.digest_shard_pk("daily", n % directory.DIGEST_SHARDS),
                    gsi1sk=f"ORG#{org}#USER#{user}#",
                )
            )
            for k in range(3):
                at = RUN_AT - timedelta(hours=k + 1)
                notification_id = f"{at:%Y%m%d%H%M%S%f}-{uuid.uuid4().hex}"
                notices.save(
                    NotificationItem(
                        pk=inbox_pk(org, user),
                        sk=notification_sk(notification_id),
                        notification_id=notification_id,
                        event_id=uuid.uuid4().hex,
                        category="partnership_stage",
                        title=f"Partner {k} moved",
                        body="moved",
                        link="/partnerships/p",
                        delivered_at=at,
                    )
                )


def _digest(queue_url: str) -> Digest:
    from notifications.handlers import digest

    _subscribers()
    sqs = boto3.client("sqs")
    started = time.perf_counter()
    steps = largest = queued = 0
    slowest = 0.0
    with tally() as counted:
        digest.handler({"scheduled_for": RUN_AT.isoformat()}, Context())
        while True:
            messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                break
            for message in messages:
                body = json.loads(message["Body"])
                step_started = time.perf_counter()
                before = _digests_queued()
                response = digest.worker(_sqs_batch([body]), Context())
                if response["batchItemFailures"]:
                    raise RuntimeError("a digest step failed")
                slowest = max(slowest, time.perf_counter() - step_started)
                made = _digests_queued() - before
                queued += made
                largest = max(largest, made)
                steps += 1
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return Digest(SUBSCRIBERS, steps, largest, slowest, time.perf_counter() - started, queued, counted)


def _digests_queued() -> int:
    from moto.sqs.models import sqs_backends

    queue = sqs_backends["123456789012"]["eu-west-1"].queues["NotificationsEmailQueue"]
    return len(queue._messages)


def measure() -> tuple[Throughput, Throughput, Digest]:
    from moto import mock_aws

    from trellis.settings import get_settings

    with mock_aws():
        environment("notifications-consumer", "NotificationsTable")
        create_table("NotificationsTable")
        create_table("IdempotencyTable")
        urls = _queues()
        os.environ.update(
            {
                "IDEMPOTENCY_TABLE_NAME": "IdempotencyTable",
                "NOTIFICATIONS_SECRET_KEY": SECRET,
                "EMAIL_QUEUE_URL": urls["NotificationsEmailQueue"],
                "WEBHOOK_QUEUE_URL": urls["NotificationsWebhookQueue"],
                "DIGEST_QUEUE_URL": urls["NotificationsDigestQueue"],
            }
        )
        get_settings.cache_clear()
        rules, floor = _consumer()
        digest = _digest(urls["NotificationsDigestQueue"])
    return rules, floor, digest


def table(rules: Throughput, floor: Throughput, digest: Digest) -> str:
    def calls(counted: Tally, per: int) -> str:
        return ", ".join(
            f"{name} {count / per:.1f}" for name, count in sorted(Counter(counted.calls).items())
        )

    return "\n".join(
        [
            "In moto, in process (moto answers in milliseconds what DynamoDB answers in single-digit ms; the",
            "ratios and counts are the portable part).",
            "",
            "| consumer run | events | events/s | vs validation + idempotency only "
            "| DynamoDB calls per event |",
            "|---|---:|---:|---:|---|",
            f"| {rules.name} | {rules.events} | {rules.per_second:,.0f} | "
            f"{rules.per_second / floor.per_second:.2f}× | {calls(rules.counted, rules.events)} |",
            f"| {floor.name} | {floor.events} | {floor.per_second:,.0f} | 1.00× | "
            f"{calls(floor.counted, floor.events)} |",
            "",
            "| digest run | subscribers | steps | largest step (digests) | slowest step | worker timeout | "
            "digests queued | calls per subscriber |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
            f"| daily, 3 notifications each | {digest.subscribers:,} | {digest.steps} "
            f"| {digest.largest_step} | "
            f"{digest.slowest_step_seconds:.1f} s | {WORKER_TIMEOUT_SECONDS} s | {digest.queued:,} | "
            f"{calls(digest.counted, digest.subscribers)} |",
        ]
    )


NOTES = """\
### Reading the notifications tables

- Per stage change the consumer takes the idempotency record (PutItem, UpdateItem), updates the
  directory's assignees (UpdateItem), reads the partnership and the people named (2 BatchGetItem)
  and the partner's people (Query), then per person one inbox transaction and one queued email
  (PutItem + SQS), and per organisation one Query of its webhook endpoints.
- A digest step handles at most 100 subscribers whatever their number: 10,000 subscribers are ~100
  steps, each far inside the worker's timeout; a bigger audience means more steps, not longer ones.
"""


if __name__ == "__main__":
    print(table(*measure()))

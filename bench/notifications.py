"""Notifications (issue #5, item 8): events per second through the consumer, and a digest for 10,000
users. In moto, in process, with the functions' own handlers; ``python -m bench notifications``.

- Consumer: stage changes of partnerships with two assigned vendor users and a joined partner with
  two admins, in SQS batches of 10 through ``NotificationsConsumerFunction``'s handler (idempotency,
  directory, four inbox notifications and four queued emails per event, a webhook lookup for each
  organisation). Beside it, the same number of events through a consumer whose rule table is empty
  (envelope validation and idempotency only): the ratio is the price of the rules and channels.
- Digest: 10,000 daily subscribers with three notifications each; the schedule's handler fans out,
  then the worker runs every step and continuation off the digest queue; the email worker sends a
  sample of the digests; the same schedule is run again. Reported: steps, the largest step, the
  slowest step beside the Lambda timeout, calls per subscriber (DynamoDB, SQS) and per digest sent
  (DynamoDB, SES), and the time of the whole part, each beside its goal.
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
from bench.harness import Tally, count_calls_of, create_secrets, create_table, environment, tally
from bench.lean_moto import direct_fill, lean_moto
from local.template import ROOT

for _path in (ROOT / "shared", ROOT / "services" / "notifications"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

# 200 events show the per-event calls and rate (each event is alike); `make bench` must fit in 30 minutes.
EVENTS = int(os.environ.get("BENCH_NOTIFICATION_EVENTS", "200"))
SUBSCRIBERS = int(os.environ.get("BENCH_DIGEST_USERS", "10000"))
# The email worker's work per digest is the same for every digest: a sample shows it (and keeps the
# part inside its time on a shared machine; moto spends ~as long on an email as on a digest step's
# share of a subscriber).
EMAILS_SENT = int(os.environ.get("BENCH_DIGEST_EMAILS", "300"))
SECRET = "bench-notifications-secret-0123456789abcdef0123456789"  # noqa: S105 - a bench-only key  # nosec B105
RUN_AT = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
WORKER_TIMEOUT_SECONDS = 120
count_calls_of("sqs", "SQS")
count_calls_of("ses", "SES")
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
    sent: int
    sample: int
    delivery_seconds: float
    delivered: Tally
    rerun_steps: int
    rerun_queued: int
    part_seconds: float = 0.0
    part_cpu_seconds: float = 0.0


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
            _consume_outgoing()
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
    from trellis.events.partners import PartnershipStageChanged

    partnerships = 50
    setup = _run(consumer.lambda_handler, _world(partnerships), "directory")
    del setup
    rules = _run(
        consumer.lambda_handler, _stage_changes(EVENTS, partnerships), "stage changes, full consumer"
    )
    bare = Consumer("bench-bare", {PartnershipStageChanged: lambda envelope, data: None})
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


def _steps(worker: Any) -> tuple[int, int, int, float, list[str]]:
    """Run every digest step off the digest queue (and the continuations they queue), one message per
    invocation as the worker's event source mapping does; (steps, digests queued, the most in one
    step, the slowest step's seconds, the queued emails' bodies)."""
    steps = queued = largest = 0
    slowest = 0.0
    emails: list[str] = []
    while messages := _take("NotificationsDigestQueue"):
        for body in messages:
            step_started = time.perf_counter()
            response = worker(_sqs_batch([json.loads(body)]), Context())
            if response["batchItemFailures"]:
                raise RuntimeError("a digest step failed")
            slowest = max(slowest, time.perf_counter() - step_started)
            made = _take("NotificationsEmailQueue")
            emails += made
            queued += len(made)
            largest = max(largest, len(made))
            steps += 1
    return steps, queued, largest, slowest, emails


def _send_emails(bodies: list[str]) -> int:
    """The email worker on the queued digests, in SQS batches of 10; how many SES accepted (moto's
    copies of them are dropped as they come, so memory does not grow with the audience)."""
    from moto.ses.models import ses_backends

    from notifications.handlers import email_worker

    ses = ses_backends["123456789012"]["eu-west-1"]
    sent = 0
    for first in range(0, len(bodies), 10):
        response = email_worker.handler(
            _sqs_batch([json.loads(body) for body in bodies[first : first + 10]]), Context())
        if response["batchItemFailures"]:
            raise RuntimeError(f"{len(response['batchItemFailures'])} digest emails failed")
        sent += len(ses.sent_messages)
        ses.sent_messages.clear()
    return sent


def _digest() -> Digest:
    from notifications.handlers import digest
    from trellis.settings import get_settings

    with direct_fill():
        _subscribers()
    boto3.client("ses").verify_email_identity(EmailAddress=get_settings().email_from)
    schedule = {"scheduled_for": RUN_AT.isoformat()}
    started = time.perf_counter()
    with tally() as counted:
        digest.handler(schedule, Context())
        steps, queued, largest, slowest, emails = _steps(digest.worker)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    sample = emails[:: max(1, len(emails) // EMAILS_SENT)][:EMAILS_SENT]
    with tally() as delivered:
        sent = _send_emails(sample)
    delivery_seconds = time.perf_counter() - started
    # The same schedule again (EventBridge Scheduler delivers at least once): nothing is sent twice.
    digest.handler(schedule, Context())
    rerun_steps, rerun_queued, _, _, _ = _steps(digest.worker)
    return Digest(SUBSCRIBERS, steps, largest, slowest, seconds, queued, counted, sent, len(sample),
                  delivery_seconds, delivered, rerun_steps, rerun_queued)


def _take(queue: str) -> list[str]:
    """The bodies of the messages waiting on a queue, taken off it, as its consumer would (moto counts
    every message of a queue on each SendMessage: a queue left to grow makes sends quadratic)."""
    from moto.sqs.models import sqs_backends

    waiting = sqs_backends["123456789012"]["eu-west-1"].queues[queue]
    bodies = [message.body for message in waiting._messages]
    waiting._messages = []
    return bodies


def _consume_outgoing() -> None:
    """Take the consumer's queued emails and webhook deliveries off their queues, as their workers
    would. Left there they would slow every later send: moto counts every message of a queue on each
    SendMessage (it builds the queue's attributes), so a queue that only grows makes sends quadratic."""
    _take("NotificationsEmailQueue")
    _take("NotificationsWebhookQueue")


def measure() -> tuple[Throughput, Throughput, Digest]:
    from moto import mock_aws

    from trellis.settings import get_settings

    started, cpu_started = time.perf_counter(), time.process_time()
    with mock_aws(), lean_moto():
        environment("notifications-consumer", "NotificationsTable")
        create_secrets(NOTIFICATIONS_SECRET_KEY_ARN=SECRET)
        create_table("NotificationsTable")
        create_table("IdempotencyTable")
        urls = _queues()
        os.environ.update(
            {
                "IDEMPOTENCY_TABLE_NAME": "IdempotencyTable",
                "EMAIL_QUEUE_URL": urls["NotificationsEmailQueue"],
                "WEBHOOK_QUEUE_URL": urls["NotificationsWebhookQueue"],
                "DIGEST_QUEUE_URL": urls["NotificationsDigestQueue"],
            }
        )
        get_settings.cache_clear()
        rules, floor = _consumer()
        digest = _digest()
    digest.part_seconds = time.perf_counter() - started
    digest.part_cpu_seconds = time.process_time() - cpu_started
    return rules, floor, digest


def _calls(counted: Tally, per: int, *, digits: int = 1) -> str:
    counts = sorted(Counter(counted.calls).items())
    return ", ".join(f"{name} {count / per:.{digits}f}" for name, count in counts)


def _total(counted: Tally, prefix: str) -> int:
    return sum(1 for name in counted.calls if name.startswith(prefix))


def _dynamodb(counted: Tally) -> int:
    return sum(1 for name in counted.calls if not name.startswith(("SQS ", "SES ")))


def _yes(holds: bool) -> str:
    return "yes" if holds else "**no**"


def table(rules: Throughput, floor: Throughput, digest: Digest) -> str:
    from notifications.dal.directory import DIGEST_SHARDS
    from notifications.logic.digests import PAGE

    n = digest.subscribers
    most_steps = -(-n // PAGE) + DIGEST_SHARDS  # every shard's pages, and perhaps one empty last page each
    step_budget = WORKER_TIMEOUT_SECONDS / 4
    part_minutes = digest.part_seconds / 60
    rows = [
        ("subscribers (daily, 3 notifications each in the day)", f"{n:,}", "10,000 (issue #5)",
         _yes(n >= 10_000)),
        (f"steps ({DIGEST_SHARDS} shards, pages of {PAGE})", f"{digest.steps}",
         f"≤ {most_steps}: subscribers / {PAGE}, plus one last page per shard",
         _yes(digest.steps <= most_steps)),
        ("largest step", f"{digest.largest_step} digests", f"≤ {PAGE} whatever the audience",
         _yes(digest.largest_step <= PAGE)),
        ("slowest step beside the worker's Lambda timeout",
         f"{digest.slowest_step_seconds:.1f} s of {WORKER_TIMEOUT_SECONDS} s "
         f"(mean {digest.seconds / max(digest.steps, 1):.1f} s)",
         f"≤ {step_budget:.0f} s (a quarter of the timeout)",
         _yes(digest.slowest_step_seconds <= step_budget)),
        ("digests queued", f"{digest.queued:,}", "one per subscriber (every one had news)",
         _yes(digest.queued == n)),
        ("digests sent by the email worker (a sample, spread over the steps)",
         f"{digest.sent:,} of {digest.sample:,}", "every one SES accepted",
         _yes(digest.sent == digest.sample)),
        ("the same schedule run again", f"{digest.rerun_steps} steps, {digest.rerun_queued} digests",
         "0 digests: nothing sent twice", _yes(digest.rerun_queued == 0)),
        ("steps: DynamoDB calls per subscriber", _calls(_only(digest.counted, dynamodb=True), n, digits=2),
         "3 (inbox Query, email PutItem, watermark UpdateItem) + one index page per step",
         _yes(_dynamodb(digest.counted) <= 3 * n + digest.steps)),
        ("steps: SQS calls per subscriber", _calls(_only(digest.counted, dynamodb=False), n, digits=2),
         "1 (the queued email) + the steps' own messages",
         _yes(_total(digest.counted, "SQS ") <= n + digest.steps)),
        ("email worker: calls per digest", _calls(digest.delivered, max(digest.sent, 1), digits=2),
         "1 SES call, 2 DynamoDB (read the email, mark it sent)",
         _yes(_total(digest.delivered, "SES ") == digest.sent
              and _dynamodb(digest.delivered) <= 2 * digest.sent)),
        ("time: all steps; email worker per digest sent",
         f"{digest.seconds:.0f} s; {1000 * digest.delivery_seconds / max(digest.sample, 1):.0f} ms",
         "(moto, in process, on a shared machine)", "-"),
        ("time: this whole part (consumer, subscribers written, digest, re-run)",
         f"{part_minutes:.1f} min ({digest.part_cpu_seconds / 60:.1f} min of CPU: "
         f"{digest.part_cpu_seconds / digest.part_seconds:.0%} of a core)",
         "≤ 15 min (`make bench` ≤ 30 min, issue #8)", _yes(part_minutes <= 15)),
    ]
    return "\n".join(
        [
            "In moto, in process (moto answers in milliseconds what DynamoDB answers in single-digit ms; the",
            "ratios and counts are the portable part). Calls are DynamoDB's unless marked SQS or SES.",
            "",
            "| consumer run | events | events/s | vs validation + idempotency only | calls per event |",
            "|---|---:|---:|---:|---|",
            f"| {rules.name} | {rules.events} | {rules.per_second:,.0f} | "
            f"{rules.per_second / floor.per_second:.2f}× | {_calls(rules.counted, rules.events)} |",
            f"| {floor.name} | {floor.events} | {floor.per_second:,.0f} | 1.00× | "
            f"{_calls(floor.counted, floor.events)} |",
            "",
            "No throughput goal is set for the consumer: its calls per event are fixed by whom an event",
            "tells (four people, two organisations here), not by how much is stored.",
            "",
            f"| digest for {n:,} users | measured | goal | holds |",
            "|---|---|---|---|",
            *(f"| {what} | {measured} | {goal} | {holds} |" for what, measured, goal, holds in rows),
        ]
    )


def _only(counted: Tally, *, dynamodb: bool) -> Tally:
    return Tally(calls=[name for name in counted.calls if name.startswith(("SQS ", "SES ")) != dynamodb])


NOTES = """\
### Reading the notifications tables

- Per stage change the consumer takes the idempotency record (PutItem, UpdateItem), updates the
  directory's assignees (UpdateItem), reads the partnership and the people named (2 BatchGetItem)
  and the partner's people (Query), then per person one inbox transaction and one queued email
  (PutItem + SQS), and per organisation one Query of its webhook endpoints.
- A digest step handles at most 100 subscribers whatever their number: 10,000 subscribers are ~100
  steps, each far inside the worker's timeout; a bigger audience means more steps, not longer ones.
  Per subscriber a step makes the same three DynamoDB calls and one SQS message at 500, 2,000 or
  10,000 subscribers.
- The bench runs moto through `bench/lean_moto.py`: moto 5.2 sorts every item of a table for each
  Query, deep-copies the whole table for each transaction action and keeps every item it ever built,
  and its SQS counts every message of a queue on each send. Those costs are moto's, not DynamoDB's or
  SQS's, and grew with the run: the bench once reached only ~66 of ~100 steps in 2 hours at 8 GB.
  Each queue is emptied as its consumer would empty it; the calls and their answers are unchanged.
"""


if __name__ == "__main__":
    print(table(*measure()))

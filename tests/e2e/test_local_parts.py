"""The local stack's own rules, checked without starting it: pattern matching, schedules, names,
and the event source mapping semantics the pollers promise (on an in-process moto server).

Not marked e2e: they take seconds and run with the fast suite.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from local import moto_server
from local.intrinsics import LocalNames, UnresolvableValue
from local.patterns import UnsupportedPattern, matches, matches_any, validate
from local.pollers import QueuePoller, StreamPoller
from local.schedules import UnsupportedSchedule, next_run, schedule_input
from local.template import Function, QueueMapping, Schedule, StreamMapping, template
from local.workers import Invocation, InvocationError, Worker, worker_environment
from tests.e2e.conftest import eventually

OUTBOX_FILTER = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"entity": {"S": ["Outbox"]}}}}


def _record(event_name: str, entity: str) -> dict[str, Any]:
    image = {"entity": {"S": entity}, "pk": {"S": "ORG#a#"}}
    return {"eventName": event_name, "dynamodb": {"NewImage": image}}


# ---------------------------------------------------------------- patterns
@pytest.mark.parametrize(("record", "expected"), [
    (_record("INSERT", "Outbox"), True),
    (_record("MODIFY", "Outbox"), False),
    (_record("INSERT", "Partnership"), False),
    ({"eventName": "INSERT", "dynamodb": {}}, False),
    ({"eventName": "INSERT"}, False),
])
def test_outbox_filter_keeps_only_new_outbox_items(record: dict[str, Any], expected: bool) -> None:
    assert matches(OUTBOX_FILTER, record) is expected


@pytest.mark.parametrize(("pattern", "event", "expected"), [
    ({"source": ["trellis.partners"]}, {"source": "trellis.partners"}, True),
    ({"source": ["a", "b"]}, {"source": "b"}, True),
    ({"detail": {"tags": ["vip"]}}, {"detail": {"tags": ["new", "vip"]}}, True),
    ({"detail": {"n": [5]}}, {"detail": {"n": 5.0}}, True),
    ({"detail": {"n": ["5"]}}, {"detail": {"n": 5}}, False),
    ({"detail": {"flag": [True]}}, {"detail": {"flag": 1}}, False),
    ({"detail": {"gone": [{"exists": False}]}}, {"detail": {}}, True),
    ({"detail": {"gone": [{"exists": False}]}}, {}, True),
    ({"detail": {"here": [{"exists": True}]}}, {"detail": {}}, False),
    ({"detail": {"v": [None]}}, {"detail": {"v": None}}, True),
    ({"detail": {"v": [None]}}, {"detail": {}}, False),
    ({"t": [{"prefix": "Partnership"}]}, {"t": "PartnershipStageChanged"}, True),
    ({"t": [{"suffix": "Changed"}]}, {"t": "PartnershipCreated"}, False),
    ({"t": [{"anything-but": ["a", "b"]}]}, {"t": "c"}, True),
    ({"t": [{"anything-but": {"prefix": "x"}}]}, {"t": "xy"}, False),
    ({"t": [{"equals-ignore-case": "DE"}]}, {"t": "de"}, True),
    ({"n": [{"numeric": [">", 0, "<=", 5]}]}, {"n": 5}, True),
    ({"n": [{"numeric": [">", 0, "<=", 5]}]}, {"n": 6}, False),
])
def test_pattern_operators(pattern: dict[str, Any], event: dict[str, Any], expected: bool) -> None:
    validate(pattern)
    assert matches(pattern, event) is expected


def test_no_filters_keep_everything_and_any_filter_suffices() -> None:
    assert matches_any([], {"anything": 1})
    assert matches_any([{"a": ["x"]}, {"a": ["y"]}], {"a": "y"})
    assert not matches_any([{"a": ["x"]}], {"a": "y"})


@pytest.mark.parametrize("pattern", [
    {"t": [{"wildcard": "a*"}]},
    {"t": [{"cidr": "10.0.0.0/24"}]},
    {"t": "not-a-list"},
    {"t": []},
    {"n": [{"numeric": [">"]}]},
    {"t": [{"prefix": "a", "suffix": "b"}]},
])
def test_patterns_the_local_stack_cannot_match_are_refused(pattern: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedPattern):
        validate(pattern)


def test_every_pattern_in_the_template_is_supported() -> None:
    for mapping in template().stream_mappings:
        for pattern in mapping.filters:
            validate(pattern, mapping.function)
    for rule in template().rules:
        validate(rule.pattern, rule.name)


def test_notifications_rule_takes_the_types_it_handles_from_the_services_that_publish_them() -> None:
    # moto's TestEventPattern is a stub, so the rule is checked with the local matcher
    rule = next(rule for rule in template().rules if rule.name == "NotificationsEventsRule")
    event = {"source": "trellis.partners", "detail-type": "PartnershipStageChanged", "detail": {}}
    assert matches(rule.pattern, event)
    assert matches(rule.pattern, {"source": "trellis.leads", "detail-type": "DealWon", "detail": {}})
    assert not matches(rule.pattern, {**event, "detail-type": "IcpUpdated"})
    assert not matches(rule.pattern, {**event, "source": "trellis.elsewhere"})


# ---------------------------------------------------------------- schedules
def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(("expression", "after", "expected"), [
    ("cron(0 7 * * ? *)", _utc(2026, 3, 1, 6, 59, 30), _utc(2026, 3, 1, 7, 0)),
    ("cron(0 7 * * ? *)", _utc(2026, 3, 1, 7, 0, 0), _utc(2026, 3, 2, 7, 0)),
    ("cron(0 7 * * ? *)", _utc(2026, 12, 31, 8, 0), _utc(2027, 1, 1, 7, 0)),
    ("cron(30 9 ? * MON *)", _utc(2026, 3, 1, 0, 0), _utc(2026, 3, 2, 9, 30)),  # 2026-03-01 is a Sunday
    ("cron(0/15 * * * ? *)", _utc(2026, 3, 1, 10, 7), _utc(2026, 3, 1, 10, 15)),
    ("cron(0 0 1 JAN,JUL ? 2027)", _utc(2026, 3, 1), _utc(2027, 1, 1)),
    ("rate(5 minutes)", _utc(2026, 3, 1, 10, 0), _utc(2026, 3, 1, 10, 5)),
])
def test_next_run(expression: str, after: datetime, expected: datetime) -> None:
    assert next_run(expression, after) == expected


@pytest.mark.parametrize("expression", [
    "cron(0 7 * * * *)", "cron(0 7 L * ? *)", "cron(0 7 ? * 2#1 *)", "daily",
])
def test_schedules_the_local_scheduler_cannot_run_are_refused(expression: str) -> None:
    with pytest.raises(UnsupportedSchedule):
        next_run(expression, datetime(2026, 3, 1, tzinfo=UTC))


def test_schedule_input_gets_the_scheduled_time() -> None:
    schedule = next(iter(template().schedules))
    moment = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
    assert schedule_input(schedule, moment) == {"scheduled_for": "2026-03-01T07:00:00Z"}
    bare = Schedule(function="F", name="S", expression="rate(1 day)", input=None)
    assert schedule_input(bare, moment) == {}


# ---------------------------------------------------------------- names and environments
def test_function_environment_is_resolved_to_local_names() -> None:
    names = LocalNames(template())
    partners = names.environment("PartnersApiFunction")
    consumer = names.environment("NotificationsConsumerFunction")
    assert partners["TABLE_NAME"] == "PartnersTable"
    assert partners["EVENT_BUS_NAME"] == "trellis"
    assert partners["STAGE"] == "local"
    assert consumer["IDEMPOTENCY_TABLE_NAME"] == "IdempotencyTable"
    # a secret is named, never given: the functions read its value from (moto's) Secrets Manager
    assert partners["CURSOR_SECRET_ARN"] == "CursorSecret"
    assert names.environment("NotificationsApiFunction")["CURSOR_SECRET_ARN"] == "CursorSecret"
    assert not any(names.secrets["CursorSecret"] in value for value in partners.values())
    # one value per run, the same for every function that names it
    assert len(names.secrets["CursorSecret"]) >= 32
    assert LocalNames(template()).secrets["CursorSecret"] != names.secrets["CursorSecret"]


def test_unknown_references_are_refused() -> None:
    names = LocalNames(template())
    with pytest.raises(UnresolvableValue):
        names.resolve({"Ref": "NoSuchThing"})
    with pytest.raises(UnresolvableValue):
        names.resolve({"Fn::GetAtt": ["PartnersTable", "NoSuchAttribute"]})


def test_worker_environment_is_lambdas_not_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "production")
    function = template().functions["PartnersApiFunction"]
    environment = worker_environment(function, {"TABLE_NAME": "PartnersTable"}, endpoint="http://127.0.0.1:1",
                                     region="eu-west-1")
    assert "AWS_PROFILE" not in environment
    assert environment["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1"
    assert environment["PYTHONPATH"].split(":")[0].endswith("/shared")
    assert environment["PYTHONPATH"].split(":")[1].endswith("/services/partners")
    assert environment["POWERTOOLS_TRACE_DISABLED"] == "true"


# ---------------------------------------------------------------- event source mappings
class ScriptedWorker:
    """Stands in for a function: answers each invocation from a script, records the events."""

    def __init__(self, name: str, answers: list[Any]):
        self.name = name
        self.answers = answers
        self.events: list[dict[str, Any]] = []

    def invoke(self, event: dict[str, Any], *, timeout: float | None = None) -> Invocation:
        self.events.append(event)
        answer = self.answers.pop(0) if self.answers else {"batchItemFailures": []}
        if isinstance(answer, Exception):
            raise answer
        return Invocation(result=answer, duration_ms=1.0)


@pytest.fixture(scope="module")
def cloud() -> Iterator[moto_server.Cloud]:
    started = moto_server.start(template(), LocalNames(template()))
    yield started
    started.stop()


def _put_outbox_items(cloud: moto_server.Cloud, table: str, count: int) -> None:
    dynamodb = cloud.client("dynamodb")
    user = {"pk": {"S": "ORG#a#"}, "sk": {"S": "USER#u#"}, "entity": {"S": "User"}}
    dynamodb.put_item(TableName=table, Item=user)
    for index in range(count):
        dynamodb.put_item(TableName=table, Item={
            "pk": {"S": f"ORG#a#OUTBOX#{index}#"}, "sk": {"S": "OUTBOX#"}, "entity": {"S": "Outbox"}})


def _drain(poller: StreamPoller | QueuePoller, rounds: int = 20) -> None:
    for _ in range(rounds):
        poller.poll_once()


def test_stream_poller_filters_and_resumes_from_the_first_reported_failure(cloud: moto_server.Cloud) -> None:
    # Given three outbox items (and a user item the filter drops); the first call fails the second item
    mapping = next(m for m in template().stream_mappings if m.table == "LeadsTable")
    _put_outbox_items(cloud, "LeadsTable", 3)
    worker = ScriptedWorker(mapping.function, [{"batchItemFailures": [{"itemIdentifier": "placeholder"}]}])
    poller = StreamPoller(mapping, worker, cloud, threading.Event())  # type: ignore[arg-type]
    poller.poll_once()  # reads the batch; the scripted failure names an unknown id → whole batch retried
    first = [record["dynamodb"]["Keys"]["pk"]["S"] for record in worker.events[0]["Records"]]
    second_sequence = worker.events[0]["Records"][1]["dynamodb"]["SequenceNumber"]
    worker.answers = [{"batchItemFailures": [{"itemIdentifier": second_sequence}]}]

    # When
    _drain(poller, 3)

    # Then the user item never reached the function, and the retry started at the failed record
    assert first == ["ORG#a#OUTBOX#0#", "ORG#a#OUTBOX#1#", "ORG#a#OUTBOX#2#"]
    batches = [[record["dynamodb"]["Keys"]["pk"]["S"] for record in event["Records"]]
               for event in worker.events]
    assert batches[:3] == [first, first, ["ORG#a#OUTBOX#1#", "ORG#a#OUTBOX#2#"]]
    sources = {record["eventSourceARN"] for record in worker.events[0]["Records"]}
    assert sources == {cloud.stream_arns["LeadsTable"]}
    assert worker.events[0]["Records"][0]["awsRegion"] == "eu-west-1"
    json.dumps(worker.events)  # what the worker gets must be plain JSON


def test_stream_poller_sends_a_batch_that_keeps_failing_to_the_on_failure_queue(
    cloud: moto_server.Cloud,
) -> None:
    # Given a mapping with 2 retries and a function that always fails
    base = next(m for m in template().stream_mappings if m.table == "PortalTable")
    mapping = StreamMapping(**{**base.__dict__, "maximum_retry_attempts": 2})
    _put_outbox_items(cloud, "PortalTable", 1)
    failure = InvocationError(mapping.function, "Boom", "always")
    worker = ScriptedWorker(mapping.function, [failure, failure, failure])
    poller = StreamPoller(mapping, worker, cloud, threading.Event())  # type: ignore[arg-type]

    # When
    _drain(poller, 5)

    # Then it was tried 1 + 2 times, then described on the DLQ, and the shard moved on
    assert len(worker.events) == 3
    sqs = cloud.client("sqs")
    assert mapping.on_failure_queue is not None
    messages = sqs.receive_message(QueueUrl=cloud.queue_urls[mapping.on_failure_queue]).get("Messages", [])
    assert len(messages) == 1
    description = json.loads(messages[0]["Body"])
    assert description["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert description["responseContext"]["functionError"] == "Unhandled"
    assert description["DDBStreamBatchInfo"]["batchSize"] == 1
    assert description["DDBStreamBatchInfo"]["streamArn"] == cloud.stream_arns["PortalTable"]
    assert poller.stats.sent_to_on_failure == 1


def test_queue_poller_deletes_only_what_was_not_reported_failed(cloud: moto_server.Cloud) -> None:
    # Given three messages on a queue whose consumer fails the second
    mapping = QueueMapping(function="Consumer", queue="BusDeliveryDLQ", batch_size=10, report_failures=True)
    sqs = cloud.client("sqs")
    url = cloud.queue_urls["BusDeliveryDLQ"]
    for body in ("one", "two", "three"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    worker = ScriptedWorker("Consumer", [])
    poller = QueuePoller(mapping, worker, cloud, threading.Event())  # type: ignore[arg-type]
    original_invoke = worker.invoke

    def fail_second(event: dict[str, Any], *, timeout: float | None = None) -> Invocation:
        original_invoke(event)
        failed = [record["messageId"] for record in event["Records"] if record["body"] == "two"]
        failures = [{"itemIdentifier": message_id} for message_id in failed]
        return Invocation(result={"batchItemFailures": failures}, duration_ms=1)

    worker.invoke = fail_second  # type: ignore[method-assign]

    # When
    poller.poll_once()

    # Then the Lambda SQS event was complete, and only "two" is left (in flight until its visibility timeout)
    records = worker.events[0]["Records"]
    assert sorted(record["body"] for record in records) == ["one", "three", "two"]
    assert {record["eventSource"] for record in records} == {"aws:sqs"}
    assert records[0]["eventSourceARN"] == cloud.queue_arns["BusDeliveryDLQ"]
    assert records[0]["attributes"]["ApproximateReceiveCount"] == "1"
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"


def test_queue_redrive_moves_a_poison_message_to_the_dlq(cloud: moto_server.Cloud) -> None:
    # Given the template's notifications queue (maxReceiveCount 5), made quick to redeliver
    sqs = cloud.client("sqs")
    url = cloud.queue_urls["NotificationsEventsQueue"]
    dlq = cloud.queue_urls["NotificationsEventsDLQ"]
    sqs.send_message(QueueUrl=url, MessageBody="poison")

    # When it is received and not deleted more often than the redrive policy allows
    for _ in range(6):
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)

    # Then moto's redrive moved it to the DLQ
    moved = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])
    assert [message["Body"] for message in moved] == ["poison"]


# ---------------------------------------------------------------- workers
HANDLER = '''
import os, sys, time

COLD_STARTS = [time.time()]


def handler(event, context):
    print("a handler's print goes to the log, not into the protocol")
    action = event.get("do")
    if action == "fail":
        raise ValueError("asked to fail")
    if action == "sleep":
        time.sleep(event["seconds"])
    if action == "die":
        os._exit(3)
    return {
        "pid": os.getpid(), "started": COLD_STARTS[0], "table": os.environ.get("TABLE_NAME"),
        "function": context.function_name, "remaining": context.get_remaining_time_in_millis(),
        "request_id": context.aws_request_id, "memory": context.memory_limit_in_mb,
    }
'''


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "probe.py").write_text(HANDLER)
    function = Function(name="ProbeFunction", handler="probe.handler", code_uri=str(tmp_path / "code"),
                        environment={}, timeout=2, properties={}, memory_size=256)
    environment = worker_environment(function, {"TABLE_NAME": "ProbeTable"}, endpoint="http://127.0.0.1:1",
                                     region="eu-west-1")
    started = Worker(function, environment, log_dir=tmp_path / "logs")
    started.start()
    yield started
    started.stop()


def test_worker_invokes_the_handler_with_a_lambda_context(worker: Worker) -> None:
    # When
    result = worker.invoke({}).result

    # Then
    assert result["table"] == "ProbeTable"
    assert result["function"] == "ProbeFunction"
    assert result["memory"] == 256
    assert 0 < result["remaining"] <= 2000
    assert worker.invoke({}).result["request_id"] != result["request_id"]
    # The log is copied from the worker's stderr by a thread of its own: it may trail the result
    eventually(lambda: "a handler's print goes to the log" in worker.log_path.read_text(), timeout=10)


def test_worker_reports_a_handler_error_and_keeps_its_container(worker: Worker) -> None:
    # Given
    first = worker.invoke({}).result

    # When
    with pytest.raises(InvocationError) as failure:
        worker.invoke({"do": "fail"})

    # Then the error is Lambda's shape, and the warm container serves the next call
    assert failure.value.error_type == "ValueError"
    assert failure.value.message == "asked to fail"
    assert worker.invoke({}).result["pid"] == first["pid"]


@pytest.mark.parametrize("event", [{"do": "sleep", "seconds": 5}, {"do": "die"}], ids=["timeout", "crash"])
def test_worker_after_a_timeout_or_crash_starts_cold(worker: Worker, event: dict[str, Any]) -> None:
    # Given
    first = worker.invoke({}).result

    # When
    with pytest.raises(InvocationError) as failure:
        worker.invoke(event)

    # Then
    if event["do"] == "sleep":
        assert failure.value.error_type == "Sandbox.Timedout"
    second = worker.invoke({}).result
    assert second["pid"] != first["pid"]
    assert second["started"] > first["started"]

"""Lambda event source mappings, played by threads: table streams → publishers, SQS queues → consumers.

What they keep from Lambda, because the services rely on it:
- stream records pass the mapping's FilterCriteria first (non-matching ones are skipped for good);
- ``batchItemFailures`` on a stream resumes from the lowest reported sequence number, and a batch
  that keeps failing goes to the on-failure destination as a ``DDBStreamBatchInfo`` description
  once ``MaximumRetryAttempts`` are spent, then the shard moves on;
- on a queue only the messages *not* reported as failed are deleted; the others reappear after the
  visibility timeout and moto's redrive policy moves them to the DLQ after ``maxReceiveCount``.
What they leave out: batching windows (the pollers hand over what is there at once), bisecting
a failed batch, record age limits and parallelisation factors.

Pollers look again as soon as any function returns (:class:`Wakeup`): a function's writes and
sends are done by then, so the next hop of the pipe starts at once, while an idle stack asks moto
only once a second.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from local.intrinsics import ACCOUNT, REGION
from local.moto_server import Cloud
from local.patterns import matches_any
from local.template import QueueMapping, StreamMapping
from local.workers import InvocationError, Worker

log = logging.getLogger("local.pollers")

IDLE_POLL_SECONDS = 1.0  # for changes no local function made (e.g. the aws CLI against moto)
RETRY_BACKOFF_SECONDS = 0.2
MAX_BACKOFF_SECONDS = 2.0
SQS_RECEIVE_LIMIT = 10


def _json_ready(value: Any) -> Any:
    """boto3 parses timestamps and binary values; Lambda events carry epoch numbers and base64."""
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    return value


@dataclass
class PollerStats:
    invocations: int = 0
    failed_invocations: int = 0
    records: int = 0
    sent_to_on_failure: int = 0
    last_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Shard:
    shard_id: str
    iterator: str | None
    pending: list[dict[str, Any]] = field(default_factory=list)  # filtered, in sequence order
    attempts: int = 0


class Wakeup:
    """Tells every poller to look now; called whenever a function returns."""

    def __init__(self) -> None:
        self._events: list[threading.Event] = []

    def register(self) -> threading.Event:
        event = threading.Event()
        self._events.append(event)
        return event

    def __call__(self) -> None:
        for event in self._events:
            event.set()


class Poller(threading.Thread, ABC):
    def __init__(self, name: str, worker: Worker, stop: threading.Event, wakeup: Wakeup | None = None):
        super().__init__(name=name, daemon=True)
        self.worker = worker
        self.stopping = stop
        self.stats = PollerStats()
        self.woken = wakeup.register() if wakeup else threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                worked = self.poll_once()
            except Exception as error:
                # moto restarting, a closed connection at shutdown…: report and keep polling.
                if self.stopping.is_set():
                    return
                self.stats.last_error = f"{type(error).__name__}: {error}"
                log.exception("%s: poll failed", self.name)
                worked = False
            if not worked:
                self.woken.wait(IDLE_POLL_SECONDS)
                # Cleared before the next poll: a wakeup that arrives during it is not lost.
                self.woken.clear()

    @abstractmethod
    def poll_once(self) -> bool:
        """Do one round; True if there may be more to do at once."""

    def _invoke(self, event: dict[str, Any], count: int, source: str) -> Any:
        try:
            invocation = self.worker.invoke(event)
        except InvocationError as error:
            self.stats.invocations += 1
            self.stats.failed_invocations += 1
            self.stats.last_error = str(error)
            log.warning("%s ← %s: %d record(s) → %s: %s", self.worker.name, source, count,
                        error.error_type, error.message)
            raise
        self.stats.invocations += 1
        self.stats.records += count
        log.info("%s ← %s: %d record(s) → ok (%.0f ms)", self.worker.name, source, count,
                 invocation.duration_ms)
        return invocation.result


class StreamPoller(Poller):
    """One table stream → its function, per the template's DynamoDB event source mapping."""

    def __init__(
        self, mapping: StreamMapping, worker: Worker, cloud: Cloud, stop: threading.Event,
        wakeup: Wakeup | None = None,
    ):
        super().__init__(f"{mapping.table} stream -> {mapping.function}", worker, stop, wakeup)
        self.mapping = mapping
        self.cloud = cloud
        self.stream_arn = cloud.stream_arns[mapping.table]
        self.client = cloud.client("dynamodbstreams")
        self.sqs = cloud.client("sqs")
        self.shards: dict[str, _Shard] = {}
        self.function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{mapping.function}"

    def _discover_shards(self) -> None:
        description = self.client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id not in self.shards:
                iterator = self.client.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard_id,
                    ShardIteratorType=self.mapping.starting_position,
                )["ShardIterator"]
                self.shards[shard_id] = _Shard(shard_id=shard_id, iterator=iterator)

    def _read(self, shard: _Shard) -> None:
        if shard.iterator is None:
            return
        response = self.client.get_records(ShardIterator=shard.iterator, Limit=1000)
        shard.iterator = response.get("NextShardIterator")
        for raw in response.get("Records", []):
            record = self._lambda_record(raw)
            if matches_any(self.mapping.filters, record):
                shard.pending.append(record)

    def _lambda_record(self, raw: dict[str, Any]) -> dict[str, Any]:
        record: dict[str, Any] = _json_ready(raw)
        # moto reports us-east-1 whatever the table's region, and leaves out the source ARN.
        record["awsRegion"] = REGION
        record["eventSourceARN"] = self.stream_arn
        return record

    def poll_once(self) -> bool:
        if not self.shards:
            self._discover_shards()
        worked = False
        for shard in self.shards.values():
            if not shard.pending:
                self._read(shard)
            if shard.pending:
                self._deliver(shard)
                worked = True
        return worked

    def _deliver(self, shard: _Shard) -> None:
        batch = shard.pending[: self.mapping.batch_size]
        source = f"{self.mapping.table} stream"
        try:
            result = self._invoke({"Records": batch}, len(batch), source)
        except InvocationError:
            self._retry_or_give_up(shard, batch, function_error=True)
            return
        resume_at = self._resume_position(batch, result)
        if resume_at is None:
            shard.pending = shard.pending[len(batch):]
            shard.attempts = 0
            return
        # Records before the first failure are done; retry from it.
        shard.pending = shard.pending[resume_at:]
        self._retry_or_give_up(shard, batch[resume_at:], function_error=False)

    def _resume_position(self, batch: list[dict[str, Any]], result: Any) -> int | None:
        """Index in ``batch`` to retry from, or None when the whole batch succeeded."""
        if not self.mapping.report_failures or not isinstance(result, dict):
            return None
        failures = result.get("batchItemFailures") or []
        if not failures:
            return None
        positions = {record["dynamodb"]["SequenceNumber"]: index for index, record in enumerate(batch)}
        indexes = []
        for failure in failures:
            identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
            if identifier not in positions:
                return 0  # Lambda treats an unknown or empty identifier as a failure of the whole batch
            indexes.append(positions[identifier])
        return min(indexes)

    def _retry_or_give_up(self, shard: _Shard, batch: list[dict[str, Any]], *, function_error: bool) -> None:
        shard.attempts += 1
        limit = self.mapping.maximum_retry_attempts
        if limit < 0 or shard.attempts <= limit:
            self.stopping.wait(min(RETRY_BACKOFF_SECONDS * 2 ** (shard.attempts - 1), MAX_BACKOFF_SECONDS))
            return
        self._send_to_on_failure(shard, batch, function_error=function_error)
        shard.pending = shard.pending[len(batch):]
        shard.attempts = 0

    def _send_to_on_failure(
        self, shard: _Shard, batch: list[dict[str, Any]], *, function_error: bool,
    ) -> None:
        first, last = batch[0]["dynamodb"], batch[-1]["dynamodb"]
        description: dict[str, Any] = {
            "requestContext": {
                "requestId": str(uuid.uuid4()), "functionArn": self.function_arn,
                "condition": "RetryAttemptsExhausted", "approximateInvokeCount": shard.attempts,
            },
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "DDBStreamBatchInfo": {
                "shardId": shard.shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso(first.get("ApproximateCreationDateTime")),
                "approximateArrivalOfLastRecord": _iso(last.get("ApproximateCreationDateTime")),
                "batchSize": len(batch),
                "streamArn": self.stream_arn,
            },
        }
        if function_error:
            description["responseContext"]["functionError"] = "Unhandled"
        self.stats.sent_to_on_failure += len(batch)
        queue = self.mapping.on_failure_queue
        if queue is None:
            log.error("%s: %d record(s) dropped after %d attempts (no on-failure destination)",
                      self.name, len(batch), shard.attempts)
            return
        self.sqs.send_message(QueueUrl=self.cloud.queue_urls[queue], MessageBody=json.dumps(description))
        log.error("%s: %d record(s) sent to %s after %d attempts", self.name, len(batch), queue,
                  shard.attempts)


def _iso(epoch: Any) -> str | None:
    if not isinstance(epoch, int | float):
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class QueuePoller(Poller):
    """One SQS queue → its consumer, per the template's SQS event source mapping."""

    def __init__(
        self, mapping: QueueMapping, worker: Worker, cloud: Cloud, stop: threading.Event,
        wakeup: Wakeup | None = None,
    ):
        super().__init__(f"{mapping.queue} -> {mapping.function}", worker, stop, wakeup)
        self.mapping = mapping
        self.cloud = cloud
        self.queue_url = cloud.queue_urls[mapping.queue]
        self.queue_arn = cloud.queue_arns[mapping.queue]
        self.client = cloud.client("sqs")

    def _receive(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while len(messages) < self.mapping.batch_size:
            response = self.client.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(SQS_RECEIVE_LIMIT, self.mapping.batch_size - len(messages)),
                WaitTimeSeconds=0, AttributeNames=["All"], MessageAttributeNames=["All"],
            )
            received = response.get("Messages", [])
            messages.extend(received)
            if len(received) < SQS_RECEIVE_LIMIT:
                break
        return messages

    def _lambda_record(self, message: dict[str, Any]) -> dict[str, Any]:
        attributes = {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": _json_ready(value["BinaryValue"]) if "BinaryValue" in value else None,
                "stringListValues": [], "binaryListValues": [],
                "dataType": value.get("DataType"),
            }
            for name, value in message.get("MessageAttributes", {}).items()
        }
        record = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": attributes,
            "md5OfBody": message.get("MD5OfBody"),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": REGION,
        }
        if "MD5OfMessageAttributes" in message:
            record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        return record

    def poll_once(self) -> bool:
        messages = self._receive()
        if not messages:
            return False
        records = [self._lambda_record(message) for message in messages]
        try:
            result = self._invoke({"Records": records}, len(records), self.mapping.queue)
        except InvocationError:
            return True  # nothing deleted: the batch reappears after the visibility timeout
        failed = self._failed_ids(records, result)
        done = [record for record in records if record["messageId"] not in failed]
        for start in range(0, len(done), SQS_RECEIVE_LIMIT):
            chunk = done[start : start + SQS_RECEIVE_LIMIT]
            entries = [{"Id": str(index), "ReceiptHandle": record["receiptHandle"]}
                       for index, record in enumerate(chunk)]
            self.client.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        if failed:
            log.warning("%s: %d message(s) reported failed; they return after the visibility timeout",
                        self.name, len(failed))
        return True

    def _failed_ids(self, records: list[dict[str, Any]], result: Any) -> set[str]:
        if not self.mapping.report_failures or not isinstance(result, dict):
            return set()
        known = {record["messageId"] for record in records}
        failed: set[str] = set()
        for failure in result.get("batchItemFailures") or []:
            identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
            if identifier not in known:
                return known  # an unknown identifier fails the whole batch, as in Lambda
            failed.add(str(identifier))
        return failed


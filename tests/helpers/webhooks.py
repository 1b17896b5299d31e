"""Outbound webhooks in tests: the internet replaced (DNS and the endpoints' servers), the webhook queue
read on moto's side (delayed messages included), and the worker fed one message at a time."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.helpers.aws import ACCOUNT, REGION, Stack
from tests.helpers.lambda_runtime import FunctionRunner, sqs_event

PUBLIC_ADDRESS = "93.184.215.14"
QUEUE = "NotificationsWebhookQueue"
WORKER = "NotificationsWebhookWorkerFunction"


@dataclass
class Received:
    address: str
    host: str
    target: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Internet:
    """DNS answers per host (default: one public address) and what each endpoint host answers."""

    dns: dict[str, list[str]] = field(default_factory=dict)
    answers: dict[str, list[int | Exception]] = field(default_factory=dict)  # host → next answers
    received: list[Received] = field(default_factory=list)

    def resolve(self, host: str, port: int) -> list[str]:
        return list(self.dns.get(host, [PUBLIC_ADDRESS]))

    def transport(self, *, address: Any, destination: Any, headers: Mapping[str, str], body: bytes) -> Any:
        from notifications.logic.outbound_http import Answer

        self.received.append(
            Received(str(address), destination.host, destination.target, dict(headers), body))
        queued = self.answers.get(destination.host) or [200]
        answer = queued.pop(0) if len(queued) > 1 else queued[0]
        if isinstance(answer, Exception):
            raise answer
        return Answer(status=answer, body=b"nope" if answer >= 300 else b"")


def the_internet(monkeypatch: pytest.MonkeyPatch) -> Internet:
    from notifications.logic import outbound_http

    internet = Internet()
    monkeypatch.setattr(outbound_http, "resolver", internet.resolve)
    monkeypatch.setattr(outbound_http, "transport", internet.transport)
    return internet


@dataclass(frozen=True)
class Queued:
    body: dict[str, Any]
    delay: int


def drain(stack: Stack) -> list[Queued]:
    """Take every message off the webhook queue, delayed ones included, with the delay each was sent with."""
    from moto.sqs.models import sqs_backends

    queue = sqs_backends[ACCOUNT][REGION].queues[QUEUE]
    taken = list(queue._messages)
    queue._messages.clear()
    return [Queued(json.loads(message.body),
                   round((message.delayed_until - message.sent_timestamp) / 1000)
                   if message.delayed_until else 0)
            for message in taken]


def worker_runner(function: Callable[[str], FunctionRunner]) -> FunctionRunner:
    return function(WORKER)


def work(stack: Stack, worker: FunctionRunner, *messages: Mapping[str, Any],
         receive_count: int = 1) -> dict[str, Any]:
    """Hand messages (bodies) to the worker as one SQS batch from its queue."""
    batch = [{"Body": json.dumps(body), "Attributes": {"ApproximateReceiveCount": str(receive_count)}}
             for body in messages]
    response: dict[str, Any] = worker.invoke(sqs_event(batch, queue_arn=stack.queue_arns[QUEUE]))
    return response

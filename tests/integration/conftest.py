"""Integration fixtures: the services of the template, called in-process against the moto stack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.helpers.aws import Stack
from tests.helpers.events import eventbridge_event, sqs_message
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, sqs_event
from tests.helpers.people import ANA, DIRECTORY
from trellis.events import EventEnvelope
from trellis.principal import Role


@pytest.fixture
def partners(aws: Stack, service: Callable[..., ApiClient]) -> ApiClient:
    """The partners API as acme's admin, with every test person in their organisation's directory
    (their ``UserRegistered`` events are dropped: tests assert the events of what they do)."""
    api = service("partners", ANA)
    with api.runner.env_applied():
        from partners.logic.organisations import register_user

        for person in DIRECTORY:
            register_user(
                person.organisation_id,
                person.user_id,
                email=person.email or "",
                name=person.user_id,
                roles={Role(role) for role in person.roles},
            )
    aws.drop_outbox("PartnersTable")
    return api


@pytest.fixture
def new_partnership(partners: ApiClient) -> Callable[..., dict[str, Any]]:
    """Create a partnership through the API; returns its body."""

    def create(**fields: Any) -> dict[str, Any]:
        user = fields.pop("as_user", None)
        body = {"company_name": "Northwind Consulting", "partnership_type": "reseller", **fields}
        response = partners.post("/partnerships", json_body=body, user=user)
        assert response.status == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return create


@pytest.fixture
def consumer(function: Callable[[str], FunctionRunner]) -> FunctionRunner:
    return function("NotificationsConsumerFunction")


@dataclass
class Delivery:
    response: dict[str, Any]
    message_ids: list[str]

    @property
    def failed(self) -> list[str]:
        return [failure["itemIdentifier"] for failure in self.response["batchItemFailures"]]


@pytest.fixture
def deliver(aws: Stack, consumer: FunctionRunner) -> Callable[..., Delivery]:
    """Hand events to the notifications consumer as one SQS batch from its queue.

    Each item is an envelope (wrapped as EventBridge delivers it), an EventBridge event, or a raw body.
    """

    def send(*items: EventEnvelope | dict[str, Any] | str) -> Delivery:
        messages = [
            sqs_message(eventbridge_event(item) if isinstance(item, EventEnvelope) else item)
            for item in items
        ]
        queue_arn = aws.queue_arns["NotificationsEventsQueue"]
        response: dict[str, Any] = consumer.invoke(sqs_event(messages, queue_arn=queue_arn))
        return Delivery(response=response, message_ids=[message["MessageId"] for message in messages])

    return send


@pytest.fixture
def project(aws: Stack, function: Callable[[str], FunctionRunner]) -> Callable[..., dict[str, Any]]:
    """Hand partnership events to the leads service's projection consumer (one SQS batch)."""
    from tests.helpers.leads_world import projector

    return projector(function, aws.queue_arns["LeadsPartnershipsEventsQueue"])


@pytest.fixture
def program(project: Callable[..., dict[str, Any]]) -> None:
    """The standard program of tests/helpers/leads_world.py, projected into the leads table."""
    from tests.helpers.leads_world import standard_program

    events = standard_program()
    for start in range(0, len(events), 10):
        project(*events[start:start + 10])


@pytest.fixture
def ledger(aws: Stack, function: Callable[[str], FunctionRunner]) -> Callable[..., dict[str, Any]]:
    """Hand deal events to the leads service's commission ledger consumer (one SQS batch)."""
    from tests.helpers.deals import ledger_consumer

    return ledger_consumer(function, aws.queue_arns["LeadsLedgerEventsQueue"])


@pytest.fixture
def portal_project(aws: Stack, function: Callable[[str], FunctionRunner]) -> Callable[..., dict[str, Any]]:
    """Hand events to the portal's events consumer (SQS batches of 10)."""
    from tests.helpers.portal_world import projector

    return projector(function, aws.queue_arns["PortalEventsQueue"])


@pytest.fixture
def portal_world(portal_project: Callable[..., dict[str, Any]]) -> None:
    """The standard portal world of tests/helpers/portal_world.py, projected into the portal table."""
    from tests.helpers.portal_world import standard_world

    portal_project(*standard_world())

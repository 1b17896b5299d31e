"""Event sources, bus rules and stream filters of the template against the code's events and consumers."""

from __future__ import annotations

import importlib
import json
import re
from typing import Any

import pytest
from moto.events.models import EventPattern

from local.template import Rule, StreamMapping, Template, template
from tests.helpers.events import eventbridge_event
from trellis.consumer import Consumer
from trellis.dynamo import TableItem
from trellis.events import SYSTEM, EventEnvelope
from trellis.events.catalogue import CATALOGUE, examples
from trellis.outbox import outbox_item

TEMPLATE = template()


def _matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    return EventPattern.load(json.dumps(pattern)).matches_event(event)


def _example_event(event_type: str) -> dict[str, Any]:
    """The EventBridge event the catalogue example of a type becomes on the bus."""
    envelope = EventEnvelope.new(examples()[CATALOGUE[event_type]], tenant_id="acme", actor=SYSTEM)
    return eventbridge_event(envelope)


def _consumers() -> dict[str, Consumer]:
    """Queue logical id → the Consumer its function runs, for every queue the bus feeds.

    A queue no rule targets is a function's own work queue (e.g. webhook delivery attempts), not events.
    """
    fed = {target for rule in TEMPLATE.rules for target in rule.targets}
    found = {}
    for mapping in TEMPLATE.queue_mappings:
        if mapping.queue not in fed:
            continue
        function = TEMPLATE.functions[mapping.function]
        handler = getattr(importlib.import_module(function.module), function.attribute)
        consumer = getattr(handler, "__self__", None)
        assert isinstance(consumer, Consumer), (
            f"{function.handler} is not a trellis Consumer's lambda_handler"
        )
        found[mapping.queue] = consumer
    return found


# ---------------------------------------------------------------- event sources name real resources


@pytest.mark.parametrize("mapping", TEMPLATE.stream_mappings, ids=lambda m: m.function)
def test_a_stream_mapping_reads_an_existing_stream_of_its_own_table(
    cfn: Template, mapping: StreamMapping
) -> None:
    assert mapping.table in cfn.tables
    assert "StreamSpecification" in cfn.tables[mapping.table]
    assert cfn.functions[mapping.function].environment["TABLE_NAME"] == {"Ref": mapping.table}
    assert mapping.report_failures, (
        "without ReportBatchItemFailures a partial failure retries the whole batch"
    )
    assert mapping.on_failure_queue in cfn.queues


@pytest.mark.parametrize("mapping", TEMPLATE.queue_mappings, ids=lambda m: m.function)
def test_a_queue_mapping_reads_an_existing_queue_with_a_dead_letter_queue(
    cfn: Template, mapping: Any
) -> None:
    queue = cfn.queues[mapping.queue]
    assert mapping.report_failures, "without ReportBatchItemFailures one poison message fails the whole batch"
    redrive = queue["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"]["Fn::GetAtt"][0] in cfn.queues
    # A message in flight must not become visible again while the consumer still works on it.
    assert int(queue["VisibilityTimeout"]) >= 6 * cfn.functions[mapping.function].timeout


@pytest.mark.parametrize("schedule", TEMPLATE.schedules, ids=lambda s: s.name)
def test_a_schedule_is_a_valid_expression_with_a_dead_letter_queue(cfn: Template, schedule: Any) -> None:
    assert re.fullmatch(
        r"(cron\([^)]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))", schedule.expression
    )
    assert schedule.function in cfn.functions
    properties = cfn.functions[schedule.function].properties["Events"][schedule.name]["Properties"]
    assert properties["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0] in cfn.queues
    if schedule.input is not None:
        json.loads(schedule.input)


@pytest.mark.parametrize("rule", TEMPLATE.rules, ids=lambda r: r.name)
def test_a_rule_is_on_the_bus_and_targets_queues_that_accept_it(cfn: Template, rule: Rule) -> None:
    assert rule.bus in cfn.buses
    assert rule.targets
    policies = cfn.resources_of("AWS::SQS::QueuePolicy")
    for target in rule.targets:
        assert target in cfn.queues
        allowed = [
            statement
            for policy in policies.values()
            if {"Ref": target} in policy["Properties"]["Queues"]
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]
            if statement["Effect"] == "Allow"
            and statement["Principal"] == {"Service": "events.amazonaws.com"}
            and statement["Condition"]["ArnEquals"]["aws:SourceArn"] == {"Fn::GetAtt": [rule.name, "Arn"]}
        ]
        assert allowed, f"{target} has no queue policy letting {rule.name} send to it"


def test_every_rule_target_dead_letters_to_a_queue_that_lets_the_rule_send(cfn: Template) -> None:
    """A rule target's DeadLetterConfig is useless if the DLQ's policy does not name the rule."""
    policies = cfn.resources_of("AWS::SQS::QueuePolicy")
    for name, rule in cfn.resources_of("AWS::Events::Rule").items():
        for target in rule["Properties"]["Targets"]:
            dlq = target.get("DeadLetterConfig", {}).get("Arn")
            if dlq is None:
                continue
            queue = dlq["Fn::GetAtt"][0]
            sources = [
                arn
                for policy in policies.values()
                if {"Ref": queue} in policy["Properties"]["Queues"]
                for statement in policy["Properties"]["PolicyDocument"]["Statement"]
                for arn in _as_list(statement["Condition"]["ArnEquals"]["aws:SourceArn"])
            ]
            assert {"Fn::GetAtt": [name, "Arn"]} in sources, f"{queue}'s policy does not let {name} send"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# ---------------------------------------------------------------- rules against the catalogue


@pytest.mark.parametrize("rule", TEMPLATE.rules, ids=lambda r: r.name)
def test_a_rule_matches_the_example_of_every_type_it_lists(rule: Rule) -> None:
    listed = rule.pattern.get("detail-type", [])
    assert listed, f"{rule.name} should select event types by detail-type"
    for event_type in listed:
        assert event_type in CATALOGUE, f"{rule.name} lists {event_type}, which is not in the catalogue"
        assert _matches(rule.pattern, _example_event(event_type)), f"{rule.name} does not match {event_type}"
    for event_type in set(CATALOGUE) - set(listed):
        assert not _matches(rule.pattern, _example_event(event_type)), (
            f"{rule.name} also matches {event_type}"
        )


@pytest.mark.parametrize("rule", TEMPLATE.rules, ids=lambda r: r.name)
def test_a_rule_does_not_match_an_event_of_the_same_type_from_another_source(rule: Rule) -> None:
    for event_type in rule.pattern.get("detail-type", []):
        forged = {**_example_event(event_type), "source": "someone.else"}
        assert not _matches(rule.pattern, forged)


def test_every_type_a_consumer_handles_is_routed_to_its_queue() -> None:
    for queue, consumer in _consumers().items():
        rules = [rule for rule in TEMPLATE.rules if queue in rule.targets]
        for event_type in consumer.handlers:
            assert any(_matches(rule.pattern, _example_event(event_type)) for rule in rules), (
                f"no rule sends {event_type} to {queue}, yet {consumer.name} handles it"
            )


def test_a_consumers_queue_receives_only_types_it_handles() -> None:
    for queue, consumer in _consumers().items():
        rules = [rule for rule in TEMPLATE.rules if queue in rule.targets]
        routed = {t for t in CATALOGUE if any(_matches(rule.pattern, _example_event(t)) for rule in rules)}
        assert routed <= set(consumer.handlers), (
            f"{queue} receives {routed - set(consumer.handlers)} for nothing"
        )


# ---------------------------------------------------------------- the publishers' stream filter


def _outbox_model(mapping: StreamMapping) -> type[TableItem]:
    service = TEMPLATE.functions[mapping.function].code_uri.strip("/").split("/")[-1]
    model: type[TableItem] = importlib.import_module(f"{service}.dal.tables").Outbox
    return model


def _record(event_name: str, image: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventName": event_name,
        "eventSource": "aws:dynamodb",
        "dynamodb": {"SequenceNumber": "100", "StreamViewType": "NEW_IMAGE", "NewImage": image},
    }


@pytest.mark.parametrize("mapping", TEMPLATE.stream_mappings, ids=lambda m: m.function)
def test_the_publisher_filter_passes_outbox_inserts_only(mapping: StreamMapping) -> None:
    # Given the outbox item the service writes, and another entity of its table
    envelope = EventEnvelope.new(next(iter(examples().values())), tenant_id="acme", actor=SYSTEM)
    outbox = outbox_item(_outbox_model(mapping), envelope).serialize()
    partnership = {
        "pk": {"S": "ORG#acme#PARTNERSHIP#p1#"},
        "sk": {"S": "PARTNERSHIP#"},
        "entity": {"S": "Partnership"},
    }

    def passes(record: dict[str, Any]) -> bool:
        return any(_matches(pattern, record) for pattern in mapping.filters)

    # Then only the insert of the outbox item reaches the publisher
    assert mapping.filters
    assert passes(_record("INSERT", outbox))
    assert not passes(_record("INSERT", partnership))
    assert not passes(_record("MODIFY", outbox))
    assert not passes(_record("REMOVE", outbox))


def test_the_idempotency_table_has_the_keys_and_ttl_the_consumers_write(cfn: Template) -> None:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    # The consumers use Powertools' default attribute names (see trellis.consumer)
    persistence = DynamoDBPersistenceLayer(table_name="IdempotencyTable")
    consumers = [fn for fn in cfn.functions.values() if "IDEMPOTENCY_TABLE_NAME" in fn.environment]
    assert consumers
    for function in consumers:
        table = cfn.tables[function.environment["IDEMPOTENCY_TABLE_NAME"]["Ref"]]
        assert table["KeySchema"] == [{"AttributeName": persistence.key_attr, "KeyType": "HASH"}]
        assert table["TimeToLiveSpecification"] == {"AttributeName": persistence.expiry_attr, "Enabled": True}

"""The test harness itself: the moto stack is the template's, and its guards do fail tests."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pytest

from tests.helpers.aws import Stack, client
from tests.helpers.dynamodb_calls import Recorder
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, api_event
from tests.helpers.people import ANA


def test_every_table_is_created_as_the_template_declares_it(aws: Stack) -> None:
    dynamodb = client("dynamodb")
    for name, props in aws.template.tables.items():
        table = dynamodb.describe_table(TableName=aws.tables[name])["Table"]
        assert table["KeySchema"] == props["KeySchema"]
        assert sorted(table["AttributeDefinitions"], key=str) == sorted(
            props["AttributeDefinitions"], key=str
        )
        assert table["BillingModeSummary"]["BillingMode"] == props["BillingMode"]
        declared = {index["IndexName"]: index for index in props.get("GlobalSecondaryIndexes", [])}
        created = {index["IndexName"]: index for index in table.get("GlobalSecondaryIndexes", [])}
        assert created.keys() == declared.keys()
        for index_name, index in declared.items():
            assert created[index_name]["KeySchema"] == index["KeySchema"]
            assert created[index_name]["Projection"] == index["Projection"]
        if "StreamSpecification" in props:
            assert table["StreamSpecification"] == {"StreamEnabled": True, **props["StreamSpecification"]}


def test_every_queue_has_the_templates_redrive_and_every_rule_its_targets(aws: Stack) -> None:
    sqs, events = client("sqs"), client("events")
    for name, props in aws.template.queues.items():
        attributes = sqs.get_queue_attributes(QueueUrl=aws.queue_urls[name], AttributeNames=["All"])[
            "Attributes"
        ]
        if "RedrivePolicy" in props:
            redrive = json.loads(attributes["RedrivePolicy"])
            assert (
                redrive["deadLetterTargetArn"]
                == aws.queue_arns[props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]]
            )
            assert int(redrive["maxReceiveCount"]) == props["RedrivePolicy"]["maxReceiveCount"]
        if "VisibilityTimeout" in props:
            assert attributes["VisibilityTimeout"] == str(props["VisibilityTimeout"])
    for rule in aws.template.rules:
        bus = aws.buses[rule.bus]
        assert (
            json.loads(events.describe_rule(Name=rule.name, EventBusName=bus)["EventPattern"]) == rule.pattern
        )
        targets = events.list_targets_by_rule(Rule=rule.name, EventBusName=bus)["Targets"]
        assert sorted(target["Arn"] for target in targets) == sorted(aws.queue_arns[t] for t in rule.targets)


def test_a_scan_by_the_code_fails_the_test_at_once(partners: ApiClient, no_scans: Recorder) -> None:
    from partners.dal.tables import PartnersItem

    with partners.runner.env_applied(), pytest.raises(pytest.fail.Exception, match="Scan"):
        list(PartnersItem.scan())
    no_scans.calls.clear()  # the scan was this test's own doing


def test_a_call_the_template_policy_does_not_allow_fails_the_invocation(
    aws: Stack, function: Callable[[str], FunctionRunner]
) -> None:
    # Given the partners API function without its DynamoDB policy
    declared = function("PartnersApiFunction")
    stripped = dataclasses.replace(
        declared.function, properties={**declared.function.properties, "Policies": []}
    )
    runner = FunctionRunner(stack=aws, function=stripped)
    event = api_event("GET", "/partnerships", route_key="GET /partnerships", user=ANA)
    # Then its Query on the index is caught
    with pytest.raises(AssertionError, match="do not allow"):
        runner.invoke(event)

"""The moto world of a test, built from template.yaml (via local/template.py) so it cannot drift.

Tables, queues (with their redrive policies), the bus and its rules with their SQS targets, S3
buckets and Secrets Manager secrets are created exactly as the template declares them (and the functions'
email senders verified in SES); resource names are the logical ids
(lower-cased for buckets). User pools are created as the template declares them too, at first use
(see ``Stack.user_pool``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from moto.events.models import EventPattern

from local.template import Function, Template, template, user_pool_request

REGION = "eu-west-1"
ACCOUNT = "123456789012"
STAGE = "test"
CURSOR_SECRET = "test-cursor-secret-0123456789abcdef0123456789"


def stack_secret(logical_id: str) -> str:
    """The value a template secret holds in the test's Secrets Manager (functions read it at run time)."""
    if logical_id == "CursorSecret":
        return CURSOR_SECRET
    return f"test-{logical_id}-0123456789abcdef0123456789abcdef"


# The HTTP API's address as a function's environment names it (links in emails point at it).
_API_URL = re.compile(r"https://\$\{HttpApi\}\.execute-api\.\$\{AWS::Region\}\.\$\{AWS::URLSuffix\}")
API_URL = "https://api.trellis.test"
_TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
)
_QUEUE_ATTRIBUTES = {
    "VisibilityTimeout": "VisibilityTimeout",
    "MessageRetentionPeriod": "MessageRetentionPeriod",
    "DelaySeconds": "DelaySeconds",
    "FifoQueue": "FifoQueue",
}
_deserializer = TypeDeserializer()


@cache
def client(service: str) -> Any:
    """One boto3 client per service for the whole test run: creating one costs more than moto's calls.

    moto intercepts every client whose session was created after it was imported, so a client
    outlives the mock_aws() of the test that created it.
    """
    if service == "dynamodbstreams":
        # botocore now sends DynamoDB Streams calls to an account-based host that moto 5.2 does
        # not intercept; the regional endpoint is the one it knows.
        endpoint = f"https://streams.dynamodb.{REGION}.amazonaws.com"
        return boto3.client(service, region_name=REGION, endpoint_url=endpoint)
    return boto3.client(service, region_name=REGION)


def plain(image: Mapping[str, Any]) -> dict[str, Any]:
    """A DynamoDB-JSON image as plain Python values."""
    return {name: _deserializer.deserialize(value) for name, value in image.items()}


@dataclass
class Stack:
    """What the test's moto account holds, by template logical id."""

    template: Template
    tables: dict[str, str] = field(default_factory=dict)  # logical id → table name
    stream_arns: dict[str, str] = field(default_factory=dict)  # table logical id → stream ARN
    queue_urls: dict[str, str] = field(default_factory=dict)
    queue_arns: dict[str, str] = field(default_factory=dict)
    buses: dict[str, str] = field(default_factory=dict)  # logical id → bus name
    rules: dict[str, str] = field(default_factory=dict)  # logical id → rule name
    user_pools: dict[str, str] = field(default_factory=dict)  # logical id → user pool id, once created
    buckets: dict[str, str] = field(default_factory=dict)  # logical id → bucket name
    secrets: dict[str, str] = field(default_factory=dict)  # logical id → secret ARN

    # ------------------------------------------------------------------ resolving template values
    @property
    def _parameters(self) -> dict[str, Any]:
        parameters: dict[str, Any] = self.template.raw.get("Parameters", {})
        return parameters

    def resolve(self, value: Any) -> Any:
        """A CloudFormation value of a function's environment, as this stack gives it."""
        if isinstance(value, str | int | float | bool):
            return str(value)
        if isinstance(value, dict) and "Ref" in value:
            name = value["Ref"]
            for mapping in (self.tables, self.buses, self.queue_urls, self.buckets, self.secrets):
                if name in mapping:
                    return mapping[name]
            if name in self.template.resources_of("AWS::Cognito::UserPool"):
                return self.user_pool(name)
            if name == "Stage":
                return STAGE
            if name in self._parameters:
                return str(self._parameters[name]["Default"])
            raise KeyError(f"the test stack cannot resolve !Ref {name}")
        if isinstance(value, dict) and "Fn::Sub" in value:
            text = str(value["Fn::Sub"])
            if _API_URL.fullmatch(text):
                return API_URL
            names = re.findall(r"\$\{([A-Za-z0-9]+)\}", text)
            if names and all(name in self._parameters for name in names):
                for name in names:
                    text = text.replace(f"${{{name}}}", str(self._parameters[name]["Default"]))
                return text
        raise KeyError(f"the test stack cannot resolve {value!r}")

    def environment(self, function: Function) -> dict[str, str]:
        return {name: self.resolve(value) for name, value in function.environment.items()}

    def secret_variables(self) -> dict[str, str]:
        """Every environment variable of the template that names a secret (``CURSOR_SECRET_ARN``, ...), with
        its ARN here: logic called directly in a test (not through a function) reads the keys with these."""
        return {
            name: self.secrets[value["Ref"]]
            for function in self.template.functions.values()
            for name, value in function.environment.items()
            if isinstance(value, dict) and value.get("Ref") in self.secrets
        }

    def rotate_secret(self, logical_id: str, value: str) -> None:
        """A new current value of a template secret, as a rotation would leave it."""
        client("secretsmanager").put_secret_value(SecretId=self.secrets[logical_id], SecretString=value)

    # ------------------------------------------------------------------ looking inside moto
    def _moto_items(self, table: str) -> Any:
        from moto.dynamodb.models import dynamodb_backends

        backend = dynamodb_backends[ACCOUNT][REGION]
        return backend.get_table(self.tables[table]).all_items()

    def items(self, table: str, *, entity: str | None = None) -> list[dict[str, Any]]:
        """Every item of a table (or of one entity), read on moto's side (never through botocore, so never
        counted); converting only the entity's items keeps this quick on large tables."""
        return [
            plain(item.to_json()["Attributes"]) for item in self._moto_items(table)
            if entity is None or _entity_of(item) == entity
        ]

    def drop_outbox(self, table: str) -> None:
        """Forget the events a fixture's set-up wrote (a test asserts the events of what it does)."""
        names = self.tables[table]
        for item in self.items(table, entity="Outbox"):
            client("dynamodb").delete_item(
                TableName=names, Key={"pk": {"S": item["pk"]}, "sk": {"S": item["sk"]}})

    def entity_counts(self, table: str) -> Counter[str]:
        """How many items of each entity the table holds, without converting them."""
        return Counter(str(_entity_of(item)) for item in self._moto_items(table))

    def count(self, table: str) -> int:
        return sum(1 for _ in self._moto_items(table))

    def user_pool(self, name: str = "UserPool") -> str:
        """The id of a template user pool, created at first use: moto builds a signing key for each
        pool (about half a second), which only the tests that reach Cognito should pay for."""
        if name not in self.user_pools:
            properties = self.template.resources_of("AWS::Cognito::UserPool")[name].get("Properties", {})
            request = user_pool_request(properties, lambda value: STAGE)
            self.user_pools[name] = client("cognito-idp").create_user_pool(**request)["UserPool"]["Id"]
        return self.user_pools[name]

    def logins(self, pool: str = "UserPool") -> dict[str, dict[str, Any]]:
        """Every login of a user pool by email: its attributes plus ``Enabled`` (read on moto's side)."""
        from moto.cognitoidp.models import cognitoidp_backends

        backend = cognitoidp_backends[ACCOUNT][REGION]
        found: dict[str, dict[str, Any]] = {}
        for user in backend.user_pools[self.user_pool(pool)].users.values():
            attributes = {item["Name"]: item["Value"] for item in user.attributes}
            found[attributes["email"]] = {**attributes, "Enabled": user.enabled}
        return found

    def stream_records(self, table: str) -> list[dict[str, Any]]:
        """Every record of the table's stream so far, shaped like a Lambda DynamoDB stream record."""
        streams = client("dynamodbstreams")
        arn = self.stream_arns[table]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        records = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]
        return [_as_lambda_record(record, arn) for record in records]

    def filtered_stream_records(self, table: str) -> list[dict[str, Any]]:
        """The stream records the table's event source mapping hands its function (Lambda's event
        filtering: a record passes when any filter pattern matches it)."""
        [mapping] = [m for m in self.template.stream_mappings if m.table == table]
        patterns = [EventPattern.load(json.dumps(pattern)) for pattern in mapping.filters]
        return [record for record in self.stream_records(table)
                if any(pattern.matches_event(record) for pattern in patterns)]

    def receive(self, queue: str, *, max_messages: int = 10) -> list[dict[str, Any]]:
        response = client("sqs").receive_message(
            QueueUrl=self.queue_urls[queue],
            MaxNumberOfMessages=max_messages,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages", []))


def _entity_of(item: Any) -> Any:
    attribute = item.attrs.get("entity")
    return attribute.value if attribute is not None else None


def _as_lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """GetRecords gives the creation time as a datetime; Lambda's event has epoch seconds (JSON)."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if created is not None and hasattr(created, "timestamp"):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    return {**record, "dynamodb": change, "awsRegion": REGION, "eventSourceARN": stream_arn}


def _create_tables(stack: Stack) -> None:
    dynamodb = client("dynamodb")
    for name, props in stack.template.tables.items():
        request: dict[str, Any] = {key: props[key] for key in _TABLE_KEYS if key in props}
        if "StreamSpecification" in props:
            request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        description = dynamodb.create_table(TableName=name, **request)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            specification = {"AttributeName": ttl["AttributeName"], "Enabled": True}
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=specification)
        stack.tables[name] = name
        if "LatestStreamArn" in description:
            stack.stream_arns[name] = description["LatestStreamArn"]


def _logical_id(value: Any) -> str:
    if isinstance(value, dict) and "Ref" in value:
        return str(value["Ref"])
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return str(value["Fn::GetAtt"][0])
    raise ValueError(f"expected !Ref or !GetAtt, got {value!r}")


def _create_queues(stack: Stack) -> None:
    sqs = client("sqs")
    # Dead-letter queues first: a redrive policy names its DLQ's ARN.
    ordered = sorted(stack.template.queues.items(), key=lambda item: "RedrivePolicy" in item[1])
    for name, props in ordered:
        attributes = {
            attribute: str(props[key]) for key, attribute in _QUEUE_ATTRIBUTES.items() if key in props
        }
        if "RedrivePolicy" in props:
            redrive = props["RedrivePolicy"]
            attributes["RedrivePolicy"] = json.dumps(
                {
                    "deadLetterTargetArn": stack.queue_arns[_logical_id(redrive["deadLetterTargetArn"])],
                    "maxReceiveCount": int(redrive["maxReceiveCount"]),
                }
            )
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        stack.queue_urls[name] = url
        stack.queue_arns[name] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]


def _create_bus_and_rules(stack: Stack) -> None:
    events = client("events")
    for name, props in stack.template.buses.items():
        events.create_event_bus(Name=props["Name"])
        stack.buses[name] = props["Name"]
    for rule in stack.template.rules:
        bus = stack.buses[rule.bus]
        events.put_rule(
            Name=rule.name,
            EventBusName=bus,
            EventPattern=json.dumps(rule.pattern),
            State="ENABLED",
        )
        events.put_targets(
            Rule=rule.name,
            EventBusName=bus,
            Targets=[{"Id": target, "Arn": stack.queue_arns[target]} for target in rule.targets],
        )
        stack.rules[rule.name] = rule.name


def _create_buckets(stack: Stack) -> None:
    s3 = client("s3")
    for name in stack.template.buckets:
        bucket = name.lower()  # S3 names have no upper case (the local stack names them the same way)
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        stack.buckets[name] = bucket


def _create_secrets(stack: Stack) -> None:
    secretsmanager = client("secretsmanager")
    for name in stack.template.resources_of("AWS::SecretsManager::Secret"):
        created = secretsmanager.create_secret(Name=name, SecretString=stack_secret(name))
        stack.secrets[name] = created["ARN"]


def _verify_email_senders(stack: Stack) -> None:
    """SES (and moto) refuse to send from an unverified address: verify every function's EMAIL_FROM."""
    senders = {stack.resolve(function.environment["EMAIL_FROM"])
               for function in stack.template.functions.values() if "EMAIL_FROM" in function.environment}
    for sender in sorted(senders):
        client("ses").verify_email_identity(EmailAddress=sender)


def create_stack() -> Stack:
    """Create everything the template declares in the active moto mock."""
    stack = Stack(template=template())
    _create_tables(stack)
    _create_queues(stack)
    _create_bus_and_rules(stack)
    _create_buckets(stack)
    _create_secrets(stack)
    _verify_email_senders(stack)
    return stack


@dataclass
class Keys:
    """Secrets Manager alone, for unit tests that need key material but not the whole stack.

    ``keys.put("CURSOR_SECRET_ARN", value)`` stores the value in (moto's) Secrets Manager and names the
    secret in that environment variable, as a function's environment does; the code reads it at run time.
    """

    set_variable: Any  # monkeypatch.setenv
    arns: dict[str, str] = field(default_factory=dict)  # variable → ARN

    def put(self, variable: str, value: str) -> str:
        from trellis import secrets
        from trellis.settings import get_settings

        secretsmanager = client("secretsmanager")
        if variable in self.arns:
            secretsmanager.put_secret_value(SecretId=self.arns[variable], SecretString=value)
        else:
            self.arns[variable] = secretsmanager.create_secret(Name=variable, SecretString=value)["ARN"]
        self.set_variable(variable, self.arns[variable])
        get_settings.cache_clear()
        secrets.clear_cache()
        return self.arns[variable]

"""moto in server mode on 127.0.0.1, with the template's tables, queues, bus and rules and secrets created
in it (and the functions' email senders verified in SES)."""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from local.intrinsics import ACCOUNT, REGION, LocalNames
from local.template import Template, user_pool_request

log = logging.getLogger("local.moto")

# CloudFormation property → SQS attribute, for the properties that change behaviour locally.
_QUEUE_ATTRIBUTES = (
    "VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "MaximumMessageSize",
    "ReceiveMessageWaitTimeSeconds", "FifoQueue", "ContentBasedDeduplication", "SqsManagedSseEnabled",
)


@dataclass
class Cloud:
    """The running moto server and the physical names of what was created in it."""

    server: ThreadedMotoServer
    endpoint: str
    names: LocalNames
    stream_arns: dict[str, str] = field(default_factory=dict)  # table logical id → stream ARN
    queue_urls: dict[str, str] = field(default_factory=dict)  # queue logical id → URL
    queue_arns: dict[str, str] = field(default_factory=dict)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)
    _clients_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def client(self, service: str) -> Any:
        """One client per service, shared: clients are thread-safe, creating them is not."""
        with self._clients_lock:
            if service not in self._clients:
                session: Any = boto3.session.Session()
                self._clients[service] = session.client(
                    service, endpoint_url=self.endpoint, region_name=REGION,
                    aws_access_key_id="local", aws_secret_access_key="local",  # noqa: S106 - moto accepts anything  # nosec B106
                )
            return self._clients[service]

    def stop(self) -> None:
        self.server.stop()


def start(template: Template, names: LocalNames) -> Cloud:
    # werkzeug logs every request moto serves; the pollers alone would fill the console.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # The pool's id from its name and settings, not at random: the local issuer's ``iss`` names the
    # pool, and tokens are meant to survive a restart (moto runs in this process: it reads this here).
    os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY", "HASH")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    names.endpoint = endpoint
    cloud = Cloud(server=server, endpoint=endpoint, names=names)
    try:
        _create_tables(cloud, template)
        _create_queues(cloud, template)
        _create_buses_and_rules(cloud, template)
        _create_user_pools(cloud, template)
        _create_buckets(cloud, template)
        _create_secrets(cloud, template)
        _verify_email_senders(cloud, template)
    except BaseException:
        server.stop()
        raise
    return cloud


def _create_tables(cloud: Cloud, template: Template) -> None:
    dynamodb = cloud.client("dynamodb")
    for name, props in template.tables.items():
        request: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PROVISIONED"),
        }
        if request["BillingMode"] == "PROVISIONED":
            request["ProvisionedThroughput"] = props.get(
                "ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
        for index_kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if props.get(index_kind):
                request[index_kind] = props[index_kind]
        if "StreamSpecification" in props:
            request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        table = dynamodb.create_table(**request)["TableDescription"]
        if "LatestStreamArn" in table:
            cloud.stream_arns[name] = table["LatestStreamArn"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            specification = {"AttributeName": ttl["AttributeName"], "Enabled": True}
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=specification)
        log.debug("table %s created", name)


def _create_user_pools(cloud: Cloud, template: Template) -> None:
    """The template's Cognito user pools (the identity-sync consumer's logins); their ids go to the names."""
    cognito = cloud.client("cognito-idp")
    for name, resource in template.resources_of("AWS::Cognito::UserPool").items():
        request = user_pool_request(resource.get("Properties", {}), cloud.names.resolve)
        cloud.names.user_pools[name] = cognito.create_user_pool(**request)["UserPool"]["Id"]
        log.debug("user pool %s created", name)


def _create_buckets(cloud: Cloud, template: Template) -> None:
    s3 = cloud.client("s3")
    for name in template.buckets:
        s3.create_bucket(Bucket=cloud.names.bucket_name(name),
                         CreateBucketConfiguration={"LocationConstraint": REGION})
        log.debug("bucket %s created", name)


def _create_secrets(cloud: Cloud, template: Template) -> None:
    """The template's secrets with this run's values; functions read them at run time by the name (local
    ``!Ref``) their environment carries."""
    secretsmanager = cloud.client("secretsmanager")
    for name in template.resources_of("AWS::SecretsManager::Secret"):
        secretsmanager.create_secret(Name=cloud.names.ref(name), SecretString=cloud.names.secrets[name])
        log.debug("secret %s created", name)


def _verify_email_senders(cloud: Cloud, template: Template) -> None:
    """SES refuses to send from an unverified address (moto too): verify every function's EMAIL_FROM."""
    senders = {cloud.names.resolve(function.environment["EMAIL_FROM"])
               for function in template.functions.values() if "EMAIL_FROM" in function.environment}
    for sender in sorted(senders):
        cloud.client("ses").verify_email_identity(EmailAddress=sender)
        log.debug("email sender %s verified", sender)


def _redrive_target(props: dict[str, Any]) -> str | None:
    policy = props.get("RedrivePolicy")
    if not policy:
        return None
    arn = policy.get("deadLetterTargetArn")
    if isinstance(arn, dict) and "Fn::GetAtt" in arn:
        return str(arn["Fn::GetAtt"][0])
    return None


def _create_queues(cloud: Cloud, template: Template) -> None:
    sqs = cloud.client("sqs")
    created: set[str] = set()

    def create(name: str, trail: tuple[str, ...] = ()) -> None:
        if name in created:
            return
        if name in trail:
            raise ValueError(f"queues redrive into each other: {' → '.join((*trail, name))}")
        props = template.queues[name]
        # A redrive policy names its DLQ by ARN, so the DLQ must exist first.
        dlq = _redrive_target(props)
        if dlq:
            create(dlq, (*trail, name))
        attributes = {key: cloud.names.resolve(props[key]) for key in _QUEUE_ATTRIBUTES if key in props}
        if "RedrivePolicy" in props:
            policy = props["RedrivePolicy"]
            attributes["RedrivePolicy"] = json.dumps({
                "deadLetterTargetArn": cloud.names.resolve(policy["deadLetterTargetArn"]),
                "maxReceiveCount": int(policy["maxReceiveCount"]),
            })
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        cloud.queue_urls[name], cloud.queue_arns[name] = url, arn
        created.add(name)

    for name in template.queues:
        create(name)


def _create_buses_and_rules(cloud: Cloud, template: Template) -> None:
    events = cloud.client("events")
    for name in template.buses:
        events.create_event_bus(Name=cloud.names.bus_name(name))
    for rule in template.rules:
        props = template.raw["Resources"][rule.name]["Properties"]
        bus = cloud.names.bus_name(rule.bus)
        events.put_rule(
            Name=rule.name, EventBusName=bus, EventPattern=json.dumps(rule.pattern),
            State=props.get("State", "ENABLED"), Description=props.get("Description", ""),
        )
        targets = []
        for target in props.get("Targets", []):
            arn = cloud.names.resolve(target["Arn"])
            if not arn.startswith(f"arn:aws:sqs:{REGION}:{ACCOUNT}:"):
                raise ValueError(f"{rule.name}: the local stack delivers rules to SQS queues only, not {arn}")
            entry: dict[str, Any] = {"Id": target["Id"], "Arn": arn}
            if "DeadLetterConfig" in target:
                entry["DeadLetterConfig"] = {"Arn": cloud.names.resolve(target["DeadLetterConfig"]["Arn"])}
            if "RetryPolicy" in target:
                entry["RetryPolicy"] = target["RetryPolicy"]
            targets.append(entry)
        if targets:
            events.put_targets(Rule=rule.name, EventBusName=bus, Targets=targets)

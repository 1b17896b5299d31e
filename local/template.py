"""Reads template.yaml into what the local stack and the contract tests need.

Routes, tables, queues, rules, stream and queue mappings and schedules are taken from the
template, never listed a second time, so the local stack cannot drift from what AWS deploys.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !GetAtt, !Sub …) read as their long forms."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


@dataclass(frozen=True)
class Route:
    function: str
    method: str
    path: str  # API Gateway form: /partnerships/{partnership_id}
    authorizer: str | None = None  # None: the API's DefaultAuthorizer; "NONE": a public route
    authorization_scopes: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        return re.compile(f"^{regex}$")

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class StreamMapping:
    function: str
    table: str  # logical id of the table whose stream feeds the function
    batch_size: int
    filters: list[dict[str, Any]]
    report_failures: bool
    on_failure_queue: str | None
    starting_position: str = "TRIM_HORIZON"
    maximum_retry_attempts: int = -1  # -1: until the record expires, as in Lambda


@dataclass(frozen=True)
class QueueMapping:
    function: str
    queue: str  # logical id
    batch_size: int
    report_failures: bool


@dataclass(frozen=True)
class Schedule:
    function: str
    name: str
    expression: str
    input: str | None
    timezone: str | None = None


@dataclass(frozen=True)
class Rule:
    name: str
    bus: str  # logical id
    pattern: dict[str, Any]
    targets: list[str]  # logical ids of target queues


@dataclass(frozen=True)
class Function:
    name: str  # logical id
    handler: str  # module.attr, e.g. partners.handlers.api.handler
    code_uri: str  # services/partners/
    environment: dict[str, Any]  # unresolved CloudFormation values
    timeout: int
    properties: dict[str, Any] = field(repr=False)
    memory_size: int = 128

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def attribute(self) -> str:
        return self.handler.rsplit(".", 1)[1]


@dataclass(frozen=True)
class Template:
    raw: dict[str, Any]
    functions: dict[str, Function]
    tables: dict[str, dict[str, Any]]
    queues: dict[str, dict[str, Any]]
    buses: dict[str, dict[str, Any]]
    rules: list[Rule]
    routes: list[Route]
    stream_mappings: list[StreamMapping]
    queue_mappings: list[QueueMapping]
    schedules: list[Schedule]
    buckets: dict[str, dict[str, Any]] = field(default_factory=dict)

    def resources_of(self, kind: str) -> dict[str, dict[str, Any]]:
        return {name: res for name, res in self.raw["Resources"].items() if res["Type"] == kind}


def _logical_id(value: Any) -> str:
    """The logical id behind !Ref X / !GetAtt X.Attr."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    raise ValueError(f"expected !Ref or !GetAtt, got {value!r}")


def load(path: Path = TEMPLATE) -> Template:
    raw = yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass  # nosec B506
    resources: dict[str, dict[str, Any]] = raw["Resources"]
    globals_fn = raw.get("Globals", {}).get("Function", {})
    global_env = globals_fn.get("Environment", {}).get("Variables", {})

    functions: dict[str, Function] = {}
    routes: list[Route] = []
    streams: list[StreamMapping] = []
    queue_maps: list[QueueMapping] = []
    schedules: list[Schedule] = []
    for name, res in resources.items():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        props = res["Properties"]
        env = {**global_env, **props.get("Environment", {}).get("Variables", {})}
        functions[name] = Function(
            name=name, handler=props["Handler"], code_uri=props["CodeUri"], environment=env,
            timeout=int(props.get("Timeout", globals_fn.get("Timeout", 3))), properties=props,
            memory_size=int(props.get("MemorySize", globals_fn.get("MemorySize", 128))),
        )
        for event_name, event in (props.get("Events") or {}).items():
            kind, ep = event["Type"], event.get("Properties", {})
            if kind == "HttpApi":
                auth = ep.get("Auth") or {}
                routes.append(Route(
                    function=name, method=ep["Method"].upper(), path=ep["Path"],
                    authorizer=auth.get("Authorizer"),
                    authorization_scopes=tuple(auth.get("AuthorizationScopes") or ()),
                ))
            elif kind == "DynamoDB":
                filters = [json.loads(f["Pattern"]) for f in ep.get("FilterCriteria", {}).get("Filters", [])]
                on_failure = ep.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
                streams.append(StreamMapping(
                    function=name, table=_logical_id(ep["Stream"]), batch_size=int(ep.get("BatchSize", 100)),
                    filters=filters,
                    report_failures="ReportBatchItemFailures" in ep.get("FunctionResponseTypes", []),
                    on_failure_queue=_logical_id(on_failure) if on_failure else None,
                    starting_position=str(ep.get("StartingPosition", "TRIM_HORIZON")),
                    maximum_retry_attempts=int(ep.get("MaximumRetryAttempts", -1)),
                ))
            elif kind == "SQS":
                queue_maps.append(QueueMapping(
                    function=name, queue=_logical_id(ep["Queue"]), batch_size=int(ep.get("BatchSize", 10)),
                    report_failures="ReportBatchItemFailures" in ep.get("FunctionResponseTypes", []),
                ))
            elif kind in {"ScheduleV2", "Schedule"}:
                schedules.append(Schedule(
                    function=name, name=event_name, expression=ep["ScheduleExpression"],
                    input=ep.get("Input"), timezone=ep.get("ScheduleExpressionTimezone"),
                ))
            else:
                raise ValueError(f"{name}.{event_name}: the local stack does not know event type {kind}")

    rules = [
        Rule(
            name=name, bus=_logical_id(res["Properties"]["EventBusName"]),
            pattern=res["Properties"]["EventPattern"],
            targets=[_logical_id(target["Arn"]) for target in res["Properties"].get("Targets", [])],
        )
        for name, res in resources.items() if res["Type"] == "AWS::Events::Rule"
    ]

    def of(kind: str) -> dict[str, dict[str, Any]]:
        return {name: res.get("Properties", {}) for name, res in resources.items() if res["Type"] == kind}

    return Template(
        raw=raw, functions=functions, tables=of("AWS::DynamoDB::Table"), queues=of("AWS::SQS::Queue"),
        buses=of("AWS::Events::EventBus"), rules=rules, routes=routes, stream_mappings=streams,
        queue_mappings=queue_maps, schedules=schedules, buckets=of("AWS::S3::Bucket"),
    )


@cache
def template() -> Template:
    return load()


# AWS::Cognito::UserPool properties that CreateUserPool takes as they are (the rest is AWS-only
# configuration - MFA methods, domains - that changes nothing for the identity sync).
_USER_POOL_PROPERTIES = (
    "UsernameAttributes", "UsernameConfiguration", "AutoVerifiedAttributes", "AdminCreateUserConfig",
    "Policies", "Schema", "MfaConfiguration",
)


def user_pool_request(properties: dict[str, Any], resolve: Any) -> dict[str, Any]:
    """The CreateUserPool request for a template user pool (``resolve`` turns !Sub/!Ref into strings)."""
    request: dict[str, Any] = {"PoolName": resolve(properties.get("UserPoolName", "trellis"))}
    request.update({name: properties[name] for name in _USER_POOL_PROPERTIES if name in properties})
    return request

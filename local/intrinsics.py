"""CloudFormation values (``!Ref``, ``!GetAtt``, ``!Sub``) → the local stack's names.

The local stack names every resource after its logical id (the bus keeps its ``Name``), so a
function's environment can be resolved from the template alone, before moto has created anything.
Anything this module does not know raises, naming the value: a silently wrong environment
variable is worse than a stack that refuses to start.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from local.template import Template

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account
STAGE = "local"
USER_POOL_ID = f"{REGION}_trellislocal"  # until moto has created the pool (see moto_server.py)
USER_POOL_CLIENT_ID = "trellis-local"

PSEUDO_PARAMETERS = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": f"trellis-{STAGE}",
}
# Parameters whose template default does not suit a stack on 127.0.0.1.
PARAMETER_OVERRIDES = {"Stage": STAGE, "CognitoDomainPrefix": "trellis-local"}

_SUB_VARIABLE = re.compile(r"\$\{([^}!]+)\}")
# The HTTP API's own address in AWS (e.g. for links in emails); locally it is the local server's.
_API_URL = re.compile(r"https://\$\{(\w+)\}\.execute-api\.\$\{AWS::Region\}\.\$\{AWS::URLSuffix\}")


class UnresolvableValue(ValueError):
    pass


def _generated_secret(properties: dict[str, Any]) -> str:
    """A value shaped like the secret's GenerateSecretString would make (length, punctuation)."""
    spec = properties.get("GenerateSecretString", {})
    length = max(int(spec.get("PasswordLength", 32)), 32)
    alphabet = string.ascii_letters + string.digits
    if not spec.get("ExcludePunctuation", False):
        alphabet += "!#$%&()*+,-.:;<=>?@[]^_{|}~"
    return "".join(secrets.choice(alphabet) for _ in range(length))


@dataclass
class LocalNames:
    """Physical names and ARNs of the template's resources in the local stack."""

    template: Template
    endpoint: str = "http://127.0.0.1"  # moto's, once it runs
    secrets: dict[str, str] = field(default_factory=dict)  # secret logical id → its value (moto holds it)
    user_pools: dict[str, str] = field(default_factory=dict)  # logical id → id, once moto created them
    api_url: str = "http://127.0.0.1:3000"  # the local server's, where AWS has the HttpApi's URL

    def __post_init__(self) -> None:
        # Generated once per run and stored in moto's Secrets Manager (moto_server.py), where every
        # function that names the secret reads it at run time.
        for name, res in self.template.resources_of("AWS::SecretsManager::Secret").items():
            self.secrets.setdefault(name, _generated_secret(res.get("Properties", {})))

    def resource(self, name: str) -> dict[str, Any]:
        try:
            resource: dict[str, Any] = self.template.raw["Resources"][name]
        except KeyError:
            raise UnresolvableValue(f"no resource {name!r} in the template") from None
        return resource

    def bus_name(self, name: str) -> str:
        return str(self.resource(name).get("Properties", {}).get("Name", name))

    def bucket_name(self, name: str) -> str:
        # CloudFormation generates a name; locally the logical id, lower-cased (S3 allows no capitals).
        return name.lower()

    def queue_url(self, name: str) -> str:
        return f"{self.endpoint}/{ACCOUNT}/{name}"

    def ref(self, name: str) -> str:
        if name in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[name]
        parameters = self.template.raw.get("Parameters", {})
        if name in parameters:
            if name in PARAMETER_OVERRIDES:
                return PARAMETER_OVERRIDES[name]
            if "Default" not in parameters[name]:
                raise UnresolvableValue(f"parameter {name!r} has no default and no local value")
            return str(parameters[name]["Default"])
        kind = self.resource(name)["Type"]
        if kind == "AWS::DynamoDB::Table":
            return name
        if kind == "AWS::SQS::Queue":
            return self.queue_url(name)
        if kind == "AWS::Events::EventBus":
            return self.bus_name(name)
        if kind == "AWS::S3::Bucket":
            return self.bucket_name(name)
        if kind == "AWS::SecretsManager::Secret":
            # CloudFormation gives the ARN; locally the name, which GetSecretValue takes as SecretId too
            # (moto's ARN ends in a random suffix, unknown before the secret exists).
            return name
        if kind == "AWS::Cognito::UserPool":
            return self.user_pools.get(name, USER_POOL_ID)
        if kind == "AWS::Cognito::UserPoolClient":
            return USER_POOL_CLIENT_ID
        raise UnresolvableValue(f"the local stack cannot resolve !Ref {name} ({kind})")

    def get_att(self, name: str, attribute: str) -> str:
        kind = self.resource(name)["Type"]
        if kind == "AWS::DynamoDB::Table" and attribute == "Arn":
            return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
        if kind == "AWS::SQS::Queue" and attribute == "Arn":
            return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
        if kind == "AWS::SQS::Queue" and attribute == "QueueName":
            return name
        if kind == "AWS::SQS::Queue" and attribute == "QueueUrl":
            return self.queue_url(name)
        if kind == "AWS::S3::Bucket" and attribute == "Arn":
            return f"arn:aws:s3:::{self.bucket_name(name)}"
        if kind == "AWS::DynamoDB::Table" and attribute == "StreamArn":
            raise UnresolvableValue(f"{name}.StreamArn is only known once moto created the table")
        if kind == "AWS::Events::EventBus" and attribute == "Arn":
            return f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{self.bus_name(name)}"
        if kind == "AWS::Events::EventBus" and attribute == "Name":
            return self.bus_name(name)
        if kind == "AWS::Cognito::UserPool" and attribute == "Arn":
            return f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{self.ref(name)}"
        raise UnresolvableValue(f"the local stack cannot resolve !GetAtt {name}.{attribute} ({kind})")

    def resolve(self, value: Any) -> str:
        """A template value as the string Lambda would see in its environment."""
        if isinstance(value, str | int | float | bool):
            return str(value).lower() if isinstance(value, bool) else str(value)
        if isinstance(value, dict) and len(value) == 1:
            (intrinsic, argument), = value.items()
            if intrinsic == "Ref":
                return self.ref(str(argument))
            if intrinsic == "Fn::GetAtt":
                return self.get_att(str(argument[0]), str(argument[1]))
            if intrinsic == "Fn::Sub":
                return self.sub(argument)
        raise UnresolvableValue(f"the local stack cannot resolve {value!r}")

    def sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
        api = _API_URL.fullmatch(str(text))
        if api and self.resource(api.group(1))["Type"] == "AWS::Serverless::HttpApi":
            return self.api_url

        def variable(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return self.resolve(variables[name])
            if "." in name:
                resource, attribute = name.split(".", 1)
                return self.get_att(resource, attribute)
            return self.ref(name)

        if "{{resolve:" in str(text):
            # A dynamic reference would put the value in the function's configuration: secrets are read
            # at run time (trellis.secrets) from the ARN the environment names.
            raise UnresolvableValue(f"dynamic references are not supported: {text!r}")
        return _SUB_VARIABLE.sub(variable, str(text))

    def environment(self, function: str) -> dict[str, str]:
        """The function's Environment.Variables (Globals merged) resolved to local values."""
        resolved: dict[str, str] = {}
        for key, value in self.template.functions[function].environment.items():
            try:
                resolved[key] = self.resolve(value)
            except UnresolvableValue as error:
                raise UnresolvableValue(f"{function}: environment variable {key}: {error}") from None
        return resolved

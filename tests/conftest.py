"""Fixtures of the unit, integration and contract suites.

- The environment a function sees is set per test with monkeypatch (settings are read lazily and
  their cache is cleared around every test), never by import order.
- ``aws``: a moto account with every table, queue, the bus and its rules, created from template.yaml.
- ``service("partners")`` / ``function("NotificationsConsumerFunction")``: a template function,
  called in-process with its own environment and API Gateway / SQS / stream events.
- Every DynamoDB call the code makes is recorded (botocore hooks); a Scan fails the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

# Before any botocore session exists: every session created later carries the hooks.
from tests.helpers import dynamodb_calls

dynamodb_calls.install()

from moto import mock_aws  # noqa: E402 - after the hooks, like moto's own

from local.template import Function  # noqa: E402
from tests.helpers.aws import CURSOR_SECRET, REGION, Keys, Stack, create_stack  # noqa: E402
from tests.helpers.dynamodb_calls import Recorder  # noqa: E402
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, User  # noqa: E402
from tests.helpers.local_stack import local_stack  # noqa: E402, F401 - fixture "stack": e2e and browser share it
from trellis import secrets  # noqa: E402
from trellis.settings import get_settings  # noqa: E402

TEST_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_CONFIG_FILE": "/dev/null/no-aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null/no-aws-credentials",
    "AWS_EC2_METADATA_DISABLED": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "Trellis",
    "POWERTOOLS_SERVICE_NAME": "trellis-tests",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "TABLE_NAME": "PartnersTable",
    "IDEMPOTENCY_TABLE_NAME": "IdempotencyTable",
    "EVENT_BUS_NAME": "trellis",
}
_UNSET = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_DYNAMODB",
    "EVENT_SOURCE",
    "OUTBOX_TTL_DAYS",
    "AWS_LAMBDA_FUNCTION_NAME",
    "LAMBDA_TASK_ROOT",
    "CURSOR_SECRET_ARN",
    "LEADS_SECRET_KEY_ARN",
    "NOTIFICATIONS_SECRET_KEY_ARN",
)


def pytest_configure(config: pytest.Config) -> None:
    # Most requests record no metric of their own; Powertools warns about each such flush.
    config.addinivalue_line("filterwarnings", "ignore:No application metrics to publish:UserWarning")


@pytest.fixture(autouse=True)
def _in_process_suite(request: pytest.FixtureRequest) -> None:
    """Unit, integration and contract tests get the test environment and the Scan guard.

    The e2e suite runs its own stack in a subprocess and sets up its own environment.
    """
    if "e2e" in request.node.path.parts or request.node.get_closest_marker("e2e") is not None:
        return
    request.getfixturevalue("test_environment")
    request.getfixturevalue("no_scans")


@pytest.fixture
def test_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    for name in _UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in TEST_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    secrets.clear_cache()
    yield dict(TEST_ENVIRONMENT)
    get_settings.cache_clear()
    secrets.clear_cache()


@pytest.fixture
def no_scans() -> Iterator[Recorder]:
    """Records every DynamoDB call of the test; the code under test must never Scan."""
    with dynamodb_calls.recording() as recorder:
        recorder.forbidden.add("Scan")
        yield recorder
    scans = [call for call in recorder.calls if call.operation == "Scan"]
    if scans:
        pytest.fail(f"the code scanned DynamoDB: {scans}")


@pytest.fixture
def aws(test_environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """A moto account holding every table, queue, bus, rule and secret of template.yaml.

    The environment names the template's secrets by ARN (``CURSOR_SECRET_ARN``, ...), as the functions'
    environments do: logic a test calls directly reads its keys from (moto's) Secrets Manager too.
    """
    with mock_aws():
        stack = create_stack()
        for name, arn in stack.secret_variables().items():
            monkeypatch.setenv(name, arn)
        get_settings.cache_clear()
        yield stack


@pytest.fixture
def keys(test_environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Keys]:
    """Secrets Manager without the rest of the stack (never with ``aws``), holding the cursor key."""
    with mock_aws():
        store = Keys(set_variable=monkeypatch.setenv)
        store.put("CURSOR_SECRET_ARN", CURSOR_SECRET)
        yield store


def _api_function(stack: Stack, service: str) -> Function:
    candidates = [
        fn
        for fn in stack.template.functions.values()
        if fn.code_uri.rstrip("/") == f"services/{service}"
        and fn.handler == f"{service}.handlers.api.handler"
    ]
    if len(candidates) != 1:
        raise LookupError(f"template.yaml has no single API function for service {service!r}")
    return candidates[0]


@pytest.fixture
def function(aws: Stack) -> Callable[[str], FunctionRunner]:
    """``function("NotificationsConsumerFunction")``: a template function with its resolved environment."""

    def runner(logical_id: str) -> FunctionRunner:
        return FunctionRunner(stack=aws, function=aws.template.functions[logical_id])

    return runner


@pytest.fixture
def service(aws: Stack, monkeypatch: pytest.MonkeyPatch) -> Callable[..., ApiClient]:
    """``service("partners")``: the env points at the service's API function; returns its API client."""

    def client(name: str, user: User | None = None) -> ApiClient:
        runner = FunctionRunner(stack=aws, function=_api_function(aws, name))
        for variable, value in runner.env.items():
            monkeypatch.setenv(variable, value)
        get_settings.cache_clear()
        return ApiClient(runner=runner, user=user)

    return client

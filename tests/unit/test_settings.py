"""Function settings: read from the environment at first use, validated, re-read after cache_clear."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from trellis.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parents[2]


def test_settings_are_read_at_first_use_and_again_after_cache_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TABLE_NAME", "FirstTable")
    get_settings.cache_clear()
    assert get_settings().table_name == "FirstTable"
    monkeypatch.setenv("TABLE_NAME", "SecondTable")
    assert get_settings().table_name == "FirstTable"  # cached for the life of the container
    get_settings.cache_clear()
    assert get_settings().table_name == "SecondTable"


def test_defaults_apply_when_optional_settings_are_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EVENT_BUS_NAME", "IDEMPOTENCY_TABLE_NAME", "CURSOR_SECRET_ARN"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    settings = get_settings()
    assert settings.event_bus_name == "trellis"
    assert settings.idempotency_table_name is None
    assert settings.cursor_secret_arn is None
    assert settings.outbox_ttl_days == 7


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TABLE_NAME", None),
        ("TABLE_NAME", "ab"),
        ("POWERTOOLS_SERVICE_NAME", ""),
        ("CURSOR_SECRET_ARN", ""),
        ("OUTBOX_TTL_DAYS", "0"),
    ],
)
def test_an_invalid_environment_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str | None,
) -> None:
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    with pytest.raises(ValidationError) as raised:
        get_settings()
    assert raised.value.errors()[0]["loc"] == (name,)


def test_the_settings_name_secrets_but_never_hold_their_values() -> None:
    # Key material is read from Secrets Manager at run time (trellis.secrets), never from the environment.
    fields = {name: field.alias for name, field in Settings.model_fields.items()}
    secret_fields = {name: alias for name, alias in fields.items() if "secret" in name}
    assert secret_fields == {
        "cursor_secret_arn": "CURSOR_SECRET_ARN",
        "leads_secret_key_arn": "LEADS_SECRET_KEY_ARN",
        "notifications_secret_key_arn": "NOTIFICATIONS_SECRET_KEY_ARN",
    }


def test_a_function_imported_before_its_environment_was_set_still_publishes_metrics(tmp_path: Path) -> None:
    # Given a handler module imported while POWERTOOLS_METRICS_NAMESPACE is unset (a test collecting
    # modules, the local stack importing every function), and the environment set only afterwards
    script = """
import json, os, sys
import boto3
from moto import mock_aws
import notifications.handlers.digest as digest
os.environ.update(POWERTOOLS_METRICS_NAMESPACE="Trellis", POWERTOOLS_SERVICE_NAME="notifications-digest",
                  AWS_DEFAULT_REGION="eu-west-1", AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
class Context:
    function_name, memory_limit_in_mb, aws_request_id = "digest", 512, "r-1"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:digest"
with mock_aws():
    os.environ["DIGEST_QUEUE_URL"] = boto3.client("sqs").create_queue(QueueName="digest")["QueueUrl"]
    print("RESULT " + json.dumps(digest.handler({"scheduled_for": "2025-01-01T07:00:00Z"}, Context())))
"""
    env = {key: value for key, value in os.environ.items() if not key.startswith("POWERTOOLS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "shared"), str(ROOT / "services" / "notifications")])
    # When the scheduled run happens
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    # Then it completes and its metric goes out in the Trellis namespace
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    emf = [line for line in lines if "_aws" in line]
    assert len(emf) == 1
    assert emf[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Trellis"
    assert emf[0]["DigestRuns"] in (1, [1])
    assert 'RESULT {"run_at": "2025-01-01T07:00:00+00:00", "steps": 10}' in done.stdout

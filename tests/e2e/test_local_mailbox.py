"""The local stack's mailbox: a queued email goes through the email worker and SES (moto) and can be read
at /local/emails; its unsubscribe link points at the local server and works there."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest

from tests.e2e.conftest import LocalStack, eventually

pytestmark = pytest.mark.e2e
PM = "pm@acme.example"


def _aws(stack: LocalStack, service: str) -> Any:
    session: Any = boto3.session.Session()
    return session.client(
        service, endpoint_url=stack.health()["aws_endpoint_url"], region_name="eu-west-1",
        aws_access_key_id="e2e", aws_secret_access_key="e2e",
    )


def _queue_email(stack: LocalStack, subject: str) -> None:
    """What ``notifications.logic.email.queue`` writes (a pending email item, then its queue message),
    written from outside: the e2e process must not import the service's code against the stack."""
    key = {"pk": "ORG#org-acme#USER#u-acme-pm#", "sk": f"EMAIL#{uuid.uuid4().hex}#"}
    context = {"recipient_name": "Pam", "title": subject,
               "body": "Litware moved from recruitment to onboarding.",
               "link": f"{stack.base_url}/partnerships/p1", "category_label": "Partnership stage changes"}
    item = {
        "pk": {"S": key["pk"]}, "sk": {"S": key["sk"]}, "entity": {"S": "Email"},
        "dedupe_key": {"S": key["sk"]}, "to_address": {"S": PM}, "template": {"S": "notification"},
        "subject": {"S": subject}, "context": {"S": json.dumps(context)},
        "organisation_id": {"S": "org-acme"}, "user_id": {"S": "u-acme-pm"},
        "category": {"S": "partnership_stage"}, "status": {"S": "pending"}, "attempts": {"N": "0"},
        "queued_at": {"S": "2025-05-01T09:00:00.000000+0000"}, "expires_at": {"N": "4102444800"},
    }
    _aws(stack, "dynamodb").put_item(TableName="NotificationsTable", Item=item)
    sqs = _aws(stack, "sqs")
    url = sqs.get_queue_url(QueueName="NotificationsEmailQueue")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(key))


def _email(stack: LocalStack, subject: str) -> dict[str, Any] | None:
    emails = stack.session.get(stack.url("/local/emails"), timeout=10).json()["emails"]
    return next((item for item in emails if item["subject"] == subject), None)


def test_a_queued_email_can_be_read_and_its_unsubscribe_link_works(stack: LocalStack) -> None:
    # Given an email queued for the partner manager
    subject = f"Litware moved to onboarding {uuid.uuid4().hex[:6]}"
    _queue_email(stack, subject)

    # Then the worker sends it and the mailbox shows it, both parts and headers
    sent = eventually(lambda: _email(stack, subject), timeout=30)
    assert sent["to"] == [PM]
    assert sent["from"] == "notifications@trellis.example"
    assert "Litware moved from recruitment to onboarding." in sent["text"]
    assert "<html" in sent["html"]
    assert sent["sent_at"]
    link = sent["headers"]["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"{stack.base_url}/public/unsubscribe?token=")
    page = stack.session.get(stack.url(f"/local/emails/{sent['n']}"), timeout=10)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert subject in page.text
    assert subject in stack.session.get(stack.url("/local/mailbox"), timeout=10).text

    # When the link's one-click request is posted to the local server
    response = stack.session.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert response.status_code == 200, response.text

    # Then the manager no longer takes stage-change emails
    preferences = stack.session.get(stack.url("/notifications/preferences"), headers=stack.as_user(PM),
                                    timeout=10).json()
    stage = next(item for item in preferences["categories"] if item["category"] == "partnership_stage")
    assert stage["email"] is False
    # (and turns them back on, for the other tests of this stack)
    stack.session.patch(stack.url("/notifications/preferences"), headers=stack.as_user(PM),
                        json={"categories": {"partnership_stage": {"email": True}}}, timeout=10)


def test_an_unknown_email_number_is_a_404(stack: LocalStack) -> None:
    response = stack.session.get(stack.url("/local/emails/999999"), timeout=10)
    assert response.status_code == 404

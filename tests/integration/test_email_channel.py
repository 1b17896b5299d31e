"""The email channel: ``notifications.logic.email.queue`` (called by the consumer and the digest) and the
email worker (NotificationsEmailQueue → render → SES), read back from what moto's SES recorded.
"""

from __future__ import annotations

import email
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import default
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.awsrequest import AWSResponse

from tests.helpers.aws import ACCOUNT, API_URL, REGION, Stack, client
from tests.helpers.lambda_runtime import FunctionRunner, sqs_event

TABLE = "NotificationsTable"
QUEUE = "NotificationsEmailQueue"
SENDER = "notifications@trellis.example"

NOTIFICATION = {
    "recipient_name": "Ben", "title": "Litware moved to onboarding",
    "body": "Litware moved from recruitment to onboarding.", "link": "https://app.trellis.test/partnerships/p1",
    "category_label": "Partnership stage changes",
}
INVITATION = {
    "name": "Nora", "organisation_name": "Acme Cloud", "company_name": "Northwind", "kind": "partner",
    "accept_url": "https://app.trellis.test/invitations/accept?token=secret-one-time-token",
    "expires_at": "2025-06-01T00:00:00+00:00",
}


@pytest.fixture
def consumer_env(function: Callable[[str], FunctionRunner]) -> FunctionRunner:
    """queue() runs inside the notifications consumer (and the digest): its environment."""
    return function("NotificationsConsumerFunction")


@pytest.fixture
def worker(function: Callable[[str], FunctionRunner]) -> FunctionRunner:
    return function("NotificationsEmailWorkerFunction")


@pytest.fixture
def queue(consumer_env: FunctionRunner) -> Callable[..., bool]:
    def send(**fields: Any) -> bool:
        from notifications.logic.email import EmailRequest
        from notifications.logic.email import queue as queue_email

        request = {
            "dedupe_key": "evt-1/acme/u-ben", "to_address": "ben@acme.example", "template": "notification",
            "subject": "Litware moved to onboarding", "context": dict(NOTIFICATION),
            "organisation_id": "acme", "user_id": "u-ben", "category": "partnership_stage", **fields,
        }
        with consumer_env.env_applied():
            return queue_email(EmailRequest(**request))

    return send


@pytest.fixture
def work(aws: Stack, worker: FunctionRunner) -> Callable[[], dict[str, Any]]:
    """Hand what the email queue holds to the worker as one batch (the messages stay for a redelivery)."""

    def run(messages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        batch = messages if messages is not None else aws.receive(QUEUE)
        assert batch, "nothing in the email queue"
        response: dict[str, Any] = worker.invoke(sqs_event(batch, queue_arn=aws.queue_arns[QUEUE]))
        return response

    return run


def sent_messages() -> list[Any]:
    from moto.ses.models import ses_backends

    return list(ses_backends[ACCOUNT][REGION].sent_messages)


def parsed(raw: Any) -> EmailMessage:
    message = email.message_from_string(raw.raw_data, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def parts(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None
    assert html is not None
    return str(text.get_content()), str(html.get_content())


def email_items(aws: Stack) -> list[dict[str, Any]]:
    return aws.items(TABLE, entity="Email")


@pytest.fixture
def ses_fails(worker: FunctionRunner) -> Iterator[Callable[[str, int], None]]:
    """Make the worker's next SendRawEmail calls answer an SES error (botocore short-circuits the call)."""
    with worker.env_applied():
        from notifications.dal.email import ses_client

        ses = ses_client()
    pending: list[tuple[str, int]] = []

    def before_call(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not pending:
            return None
        code, status = pending.pop(0)
        error = {"Error": {"Code": code, "Message": f"{code} (test)"},
                 "ResponseMetadata": {"HTTPStatusCode": status}}
        return AWSResponse(params.get("url", ""), status, {}, None), error

    ses.meta.events.register("before-call.ses.SendRawEmail", before_call, unique_id="test-ses-fails")

    def fail(code: str, status: int = 400) -> None:
        pending.append((code, status))

    yield fail
    ses.meta.events.unregister("before-call.ses.SendRawEmail", unique_id="test-ses-fails")


# ---------------------------------------------------------------- queueing


def test_queueing_the_same_email_twice_is_one_item_and_one_email(
    aws: Stack, queue: Callable[..., bool], work: Callable[..., dict[str, Any]],
) -> None:
    # Given the same email queued twice (a redelivered event) before the worker ran
    assert queue() is True
    assert queue() is False
    # Then there is one item, and the still-pending email was queued again (nothing lost if the
    # process had died between the write and the enqueue)
    assert len(email_items(aws)) == 1
    messages = aws.receive(QUEUE)
    assert len(messages) == 2
    # When the worker handles both messages, one email goes out
    assert work(messages) == {"batchItemFailures": []}
    assert len(sent_messages()) == 1
    # And queueing it once more after it was sent does nothing at all
    assert queue() is False
    assert aws.receive(QUEUE) == []
    assert len(sent_messages()) == 1


def test_an_invitee_who_is_not_a_user_has_emails_under_their_address(
    aws: Stack, queue: Callable[..., bool],
) -> None:
    queue(dedupe_key="inv-1", to_address="nora@northwind.example", template="invitation",
          subject="Acme Cloud invites you", context=INVITATION, organisation_id=None, user_id=None,
          category=None)
    (item,) = email_items(aws)
    assert item["pk"].startswith("INVITEE#")
    assert item["sk"].startswith("EMAIL#")
    assert "nora" not in item["pk"]  # the address is hashed in the key
    assert item["status"] == "pending"
    assert item["expires_at"] > 0


def test_a_request_the_worker_could_not_send_is_refused_when_queued(queue: Callable[..., bool]) -> None:
    with pytest.raises(ValueError, match="category"):
        queue(category="no-such-category")
    with pytest.raises(ValueError, match="must name its user"):
        queue(user_id=None)
    with pytest.raises(ValueError, match="template"):
        queue(template="newsletter")


# ---------------------------------------------------------------- sending


def test_the_worker_sends_one_email_with_text_html_and_one_click_unsubscribe(
    aws: Stack, queue: Callable[..., bool], work: Callable[..., dict[str, Any]],
) -> None:
    queue()
    assert work() == {"batchItemFailures": []}

    (raw,) = sent_messages()
    message = parsed(raw)
    assert raw.source == SENDER
    assert message["To"] == "ben@acme.example"
    assert message["Subject"] == "Litware moved to onboarding"
    text, html = parts(message)
    assert "Litware moved from recruitment to onboarding." in text
    assert "https://app.trellis.test/partnerships/p1" in text
    assert "Litware moved from recruitment to onboarding." in html
    # RFC 8058: the one-click unsubscribe link on the API, for this user and this category
    unsubscribe = str(message["List-Unsubscribe"])
    assert unsubscribe.startswith(f"<{API_URL}/public/unsubscribe?token=")
    assert unsubscribe.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = unsubscribe[1:-1]
    assert url in text
    assert url.replace("&", "&amp;") in html or url in html
    assert "Partnership stage changes" in text
    # and the item records that it was sent (its context is no longer kept)
    (item,) = email_items(aws)
    assert item["status"] == "sent"
    assert item["attempts"] == 1
    assert item["ses_message_id"] == raw.id
    assert "context" not in item
    token = parse_qs(urlsplit(url).query)["token"][0]
    assert token.startswith("v1.")


def test_a_redelivered_message_of_a_sent_email_sends_nothing(
    aws: Stack, queue: Callable[..., bool], work: Callable[..., dict[str, Any]],
) -> None:
    queue()
    messages = aws.receive(QUEUE)
    assert work(messages) == {"batchItemFailures": []}
    # When SQS delivers the same message again (the worker's delete was lost)
    assert work(messages) == {"batchItemFailures": []}
    assert len(sent_messages()) == 1


def test_an_ses_throttle_is_retried_by_the_queue_and_recorded(
    aws: Stack, queue: Callable[..., bool], work: Callable[..., dict[str, Any]],
    ses_fails: Callable[[str, int], None],
) -> None:
    queue()
    queue(dedupe_key="evt-2/acme/u-ben", subject="Another")
    messages = aws.receive(QUEUE)
    # Given SES throttles the first send of the batch
    ses_fails("Throttling", 400)
    response = work(messages)
    # Then that message alone is reported for a retry; the other email went out
    assert len(response["batchItemFailures"]) == 1
    assert len(sent_messages()) == 1
    failed = next(item for item in email_items(aws) if item["status"] == "pending")
    assert failed["attempts"] == 1
    assert failed["last_error"].startswith("Throttling")
    # When SQS redelivers it (a 5xx this time, then success)
    retry = [message for message in messages if message["MessageId"] == response["batchItemFailures"][0][
        "itemIdentifier"]]
    ses_fails("ServiceUnavailable", 503)
    with pytest.raises(BatchProcessingError):  # every record of the batch failed: Lambda retries it all
        work(retry)
    assert work(retry) == {"batchItemFailures": []}
    assert len(sent_messages()) == 2
    sent = next(item for item in email_items(aws) if (item["pk"], item["sk"]) == (failed["pk"], failed["sk"]))
    assert sent["status"] == "sent"
    assert sent["attempts"] == 3


def test_a_permanent_rejection_marks_the_email_failed_and_is_not_retried(
    aws: Stack, queue: Callable[..., bool], work: Callable[..., dict[str, Any]],
) -> None:
    # Given SES refuses the sender (moto: an identity that is no longer verified → MessageRejected)
    client("ses").delete_identity(Identity=SENDER)
    queue()
    messages = aws.receive(QUEUE)
    assert work(messages) == {"batchItemFailures": []}  # acknowledged: retrying changes nothing
    assert sent_messages() == []
    (item,) = email_items(aws)
    assert item["status"] == "failed"
    assert item["attempts"] == 1
    assert item["last_error"].startswith("MessageRejected")
    # A redelivery does not try again
    client("ses").verify_email_identity(EmailAddress=SENDER)
    assert work(messages) == {"batchItemFailures": []}
    assert sent_messages() == []


def test_a_message_naming_no_email_is_dropped(work: Callable[..., dict[str, Any]]) -> None:
    messages = [{"Body": '{"pk": "ORG#acme#USER#u-ben#", "sk": "EMAIL#gone#"}'}, {"Body": "not json"}]
    assert work(messages) == {"batchItemFailures": []}
    assert sent_messages() == []


# ---------------------------------------------------------------- templates


def test_an_invitation_has_no_unsubscribe_link_and_its_token_is_not_kept(
    aws: Stack, queue: Callable[..., bool], work: Callable[..., dict[str, Any]],
) -> None:
    queue(dedupe_key="inv-1", to_address="nora@northwind.example", template="invitation",
          subject="Acme Cloud invites you to its partner program", context=INVITATION,
          organisation_id=None, user_id=None, category=None)
    assert work() == {"batchItemFailures": []}
    message = parsed(sent_messages()[0])
    assert message["List-Unsubscribe"] is None
    assert message["List-Unsubscribe-Post"] is None
    text, html = parts(message)
    assert "unsubscribe" not in text.lower()
    assert "unsubscribe" not in html.lower()
    assert INVITATION["accept_url"] in text
    assert "Acme Cloud invites you and Northwind to its partner program" in text
    (item,) = email_items(aws)
    assert item["status"] == "sent"
    assert "context" not in item


def test_user_provided_text_is_escaped_in_html(
    queue: Callable[..., bool], work: Callable[..., dict[str, Any]],
) -> None:
    title = 'Evil <script>alert("x")</script> & Co'
    queue(subject=title, context={**NOTIFICATION, "title": title, "link": "javascript:alert(1)"})
    work()
    message = parsed(sent_messages()[0])
    text, html = parts(message)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "javascript:" not in html  # a link that is not http(s) is dropped
    assert title in text  # the text part is never interpreted: shown as written
    assert message["Subject"] == title


def test_a_digest_lists_its_items_and_says_how_many_more(
    queue: Callable[..., bool], work: Callable[..., dict[str, Any]],
) -> None:
    items = [{"title": f"Item {index}", "body": f"Body {index}", "link": None,
              "created_at": "2025-05-01T09:00:00+00:00", "category_label": "Deals won"} for index in range(3)]
    queue(dedupe_key="digest/daily/2025-05-02/acme/u-ben", template="digest", category="digest",
          subject="Your daily Trellis digest",
          context={"recipient_name": None, "frequency": "daily", "since": "2025-05-01T07:00:00+00:00",
                   "total": 60, "items": items, "inbox_url": "https://app.trellis.test/notifications"})
    assert work() == {"batchItemFailures": []}
    message = parsed(sent_messages()[0])
    text, html = parts(message)
    assert "Your daily summary: 60 notifications" in text
    assert "Item 2" in text
    assert "And 57 more." in text
    assert "And 57 more." in html
    assert "Unsubscribe from Digest emails" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

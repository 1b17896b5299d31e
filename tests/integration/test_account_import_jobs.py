"""Account imports that run as a job: the file in S3, the worker fed by SQS, progress, hand-over, retries."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack, client
from tests.helpers.dynamodb_calls import recording
from tests.helpers.events import eventbridge_event, sqs_message
from tests.helpers.lambda_runtime import ApiClient, FakeLambdaContext, FunctionRunner, sqs_event
from tests.helpers.people import ANA, CLEO, ZED
from trellis.events import EventEnvelope

TABLE = "LeadsTable"
WORKER = "LeadsAccountJobsFunction"
QUEUE = "LeadsAccountJobsQueue"


@pytest.fixture
def leads(service: Callable[..., ApiClient]) -> ApiClient:
    return service("leads", ANA)


@pytest.fixture
def worker(function: Callable[[str], FunctionRunner]) -> FunctionRunner:
    return function(WORKER)


@dataclass
class RunningOut(FakeLambdaContext):
    """A Lambda context whose time runs out after a number of looks at the clock."""

    looks_left: int = 0

    def get_remaining_time_in_millis(self) -> int:
        self.looks_left -= 1
        return 300_000 if self.looks_left >= 0 else 1_000


def deliver(aws: Stack, worker: FunctionRunner, envelope: dict[str, Any], context: Any = None) -> list[str]:
    """Hand one event to the worker as its queue would; the ids of the messages it reported as failed."""
    message = sqs_message(eventbridge_event(EventEnvelope.model_validate(envelope)))
    response = worker.invoke(sqs_event([message], queue_arn=aws.queue_arns[QUEUE]), context=context)
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


def events_of(aws: Stack, event_type: str) -> list[dict[str, Any]]:
    return [event for event in outbox_events(aws, TABLE) if event["type"] == event_type]


def a_file(rows: int, *, bad_every: int = 0, repeat_row: int | None = None) -> str:
    """Accounts company-<n>.example; every ``bad_every``-th row without a valid website; ``repeat_row``
    repeating the first row's domain; every tenth in NL."""
    lines = ["name,website,country"]
    for index in range(rows):
        website = f"company-{index}.example"
        if bad_every and index % bad_every == bad_every - 1:
            website = "not a website"
        if repeat_row is not None and index == repeat_row:
            website = "company-0.example"
        lines.append(f"Company {index:05d},{website},{'NL' if index % 10 == 0 else ''}")
    return "\n".join(lines) + "\n"


def start(leads: ApiClient, text: str) -> dict[str, Any]:
    response = leads.post("/accounts/imports", body=text, headers={"content-type": "text/csv"})
    assert response.status == 202, response.text
    job: dict[str, Any] = response.json()
    return job


def entity_counts(aws: Stack) -> Counter[str]:
    return aws.entity_counts(TABLE)


# ---------------------------------------------------------------- a 10,000-row file


def test_a_10000_row_file_runs_as_a_job_with_progress_until_every_row_is_accounted_for(
    leads: ApiClient, aws: Stack, worker: FunctionRunner,
) -> None:
    # Given a 10,000-row file with 10 rows without a website and one that repeats a domain
    text = a_file(10_000, bad_every=1_000, repeat_row=5_555)

    # When it is sent
    response = leads.post("/accounts/imports", body=text, headers={"content-type": "text/csv"},
                          query={"file_name": "big.csv"})

    # Then it is accepted as a job: the file stored, the job and its event written in one transaction
    assert response.status == 202, response.text
    job = response.json()
    assert (job["status"], job["rows_total"], job["rows_done"], job["results"]) == ("queued", 10_000, 0, None)
    assert response.headers["Location"] == f"/accounts/imports/{job['id']}"
    assert response.calls.operations == ["TransactWriteItems"]
    stored = client("s3").get_object(Bucket=aws.buckets["LeadsAccountFilesBucket"],
                                      Key=f"imports/acme/{job['id']}.csv")
    assert stored["Body"].read().decode() == text
    [started] = events_of(aws, "AccountImportStarted")
    assert started["data"] == {"import_id": job["id"], "rows_total": 10_000}

    # When the worker takes it up and its time runs out part-way
    assert deliver(aws, worker, started, context=RunningOut(looks_left=40)) == []

    # Then the committed chunks are counted, and it handed the rest over with an event
    status = leads.get(f"/accounts/imports/{job['id']}", user=CLEO).json()
    assert status["status"] == "running"
    assert 0 < status["rows_done"] < 10_000
    assert status["rows_done"] % 100 == 0
    assert status["created"] + status["rejected"] == status["rows_done"]
    [progressed] = events_of(aws, "AccountImportProgressed")
    assert progressed["data"] == {
        "import_id": job["id"], "rows_done": status["rows_done"], "rows_total": 10_000}

    # When the next invocation takes the hand-over
    assert deliver(aws, worker, progressed) == []

    # Then every row is accounted for
    done = leads.get(f"/accounts/imports/{job['id']}").json()
    keys = ("status", "rows_done", "created", "updated", "unchanged", "rejected")
    assert {key: done[key] for key in keys} == {
        "status": "completed", "rows_done": 10_000, "created": 9_989, "updated": 0, "unchanged": 0,
        "rejected": 11,
    }
    counted = entity_counts(aws)
    assert (counted["Account"], counted["AccountDomainGuard"], counted["AccountDomain"]) == (9_989,) * 3
    assert counted["AccountIndex"] == 9_989 + 1_000  # ALL, and COUNTRY for every tenth
    assert len(events_of(aws, "AccountsImported")) == 100
    [completed] = events_of(aws, "AccountImportCompleted")
    assert completed["data"]["created"] == 9_989
    # the rejected rows, page by page
    rejected, cursor = [], None
    while True:
        page = leads.get(f"/accounts/imports/{job['id']}/rejections",
                         query={"limit": 4, **({"cursor": cursor} if cursor else {})})
        assert page.status == 200, page.text
        assert page.calls.operations == ["Query"]
        rejected += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert [row["row"] for row in rejected] == [1_001, 2_001, 3_001, 4_001, 5_001, 5_557, 6_001, 7_001, 8_001,
                                                9_001, 10_001]
    assert rejected[5]["reason"] == "the same domain (company-0.example) as row 2"
    # a list page reads in proportion to the page, not to the 10,000 accounts
    page = leads.get("/accounts", query={"country": "NL", "limit": 10})
    assert page.calls.operations == ["Query", "BatchGetItem"]
    assert [call.items_read for call in page.calls.calls] == [10, 10]

    # When the started event is delivered once more
    before = len(outbox_events(aws, TABLE))
    assert deliver(aws, worker, started) == []

    # Then nothing is imported twice
    assert leads.get(f"/accounts/imports/{job['id']}").json() == done
    assert len(outbox_events(aws, TABLE)) == before


# ---------------------------------------------------------------- retries and hand-overs


@contextmanager
def failing_update(after: int) -> Iterator[None]:
    """The UpdateItem call after ``after`` others fails (as if the invocation died in that chunk)."""
    error = {"Error": {"Code": "ValidationException", "Message": "injected"},
             "ResponseMetadata": {"HTTPStatusCode": 400}}
    with recording() as recorder:
        seen = 0

        def count() -> Any:
            nonlocal seen
            seen += 1
            if seen > after:
                recorder.fail_next["UpdateItem"] = error
                return None
            return count

        recorder.before["UpdateItem"] = count
        yield


def test_a_chunk_cut_short_is_done_again_and_counted_once(
    leads: ApiClient, aws: Stack, worker: FunctionRunner,
) -> None:
    job = start(leads, a_file(1_200, bad_every=100))
    [started] = events_of(aws, "AccountImportStarted")

    # When the invocation dies after writing the third chunk's accounts, before counting it
    # (UpdateItem: 1 takes the job up, 2 and 3 count chunks one and two, 4 fails)
    with failing_update(after=3), pytest.raises(BatchProcessingError):  # the whole batch (of one) failed
        deliver(aws, worker, started)

    # Then the message comes back, and the job stands at the last chunk it counted
    status = leads.get(f"/accounts/imports/{job['id']}").json()
    assert (status["status"], status["rows_done"], status["created"]) == ("running", 200, 198)

    # When SQS hands the message over again
    assert deliver(aws, worker, started) == []

    # Then the chunk is done again, and every account, guard and event exists once
    done = leads.get(f"/accounts/imports/{job['id']}").json()
    assert (done["status"], done["rows_done"], done["created"], done["rejected"]) == (
        "completed", 1_200, 1_188, 12)
    counted = entity_counts(aws)
    assert (counted["Account"], counted["AccountDomainGuard"], counted["AccountDomain"]) == (1_188,) * 3
    assert counted["ImportRejection"] == 12
    imported = events_of(aws, "AccountsImported")
    assert len(imported) == 12
    assert sum(len(event["data"]["accounts"]) for event in imported) == 1_188


def test_a_small_file_that_takes_too_long_for_the_request_is_handed_to_the_worker(
    leads: ApiClient, aws: Stack, worker: FunctionRunner,
) -> None:
    text = a_file(1_000, bad_every=250)

    response = leads.post("/accounts/imports", body=text, headers={"content-type": "text/csv"},
                          context=RunningOut(looks_left=4))

    # the rows done so far are counted; the file is stored and the job handed over (one transaction)
    assert response.status == 202, response.text
    job = response.json()
    assert (job["status"], job["results"]) == ("running", None)
    assert 0 < job["rows_done"] < 1_000
    assert response.calls.operations[-1] == "TransactWriteItems"
    stored = client("s3").get_object(Bucket=aws.buckets["LeadsAccountFilesBucket"],
                                      Key=f"imports/acme/{job['id']}.csv")
    assert stored["Body"].read().decode() == text
    [progressed] = events_of(aws, "AccountImportProgressed")
    assert progressed["data"]["rows_done"] == job["rows_done"]

    assert deliver(aws, worker, progressed) == []

    done = leads.get(f"/accounts/imports/{job['id']}").json()
    assert (done["status"], done["rows_done"], done["created"], done["rejected"]) == (
        "completed", 1_000, 996, 4)


def test_a_queued_job_whose_file_is_gone_fails_with_a_reason(
    leads: ApiClient, aws: Stack, worker: FunctionRunner,
) -> None:
    job = start(leads, a_file(1_001))
    bucket = aws.buckets["LeadsAccountFilesBucket"]
    client("s3").delete_object(Bucket=bucket, Key=f"imports/acme/{job['id']}.csv")
    [started] = events_of(aws, "AccountImportStarted")
    assert deliver(aws, worker, started) == []
    status = leads.get(f"/accounts/imports/{job['id']}").json()
    assert status["status"] == "failed"
    assert "import it again" in status["error"]


def test_reimporting_a_large_file_updates_nothing_and_creates_nothing(
    leads: ApiClient, aws: Stack, worker: FunctionRunner,
) -> None:
    text = a_file(1_050)
    first = start(leads, text)
    assert deliver(aws, worker, events_of(aws, "AccountImportStarted")[0]) == []
    accounts_before = entity_counts(aws)["Account"]

    second = start(leads, text)
    assert deliver(aws, worker, events_of(aws, "AccountImportStarted")[1]) == []

    done = leads.get(f"/accounts/imports/{second['id']}").json()
    assert (done["created"], done["updated"], done["unchanged"], done["rejected"]) == (0, 0, 1_050, 0)
    assert entity_counts(aws)["Account"] == accounts_before == 1_050
    assert leads.get(f"/accounts/imports/{first['id']}").json()["created"] == 1_050


def test_another_organisations_job_is_a_404(leads: ApiClient, aws: Stack) -> None:
    job = start(leads, a_file(1_001))
    assert_problem(leads.get(f"/accounts/imports/{job['id']}", user=ZED), 404)
    assert_problem(leads.get(f"/accounts/imports/{job['id']}/rejections", user=ZED), 404)


# ---------------------------------------------------------------- exports


def test_the_export_is_every_account_by_name_and_imports_back_unchanged(leads: ApiClient) -> None:
    leads.post("/accounts", json_body={
        "name": "=Contoso", "website": "contoso.example", "revenue": {"amount": "10.5", "currency": "EUR"},
        "notes": "two\nlines", "addresses": [{"city": "Amsterdam", "country": "NL"}],
    })
    leads.post("/accounts", json_body={"name": "Alpha", "website": "alpha.example", "employee_count": 12})
    leads.post("/accounts", json_body={"name": "Theirs", "website": "theirs.example"}, user=ZED)

    response = leads.get("/accounts/export", user=CLEO)

    assert response.status == 200, response.text
    assert response.content_type.startswith("text/csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="accounts.csv"'
    lines = response.text.split("\r\n")
    assert lines[0].startswith("id,domain,name,website,revenue,revenue_currency,")
    assert lines[0].endswith(",primary_contact_id,contact_count,created_at,updated_at")
    assert "Theirs" not in response.text
    assert ",'=Contoso," in lines[1]  # "=" sorts first; written so that a spreadsheet shows it as text
    assert lines[-2].split(",")[2] == "Alpha"
    # an exported file imports back as it is
    again = leads.post("/accounts/imports", body=response.text, headers={"content-type": "text/csv"})
    assert again.status == 201, again.text
    assert [row["outcome"] for row in again.json()["results"]] == ["unchanged", "unchanged"]


def test_an_export_too_large_for_one_answer_points_to_the_export_job(
    leads: ApiClient, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from leads.logic import account_exports

    for index in range(3):
        leads.post("/accounts", json_body={"name": f"Account {index}", "website": f"a{index}.example"})
    monkeypatch.setattr(account_exports, "MAX_DIRECT_BYTES", 200)
    body = assert_problem(leads.get("/accounts/export"), 413)
    assert "POST /accounts/exports" in body["detail"]


def test_an_export_job_writes_the_file_and_gives_a_download_link(
    leads: ApiClient, aws: Stack, worker: FunctionRunner,
) -> None:
    for index in range(3):
        leads.post("/accounts", json_body={"name": f"Account {index}", "website": f"a{index}.example"})

    response = leads.post("/accounts/exports", user=CLEO)

    assert response.status == 202, response.text
    export = response.json()
    assert (export["status"], export["download_url"]) == ("queued", None)
    [requested] = events_of(aws, "AccountExportRequested")
    assert deliver(aws, worker, requested) == []
    done = leads.get(f"/accounts/exports/{export['id']}").json()
    assert (done["status"], done["accounts"]) == ("completed", 3)
    assert done["download_url"].startswith("https://")
    assert f"exports/acme/{export['id']}.csv" in done["download_url"]
    stored = client("s3").get_object(Bucket=aws.buckets["LeadsAccountFilesBucket"],
                                      Key=f"exports/acme/{export['id']}.csv")
    assert stored["Body"].read().decode() == leads.get("/accounts/export").text
    [completed] = events_of(aws, "AccountExportCompleted")
    assert completed["data"] == {"export_id": export["id"], "accounts": 3}
    # delivered again: the same file, the same event
    assert deliver(aws, worker, requested) == []
    assert len(events_of(aws, "AccountExportCompleted")) == 1
    assert_problem(leads.get(f"/accounts/exports/{export['id']}", user=ZED), 404)
    assert json.loads(leads.get(f"/accounts/exports/{export['id']}").text)["accounts"] == 3

"""CSV account imports over HTTP on the local stack: a small file within the request, a larger one as a
job (the file in moto's S3, its event through the outbox, the bus and the worker's queue), and the link
to an export job's file."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import LocalStack, eventually

pytestmark = pytest.mark.e2e

# A partner organisation's sales user: its own CRM, untouched by other tests.
SALES = "sales@tailspin.example"


def _csv(rows: int, tag: str) -> str:
    lines = ["Company,Website,Country"]
    lines += [f"Company {tag} {index},{tag}-{index}.example,NL" for index in range(rows)]
    return "\n".join(lines) + "\n"


def test_a_file_is_imported_within_the_request_or_as_a_job_and_exported(stack: LocalStack) -> None:
    headers = {**stack.as_user(SALES), "content-type": "text/csv"}
    tag = uuid.uuid4().hex[:8]
    mapping = '{"Company": "name", "Website": "website", "Country": "country"}'

    small = stack.session.post(stack.url("/accounts/imports"), headers=headers, data=_csv(3, tag).encode(),
                               params={"mapping": mapping}, timeout=30)
    assert small.status_code == 201, small.text
    assert [row["outcome"] for row in small.json()["results"]] == ["created"] * 3

    large = stack.session.post(stack.url("/accounts/imports"), headers=headers, timeout=30,
                               data=_csv(1_200, f"{tag}-job").encode(), params={"mapping": mapping})
    assert large.status_code == 202, large.text
    job = large.json()

    def completed() -> dict[str, object] | None:
        status = stack.session.get(stack.url(f"/accounts/imports/{job['id']}"), headers=stack.as_user(SALES),
                                   timeout=10).json()
        return status if status["status"] == "completed" else None

    done = eventually(completed, timeout=120, interval=0.5)
    assert (done["rows_done"], done["created"], done["rejected"]) == (1_200, 1_200, 0)

    export = stack.session.post(stack.url("/accounts/exports"), headers=stack.as_user(SALES), timeout=10)
    assert export.status_code == 202, export.text

    def link() -> str | None:
        status = stack.session.get(stack.url(f"/accounts/exports/{export.json()['id']}"),
                                   headers=stack.as_user(SALES), timeout=10).json()
        return status["download_url"] if status["status"] == "completed" else None

    downloaded = stack.session.get(eventually(link, timeout=60, interval=0.5), timeout=30)
    assert downloaded.status_code == 200
    assert downloaded.text.count(f"Company {tag}") == 1_203

"""Account exports: every account of the organisation as CSV (the import template's columns and more).

``GET /accounts/export`` answers the file itself, read page by page (one Query and one BatchGetItem
per 100 accounts); a Lambda answer is at most 6 MB, so past ``MAX_DIRECT_BYTES`` it answers 413 and
points to ``POST /accounts/exports``: the account jobs worker writes the file to S3 and
``GET /accounts/exports/{id}`` gives a short-lived download link.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from leads.dal import account_exports as dal
from leads.dal import account_files as files
from leads.dal import accounts as accounts_dal
from leads.dal.tables import AccountExportItem, AccountItem
from leads.logic.account_csv import EXPORT_COLUMNS, escape
from leads.logic.accounts import CRM_READERS
from leads.models import AccountExport
from trellis.errors import NotFound, PayloadTooLarge
from trellis.events import Actor, EventEnvelope
from trellis.events.crm import AccountExportCompleted, AccountExportRequested
from trellis.keys import time_ordered_id
from trellis.principal import Principal

MAX_DIRECT_BYTES = 5 * 1024 * 1024
LINK_SECONDS = 15 * 60


def _cells(item: AccountItem) -> dict[str, str]:
    address = item.addresses[0] if item.addresses else None
    values: dict[str, object] = {
        "id": item.account_id, "domain": item.domain, "name": item.name, "website": item.website,
        "revenue": item.revenue.amount if item.revenue else None,
        "revenue_currency": item.revenue.currency if item.revenue else None,
        "platform": item.platform, "industry": item.industry,
        "employee_count": int(item.employee_count) if item.employee_count is not None else None,
        "country": item.country, "lifecycle_stage": item.lifecycle_stage, "lead_source": item.lead_source,
        "notes": item.notes, "primary_contact_id": item.primary_contact_id,
        "contact_count": int(item.contact_count or 0),
        "created_at": item.created_at.isoformat(), "updated_at": item.updated_at.isoformat(),
    }
    if address is not None:
        values.update({f"address_{name}": value for name, value in address.as_dict().items()})
    return {name: "" if value is None else str(value) for name, value in values.items()}


class CsvExport:
    """The export of one organisation, produced a page of accounts at a time; counts what it wrote."""

    def __init__(self, organisation_id: str):
        self.organisation_id = organisation_id
        self.accounts = 0

    def parts(self) -> Iterator[str]:
        """The header, then the accounts by name: one part per page read (Query + BatchGetItem)."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        for item in accounts_dal.all_accounts(self.organisation_id):
            cells = _cells(item)
            writer.writerow([escape(cells.get(column, "")) for column in EXPORT_COLUMNS])
            self.accounts += 1
            if self.accounts % accounts_dal.BATCH_GET_KEYS == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()


def export_csv(principal: Principal) -> str:
    principal.require_any(CRM_READERS)
    parts: list[str] = []
    size = 0
    for part in CsvExport(principal.organisation_id).parts():
        size += len(part.encode())
        if size > MAX_DIRECT_BYTES:
            raise PayloadTooLarge("too many accounts for one answer: request the file with "
                                  "POST /accounts/exports and download it from GET /accounts/exports/{id}")
        parts.append(part)
    return "".join(parts)


def _view(job: AccountExportItem) -> AccountExport:
    link, expires = None, None
    if job.status == "completed" and job.object_key:
        link = files.download_link(job.object_key, file_name=f"accounts-{job.export_id}.csv",
                                   expires_in=LINK_SECONDS)
        expires = datetime.now(UTC) + timedelta(seconds=LINK_SECONDS)
    return AccountExport(
        id=job.export_id, status=job.status,  # type: ignore[arg-type]
        accounts=int(job.accounts) if job.accounts is not None else None, download_url=link,
        download_expires_at=expires, created_at=job.created_at, completed_at=job.completed_at,
    )


def request_export(principal: Principal) -> AccountExport:
    principal.require_any(CRM_READERS)
    org = principal.organisation_id
    now = datetime.now(UTC)
    job = dal.new_job(org, time_ordered_id(), status="queued", requested_by=principal.user_id, created_at=now)
    event = EventEnvelope.new(AccountExportRequested(export_id=job.export_id), tenant_id=org,
                              actor=Actor.of(principal), occurred_at=now)
    dal.create_with_event(job, event)
    return _view(job)


def get_export(principal: Principal, export_id: str) -> AccountExport:
    principal.require_any(CRM_READERS)
    job = dal.get(principal.organisation_id, export_id)
    if job is None:
        raise NotFound("no such export")
    return _view(job)


def run_export(envelope: EventEnvelope, data: AccountExportRequested) -> None:
    """The worker: write the file, then mark the job done (a retried message finds it done)."""
    job = dal.get(envelope.tenant_id, data.export_id)
    if job is None:
        return
    if job.status == "completed":
        dal.republish(_completed_event(job, envelope, int(job.accounts or 0), job.completed_at))
        return
    export = CsvExport(job.organisation_id)
    key = files.put_export(job.organisation_id, job.export_id, "".join(export.parts()))
    now = datetime.now(UTC)
    dal.complete(job, _completed_event(job, envelope, export.accounts, now), object_key=key,
                 accounts=export.accounts, now=now)


def _completed_event(
    job: AccountExportItem, requested: EventEnvelope, accounts: int, now: datetime | None,
) -> EventEnvelope:
    data = AccountExportCompleted(export_id=job.export_id, accounts=accounts)
    return EventEnvelope(
        id=hashlib.sha256(f"export:{job.export_id}:completed".encode()).hexdigest()[:32],
        type=data.event_type, version=data.version, occurred_at=now or datetime.now(UTC),
        tenant_id=job.organisation_id, actor=requested.actor, data=data.model_dump(mode="json"),
    )

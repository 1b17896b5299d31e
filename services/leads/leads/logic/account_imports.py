"""Account imports: a CSV file → accounts, every row accounted for (created, updated, unchanged, rejected).

A row is matched to an account by its website's domain: a domain the organisation has updates that
account (only the cells that are not blank), a new one creates an account; importing the same file
again changes nothing. A file of up to ``SYNC_ROWS`` rows is imported within the request, which
answers every row's outcome; a larger one is stored (S3) and imported by the account jobs worker,
which the job's AccountImportStarted event wakes (the job and the event in one transaction).

Both go through the file in chunks of ``CHUNK_ROWS`` rows, and for each chunk:
  1. read the domain guards and the accounts they name (two BatchGetItem, strongly consistent);
  2. write, with BatchWriteItem, first what surrounds the accounts (guards, domain rows, list
     entries), then the new accounts; a changed account is written on its own, conditional on the
     version read (a change made meanwhile through the API makes the row rejected, never lost);
  3. write the stale list entries' deletes, the rejected rows and one AccountsImported event;
  4. count the chunk done: a conditional update of the job (``rows_done`` from the chunk's start to
     its end), so a chunk is counted once, whoever processes it and however often.
A run that stops half-way through a chunk (a timeout, a crash) leaves the job at the chunk's start;
the next run does the chunk again and recognises its own work: accounts it creates have ids made
from the import and the row, accounts it changed carry the import and row (``imported_by``), events
have ids made from the import and the chunk. BatchWriteItem rather than a transaction per chunk: an
import is bulk work (half the write cost, and moto copies the whole table for every transaction).
The price: a new account's domain guard is written without a condition, so an account created through
the API for the same domain in the instant between the chunk's read and its write would end up beside
the imported one (a duplicate to delete by hand; in AWS, a TransactWriteItems of the chunk's new
guards, conditional on their absence, would close that gap).

A worker hands the rest of the file to a fresh invocation (AccountImportProgressed) when less than
``WORKER_MARGIN_MS`` of its time is left; the request does the same for a small file that takes too long.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from pynamodb.exceptions import PutError

from leads.dal import account_files as files
from leads.dal import account_imports as dal
from leads.dal import accounts as accounts_dal
from leads.dal.tables import AccountImportItem, AccountItem, ImportRejectionItem, Outbox
from leads.logic import accounts
from leads.logic.account_csv import (
    CsvFile,
    RowValues,
    decode_text,
    file_bytes,
    first_rows_by_domain,
    read_file,
    row_values,
    template_csv,
)
from leads.logic.accounts import CRM_READERS, CRM_WRITERS
from leads.models import AccountImport, Address, ImportRejection, ImportRowResult
from trellis.dynamo import TableItem
from trellis.errors import NotFound, ValidationFailed
from trellis.events import Actor, EventData, EventEnvelope
from trellis.events.crm import (
    AccountImportCompleted,
    AccountImportProgressed,
    AccountImportStarted,
    AccountsImported,
    ImportedAccount,
)
from trellis.keys import time_ordered_id
from trellis.outbox import outbox_item
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import Principal

SYNC_ROWS = 1_000
CHUNK_ROWS = 100
# Time to keep for the last chunk and the hand-over: a chunk takes well under a second.
API_MARGIN_MS = 3_000
WORKER_MARGIN_MS = 30_000
MAX_MAPPING_ENTRIES = 100
MAX_SHOWN_CHARS = 200


@dataclass(frozen=True)
class Clock:
    """How much of the invocation is left (Lambda's context), and how much to keep."""

    remaining_ms: Callable[[], int]
    margin_ms: int

    def out_of_time(self) -> bool:
        return self.remaining_ms() < self.margin_ms


@dataclass(frozen=True)
class Upload:
    """The request's body as API Gateway hands it over (the file), with what the headers say about it."""

    body: str | None
    base64_encoded: bool
    content_type: str | None
    content_length: str | None


def import_account_id(import_id: str, row: int) -> str:
    """The id of the account an import's row creates: the same on every try of the row."""
    return hashlib.sha256(f"account:{import_id}:{row}".encode()).hexdigest()[:32]


def _event(
    job: AccountImportItem, data: EventData, now: datetime, *, key: str | None = None,
) -> EventEnvelope:
    """The job's event; ``key`` makes its id stable, so a retried step writes the same event again."""
    actor = Actor(kind="user", user_id=job.requested_by, organisation_id=job.organisation_id)
    if key is None:
        return EventEnvelope.new(data, tenant_id=job.organisation_id, actor=actor, occurred_at=now)
    event_id = hashlib.sha256(f"event:{job.import_id}:{key}".encode()).hexdigest()[:32]
    return EventEnvelope(
        id=event_id, type=data.event_type, version=data.version, occurred_at=now,
        tenant_id=job.organisation_id, actor=actor, data=data.model_dump(mode="json"),
    )


def view(job: AccountImportItem, results: list[ImportRowResult] | None = None) -> AccountImport:
    return AccountImport(
        id=job.import_id, status=job.status, file_name=job.file_name,  # type: ignore[arg-type]
        rows_total=int(job.rows_total), rows_done=int(job.rows_done), created=int(job.created),
        updated=int(job.updated), unchanged=int(job.unchanged), rejected=int(job.rejected),
        columns=dict(json.loads(job.columns)), created_at=job.created_at, updated_at=job.updated_at,
        completed_at=job.completed_at, error=job.error, results=results,
    )


def parse_mapping(text: str | None) -> dict[str, str | None] | None:
    """The ``mapping`` query parameter: a JSON object of file header → field (or null to leave it out)."""
    if text is None or not text.strip():
        return None
    try:
        mapping = json.loads(text)
    except ValueError as error:
        raise ValidationFailed("mapping is not valid JSON", field="mapping") from error
    if (not isinstance(mapping, dict) or len(mapping) > MAX_MAPPING_ENTRIES
            or not all(isinstance(value, str | None) for value in mapping.values())):
        raise ValidationFailed(
            f"mapping must be a JSON object (at most {MAX_MAPPING_ENTRIES} entries) of file header → field "
            'name or null, such as {"Company": "name", "Web": "website", "Owner": null}', field="mapping",
        )
    return mapping


# ---------------------------------------------------------------- starting an import (the API)


def import_template(principal: Principal) -> str:
    """The template's header row: for whoever may read the CRM (as its export is), on either side."""
    principal.require_any(CRM_READERS)
    return template_csv()


def start_import(
    principal: Principal, upload: Upload, *, mapping: str | None, file_name: str | None, clock: Clock,
) -> tuple[AccountImport, bool]:
    """Import the file; ``(import, finished)``: finished within the request, or left to the worker."""
    principal.require_any(CRM_WRITERS)
    org = principal.organisation_id
    columns = parse_mapping(mapping)
    raw = file_bytes(upload.body, base64_encoded=upload.base64_encoded, content_length=upload.content_length)
    text = decode_text(raw, upload.content_type)
    del raw
    csv_file = read_file(text, columns)
    now = datetime.now(UTC)
    job = dal.new_job(
        org, time_ordered_id(), status="running", file_name=file_name, rows_total=len(csv_file.records),
        columns=json.dumps(csv_file.columns), requested_by=principal.user_id, created_at=now, updated_at=now,
        rows_done=0, created=0, updated=0, unchanged=0, rejected=0,
    )
    if len(csv_file.records) > SYNC_ROWS:
        job.status = "queued"
        job.object_key = files.put_import(org, job.import_id, text)
        started = _event(job, AccountImportStarted(import_id=job.import_id, rows_total=len(csv_file.records)),
                         now)
        dal.create_with_event(job, started)
        return view(job), False
    dal.create(job)
    results: list[ImportRowResult] = []
    finished = _run(job, csv_file, clock=clock, results=results, stored_text=text, atomic=True)
    return view(job, results if finished else None), finished


# ---------------------------------------------------------------- the worker


def continue_import(envelope: EventEnvelope, data: AccountImportStarted | AccountImportProgressed,
                    clock: Clock) -> None:
    """Take the job up where it is: done rows are never done again; a finished job only re-sends its event."""
    job = dal.get(envelope.tenant_id, data.import_id)
    if job is None or job.status == "failed":
        return
    now = datetime.now(UTC)
    if job.status == "completed":
        dal.republish(_completed_event(job, job.completed_at or now))
        return
    if job.status == "queued":
        dal.mark_running(job, now)
    text = files.get_text(job.object_key) if job.object_key else None
    if text is None:
        dal.fail(job, "the stored file is gone (files are kept for 7 days); import it again", now=now)
        return
    csv_file = read_file(text, dict(json.loads(job.columns)))
    _run(job, csv_file, clock=clock, results=None, stored_text=None, atomic=False)


def _completed_event(job: AccountImportItem, now: datetime) -> EventEnvelope:
    return _event(job, AccountImportCompleted(
        import_id=job.import_id, rows_total=int(job.rows_total), created=int(job.created),
        updated=int(job.updated), unchanged=int(job.unchanged), rejected=int(job.rejected),
    ), now, key="completed")


def _run(
    job: AccountImportItem, csv_file: CsvFile, *, clock: Clock, results: list[ImportRowResult] | None,
    stored_text: str | None, atomic: bool,
) -> bool:
    """Chunks from the job's ``rows_done`` on; True once completed, False when handed over or moved on."""
    first_rows = first_rows_by_domain(csv_file)
    total = int(job.rows_total)
    try:
        while int(job.rows_done) < total:
            if clock.out_of_time():
                _hand_over(job, stored_text, atomic=atomic)
                return False
            start = int(job.rows_done)
            end = min(start + CHUNK_ROWS, total)
            chunk = _Chunk(job, csv_file, start, end, first_rows)
            counts = chunk.run()
            if results is not None:
                results.extend(chunk.results)
            dal.commit_chunk(job, start=start, end=end, counts=counts, now=datetime.now(UTC))
        now = datetime.now(UTC)
        dal.complete(job, _completed_event(job, now), now=now, atomic=atomic)
    except dal.JobMovedOn:
        return False  # another invocation got there first: it goes on from where the job is
    return True


def _hand_over(job: AccountImportItem, stored_text: str | None, *, atomic: bool) -> None:
    now = datetime.now(UTC)
    key = job.object_key or files.put_import(job.organisation_id, job.import_id, stored_text or "")
    progressed = AccountImportProgressed(
        import_id=job.import_id, rows_done=int(job.rows_done), rows_total=int(job.rows_total),
    )
    dal.hand_over(job, _event(job, progressed, now, key=f"progressed:{int(job.rows_done)}"), object_key=key,
                  now=now, atomic=atomic)


# ---------------------------------------------------------------- one chunk


@dataclass
class _Chunk:
    job: AccountImportItem
    csv_file: CsvFile
    start: int
    end: int
    first_rows: dict[str, int]
    results: list[ImportRowResult] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    # what to write, by phase (see the module docstring)
    around: list[TableItem] = field(default_factory=list)
    new_accounts: list[AccountItem] = field(default_factory=list)
    changed_accounts: list[tuple[int, AccountItem, list[str]]] = field(default_factory=list)
    stale: list[TableItem] = field(default_factory=list)
    imported: list[ImportedAccount] = field(default_factory=list)
    rejections: list[ImportRejectionItem] = field(default_factory=list)
    # list entries a changed account leaves behind, deleted once the change is written
    pending_stale: dict[str, list[TableItem]] = field(default_factory=dict)

    @property
    def org(self) -> str:
        return str(self.job.organisation_id)

    def marker(self, row: int) -> str:
        return f"{self.job.import_id}:{row}"

    def run(self) -> Counter[str]:
        parsed = self._parse()
        valid = [(row, value) for row, value in parsed if isinstance(value, RowValues)]
        owners = accounts_dal.guard_owners(self.org, [value.domain for _, value in valid])
        wanted = [owners.get(value.domain) or import_account_id(self.job.import_id, row)
                  for row, value in valid]
        existing = accounts_dal.get_many(self.org, wanted, consistent=True) if wanted else {}
        now = datetime.now(UTC)
        for row, value in parsed:
            if isinstance(value, str):
                self._reject(row, value)
            else:
                self._plan(row, value, owners.get(value.domain), existing, now)
        accounts_dal.batch_write(puts=self.around)
        accounts_dal.batch_write(puts=self.new_accounts)
        for row, account, changed in self.changed_accounts:
            self._write_change(row, account, changed)
        last_row = self.end + 1
        extra: list[TableItem] = list(self.rejections)
        if self.imported:
            event = _event(self.job, AccountsImported(
                import_id=self.job.import_id, first_row=self.start + 2, last_row=last_row,
                accounts=self.imported,
            ), now, key=f"chunk:{self.start}")
            extra.append(outbox_item(Outbox, event))
        accounts_dal.batch_write(puts=extra, deletes=self.stale)
        self.results.sort(key=lambda result: result.row)
        return self.counts

    def _parse(self) -> list[tuple[int, RowValues | str]]:
        parsed: list[tuple[int, RowValues | str]] = []
        for index in range(self.start, self.end):
            row = index + 2
            value = row_values(self.csv_file.columns, self.csv_file.records[index])
            if isinstance(value, RowValues) and self.first_rows.get(value.domain, row) != row:
                value = f"the same domain ({value.domain}) as row {self.first_rows[value.domain]}"
            parsed.append((row, value))
        return parsed

    def _plan(self, row: int, value: RowValues, owner: str | None, existing: dict[str, AccountItem],
              now: datetime) -> None:
        mine = import_account_id(self.job.import_id, row)
        if owner is None or owner == mine:
            account = existing.get(mine)
            if account is None:
                account = accounts_dal.new_account_item(
                    self.org, mine, name=value.name, created_at=self.job.created_at, updated_at=now,
                    addresses=[], imported_by=self.marker(row), version=1, contact_count=0,
                )
                accounts.apply(account, value.values)
                self.new_accounts.append(account)
            # else: this row's account, written by an earlier try of the chunk: write what surrounds it again
            self.around += _surroundings(account)
            self._done(row, "created", account, list(value.values))
            return
        account = existing.get(owner)
        if account is None:
            self._reject(row, "the account with this domain is being created or deleted right now; "
                              "import the row again")
            return
        if account.imported_by == self.marker(row):
            self._done(row, "updated", account, list(value.values))  # changed by an earlier try of the chunk
            return
        values = dict(value.values)
        if "addresses" in values:
            # The file has one address: it replaces the account's first, the others stay.
            kept = [Address.model_construct(**stored.as_dict()) for stored in (account.addresses or [])[1:]]
            values["addresses"] = [*values["addresses"], *kept]
        changed = accounts.apply(account, values)
        if not changed:
            self.counts["unchanged"] += 1
            self.results.append(ImportRowResult(row=row, outcome="unchanged", account_id=account.account_id))
            return
        account.updated_at, account.imported_by = now, self.marker(row)
        around = accounts_dal.changes(account)
        self.around += around.puts
        self.changed_accounts.append((row, account, changed))
        self.pending_stale[account.account_id] = around.deletes

    def _write_change(self, row: int, account: AccountItem, changed: list[str]) -> None:
        try:
            account.save()  # conditional on the version read
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            self._reject(row, "the account was changed while the file was imported; import the row again")
            return
        self.stale += self.pending_stale.pop(account.account_id, [])
        self._done(row, "updated", account, changed)

    def _done(self, row: int, outcome: Literal["created", "updated"], account: AccountItem,
              changed: list[str]) -> None:
        self.counts[outcome] += 1
        self.results.append(ImportRowResult(row=row, outcome=outcome, account_id=account.account_id))
        self.imported.append(ImportedAccount(
            account_id=account.account_id, outcome=outcome, name=account.name, domain=account.domain or "",
            country=account.country, industry=account.industry,
            lifecycle_stage=account.lifecycle_stage,  # type: ignore[arg-type]
            changed=changed if outcome == "updated" else [],
        ))

    def _reject(self, row: int, reason: str) -> None:
        self.counts["rejected"] += 1
        self.results.append(ImportRowResult(row=row, outcome="rejected", reason=reason))
        cells = dict(zip([f for _, f in self.csv_file.columns], self.csv_file.records[row - 2], strict=False))
        self.rejections.append(dal.rejection_item(
            self.org, self.job.import_id, row, reason,
            name=(cells.get("name") or "")[:MAX_SHOWN_CHARS] or None,
            website=(cells.get("website") or "")[:MAX_SHOWN_CHARS] or None,
        ))


def _surroundings(account: AccountItem) -> list[TableItem]:
    """Everything around an account created by the import (guard, domain row, list entries), all of it."""
    around = accounts_dal.changes(account, fresh=True)
    return [*([around.new_guard] if around.new_guard is not None else []), *around.puts]


# ---------------------------------------------------------------- reading imports


def get_import(principal: Principal, import_id: str) -> AccountImport:
    principal.require_any(CRM_READERS)
    job = dal.get(principal.organisation_id, import_id)
    if job is None:
        raise NotFound("no such import")
    return view(job)


def list_rejections(
    principal: Principal, import_id: str, *, limit: int, cursor: str | None,
) -> Page[ImportRejection]:
    principal.require_any(CRM_READERS)
    org = principal.organisation_id
    listing = f"import-rejections:{import_id}"
    start = decode_cursor(cursor, tenant_id=org, listing=listing)
    job, items, last_key = dal.rejections_page(org, import_id, limit=limit, start=start)
    if start is None and job is None:
        raise NotFound("no such import")
    return Page[ImportRejection](
        items=[ImportRejection(row=int(item.row), reason=item.reason, name=item.name, website=item.website)
               for item in items],
        next_cursor=encode_cursor(last_key, tenant_id=org, listing=listing),
    )


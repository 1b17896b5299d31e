"""Account import jobs and their rejected rows. The only module that knows their keys.

A job (``ORG#<org>#IMPORT#<import>#`` / ``IMPORT#``) counts what is done: ``rows_done`` moves from
one chunk's end to the next with a conditional update, so a chunk's rows are counted once whoever
processes it and however often (a retried or duplicated delivery finds ``rows_done`` moved on).
Rejected rows live in the job's collection (``REJECT#<row>#``), numbered as the file's rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from leads.dal.tables import AccountImportItem, ImportRejectionItem, LeadsItem, Outbox
from trellis.dynamo import transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

IMPORT_SK = "IMPORT#"
REJECTION_PREFIX = "REJECT#"
COUNTS = ("created", "updated", "unchanged", "rejected")


class JobMovedOn(Exception):
    """The job is no longer where this worker left it: someone else committed the chunk, or it ended."""


def import_pk(organisation_id: str, import_id: str) -> str:
    return org_key(organisation_id, "IMPORT", import_id)


def new_job(organisation_id: str, import_id: str, **attributes: Any) -> AccountImportItem:
    return AccountImportItem(
        import_pk(organisation_id, import_id), IMPORT_SK, organisation_id=organisation_id,
        import_id=import_id, **attributes,
    )


def rejection_item(organisation_id: str, import_id: str, row: int, reason: str, *, name: str | None,
                   website: str | None) -> ImportRejectionItem:
    return ImportRejectionItem(
        import_pk(organisation_id, import_id), f"{REJECTION_PREFIX}{row:08d}#", row=row, reason=reason,
        name=name, website=website,
    )


def get(organisation_id: str, import_id: str) -> AccountImportItem | None:
    try:
        item = AccountImportItem.get(import_pk(organisation_id, import_id), IMPORT_SK, consistent_read=True)
    except AccountImportItem.DoesNotExist:
        return None
    return item if isinstance(item, AccountImportItem) else None


def create(job: AccountImportItem) -> None:
    job.save(condition=AccountImportItem.pk.does_not_exist())


def create_with_event(job: AccountImportItem, envelope: EventEnvelope) -> None:
    with transaction(AccountImportItem) as write:
        write.save(job, condition=AccountImportItem.pk.does_not_exist())
        write.save(outbox_item(Outbox, envelope))


def rejections_page(
    organisation_id: str, import_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[AccountImportItem | None, list[ImportRejectionItem], Any]:
    """A page of the rejected rows by row number, in one Query; the first page opens with the job itself."""
    first_page = start is None
    result = LeadsItem.query(
        import_pk(organisation_id, import_id), LeadsItem.sk >= IMPORT_SK,
        limit=limit + (1 if first_page else 0), last_evaluated_key=start,
    )
    items = list(result)
    job: AccountImportItem | None = None
    if first_page:
        if not items or not isinstance(items[0], AccountImportItem):
            return None, [], None
        job, items = items[0], items[1:]
    return job, [item for item in items if isinstance(item, ImportRejectionItem)], result.last_evaluated_key


def _at(job: AccountImportItem, rows_done: int) -> Any:
    return (AccountImportItem.status == "running") & (AccountImportItem.rows_done == rows_done)


def mark_running(job: AccountImportItem, now: datetime) -> None:
    """A queued job is taken up (once: a job already running stays as it is)."""
    try:
        job.update(actions=[AccountImportItem.status.set("running"), AccountImportItem.updated_at.set(now)],
                   condition=AccountImportItem.status == "queued")
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        job.refresh(consistent_read=True)


def commit_chunk(
    job: AccountImportItem, *, start: int, end: int, counts: Mapping[str, int], now: datetime,
) -> None:
    """Count the rows [start, end) as done, only if the job is still at ``start`` (else JobMovedOn)."""
    actions = [AccountImportItem.rows_done.set(end), AccountImportItem.updated_at.set(now)]
    actions += [getattr(AccountImportItem, name).add(counts.get(name, 0)) for name in COUNTS]
    try:
        job.update(actions=actions, condition=_at(job, start))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise JobMovedOn(f"import {job.import_id} is no longer at row {start}") from error
        raise


def _then_event(job: AccountImportItem, actions: list[Any], condition: Any, envelope: EventEnvelope,
                *, atomic: bool) -> None:
    """Change the job, then write its event: in one transaction (``atomic``), or one after the other.

    One after the other is for the import worker: if it dies in between, SQS hands its message to the
    next invocation, which finds the job already changed and writes the event again (its id is made
    from the job, so consumers see it once). The API has nobody to retry it, so it uses a transaction.
    """
    if atomic:
        with transaction(AccountImportItem) as write:
            write.update(job, actions=actions, condition=condition)
            write.save(outbox_item(Outbox, envelope))
        return
    try:
        job.update(actions=actions, condition=condition)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise JobMovedOn(f"import {job.import_id} moved on") from error
        raise
    outbox_item(Outbox, envelope).save()


def hand_over(job: AccountImportItem, envelope: EventEnvelope, *, object_key: str, now: datetime,
              atomic: bool) -> None:
    """Leave the rest to the next invocation: the job (with its stored file) and the event that wakes it."""
    actions = [AccountImportItem.object_key.set(object_key), AccountImportItem.updated_at.set(now)]
    _then_event(job, actions, _at(job, int(job.rows_done)), envelope, atomic=atomic)
    job.object_key, job.updated_at = object_key, now


def complete(job: AccountImportItem, envelope: EventEnvelope, *, now: datetime, atomic: bool) -> None:
    actions = [AccountImportItem.status.set("completed"), AccountImportItem.completed_at.set(now),
               AccountImportItem.updated_at.set(now)]
    _then_event(job, actions, _at(job, int(job.rows_total)), envelope, atomic=atomic)
    job.status, job.completed_at, job.updated_at = "completed", now, now


def republish(envelope: EventEnvelope) -> None:
    """Write an event again (same id): for a job found completed, whose event may not have been written."""
    outbox_item(Outbox, envelope).save()


def fail(job: AccountImportItem, error: str, *, now: datetime) -> None:
    job.update(actions=[AccountImportItem.status.set("failed"), AccountImportItem.error.set(error),
                        AccountImportItem.updated_at.set(now)],
               condition=AccountImportItem.status.is_in("queued", "running"))

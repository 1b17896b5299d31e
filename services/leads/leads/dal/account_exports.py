"""Account export jobs (``ORG#<org>#EXPORT#<export>#`` / ``EXPORT#``): the only module that knows the keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from leads.dal.tables import AccountExportItem, Outbox
from trellis.dynamo import transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

EXPORT_SK = "EXPORT#"


def new_job(organisation_id: str, export_id: str, **attributes: Any) -> AccountExportItem:
    return AccountExportItem(
        org_key(organisation_id, "EXPORT", export_id), EXPORT_SK, organisation_id=organisation_id,
        export_id=export_id, **attributes,
    )


def get(organisation_id: str, export_id: str) -> AccountExportItem | None:
    try:
        item = AccountExportItem.get(org_key(organisation_id, "EXPORT", export_id), EXPORT_SK,
                                     consistent_read=True)
    except AccountExportItem.DoesNotExist:
        return None
    return item if isinstance(item, AccountExportItem) else None


def create_with_event(job: AccountExportItem, envelope: EventEnvelope) -> None:
    with transaction(AccountExportItem) as write:
        write.save(job, condition=AccountExportItem.pk.does_not_exist())
        write.save(outbox_item(Outbox, envelope))


def complete(job: AccountExportItem, envelope: EventEnvelope, *, object_key: str, accounts: int,
             now: datetime) -> None:
    """The file is written: the job says where, then its event (if the worker dies in between, its message
    comes back, finds the job done and writes the event again, with the same id)."""
    job.update(actions=[AccountExportItem.status.set("completed"),
                        AccountExportItem.object_key.set(object_key),
                        AccountExportItem.accounts.set(accounts), AccountExportItem.completed_at.set(now)],
               condition=AccountExportItem.status == "queued")
    outbox_item(Outbox, envelope).save()


def republish(envelope: EventEnvelope) -> None:
    outbox_item(Outbox, envelope).save()

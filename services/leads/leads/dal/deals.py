"""Deals and referrals. The only module that knows their keys.

Like leads, a deal is one copy per organisation that sees it (the owner company, the sender of the
lead it came from, the vendor and distributors of its attribution chain); a referral is one copy for
the deal's owner ("in") and one for the referrer ("out").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pynamodb.transactions import TransactWrite

from leads.dal.tables import DealCopyItem, LeadsItem, Outbox, ReferralCopyItem
from leads.models import DealRecord
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

DEAL_SK = "DEAL#"
REFERRAL_SK = "REFERRAL#"


@dataclass(frozen=True)
class Copy:
    organisation_id: str
    tab: str


def copy_pk(organisation_id: str, deal_id: str) -> str:
    return org_key(organisation_id, "DEAL", deal_id)


def list_pk(organisation_id: str, tab: str) -> str:
    return org_key(organisation_id, "DEALS", tab)


def status_pk(organisation_id: str, tab: str, status: str) -> str:
    return org_key(organisation_id, "DEALS", tab, status)


def get_copy(organisation_id: str, deal_id: str) -> DealCopyItem | None:
    try:
        return DealCopyItem.get(copy_pk(organisation_id, deal_id), DEAL_SK, consistent_read=True)
    except DealCopyItem.DoesNotExist:
        return None


def record_of(item: DealCopyItem) -> DealRecord:
    return DealRecord.model_validate_json(item.data)


def add_copies(
    batch: TransactWrite, record: DealRecord, copies: Sequence[Copy], *, previous_version: int | None,
) -> None:
    data = record.model_dump_json()
    sort = f"{record.created_at.isoformat()}#{record.id}"
    for copy in copies:
        pk, gsi1pk = copy_pk(copy.organisation_id, record.id), list_pk(copy.organisation_id, copy.tab)
        gsi2pk = status_pk(copy.organisation_id, copy.tab, record.status)
        if previous_version is None:
            batch.save(DealCopyItem(
                pk, DEAL_SK, gsi1pk=gsi1pk, gsi1sk=sort, gsi2pk=gsi2pk, gsi2sk=sort,
                organisation_id=copy.organisation_id, deal_id=record.id, tab=copy.tab, status=record.status,
                data=data, version=record.version,
            ), condition=DealCopyItem.pk.does_not_exist())
            continue
        batch.update(DealCopyItem(pk, DEAL_SK), actions=[
            DealCopyItem.status.set(record.status), DealCopyItem.gsi2pk.set(gsi2pk),
            DealCopyItem.gsi2sk.set(sort), DealCopyItem.data.set(data),
            DealCopyItem.version.set(record.version),
        ], condition=DealCopyItem.version == previous_version)


def write(
    record: DealRecord, copies: Sequence[Copy], *, previous_version: int | None,
    envelopes: Sequence[EventEnvelope], also: Any = None,
) -> None:
    with concurrent_change_is_a_conflict("the deal"), transaction(LeadsItem) as batch:
        add_copies(batch, record, copies, previous_version=previous_version)
        if also is not None:
            also(batch)
        for envelope in envelopes:
            batch.save(outbox_item(Outbox, envelope))


def list_page(
    organisation_id: str, tab: str, *, limit: int, start: dict[str, Any] | None, status: str | None = None,
) -> tuple[list[DealCopyItem], Any]:
    """A page of one tab, newest first; with a status, from the tab-and-status index (gsi2)."""
    if status:
        result = DealCopyItem.by_status.query(
            status_pk(organisation_id, tab, status), scan_index_forward=False, limit=limit,
            last_evaluated_key=start,
        )
    else:
        result = DealCopyItem.gsi1.query(list_pk(organisation_id, tab), scan_index_forward=False, limit=limit,
                                         last_evaluated_key=start)
    return [item for item in result if isinstance(item, DealCopyItem)], result.last_evaluated_key


# ---------------------------------------------------------------- referrals


def referral_pk(organisation_id: str, referral_id: str) -> str:
    return org_key(organisation_id, "REFERRAL", referral_id)


def get_referral(organisation_id: str, referral_id: str) -> ReferralCopyItem | None:
    try:
        return ReferralCopyItem.get(
            referral_pk(organisation_id, referral_id), REFERRAL_SK, consistent_read=True,
        )
    except ReferralCopyItem.DoesNotExist:
        return None


def save_referral(
    copies: Iterable[ReferralCopyItem], envelope: EventEnvelope, *, previous_version: int | None,
) -> None:
    with concurrent_change_is_a_conflict("the referral"), transaction(LeadsItem) as batch:
        for copy in copies:
            copy.pk = referral_pk(copy.organisation_id, copy.referral_id)
            copy.sk = REFERRAL_SK
            copy.gsi1pk = org_key(copy.organisation_id, "RLIST", copy.direction)
            copy.gsi1sk = f"{copy.created_at.isoformat()}#{copy.referral_id}"
            condition = (ReferralCopyItem.pk.does_not_exist() if previous_version is None
                         else ReferralCopyItem.version == previous_version)
            batch.save(copy, condition=condition)
        batch.save(outbox_item(Outbox, envelope))


def referral_page(
    organisation_id: str, direction: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[ReferralCopyItem], Any]:
    result = ReferralCopyItem.gsi1.query(
        org_key(organisation_id, "RLIST", direction), scan_index_forward=False, limit=limit,
        last_evaluated_key=start,
    )
    return [item for item in result if isinstance(item, ReferralCopyItem)], result.last_evaluated_key

"""Partnership reads and writes. The only module that knows the partnership keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from partners.dal.tables import ActivityItem, Outbox, PartnerLinkItem, PartnershipItem, PartnersItem, UserItem
from trellis.dynamo import transaction
from trellis.errors import Conflict
from trellis.events import EventEnvelope
from trellis.keys import org_key, time_ordered_id
from trellis.outbox import outbox_item


def partnership_pk(organisation_id: str, partnership_id: str) -> str:
    return org_key(organisation_id, "PARTNERSHIP", partnership_id)


def partnership_list_pk(organisation_id: str) -> str:
    return org_key(organisation_id, "PARTNERSHIPS")


PARTNERSHIP_SK = "PARTNERSHIP#"


@dataclass(frozen=True)
class Activity:
    kind: str
    summary: str
    actor_user_id: str | None
    occurred_at: datetime
    details: dict[str, str | None]


def new_partnership_item(organisation_id: str, partnership_id: str, **attributes: Any) -> PartnershipItem:
    created_at: datetime = attributes["created_at"]
    return PartnershipItem(
        pk=partnership_pk(organisation_id, partnership_id),
        sk=PARTNERSHIP_SK,
        gsi1pk=partnership_list_pk(organisation_id),
        gsi1sk=f"{created_at.isoformat()}#{partnership_id}",
        organisation_id=organisation_id,
        partnership_id=partnership_id,
        **attributes,
    )


def activity_item(organisation_id: str, partnership_id: str, activity: Activity) -> ActivityItem:
    """An activity entry, to be written in the same transaction as the change it records."""
    activity_id = time_ordered_id()
    return ActivityItem(
        pk=partnership_pk(organisation_id, partnership_id),
        sk=f"ACTIVITY#{activity_id}#",
        activity_id=activity_id,
        kind=activity.kind,
        summary=activity.summary,
        actor_user_id=activity.actor_user_id,
        occurred_at=activity.occurred_at,
        details=activity.details,
    )


def get(organisation_id: str, partnership_id: str) -> PartnershipItem | None:
    try:
        item = PartnershipItem.get(partnership_pk(organisation_id, partnership_id), PARTNERSHIP_SK)
    except PartnershipItem.DoesNotExist:
        return None
    return item if isinstance(item, PartnershipItem) else None


def save_with_event(
    item: PartnershipItem, activity: Activity, envelope: EventEnvelope, *, is_new: bool,
) -> None:
    """Write the partnership, its activity entry and its event in one transaction (the outbox)."""
    condition = PartnershipItem.pk.does_not_exist() if is_new else None
    try:
        with transaction(PartnershipItem) as write:
            # save() adds the version check: a concurrent writer makes the whole transaction fail.
            write.save(item, condition=condition)
            write.save(activity_item(item.organisation_id, item.partnership_id, activity))
            write.save(outbox_item(Outbox, envelope))
    except TransactWriteError as error:
        reasons = {reason.code for reason in error.cancellation_reasons or [] if reason}
        # ConditionalCheckFailed: the version moved on. TransactionConflict: another write to the item
        # was in flight (DynamoDB cancels overlapping transactions). Both are a concurrent change.
        if reasons & {"ConditionalCheckFailed", "TransactionConflict"}:
            raise Conflict("the partnership was changed by someone else; reload it and try again") from error
        raise


def list_page(
    organisation_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[PartnershipItem], Any]:
    result = PartnershipItem.gsi1.query(
        partnership_list_pk(organisation_id), scan_index_forward=False, limit=limit, last_evaluated_key=start,
    )
    items = [item for item in result if isinstance(item, PartnershipItem)]
    return items, result.last_evaluated_key


def activity_page(
    organisation_id: str, partnership_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[PartnershipItem | None, list[ActivityItem], Any]:
    """The partnership's activity, newest first, in one Query of its item collection.

    ``PARTNERSHIP#`` sorts after every ``ACTIVITY#…``, so in descending order the first page opens
    with the partnership itself: its absence means 404, without a second read.
    """
    first_page = start is None
    result = PartnersItem.query(
        partnership_pk(organisation_id, partnership_id),
        PartnersItem.sk <= PARTNERSHIP_SK,
        scan_index_forward=False,
        limit=limit + (1 if first_page else 0),
        last_evaluated_key=start,
    )
    items = list(result)
    partnership = None
    if first_page:
        if not items or not isinstance(items[0], PartnershipItem):
            return None, [], None
        partnership, items = items[0], items[1:]
    return partnership, [item for item in items if isinstance(item, ActivityItem)], result.last_evaluated_key


def existing_user_ids(organisation_id: str, user_ids: Iterable[str]) -> set[str]:
    keys = [(org_key(organisation_id), f"USER#{user_id}#") for user_id in set(user_ids)]
    if not keys:
        return set()
    return {item.user_id for item in UserItem.batch_get(keys) if isinstance(item, UserItem)}


def partner_link_pk(partner_organisation_id: str) -> str:
    return org_key(partner_organisation_id, "AS_PARTNER")


def partner_link_item(
    item: PartnershipItem, partner_organisation_id: str, linked_at: datetime,
) -> PartnerLinkItem:
    """The link to write when a partner joins (same transaction as ``item.partner_organisation_id``)."""
    return PartnerLinkItem(
        pk=partner_link_pk(partner_organisation_id), sk=f"PARTNERSHIP#{item.partnership_id}#",
        partner_organisation_id=partner_organisation_id, vendor_organisation_id=item.organisation_id,
        partnership_id=item.partnership_id, linked_at=linked_at,
    )


def get_for_partner(partner_organisation_id: str, partnership_id: str) -> PartnershipItem | None:
    """The partnership as seen from the partner's side: only if the partner's organisation is party to it."""
    try:
        link = PartnerLinkItem.get(partner_link_pk(partner_organisation_id), f"PARTNERSHIP#{partnership_id}#")
    except PartnerLinkItem.DoesNotExist:
        return None
    item = get(link.vendor_organisation_id, partnership_id)
    if item is None or item.partner_organisation_id != partner_organisation_id:
        return None
    return item

"""The routing index: each vendor's routable partnerships by the countries of their ICP.

Routing a lead reads the partition of the lead's country and the ``ANY`` partition, nothing else, so
its cost follows the candidates for that country, not the size of the program. Keys (tables.py):
``ORG#<vendor>#ROUTE#<country>#`` and ``ORG#<vendor>#ROUTE#ANY#``, sk ``CANDIDATE#<pid>#``; the
vendor's tier order at ``ORG#<vendor>#ROUTE#TIERS#``.

- Routable: not archived, not deleted, the partner organisation has joined (a lead is sent to an
  organisation) and a type that takes the vendor's leads (a distributor's leads come through its
  resellers: out of scope for routing).
- A partnership is indexed under each country of its ICP, or under ``ANY`` when its ICP names no
  country (it serves anywhere) or has no ICP yet. Each row carries the countries it stands for
  (its partition's; none under ANY for anywhere), so scoring never mistakes one for the other.
- Each row holds what scoring needs (name, partner organisation, type, tier, the ICP's criteria);
  the view remembers the partitions it is under and a digest of that content, so a save deletes
  the rows of partitions left, adds those of partitions joined and rewrites the others only when
  their content changed (a stage change or a plan touches no row).
- The rows are written by :func:`index_changes` inside the view's own transaction (see
  ``partnerships.save_view``), which holds at most 100 items. The partners service allows 250 ICP
  countries, so an ICP of more than ``MAX_INDEXED_COUNTRIES`` countries is indexed once under ``ANY``
  with its list (scoring keeps it only for a listed country): such a partnership is read for every
  lead of the vendor, the price of keeping the index in one transaction with the view.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError
from pynamodb.transactions import TransactWrite

from leads.dal.tables import PartnershipViewItem, RouteCandidateItem, TierOrderItem
from trellis.events.profiles import Icp
from trellis.keys import org_key

ROUTE = "ROUTE"
ANYWHERE = "ANY"
CANDIDATE = "CANDIDATE#"
TIERS_SK = "TIERS#"
# Partnership types a vendor's lead can be routed to (a distributor takes leads through its resellers).
ROUTABLE_TYPES = frozenset({"referral", "reseller", "implementation", "technology"})
# One save writes at most twice this many rows (those left behind deleted, those kept or added put),
# the view and the counterpart: 82 of a transaction's 100 items, leaving room for the projection to grow.
MAX_INDEXED_COUNTRIES = 40


def partition_pk(vendor_id: str, segment: str) -> str:
    return org_key(vendor_id, ROUTE, segment)


def _sk(partnership_id: str) -> str:
    return f"{CANDIDATE}{partnership_id}#"


def _routing_icp(view: PartnershipViewItem) -> Icp:
    return Icp.model_validate_json(view.icp_json) if view.icp_json else Icp()


def _routable(view: PartnershipViewItem) -> bool:
    return (
        not view.archived and not view.deleted and bool(view.partner_organisation_id)
        and view.partnership_type in ROUTABLE_TYPES
    )


@dataclass(frozen=True)
class IndexPlan:
    """Where a partnership belongs in the index and what its rows hold."""

    segments: list[str]
    content: dict[str, Any]  # the same in every row
    any_countries: list[str]  # the ``countries`` of its row under ANY: [] for anywhere, else the long list

    def countries(self, segment: str) -> list[str]:
        return self.any_countries if segment == ANYWHERE else [segment]

    @property
    def digest(self) -> str:
        # A row under a country stands for that country alone, so the ICP's countries change which
        # rows exist, not what they hold: only a row under ANY holds the list.
        material = {**self.content, "any_countries": self.any_countries}
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:32]


def plan(view: PartnershipViewItem) -> IndexPlan | None:
    """The partnership's place in the index now (None: not routable)."""
    if not _routable(view):
        return None
    icp = _routing_icp(view)
    countries = sorted(set(icp.countries))
    # Custom label/value pairs are for people to read: scoring never uses them.
    criteria = icp.model_copy(update={"countries": [], "custom": []})
    content = {
        "company_name": view.company_name or "",
        "partner_organisation_id": view.partner_organisation_id,
        "partnership_type": view.partnership_type,
        "tier": view.tier,
        "icp_json": criteria.model_dump_json(),
    }
    if countries and len(countries) <= MAX_INDEXED_COUNTRIES:
        return IndexPlan(segments=countries, content=content, any_countries=[])
    return IndexPlan(segments=[ANYWHERE], content=content, any_countries=countries)


def candidate_item(view: PartnershipViewItem, segment: str, index_plan: IndexPlan) -> RouteCandidateItem:
    return RouteCandidateItem(
        partition_pk(view.vendor_organisation_id, segment), _sk(view.partnership_id),
        vendor_organisation_id=view.vendor_organisation_id, partnership_id=view.partnership_id,
        countries=index_plan.countries(segment), **index_plan.content,
    )


def index_changes(view: PartnershipViewItem, write: TransactWrite) -> None:
    """Add to ``write`` the index rows that change with the view, and note them on the view.

    Call before the view itself is added to the transaction (its attributes are read then).
    """
    now = plan(view)
    segments = now.segments if now is not None else []
    digest = now.digest if now is not None else None
    before = list(view.routed_under or [])
    for segment in before:
        if segment not in segments:
            write.delete(RouteCandidateItem(partition_pk(view.vendor_organisation_id, segment),
                                            _sk(view.partnership_id)))
    if now is not None:
        changed = digest != view.routed_digest
        for segment in segments:
            if changed or segment not in before:
                write.save(candidate_item(view, segment, now))
    view.routed_under, view.routed_digest = segments, digest


def candidates(vendor_id: str, country: str | None) -> Iterator[RouteCandidateItem]:
    """The rows of the lead's country and of ANY (only ANY without a country): one Query each, paged."""
    segments = [country, ANYWHERE] if country else [ANYWHERE]
    for segment in segments:
        for item in RouteCandidateItem.query(partition_pk(vendor_id, segment)):
            if isinstance(item, RouteCandidateItem):
                yield item


# ---------------------------------------------------------------- the vendor's tier order


def _tiers_key(vendor_id: str) -> tuple[str, str]:
    return partition_pk(vendor_id, "TIERS"), TIERS_SK


def get_tier_order(vendor_id: str, *, consistent: bool = False) -> TierOrderItem | None:
    try:
        return TierOrderItem.get(*_tiers_key(vendor_id), consistent_read=consistent)
    except TierOrderItem.DoesNotExist:
        return None


def tier_order_item(vendor_id: str, tiers: list[tuple[str, str]], event_at: datetime) -> TierOrderItem:
    return TierOrderItem(
        *_tiers_key(vendor_id), vendor_organisation_id=vendor_id, tier_ids=[tier_id for tier_id, _ in tiers],
        tier_names=[name for _, name in tiers], event_at=event_at,
    )


def save_tier_order(vendor_id: str, tiers: list[tuple[str, str]], event_at: datetime) -> None:
    """The tiers (id, name) in the vendor's order, unless a newer list is already kept."""
    item = tier_order_item(vendor_id, tiers, event_at)
    condition = TierOrderItem.pk.does_not_exist() | (TierOrderItem.event_at < event_at)
    try:
        item.save(condition=condition)
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        # a newer list is kept already (or this one, redelivered): nothing to do

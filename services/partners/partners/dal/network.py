"""The distributor network: the module switch, reseller↔distributor assignments and their history.

Keys (see ``tables.py``): the switch is ``ORG#<org>#MODULES#`` / ``DISTRIBUTOR#``. Everything else
lives in partnership collections under ``ZNETWORK#`` (it sorts after ``PARTNERSHIP#``, so the
activity query never meets it): each partnership in the network has one node item (whom it is
assigned under now, its height, how many resellers it has); a distributor's collection holds one
``ZNETWORK#RESELLER#<r>#`` item per current reseller (its paged list); a reseller's collection
keeps every ended assignment as ``ZNETWORK#PAST#<removed>#<d>#`` (attribution at a past time).

Heights keep the network bounded: a partnership's height is more than each of its resellers'
(0 without resellers) and at most :data:`MAX_HEIGHT`, so a walk up from anywhere reads at most
:data:`MAX_HEIGHT` levels of at most :data:`MAX_DISTRIBUTORS` partnerships per partnership.
Heights only grow while resellers are added; removing one does not lower its distributors'
heights (that would need their other resellers read) except to 0 when the last one goes: a
conservative bound, never a wrong one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from partners.dal.partnerships import PARTNERSHIP_SK, Activity, activity_item, partnership_pk
from partners.dal.tables import (
    DistributorModuleItem,
    NetworkNodeItem,
    Outbox,
    PartnershipItem,
    PartnersItem,
    PastDistributorItem,
    ResellerLinkItem,
    UpstreamAttribute,
)
from trellis.dynamo import transaction
from trellis.errors import Conflict
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

# Three tiers of distributors at most above a reseller: master → regional → sub-distributor → reseller.
MAX_HEIGHT = 3
# Distributors one partnership may be assigned under at once. With MAX_HEIGHT this bounds a walk up
# the network (3 + 9 + 27 partnerships) and keeps an assignment's transaction under 100 items.
MAX_DISTRIBUTORS = 3

MODULE_SK = "DISTRIBUTOR#"
NODE_SK = "ZNETWORK#NODE#"
RESELLER_PREFIX = "ZNETWORK#RESELLER#"
PAST_PREFIX = "ZNETWORK#PAST#"
DISTRIBUTOR_TYPE = "distributor"


def module_pk(organisation_id: str) -> str:
    return org_key(organisation_id, "MODULES")


def _reseller_sk(reseller_id: str) -> str:
    return f"{RESELLER_PREFIX}{reseller_id}#"


def _timestamp(moment: datetime) -> str:
    # Fixed width, UTC: string order is time order.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _past_sk(removed_at: datetime, distributor_id: str) -> str:
    return f"{PAST_PREFIX}{_timestamp(removed_at)}#{distributor_id}#"


# ---------------------------------------------------------------- the module switch


def get_module(organisation_id: str) -> DistributorModuleItem | None:
    try:
        item = DistributorModuleItem.get(module_pk(organisation_id), MODULE_SK)
    except DistributorModuleItem.DoesNotExist:
        return None
    return item if isinstance(item, DistributorModuleItem) else None


def new_module(organisation_id: str) -> DistributorModuleItem:
    return DistributorModuleItem(pk=module_pk(organisation_id), sk=MODULE_SK, organisation_id=organisation_id)


def save_module_with_event(item: DistributorModuleItem, envelope: EventEnvelope) -> None:
    conflict = _conflict_on({}, "the setting was changed by someone else; reload it and try again")
    with conflict, transaction(PartnersItem) as write:
        write.save(item)  # version-checked: a concurrent toggle fails the transaction
        write.save(outbox_item(Outbox, envelope))


# ---------------------------------------------------------------- reads


@dataclass
class Reading:
    """What one BatchGetItem brought back: the switch, partnerships and network nodes by id."""

    module: DistributorModuleItem | None = None
    partnerships: dict[str, PartnershipItem] = field(default_factory=dict)
    nodes: dict[str, NetworkNodeItem] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return self.module is not None and bool(self.module.enabled)


def read(
    organisation_id: str, *, partnership_ids: Iterable[str] = (), node_ids: Iterable[str] = (),
    module: bool = True,
) -> Reading:
    """The switch (if asked), the partnerships and the nodes, in one BatchGetItem (keep it ≤ 100 keys)."""
    keys: list[tuple[str, str]] = [(module_pk(organisation_id), MODULE_SK)] if module else []
    keys += [(partnership_pk(organisation_id, pid), PARTNERSHIP_SK) for pid in dict.fromkeys(partnership_ids)]
    keys += [(partnership_pk(organisation_id, pid), NODE_SK) for pid in dict.fromkeys(node_ids)]
    reading = Reading()
    if not keys:
        return reading
    for item in PartnersItem.batch_get(keys):
        if isinstance(item, DistributorModuleItem):
            reading.module = item
        elif isinstance(item, PartnershipItem):
            reading.partnerships[item.partnership_id] = item
        elif isinstance(item, NetworkNodeItem):
            reading.nodes[item.partnership_id] = item
    return reading


def new_node(organisation_id: str, partnership_id: str) -> NetworkNodeItem:
    return NetworkNodeItem(
        pk=partnership_pk(organisation_id, partnership_id), sk=NODE_SK, organisation_id=organisation_id,
        partnership_id=partnership_id, distributors=[], height=0, reseller_count=0,
    )


def distributor_ids(node: NetworkNodeItem | None) -> list[str]:
    return [upstream.distributor_id for upstream in (node.distributors or [])] if node else []


def walk_up(organisation_id: str, start: NetworkNodeItem | None) -> list[list[NetworkNodeItem]]:
    """The nodes above ``start``, level by level (nearest first; each node once, at its nearest level).

    One BatchGetItem per level, at most MAX_HEIGHT levels (heights strictly grow upward).
    """
    levels: list[list[NetworkNodeItem]] = []
    seen = {start.partnership_id} if start else set()
    frontier = distributor_ids(start)
    for _ in range(MAX_HEIGHT):
        ids = [pid for pid in dict.fromkeys(frontier) if pid not in seen]
        if not ids:
            break
        seen.update(ids)
        found = read(organisation_id, node_ids=ids, module=False).nodes
        level = [found[pid] for pid in ids if pid in found]
        levels.append(level)
        frontier = [pid for node in level for pid in distributor_ids(node)]
    return levels


def has_resellers(organisation_id: str, distributor_partnership_id: str) -> bool:
    """Whether any reseller is assigned to the partnership now (one Query of one item)."""
    result = ResellerLinkItem.query(
        partnership_pk(organisation_id, distributor_partnership_id),
        ResellerLinkItem.sk.startswith(RESELLER_PREFIX), limit=1,
    )
    return any(True for _ in result)


def resellers_page(
    organisation_id: str, distributor_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[ResellerLinkItem], Any]:
    result = ResellerLinkItem.query(
        partnership_pk(organisation_id, distributor_id), ResellerLinkItem.sk.startswith(RESELLER_PREFIX),
        limit=limit, last_evaluated_key=start,
    )
    return [item for item in result if isinstance(item, ResellerLinkItem)], result.last_evaluated_key


def _past_assignments(organisation_id: str, reseller_id: str, after: datetime) -> list[PastDistributorItem]:
    """Ended assignments of the reseller that ended at or after ``after`` (one Query)."""
    result = PastDistributorItem.query(
        partnership_pk(organisation_id, reseller_id),
        PastDistributorItem.sk.between(f"{PAST_PREFIX}{_timestamp(after)}", f"{PAST_PREFIX}~"),
    )
    return [item for item in result if isinstance(item, PastDistributorItem)]


def chain_at(organisation_id: str, reseller_id: str, at: datetime) -> list[str]:
    """The distributors of the reseller at time ``at``, nearest first, then theirs, level by level.

    An assignment counts from its ``assigned_at`` (inclusive) until its removal (exclusive). Per
    level: one BatchGetItem of nodes and one Query of each partnership's ended assignments after ``at``.
    """
    chain: list[str] = []
    seen = {reseller_id}
    frontier = [reseller_id]
    for _ in range(MAX_HEIGHT):
        nodes = read(organisation_id, node_ids=frontier, module=False).nodes
        above: list[tuple[datetime, str]] = []
        for pid in frontier:
            node = nodes.get(pid)
            above += [(u.assigned_at, u.distributor_id) for u in (node.distributors if node else None) or []
                      if u.assigned_at <= at]
            above += [(p.assigned_at, p.distributor_id) for p in _past_assignments(organisation_id, pid, at)
                      if p.assigned_at <= at < p.removed_at]
        frontier = [pid for _, pid in sorted(above) if pid not in seen]
        frontier = list(dict.fromkeys(frontier))
        if not frontier:
            break
        seen.update(frontier)
        chain += frontier
    return chain


# ---------------------------------------------------------------- writes


@dataclass(frozen=True)
class NetworkChange:
    """One assignment's writes: checks on what was read, the items to save, the items to remove."""

    organisation_id: str
    distributor: PartnershipItem
    reseller: PartnershipItem
    save: tuple[NetworkNodeItem | PastDistributorItem, ...]
    unchanged: tuple[NetworkNodeItem, ...]
    activities: tuple[tuple[str, Activity], ...]
    envelope: EventEnvelope
    link: ResellerLinkItem | None = None  # the reseller's item in the distributor's list, to add
    removed_link: tuple[str, str] | None = None  # or to delete (its key)


def reseller_link(
    organisation_id: str, distributor_id: str, reseller_id: str, *, assigned_at: datetime, assigned_by: str,
) -> ResellerLinkItem:
    return ResellerLinkItem(
        pk=partnership_pk(organisation_id, distributor_id), sk=_reseller_sk(reseller_id),
        organisation_id=organisation_id, distributor_id=distributor_id, reseller_id=reseller_id,
        assigned_at=assigned_at, assigned_by=assigned_by,
    )


def reseller_link_key(organisation_id: str, distributor_id: str, reseller_id: str) -> tuple[str, str]:
    return partnership_pk(organisation_id, distributor_id), _reseller_sk(reseller_id)


def past_assignment(
    organisation_id: str, upstream: UpstreamAttribute, reseller_id: str, *, removed_at: datetime,
    removed_by: str,
) -> PastDistributorItem:
    return PastDistributorItem(
        pk=partnership_pk(organisation_id, reseller_id), sk=_past_sk(removed_at, upstream.distributor_id),
        organisation_id=organisation_id, distributor_id=upstream.distributor_id, reseller_id=reseller_id,
        assigned_at=upstream.assigned_at, assigned_by=upstream.assigned_by, removed_at=removed_at,
        removed_by=removed_by,
    )


def upstream(distributor_id: str, *, assigned_at: datetime, assigned_by: str) -> UpstreamAttribute:
    return UpstreamAttribute(distributor_id=distributor_id, assigned_at=assigned_at, assigned_by=assigned_by)


# What a failed condition of each fixed transaction item means, in the order they are written.
_REASONS = (
    "the distributor module was switched off meanwhile",
    "the distributor partnership was archived or changed its type meanwhile",
    "the reseller partnership was archived meanwhile",
)


def write(change: NetworkChange) -> None:
    """The assignment change in one transaction: checks, items, activity on both sides, the event.

    Every node read on the way (the walk up) is either saved (version-checked) or checked to be at
    the version read, so two concurrent assignments can never close a cycle between them.
    """
    org = change.organisation_id
    conflict = _conflict_on(dict(enumerate(_REASONS)), "the network changed meanwhile; reload and try again")
    with conflict, transaction(PartnersItem) as tx:
        tx.condition_check(
            DistributorModuleItem, module_pk(org), MODULE_SK,
            condition=DistributorModuleItem.enabled == True,  # noqa: E712 - a DynamoDB condition
        )
        tx.condition_check(
            PartnershipItem, change.distributor.pk, PARTNERSHIP_SK,
            condition=PartnershipItem.pk.exists() & PartnershipItem.archived_at.does_not_exist()
            & (PartnershipItem.partnership_type == DISTRIBUTOR_TYPE),
        )
        tx.condition_check(
            PartnershipItem, change.reseller.pk, PARTNERSHIP_SK,
            condition=PartnershipItem.pk.exists() & PartnershipItem.archived_at.does_not_exist(),
        )
        if change.link is not None:
            tx.save(change.link, condition=ResellerLinkItem.pk.does_not_exist())
        if change.removed_link is not None:
            tx.delete(
                ResellerLinkItem(pk=change.removed_link[0], sk=change.removed_link[1]),
                condition=ResellerLinkItem.pk.exists(),
            )
        for item in change.save:
            tx.save(item)
        for node in change.unchanged:
            tx.condition_check(
                NetworkNodeItem, node.pk, NODE_SK, condition=NetworkNodeItem.version == node.version,
            )
        for partnership_id, activity in change.activities:
            tx.save(activity_item(org, partnership_id, activity))
        tx.save(outbox_item(Outbox, change.envelope))


@contextmanager
def _conflict_on(reasons: dict[int, str], otherwise: str) -> Iterator[None]:
    try:
        yield
    except TransactWriteError as error:
        codes = [reason.code if reason else None for reason in error.cancellation_reasons or []]
        if not {"ConditionalCheckFailed", "TransactionConflict"} & set(codes):
            raise
        for index, code in enumerate(codes):
            if code == "ConditionalCheckFailed" and index in reasons:
                raise Conflict(reasons[index]) from error
        raise Conflict(otherwise) from error

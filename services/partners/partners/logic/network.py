"""The distributor module (issue #3 item 11): the switch, assigning resellers to distributors, who sees what.

A vendor (admin or partner manager) assigns reseller partnerships to distributor partnerships,
many to many; a distributor may itself be a reseller of a master distributor, up to
``MAX_HEIGHT`` tiers, never in a loop. A distributor's own users see only their resellers'
company name, type, stage and country. While the module is off, every assignment route answers
409 and the assignments stay as they were.
"""

from __future__ import annotations

from datetime import UTC, datetime

from partners.dal import network as dal
from partners.dal import partnerships as partnerships_dal
from partners.dal.tables import DistributorModuleItem, NetworkNodeItem, PartnershipItem, ResellerLinkItem
from partners.models import (
    DistributorModule,
    DistributorModuleUpdate,
    DistributorReseller,
    NetworkPartnership,
    ResellerAssignment,
    ResellerAssignmentCreate,
)
from trellis.errors import Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.network import DistributorModuleToggled, ResellerAssigned, ResellerUnassigned
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import PARTNER_ROLES, VENDOR_ROLES, VENDOR_WRITERS, Principal, Role

ADMINS = frozenset({Role.ADMIN})


# ---------------------------------------------------------------- the module switch


def _module_view(item: DistributorModuleItem | None) -> DistributorModule:
    if item is None:
        return DistributorModule(enabled=False, version=0)
    return DistributorModule(
        enabled=bool(item.enabled), updated_at=item.updated_at, updated_by=item.updated_by,
        version=int(item.version or 0),
    )


def get_module(principal: Principal) -> DistributorModule:
    principal.require_any(VENDOR_ROLES)
    return _module_view(dal.get_module(principal.organisation_id))


def set_module(principal: Principal, request: DistributorModuleUpdate) -> DistributorModule:
    """Switch the module on or off. Assignments are kept either way; switching back shows them again."""
    principal.require_any(ADMINS)
    org = principal.organisation_id
    item = dal.get_module(org)
    if item is not None and bool(item.enabled) == request.enabled:
        return _module_view(item)  # already so: no write, no event
    if item is None:
        if not request.enabled:
            return _module_view(None)  # never switched on: off already
        item = dal.new_module(org)
    now = datetime.now(UTC)
    item.enabled, item.updated_at, item.updated_by = request.enabled, now, principal.user_id
    envelope = EventEnvelope.new(
        DistributorModuleToggled(vendor_organisation_id=org, enabled=request.enabled),
        tenant_id=org, actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_module_with_event(item, envelope)
    return _module_view(item)


def _require_enabled(reading: dal.Reading, *, vendor_side: bool = True) -> None:
    if reading.enabled:
        return
    if vendor_side:
        raise Conflict(
            "the distributor module is switched off; an admin switches it on with PUT /distributor-module "
            "(assignments made before are kept)",
        )
    raise Conflict("the vendor's distributor module is switched off")


# ---------------------------------------------------------------- assignments


def _writable(reading: dal.Reading, distributor_id: str, reseller_id: str) -> tuple[
    PartnershipItem, PartnershipItem,
]:
    _require_enabled(reading)
    distributor = reading.partnerships.get(distributor_id)
    if distributor is None:
        raise NotFound("no such distributor partnership")
    reseller = reading.partnerships.get(reseller_id)
    if reseller is None:
        raise NotFound("no such reseller partnership", field="reseller_id")
    for role, item in (("distributor", distributor), ("reseller", reseller)):
        if item.archived_at is not None:
            raise Conflict(f"the {role} partnership is archived; restore it before changing its assignments")
    if distributor.partnership_type != dal.DISTRIBUTOR_TYPE:
        raise Conflict(
            f"{distributor.company_name} is a {distributor.partnership_type} partnership, not a distributor; "
            "change its partnership type to distributor first",
        )
    return distributor, reseller


def _raised_heights(start: NetworkNodeItem, height: int, above: list[NetworkNodeItem]) -> dict[str, int]:
    """The heights that must grow so ``start`` is above ``height`` (and each node above its resellers)."""
    nodes = {node.partnership_id: node for node in [start, *above]}
    raised: dict[str, int] = {}
    if int(start.height or 0) <= height:
        raised[start.partnership_id] = height + 1
    pending = list(raised)
    while pending:  # acyclic and at most MAX_HEIGHT + 1 deep (checked by the caller): it ends
        pid = pending.pop()
        for parent in dal.distributor_ids(nodes[pid]):
            node = nodes.get(parent)
            if node is None:
                continue
            current = raised.get(parent, int(node.height or 0))
            if current <= raised[pid]:
                raised[parent] = raised[pid] + 1
                pending.append(parent)
    return raised


def assign_reseller(
    principal: Principal, distributor_id: str, request: ResellerAssignmentCreate,
) -> ResellerAssignment:
    principal.require_any(VENDOR_WRITERS)
    reseller_id = request.reseller_id
    if reseller_id == distributor_id:
        raise ValidationFailed("a partnership cannot be its own reseller", field="reseller_id")
    org = principal.organisation_id
    pair = [distributor_id, reseller_id]
    reading = dal.read(org, partnership_ids=pair, node_ids=pair)
    distributor, reseller = _writable(reading, distributor_id, reseller_id)
    d_node = reading.nodes.get(distributor_id)
    r_node = reading.nodes.get(reseller_id) or dal.new_node(org, reseller_id)
    current = dal.distributor_ids(r_node)
    if distributor_id in current:
        raise Conflict(f"{reseller.company_name} is already assigned to {distributor.company_name}")
    if len(current) >= dal.MAX_DISTRIBUTORS:
        raise Conflict(
            f"a partnership can be assigned to at most {dal.MAX_DISTRIBUTORS} distributors at once",
        )

    levels = dal.walk_up(org, d_node)
    above = [node for level in levels for node in level]
    if any(node.partnership_id == reseller_id for node in above):
        raise Conflict(
            f"{reseller.company_name} already distributes for {distributor.company_name} (directly or "
            "through other distributors); assigning it as its reseller would make a loop",
        )
    d_node = d_node or dal.new_node(org, distributor_id)
    raised = _raised_heights(d_node, int(r_node.height or 0), above)
    if any(height > dal.MAX_HEIGHT for height in raised.values()):
        raise Conflict(
            f"the network would be more than {dal.MAX_HEIGHT} tiers of distributors deep above a reseller",
        )

    now = datetime.now(UTC)
    by = principal.user_id
    r_node.distributors = [
        *(r_node.distributors or []), dal.upstream(distributor_id, assigned_at=now, assigned_by=by),
    ]
    d_node.reseller_count = int(d_node.reseller_count or 0) + 1
    for node in [d_node, *above]:
        if node.partnership_id in raised:
            node.height = raised[node.partnership_id]
    chain = [distributor_id, *(node.partnership_id for node in above)]
    envelope = EventEnvelope.new(
        ResellerAssigned(
            vendor_organisation_id=org, distributor_id=distributor_id, reseller_id=reseller_id,
            assigned_at=now, chain=chain,
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=now,
    )
    dal.write(dal.NetworkChange(
        organisation_id=org, distributor=distributor, reseller=reseller,
        link=dal.reseller_link(org, distributor_id, reseller_id, assigned_at=now, assigned_by=by),
        save=(r_node, d_node, *(node for node in above if node.partnership_id in raised)),
        unchanged=tuple(node for node in above if node.partnership_id not in raised),
        activities=(
            (distributor_id, partnerships_dal.Activity(
                kind="reseller_assigned", summary=f"{reseller.company_name} assigned as a reseller",
                actor_user_id=principal.user_id, occurred_at=now, details={"reseller_id": reseller_id},
            )),
            (reseller_id, partnerships_dal.Activity(
                kind="distributor_assigned", summary=f"Assigned to distributor {distributor.company_name}",
                actor_user_id=principal.user_id, occurred_at=now, details={"distributor_id": distributor_id},
            )),
        ),
        envelope=envelope,
    ))
    return ResellerAssignment(
        distributor_id=distributor_id, reseller_id=reseller_id, assigned_at=now, chain=chain,
    )


def unassign_reseller(principal: Principal, distributor_id: str, reseller_id: str) -> None:
    """End the assignment. Its period is kept on the reseller, so past work stays attributed."""
    principal.require_any(VENDOR_WRITERS)
    org = principal.organisation_id
    pair = [distributor_id, reseller_id]
    reading = dal.read(org, partnership_ids=pair, node_ids=pair)
    distributor, reseller = _writable(reading, distributor_id, reseller_id)
    d_node, r_node = reading.nodes.get(distributor_id), reading.nodes.get(reseller_id)
    ups = (r_node.distributors if r_node else None) or []
    entry = next((u for u in ups if u.distributor_id == distributor_id), None)
    if r_node is None or d_node is None or entry is None:
        raise NotFound(f"{reseller.company_name} is not assigned to {distributor.company_name}")

    chain = [distributor_id, *(node.partnership_id for level in dal.walk_up(org, d_node) for node in level)]
    now = datetime.now(UTC)
    r_node.distributors = [u for u in r_node.distributors or [] if u.distributor_id != distributor_id]
    d_node.reseller_count = max(int(d_node.reseller_count or 0) - 1, 0)
    if d_node.reseller_count == 0:
        d_node.height = 0
    envelope = EventEnvelope.new(
        ResellerUnassigned(
            vendor_organisation_id=org, distributor_id=distributor_id, reseller_id=reseller_id,
            assigned_at=entry.assigned_at, removed_at=now, chain=chain,
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=now,
    )
    dal.write(dal.NetworkChange(
        organisation_id=org, distributor=distributor, reseller=reseller,
        removed_link=dal.reseller_link_key(org, distributor_id, reseller_id),
        save=(r_node, d_node, dal.past_assignment(org, entry, reseller_id, removed_at=now,
                                                   removed_by=principal.user_id)),
        unchanged=(),
        activities=(
            (distributor_id, partnerships_dal.Activity(
                kind="reseller_unassigned", summary=f"{reseller.company_name} no longer a reseller",
                actor_user_id=principal.user_id, occurred_at=now, details={"reseller_id": reseller_id},
            )),
            (reseller_id, partnerships_dal.Activity(
                kind="distributor_unassigned",
                summary=f"No longer assigned to distributor {distributor.company_name}",
                actor_user_id=principal.user_id, occurred_at=now, details={"distributor_id": distributor_id},
            )),
        ),
        envelope=envelope,
    ))


# ---------------------------------------------------------------- reads


def _member(item: PartnershipItem, assigned_at: datetime, assigned_by: str | None) -> NetworkPartnership:
    return NetworkPartnership(
        id=item.partnership_id, company_name=item.company_name,
        partnership_type=item.partnership_type,  # type: ignore[arg-type]
        stage=item.stage, country=item.country, archived=item.archived_at is not None,
        assigned_at=assigned_at, assigned_by=assigned_by,
    )


def list_resellers(
    principal: Principal, distributor_id: str, *, limit: int, cursor: str | None,
) -> Page[NetworkPartnership]:
    """The distributor's current resellers, by id: a Query of the page, a BatchGetItem of their profiles."""
    principal.require_any(VENDOR_ROLES)
    org = principal.organisation_id
    listing = f"resellers:{distributor_id}"
    links, last_key = dal.resellers_page(
        org, distributor_id, limit=limit, start=decode_cursor(cursor, tenant_id=org, listing=listing),
    )
    reading = dal.read(org, partnership_ids=[distributor_id, *(link.reseller_id for link in links)])
    _require_enabled(reading)
    if distributor_id not in reading.partnerships:
        raise NotFound("no such distributor partnership")
    items = [
        _member(item, link.assigned_at, link.assigned_by)
        for link in links if (item := reading.partnerships.get(link.reseller_id)) is not None
    ]
    next_cursor = encode_cursor(last_key, tenant_id=org, listing=listing)
    return Page[NetworkPartnership](items=items, next_cursor=next_cursor)


def list_distributors(principal: Principal, partnership_id: str) -> Page[NetworkPartnership]:
    """Whom the partnership sells through now, oldest assignment first (a few at most: one page)."""
    principal.require_any(VENDOR_ROLES)
    org = principal.organisation_id
    reading = dal.read(org, partnership_ids=[partnership_id], node_ids=[partnership_id])
    _require_enabled(reading)
    if partnership_id not in reading.partnerships:
        raise NotFound("no such partnership")
    node = reading.nodes.get(partnership_id)
    ups = sorted((node.distributors if node else None) or [], key=lambda u: u.assigned_at)
    distributors = dal.read(org, partnership_ids=[u.distributor_id for u in ups], module=False).partnerships
    return Page[NetworkPartnership](items=[
        _member(item, u.assigned_at, u.assigned_by)
        for u in ups if (item := distributors.get(u.distributor_id)) is not None
    ])


def list_own_resellers(
    principal: Principal, distributor_id: str, *, limit: int, cursor: str | None,
) -> Page[DistributorReseller]:
    """A distributor's users list their resellers (only theirs, only what a partner may see).

    Archived resellers are left out (a page may come back short; follow ``next_cursor``).
    """
    principal.require_any(PARTNER_ROLES)
    distributor = partnerships_dal.get_for_partner(principal.organisation_id, distributor_id)
    if distributor is None or distributor.partnership_type != dal.DISTRIBUTOR_TYPE:
        raise NotFound("no such distributor partnership")
    vendor = distributor.organisation_id
    # The cursor is the partner's: minted for its organisation and this distributorship only.
    tenant, listing = principal.organisation_id, f"distributor-resellers:{vendor}:{distributor_id}"
    links, last_key = dal.resellers_page(
        vendor, distributor_id, limit=limit, start=decode_cursor(cursor, tenant_id=tenant, listing=listing),
    )
    reading = dal.read(vendor, partnership_ids=[link.reseller_id for link in links])
    _require_enabled(reading, vendor_side=False)
    items: list[DistributorReseller] = []
    for link in links:
        item = reading.partnerships.get(link.reseller_id)
        if item is not None and item.archived_at is None:
            items.append(_reseller_view(item, link))
    next_cursor = encode_cursor(last_key, tenant_id=tenant, listing=listing)
    return Page[DistributorReseller](items=items, next_cursor=next_cursor)


def _reseller_view(item: PartnershipItem, link: ResellerLinkItem) -> DistributorReseller:
    return DistributorReseller(
        id=item.partnership_id, company_name=item.company_name, partnership_type=item.partnership_type,
        stage=item.stage, country=item.country, assigned_at=link.assigned_at,
    )

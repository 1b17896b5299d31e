"""Commission plans (the partnership's Commissions tab): a default per tier, and a partnership's own.

The plan that applies to a partnership (:func:`effective_plan`): its own plan if it has one, else
the default of its tier, else none. Clearing a partnership's own plan makes its tier's default
apply again.

Who may do what:
- a partnership's own plan: vendor ``admin`` and ``partner_manager`` (the partner team negotiates
  terms with each partner, seed 000's Commissions tab sits beside the details they manage);
- tier defaults: ``admin`` only: they are program-wide policy, like the tier list itself;
- ``member``: reads everything; partner users read only the plan of their own partnership
  (``/partner/...``) and never write (seed 002: distributors cannot change commission structures).

Saving a plan unchanged writes nothing and publishes nothing. Every change publishes its event
with the whole plan (the outbox, in the same transaction as the plan), and a partnership's plan
changes add an activity entry with what changed, before → after.
"""

from __future__ import annotations

from datetime import UTC, datetime

from partners.dal import commissions as dal
from partners.dal import partnerships as partnerships_dal
from partners.dal.partnerships import Activity, Change
from partners.dal.tables import CommissionPlanItem, PartnershipItem, TierCommissionDefaultItem
from partners.logic.partnerships import writable_partnership
from partners.logic.program import require_tier
from partners.models import (
    CommissionPlanInput,
    CommissionPlanSource,
    PartnerCommissionPlan,
    PartnershipCommissionPlan,
    TierDefaultPlan,
    TierDefaultPlans,
)
from trellis.errors import NotFound
from trellis.events import Actor, EventEnvelope
from trellis.events.commissions import (
    CommissionPlan,
    CommissionPlanCleared,
    CommissionPlanSet,
    TierDefaultPlanCleared,
    TierDefaultPlanSet,
)
from trellis.principal import PARTNER_ROLES, VENDOR_ROLES, Principal, Role

PLAN_FIELDS = ("kind", "currency", "rate", "amount", "bands", "net_days", "schedule", "distributor_split")
SCHEDULES = {"on_deal_won": "paid per won deal", "monthly": "paid monthly", "quarterly": "paid quarterly"}


# ---------------------------------------------------------------- describing a plan (activity log)


def _field_text(plan: CommissionPlan | None, field: str) -> str | None:
    if plan is None:
        return None
    value = getattr(plan, field)
    if field == "bands":
        return None if value is None else "; ".join(f"from {band.from_}: {band.rate}%" for band in value)
    if field in {"rate", "distributor_split"} and value is not None:
        return f"{value}%"
    return None if value is None else str(value)


def describe(plan: CommissionPlan) -> str:
    """A one-line summary: "12.5% of the deal value, paid monthly, net 30 days"."""
    if plan.kind == "percentage":
        terms = f"{plan.rate}% of the deal value"
    elif plan.kind == "fixed":
        terms = f"{plan.currency} {plan.amount} per won deal"
    else:
        terms = f"tiered in {plan.currency} ({_field_text(plan, 'bands')})"
    text = f"{terms}, {SCHEDULES[plan.schedule]}, net {plan.net_days} days"
    if plan.distributor_split:
        text += f", distributor share {plan.distributor_split}%"
    return text


def _changes(before: CommissionPlan | None, after: CommissionPlan | None) -> tuple[Change, ...]:
    changes = (Change(field, _field_text(before, field), _field_text(after, field)) for field in PLAN_FIELDS)
    return tuple(change for change in changes if change.before != change.after)


# ---------------------------------------------------------------- the plan that applies


PlanItem = CommissionPlanItem | TierCommissionDefaultItem


def _resolve(
    own: CommissionPlanItem | None, default: TierCommissionDefaultItem | None,
) -> tuple[CommissionPlan | None, CommissionPlanSource, PlanItem | None]:
    plan = dal.plan_of(own.plan) if own is not None else None
    if plan is not None:
        return plan, "partnership", own
    plan = dal.plan_of(default.plan) if default is not None else None
    if plan is not None:
        return plan, "tier_default", default
    return None, "none", None


def effective_plan(
    organisation_id: str, partnership_id: str,
) -> tuple[CommissionPlan | None, CommissionPlanSource]:
    """The plan that applies to a partnership, and its source (for the commission ledger, issue #4).

    DynamoDB reads: one BatchGetItem (the partnership and its own plan); a second one, a GetItem
    of the tier's default, only when the partnership has no plan of its own but has a tier.
    Raises NotFound for a partnership the organisation does not have.
    """
    _, own, default = _load(organisation_id, partnership_id)
    plan, source, _ = _resolve(own, default)
    return plan, source


def _load(
    organisation_id: str, partnership_id: str,
) -> tuple[PartnershipItem, CommissionPlanItem | None, TierCommissionDefaultItem | None]:
    """The partnership, its plan item and (only if needed) its tier's default: 1 or 2 reads."""
    partnership, own = dal.get_with_partnership(organisation_id, partnership_id)
    if partnership is None:
        raise NotFound("no such partnership")
    default = None
    if (own is None or own.plan is None) and partnership.tier:
        default = dal.get_default(organisation_id, partnership.tier)
    return partnership, own, default


def _view(
    partnership: PartnershipItem, own: CommissionPlanItem | None, default: TierCommissionDefaultItem | None,
) -> PartnershipCommissionPlan:
    plan, source, applied = _resolve(own, default)
    return PartnershipCommissionPlan(
        partnership_id=partnership.partnership_id,
        source=source,
        tier=partnership.tier,
        plan=plan,
        version=int(own.version or 0) if own is not None else 0,
        updated_at=applied.updated_at if applied is not None else None,
        updated_by=applied.updated_by if applied is not None else None,
    )


def get_partnership_plan(principal: Principal, partnership_id: str) -> PartnershipCommissionPlan:
    principal.require_any(VENDOR_ROLES)
    return _view(*_load(principal.organisation_id, partnership_id))


def get_partner_plan(principal: Principal, partnership_id: str) -> PartnerCommissionPlan:
    """A partner organisation's own commission terms with a vendor (404 unless it is party to it)."""
    principal.require_any(PARTNER_ROLES)
    partnership = partnerships_dal.get_for_partner(principal.organisation_id, partnership_id)
    if partnership is None:
        raise NotFound("no such partnership")
    own, default = dal.get_plan_and_default(partnership)
    plan, source, _ = _resolve(own, default)
    return PartnerCommissionPlan(partnership_id=partnership_id, source=source, plan=plan)


# ---------------------------------------------------------------- a partnership's own plan


def set_partnership_plan(
    principal: Principal, partnership_id: str, request: CommissionPlanInput,
) -> PartnershipCommissionPlan:
    partnership = writable_partnership(principal, partnership_id)
    item = dal.get_plan(partnership)
    before = dal.plan_of(item.plan) if item is not None else None
    after = request.to_plan()
    if before == after:
        return _view(partnership, item, None)

    now = datetime.now(UTC)
    item = item or dal.new_plan_item(partnership)
    item.plan = dal.plan_attribute(after)
    item.updated_at, item.updated_by = now, principal.user_id
    version = int(item.version or 0) + 1
    event = EventEnvelope.new(
        CommissionPlanSet(
            partnership_id=partnership_id, company_name=partnership.company_name, plan_version=version,
            plan=after,
        ),
        tenant_id=principal.organisation_id, actor=Actor.of(principal), occurred_at=now,
    )
    activity = Activity(
        kind="commission_plan_set",
        summary=f"Commission plan {'changed' if before else 'set'}: {describe(after)}",
        actor_user_id=principal.user_id, occurred_at=now,
        details={"before": describe(before) if before else None, "after": describe(after)},
        changes=_changes(before, after),
    )
    dal.save_plan_with_event(partnership, item, activity, event)
    return _view(partnership, item, None)


def clear_partnership_plan(principal: Principal, partnership_id: str) -> PartnershipCommissionPlan:
    """Remove the partnership's own plan: its tier's default applies again. Answers what applies now."""
    partnership = writable_partnership(principal, partnership_id)
    item, default = dal.get_plan_and_default(partnership)
    before = dal.plan_of(item.plan) if item is not None else None
    if item is None or before is None:
        return _view(partnership, item, default)  # nothing of its own to clear: no write

    now = datetime.now(UTC)
    item.plan = None
    item.updated_at, item.updated_by = now, principal.user_id
    version = int(item.version or 0) + 1
    event = EventEnvelope.new(
        CommissionPlanCleared(
            partnership_id=partnership_id, company_name=partnership.company_name, plan_version=version,
            tier=partnership.tier, cleared_plan=before,
        ),
        tenant_id=principal.organisation_id, actor=Actor.of(principal), occurred_at=now,
    )
    fallback, source, _ = _resolve(None, default)
    applies = "no plan applies"
    if source == "tier_default":
        applies = f"the {partnership.tier} tier's default applies"
    activity = Activity(
        kind="commission_plan_cleared",
        summary=f"Commission plan removed: {applies}",
        actor_user_id=principal.user_id, occurred_at=now,
        details={"before": describe(before), "after": describe(fallback) if fallback else None},
        changes=_changes(before, None),
    )
    dal.save_plan_with_event(partnership, item, activity, event)
    return _view(partnership, item, default)


# ---------------------------------------------------------------- tier defaults


def _default_view(item: TierCommissionDefaultItem, plan: CommissionPlan) -> TierDefaultPlan:
    return TierDefaultPlan(
        tier_id=item.tier_id, plan=plan, version=int(item.version or 0), updated_at=item.updated_at,
        updated_by=item.updated_by,
    )


def list_tier_defaults(principal: Principal) -> TierDefaultPlans:
    principal.require_any(VENDOR_ROLES)
    items = []
    for item in dal.list_defaults(principal.organisation_id):
        plan = dal.plan_of(item.plan)
        if plan is not None:
            items.append(_default_view(item, plan))
    return TierDefaultPlans(items=items)


def set_tier_default(principal: Principal, tier_id: str, request: CommissionPlanInput) -> TierDefaultPlan:
    principal.require_any({Role.ADMIN})
    organisation_id = principal.organisation_id
    require_tier(organisation_id, tier_id, field="tier_id")
    item = dal.get_default(organisation_id, tier_id)
    before = dal.plan_of(item.plan) if item is not None else None
    after = request.to_plan()
    if item is not None and before == after:
        return _default_view(item, after)

    now = datetime.now(UTC)
    item = item or dal.new_default_item(organisation_id, tier_id)
    item.plan = dal.plan_attribute(after)
    item.updated_at, item.updated_by = now, principal.user_id
    event = EventEnvelope.new(
        TierDefaultPlanSet(tier_id=tier_id, plan_version=int(item.version or 0) + 1, plan=after),
        tenant_id=organisation_id, actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_default_with_event(item, event)
    return _default_view(item, after)


def clear_tier_default(principal: Principal, tier_id: str) -> None:
    principal.require_any({Role.ADMIN})
    organisation_id = principal.organisation_id
    item = dal.get_default(organisation_id, tier_id)
    before = dal.plan_of(item.plan) if item is not None else None
    if item is None or before is None:
        raise NotFound(f"the tier {tier_id!r} has no default commission plan")

    now = datetime.now(UTC)
    item.plan = None
    item.updated_at, item.updated_by = now, principal.user_id
    event = EventEnvelope.new(
        TierDefaultPlanCleared(tier_id=tier_id, plan_version=int(item.version or 0) + 1, cleared_plan=before),
        tenant_id=organisation_id, actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_default_with_event(item, event)

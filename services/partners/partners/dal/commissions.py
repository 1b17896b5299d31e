"""Commission plans: a partnership's own plan and the default plan of each tier.

The only module that knows their keys (see ``tables``):

- a partnership's plan: ``ORG#<org>#PARTNERSHIP#<id>#`` / ``PROFILE#COMMISSION#``, in the
  partnership's collection after ``PARTNERSHIP#``, so the activity query never meets it and the
  partnership and its plan are read together in one BatchGetItem;
- a tier's default: ``ORG#<org>#COMMISSION_DEFAULTS#`` / ``TIER#<tier>#``, so every default of a
  vendor is one Query.

Money and rates are stored as Decimal text, exactly as validated.
"""

from __future__ import annotations

from decimal import Decimal

from partners.dal import partnerships
from partners.dal.tables import (
    CommissionBandAttribute,
    CommissionPlanAttribute,
    CommissionPlanItem,
    Outbox,
    PartnershipItem,
    PartnersItem,
    TierCommissionDefaultItem,
)
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.events.commissions import CommissionBand, CommissionPlan
from trellis.keys import key, org_key
from trellis.outbox import outbox_item

PLAN_SK = "PROFILE#COMMISSION#"


def defaults_pk(organisation_id: str) -> str:
    return org_key(organisation_id, "COMMISSION_DEFAULTS")


def _tier_sk(tier_id: str) -> str:
    return key("TIER", tier_id)


# ---------------------------------------------------------------- plan ↔ attribute


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def plan_attribute(plan: CommissionPlan) -> CommissionPlanAttribute:
    return CommissionPlanAttribute(
        kind=plan.kind,
        currency=plan.currency,
        rate=_text(plan.rate),
        amount=_text(plan.amount),
        bands=None if plan.bands is None else [
            CommissionBandAttribute(from_value=str(band.from_), rate=str(band.rate)) for band in plan.bands
        ],
        net_days=plan.net_days,
        schedule=plan.schedule,
        distributor_split=str(plan.distributor_split),
    )


def plan_of(attribute: CommissionPlanAttribute | None) -> CommissionPlan | None:
    if attribute is None:
        return None
    return CommissionPlan(
        kind=attribute.kind,  # type: ignore[arg-type]
        currency=attribute.currency,
        rate=None if attribute.rate is None else Decimal(attribute.rate),
        amount=None if attribute.amount is None else Decimal(attribute.amount),
        bands=None if attribute.bands is None else [
            CommissionBand.model_validate({"from": Decimal(band.from_value), "rate": Decimal(band.rate)})
            for band in attribute.bands
        ],
        net_days=int(attribute.net_days),
        schedule=attribute.schedule,  # type: ignore[arg-type]
        distributor_split=Decimal(attribute.distributor_split),
    )


# ---------------------------------------------------------------- reads


def get_with_partnership(
    organisation_id: str, partnership_id: str,
) -> tuple[PartnershipItem | None, CommissionPlanItem | None]:
    """The partnership and its own plan item, in one BatchGetItem."""
    pk = partnerships.partnership_pk(organisation_id, partnership_id)
    return partnerships.get_with(organisation_id, partnership_id, (pk, PLAN_SK), CommissionPlanItem)


def get_plan(partnership: PartnershipItem) -> CommissionPlanItem | None:
    try:
        item = CommissionPlanItem.get(partnership.pk, PLAN_SK)
    except CommissionPlanItem.DoesNotExist:
        return None
    return item if isinstance(item, CommissionPlanItem) else None


def get_plan_and_default(
    partnership: PartnershipItem,
) -> tuple[CommissionPlanItem | None, TierCommissionDefaultItem | None]:
    """A partnership's plan item and its tier's default item, in one BatchGetItem."""
    keys = [(partnership.pk, PLAN_SK)]
    if partnership.tier:
        keys.append((defaults_pk(partnership.organisation_id), _tier_sk(partnership.tier)))
    plan, default = None, None
    for found in PartnersItem.batch_get(keys):
        if isinstance(found, CommissionPlanItem):
            plan = found
        elif isinstance(found, TierCommissionDefaultItem):
            default = found
    return plan, default


def get_default(organisation_id: str, tier_id: str) -> TierCommissionDefaultItem | None:
    try:
        item = TierCommissionDefaultItem.get(defaults_pk(organisation_id), _tier_sk(tier_id))
    except TierCommissionDefaultItem.DoesNotExist:
        return None
    return item if isinstance(item, TierCommissionDefaultItem) else None


def list_defaults(organisation_id: str) -> list[TierCommissionDefaultItem]:
    """Every tier default of the vendor (cleared ones included), in one Query (all pages)."""
    result = PartnersItem.query(defaults_pk(organisation_id), PartnersItem.sk.startswith("TIER#"))
    return [item for item in result if isinstance(item, TierCommissionDefaultItem)]


# ---------------------------------------------------------------- writes


def new_plan_item(partnership: PartnershipItem) -> CommissionPlanItem:
    return CommissionPlanItem(
        pk=partnership.pk, sk=PLAN_SK, organisation_id=partnership.organisation_id,
        partnership_id=partnership.partnership_id,
    )


def new_default_item(organisation_id: str, tier_id: str) -> TierCommissionDefaultItem:
    return TierCommissionDefaultItem(
        pk=defaults_pk(organisation_id), sk=_tier_sk(tier_id), organisation_id=organisation_id,
        tier_id=tier_id,
    )


def save_plan_with_event(
    partnership: PartnershipItem, item: CommissionPlanItem, activity: partnerships.Activity,
    envelope: EventEnvelope,
) -> None:
    """The plan item (version-checked), its activity entry and its event in one transaction.

    The transaction also checks that the partnership still exists and is not archived, so an
    archive landing between the read and the write is a conflict, not a change to an archived one.
    """
    with concurrent_change_is_a_conflict("the commission plan"), transaction(PartnersItem) as write:
        write.condition_check(
            PartnershipItem, partnership.pk, partnership.sk,
            condition=PartnershipItem.pk.exists() & PartnershipItem.archived_at.does_not_exist(),
        )
        write.save(item)
        organisation_id, partnership_id = partnership.organisation_id, partnership.partnership_id
        write.save(partnerships.activity_item(organisation_id, partnership_id, activity))
        write.save(outbox_item(Outbox, envelope))


def save_default_with_event(item: TierCommissionDefaultItem, envelope: EventEnvelope) -> None:
    """A tier default (version-checked, or new) and its event in one transaction."""
    with concurrent_change_is_a_conflict("the tier's default plan"), transaction(PartnersItem) as write:
        write.save(item)
        write.save(outbox_item(Outbox, envelope))

"""The leads table: every entity of the leads service, one section per area.

Every key starts with the owning tenant, ``ORG#<org>#``, then the area's prefix; each area owns its
prefixes (below) so that no two can collide. Cross-tenant rows (a domain shared by several
organisations) start with their own prefix and hold only ids.

| area               | prefixes (after ``ORG#<org>#``)                     |
|--------------------|-----------------------------------------------------|
| leads and deals    | LEAD, LEADVIEW, LLIST, REG, DEAL, DEALVIEW, DLIST, REFERRAL, RLIST |
| partnership projection, routing | PARTNERSHIP, PVIEW, ROUTE, COUNTERPART |
| CRM                | ACCOUNT, ACCOUNTS, CONTACT, CONTACTS, IMPORT, EXPORT, SHARING (and ``DOMAIN#<d>#``) |
| commissions ledger | LEDGER, COMMISSION, CLIST, BILLING, PAYOUT           |
| reports            | REPORT                                              |
| referral codes, webhooks | CODE, WEBHOOK, DELIVERY, EXTERNAL (and ``REFCODE#<code>#``) |
| outbox             | OUTBOX                                              |

| entity  | pk                       | sk            | gsi1pk            | gsi1sk              |
|---------|--------------------------|---------------|-------------------|---------------------|
| Lead    | ORG#<org>#LEAD#<id>#     | LEAD#         | ORG#<org>#LEADS#  | <created_at>#<id>   |
| PartnershipView | ORG#<vendor>#PARTNERSHIP#<pid># | PARTNERSHIP# |            |                     |
| TierPlan | ORG#<vendor>#PARTNERSHIP#TIER#<tier># | TIERPLAN# |               |                     |
| NetworkLink (distributor side) | ORG#<vendor>#PARTNERSHIP#<dist># | RESELLER#<reseller># | |           |
| NetworkLink (reseller side) | ORG#<vendor>#PARTNERSHIP#<reseller># | DISTRIBUTOR#<dist># | |            |
| Counterpart | ORG#<p_org>#COUNTERPART#<pid># | COUNTERPART# | ORG#<p_org>#COUNTERPARTS# | <vendor>#<pid> |
| Outbox  | ORG#<org>#OUTBOX#<evt>#  | OUTBOX#       |                   |                     |
"""

from __future__ import annotations

from decimal import Decimal

from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.constants import NUMBER

from trellis.dynamo import table_model
from trellis.outbox import outbox_model

LeadsItem = table_model("leads")
Outbox = outbox_model(LeadsItem)


class LeadItem(LeadsItem, discriminator="Lead"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    lead_id = UnicodeAttribute()
    company_name = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


# --- section: partnership projection and routing


class PartnershipViewItem(LeadsItem, discriminator="PartnershipView"):  # type: ignore[valid-type,misc,call-arg]
    """What the leads service knows of one partnership, from the partners service's events.

    Each aspect keeps the time (or version) of the event it was last set from, so that unordered
    delivery never moves it back; a deleted partnership stays as a tombstone (``deleted``).
    """

    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    company_name = UnicodeAttribute(null=True)
    partnership_type = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)
    website_domain = UnicodeAttribute(null=True)
    tier = UnicodeAttribute(null=True)
    profile_at = UTCDateTimeAttribute(null=True)
    stage = UnicodeAttribute(null=True)
    stage_at = UTCDateTimeAttribute(null=True)
    archived = BooleanAttribute(default=False)
    archived_at_event = UTCDateTimeAttribute(null=True)
    deleted = BooleanAttribute(default=False)
    partner_organisation_id = UnicodeAttribute(null=True)
    icp_json = UnicodeAttribute(null=True)  # the ICP as the IcpUpdated event carried it
    icp_version = NumberAttribute(default=0)
    plan_json = UnicodeAttribute(null=True)  # the partnership's own commission plan
    plan_version = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()


class TierPlanItem(LeadsItem, discriminator="TierPlan"):  # type: ignore[valid-type,misc,call-arg]
    """The vendor's default commission plan of a tier (for partnerships without their own)."""

    vendor_organisation_id = UnicodeAttribute()
    tier_id = UnicodeAttribute()
    plan_json = UnicodeAttribute(null=True)  # None: cleared
    plan_version = NumberAttribute(default=0)
    version = VersionAttribute()


class NetworkLinkItem(LeadsItem, discriminator="NetworkLink"):  # type: ignore[valid-type,misc,call-arg]
    """A reseller assigned to a distributor (stored under both partnerships), current or past."""

    vendor_organisation_id = UnicodeAttribute()
    distributor_id = UnicodeAttribute()
    reseller_id = UnicodeAttribute()
    assigned_at = UTCDateTimeAttribute()
    removed_at = UTCDateTimeAttribute(null=True)
    chain = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    event_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class CounterpartItem(LeadsItem, discriminator="Counterpart"):  # type: ignore[valid-type,misc,call-arg]
    """A partnership seen from the partner organisation's side: how a partner's user reaches it."""

    partner_organisation_id = UnicodeAttribute()
    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    company_name = UnicodeAttribute(null=True)
    partnership_type = UnicodeAttribute(null=True)
    archived = BooleanAttribute(default=False)

# --- section: CRM (accounts, contacts, imports, exports, overlaps)

# --- section: commissions ledger, billings, payouts
#
# Keys (after ``ORG#<vendor>#``; the vendor is the tenant of the whole ledger): see leads/dal/ledger.py,
# payouts.py and billings.py, the only modules that build them.


class DecimalAttribute(Attribute[Decimal]):
    """Money as a DynamoDB number, read back as the exact Decimal (NumberAttribute reads floats)."""

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValueError(f"money must be a finite Decimal, not {value!r}")
        return format(value, "f")

    def deserialize(self, value: str) -> Decimal:
        return Decimal(value)


class LedgerTotalAttribute(MapAttribute[str, object]):
    """What a deal's entries for one beneficiary add up to, in one currency."""

    partnership_id = UnicodeAttribute()
    organisation_id = UnicodeAttribute(null=True)
    role = UnicodeAttribute()
    currency = UnicodeAttribute()
    amount = DecimalAttribute()


class LedgerDealItem(LeadsItem, discriminator="LedgerDeal"):  # type: ignore[valid-type,misc,call-arg]
    """The ledger's state of one deal: the newest snapshot applied and what its entries add up to.

    ``plan_json`` is the plan the deal earns under while it is won (the partnership's effective plan
    when it was won, kept so that a later change of the plan never rewrites a past win).
    """

    vendor_organisation_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    deal_name = UnicodeAttribute()
    owner_organisation_id = UnicodeAttribute()
    status = UnicodeAttribute()
    amount = DecimalAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    partnership_id = UnicodeAttribute(null=True)
    distributor_partnership_ids = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    won_at = UTCDateTimeAttribute(null=True)
    attribution_json = UnicodeAttribute(null=True)  # the deal's attribution chain, as the event carried it
    deal_version = NumberAttribute()
    plan_json = UnicodeAttribute(null=True)
    plan_partnership_id = UnicodeAttribute(null=True)
    totals = ListAttribute[LedgerTotalAttribute](of=LedgerTotalAttribute, default=list)
    entry_ids = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    problem_reason = UnicodeAttribute(null=True)
    problem_detail = UnicodeAttribute(null=True)
    problem_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class CommissionEntryItem(LeadsItem, discriminator="CommissionEntry"):  # type: ignore[valid-type,misc,call-arg]
    """A ledger entry. Only ``status`` and what goes with it (approved_*, paid_*, payout_id) ever change."""

    vendor_organisation_id = UnicodeAttribute()
    entry_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    deal_name = UnicodeAttribute()
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    partnership_id = UnicodeAttribute()  # the beneficiary
    organisation_id = UnicodeAttribute(null=True)
    role = UnicodeAttribute()
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    effective_at = UTCDateTimeAttribute()
    expected_payout_on = UnicodeAttribute()  # ISO date
    deal_version = NumberAttribute()
    created_at = UTCDateTimeAttribute()
    approved_at = UTCDateTimeAttribute(null=True)
    approved_by = UnicodeAttribute(null=True)
    paid_at = UTCDateTimeAttribute(null=True)
    payout_id = UnicodeAttribute(null=True)
    version = VersionAttribute()


class CommissionListingItem(CommissionEntryItem, discriminator="CommissionListing"):  # type: ignore[call-arg]
    """A copy of an entry in a listing (all of the vendor's, or one beneficiary's), written with it."""


class PayoutLineAttribute(MapAttribute[str, object]):
    entry_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    amount = DecimalAttribute()


class PayoutItem(LeadsItem, discriminator="Payout"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    payout_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    organisation_id = UnicodeAttribute(null=True)
    currency = UnicodeAttribute()
    amount = DecimalAttribute()
    status = UnicodeAttribute()
    lines = ListAttribute[PayoutLineAttribute](of=PayoutLineAttribute, default=list)
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    paid_at = UTCDateTimeAttribute(null=True)
    paid_by = UnicodeAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    version = VersionAttribute()


class PayoutListingItem(PayoutItem, discriminator="PayoutListing"):  # type: ignore[call-arg]
    """A copy of a payout in its beneficiary's listing, written with it."""


class OpenPayoutItem(LeadsItem, discriminator="OpenPayout"):  # type: ignore[valid-type,misc,call-arg]
    """At most one open payout per beneficiary and currency: its entries cannot go into another."""

    payout_id = UnicodeAttribute()


class BillingItem(LeadsItem, discriminator="Billing"):  # type: ignore[valid-type,misc,call-arg]
    vendor_organisation_id = UnicodeAttribute()
    billing_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    owner_organisation_id = UnicodeAttribute()
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    billed_on = UnicodeAttribute()  # ISO date
    invoice_reference = UnicodeAttribute()
    recorded_at = UTCDateTimeAttribute()
    recorded_by = UnicodeAttribute()


class InvoiceReferenceItem(LeadsItem, discriminator="InvoiceReference"):  # type: ignore[valid-type,misc,call-arg]
    """Guards a deal against the same invoice being recorded twice."""

    billing_id = UnicodeAttribute()


# --- section: reports

# --- section: referral codes, webhooks

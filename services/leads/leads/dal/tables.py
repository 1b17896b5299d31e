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

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

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

# --- section: reports

# --- section: referral codes, webhooks

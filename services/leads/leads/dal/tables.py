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
| RouteCandidate | ORG#<vendor>#ROUTE#<country or ANY># | CANDIDATE#<pid># |  |               |
| TierOrder | ORG#<vendor>#ROUTE#TIERS# | TIERS#       |                   |                     |
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
    # The routing partitions the partnership is indexed under (country codes or ANY) and a digest of
    # what those rows hold, so that a save rewrites only the rows that change (dal/routing.py).
    routed_under = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    routed_digest = UnicodeAttribute(null=True)
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


class RouteCandidateItem(LeadsItem, discriminator="RouteCandidate"):  # type: ignore[valid-type,misc,call-arg]
    """A routable partnership in one routing partition of its vendor: a country of its ICP, or ANY.

    Holds all that scoring needs, so that routing a lead reads its country's partition and the ANY one
    and nothing else. Written only with the partnership's view, in the same transaction.
    """

    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    company_name = UnicodeAttribute()
    partner_organisation_id = UnicodeAttribute()
    partnership_type = UnicodeAttribute()
    tier = UnicodeAttribute(null=True)
    # The countries this row stands for: its partition's country, or under ANY the ICP's whole list
    # when it is too long to index country by country (empty: the ICP serves anywhere).
    countries = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    # The ICP's other routing criteria as JSON (the Icp model without countries and custom pairs).
    icp_json = UnicodeAttribute()


class TierOrderItem(LeadsItem, discriminator="TierOrder"):  # type: ignore[valid-type,misc,call-arg]
    """The vendor's tiers in the order it lists them (first: highest), from ProgramListUpdated."""

    vendor_organisation_id = UnicodeAttribute()
    tier_ids = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    tier_names = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    event_at = UTCDateTimeAttribute()

# --- section: CRM (accounts, contacts, imports, exports, overlaps)

# --- section: commissions ledger, billings, payouts

# --- section: reports

# --- section: referral codes, webhooks

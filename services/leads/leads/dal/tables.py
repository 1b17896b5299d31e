"""The leads table: every entity of the leads service, one section per area.

Every key starts with the owning tenant, ``ORG#<org>#``, then the area's prefix; each area owns its
prefixes (below) so that no two can collide. Cross-tenant rows (a domain shared by several
organisations) start with their own prefix and hold only ids.

| area               | prefixes (after ``ORG#<org>#``)                     |
|--------------------|-----------------------------------------------------|
| leads and deals    | LEAD, LEADS, LEADSETTINGS, REG, DEAL, DEALS, REFERRAL, RLIST |
| partnership projection, routing | PARTNERSHIP, PVIEW, ROUTE, COUNTERPART |
| CRM                | ACCOUNT, ACCOUNTS, CONTACT, CONTACTS, IMPORT, EXPORT, SHARING (and ``DOMAIN#<d>#``) |
| commissions ledger | LEDGER, COMMISSION, CLIST, BILLING, PAYOUT           |
| reports            | REPORT                                              |
| referral codes, webhooks | CODE, WEBHOOK, DELIVERY, EXTERNAL (and ``REFCODE#<code>#``) |
| outbox             | OUTBOX                                              |

| entity  | pk                       | sk            | gsi1pk            | gsi1sk              |
|---------|--------------------------|---------------|-------------------|---------------------|
| LeadCopy | ORG#<org>#LEAD#<id>#    | LEAD#         | ORG#<org>#LEADS#<tab># | <created_at>#<id> |
| DealCopy | ORG#<org>#DEAL#<id>#    | DEAL#         | ORG#<org>#DEALS#<tab># | <created_at>#<id> |
| Registration (holder) | ORG#<vendor>#REG#<domain># | REG#  |                   |                     |
| RegistrationClaim | ORG#<vendor>#REG#<domain># | LEAD#<lead>#   |                |                     |
| OpenDeal | ORG#<vendor>#REG#<domain># | DEAL#<deal>#  |                   |                     |
| LeadSettings | ORG#<vendor>#LEADSETTINGS# | SETTINGS# |                   |                     |
| ReferralCopy | ORG#<org>#REFERRAL#<id># | REFERRAL#  | ORG#<org>#RLIST#<in/out># | <created_at>#<id> |
| PartnershipView | ORG#<vendor>#PARTNERSHIP#<pid># | PARTNERSHIP# |            |                     |
| TierPlan | ORG#<vendor>#PARTNERSHIP#TIER#<tier># | TIERPLAN# |               |                     |
| NetworkLink (distributor side) | ORG#<vendor>#PARTNERSHIP#<dist># | RESELLER#<reseller># | |           |
| NetworkLink (reseller side) | ORG#<vendor>#PARTNERSHIP#<reseller># | DISTRIBUTOR#<dist># | |            |
| Counterpart | ORG#<p_org>#COUNTERPART#<pid># | COUNTERPART# | ORG#<p_org>#COUNTERPARTS# | <vendor>#<pid> |
| Outbox  | ORG#<org>#OUTBOX#<evt>#  | OUTBOX#       |                   |                     |
| ReportState | ORG#<vendor>#REPORT#LEAD#<id># or …#REPORT#DEAL#<id># | STATE# |   |                  |
| ReportCell | ORG#<vendor>#REPORT#ALL# or …#REPORT#DIST#<d># | M#<month>#<dist or ->#<pid>#[<cur>#] | |     |
| ReportCell (now) | (same)                 | NOW#<dist or ->#<pid>#[<cur>#] |        |                     |

A lead or deal is kept as one copy per organisation that sees it (vendor, sender, receiver, the
distributors of its attribution chain): each reads and lists only its own copies (tenancy by key),
each keeps its own assignees, and every change rewrites all copies in one transaction, each checked
against the version (at most 7 copies).
"""

from __future__ import annotations

from decimal import Decimal

from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.constants import NUMBER

from trellis.dynamo import table_model
from trellis.outbox import outbox_model

LeadsItem = table_model("leads")
Outbox = outbox_model(LeadsItem)


class LeadCopyItem(LeadsItem, discriminator="LeadCopy"):  # type: ignore[valid-type,misc,call-arg]
    """One organisation's copy of a lead: the shared record (``data``) and what is the organisation's own."""

    organisation_id = UnicodeAttribute()
    lead_id = UnicodeAttribute()
    tab = UnicodeAttribute()
    role = UnicodeAttribute()
    status = UnicodeAttribute()
    distributor_partnership_id = UnicodeAttribute(null=True)
    assigned_user_ids = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    data = UnicodeAttribute()  # LeadRecord as JSON
    version = NumberAttribute()


class DealCopyItem(LeadsItem, discriminator="DealCopy"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    tab = UnicodeAttribute()
    status = UnicodeAttribute()
    data = UnicodeAttribute()  # DealRecord as JSON
    version = NumberAttribute()


class RegistrationItem(LeadsItem, discriminator="Registration"):  # type: ignore[valid-type,misc,call-arg]
    """Who holds a customer domain in a vendor's program, until ``protected_until``.

    ``expires_at`` (TTL) removes it some time after; reads compare ``protected_until`` themselves,
    since TTL deletion may lag by days.
    """

    vendor_organisation_id = UnicodeAttribute()
    customer_domain = UnicodeAttribute()
    lead_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    protected_until = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)


class RegistrationClaimItem(LeadsItem, discriminator="RegistrationClaim"):  # type: ignore[valid-type,misc,call-arg]
    """A partner's lead that claimed the domain (the vendor resolves conflicts between claims)."""

    lead_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class OpenDealItem(LeadsItem, discriminator="OpenDeal"):  # type: ignore[valid-type,misc,call-arg]
    """An open deal on the domain in the vendor's program (removed when it closes)."""

    deal_id = UnicodeAttribute()
    owner_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute(null=True)


class LeadSettingsItem(LeadsItem, discriminator="LeadSettings"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    registration_days = NumberAttribute()
    updated_at = UTCDateTimeAttribute()


class ReferralCopyItem(LeadsItem, discriminator="ReferralCopy"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    referral_id = UnicodeAttribute()
    direction = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    deal_name = UnicodeAttribute()
    owner_organisation_id = UnicodeAttribute()
    referrer_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute()


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
#
# Keys (after ``ORG#<vendor>#``; the vendor is the tenant of its program's reports): see
# leads/dal/reports.py, the only module that builds them.


class SumAttribute(Attribute[Decimal]):
    """A running sum of money as a DynamoDB number, read back as the exact Decimal (NumberAttribute
    reads floats); ADD on a number is exact decimal arithmetic in DynamoDB."""

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValueError(f"a sum must be a finite Decimal, not {value!r}")
        return format(value, "f")

    def deserialize(self, value: str) -> Decimal:
        return Decimal(value)


class ReportStateItem(LeadsItem, discriminator="ReportState"):  # type: ignore[valid-type,misc,call-arg]
    """What one lead or deal adds to the report figures now, as of the last snapshot version applied.

    ``contribution`` (JSON, see logic/report_figures.py) is what the next snapshot's contribution is
    subtracted from: the difference is what the report cells receive.
    """

    vendor_organisation_id = UnicodeAttribute()
    subject = UnicodeAttribute()  # "lead" or "deal"
    subject_id = UnicodeAttribute()
    applied_version = NumberAttribute()
    contribution = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()


class ReportCellItem(LeadsItem, discriminator="ReportCell"):  # type: ignore[valid-type,misc,call-arg]
    """The figures of one partner (under one distributor, or direct) in one month, or now.

    Written with ADD only, so that events of different leads and deals never lose each other's
    updates. A count cell (``currency`` None) holds the counts; a money cell one currency's sums.
    """

    period = UnicodeAttribute()  # "2026-03" (a month) or "now"
    distributor_id = UnicodeAttribute(null=True)  # the direct distributor; None: no distributor
    partnership_id = UnicodeAttribute()
    currency = UnicodeAttribute(null=True)
    leads = NumberAttribute(null=True)
    partner_sourced = NumberAttribute(null=True)
    pending = NumberAttribute(null=True)
    accepted = NumberAttribute(null=True)
    declined = NumberAttribute(null=True)
    deals_won = NumberAttribute(null=True)
    deals_open = NumberAttribute(null=True)
    deals_lost = NumberAttribute(null=True)
    won_amount = SumAttribute(null=True)
    open_amount = SumAttribute(null=True)


# --- section: referral codes, webhooks

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
|   gsi2: ORG#<org>#LEADS#<tab>#<status>#, gsi3 (vendor copies via a distributor): ORG#<org>#LEADS#DIST#<d># |
| DealCopy | ORG#<org>#DEAL#<id>#    | DEAL#         | ORG#<org>#DEALS#<tab># | <created_at>#<id> |
|   gsi2: ORG#<org>#DEALS#<tab>#<status>#  (gsi2sk/gsi3sk = gsi1sk)               |
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
| RouteCandidate | ORG#<vendor>#ROUTE#<country or ANY># | CANDIDATE#<pid># |  |               |
| TierOrder | ORG#<vendor>#ROUTE#TIERS# | TIERS#       |                   |                     |
| ReferralCode | ORG#<vendor>#CODE#<pid># | CODE#      |                   |                     |
| ReferralCodeLookup | REFCODE#<code>#    | REFCODE#      |                   |                     |
| RateCounter | ORG#<vendor>#CODE#RATE#<window># | CODE#<code># / IP#<ip># |  |                     |
| FormTokenUse | ORG#<vendor>#CODE#TOKEN#<nonce># | TOKEN#  |                   |                     |
| WebhookConfig | ORG#<org>#WEBHOOK#     | WEBHOOK#<system># |               |                     |
| WebhookDelivery | ORG#<org>#DELIVERY#<key># | DELIVERY# | ORG#<org>#DELIVERY# | <received_at>#<key> |
| ExternalId | ORG#<org>#EXTERNAL#<system>#<external_id># | EXTERNAL# |       |                     |
| DealExternalIds | ORG#<org>#EXTERNAL#DEAL#<deal># | DEALEXTERNALIDS# |     |                     |
| Outbox  | ORG#<org>#OUTBOX#<evt>#  | OUTBOX#       |                   |                     |
| Account | ORG#<org>#ACCOUNT#<id>#  | ACCOUNT#      |                   |                     |
| Contact | ORG#<org>#ACCOUNT#<id>#  | CONTACT#<cid># | ORG#<org>#CONTACTS# | <created>#<cid>#  |
| AccountIndex | ORG#<org>#ACCOUNTS#<filter>#<value># ¹ | <created>#<id># | (same as pk) | <name>#<id># |
| AccountDomainGuard | ORG#<org>#ACCOUNTS#DOMAIN#<domain># | ACCOUNT# |        |                     |
| AccountDomain | DOMAIN#<domain>#   | ORG#<org>#ACCOUNT#<id># ² |           |                     |
| AccountImport | ORG#<org>#IMPORT#<imp># | IMPORT#  |                   |                     |
| ImportRejection | ORG#<org>#IMPORT#<imp># | REJECT#<row># ³ |         |                     |
| AccountExport | ORG#<org>#EXPORT#<exp># | EXPORT#  |                   |                     |
| Sharing | ORG#<org>#SHARING#       | SHARING#      |                   |                     |
| ReportState | ORG#<vendor>#REPORT#LEAD#<id># or …#REPORT#DEAL#<id># | STATE# |   |                  |
| ReportCell | ORG#<vendor>#REPORT#ALL# or …#REPORT#DIST#<d># | M#<month>#<dist or ->#<pid>#[<cur>#] | |     |
| ReportCell (now) | (same)                 | NOW#<dist or ->#<pid>#[<cur>#] |        |                     |
| CommissionCell | ORG#<vendor>#REPORT#COMMISSIONS# | M#<month>#<pid>#<role>#<cur># |    |                  |
| CountedEntry | ORG#<vendor>#REPORT#ENTRY#<entry># | COUNTED# |              |                     |


(¹ CRM: one list entry per account and filter value it matches: ``ALL#ALL#``, ``STAGE#<lifecycle stage>#``,
``COUNTRY#<cc>#``; sorted by creation in the table and by name in gsi1. ``<created>``: ISO 8601;
``<name>``: the case-folded name. A list page re-checks the filters on the accounts it reads, so an
entry left behind by an interrupted import costs a read, never a wrong answer.
² The cross-tenant row of an account with a website, written in the same transaction as the account:
ids only, read by account overlaps. ³ ``<row>``: the file's row number, 8 digits.
The guard makes a domain unique among an organisation's accounts. Contacts live in their account's
collection: the account's contacts are one strongly consistent Query, and deleting it finds them all.)

A lead or deal is kept as one copy per organisation that sees it (vendor, sender, receiver, the
distributors of its attribution chain): each reads and lists only its own copies (tenancy by key),
each keeps its own assignees, and every change rewrites all copies in one transaction, each checked
against the version (at most 7 copies).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.constants import NUMBER
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from trellis.dynamo import MapListAttribute, table_model
from trellis.outbox import outbox_model

LeadsItem = table_model("leads")
Outbox = outbox_model(LeadsItem)


class Gsi2(GlobalSecondaryIndex[Any]):
    """Leads and deals of one tab in one status (so a status filter reads only the page)."""

    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Gsi3(GlobalSecondaryIndex[Any]):
    """A vendor's leads through one distributor (sparse: only leads that came through one)."""

    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


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
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    by_status = Gsi2()
    by_distributor = Gsi3()


class DealCopyItem(LeadsItem, discriminator="DealCopy"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    tab = UnicodeAttribute()
    status = UnicodeAttribute()
    data = UnicodeAttribute()  # DealRecord as JSON
    version = NumberAttribute()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_status = Gsi2()


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
    vendor_organisation_name = UnicodeAttribute(null=True)  # as the partner's invitation named it
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
    vendor_organisation_name = UnicodeAttribute(null=True)
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


class RevenueAttribute(MapAttribute[str, str]):
    amount = UnicodeAttribute()  # Decimal text in the currency's minor units ("1250000.00")
    currency = UnicodeAttribute()


class AddressAttribute(MapAttribute[str, str | None]):
    label = UnicodeAttribute(null=True)
    street = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)
    postal_code = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)


class AccountItem(LeadsItem, discriminator="Account"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    name = UnicodeAttribute()
    website = UnicodeAttribute(null=True)
    domain = UnicodeAttribute(null=True)
    revenue = RevenueAttribute(null=True)
    platform = UnicodeAttribute(null=True)
    industry = UnicodeAttribute(null=True)
    employee_count = NumberAttribute(null=True)
    country = UnicodeAttribute(null=True)
    lifecycle_stage = UnicodeAttribute(null=True)
    lead_source = UnicodeAttribute(null=True)
    primary_contact_id = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    addresses = MapListAttribute[AddressAttribute](of=AddressAttribute, default=list)
    contact_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # "<import id>:<row>" of the import row that wrote the account last: a retried chunk knows its own work.
    imported_by = UnicodeAttribute(null=True)
    version = VersionAttribute()


class AccountIndexItem(LeadsItem, discriminator="AccountIndex"):  # type: ignore[valid-type,misc,call-arg]
    account_id = UnicodeAttribute()


class AccountDomainGuardItem(LeadsItem, discriminator="AccountDomainGuard"):  # type: ignore[valid-type,misc,call-arg]
    account_id = UnicodeAttribute()


class AccountDomainItem(LeadsItem, discriminator="AccountDomain"):  # type: ignore[valid-type,misc,call-arg]
    """Cross-tenant: which organisations hold an account with this domain (ids only)."""

    organisation_id = UnicodeAttribute()
    account_id = UnicodeAttribute()


class SharingItem(LeadsItem, discriminator="Sharing"):  # type: ignore[valid-type,misc,call-arg]
    """How much of its accounts an organisation shows partners with the same customer: none, counts, names."""

    organisation_id = UnicodeAttribute()
    level = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()


class ContactItem(LeadsItem, discriminator="Contact"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    title = UnicodeAttribute(null=True)
    linkedin_url = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class AccountImportItem(LeadsItem, discriminator="AccountImport"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    import_id = UnicodeAttribute()
    status = UnicodeAttribute()  # queued, running, completed, failed
    file_name = UnicodeAttribute(null=True)
    object_key = UnicodeAttribute(null=True)  # the stored file, for imports that run as a job
    columns = UnicodeAttribute()  # JSON: [[file header, field or null], ...] in file order
    rows_total = NumberAttribute()
    rows_done = NumberAttribute(default=0)
    created = NumberAttribute(default=0)
    updated = NumberAttribute(default=0)
    unchanged = NumberAttribute(default=0)
    rejected = NumberAttribute(default=0)
    requested_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    completed_at = UTCDateTimeAttribute(null=True)
    error = UnicodeAttribute(null=True)


class ImportRejectionItem(LeadsItem, discriminator="ImportRejection"):  # type: ignore[valid-type,misc,call-arg]
    row = NumberAttribute()
    reason = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    website = UnicodeAttribute(null=True)


class AccountExportItem(LeadsItem, discriminator="AccountExport"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    export_id = UnicodeAttribute()
    status = UnicodeAttribute()  # queued, completed, failed
    object_key = UnicodeAttribute(null=True)
    accounts = NumberAttribute(null=True)
    requested_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    completed_at = UTCDateTimeAttribute(null=True)

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
    totals = MapListAttribute[LedgerTotalAttribute](of=LedgerTotalAttribute, default=list)
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
    lines = MapListAttribute[PayoutLineAttribute](of=PayoutLineAttribute, default=list)
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


class CommissionCellItem(LeadsItem, discriminator="CommissionCell"):  # type: ignore[valid-type,misc,call-arg]
    """Commissions earned by one beneficiary partnership in one month and currency (ADD only)."""

    period = UnicodeAttribute()
    role = UnicodeAttribute()  # distributor | reseller | partner
    partnership_id = UnicodeAttribute()
    currency = UnicodeAttribute()
    amount = SumAttribute()
    entries = NumberAttribute()


class CountedEntryItem(LeadsItem, discriminator="CountedEntry"):  # type: ignore[valid-type,misc,call-arg]
    """A commission entry the reports have counted (entries never change: one is counted once)."""

    entry_id = UnicodeAttribute()
    counted_at = UTCDateTimeAttribute()


# --- section: referral codes, webhooks
# A code is unique across all vendors through its REFCODE row, written with a does-not-exist condition
# in the transaction that issues it and kept (revoked) afterwards, so no code is ever issued twice.
# External systems are lower-case names, so ``EXTERNAL#DEAL#`` can never be a system's mapping.


class ReferralCodeItem(LeadsItem, discriminator="ReferralCode"):  # type: ignore[valid-type,misc,call-arg]
    """A partnership's current referral code; issuing again replaces it (the old one is revoked)."""

    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    partner_organisation_id = UnicodeAttribute()
    code = UnicodeAttribute()
    status = UnicodeAttribute()  # active | revoked
    issued_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)
    version = NumberAttribute()


class ReferralCodeLookupItem(LeadsItem, discriminator="ReferralCodeLookup"):  # type: ignore[valid-type,misc,call-arg]
    """Which program and partnership a code belongs to (cross-tenant: the public form knows only the code)."""

    code = UnicodeAttribute()
    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    partner_organisation_id = UnicodeAttribute()
    status = UnicodeAttribute()  # active | revoked
    issued_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)


class RateCounterItem(LeadsItem, discriminator="RateCounter"):  # type: ignore[valid-type,misc,call-arg]
    """Public referral submissions in one fixed window, per code or per source address."""

    count = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class FormTokenUseItem(LeadsItem, discriminator="FormTokenUse"):  # type: ignore[valid-type,misc,call-arg]
    """A referral form token that was submitted once (each token sends one referral)."""

    used_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class WebhookConfigItem(LeadsItem, discriminator="WebhookConfig"):  # type: ignore[valid-type,misc,call-arg]
    """One inbound webhook of an organisation. The secret is kept sealed (AES-GCM under the service's key,
    bound to the organisation and system); after a rotation the previous one stays valid for a while."""

    organisation_id = UnicodeAttribute()
    system = UnicodeAttribute()
    sealed_secret = UnicodeAttribute()
    secret_hint = UnicodeAttribute()
    previous_sealed_secret = UnicodeAttribute(null=True)
    previous_valid_until = UTCDateTimeAttribute(null=True)
    portal_id = NumberAttribute(null=True)  # HubSpot: the account whose events are accepted
    endpoint_url = UnicodeAttribute(null=True)  # HubSpot: the URL it signs, when a proxy changes it
    closed_won_stages = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    closed_lost_stages = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute()


class DeliveryItem(LeadsItem, discriminator="WebhookDelivery"):  # type: ignore[valid-type,misc,call-arg]
    """One authenticated inbound event and what became of it; its key makes a redelivery a no-op."""

    organisation_id = UnicodeAttribute()
    system = UnicodeAttribute()
    delivery_id = UnicodeAttribute()
    event_type = UnicodeAttribute(null=True)
    external_id = UnicodeAttribute(null=True)
    deal_id = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute()  # applied | unchanged | stale | ignored | rejected
    detail = UnicodeAttribute(null=True)
    received_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class ExternalIdItem(LeadsItem, discriminator="ExternalId"):  # type: ignore[valid-type,misc,call-arg]
    """A CRM record linked to one of the organisation's deals, with the time of the newest change applied
    per field (``field_times``, JSON of epoch milliseconds) so that an older event never wins."""

    organisation_id = UnicodeAttribute()
    system = UnicodeAttribute()
    external_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    field_times = UnicodeAttribute(default="{}")
    linked_at = UTCDateTimeAttribute()
    version = NumberAttribute()


class DealExternalIdsItem(LeadsItem, discriminator="DealExternalIds"):  # type: ignore[valid-type,misc,call-arg]
    """The external ids linked to one deal (read consistently when the owner replaces them)."""

    organisation_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    external_ids = UnicodeAttribute()  # JSON list of {"system", "external_id"}
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute()

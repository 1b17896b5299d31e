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
| Outbox  | ORG#<org>#OUTBOX#<evt>#  | OUTBOX#       |                   |                     |
| Account | ORG#<org>#ACCOUNT#<id>#  | ACCOUNT#      |                   |                     |
| Contact | ORG#<org>#ACCOUNT#<id>#  | CONTACT#<cid># | ORG#<org>#CONTACTS# | <created>#<cid>#  |
| AccountIndex | ORG#<org>#ACCOUNTS#<filter>#<value># ¹ | <created>#<id># | (same as pk) | <name>#<id># |
| AccountDomainGuard | ORG#<org>#ACCOUNTS#DOMAIN#<domain># | ACCOUNT# |        |                     |
| AccountDomain | DOMAIN#<domain>#   | ORG#<org>#ACCOUNT#<id># ² |           |                     |
| AccountImport | ORG#<org>#IMPORT#<imp># | IMPORT#  |                   |                     |
| ImportRejection | ORG#<org>#IMPORT#<imp># | REJECT#<row># ³ |         |                     |
| AccountExport | ORG#<org>#EXPORT#<exp># | EXPORT#  |                   |                     |

(¹ CRM: one list entry per account and filter value it matches: ``ALL#ALL#``, ``STAGE#<lifecycle stage>#``,
``COUNTRY#<cc>#``; sorted by creation in the table and by name in gsi1. ``<created>``: ISO 8601;
``<name>``: the case-folded name. A list page re-checks the filters on the accounts it reads, so an
entry left behind by an interrupted import costs a read, never a wrong answer.
² The cross-tenant row of an account with a website, written in the same transaction as the account:
ids only, read by account overlaps. ³ ``<row>``: the file's row number, 8 digits.
The guard makes a domain unique among an organisation's accounts. Contacts live in their account's
collection: the account's contacts are one strongly consistent Query, and deleting it finds them all.)
"""

from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
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
    addresses = ListAttribute[AddressAttribute](of=AddressAttribute, default=list)
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

# --- section: reports

# --- section: referral codes, webhooks

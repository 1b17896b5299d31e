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
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

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

# --- section: commissions ledger, billings, payouts

# --- section: reports

# --- section: referral codes, webhooks

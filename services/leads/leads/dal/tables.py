"""The leads table (issue #4 adds accounts, contacts, deals, registrations, commissions).

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

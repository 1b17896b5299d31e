"""The partners table: every entity of the service, keyed by its organisation first.

| entity       | pk                          | sk              | gsi1pk                  | gsi1sk         |
|--------------|-----------------------------|-----------------|-------------------------|----------------|
| Organisation | ORG#<org>#                  | PROFILE#        |                         |                |
| User         | ORG#<org>#                  | USER#<user>#    |                         |                |
| Partnership  | ORG#<org>#PARTNERSHIP#<id># | PARTNERSHIP#    | ORG#<org>#PARTNERSHIPS# | <created>#<id> |
| Activity     | ORG#<org>#PARTNERSHIP#<id># | ACTIVITY#<tid># |                         |                |
| PartnerLink  | ORG#<partner>#AS_PARTNER#   | PARTNERSHIP#<id>#|                        |                |
| Outbox       | ORG#<org>#OUTBOX#<event>#   | OUTBOX#         |                         |                |

(``<created>``: the partnership's ``created_at`` in ISO 8601; ``<tid>``: a time-ordered id.)

Items that belong to one partnership live in its collection (pk ``ORG#<org>#PARTNERSHIP#<id>#``)
with sort keys that sort AFTER ``PARTNERSHIP#`` (e.g. ``PROFILE#ICP#``), so the descending activity
query (``sk <= PARTNERSHIP#``) meets the partnership first and then only ``ACTIVITY#`` items.
Every entity class is defined in this module, so that a polymorphic query can always read it.
"""

from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from trellis.dynamo import table_model
from trellis.outbox import outbox_model

PartnersItem = table_model("partners")
Outbox = outbox_model(PartnersItem)


class OrganisationItem(PartnersItem, discriminator="Organisation"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    name = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class UserItem(PartnersItem, discriminator="User"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    roles = UnicodeSetAttribute()


class PartnershipItem(PartnersItem, discriminator="Partnership"):  # type: ignore[valid-type,misc,call-arg]
    organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    company_name = UnicodeAttribute()
    partnership_type = UnicodeAttribute()
    website = UnicodeAttribute(null=True)
    website_domain = UnicodeAttribute(null=True)
    logo_url = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)
    stage = UnicodeAttribute()
    stage_changed_at = UTCDateTimeAttribute()
    # Stored as a list of strings; PynamoDB's stubs type `of` as the element's Python type.
    assigned_user_ids = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # Archived partnerships are read-only (writes answer 409) until restored.
    archived_at = UTCDateTimeAttribute(null=True)
    # The partner's own organisation, once its invitation was accepted (None before).
    partner_organisation_id = UnicodeAttribute(null=True)
    version = VersionAttribute()


class ActivityItem(PartnersItem, discriminator="Activity"):  # type: ignore[valid-type,misc,call-arg]
    activity_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    summary = UnicodeAttribute()
    actor_user_id = UnicodeAttribute(null=True)
    occurred_at = UTCDateTimeAttribute()
    details: MapAttribute[str, str | None] = MapAttribute(default=dict)


class PartnerLinkItem(PartnersItem, discriminator="PartnerLink"):  # type: ignore[valid-type,misc,call-arg]
    """A partner organisation's pointer to a partnership it is party to (in a vendor's program)."""

    partner_organisation_id = UnicodeAttribute()
    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    linked_at = UTCDateTimeAttribute()


# ---------------------------------------------------------------- organisations, people, invitations

# ---------------------------------------------------------------- ICP and custom fields

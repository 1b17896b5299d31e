"""The portal table: projections of the partners service's partnerships and each room's content.

Every key of an organisation's data starts with ``ORG#<org>#`` (the vendor whose program it belongs
to), then the area's prefix; each area owns its prefixes so no two collide. One row is keyed by the
partnership alone (``PARTNERSHIP#<pid>#``): the view a portal request opens first, since a partner
user names a partnership, not its vendor. It holds both organisations' ids, and every route checks
that the caller's organisation is one of them (logic/access.py) before anything else is read.

| area                  | prefixes (after ``ORG#<vendor>#``, unless noted)                 |
|-----------------------|------------------------------------------------------------------|
| partnership projection | ``PARTNERSHIP#<pid>#`` (no ORG), PROGRAM, NETWORK, PEOPLE       |
| rooms                 | each room module documents its own prefixes (dal/<room>.py)       |
| outbox                | OUTBOX                                                           |

| entity          | pk                              | sk              | gsi1pk / gsi1sk                   |
|-----------------|---------------------------------|-----------------|-----------------------------------|
| PartnershipView | PARTNERSHIP#<pid>#              | VIEW#           | ORG#<p>#PARTNERSHIPS# ¹ / <v>#<pid> |
| Program         | ORG#<v>#PROGRAM#                | PROGRAM#        |                                   |
| NetworkLink     | ORG#<v>#NETWORK#<distributor>#  | RESELLER#<pid># |                                   |
| Person          | ORG#<org>#PEOPLE#               | USER#<user>#    |                                   |

(<v>: the vendor organisation, <p>: the partner organisation.)
(¹ only once the partner organisation joined: a partner user lists the programs it is in.)
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from trellis.dynamo import table_model
from trellis.outbox import outbox_model

PortalItem = table_model("portal")
Outbox = outbox_model(PortalItem)


class PartnershipViewItem(PortalItem, discriminator="PartnershipView"):  # type: ignore[valid-type,misc,call-arg]
    """What the portal knows of one partnership, from the partners service's events only.

    Each aspect keeps the time of the event it came from and ignores older ones (delivery is
    unordered); a deleted partnership stays as a tombstone so a late event cannot bring it back.
    """

    partnership_id = UnicodeAttribute()
    vendor_organisation_id = UnicodeAttribute()
    vendor_organisation_name = UnicodeAttribute(null=True)
    partner_organisation_id = UnicodeAttribute(null=True)
    company_name = UnicodeAttribute(null=True)
    partnership_type = UnicodeAttribute(null=True)
    stage = UnicodeAttribute(null=True)
    tier = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)
    assigned_user_ids = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    archived = BooleanAttribute(default=False)
    deleted = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute(null=True)
    profile_at = UTCDateTimeAttribute(null=True)
    stage_at = UTCDateTimeAttribute(null=True)
    archived_at_event = UTCDateTimeAttribute(null=True)
    assignees_at = UTCDateTimeAttribute(null=True)


class ProgramItem(PortalItem, discriminator="PortalProgram"):  # type: ignore[valid-type,misc,call-arg]
    """The vendor's program lists as the portal needs them: tiers (first: highest), stages,
    categories."""

    vendor_organisation_id = UnicodeAttribute()
    tier_ids = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    tier_names = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    stage_ids = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    stage_names = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    category_ids = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    category_names = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    tiers_at = UTCDateTimeAttribute(null=True)
    stages_at = UTCDateTimeAttribute(null=True)
    categories_at = UTCDateTimeAttribute(null=True)


class NetworkLinkItem(PortalItem, discriminator="PortalNetworkLink"):  # type: ignore[valid-type,misc,call-arg]
    """A reseller assigned to a distributor (partnerships of one vendor); ``removed_at`` once it ended."""

    vendor_organisation_id = UnicodeAttribute()
    distributor_id = UnicodeAttribute()
    reseller_id = UnicodeAttribute()
    assigned_at = UTCDateTimeAttribute()
    removed_at = UTCDateTimeAttribute(null=True)
    event_at = UTCDateTimeAttribute()


class PersonItem(PortalItem, discriminator="PortalPerson"):  # type: ignore[valid-type,misc,call-arg]
    """A user of an organisation (vendor or partner), from the partners service's events.

    ``known_at`` is the time of the newest event applied; older ones are ignored.
    """

    organisation_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    roles = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    active = BooleanAttribute(default=True)
    known_at = UTCDateTimeAttribute()

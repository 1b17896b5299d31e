"""The partners table: every entity of the service, keyed by its organisation first.

| entity       | pk                          | sk              | gsi1pk                  | gsi1sk         |
|--------------|-----------------------------|-----------------|-------------------------|----------------|
| Organisation | ORG#<org>#                  | PROFILE#        |                         |                |
| User         | ORG#<org>#                  | USER#<user>#    | ORG#<org>#USER_EMAIL#<eh>#  | USER#<user>#  |
| UserEmail    | ORG#<org>#                  | EMAIL#<eh>#     |                         |                |
| Partnership  | ORG#<org>#PARTNERSHIP#<id># | PARTNERSHIP#    | ORG#<org>#PARTNERSHIPS# | <created>#<id> |
| Activity     | ORG#<org>#PARTNERSHIP#<id># | ACTIVITY#<tid># |                         |                |
| PartnerLink  | ORG#<partner>#AS_PARTNER#   | PARTNERSHIP#<id>#|                        |                |
| Program      | ORG#<org>#                  | PROGRAM#        |                         |                |
| PartnershipIndex | ORG#<org>#PLIST#<filter>#<value># | <created>#<id># (lsi1sk: <name>#<id>#) |  |  |
| Invitation   | ORG#<org>#INVITATIONS#      | TEAM#<inv># ¹   | ORG#<org>#INVITATION_TOKEN#<th># ² | TOKEN#
| Icp          | ORG#<org>#PARTNERSHIP#<id># | PROFILE#ICP#    |                         |                |
| FieldValues  | ORG#<org>#PARTNERSHIP#<id># | PROFILE#FIELDS# |                         |                |
| CustomField  | ORG#<org>#CUSTOM_FIELDS#    | FIELD#<fid>#    |                         |                |
| FieldKey     | ORG#<org>#CUSTOM_FIELDS#    | KEY#<key>#      |                         |                |
| NetworkModule| ORG#<org>#MODULES#          | DISTRIBUTOR#    |                         |                |
| NetworkNode  | ORG#<org>#PARTNERSHIP#<id># | ZNETWORK#NODE#  |                         |                |
| ResellerLink | ORG#<org>#PARTNERSHIP#<d>#  | ZNETWORK#RESELLER#<r># ³ |                |                |
| PastDistributor | ORG#<org>#PARTNERSHIP#<r># | ZNETWORK#PAST#<removed>#<d># |          |                |
| CommissionPlan | ORG#<org>#PARTNERSHIP#<id># | PROFILE#COMMISSION# |                     |                |
| CommissionDefault | ORG#<org>#COMMISSION_DEFAULTS# | TIER#<tier># |                   |                |
| Checklist    | ORG#<org>#CHECKLISTS#       | STAGE#<stage>#  |                         |                |
| ChecklistProgress | ORG#<org>#PARTNERSHIP#<id># | PROFILE#CHECKLIST#<stage># |          |                |
| JourneyPartnership | ORG#<org>#JOURNEY_PARTNERSHIP#<id># | STATE# |                     |                |
| JourneyStage | ORG#<org>#JOURNEY#          | STAGE#<stage>#  |                         |                |
| JourneyDuration | ORG#<org>#JOURNEY#       | STAGE#<stage>#HOURS#<bb># ⁴ |             |                |
| Outbox       | ORG#<org>#OUTBOX#<event>#   | OUTBOX#         |                         |                |

(``<created>``: the partnership's ``created_at`` in ISO 8601; ``<tid>``: a time-ordered id.)
(``<fid>``: a custom field's time-ordered id; ``<key>``: its slug, claimed once per organisation.)
(``<eh>``: SHA-256 of the lower-cased email: a user is found by email within their organisation.
``UserEmail`` claims the address for one user of the organisation: written with the user on
condition it is new, deleted with the user, so two acceptances for one address cannot both commit.)
(¹ ``PARTNERSHIP#<id>#INVITATION#<inv>#`` for a partner invitation; ``<inv>``: a time-ordered id.)
(² only while pending; ``<th>``: SHA-256 of the one-time token. The token starts with the inviting
organisation's id, so the public accept route derives this tenant-first key from the token alone.)
(``PROFILE#COMMISSION#``: a partnership's own plan, in its collection after ``PARTNERSHIP#``; ``<tier>``:
a tier id of the vendor's program, whose default plan the item holds.)
(³ ``<d>``/``<r>``: the distributor's / reseller's partnership id; ``<removed>``: when the
assignment ended, ISO 8601. ``ZNETWORK#`` is named to sort after ``PARTNERSHIP#``.)
(⁴ ``<bb>``: a histogram bucket, two digits; ``FIRST_DEAL#HOURS#<bb>#`` for times to a first deal.
The ``ORG#<org>#JOURNEY#`` partition holds only aggregates (a few items per stage), so the journey
report is one Query whatever the program size; see partners/dal/journey.py.)

Items that belong to one partnership live in its collection (pk ``ORG#<org>#PARTNERSHIP#<id>#``)
with sort keys that sort AFTER ``PARTNERSHIP#`` (e.g. ``PROFILE#ICP#``), so the descending activity
query (``sk <= PARTNERSHIP#``) meets the partnership first and then only ``ACTIVITY#`` items.
Every entity class is defined in this module, so that a polymorphic query can always read it.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, LocalSecondaryIndex

from trellis.dynamo import MapListAttribute, table_model
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


class UserEmailItem(PartnersItem, discriminator="UserEmail"):  # type: ignore[valid-type,misc,call-arg]
    """Claims an email address within an organisation for one user (see the key table above)."""

    user_id = UnicodeAttribute()


class LinkAttribute(MapAttribute[str, str]):
    label = UnicodeAttribute()
    url = UnicodeAttribute()


class ChangeAttribute(MapAttribute[str, str | None]):
    """One field's value before and after a change, as shown in the activity log."""

    field = UnicodeAttribute()
    before = UnicodeAttribute(null=True)
    after = UnicodeAttribute(null=True)


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
    integration_links = MapListAttribute[LinkAttribute](of=LinkAttribute, default=list)
    # Ids from the vendor's program lists (ProgramItem).
    tier = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    tags = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
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
    changes = MapListAttribute[ChangeAttribute](of=ChangeAttribute, default=list)


class EntryAttribute(MapAttribute[str, str]):
    """One entry of a vendor-defined list: a stable id (what partnerships store) and its name."""

    id = UnicodeAttribute()
    name = UnicodeAttribute()


class ProgramItem(PartnersItem, discriminator="Program"):  # type: ignore[valid-type,misc,call-arg]
    """The vendor's program settings: its stage pipeline and its tiers, categories and tags."""

    organisation_id = UnicodeAttribute()
    stages = MapListAttribute[EntryAttribute](of=EntryAttribute, default=list)
    tiers = MapListAttribute[EntryAttribute](of=EntryAttribute, default=list)
    categories = MapListAttribute[EntryAttribute](of=EntryAttribute, default=list)
    tags = MapListAttribute[EntryAttribute](of=EntryAttribute, default=list)
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class ByName(LocalSecondaryIndex[Any]):
    """The same partitions sorted by name (index items carry ``lsi1sk``)."""

    class Meta:
        index_name = "lsi1"
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True)
    lsi1sk = UnicodeAttribute(range_key=True)


class PartnershipIndexItem(PartnersItem, discriminator="PartnershipIndex"):  # type: ignore[valid-type,misc,call-arg]
    """One entry of the partnership list for one filter value (see dal/partnerships.py, "The list")."""

    partnership_id = UnicodeAttribute()
    lsi1sk = UnicodeAttribute()
    by_name = ByName()


class PartnerLinkItem(PartnersItem, discriminator="PartnerLink"):  # type: ignore[valid-type,misc,call-arg]
    """A partner organisation's pointer to a partnership it is party to (in a vendor's program)."""

    partner_organisation_id = UnicodeAttribute()
    vendor_organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    linked_at = UTCDateTimeAttribute()


# ---------------------------------------------------------------- organisations, people, invitations


class InvitationItem(PartnersItem, discriminator="Invitation"):  # type: ignore[valid-type,misc,call-arg]
    """An invitation to join an organisation (teammate) or a vendor's partner portal (partner).

    Only the SHA-256 hash of the one-time token is stored (as ``token_hash`` and in ``gsi1pk``).
    """

    organisation_id = UnicodeAttribute()  # the inviting organisation (the vendor for partner invitations)
    organisation_name = UnicodeAttribute()  # as it was when invited: what a resent email says
    invitation_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # "teammate" | "partner"
    email = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    roles = UnicodeSetAttribute(null=True)  # empty for a partner invitation that leaves roles to the default
    partnership_id = UnicodeAttribute(null=True)
    company_name = UnicodeAttribute(null=True)  # the partnership's partner company
    status = UnicodeAttribute()  # "pending" | "accepted" | "revoked" (expiry is read from expires_at)
    token_hash = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    invited_by_user_id = UnicodeAttribute()
    accepted_user_id = UnicodeAttribute(null=True)
    accepted_organisation_id = UnicodeAttribute(null=True)
    version = VersionAttribute()

# ---------------------------------------------------------------- ICP and custom fields


class IcpCriterionAttribute(MapAttribute[str, str]):
    label = UnicodeAttribute()
    value = UnicodeAttribute()


class IcpItem(PartnersItem, discriminator="Icp"):  # type: ignore[valid-type,misc,call-arg]
    """A partnership's Ideal Customer Profile, saved as a whole (one item, one version)."""

    organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    countries = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    industries = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    min_employees = NumberAttribute(null=True)
    max_employees = NumberAttribute(null=True)
    sub_categories = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    keywords = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    custom = MapListAttribute[IcpCriterionAttribute](of=IcpCriterionAttribute, default=list)
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute(null=True)
    version = VersionAttribute()


class CustomFieldItem(PartnersItem, discriminator="CustomField"):  # type: ignore[valid-type,misc,call-arg]
    """A custom field definition of a vendor organisation (its type and key never change)."""

    organisation_id = UnicodeAttribute()
    field_id = UnicodeAttribute()
    key = UnicodeAttribute()
    label = UnicodeAttribute()
    field_type = UnicodeAttribute()
    required = BooleanAttribute(default=False)
    visibility = UnicodeAttribute()
    options = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    help_text = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class CustomFieldKeyItem(PartnersItem, discriminator="FieldKey"):  # type: ignore[valid-type,misc,call-arg]
    """Claims a field key within its organisation: written with the field, on condition it is new."""

    field_id = UnicodeAttribute()


class FieldValuesItem(PartnersItem, discriminator="FieldValues"):  # type: ignore[valid-type,misc,call-arg]
    """A partnership's custom-field values, by field id (not key: a re-defined key starts empty).

    Values of removed fields stay until the next save of the partnership's values drops them;
    nothing shows them, since only defined fields are read out.
    """

    organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    # field id → str (text, date, single choice) | number | list of str (multi choice)
    values: MapAttribute[str, object] = MapAttribute(default=dict)
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute(null=True)
    version = VersionAttribute()


# ---------------------------------------------------------------- commission plans


class CommissionBandAttribute(MapAttribute[str, str]):
    from_value = UnicodeAttribute(attr_name="from")  # Decimal text, in the plan's currency
    rate = UnicodeAttribute()  # Decimal text, percent


class CommissionPlanAttribute(MapAttribute[str, object]):
    """A commission plan. Money and rates are Decimal text ("12.50"): NumberAttribute reads floats."""

    kind = UnicodeAttribute()
    currency = UnicodeAttribute(null=True)
    rate = UnicodeAttribute(null=True)
    amount = UnicodeAttribute(null=True)
    bands = MapListAttribute[CommissionBandAttribute](of=CommissionBandAttribute, null=True)
    net_days = NumberAttribute()
    schedule = UnicodeAttribute()
    distributor_split = UnicodeAttribute()


class CommissionPlanItem(PartnersItem, discriminator="CommissionPlan"):  # type: ignore[valid-type,misc,call-arg]
    """A partnership's own commission plan. Cleared: ``plan`` is None and the item stays, so the
    version (what consumers order the plan's events by) keeps growing if a plan is set again."""

    organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    plan = CommissionPlanAttribute(null=True)
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute(null=True)
    version = VersionAttribute()


class TierCommissionDefaultItem(PartnersItem, discriminator="CommissionDefault"):  # type: ignore[valid-type,misc,call-arg]
    """The default commission plan of one tier of the vendor's program (cleared: ``plan`` is None)."""

    organisation_id = UnicodeAttribute()
    tier_id = UnicodeAttribute()
    plan = CommissionPlanAttribute(null=True)
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute(null=True)
    version = VersionAttribute()


# ---------------------------------------------------------------- distributor network


class DistributorModuleItem(PartnersItem, discriminator="NetworkModule"):  # type: ignore[valid-type,misc,call-arg]
    """The vendor's distributor module switch (absent: off). Switching never touches assignments."""

    organisation_id = UnicodeAttribute()
    enabled = BooleanAttribute()
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute(null=True)
    version = VersionAttribute()


class UpstreamAttribute(MapAttribute[str, object]):
    """One distributor a partnership is currently assigned under."""

    distributor_id = UnicodeAttribute()
    assigned_at = UTCDateTimeAttribute()
    assigned_by = UnicodeAttribute(null=True)


class NetworkNodeItem(PartnersItem, discriminator="NetworkNode"):  # type: ignore[valid-type,misc,call-arg]
    """A partnership's place in the distributor network (absent: not in it).

    ``distributors``: whom it is assigned under now (at most a few, so one item holds them and a
    walk up the network reads one item per partnership). ``height``: at least one more than the
    height of each of its resellers (0 without resellers); bounded, so no chain grows deeper than
    the network allows and every walk up ends. ``reseller_count``: its current resellers.
    """

    organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    distributors = MapListAttribute[UpstreamAttribute](of=UpstreamAttribute, default=list)
    height = NumberAttribute(default=0)
    reseller_count = NumberAttribute(default=0)
    version = VersionAttribute()


class ResellerLinkItem(PartnersItem, discriminator="ResellerLink"):  # type: ignore[valid-type,misc,call-arg]
    """A reseller currently assigned to a distributor, in the distributor's collection (its list)."""

    organisation_id = UnicodeAttribute()
    distributor_id = UnicodeAttribute()
    reseller_id = UnicodeAttribute()
    assigned_at = UTCDateTimeAttribute()
    assigned_by = UnicodeAttribute(null=True)


class PastDistributorItem(PartnersItem, discriminator="PastDistributor"):  # type: ignore[valid-type,misc,call-arg]
    """An ended assignment, in the reseller's collection: who its distributor was, and when."""

    organisation_id = UnicodeAttribute()
    distributor_id = UnicodeAttribute()
    reseller_id = UnicodeAttribute()
    assigned_at = UTCDateTimeAttribute()
    assigned_by = UnicodeAttribute(null=True)
    removed_at = UTCDateTimeAttribute()
    removed_by = UnicodeAttribute(null=True)


# ---------------------------------------------------------------- checklists and journey


class ChecklistEntryAttribute(MapAttribute[str, object]):
    """One task of a stage's checklist: a stable id (what progress refers to), its title and rules."""

    id = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    required = BooleanAttribute(default=False)


class ChecklistItem(PartnersItem, discriminator="Checklist"):  # type: ignore[valid-type,misc,call-arg]
    """The checklist of one stage of the vendor's pipeline, saved as a whole.

    ``retired_ids``: ids of removed tasks, never given to a new task (their ticks stay stored).
    """

    organisation_id = UnicodeAttribute()
    stage_id = UnicodeAttribute()
    entries = MapListAttribute[ChecklistEntryAttribute](of=ChecklistEntryAttribute, default=list)
    retired_ids = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute(null=True)
    version = VersionAttribute()


class TickAttribute(MapAttribute[str, object]):
    """The state of one task on one partnership: done or not, and who set it when."""

    item_id = UnicodeAttribute()
    done = BooleanAttribute()
    by_user_id = UnicodeAttribute(null=True)
    side = UnicodeAttribute()  # "vendor" | "partner"
    at = UTCDateTimeAttribute()


class ChecklistProgressItem(PartnersItem, discriminator="ChecklistProgress"):  # type: ignore[valid-type,misc,call-arg]
    """A partnership's progress on one stage's checklist (one item per stage it was ticked in)."""

    organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    stage_id = UnicodeAttribute()
    ticks = MapListAttribute[TickAttribute](of=TickAttribute, default=list)
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class JourneyPartnershipItem(PartnersItem, discriminator="JourneyPartnership"):  # type: ignore[valid-type,misc,call-arg]
    """What the journey consumer knows of one partnership, to turn its next event into aggregates.

    Kept outside the partnership's collection (deleting a partnership removes that collection while
    its events may still be on their way); a deleted partnership stays here as a tombstone.
    """

    organisation_id = UnicodeAttribute()
    partnership_id = UnicodeAttribute()
    stage = UnicodeAttribute(null=True)  # None: not known yet (its first event had no stage)
    stage_entered_at = UTCDateTimeAttribute(null=True)
    # Time already spent in the current stage before an archive paused the clock.
    seconds_in_stage = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute(null=True)
    entered = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    moved_on = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    archived = BooleanAttribute(default=False)
    deleted = BooleanAttribute(default=False)
    first_deal_at = UTCDateTimeAttribute(null=True)
    last_seen_at = UTCDateTimeAttribute()
    last_event_id = UnicodeAttribute()
    version = VersionAttribute()


class JourneyStageItem(PartnersItem, discriminator="JourneyStage"):  # type: ignore[valid-type,misc,call-arg]
    """Counters of one stage (written with ADD only, so concurrent events never lose an update)."""

    stage_id = UnicodeAttribute()
    current = NumberAttribute(null=True)  # live partnerships in the stage now
    entered = NumberAttribute(null=True)  # partnerships that ever entered it
    moved_on = NumberAttribute(null=True)  # of those, how many later reached a stage after it


class JourneyDurationItem(PartnersItem, discriminator="JourneyDuration"):  # type: ignore[valid-type,misc,call-arg]
    """One bucket of a duration histogram: a stage's completed stays, or times to a first deal."""

    measure = UnicodeAttribute()  # "stage" | "first_deal"
    stage_id = UnicodeAttribute(null=True)
    bucket = NumberAttribute()
    count = NumberAttribute(null=True)

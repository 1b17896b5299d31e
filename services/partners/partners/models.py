"""What the partners API accepts and returns."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from trellis.countries import CountryCode
from trellis.currencies import CurrencyCode, minor_units
from trellis.events.commissions import CommissionPlan, PayoutSchedule, PlanKind
from trellis.events.profiles import FieldType, FieldValue, FieldVisibility, Icp
from trellis.fields import PRINTABLE, Email, EntityId, HttpsUrl, PrintableName, Website
from trellis.industries import INDUSTRIES, IndustryCode
from trellis.money import MoneyAmount, Rate, SharePercent, decimal_places, in_minor_units
from trellis.principal import Role

PartnershipType = Literal["referral", "reseller", "implementation", "technology", "distributor"]
StageId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,64}$")]


# The partner journey (seed 004): the default pipeline of every vendor.
DEFAULT_STAGES: tuple[str, ...] = (
    "recruitment", "onboarding", "activation", "growth", "retention", "advocacy",
)


MAX_INTEGRATION_LINKS = 10
MAX_ASSIGNEES = 20
MAX_PROGRAM_ENTRIES = 50
MAX_TAGS = 20




class IntegrationLink(BaseModel):
    """A link to the partner's record elsewhere (seed 000: "Integration Links"), e.g. its CRM account."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    label: Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=PRINTABLE)]
    url: HttpsUrl


class PartnershipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # Printable text only: names end up in emails, CSV exports and notification titles.
    company_name: PrintableName
    partnership_type: PartnershipType
    website: Website | None = None
    logo_url: HttpsUrl | None = None
    country: CountryCode | None = None
    assigned_user_ids: list[EntityId] = Field(default_factory=list, max_length=MAX_ASSIGNEES)
    integration_links: list[IntegrationLink] = Field(default_factory=list, max_length=MAX_INTEGRATION_LINKS)
    tier: StageId | None = None
    category: StageId | None = None
    tags: list[StageId] = Field(default_factory=list, max_length=MAX_TAGS)


class PartnershipUpdate(BaseModel):
    """A partial update: only the fields sent change; ``null`` clears an optional field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    company_name: PrintableName | None = None
    partnership_type: PartnershipType | None = None
    website: Website | None = None
    logo_url: HttpsUrl | None = None
    country: CountryCode | None = None
    integration_links: list[IntegrationLink] | None = Field(default=None, max_length=MAX_INTEGRATION_LINKS)
    tier: StageId | None = None
    category: StageId | None = None
    tags: list[StageId] | None = Field(default=None, max_length=MAX_TAGS)
    expected_version: StrictInt | None = Field(
        default=None, ge=1, description="Fail with 409 if the partnership moved on",
    )

    @field_validator("company_name", "partnership_type", "integration_links", "tags")
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null: every partnership has one")
        return value

    @model_validator(mode="after")
    def _changes_something(self) -> PartnershipUpdate:
        if not self.model_fields_set - {"expected_version"}:
            raise PydanticCustomError("empty_update", "send at least one field to change")
        return self


class Assignee(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: EntityId


ProgramListName = Literal["stages", "tiers", "categories", "tags"]


class ProgramEntryInput(BaseModel):
    """An entry of a vendor-defined list. Omit ``id`` for a new entry: it is made from the name."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: StageId | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=PRINTABLE)]


class ProgramListUpdate(BaseModel):
    """A whole list, in order: entries can be renamed, added and reordered; existing ids must stay."""

    model_config = ConfigDict(extra="forbid")

    entries: list[ProgramEntryInput] = Field(max_length=MAX_PROGRAM_ENTRIES)
    expected_version: StrictInt | None = Field(
        default=None, ge=1, description="Fail with 409 if the settings changed meanwhile",
    )


class ProgramEntry(BaseModel):
    id: str
    name: str


class Program(BaseModel):
    """The vendor's program settings: its stage pipeline (the partner journey) and classification lists."""

    stages: list[ProgramEntry]
    tiers: list[ProgramEntry]
    categories: list[ProgramEntry]
    tags: list[ProgramEntry]
    version: int = Field(description="0 until the settings are first saved")


PartnershipSort = Literal["-created", "created", "name", "-name"]


class PartnershipQuery(BaseModel):
    """Filters of the partnership list (all must match) and its order."""

    model_config = ConfigDict(extra="forbid")

    stage: StageId | None = None
    tier: StageId | None = None
    category: StageId | None = None
    tag: StageId | None = None
    country: CountryCode | None = None
    type: PartnershipType | None = None
    assignee: EntityId | None = None
    archived: bool = False
    sort: PartnershipSort = "-created"

    def filters(self) -> dict[str, str]:
        values = self.model_dump(exclude={"archived", "sort"}, exclude_none=True)
        if self.archived:
            values["archived"] = "ALL"
        return values


class StageChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: StageId
    expected_version: StrictInt | None = Field(
        default=None, ge=1, description="Fail with 409 if the partnership moved on",
    )


class Partnership(BaseModel):
    id: str
    company_name: str
    partnership_type: PartnershipType
    website: str | None = None
    website_domain: str | None = None
    logo_url: str | None = None
    country: str | None = None
    stage: str
    stage_changed_at: datetime
    assigned_user_ids: list[str]
    integration_links: list[IntegrationLink] = Field(default_factory=list)
    tier: str | None = None
    category: str | None = None
    tags: list[str] = Field(default_factory=list)
    portal_url: str = Field(description="Where the partner's users open this partnership in the portal")
    partner_organisation_id: str | None = Field(
        default=None, description="The partner's organisation, once a partner user accepted an invitation",
    )
    archived: bool = False
    archived_at: datetime | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class FieldChange(BaseModel):
    field: str
    before: str | None = None
    after: str | None = None


class ActivityEntry(BaseModel):
    id: str
    kind: str
    summary: str
    actor_user_id: str | None = None
    occurred_at: datetime
    details: dict[str, str | None] = Field(default_factory=dict)
    changes: list[FieldChange] = Field(default_factory=list, description="Each field's value before → after")


# ---------------------------------------------------------------- organisations, people, invitations

# Deliberately plain: one @, no whitespace or control characters, a dot in the domain. Whether the
# address exists is proven by the person accepting from it, not by a regex.
PersonName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$"),
]
InvitationKind = Literal["teammate", "partner"]
INVITATION_DAYS = 7  # how long an invitation (and a resent one) stays valid by default
InvitationStatus = Literal["pending", "accepted", "revoked", "expired"]


def _distinct_roles(roles: list[Role]) -> list[Role]:
    return list(dict.fromkeys(roles))


Roles = Annotated[list[Role], Field(min_length=1, max_length=8), AfterValidator(_distinct_roles)]


class OrganisationProfile(BaseModel):
    id: str
    name: str
    created_at: datetime


class OrganisationUser(BaseModel):
    id: str
    email: str
    name: str
    roles: list[str]


class RolesChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roles: Roles


class TeammateInvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    roles: Roles
    name: PersonName | None = None
    expires_in_days: StrictInt = Field(default=INVITATION_DAYS, ge=1, le=30)


class PartnerInvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    name: PersonName | None = None
    roles: Annotated[list[Role], Field(max_length=8), AfterValidator(_distinct_roles)] = Field(
        default_factory=list,
        description="Partner roles for someone joining a partner organisation that already exists "
        "(default: sales). The first person of a new partner organisation is always its partner_admin.",
    )
    expires_in_days: StrictInt = Field(default=INVITATION_DAYS, ge=1, le=30)


class InvitationAccept(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    name: PersonName


class Invitation(BaseModel):
    id: str
    kind: InvitationKind
    email: str
    name: str | None = None
    roles: list[str]
    partnership_id: str | None = None
    status: InvitationStatus
    expires_at: datetime
    created_at: datetime
    invited_by_user_id: str
    accepted_user_id: str | None = None
    token: str | None = Field(
        default=None, description="The one-time accept token: only in the answer that created or renewed it",
    )


class Membership(BaseModel):
    """What accepting an invitation made: the new user and the organisation they belong to."""

    user_id: str
    organisation_id: str
    organisation_created: bool
    roles: list[str]
    partnership_id: str | None = None


class PartnerPartnership(BaseModel):
    """A partnership as its partner sees it: the vendor's program, never its private fields."""

    id: str
    vendor_organisation_id: str
    vendor_name: str
    company_name: str
    partnership_type: str
    stage: str
    stage_changed_at: datetime
    country: str | None = None
    website: str | None = None
    logo_url: str | None = None
    archived: bool


# ---------------------------------------------------------------- ICP and custom fields

# Printable text only: ICP terms and field labels end up in emails, exports and lead matching.
PRINTABLE_TEXT = r"^[^\x00-\x1f\x7f]+$"
MAX_ICP_COUNTRIES = 250
MAX_ICP_SUB_CATEGORIES = 50
MAX_ICP_KEYWORDS = 100
MAX_ICP_CUSTOM = 20
MAX_ICP_TERM_LENGTH = 100
MAX_EMPLOYEES = 10_000_000


def _icp_term(value: str) -> str:
    # Matched against leads: one spelling per term (trimmed, single spaces, case-folded).
    term = " ".join(value.split()).casefold()
    if not term:
        raise ValueError("must not be blank")
    if len(term) > MAX_ICP_TERM_LENGTH:
        raise ValueError(f"must be at most {MAX_ICP_TERM_LENGTH} characters")
    return term


def _distinct[T](values: list[T]) -> list[T]:
    return list(dict.fromkeys(values))


def _sorted_distinct(values: list[str]) -> list[str]:
    return sorted(set(values))


IcpTerm = Annotated[
    str, Field(max_length=4 * MAX_ICP_TERM_LENGTH, pattern=PRINTABLE_TEXT), AfterValidator(_icp_term),
]


class IcpCompanySize(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_employees: int | None = Field(default=None, strict=True, ge=0, le=MAX_EMPLOYEES)
    max_employees: int | None = Field(default=None, strict=True, ge=0, le=MAX_EMPLOYEES)


def _size_range(size: IcpCompanySize) -> IcpCompanySize:
    if size.min_employees is not None and size.max_employees is not None and (
        size.min_employees > size.max_employees
    ):
        raise ValueError("min_employees must not be greater than max_employees")
    return size


class IcpCriterionInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    label: str = Field(min_length=1, max_length=100, pattern=PRINTABLE_TEXT)
    value: str = Field(min_length=1, max_length=500, pattern=PRINTABLE_TEXT)


def _distinct_labels(criteria: list[IcpCriterionInput]) -> list[IcpCriterionInput]:
    labels = [criterion.label.casefold() for criterion in criteria]
    if len(set(labels)) != len(labels):
        raise ValueError("each custom criterion needs its own label")
    return criteria


class IcpUpdate(BaseModel):
    """The whole ICP (the Save of the ICP tab): whatever is left out is cleared."""

    model_config = ConfigDict(extra="forbid")

    countries: Annotated[list[CountryCode], Field(max_length=MAX_ICP_COUNTRIES),
                         AfterValidator(_sorted_distinct)] = Field(default_factory=list)
    industries: Annotated[list[IndustryCode], Field(max_length=len(INDUSTRIES)),
                          AfterValidator(_sorted_distinct)] = Field(default_factory=list)
    company_size: Annotated[IcpCompanySize, AfterValidator(_size_range)] = Field(
        default_factory=IcpCompanySize,
    )
    sub_categories: Annotated[list[IcpTerm], Field(max_length=MAX_ICP_SUB_CATEGORIES),
                              AfterValidator(_distinct)] = Field(default_factory=list)
    keywords: Annotated[list[IcpTerm], Field(max_length=MAX_ICP_KEYWORDS),
                        AfterValidator(_distinct)] = Field(default_factory=list)
    custom: Annotated[list[IcpCriterionInput], Field(max_length=MAX_ICP_CUSTOM),
                      AfterValidator(_distinct_labels)] = Field(default_factory=list)
    expected_version: int | None = Field(
        default=None, strict=True, ge=0,
        description="Fail with 409 if the ICP moved on (0: expect that none was saved yet)",
    )


class PartnershipIcp(Icp):
    partnership_id: str
    version: int = Field(description="0 until the ICP is first saved")
    updated_at: datetime | None = None
    updated_by: str | None = None


MAX_CUSTOM_FIELDS = 100
MAX_FIELD_OPTIONS = 100
FieldKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
FieldLabel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100,
                                              pattern=PRINTABLE_TEXT)]
FieldHelpText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500,
                                                 pattern=PRINTABLE_TEXT)]


def _distinct_options(options: list[str]) -> list[str]:
    if len(set(options)) != len(options):
        raise ValueError("options must be unique")
    return options


FieldOptions = Annotated[
    list[FieldLabel], Field(max_length=MAX_FIELD_OPTIONS), AfterValidator(_distinct_options),
]


class CustomFieldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: FieldKey = Field(description="Unique in the organisation; a slug: a-z, 0-9 and _")
    label: FieldLabel
    type: FieldType
    required: bool = Field(default=False, strict=True)
    visibility: FieldVisibility = Field(
        default="standard",
        description="shared: the partner sees and edits it; standard: never shown to them",
    )
    options: FieldOptions = Field(default_factory=list, description="The choices of a select (only)")
    help_text: FieldHelpText | None = None


class CustomFieldUpdate(BaseModel):
    """A field's new label, rules and options. Its key and type never change: define a new field."""

    model_config = ConfigDict(extra="forbid")

    label: FieldLabel
    required: bool = Field(default=False, strict=True)
    visibility: FieldVisibility = "standard"
    options: FieldOptions = Field(default_factory=list)
    help_text: FieldHelpText | None = None
    expected_version: int | None = Field(default=None, strict=True, ge=1)


class CustomField(BaseModel):
    id: str
    key: str
    label: str
    type: FieldType
    required: bool
    visibility: FieldVisibility
    options: list[str]
    help_text: str | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class FieldValuesUpdate(BaseModel):
    """Values by field key; keys left out keep their value, ``null`` clears one."""

    model_config = ConfigDict(extra="forbid")

    values: dict[str, Any] = Field(max_length=MAX_CUSTOM_FIELDS)
    expected_version: int | None = Field(default=None, strict=True, ge=0)


class PartnerFieldValuesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    values: dict[str, Any] = Field(max_length=MAX_CUSTOM_FIELDS)


class CustomFieldValue(BaseModel):
    field_id: str
    key: str
    label: str
    type: FieldType
    required: bool
    visibility: FieldVisibility
    options: list[str]
    help_text: str | None = None
    value: FieldValue = None


class PartnershipCustomFields(BaseModel):
    partnership_id: str
    version: int = Field(description="0 until a value is first saved")
    updated_at: datetime | None = None
    fields: list[CustomFieldValue]


class PartnerCustomFieldValue(BaseModel):
    """A shared field as the partner sees it (standard fields are never listed to them)."""

    key: str
    label: str
    type: FieldType
    required: bool
    options: list[str]
    help_text: str | None = None
    value: FieldValue = None


class PartnerPartnershipCustomFields(BaseModel):
    partnership_id: str
    fields: list[PartnerCustomFieldValue]


# ---------------------------------------------------------------- distributor network


class DistributorModuleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(strict=True, description="Switch the distributor module on or off")


class DistributorModule(BaseModel):
    enabled: bool
    updated_at: datetime | None = None
    updated_by: str | None = None
    version: int = Field(description="0 until the setting is first saved")


class ResellerAssignmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reseller_id: EntityId = Field(description="The reseller's partnership (not the distributor itself)")


class ResellerAssignment(BaseModel):
    distributor_id: str
    reseller_id: str
    assigned_at: datetime
    chain: list[str] = Field(description="The distributor and those above it, nearest first")


class NetworkPartnership(BaseModel):
    """A reseller or distributor in the vendor's view of its network."""

    id: str
    company_name: str
    partnership_type: PartnershipType
    stage: str
    country: str | None = None
    archived: bool
    assigned_at: datetime
    assigned_by: str | None = None


class DistributorReseller(BaseModel):
    """A reseller as its distributor sees it: who they are, never the vendor's private fields."""

    id: str
    company_name: str
    partnership_type: str
    stage: str
    country: str | None = None
    assigned_at: datetime


# ---------------------------------------------------------------- commission plans

MAX_COMMISSION_BANDS = 20
CommissionPlanSource = Literal["partnership", "tier_default", "none"]


def _kind(info: ValidationInfo) -> str | None:
    kind = info.data.get("kind")
    return kind if isinstance(kind, str) else None


def _money_in(value: Decimal, info: ValidationInfo) -> Decimal:
    """A money value with no more decimals than its currency has, written with exactly those."""
    currency = info.data.get("currency")
    if not isinstance(currency, str):
        return value  # no currency (already reported) or an unknown one (reported on `currency`)
    places = minor_units(currency)
    if decimal_places(value) > places:
        raise PydanticCustomError("money_places", "{currency} amounts have at most {places} decimal places",
                                  {"currency": currency, "places": places})
    return in_minor_units(value, places)


class CommissionBandInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_: MoneyAmount = Field(alias="from", description="Deal value where the band starts, e.g. \"50000\"")
    rate: Rate = Field(description="Percent of the slice of the deal value in this band, e.g. \"7.5\"")


class CommissionPlanInput(BaseModel):
    """A commission plan as a vendor sets it. Money and rates as decimal strings ("12.50").

    ``percentage``: ``rate``. ``fixed``: ``amount`` and ``currency``. ``tiered``: ``bands`` (the
    first from 0, ascending) and ``currency``; each band's rate applies to its own slice of the
    deal value (marginal, like tax brackets), not to the whole deal.
    """

    model_config = ConfigDict(extra="forbid")

    # Order matters: the validators below read `kind` and `currency` from the fields before them.
    kind: PlanKind
    currency: CurrencyCode | None = Field(default=None, validate_default=True)
    rate: Rate | None = Field(default=None, validate_default=True)
    amount: MoneyAmount | None = Field(default=None, validate_default=True)
    bands: list[CommissionBandInput] | None = Field(
        default=None, validate_default=True, max_length=MAX_COMMISSION_BANDS,
    )
    net_days: StrictInt = Field(ge=0, le=365, description="Days after the payout date the payment is due")
    schedule: PayoutSchedule
    distributor_split: SharePercent = Field(
        default=Decimal(0),
        description="For deals through a distributor: the percent of the commission the distributor gets "
                    "(the reseller gets the rest)",
    )

    @field_validator("currency")
    @classmethod
    def _currency_for_money(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = _kind(info)
        if value is None and kind in {"fixed", "tiered"}:
            raise PydanticCustomError("missing", "a {kind} plan needs a currency", {"kind": kind})
        return value

    @field_validator("rate")
    @classmethod
    def _rate_for_percentage(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        kind = _kind(info)
        if kind == "percentage" and value is None:
            raise PydanticCustomError("missing", "a percentage plan needs a rate")
        if kind not in {None, "percentage"} and value is not None:
            raise PydanticCustomError("not_allowed", "only a percentage plan has a rate (tiered: per band)")
        return value

    @field_validator("amount")
    @classmethod
    def _amount_for_fixed(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        kind = _kind(info)
        if kind == "fixed" and value is None:
            raise PydanticCustomError("missing", "a fixed plan needs an amount")
        if kind not in {None, "fixed"} and value is not None:
            raise PydanticCustomError("not_allowed", "only a fixed plan has an amount")
        return None if value is None else _money_in(value, info)

    @field_validator("bands")
    @classmethod
    def _bands_for_tiered(
        cls, value: list[CommissionBandInput] | None, info: ValidationInfo,
    ) -> list[CommissionBandInput] | None:
        kind = _kind(info)
        if kind == "tiered" and not value:
            raise PydanticCustomError("missing", "a tiered plan needs at least one band")
        if kind not in {None, "tiered"} and value is not None:
            raise PydanticCustomError("not_allowed", "only a tiered plan has bands")
        if not value:
            return value
        if value[0].from_ != 0:
            raise PydanticCustomError("bands_start", "the first band starts from 0")
        for index in range(1, len(value)):
            lower, upper = value[index - 1].from_, value[index].from_
            if upper <= lower:
                raise PydanticCustomError(
                    "bands_order", "bands go up by deal value without overlapping: band {index} starts "
                    "from {upper}, not above {lower}",
                    {"index": index, "upper": str(upper), "lower": str(lower)},
                )
        return [band.model_copy(update={"from_": _money_in(band.from_, info)}) for band in value]

    def to_plan(self) -> CommissionPlan:
        return CommissionPlan.model_validate({
            **self.model_dump(exclude={"bands"}),
            "bands": None if self.bands is None else [
                {"from": band.from_, "rate": band.rate} for band in self.bands
            ],
        })


class PartnershipCommissionPlan(BaseModel):
    """The plan that applies to a partnership, and where it comes from."""

    partnership_id: str
    source: CommissionPlanSource = Field(
        description="partnership: its own plan; tier_default: its tier's default; none: no plan applies",
    )
    tier: str | None = Field(default=None, description="The partnership's tier")
    plan: CommissionPlan | None
    version: int = Field(description="Version of the partnership's own plan (0: never set)")
    updated_at: datetime | None = None
    updated_by: str | None = None


class PartnerCommissionPlan(BaseModel):
    """A partner's view of its commission plan with a vendor: the terms, not who set them."""

    partnership_id: str
    source: CommissionPlanSource
    plan: CommissionPlan | None


class TierDefaultPlan(BaseModel):
    tier_id: str
    plan: CommissionPlan
    version: int
    updated_at: datetime
    updated_by: str | None = None


class TierDefaultPlans(BaseModel):
    items: list[TierDefaultPlan]


# ---------------------------------------------------------------- checklists and journey

MAX_CHECKLIST_ITEMS = 30


class ChecklistEntryInput(BaseModel):
    """A task of a stage's checklist. Omit ``id`` for a new task: it is made from the title."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: StageId | None = None
    title: Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=PRINTABLE)]
    # Text may span lines; other control characters are refused.
    description: Annotated[
        str, StringConstraints(max_length=1000, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]*$"),
    ] | None = None
    required: StrictBool = False


class ChecklistUpdate(BaseModel):
    """A stage's whole checklist, in order. Tasks left out are removed (their ticks are kept but
    hidden); their ids are never given to a new task, so a tick always means the task it was made on."""

    model_config = ConfigDict(extra="forbid")

    items: list[ChecklistEntryInput] = Field(max_length=MAX_CHECKLIST_ITEMS)
    expected_version: StrictInt | None = Field(
        default=None, ge=0, description="Fail with 409 if the checklist changed meanwhile (0: not saved yet)",
    )


class ChecklistEntry(BaseModel):
    id: str
    title: str
    description: str | None = None
    required: bool


class StageChecklistDefinition(BaseModel):
    stage_id: str
    stage_name: str
    items: list[ChecklistEntry]
    version: int = Field(description="0 until the stage's checklist is first saved")
    updated_at: datetime | None = None


class ChecklistDefinitions(BaseModel):
    """Every stage of the pipeline, in order, with its checklist (empty until defined)."""

    stages: list[StageChecklistDefinition]


class ChecklistTick(BaseModel):
    model_config = ConfigDict(extra="forbid")

    done: StrictBool


ChecklistSide = Literal["vendor", "partner"]


class ChecklistProgressEntry(BaseModel):
    id: str
    title: str
    description: str | None = None
    required: bool
    done: bool
    done_by: str | None = Field(default=None, description="Who last ticked or unticked it")
    done_side: ChecklistSide | None = None
    done_at: datetime | None = Field(default=None, description="When it was last ticked or unticked")


class PartnershipChecklist(BaseModel):
    partnership_id: str
    stage_id: str
    stage_name: str
    current_stage: bool = Field(description="Whether this is the partnership's stage now")
    items: list[ChecklistProgressEntry]
    done_count: int
    required_count: int
    required_complete: bool = Field(description="Every required item is done")


class StageJourney(BaseModel):
    stage_id: str
    name: str
    partners: int = Field(description="Live (not archived) partnerships in the stage now")
    entered: int = Field(description="Partnerships that ever entered the stage")
    moved_on: int = Field(description="Of those, how many later reached a stage after it in the pipeline")
    next_stage_id: str | None = None
    conversion_rate: float | None = Field(
        default=None, description="moved_on / entered (null when none entered; none for the last stage)",
    )
    completed_stays: int = Field(description="Stays in the stage that ended with a move to another stage")
    median_hours_in_stage: float | None = Field(
        default=None,
        description="Median length of the completed stays, from a histogram with buckets √2 apart "
                    "(within ~20%); archived time is not counted; null without completed stays",
    )


class TimeToFirstDeal(BaseModel):
    partnerships_with_a_deal: int
    median_days: float | None = Field(
        default=None,
        description="Median time from a partnership's creation to its first won deal. Null until the "
                    "leads service publishes won-deal events (issue #4): no number is made up before then.",
    )


class JourneyReport(BaseModel):
    """The partner journey of the vendor's program, kept up to date from the partnership events.

    Counts start from when the journey consumer first saw a partnership's events (no backfill).
    """

    stages: list[StageJourney]
    time_to_first_deal: TimeToFirstDeal

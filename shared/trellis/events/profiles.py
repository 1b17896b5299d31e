"""ICP and custom-field events of the partners service (source ``trellis.partners``).

``IcpUpdated`` carries the whole ICP, so that a consumer (leads routing) keeps its projection by
replacing what it holds with the newest version, never by patching.
``PartnershipCustomFieldsUpdated`` names every changed key but carries values only for shared
fields: standard fields are the vendor's private data and other services never need them.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from trellis.events.envelope import EventData

SOURCE = "trellis.partners"

FieldType = Literal["text", "number", "date", "single_select", "multi_select"]
FieldVisibility = Literal["standard", "shared"]
# A stored custom-field value: text, a date (YYYY-MM-DD) and a single choice are strings.
FieldValue = str | int | float | list[str] | None


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class CompanySize(_Part):
    min_employees: int | None = None
    max_employees: int | None = None


class IcpCriterion(_Part):
    label: str
    value: str


class Icp(_Part):
    countries: list[str] = Field(default_factory=list)
    industries: list[str] = Field(default_factory=list)
    company_size: CompanySize = Field(default_factory=CompanySize)
    sub_categories: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    custom: list[IcpCriterion] = Field(default_factory=list)


class IcpUpdated(EventData):
    event_type: ClassVar[str] = "IcpUpdated"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    # Increases with every save: a consumer keeps the ICP with the highest version.
    icp_version: int
    icp: Icp
    changed: list[str] = Field(default_factory=list)


class CustomFieldDefinition(_Part):
    field_id: str
    key: str
    label: str
    type: FieldType
    required: bool = False
    visibility: FieldVisibility = "standard"
    options: list[str] = Field(default_factory=list)
    help_text: str | None = None


class CustomFieldDefined(EventData):
    event_type: ClassVar[str] = "CustomFieldDefined"
    source: ClassVar[str] = SOURCE

    field: CustomFieldDefinition


class CustomFieldUpdated(EventData):
    event_type: ClassVar[str] = "CustomFieldUpdated"
    source: ClassVar[str] = SOURCE

    field: CustomFieldDefinition
    field_version: int
    changed: list[str] = Field(default_factory=list)
    removed_options: list[str] = Field(default_factory=list)


class CustomFieldRemoved(EventData):
    event_type: ClassVar[str] = "CustomFieldRemoved"
    source: ClassVar[str] = SOURCE

    field_id: str
    key: str


class SharedFieldChange(_Part):
    key: str
    before: FieldValue = None
    after: FieldValue = None


class PartnershipCustomFieldsUpdated(EventData):
    event_type: ClassVar[str] = "PartnershipCustomFieldsUpdated"
    source: ClassVar[str] = SOURCE

    partnership_id: str
    # Which side made the change: the vendor's people or the partner's (through the portal).
    changed_by: Literal["vendor", "partner"]
    changed_keys: list[str]
    shared_changes: list[SharedFieldChange] = Field(default_factory=list)
    values_version: int


_PARTNERSHIP_ID = "7f0c1a0e6f3b4c7e9d2a5b8c1d4e7f00"

EVENTS: tuple[type[EventData], ...] = (
    IcpUpdated,
    CustomFieldDefined,
    CustomFieldUpdated,
    CustomFieldRemoved,
    PartnershipCustomFieldsUpdated,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    _FIELD = CustomFieldDefinition(
        field_id="0190f3a1b2c3d4e5f6a7b8c9d0", key="support_level", label="Support level",
        type="single_select",
        required=False, visibility="shared", options=["basic", "premium"], help_text="Agreed support tier",
    )

    return (
        IcpUpdated(
            partnership_id=_PARTNERSHIP_ID, icp_version=2,
            icp=Icp(
                countries=["DE", "FR"], industries=["software_saas"],
                company_size=CompanySize(min_employees=50, max_employees=500),
                sub_categories=["mid-market erp"], keywords=["sap migration", "cloud erp"],
                custom=[IcpCriterion(label="Buying committee", value="CFO and CIO")],
            ),
            changed=["countries", "keywords"],
        ),
        CustomFieldDefined(field=_FIELD),
        CustomFieldUpdated(
            field=_FIELD.model_copy(update={"options": ["basic", "premium", "enterprise"]}), field_version=2,
            changed=["options"],
        ),
        CustomFieldRemoved(field_id=_FIELD.field_id, key=_FIELD.key),
        PartnershipCustomFieldsUpdated(
            partnership_id=_PARTNERSHIP_ID, changed_by="partner", changed_keys=["support_level"],
            shared_changes=[SharedFieldChange(key="support_level", before="basic", after="premium")],
            values_version=3,
        ),
    )

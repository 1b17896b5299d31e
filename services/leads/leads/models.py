"""What the leads API returns."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from trellis.countries import CountryCode
from trellis.currencies import CurrencyCode, minor_units
from trellis.domains import normalise_domain
from trellis.events.crm import LifecycleStage
from trellis.industries import IndustryCode
from trellis.money import MoneyAmount, decimal_places, in_minor_units


class Lead(BaseModel):
    id: str
    company_name: str
    status: str
    created_at: datetime


# --- CRM: accounts, contacts, account imports and exports
#
# Accounts and contacts belong to the caller's organisation (vendors and partners alike keep a CRM).
# Inputs forbid unknown fields; a PATCH changes only the fields sent and ``null`` clears one.

CrmId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
# Printable on one line: names end up in CSV exports, emails and notification titles.
CrmName = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]
# Several lines allowed (tabs and line breaks), no other control characters.
LongText = Annotated[
    str, StringConstraints(max_length=10_000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"),
]
Label = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$")]
PostalCode = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[^\x00-\x1f\x7f]+$")]
MAX_ADDRESSES = 10
MAX_EMPLOYEES = 10_000_000
ACCOUNT_SORTS = ("name", "-name", "created", "-created")
AccountSort = Literal["name", "-name", "created", "-created"]
EMAIL = r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"


def _crm_website(value: str) -> str:
    normalise_domain(value)  # raises ValueError, reported on the field
    return value


CrmWebsite = Annotated[str, Field(max_length=2048), AfterValidator(_crm_website)]


def normalise_linkedin_url(value: str) -> str:
    """``linkedin.com/in/jane`` → ``https://www.linkedin.com/in/jane``; ValueError if not a LinkedIn page."""
    text = value.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme.lower() not in {"http", "https"} or not (
        host == "linkedin.com" or host.endswith(".linkedin.com")
    ):
        raise ValueError("must be a LinkedIn address, such as https://www.linkedin.com/in/jane-doe")
    if parts.username or parts.password or parts.port not in (None, 443):
        raise ValueError("must be a plain LinkedIn address (no user, password or port)")
    if parts.path.strip("/") == "" or any(char.isspace() for char in text):
        raise ValueError("must be the address of a LinkedIn page, such as https://www.linkedin.com/in/jane-doe")
    host = "www.linkedin.com" if host == "linkedin.com" else host
    query = f"?{parts.query}" if parts.query else ""
    return f"https://{host}{parts.path}{query}"


LinkedInUrl = Annotated[str, Field(max_length=2048), AfterValidator(normalise_linkedin_url)]


def _email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


Email = Annotated[str, StringConstraints(max_length=254, pattern=EMAIL), AfterValidator(_email)]


class Revenue(BaseModel):
    """Annual revenue: an exact decimal (best as a JSON string, "1250000.00") in an ISO 4217 currency."""

    model_config = ConfigDict(extra="forbid")

    currency: CurrencyCode
    amount: MoneyAmount

    @field_validator("amount")
    @classmethod
    def _in_currency(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        currency = info.data.get("currency")
        if not isinstance(currency, str):
            return value  # reported on `currency`
        places = minor_units(currency)
        if decimal_places(value) > places:
            raise PydanticCustomError(
                "money_places", "{currency} amounts have at most {places} decimal places",
                {"currency": currency, "places": places},
            )
        return in_minor_units(value, places)


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    label: Label | None = Field(default=None, description="What it is for, e.g. Headquarters, Billing")
    street: CrmName | None = None
    city: ShortText | None = None
    region: ShortText | None = None
    postal_code: PostalCode | None = None
    country: CountryCode | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Address:
        if not any((self.street, self.city, self.region, self.postal_code, self.country)):
            raise PydanticCustomError("empty_address", "an address needs at least a street, city, region, "
                                      "postal code or country")
        return self


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: CrmName
    website: CrmWebsite | None = Field(default=None, description="Its domain is unique among your accounts")
    revenue: Revenue | None = None
    platform: ShortText | None = Field(default=None, description="e.g. Shopify, Magento")
    industry: IndustryCode | None = None
    employee_count: StrictInt | None = Field(default=None, ge=0, le=MAX_EMPLOYEES)
    country: CountryCode | None = None
    lifecycle_stage: LifecycleStage | None = None
    lead_source: ShortText | None = None
    notes: LongText | None = None
    addresses: list[Address] = Field(default_factory=list, max_length=MAX_ADDRESSES)


class AccountUpdate(BaseModel):
    """A partial update: only the fields sent change; ``null`` clears an optional field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: CrmName | None = None
    website: CrmWebsite | None = None
    revenue: Revenue | None = None
    platform: ShortText | None = None
    industry: IndustryCode | None = None
    employee_count: StrictInt | None = Field(default=None, ge=0, le=MAX_EMPLOYEES)
    country: CountryCode | None = None
    lifecycle_stage: LifecycleStage | None = None
    lead_source: ShortText | None = None
    primary_contact_id: CrmId | None = Field(default=None, description="A contact of this account")
    notes: LongText | None = None
    addresses: list[Address] | None = Field(default=None, max_length=MAX_ADDRESSES)
    expected_version: StrictInt | None = Field(
        default=None, ge=1, description="Fail with 409 if the account moved on",
    )

    @field_validator("name")
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null: every account has a name")
        return value

    @model_validator(mode="after")
    def _changes_something(self) -> AccountUpdate:
        if not self.model_fields_set - {"expected_version"}:
            raise PydanticCustomError("empty_update", "send at least one field to change")
        return self


class AccountQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lifecycle_stage: LifecycleStage | None = None
    country: CountryCode | None = None
    sort: AccountSort = "name"


class Account(BaseModel):
    id: str
    name: str
    website: str | None = None
    domain: str | None = None
    revenue: Revenue | None = None
    platform: str | None = None
    industry: str | None = None
    employee_count: int | None = None
    country: str | None = None
    lifecycle_stage: LifecycleStage | None = None
    lead_source: str | None = None
    primary_contact_id: str | None = None
    notes: str | None = None
    addresses: list[Address] = Field(default_factory=list)
    contact_count: int = 0
    created_at: datetime
    updated_at: datetime
    version: int


class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: ShortText
    last_name: ShortText | None = None
    email: Email | None = None
    title: ShortText | None = None
    linkedin_url: LinkedInUrl | None = None


class ContactUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: ShortText | None = None
    last_name: ShortText | None = None
    email: Email | None = None
    title: ShortText | None = None
    linkedin_url: LinkedInUrl | None = None
    expected_version: StrictInt | None = Field(
        default=None, ge=1, description="Fail with 409 if the contact moved on",
    )

    @field_validator("first_name")
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null: every contact has a first name")
        return value

    @model_validator(mode="after")
    def _changes_something(self) -> ContactUpdate:
        if not self.model_fields_set - {"expected_version"}:
            raise PydanticCustomError("empty_update", "send at least one field to change")
        return self


class Contact(BaseModel):
    id: str
    account_id: str
    first_name: str
    last_name: str | None = None
    email: str | None = None
    title: str | None = None
    linkedin_url: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int


ImportStatus = Literal["queued", "running", "completed", "failed"]
RowOutcome = Literal["created", "updated", "unchanged", "rejected"]


class ImportRowResult(BaseModel):
    """What happened to one row of the file (``row`` as a spreadsheet numbers it: the header is row 1)."""

    row: int
    outcome: RowOutcome
    account_id: str | None = None
    reason: str | None = None


class ImportRejection(BaseModel):
    row: int
    reason: str
    name: str | None = None
    website: str | None = None


class AccountImport(BaseModel):
    """An account import: ``created + updated + unchanged + rejected == rows_done`` (all rows at the end)."""

    id: str
    status: ImportStatus
    file_name: str | None = None
    rows_total: int
    rows_done: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    # File header → account field (null: the column is ignored), as applied.
    columns: dict[str, str | None]
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    error: str | None = None
    # Every row's outcome, when the file was imported within the request (small files only).
    results: list[ImportRowResult] | None = None


ExportStatus = Literal["queued", "completed", "failed"]


class AccountExport(BaseModel):
    id: str
    status: ExportStatus
    accounts: int | None = None
    download_url: str | None = Field(default=None, description="A short-lived link to the CSV file")
    download_expires_at: datetime | None = None
    created_at: datetime
    completed_at: datetime | None = None

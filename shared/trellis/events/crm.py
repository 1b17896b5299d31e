"""CRM events of the leads service (source ``trellis.leads``): accounts, contacts, account imports.

Account events carry the normalised ``domain`` (the key Trellis matches companies on: overlaps,
deal registration) and the few fields other areas route on; never the notes, addresses or revenue.
Contact events carry ids only: a contact's name and email are personal data and stay in the table.

An account import publishes AccountImportStarted when it runs as a job, AccountImportProgressed
when one worker invocation hands the rest of the file to the next (the import worker consumes both),
and AccountImportCompleted once every row is accounted for. The accounts it creates or changes are
published per chunk of rows, up to 100 in one AccountsImported (each with what AccountCreated or
AccountUpdated would carry): a 50,000-row file is 500 events, not 50,000.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from trellis.events.envelope import EventData

SOURCE = "trellis.leads"

LifecycleStage = Literal[
    "subscriber", "lead", "marketing_qualified", "sales_qualified", "opportunity", "customer",
    "evangelist", "other",
]


class AccountCreated(EventData):
    event_type: ClassVar[str] = "AccountCreated"
    source: ClassVar[str] = SOURCE

    account_id: str
    name: str
    domain: str | None = None
    country: str | None = None
    industry: str | None = None
    lifecycle_stage: LifecycleStage | None = None


class AccountUpdated(EventData):
    """Some of the account's fields changed (``changed`` names them); the routing fields as they are now."""

    event_type: ClassVar[str] = "AccountUpdated"
    source: ClassVar[str] = SOURCE

    account_id: str
    name: str
    domain: str | None = None
    # The domain before this change, when the change moved the account to another domain (or none).
    previous_domain: str | None = None
    country: str | None = None
    industry: str | None = None
    lifecycle_stage: LifecycleStage | None = None
    changed: list[str] = Field(default_factory=list)


class AccountDeleted(EventData):
    """The account and all its contacts are gone."""

    event_type: ClassVar[str] = "AccountDeleted"
    source: ClassVar[str] = SOURCE

    account_id: str
    name: str
    domain: str | None = None
    contacts_deleted: int = 0


class ContactCreated(EventData):
    event_type: ClassVar[str] = "ContactCreated"
    source: ClassVar[str] = SOURCE

    contact_id: str
    account_id: str


class ContactUpdated(EventData):
    event_type: ClassVar[str] = "ContactUpdated"
    source: ClassVar[str] = SOURCE

    contact_id: str
    account_id: str
    changed: list[str] = Field(default_factory=list)


class ContactDeleted(EventData):
    event_type: ClassVar[str] = "ContactDeleted"
    source: ClassVar[str] = SOURCE

    contact_id: str
    account_id: str
    # The contact was the account's primary contact (the account now has none).
    was_primary: bool = False


class ImportedAccount(BaseModel):
    """One account an import created or changed (``changed``: the fields the row set that differed)."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    account_id: str
    outcome: Literal["created", "updated"]
    name: str
    domain: str
    country: str | None = None
    industry: str | None = None
    lifecycle_stage: LifecycleStage | None = None
    changed: list[str] = Field(default_factory=list)


class AccountsImported(EventData):
    """A chunk of an import's rows was committed: the accounts it created or changed (at most 100)."""

    event_type: ClassVar[str] = "AccountsImported"
    source: ClassVar[str] = SOURCE

    import_id: str
    first_row: int
    last_row: int
    accounts: list[ImportedAccount]


class AccountImportStarted(EventData):
    """A CSV file too large to import within the request was stored and queued for the import worker."""

    event_type: ClassVar[str] = "AccountImportStarted"
    source: ClassVar[str] = SOURCE

    import_id: str
    rows_total: int


class AccountImportProgressed(EventData):
    """An import worker ran out of time: ``rows_done`` rows are committed, the next invocation goes on."""

    event_type: ClassVar[str] = "AccountImportProgressed"
    source: ClassVar[str] = SOURCE

    import_id: str
    rows_done: int
    rows_total: int


class AccountImportCompleted(EventData):
    """Every row of the file is accounted for: created + updated + unchanged + rejected = rows_total."""

    event_type: ClassVar[str] = "AccountImportCompleted"
    source: ClassVar[str] = SOURCE

    import_id: str
    rows_total: int
    created: int
    updated: int
    unchanged: int
    rejected: int


class AccountExportRequested(EventData):
    """An export of all accounts to a CSV file was requested (the worker writes the file)."""

    event_type: ClassVar[str] = "AccountExportRequested"
    source: ClassVar[str] = SOURCE

    export_id: str


class AccountExportCompleted(EventData):
    event_type: ClassVar[str] = "AccountExportCompleted"
    source: ClassVar[str] = SOURCE

    export_id: str
    accounts: int


_ACCOUNT_ID = "3f6c2b1a9e8d4c7b8a5f0e1d2c3b4a59"
_CONTACT_ID = "8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d"
_IMPORT_ID = "1767225600000a1b2c3d4e5f6a7"

EVENTS: tuple[type[EventData], ...] = (
    AccountCreated,
    AccountUpdated,
    AccountDeleted,
    ContactCreated,
    ContactUpdated,
    ContactDeleted,
    AccountsImported,
    AccountImportStarted,
    AccountImportProgressed,
    AccountImportCompleted,
    AccountExportRequested,
    AccountExportCompleted,
)


def examples() -> tuple[EventData, ...]:
    """An example of every event above (the contract tests and the catalogue's examples)."""
    return (
        AccountCreated(
            account_id=_ACCOUNT_ID, name="Contoso Retail", domain="contoso.example", country="NL",
            industry="retail_ecommerce", lifecycle_stage="lead",
        ),
        AccountUpdated(
            account_id=_ACCOUNT_ID, name="Contoso Retail", domain="contoso-retail.example",
            previous_domain="contoso.example", country="NL", industry="retail_ecommerce",
            lifecycle_stage="customer", changed=["lifecycle_stage", "website"],
        ),
        AccountDeleted(
            account_id=_ACCOUNT_ID, name="Contoso Retail", domain="contoso.example", contacts_deleted=2,
        ),
        ContactCreated(contact_id=_CONTACT_ID, account_id=_ACCOUNT_ID),
        ContactUpdated(contact_id=_CONTACT_ID, account_id=_ACCOUNT_ID, changed=["title"]),
        ContactDeleted(contact_id=_CONTACT_ID, account_id=_ACCOUNT_ID, was_primary=True),
        AccountsImported(
            import_id=_IMPORT_ID, first_row=2, last_row=101, accounts=[
                ImportedAccount(account_id=_ACCOUNT_ID, outcome="created", name="Contoso Retail",
                                domain="contoso.example", country="NL", lifecycle_stage="lead"),
                ImportedAccount(account_id=_CONTACT_ID, outcome="updated", name="Fabrikam",
                                domain="fabrikam.example", changed=["employee_count"]),
            ],
        ),
        AccountImportStarted(import_id=_IMPORT_ID, rows_total=12000),
        AccountImportProgressed(import_id=_IMPORT_ID, rows_done=7400, rows_total=12000),
        AccountImportCompleted(
            import_id=_IMPORT_ID, rows_total=12000, created=11000, updated=600, unchanged=380, rejected=20,
        ),
        AccountExportRequested(export_id=_IMPORT_ID),
        AccountExportCompleted(export_id=_IMPORT_ID, accounts=48210),
    )

"""Account CSV files: the import template, reading an uploaded file, and writing the export.

Reading is strict about what makes a file unusable as a whole — its size (checked before anything
is decoded), its encoding (UTF-8, with or without a BOM), CSV syntax, the header (no duplicate,
unknown or missing columns) — and forgiving per row: a row that does not validate is rejected with
its reason, and the others are imported. Rows are numbered as a spreadsheet shows them: the header
is row 1, the first account row 2.

Cells that start like a formula (= + - @, tab, carriage return) are written to the export with a
leading apostrophe, so a spreadsheet shows them as text (CSV injection); reading removes it again,
so an exported file imports unchanged.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from leads.models import AccountCreate
from trellis.domains import normalise_domain
from trellis.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType, ValidationFailed

# Below Lambda's 6 MB request payload even when API Gateway sends the body base64-encoded (4/3 larger).
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_ROWS = 50_000
MAX_CELL_CHARS = 20_000
# A lone UTF-16 surrogate cannot be stored or exported as UTF-8: the file's text holds U+FFFD in its place.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"

ADDRESS_COLUMNS: Mapping[str, str] = {
    "address_label": "label", "address_street": "street", "address_city": "city", "address_region": "region",
    "address_postal_code": "postal_code", "address_country": "country",
}
TEMPLATE_COLUMNS: tuple[str, ...] = (
    "name", "website", "revenue", "revenue_currency", "platform", "industry", "employee_count", "country",
    "lifecycle_stage", "lead_source", "notes", *ADDRESS_COLUMNS,
)
# Columns of the export that an import reads past: an exported file can be edited and imported again.
READ_ONLY_COLUMNS: tuple[str, ...] = (
    "id", "domain", "primary_contact_id", "contact_count", "created_at", "updated_at",
)
EXPORT_COLUMNS: tuple[str, ...] = ("id", "domain", *TEMPLATE_COLUMNS, *READ_ONLY_COLUMNS[2:])
REQUIRED_COLUMNS = ("name", "website")
# Headers other tools write for the same fields (compared after normalise_header).
ALIASES: Mapping[str, str] = {
    "account": "name", "account_name": "name", "company": "name", "company_name": "name",
    "website_url": "website", "url": "website", "web_site": "website",
    "annual_revenue": "revenue", "currency": "revenue_currency",
    "employees": "employee_count", "number_of_employees": "employee_count",
    "lifecycle": "lifecycle_stage", "stage": "lifecycle_stage", "source": "lead_source",
    "street": "address_street", "city": "address_city", "postal_code": "address_postal_code",
    "zip": "address_postal_code", "region": "address_region", "state": "address_region",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def normalise_header(text: str) -> str:
    """``" Website URL "`` → ``website_url``."""
    return re.sub(r"[^0-9a-z]+", "_", text.strip().casefold()).strip("_")


# ---------------------------------------------------------------- the body → text


def file_bytes(body: str | None, *, base64_encoded: bool, content_length: str | None) -> bytes:
    """The uploaded file's bytes; 413 for a file over the limit, decided before anything is decoded.

    The Lambda event already holds the body once: a body that is too large is refused on its length
    (or the declared Content-Length), never copied or decoded first.
    """
    too_large = PayloadTooLarge(
        f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it into several files",
        field="file",
    )
    if content_length and content_length.strip().isdigit() and int(content_length) > MAX_FILE_BYTES:
        raise too_large
    if not body:
        raise ValidationFailed("the file is empty", field="file")
    if base64_encoded:
        if len(body) // 4 * 3 > MAX_FILE_BYTES + 2:
            raise too_large
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as error:
            raise BadRequest("the body is not valid base64", field="file") from error
    else:
        if len(body) > MAX_FILE_BYTES:  # characters: the UTF-8 bytes are at least as many
            raise too_large
        raw = body.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_FILE_BYTES:
        raise too_large
    return raw


def _charset(content_type: str | None) -> str | None:
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"') or None
    return None


def _guess(raw: bytes) -> str:
    """A name for what a non-UTF-8 file probably is, for the message that asks to save it as UTF-8."""
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or raw.count(b"\x00") > len(raw) // 4:
        return "UTF-16"
    return "Windows-1252 or ISO-8859-1 (Latin-1)"


def decode_text(raw: bytes, content_type: str | None) -> str:
    """The file as text: UTF-8 (a BOM is dropped); 415 naming the encoding otherwise."""
    charset = _charset(content_type)
    if charset and charset.lower().replace("_", "-") not in {"utf-8", "utf8", "us-ascii", "ascii"}:
        raise UnsupportedMediaType(
            f"the file is sent as {charset}; send it as UTF-8 (in Excel: Save As → CSV UTF-8)",
            field="content-type",
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnsupportedMediaType("the file is UTF-16 encoded; save it as CSV UTF-8", field="file")
    try:
        # "surrogatepass": an encoded lone surrogate (or a text body that held one) becomes U+FFFD, so
        # the row that has it is rejected with its number (see row_values), not the whole file.
        text = _SURROGATE.sub(REPLACEMENT, raw.decode("utf-8", "surrogatepass"))
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise UnsupportedMediaType(
            f"the file is not UTF-8: byte 0x{raw[error.start]:02X} on line {line} is not valid UTF-8; it "
            f"looks like {_guess(raw)}. Save it as CSV UTF-8", field="file",
        ) from error
    if "\x00" in text:
        raise UnsupportedMediaType(
            f"the file contains NUL characters: it looks like {_guess(raw)}, not a UTF-8 CSV file",
            field="file",
        )
    if not text.strip():
        raise ValidationFailed("the file is empty", field="file")
    return text


# ---------------------------------------------------------------- text → header and records


@dataclass(frozen=True)
class CsvFile:
    columns: list[tuple[str, str | None]]  # each file header → the field it fills (None: ignored)
    records: list[list[str]]  # the account rows; records[i] is row i + 2


def _delimiter(text: str) -> str:
    """Comma, unless the header line has none and has semicolons (Excel in many locales) or tabs."""
    header = text.split("\n", 1)[0]
    if "," in header:
        return ","
    return ";" if ";" in header else "\t" if "\t" in header else ","


def _problem(message: str, column: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"field": "file.header", "message": message}
    if column is not None:
        entry["column"] = column
    return entry


def resolve_columns(
    headers: Sequence[str], mapping: Mapping[str, str | None] | None,
) -> list[tuple[str, str | None]]:
    """Which field each column fills: the request's mapping first, then the header's own name.

    422 listing every problem at once: a column without a header, duplicate headers, unknown headers,
    a mapping naming a column the file lacks or a field that does not exist, two columns for one
    field, no column for a required field.
    """
    mapping = mapping or {}
    problems: list[dict[str, Any]] = []
    importable = set(TEMPLATE_COLUMNS)
    for header, field in mapping.items():
        if header not in headers:
            problems.append({"field": f"mapping.{header}", "message": "the file has no such column"})
        if field is not None and field not in importable:
            problems.append({"field": f"mapping.{header}",
                             "message": f"no such field {field!r}; fields: {', '.join(TEMPLATE_COLUMNS)}"})
    seen: dict[str, str] = {}
    columns: list[tuple[str, str | None]] = []
    for position, header in enumerate(headers, start=1):
        label = header.strip()
        if not label and header not in mapping:
            problems.append(_problem(f"column {position} has no header", f"column {position}"))
            columns.append((header, None))
            continue
        normalised = normalise_header(label)
        if normalised in seen or label in seen:
            first = seen.get(normalised) or seen.get(label)
            problems.append(_problem(f"duplicate column {label!r} (also column {first})", label))
            columns.append((header, None))
            continue
        seen[normalised] = str(position)
        if header in mapping:
            columns.append((header, mapping[header]))
        elif normalised in importable or normalised in ALIASES:
            columns.append((header, normalised if normalised in importable else ALIASES[normalised]))
        elif normalised in READ_ONLY_COLUMNS:
            columns.append((header, None))
        else:
            problems.append(_problem(f"unknown column {label!r}: map it to a field (mapping) or to null to "
                                     "leave it out", label))
            columns.append((header, None))
    by_field: dict[str, list[str]] = {}
    for header, field in columns:
        if field is not None:
            by_field.setdefault(field, []).append(header)
    for field, headers_of_field in by_field.items():
        if len(headers_of_field) > 1:
            names = ", ".join(repr(h) for h in headers_of_field)
            problems.append(_problem(f"columns {names} all fill {field}; keep one", headers_of_field[-1]))
    for field in REQUIRED_COLUMNS:
        if field not in by_field:
            why = " (rows are matched to accounts by the website's domain)" if field == "website" else ""
            problems.append(_problem(f"the file has no {field} column{why}"))
    if problems:
        messages = "; ".join(problem["message"] for problem in problems)
        raise ValidationFailed(f"the file's header cannot be used: {messages}", errors=problems)
    return columns


def read_file(text: str, mapping: Mapping[str, str | None] | None) -> CsvFile:
    """The header (resolved against the mapping) and every account row; 4xx for a file that is not usable."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    records: list[list[str]] = []
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise ValidationFailed("the file has no header row", field="file")
        for record in reader:
            if len(records) >= MAX_ROWS:
                raise PayloadTooLarge(
                    f"the file has more than {MAX_ROWS:,} rows; split it into several files", field="file",
                )
            records.append(record)
    except csv.Error as error:
        raise ValidationFailed(
            f"the file is not valid CSV (line {reader.line_num}): {error}", field="file",
        ) from error
    while records and not records[-1]:
        records.pop()  # blank lines at the end of the file are not rows
    if not records:
        raise ValidationFailed("the file has a header but no rows", field="file")
    if header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    return CsvFile(columns=resolve_columns(header, mapping), records=records)


# ---------------------------------------------------------------- one record → account values


@dataclass(frozen=True)
class RowValues:
    """A valid row: the account fields its non-blank cells set (validated values), and its domain."""

    values: dict[str, Any]
    domain: str
    name: str
    website: str


def unescape(cell: str) -> str:
    text = cell.strip()
    if text.startswith("'") and text[1:2] in _FORMULA_START and text[1:2] != "":
        return text[1:]
    return text


def escape(cell: str) -> str:
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell


def _lifecycle(value: str) -> str:
    return normalise_header(value)


def _reason(error: ValidationError, headers: Mapping[str, str]) -> str:
    parts = []
    for item in error.errors()[:3]:
        location = [str(part) for part in item["loc"]]
        field = location[0] if location else "row"
        if field == "revenue":
            field = headers.get("revenue_currency" if location[-1] == "currency" else "revenue", "revenue")
        elif field == "addresses":
            field = headers.get(f"address_{location[-1]}", "address")
        else:
            field = headers.get(field, field)
        parts.append(f"{field}: {item['msg']}")
    return "; ".join(parts)


def row_values(columns: Sequence[tuple[str, str | None]], cells: Sequence[str]) -> RowValues | str:
    """The row's account values, or the reason it is rejected."""
    if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns):]):
        return f"the row has {len(cells)} cells, the header {len(columns)}"
    headers = {field: header.strip() for header, field in columns if field}
    raw: dict[str, str] = {}
    for (_, field), cell in zip(columns, cells, strict=False):
        if field is None:
            continue
        if len(cell) > MAX_CELL_CHARS:
            return f"{headers[field]}: more than {MAX_CELL_CHARS:,} characters"
        if REPLACEMENT in cell:
            return (f"{headers[field]}: holds a character that is not valid text (U+FFFD, in place of a lone "
                    "UTF-16 surrogate or of a broken conversion); fix the cell and import the row again")
        text = unescape(cell)
        if text:
            raw[field] = text
    if not raw:
        return "the row is empty"
    data: dict[str, Any] = {}
    amount, currency = raw.pop("revenue", None), raw.pop("revenue_currency", None)
    if amount is not None or currency is not None:
        if amount is None or currency is None:
            if amount is not None:
                currency_column = headers.get("revenue_currency", "revenue_currency")
                return f"{headers['revenue']} needs a currency ({currency_column})"
            return f"{headers['revenue_currency']} without {headers.get('revenue', 'revenue')}"
        data["revenue"] = {"amount": amount, "currency": currency}
    address = {ADDRESS_COLUMNS[field]: raw.pop(field) for field in list(raw) if field in ADDRESS_COLUMNS}
    if address:
        data["addresses"] = [address]
    if "employee_count" in raw:
        count = raw.pop("employee_count")
        if not count.isdigit():
            return f"{headers['employee_count']}: must be a whole number such as 120"
        data["employee_count"] = int(count)
    if "lifecycle_stage" in raw:
        data["lifecycle_stage"] = _lifecycle(raw.pop("lifecycle_stage"))
    data.update(raw)
    if "website" not in data:
        return f"{headers.get('website', 'website')} is required: rows are matched to accounts by domain"
    if "name" not in data:
        return f"{headers.get('name', 'name')} is required"
    try:
        account = AccountCreate.model_validate(data)
    except ValidationError as error:
        return _reason(error, headers)
    values = {field: getattr(account, field) for field in data}
    website = str(account.website)
    return RowValues(values=values, domain=normalise_domain(website), name=account.name, website=website)


def first_rows_by_domain(csv_file: CsvFile) -> dict[str, int]:
    """Each domain → the first valid row that has it: a later row with the same domain is rejected.

    Over the whole file (a chunk needs to know the rows before it): a rejected row never keeps a later,
    valid one with the same domain out.
    """
    first: dict[str, int] = {}
    for index, record in enumerate(csv_file.records):
        row = row_values(csv_file.columns, record)
        if isinstance(row, RowValues):
            first.setdefault(row.domain, index + 2)
    return first


# ---------------------------------------------------------------- writing


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([escape(cell) for cell in row])
    return buffer.getvalue()


def template_csv() -> str:
    return csv_text([TEMPLATE_COLUMNS])

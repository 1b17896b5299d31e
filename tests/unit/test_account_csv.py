"""Reading account CSV files: size, encoding, CSV syntax, the header and its mapping, and each row."""

from __future__ import annotations

import base64
import codecs
from typing import Any

import pytest

from leads.logic.account_csv import (
    EXPORT_COLUMNS,
    MAX_FILE_BYTES,
    TEMPLATE_COLUMNS,
    CsvFile,
    csv_text,
    decode_text,
    file_bytes,
    first_rows_by_domain,
    read_file,
    row_values,
    template_csv,
)
from leads.models import Revenue
from trellis.errors import BadRequest, DomainError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed

HEADER = "name,website,country,lifecycle_stage\n"


def _columns(text: str, mapping: dict[str, str | None] | None = None) -> list[tuple[str, str | None]]:
    return read_file(text, mapping).columns


def _fields(error: DomainError) -> list[str]:
    return [entry["field"] for entry in error.errors]


# ---------------------------------------------------------------- size and encoding


def test_a_body_over_the_limit_is_refused_before_it_is_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*_: Any, **__: Any) -> bytes:
        raise AssertionError("decoded a body that is too large")

    monkeypatch.setattr(base64, "b64decode", never)
    body = "A" * (MAX_FILE_BYTES // 3 * 4 + 16)
    with pytest.raises(PayloadTooLarge):
        file_bytes(body, base64_encoded=True, content_length=None)
    with pytest.raises(PayloadTooLarge):
        file_bytes("tiny", base64_encoded=True, content_length=str(50 * 1024 * 1024))
    with pytest.raises(PayloadTooLarge):
        file_bytes("x" * (MAX_FILE_BYTES + 1), base64_encoded=False, content_length=None)


def test_a_text_body_whose_utf8_bytes_exceed_the_limit_is_refused() -> None:
    with pytest.raises(PayloadTooLarge):
        file_bytes("é" * (MAX_FILE_BYTES // 2 + 1), base64_encoded=False, content_length=None)


def test_base64_and_text_bodies_give_the_same_bytes() -> None:
    raw = "name,website\nCafé,cafe.example\n".encode()
    assert file_bytes(base64.b64encode(raw).decode(), base64_encoded=True, content_length=None) == raw
    assert file_bytes(raw.decode(), base64_encoded=False, content_length="31") == raw
    with pytest.raises(BadRequest):
        file_bytes("not base64!", base64_encoded=True, content_length=None)
    with pytest.raises(ValidationFailed):
        file_bytes("", base64_encoded=False, content_length=None)


def test_utf8_with_or_without_a_bom_is_read() -> None:
    text = "name,website\nCafé,cafe.example\n"
    assert decode_text(text.encode(), "text/csv") == text
    assert decode_text(codecs.BOM_UTF8 + text.encode(), "text/csv; charset=utf-8") == text


@pytest.mark.parametrize(
    ("raw", "content_type", "named"),
    [
        ("name,website\nCafé,cafe.example\n".encode("cp1252"), "text/csv", "Windows-1252"),
        ("name,website\nCafé,cafe.example\n".encode("utf-16"), "text/csv", "UTF-16"),
        ("name,website\n".encode("utf-16-le"), "text/csv", "UTF-16"),
        (b"name,website\n", "text/csv; charset=iso-8859-1", "iso-8859-1"),
    ],
    ids=["windows-1252", "utf-16-with-bom", "utf-16-without-bom", "declared-latin-1"],
)
def test_a_file_that_is_not_utf8_is_refused_naming_its_encoding(
    raw: bytes, content_type: str, named: str,
) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        decode_text(raw, content_type)
    assert named in caught.value.detail


def test_the_line_of_the_first_bad_byte_is_named() -> None:
    raw = "name,website\nA,a.example\nCafé,cafe.example\n".encode("latin-1")
    with pytest.raises(UnsupportedMediaType) as caught:
        decode_text(raw, None)
    assert "0xE9 on line 3" in caught.value.detail


@pytest.mark.parametrize("text", ["", "   \n\n", "\ufeff"])
def test_an_empty_file_is_refused(text: str) -> None:
    with pytest.raises(ValidationFailed):
        decode_text(text.encode(), None)


# ---------------------------------------------------------------- CSV syntax and the header


@pytest.mark.parametrize(
    "text",
    ['name,website\n"Contoso,contoso.example\n', 'name,website\n"Con"toso",contoso.example\n'],
    ids=["unterminated-quote", "stray-quote"],
)
def test_malformed_csv_is_refused_naming_the_line(text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        read_file(text, None)
    assert "not valid CSV (line" in caught.value.detail


def test_a_header_without_rows_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="no rows"):
        read_file("name,website\n\n\n", None)


def test_headers_are_matched_by_name_alias_and_case() -> None:
    columns = _columns(
        "Company Name, Website URL ,EMPLOYEES,Lifecycle Stage,Domain,ID\nA,a.example,1,lead,x,y\n",
    )
    assert columns == [
        ("Company Name", "name"), (" Website URL ", "website"), ("EMPLOYEES", "employee_count"),
        ("Lifecycle Stage", "lifecycle_stage"), ("Domain", None), ("ID", None),
    ]


def test_a_semicolon_separated_file_is_read() -> None:
    csv_file = read_file("name;website\nContoso;contoso.example\n", None)
    assert csv_file.records == [["Contoso", "contoso.example"]]


def test_duplicate_and_unknown_headers_are_named() -> None:
    with pytest.raises(ValidationFailed) as caught:
        read_file("name,website,Name,Favourite colour,\nA,a.example,B,blue,\n", None)
    assert [entry.get("column") for entry in caught.value.errors] == ["Name", "Favourite colour", "column 5"]
    assert "Name" in caught.value.detail
    assert "Favourite colour" in caught.value.detail


def test_a_mapping_renames_and_drops_columns() -> None:
    columns = _columns("Firma,Webseite,Farbe\nA,a.example,blue\n",
                       {"Firma": "name", "Webseite": "website", "Farbe": None})
    assert columns == [("Firma", "name"), ("Webseite", "website"), ("Farbe", None)]


@pytest.mark.parametrize(
    ("mapping", "fields"),
    [
        ({"Nope": "name"}, ["mapping.Nope"]),
        ({"Firma": "company_size"}, ["file.header", "mapping.Firma"]),
        ({"Webseite": "name"}, ["file.header", "file.header"]),
    ],
    ids=["column-not-in-file", "unknown-field", "two-columns-one-field"],
)
def test_a_bad_mapping_is_refused_naming_it(mapping: dict[str, str], fields: list[str]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        read_file("Firma,Webseite\nA,a.example\n", {"Firma": "name", "Webseite": "website", **mapping})
    assert sorted(_fields(caught.value)) == sorted(fields)


def test_a_file_without_a_website_column_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="header") as caught:
        read_file("name,country\nA,NL\n", None)
    assert "no website column" in caught.value.errors[0]["message"]


# ---------------------------------------------------------------- rows


def _row(*cells: str, header: str = HEADER) -> Any:
    csv_file = read_file(header + ",".join(cells) + "\n", None)
    return row_values(csv_file.columns, csv_file.records[0])


def test_a_valid_row_gives_normalised_values_and_its_domain() -> None:
    header = ("name,website,revenue,revenue_currency,employee_count,country,lifecycle_stage,address_city,"
              "notes\n")
    row = _row("Contoso", "https://WWW.contoso.example/", "1200.5", "eur", "120", "nl", "Sales Qualified",
               "Amsterdam", "'=not a formula", header=header)
    assert row.domain == "contoso.example"
    assert row.values["revenue"] == Revenue(currency="EUR", amount="1200.50")
    assert row.values["employee_count"] == 120
    assert row.values["country"] == "NL"
    assert row.values["lifecycle_stage"] == "sales_qualified"
    assert [address.city for address in row.values["addresses"]] == ["Amsterdam"]
    assert row.values["notes"] == "=not a formula"


def test_blank_cells_set_nothing() -> None:
    row = _row("Contoso", "contoso.example", "", "")
    assert set(row.values) == {"name", "website"}


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (("", "contoso.example", "NL", ""), "name is required"),
        (("Contoso", "", "NL", ""), "website is required"),
        (("Contoso", "not a website", "", ""), "website: Value error, must be a website address"),
        (("Contoso", "contoso.example", "Holland", ""), "country: Value error"),
        (("Contoso", "contoso.example", "", "won"), "lifecycle_stage: Input should be"),
        (("", "", "", ""), "the row is empty"),
        (("Contoso", "contoso.example", "", "", "extra"), "the row has 5 cells, the header 4"),
    ],
    ids=["no-name", "no-website", "bad-website", "bad-country", "bad-stage", "empty", "too-many-cells"],
)
def test_an_invalid_row_gets_a_reason(cells: tuple[str, ...], reason: str) -> None:
    result = _row(*cells)
    assert isinstance(result, str)
    assert result.startswith(reason), result


def test_revenue_needs_its_currency_and_an_exact_amount() -> None:
    header = "name,website,revenue,Currency\n"
    assert _row("A", "a.example", "100", "", header=header) == "revenue needs a currency (Currency)"
    assert _row("A", "a.example", "", "EUR", header=header) == "Currency without revenue"
    assert str(_row("A", "a.example", "1e5", "EUR", header=header)).startswith("revenue: ")
    assert str(_row("A", "a.example", "10.001", "EUR", header=header)).startswith("revenue: ")
    assert str(_row("A", "a.example", "10", "XYZ", header=header)).startswith("Currency: ")


def test_the_reason_names_the_files_own_column() -> None:
    mapping: dict[str, str | None] = {"Firma": "name", "Webseite": "website", "Land": "country"}
    csv_file = read_file("Firma,Webseite,Land\nA,a.example,Holland\n", mapping)
    assert str(row_values(csv_file.columns, csv_file.records[0])).startswith("Land: ")


def test_rows_that_repeat_a_domain_point_at_the_first_valid_one() -> None:
    csv_file = CsvFile(columns=[("name", "name"), ("website", "website"), ("country", "country")],
                       records=[["A", "a.example", ""], ["B", "www.A.example", ""], ["C", "bad site", ""],
                                ["D", "d.example", "Holland"], ["E", "d.example", "NL"]])
    assert first_rows_by_domain(csv_file) == {"a.example": 2, "d.example": 6}


# ---------------------------------------------------------------- writing


def test_the_template_lists_the_importable_columns() -> None:
    assert template_csv() == ",".join(TEMPLATE_COLUMNS) + "\r\n"
    assert set(TEMPLATE_COLUMNS) < set(EXPORT_COLUMNS)


def test_formulas_are_written_as_text_and_read_back_unchanged() -> None:
    text = csv_text([["name", "website", "notes"], ["=HYPERLINK(\"x\")", "a.example", "-5, +3\nline"]])
    assert text.splitlines()[1].startswith("\"'=HYPERLINK(\"\"x\"\")\"")
    csv_file = read_file(text, None)
    row = row_values(csv_file.columns, csv_file.records[0])
    assert not isinstance(row, str)
    assert row.values["name"] == "=HYPERLINK(\"x\")"
    assert row.values["notes"] == "-5, +3\nline"

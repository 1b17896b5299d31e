"""Reading an uploaded account CSV file, for any bytes (leads.logic.account_csv, as the import runs it).

What the module promises: a file that cannot be used as a whole is a clean 4xx (problem fields
named), and a usable one gives every row a result — its account values, or the reason it is
rejected — never an exception; writing a value to the export and reading it back gives it unchanged.
"""

from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st

from leads.logic.account_csv import (
    ALIASES,
    READ_ONLY_COLUMNS,
    TEMPLATE_COLUMNS,
    RowValues,
    csv_text,
    decode_text,
    file_bytes,
    first_rows_by_domain,
    read_file,
    row_values,
    unescape,
)
from trellis.errors import DomainError

CONTENT_TYPES = st.sampled_from([None, "text/csv", "text/csv; charset=utf-8", "text/csv; charset=latin-1",
                                 "text/plain; charset=US-ASCII"])
HEADERS = st.sampled_from([*TEMPLATE_COLUMNS, *READ_ONLY_COLUMNS, *ALIASES, "Website URL", " Name ", "x", ""])
CELLS = st.sampled_from([
    "", "Acme", "acme.example", "https://www.globex.example/about", "not a url", "DE", "NL", "120", "-3",
    "1e3", "12000", "EUR", "eur", "XXX", "software_saas", "customer", '=HYPERLINK("x")', "'=1+1", "  ", "é",
    "\t", '"quoted, comma"', "a" * 300,
]) | st.text(max_size=20)


def _import(raw: bytes, content_type: str | None, *, base64_encoded: bool = True) -> list[RowValues | str]:
    """The import's path from the request body to a result per row (logic/account_imports.py)."""
    body = base64.b64encode(raw).decode() if base64_encoded else raw.decode("utf-8", "surrogateescape")
    data = file_bytes(body, base64_encoded=base64_encoded, content_length=str(len(raw)))
    csv_file = read_file(decode_text(data, content_type), None)
    first_rows_by_domain(csv_file)
    results = [row_values(csv_file.columns, record) for record in csv_file.records]
    assert len(results) == len(csv_file.records)
    return results


def _clean_4xx(error: DomainError) -> None:
    assert 400 <= error.status < 500
    assert error.detail
    assert all(entry.get("field") and entry.get("message") for entry in error.errors)


def _outcome(raw: bytes, content_type: str | None, *, base64_encoded: bool = True) -> None:
    try:
        results = _import(raw, content_type, base64_encoded=base64_encoded)
    except DomainError as error:
        _clean_4xx(error)
        return
    for result in results:
        assert isinstance(result, RowValues) or (isinstance(result, str) and result)


@given(st.binary(max_size=2_000), CONTENT_TYPES)
def test_any_bytes_give_a_result_per_row_or_a_clean_4xx(raw: bytes, content_type: str | None) -> None:
    _outcome(raw, content_type)


@given(st.text(max_size=2_000))
def test_any_text_body_gives_a_result_per_row_or_a_clean_4xx(text: str) -> None:
    # API Gateway hands a text body over as a str; a lone surrogate cannot be UTF-8, and must be a 4xx.
    _outcome(text.encode("utf-8", "surrogatepass"), "text/csv", base64_encoded=False)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """Files that look like account exports: a header of known and unknown columns, rows of likely cells."""
    if draw(st.integers(min_value=0, max_value=4)):  # mostly a usable header, in any order
        others = draw(st.lists(st.sampled_from(TEMPLATE_COLUMNS[2:]), max_size=6, unique=True))
        header = draw(st.permutations([draw(st.sampled_from(["name", "Company"])), "website", *others]))
    else:
        header = draw(st.lists(HEADERS, min_size=1, max_size=8))
    likely = {"name": st.sampled_from(["Acme", "Globex GmbH", " Initech ", ""]),
              "company": st.sampled_from(["Acme", "Umbrella", ""]),
              "website": st.sampled_from(["acme.example", "https://www.globex.example/x", "Globex.example",
                                          "http://", "not a url", ""]),
              "country": st.sampled_from(["DE", "nl", "XX", ""]),
              "employee_count": st.sampled_from(["120", "-3", "1e3", ""]),
              "revenue": st.sampled_from(["12000", "12000.50", "-1", "abc", ""]),
              "revenue_currency": st.sampled_from(["EUR", "jpy", "XXX", ""])}

    def cell(column: str) -> st.SearchStrategy[str]:
        return likely.get(column.strip().casefold(), CELLS)

    rows = draw(st.lists(st.tuples(*(cell(column) for column in header)).map(list)
                         | st.lists(CELLS, max_size=len(header) + 1), max_size=12))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    text = csv_text([header, *rows])
    if delimiter != ",":
        text = text.replace(",", delimiter)
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + text.encode()


@given(csv_files(), CONTENT_TYPES)
def test_any_csv_file_gives_a_result_per_row_or_a_clean_4xx(raw: bytes, content_type: str | None) -> None:
    _outcome(raw, content_type)


@given(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60).map(str.strip))
def test_a_stored_value_written_to_the_export_reads_back_unchanged(value: str) -> None:
    # Account fields are stored stripped (str_strip_whitespace), so that is what an export holds.
    csv_file = read_file(csv_text([["name", "website", "notes"], ["Acme", "acme.example", value]]), None)
    [record] = csv_file.records
    assert unescape(record[2]) == value

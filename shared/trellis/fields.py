"""Input field types every service validates the same way (ids, printable names, websites, https URLs)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from trellis.domains import normalise_domain

EntityId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]

# No control characters: names end up in emails, CSV exports and notification titles.
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
PrintableName = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=PRINTABLE)]
PrintableText = Annotated[str, StringConstraints(max_length=5000)]

# An https address with a host and no whitespace.
HTTPS_URL = r"^https://[^\s/?#]+(?:[/?#]\S*)?$"
HttpsUrl = Annotated[str, Field(max_length=2048, pattern=HTTPS_URL)]


def _website(value: str) -> str:
    normalise_domain(value)  # raises ValueError, reported on the field
    return value


Website = Annotated[str, Field(max_length=2048), AfterValidator(_website)]

# An address as people type it: one @, a dotted domain, no spaces or control characters; lower-cased.
EMAIL = r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f.]+(?:\.[^@\s\x00-\x1f\x7f.]+)+$"
Email = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=EMAIL)]


def _calendar_date(value: object) -> object:
    """Only text (YYYY-MM-DD) or a date: pydantic would otherwise read 0 as 1970-01-01 (a Unix time)."""
    if isinstance(value, str | date):
        return value
    raise ValueError("give the date as YYYY-MM-DD text")


CalendarDate = Annotated[date, BeforeValidator(_calendar_date)]

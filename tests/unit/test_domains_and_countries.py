"""Website → domain normalisation and ISO country codes."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from trellis.countries import COUNTRY_CODES, CountryCode
from trellis.domains import normalise_domain


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("example.com", "example.com"),
        ("https://WWW.Example.com/about?x=1", "example.com"),
        ("http://shop.example.co.uk", "shop.example.co.uk"),
        ("  www.example.com.  ", "example.com"),
        ("https://user:pw@example.com:8443/path", "example.com"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_a_website_is_normalised_to_its_domain(website: str, domain: str) -> None:
    assert normalise_domain(website) == domain


@pytest.mark.parametrize(
    "website",
    [
        "",
        "localhost",
        "https://",
        "http://example..com",
        "www.",
        "https://.com",
        # A host alone does not make a website: these links would run or fetch something else
        "javascript://example.com/%0aalert(document.cookie)",
        "ftp://files.example.com",
        "data://example.com/x",
    ],
)
def test_what_is_not_a_website_with_a_domain_is_refused(website: str) -> None:
    with pytest.raises(ValueError, match="website"):
        normalise_domain(website)


class _Address(BaseModel):
    country: CountryCode


def test_the_country_list_holds_the_249_assigned_codes() -> None:
    assert len(COUNTRY_CODES) == 249
    assert {"DE", "US", "GB", "FR", "JP"} <= COUNTRY_CODES
    assert "UK" not in COUNTRY_CODES  # the common mistake: GB is the code


def test_a_country_code_is_upper_cased() -> None:
    assert _Address(country="de").country == "DE"


@pytest.mark.parametrize("code", ["XX", "UK", "DEU", "", "1A"])
def test_an_unknown_country_code_is_refused(code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _Address(country=code)
    assert raised.value.errors()[0]["loc"] == ("country",)

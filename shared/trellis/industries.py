"""The industries an ICP can name: a fixed list, so that leads routing matches codes, not spellings.

Free text would make "FinTech", "fin-tech" and "Financial services" three industries that never
match a lead's; niches belong in an ICP's sub-categories and keywords instead. Input is forgiving
about case, spaces and hyphens ("Financial Services" → ``financial_services``).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

INDUSTRIES: tuple[str, ...] = (
    "aerospace_defense",
    "agriculture",
    "automotive",
    "construction",
    "consulting_professional_services",
    "consumer_goods",
    "education",
    "energy_utilities",
    "financial_services",
    "government_public_sector",
    "healthcare",
    "hospitality_travel",
    "insurance",
    "it_services",
    "legal",
    "life_sciences_pharma",
    "logistics_transportation",
    "manufacturing",
    "marketing_advertising",
    "media_entertainment",
    "nonprofit",
    "real_estate",
    "retail_ecommerce",
    "software_saas",
    "telecommunications",
    "other",
)
INDUSTRY_CODES = frozenset(INDUSTRIES)


def normalise_industry(value: str) -> str:
    """``" Financial Services "`` → ``financial_services``; ValueError if not on the list."""
    code = re.sub(r"[\s\-/&]+", "_", value.strip().casefold()).strip("_")
    if code not in INDUSTRY_CODES:
        raise ValueError("must be one of the ICP industries: " + ", ".join(INDUSTRIES))
    return code


IndustryCode = Annotated[str, AfterValidator(normalise_industry)]

"""ISO 4217 currency codes in circulation, with their minor units (decimal places), for money fields.

Active codes as of 2026: withdrawn ones (HRK, ANG, SLL, ZWL, …) are left out, and so are fund and
precious-metal codes (BOV, CLF, XAU, XDR, …): commissions are paid in a currency one can pay in.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated

from pydantic import AfterValidator

_ZERO_DECIMALS = ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND",
                  "VUV", "XAF", "XOF", "XPF")
_THREE_DECIMALS = ("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND")
_TWO_DECIMALS = (
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BMD",
    "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY", "COP", "CRC",
    "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL",
    "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD",
    "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA",
    "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO",
    "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR",
    "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL",
    "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "UYU", "UZS", "VED", "VES",
    "WST", "XCD", "XCG", "YER", "ZAR", "ZMW", "ZWG",
)

MINOR_UNITS: MappingProxyType[str, int] = MappingProxyType({
    **dict.fromkeys(_TWO_DECIMALS, 2),
    **dict.fromkeys(_ZERO_DECIMALS, 0),
    **dict.fromkeys(_THREE_DECIMALS, 3),
})


def minor_units(currency: str) -> int:
    """How many decimal places an amount in ``currency`` has (KeyError for an unknown code)."""
    return MINOR_UNITS[currency]


def _known_currency(code: str) -> str:
    code = code.upper()
    if code not in MINOR_UNITS:
        raise ValueError("must be an ISO 4217 currency code in circulation, such as EUR or USD")
    return code


CurrencyCode = Annotated[str, AfterValidator(_known_currency)]

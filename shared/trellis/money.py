"""Exact decimal input for money and rates: never a binary float.

An API accepts a decimal as a JSON string (``"12.50"``, preferred) or as a JSON number. The body
parser (``json.loads``) has already turned a JSON number with a fraction into a float; the float's
shortest representation (``repr``) is exactly the number the client wrote whenever that had at
most 15 significant digits, so such a float is read back as that text, never as the binary value
(``Decimal(0.1)`` would be ``0.1000000000000000055…``). A float with more digits, or so small or
large that it reads back in exponent form (``1e-09``), is refused: send such values as strings.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

# Digits a float carries without loss from the text it was parsed from (IEEE 754 double: 15).
FLOAT_SAFE_DIGITS = 15
DECIMAL_TEXT = re.compile(r"-?[0-9]{1,18}(?:\.[0-9]{1,18})?")
MAX_RATE_PLACES = 4
MAX_MONEY = Decimal("999999999999.999")  # 12 integer digits: exact even when sent as a JSON number


def _not_decimal(message: str) -> PydanticCustomError:
    return PydanticCustomError("decimal_parsing", message)


def exact_decimal(value: object) -> Decimal:
    """A JSON string or number as the Decimal the client wrote (see the module docstring)."""
    if isinstance(value, bool):
        raise _not_decimal('must be a decimal number, preferably as a string such as "12.50"')
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():  # already parsed (a stored record re-read)
        return value
    if isinstance(value, float):
        text = repr(value)
        if not math.isfinite(value) or "e" in text or "E" in text:
            raise _not_decimal('must be a plain decimal without an exponent; send it as a string ("0.05")')
        if len(text.lstrip("-").replace(".", "").lstrip("0")) > FLOAT_SAFE_DIGITS:
            raise _not_decimal("has more digits than a JSON number keeps exactly; send it as a string")
        return Decimal(text)
    if isinstance(value, str):
        if not DECIMAL_TEXT.fullmatch(value):
            raise _not_decimal('must be a plain decimal number such as "12.50" (no exponent, no spaces)')
        return Decimal(value)
    raise _not_decimal('must be a decimal number, preferably as a string such as "12.50"')


def decimal_places(value: Decimal) -> int:
    """Significant decimal places: 12.50 has 1, 100.00 has 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def plain(value: Decimal) -> Decimal:
    """The value without trailing zeros or exponent (``Decimal("1E+2")`` → ``100``), as it is stored."""
    return Decimal(format(value.normalize(), "f"))


def in_minor_units(value: Decimal, places: int) -> Decimal:
    """A money value written with exactly the currency's decimal places (``12.5`` EUR → ``12.50``)."""
    return value.quantize(Decimal(1).scaleb(-places))


def _rate(value: Decimal) -> Decimal:
    if not Decimal(0) < value <= Decimal(100):
        raise PydanticCustomError("rate_range", "must be more than 0 and at most 100 (percent)")
    if decimal_places(value) > MAX_RATE_PLACES:
        raise PydanticCustomError("rate_places", "may have at most 4 decimal places")
    return plain(value)


def _share(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(100):
        raise PydanticCustomError("share_range", "must be from 0 to 100 (percent)")
    if decimal_places(value) > MAX_RATE_PLACES:
        raise PydanticCustomError("share_places", "may have at most 4 decimal places")
    return plain(value)


def _money(value: Decimal) -> Decimal:
    if value < 0:
        raise PydanticCustomError("money_range", "must be at least 0")
    if value > MAX_MONEY:
        raise PydanticCustomError("money_range", "must be less than 1,000,000,000,000")
    # The currency's own minor units are checked where the currency is known.
    return plain(value)


# A percentage rate: 0 < rate ≤ 100, at most 4 decimals (e.g. "12.5" for 12.5 %).
Rate = Annotated[Decimal, BeforeValidator(exact_decimal), AfterValidator(_rate)]
# A share in percent: 0 ≤ share ≤ 100, at most 4 decimals.
SharePercent = Annotated[Decimal, BeforeValidator(exact_decimal), AfterValidator(_share)]
# An amount of money ≥ 0; its decimal places are checked against its currency by the model using it.
MoneyAmount = Annotated[Decimal, BeforeValidator(exact_decimal), AfterValidator(_money)]

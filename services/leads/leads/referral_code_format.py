"""What a referral code looks like: 8 characters of an alphabet without look-alikes.

No 0/O, 1/I/L or U, so a code read aloud or off a printed card is typed right; people may type it in
any case and with spaces or dashes (``k7qm-2xpa`` is ``K7QM2XPA``). 30^8 ≈ 6.6·10^11 codes: guessing
one of a program's codes takes far more requests than the public form's limits let through.
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_SEPARATORS = re.compile(r"[\s-]+")


def generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(value: str) -> str:
    code = _SEPARATORS.sub("", value).upper()
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        raise ValueError(f"a referral code is {LENGTH} letters and digits (no 0, 1, I, L, O or U)")
    return code


ReferralCodeText = Annotated[str, StringConstraints(max_length=32), AfterValidator(normalise)]

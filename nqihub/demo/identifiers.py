"""Generated identifiers with valid check digits, for demo data and tests (never presented as real)."""

import random

from stdnum.cn import uscc

_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(rng: random.Random) -> str:
    """A 9-character GB 11714 organisation code: 8 digits and its check character (0–9 or X)."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(rng: random.Random, region_code: str, authority: str = "9", kind: str = "1") -> str:
    """A 统一社会信用代码 for a company (91…) registered in `region_code`, with valid check digits."""
    first17 = authority + kind + region_code + organisation_code(rng)
    return first17 + uscc.calc_check_digit(first17)

"""Character folding for everything users type: full-width → half-width, dash variants, whitespace, case.

One implementation for identifiers, imports and search, so that `ＧＢ／Ｔ　１９００１－２０１６` and
`GB/T 19001-2016` are the same text everywhere in the platform.
"""

import re

# Dashes a Chinese IME or a word processor produces where an ASCII hyphen was meant.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2e3a\u2e3b\u30fc"
_DASH_TABLE = {ord(c): "-" for c in DASHES}
# Full-width ASCII block U+FF01–U+FF5E maps to U+0021–U+007E; the ideographic space U+3000 to a space.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x00A0: 0x20}
_SPACES = re.compile(r"\s+")


def fold_width(text: str) -> str:
    """Full-width ASCII letters, digits, punctuation and the ideographic space become their half-width forms."""
    return text.translate(_WIDTH_TABLE)


def fold_dashes(text: str) -> str:
    """Em, en, minus and other dash variants become ASCII hyphen-minus."""
    return text.translate(_DASH_TABLE)


def collapse_spaces(text: str) -> str:
    """Runs of whitespace become one space; leading and trailing whitespace is removed."""
    return _SPACES.sub(" ", text).strip()


def fold_text(text: str) -> str:
    """The folding applied to every typed value before it is validated, stored as a key or searched."""
    return collapse_spaces(fold_dashes(fold_width(text)))


def fold_identifier(text: str) -> str:
    """An identifier such as a USCC or a code: folded, without any spaces, upper case."""
    return fold_text(text).replace(" ", "").upper()

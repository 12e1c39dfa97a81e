"""Indicator alignment: which indicator of standard A is which indicator of standard B.

Three sources of evidence, strongest first:

1. a person's decision (``confirmed``): a confirmed-same pair always wins, a confirmed-different pair is
   never proposed;
2. the name: equal after :func:`normalize_indicator_name` ("same name"), or members of one group of the
   shipped synonym table ("synonym": 铅 / Pb, 菌落总数 / 细菌总数, 六价铬 / 铬(六价) / Cr(VI));
3. a fuzzy score (rapidfuzz ``fuzz.ratio`` on the normalised names, 0–100) at or above the threshold.

Chinese chemical names change meaning with one character: 甲苯 / 二甲苯, 硝酸盐 / 亚硝酸盐, 汞 / 甲基汞,
1,1-二氯乙烯 / 1,2-二氯乙烯. So fuzzy matching is deliberately narrow:

- no fuzzy pair when one name contains the other — in Chinese nomenclature a prefix makes another species
  (总砷 and 砷, 甲基汞 and 汞, 四乙基铅 and 铅, 亚硝酸盐 and 硝酸盐). **总砷 and 砷 are therefore not aligned
  automatically**: GB 2762 lists 总砷 and 无机砷 under 砷, so what a bare 砷 means depends on the standard;
  a person decides once and the decision is reused. The synonym table lifts the rule where a prefix changes
  nothing (浊度 / 浑浊度, 大肠菌群 / 总大肠菌群);
- no fuzzy pair when the locants, multiplying numerals or isomer marks differ (二氯甲烷 / 三氯甲烷, 2,4- /
  2,6-二硝基甲苯, 邻 / 对二氯苯), nor between two names the synonym table knows as different indicators;
- ``fuzz.ratio`` rather than ``WRatio``: WRatio scores a name contained in another near 100, which is
  exactly the case above;
- the default threshold, 90, is calibrated on GB 3838-2002 × GB/T 14848-2017 (108 × 93 real names, see
  the engine tests): of the pairs of different indicators that pass the guards the best scores 87.5
  (2,4-二硝基氯苯 / 2,4-二硝基甲苯), while the one real variant left to fuzzy matching, 2,4,6-三氯苯酚 /
  2,4,6-三氯酚, scores 94.1. Without the guards 甲苯 / 二甲苯 and 氯苯 / 六氯苯 would score 90 in WRatio.

The result is a one-to-one assignment (greedy by strength, then score): each name is used at most once, and
names left over are reported on their side (these become 缺项 in benchmarking).
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz

from nqihub.engines.search_text import fold_search
from nqihub.engines.text import fold_dashes
from nqihub.engines.units import UnitError, parse_unit

__all__ = [
    "FUZZY_THRESHOLD",
    "Candidate",
    "IndicatorName",
    "Synonyms",
    "align",
    "default_synonyms",
    "match_names",
    "normalize_indicator_name",
    "pair_key",
    "parse_indicator_name",
]

Reason = Literal["same name", "synonym", "fuzzy", "confirmed", "rejected", "unmatched"]

FUZZY_THRESHOLD = 90.0
SYNONYMS_FILE = "indicator_synonyms.csv"

# Strength of each kind of evidence: the greedy assignment takes stronger pairs first, whatever their score.
_RANK: dict[str, int] = {"confirmed": 4, "same name": 3, "synonym": 2, "fuzzy": 1}


@dataclass(frozen=True)
class Candidate:
    """One line of an alignment: a proposed pair, or a name left without a partner (the other side None).

    ``score`` is 0–100 (100 for confirmed, same-name and synonym pairs; the fuzzy ratio otherwise; 0 for a
    name without a partner). A name without a partner is ``"rejected"`` when a person said it differs from
    names present on the other side (listed in ``rejected``), else ``"unmatched"``.
    """

    a: str | None
    b: str | None
    score: float
    reason: Reason
    rejected: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        """A proposed pair, not a name left over."""
        return self.a is not None and self.b is not None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {
            "a": self.a,
            "b": self.b,
            "score": self.score,
            "reason": self.reason,
            "rejected": list(self.rejected),
        }


# --- names ---------------------------------------------------------------------------------------------------

# Small capitals and superscript letters used in typeset formulas (CODᴍₙ); footnote marks (浑浊度ᵃ) go away.
_LETTERS = str.maketrans({"ᴍ": "M", "ɴ": "N", "ʙ": "B", "ᴄ": "C", "ᴅ": "D", "ᴏ": "O", "ᴘ": "P"})
_FOOTNOTE_MARKS = re.compile("[ᵃᵇᶜᵈᵉᶠ]")
_BRACKETS = str.maketrans(
    {"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")", "｛": "(", "｝": ")"}
)
_DROPPED = re.compile(r"[\s·•_\-]+")
_QUALIFIER_SPLIT = re.compile(r"[,;，；]")
_CONTENT_SUFFIX = re.compile(r"(?:的)?含量$")
# Qualifiers that never change which indicator is meant: a sum of isomers, a unit or a unit system.
_IGNORED_QUALIFIERS = frozenset({"总量", "总和"})


@dataclass(frozen=True)
class IndicatorName:
    """An indicator name taken apart: ``name`` (folded, without trailing qualifiers), the qualifiers that
    identify the indicator (``六价``, ``CODMn法``), the reporting ``basis`` (``以Pb计``), and ``key``."""

    text: str
    name: str
    qualifiers: tuple[str, ...]
    basis: str | None

    @property
    def key(self) -> str:
        """The normalised name: folded, lower case, without basis, units and ignorable qualifiers."""
        if not self.qualifiers:
            return self.name
        return f"{self.name}({','.join(self.qualifiers)})"


def _fold(text: str) -> str:
    text = _FOOTNOTE_MARKS.sub("", str(text)).translate(_LETTERS)
    text = unicodedata.normalize("NFKC", text)  # full width → half width, subscripts and Ⅵ → plain
    text = fold_dashes(text).translate(_BRACKETS)
    return _DROPPED.sub("", text)


def _key_text(text: str) -> str:
    """Traditional → simplified (鉻(六價) is 铬(六价)) and lower case, as search folds text."""
    return unicodedata.normalize("NFKC", fold_search(text))


def _parses_as_unit(text: str) -> bool:
    try:
        for part in text.split("或"):
            parse_unit(part)
    except UnitError:
        return False
    except ArithmeticError:  # pint overflows on absurd exponents ("t148482017") before units.py can refuse
        return False
    return True


def _is_unit(text: str) -> bool:
    """A unit, a unit system (铂钴色度单位) or alternative units (MPN/100mL或CFU/100mL). Judged on the key form
    too, so that normalising a normalised name changes nothing (``M`` is no unit, its key ``m`` is)."""
    if not text:
        return False
    return any(form.endswith("单位") or _parses_as_unit(form) for form in (text, _key_text(text)))


def _strip_unit_suffix(text: str) -> str:
    """``浑浊度/NTU`` and ``总硬度(以CaCO3计)/(mg/L)``: tables put the unit after a slash."""
    for match in re.finditer("/", text):
        head, tail = text[: match.start()], text[match.end() :]
        if head and _is_unit(tail.removeprefix("(").removesuffix(")")):
            return _strip_unit_suffix(head)
    return text


def _trailing_group(text: str) -> tuple[str, str] | None:
    """Split ``name(content)`` at its last balanced bracket group; None when the text ends otherwise."""
    if not text.endswith(")"):
        return None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                return (text[:index], text[index + 1 : -1]) if index > 0 else None
    return None


@functools.lru_cache(maxsize=8192)
def parse_indicator_name(name: str) -> IndicatorName:
    """Take an indicator name apart: ``铅(以Pb计)`` → name ``铅``, basis ``以Pb计``; ``铬(六价)`` keeps ``六价``."""
    text = _fold(name)
    qualifiers: list[str] = []
    bases: list[str] = []
    # Peel from the end until nothing changes: "/unit", a bracketed qualifier, a 含量 suffix, in any order.
    while True:
        text = _strip_unit_suffix(text)
        group = _trailing_group(text)
        if group is not None:
            text, content = group
            for part in reversed(_QUALIFIER_SPLIT.split(content)):
                if not part:
                    continue
                if part.startswith("以"):
                    bases.insert(0, part)
                elif (key := _key_text(part)) not in _IGNORED_QUALIFIERS and not _is_unit(part):
                    qualifiers.insert(0, key)
            continue
        stripped = _CONTENT_SUFFIX.sub("", text)
        if not stripped or stripped == text:
            break
        text = stripped
    return IndicatorName(
        text=name,
        name=_key_text(text),
        qualifiers=tuple(qualifiers),
        basis="；".join(bases) or None,
    )


def normalize_indicator_name(name: str) -> str:
    """The normalised form used as a key: width and case folded, spaces gone, basis and units removed.

    Purely textual (symbols such as Pb are resolved by :class:`Synonyms`), so stored keys stay valid when the
    synonym table grows. ``铅(以Pb计)`` → ``铅``; ``氨氮(NH3-N)`` → ``氨氮(nh3n)``; ``铬(六价)`` stays itself.
    """
    return parse_indicator_name(name).key


def pair_key(a: str, b: str) -> tuple[str, str]:
    """The order-independent key of a pair of names: their normalised forms, sorted."""
    ka, kb = normalize_indicator_name(a), normalize_indicator_name(b)
    return (ka, kb) if ka <= kb else (kb, ka)


# --- synonyms ------------------------------------------------------------------------------------------------


class Synonyms:
    """Groups of names meaning one indicator, each with a canonical name (the project's synonym table)."""

    def __init__(self, groups: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._canonical: dict[str, str] = {}  # normalised name → canonical display name
        self._members: dict[str, list[str]] = {}
        for canonical, names in groups:
            for name in (canonical, *names):
                key = normalize_indicator_name(name)
                if not key:
                    raise ValueError(f"empty indicator name in the group of {canonical!r}")
                known = self._canonical.get(key)
                if known is not None and known != canonical:
                    raise ValueError(f"{name!r} is in two synonym groups: {known!r} and {canonical!r}")
                if known is None:
                    self._canonical[key] = canonical
                    self._members.setdefault(canonical, []).append(name)

    @classmethod
    def from_csv(cls, path: Path | str) -> Synonyms:
        """Read a table with the columns ``canonical,name[,note]``, one name per row."""
        groups: dict[str, list[str]] = {}
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                canonical, name = (row.get("canonical") or "").strip(), (row.get("name") or "").strip()
                if not canonical or not name:
                    raise ValueError(f"{path}: a row lacks its canonical name or its name: {row}")
                groups.setdefault(canonical, []).append(name)
        return cls(groups.items())

    def __len__(self) -> int:
        """The number of groups."""
        return len(self._members)

    def members(self, canonical: str) -> list[str]:
        """The names of one group, canonical first."""
        return list(self._members.get(canonical, []))

    def canonical(self, name: str) -> str | None:
        """The canonical name of the group a name belongs to; None when the table does not know the name."""
        parsed = parse_indicator_name(name)
        found = self._canonical.get(parsed.key)
        if found is not None or not parsed.qualifiers:
            return found
        # "氨氮(NH3-N)", "γ-六六六(林丹)": a qualifier naming the same indicator adds nothing.
        base = self._canonical.get(parsed.name)
        if base is None:
            return None
        if all(self._canonical.get(q) == base for q in parsed.qualifiers):
            return base
        return None

    def key(self, name: str) -> str:
        """What decides "the same indicator": the normalised canonical name, else the normalised name."""
        canonical = self.canonical(name)
        return (
            normalize_indicator_name(canonical) if canonical is not None else normalize_indicator_name(name)
        )

    def knows(self, name: str) -> bool:
        """Whether the table lists the name (two listed names of different groups never match fuzzily)."""
        return self.canonical(name) is not None


@functools.cache
def default_synonyms() -> Synonyms:
    """The synonym table shipped with the engine (nqihub/engines/data/indicator_synonyms.csv)."""
    with resources.as_file(resources.files("nqihub.engines") / "data" / SYNONYMS_FILE) as path:
        return Synonyms.from_csv(path)


# --- scoring -------------------------------------------------------------------------------------------------

_NUMERALS = re.compile("[一二三四五六七八九十]")
_ISOMER_MARKS = re.compile("[邻间对αβγδ]")


def _fuzzy_blocked(ka: str, kb: str) -> bool:
    """The guards of the module docstring: containment, differing locants, numerals or isomer marks."""
    if ka in kb or kb in ka:
        return True
    if re.findall(r"\d+", ka) != re.findall(r"\d+", kb):
        return True
    if Counter(_NUMERALS.findall(ka)) != Counter(_NUMERALS.findall(kb)):
        return True
    return Counter(_ISOMER_MARKS.findall(ka)) != Counter(_ISOMER_MARKS.findall(kb))


@dataclass(frozen=True)
class _Name:
    text: str
    key: str  # normalised
    canonical_key: str
    known: bool


def _prepare(name: str, synonyms: Synonyms) -> _Name:
    return _Name(name, normalize_indicator_name(name), synonyms.key(name), synonyms.knows(name))


def _decisions(confirmed: Mapping[tuple[str, str], bool] | None) -> dict[tuple[str, str], bool]:
    return {pair_key(a, b): bool(same) for (a, b), same in (confirmed or {}).items()}


def _relation(
    a: _Name, b: _Name, decisions: Mapping[tuple[str, str], bool], threshold: float
) -> tuple[float, Reason] | None:
    decided = decisions.get((a.key, b.key) if a.key <= b.key else (b.key, a.key))
    if decided is not None:
        return (100.0, "confirmed") if decided else None
    if a.key == b.key:
        return 100.0, "same name"
    if a.canonical_key == b.canonical_key:
        return 100.0, "synonym"
    if a.known and b.known:
        return None  # the table knows both, as different indicators
    if _fuzzy_blocked(a.canonical_key, b.canonical_key):
        return None
    score = round(fuzz.ratio(a.canonical_key, b.canonical_key), 1)
    return (score, "fuzzy") if score >= threshold else None


def match_names(
    a: str,
    b: str,
    *,
    confirmed: Mapping[tuple[str, str], bool] | None = None,
    threshold: float = FUZZY_THRESHOLD,
    synonyms: Synonyms | None = None,
) -> Candidate | None:
    """Whether two names are one indicator, as a Candidate (same name, synonym, confirmed, fuzzy) or None."""
    synonyms = synonyms or default_synonyms()
    found = _relation(_prepare(a, synonyms), _prepare(b, synonyms), _decisions(confirmed), threshold)
    return Candidate(a, b, *found) if found else None


def align(
    names_a: Sequence[str],
    names_b: Sequence[str],
    *,
    confirmed: Mapping[tuple[str, str], bool] | None = None,
    threshold: float = FUZZY_THRESHOLD,
    synonyms: Synonyms | None = None,
) -> list[Candidate]:
    """Pair the indicators of two standards one to one; every input name appears in exactly one Candidate.

    ``confirmed`` maps name pairs (either order, any spelling that normalises alike) to a person's decision:
    True = same indicator, False = different. Pairs come in the order of ``names_a``, then B's leftovers.
    """
    synonyms = synonyms or default_synonyms()
    decisions = _decisions(confirmed)
    side_a = [_prepare(name, synonyms) for name in names_a]
    side_b = [_prepare(name, synonyms) for name in names_b]
    edges = []
    for i, a in enumerate(side_a):
        for j, b in enumerate(side_b):
            found = _relation(a, b, decisions, threshold)
            if found is None:
                continue
            score, reason = found
            # The tie-break is symmetric in (a, b), so swapping the two standards finds the same pairs.
            tie = (min(a.key, b.key), max(a.key, b.key), min(a.text, b.text), max(a.text, b.text))
            edges.append(((-_RANK[reason], -score, tie), i, j, score, reason))
    edges.sort(key=lambda edge: edge[0])
    partner_of_a: dict[int, tuple[int, float, Reason]] = {}
    taken_b: set[int] = set()
    for _order, i, j, score, reason in edges:
        if i not in partner_of_a and j not in taken_b:
            partner_of_a[i] = (j, score, reason)
            taken_b.add(j)

    def leftover(name: _Name, others: list[_Name], side_is_a: bool) -> Candidate:
        rejected = tuple(
            other.text
            for other in others
            if decisions.get((name.key, other.key) if name.key <= other.key else (other.key, name.key))
            is False
        )
        reason: Reason = "rejected" if rejected else "unmatched"
        if side_is_a:
            return Candidate(name.text, None, 0.0, reason, rejected)
        return Candidate(None, name.text, 0.0, reason, rejected)

    result: list[Candidate] = []
    for i, a in enumerate(side_a):
        if i in partner_of_a:
            j, score, reason = partner_of_a[i]
            result.append(Candidate(a.text, side_b[j].text, score, reason))
        else:
            result.append(leftover(a, side_b, side_is_a=True))
    result.extend(leftover(b, side_a, side_is_a=False) for j, b in enumerate(side_b) if j not in taken_b)
    return result

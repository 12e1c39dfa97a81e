"""Indicator requirements: parsing the limit texts of Chinese standards and comparing strictness (DOMAIN.md §4).

``parse_requirement`` never raises on bad text: it returns a :class:`Requirement` with ``ok=False`` and a
bilingual ``error``, the same shape the CLI prints with ``--json``, so an importer can report every bad row
at once. :class:`RequirementError` is raised only for misuse (an unknown ``default_kind``, rendering an
invalid requirement).

Reading conventions that the texts themselves leave open:

- ``X以下`` / ``X以上`` / ``X以内`` include X: 《民法典》第一千二百五十九条 — "以上、以下、以内、届满，包括本数；
  不满、超过、以外，不包括本数". So ``不满 X`` is an exclusive maximum and ``超过 X`` an exclusive minimum.
- A bare number (``0.5 mg/kg``) is a maximum or minimum only when the caller says so with
  ``default_kind`` (a limit column); otherwise it is an error, because the direction is a guess.
- ``5,2,10,100 CFU/g`` is read as a sampling plan only with a counting unit, whole n and c, c ≤ n, m ≤ M,
  and not in the shape of a thousands-grouped number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from nqihub.engines.units import (
    Unit,
    UnitError,
    convert,
    dimension_name,
    is_non_negative,
    normalize_notation,
    parse_unit,
    same_dimension,
    split_note,
    unit_symbol,
)

__all__ = [
    "Comparison",
    "Requirement",
    "RequirementError",
    "compare_requirements",
    "parse_requirement",
    "render_requirement",
]

Kind = Literal["max", "min", "range", "absent", "sampling_plan", "qualitative", "reference", "not_applicable"]
Verdict = Literal["stricter", "equal", "looser", "incomparable"]

# Relative tolerance for numeric equality: unit conversion in binary floating point must not flip a verdict.
REL_TOL = 1e-9
ABS_TOL = 1e-12  # only matters for limits of exactly zero


class RequirementError(ValueError):
    """Misuse of the requirement API; parse failures are returned as ``ok=False`` instead."""


@dataclass(frozen=True)
class Requirement:
    """One parsed requirement. Values are Decimals exactly as written; ``input`` does not take part in equality."""

    ok: bool
    kind: Kind | None
    min: Decimal | None = None
    max: Decimal | None = None
    min_inclusive: bool | None = None
    max_inclusive: bool | None = None
    unit: Unit | None = None
    n: int | None = None
    c: int | None = None
    m: Decimal | None = None
    M: Decimal | None = None
    text: str | None = None
    reference: str | None = None
    note: str | None = None
    error: str | None = None
    input: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the CLI contract, with the kind-specific extras."""
        result: dict[str, Any] = {
            "input": self.input,
            "ok": self.ok,
            "kind": self.kind,
            "min": _float(self.min),
            "max": _float(self.max),
            "min_inclusive": self.min_inclusive,
            "max_inclusive": self.max_inclusive,
            "unit": unit_symbol(self.unit) if self.unit else None,
            "error": self.error,
        }
        if self.kind == "sampling_plan":
            result.update(n=self.n, c=self.c, m=_float(self.m), M=_float(self.M))
        elif self.kind == "reference":
            result["reference"] = self.reference
        elif self.kind == "qualitative":
            result["text"] = self.text
        notes = [n for n in (self.unit.note if self.unit else None, self.note) if n]
        if notes:
            result["note"] = "；".join(notes)
        return result


@dataclass(frozen=True)
class Comparison:
    """The verdict of requirement A relative to B, with the reason in Chinese and English."""

    verdict: Verdict
    reason: str
    reason_en: str
    caveat: str | None = None
    caveat_en: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {
            "verdict": self.verdict,
            "reason": self.reason,
            "reason_en": self.reason_en,
            "caveat": self.caveat,
            "caveat_en": self.caveat_en,
        }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class _ParseFailure(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")


# --- vocabulary ---------------------------------------------------------------------------------------------

_INT = r"(?:\d{1,3}(?: \d{3})+(?!\d)|\d+)"  # "10 000" is how GB/T 1.1 groups digits
_MANTISSA = rf"(?:{_INT}(?:\.\d+)?|\.\d+)"
_NUMBER = (
    rf"[-+]?(?:{_MANTISSA}\s*[×xX*]\s*10\s*\^\s*[-+]?\d+|10\s*\^\s*[-+]?\d+"
    rf"|{_MANTISSA}(?:[eE][-+]?\d+)?)"
)

_PREFIX_OPERATORS: dict[str, tuple[str, bool]] = {
    "≤": ("max", True),
    "<": ("max", False),
    "≥": ("min", True),
    ">": ("min", False),
    **dict.fromkeys(
        (
            "不大于",
            "不超过",
            "不高于",
            "不多于",
            "不得超过",
            "不得大于",
            "不得高于",
            "不应超过",
            "不应大于",
            "不应高于",
            "小于或等于",
            "小于等于",
            "低于或等于",
        ),
        ("max", True),
    ),
    **dict.fromkeys(("小于", "低于", "不满"), ("max", False)),
    **dict.fromkeys(
        (
            "不小于",
            "不低于",
            "不少于",
            "不得低于",
            "不得小于",
            "不得少于",
            "不应低于",
            "不应小于",
            "大于或等于",
            "大于等于",
            "高于或等于",
        ),
        ("min", True),
    ),
    **dict.fromkeys(("大于", "高于", "超过"), ("min", False)),
}
_SUFFIX_OPERATORS: dict[str, tuple[str, bool]] = {
    **dict.fromkeys(("以下", "及以下", "或以下", "以内"), ("max", True)),
    **dict.fromkeys(("以上", "及以上", "或以上"), ("min", True)),
}


def _alternation(words: dict[str, Any]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PREFIX_RE = re.compile(rf"(?P<op>{_alternation(_PREFIX_OPERATORS)})\s*(?P<num>{_NUMBER})\s*(?P<unit>.*)")
_SUFFIX_RE = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>.*?)\s*(?P<op>{_alternation(_SUFFIX_OPERATORS)})")
_OPERATOR_WORD_RE = re.compile(_alternation(_PREFIX_OPERATORS | _SUFFIX_OPERATORS) + "|±")
_OBLIGATION_RE = re.compile(r"^(?:应当|应该|应|须|需|必须)\s*(?=[不小低大高超≤<≥>])")
_NUMBER_UNIT_RE = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>.*?)")
_RANGE_SEPARATORS = r"~|-|—|–|―|─|至|到"
_RANGE_RE = re.compile(
    rf"(?P<a>{_NUMBER})\s*(?P<ua>(?:(?!{_RANGE_SEPARATORS}).)*?)\s*(?P<sep>{_RANGE_SEPARATORS})"
    rf"\s*(?P<b>{_NUMBER})\s*(?P<ub>.*?)"
)
_CHAIN_RE = re.compile(
    rf"(?P<a>{_NUMBER})\s*(?P<ua>[^<≤]*?)\s*(?P<op1>[<≤])\s*"
    r"(?P<name>[A-Za-z\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]*)\s*"
    rf"(?P<op2>[<≤])\s*(?P<b>{_NUMBER})\s*(?P<ub>.*?)"
)
_CONJUNCTION_RE = re.compile(r"\s*(?:且|并且|而且|,|;|、)\s*")
_ABSENT_RE = re.compile(
    r"(?:不得检出|不应检出|不得检测出|不可检出|未检出|阴性|ND(?![A-Za-z])|N\.D\.?)(?P<rest>.*)", re.IGNORECASE
)
_NOT_APPLICABLE = frozenset(
    {
        "-",
        "--",
        "—",
        "——",
        "–",
        "―",
        "─",
        "/",
        "//",
        "无要求",
        "不要求",
        "不作要求",
        "不做要求",
        "不适用",
        "N/A",
        "n/a",
        "NA",
    }
)
_STANDARD_NUMBER_RE = re.compile(
    r"(?<![A-Za-z])(?P<code>(?i:GB/T|GB/Z|GB)|DB\d{2,4}/T|DB\d{2,4}/?|T/[A-Z0-9]+|Q/[A-Z0-9]+|ISO/IEC|ISO|IEC"
    r"|[A-Z]{2}/T|[A-Z]{2})\s*(?P<num>\d+(?:\.\d+)*)(?:\s*[-—–]\s*(?P<year>\d{4}|\d{2})(?!\d))?",
)
_REFERENCE_VERB_RE = re.compile(r"符合|满足|按|执行|规定|要求|参照|依据|见")
_PLAN_KEY_RE = re.compile(r"(?<![A-Za-z])(?P<key>[ncmM])\s*=\s*")
_PLAN_BARE_RE = re.compile(
    rf"(?P<n>{_NUMBER})\s*[,、]\s*(?P<c>{_NUMBER})\s*[,、]\s*(?P<m>{_NUMBER})\s*[,、]\s*"
    rf"(?P<M>{_NUMBER})\s*(?P<unit>.*)"
)
_COUNTING_DIMENSIONS = ("nqi_colony_count", "nqi_mpn_count", "nqi_individual_count")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_OPERATOR_SYMBOL_RE = re.compile(r"[≤<≥>±=]")
_PH_PREFIX_RE = re.compile(r"pH值?\s*(?=[-+\d.(≤<≥>]|[不小低大高超])")
_POWER_RE = re.compile(r"([-+]?)(?:(.+?)[×xX*])?10\^([-+]?\d+)")


# --- parsing ------------------------------------------------------------------------------------------------


def _ph() -> Unit:
    return parse_unit("pH")


def _decimal(token: str) -> Decimal:
    token = token.replace(" ", "")
    power = _POWER_RE.fullmatch(token)
    try:
        if power:
            sign, mantissa, exponent = power.groups()
            value = Decimal(sign + (mantissa or "1")).scaleb(int(exponent))
        else:
            value = Decimal(token)
    except (InvalidOperation, ValueError) as exc:
        raise _ParseFailure(f"无法识别的数值 {token!r}", f"unreadable number {token!r}") from exc
    if (
        not value.is_finite()
        or not math.isfinite(float(value))
        or (value != 0 and abs(value.adjusted()) > 30)
    ):
        raise _ParseFailure(f"数值超出范围 {token!r}", f"number out of range {token!r}")
    return value


def _read_unit(text: str) -> tuple[Unit | None, str | None]:
    """A unit text after a number → (unit, remark left when the text is only a bracketed remark)."""
    text = text.strip()
    if not text:
        return None, None
    body, note = split_note(text)
    if not body:
        return None, note
    try:
        return parse_unit(text), None
    except UnitError as exc:
        raise _ParseFailure(f"单位无法识别（{exc.reason}）", f"unit not recognised: {text!r}") from exc


def _same_unit(*units: Unit | None) -> Unit | None:
    given = [u for u in units if u is not None]
    if any(u != given[0] for u in given[1:]):
        raise _ParseFailure("各数值的单位不一致", "the numbers carry different units")
    return given[0] if given else None


def _number_with_unit(piece: str) -> tuple[Decimal, Unit | None, str | None]:
    match = _NUMBER_UNIT_RE.fullmatch(piece.strip())
    if not match:
        raise _ParseFailure(f"无法识别的数值 {piece.strip()!r}", f"expected a number in {piece.strip()!r}")
    unit, remark = _read_unit(match.group("unit"))
    return _decimal(match.group("num")), unit, remark


def _bounded(
    kind: Kind,
    low: tuple[Decimal, bool] | None,
    high: tuple[Decimal, bool] | None,
    unit: Unit | None,
    note: str | None = None,
) -> Requirement:
    if low and high:
        if low[0] > high[0] or (low[0] == high[0] and not (low[1] and high[1])):
            raise _ParseFailure(
                "下限大于上限（区间为空）", "the lower bound is above the upper bound (empty range)"
            )
    return Requirement(
        ok=True,
        kind=kind,
        min=low[0] if low else None,
        max=high[0] if high else None,
        min_inclusive=low[1] if low else None,
        max_inclusive=high[1] if high else None,
        unit=unit,
        note=note,
    )


def _single(
    direction: str, value: Decimal, inclusive: bool, unit: Unit | None, note: str | None
) -> Requirement:
    if direction == "max":
        return _bounded("max", None, (value, inclusive), unit, note)
    return _bounded("min", (value, inclusive), None, unit, note)


def _parse_operator(s: str) -> Requirement | None:
    """``≤0.5 mg/kg``, ``不大于 0.5``, ``0.5 mg/kg以下``."""
    if match := _PREFIX_RE.fullmatch(s):
        direction, inclusive = _PREFIX_OPERATORS[match.group("op")]
    elif match := _SUFFIX_RE.fullmatch(s):
        direction, inclusive = _SUFFIX_OPERATORS[match.group("op")]
    else:
        return None
    unit, remark = _read_unit(match.group("unit"))
    return _single(direction, _decimal(match.group("num")), inclusive, unit, remark)


def _parse_conjunction(s: str) -> Requirement | None:
    """``≥6.5且≤8.5``, ``不小于6.5，不大于8.5``: a range written as two one-sided limits."""
    parts = _CONJUNCTION_RE.split(s)
    if len(parts) != 2:
        return None
    try:
        sides = [_parse_operator(p) for p in parts]
    except _ParseFailure:
        return None
    if not all(sides) or {side.kind for side in sides if side} != {"max", "min"}:
        return None
    low = next(side for side in sides if side and side.kind == "min")
    high = next(side for side in sides if side and side.kind == "max")
    assert low.min is not None and high.max is not None and low.min_inclusive is not None
    assert high.max_inclusive is not None
    return _bounded(
        "range",
        (low.min, low.min_inclusive),
        (high.max, high.max_inclusive),
        _same_unit(low.unit, high.unit),
        low.note or high.note,
    )


def _parse_tolerance(s: str) -> Requirement | None:
    """``(20±2)℃`` and ``20±2 ℃``: the closed range centre ± tolerance, computed in Decimal."""
    if "±" not in s:
        return None
    left, right = s.split("±", 1)
    opened = left.lstrip().startswith("(")
    left = left.strip().removeprefix("(")
    if opened:
        if ")" not in right:
            raise _ParseFailure("括号不配对", "unbalanced parentheses")
        inner, outer = right.split(")", 1)
    else:
        inner, outer = right, ""
    centre, unit_a, _ = _number_with_unit(left)
    tolerance, unit_b, _ = _number_with_unit(inner)
    unit_c, _ = _read_unit(outer)
    if tolerance < 0:
        raise _ParseFailure("允差不能为负", "a tolerance cannot be negative")
    return _bounded(
        "range", (centre - tolerance, True), (centre + tolerance, True), _same_unit(unit_a, unit_b, unit_c)
    )


def _parse_chain(s: str) -> Requirement | None:
    """``5.5≤pH<6.5``, the form GB/T 14848 uses for half-open ranges."""
    match = _CHAIN_RE.fullmatch(s)
    if not match:
        return None
    unit_a, _ = _read_unit(match.group("ua"))
    unit_b, _ = _read_unit(match.group("ub"))
    unit = _same_unit(unit_a, unit_b)
    if unit is None and match.group("name") in ("pH", "pH值"):
        unit = _ph()
    return _bounded(
        "range",
        (_decimal(match.group("a")), match.group("op1") == "≤"),
        (_decimal(match.group("b")), match.group("op2") == "≤"),
        unit,
    )


def _parse_range(s: str) -> Requirement | None:
    """``6～9``, ``6.5-8.5``, ``18℃～22℃``, ``(2～8)℃``, ``10至20 mg/kg``: inclusive at both ends."""
    s = re.sub(r"^在\s*|\s*(?:之间|范围内)$", "", s)
    outer_unit: Unit | None = None
    if bracketed := re.fullmatch(r"\(([^()]+)\)\s*(.*)", s):
        s = bracketed.group(1)
        outer_unit, _ = _read_unit(bracketed.group(2))
    match = _RANGE_RE.fullmatch(s)
    if not match:
        return None
    unit_a, _ = _read_unit(match.group("ua"))
    unit_b, remark = _read_unit(match.group("ub"))
    return _bounded(
        "range",
        (_decimal(match.group("a")), True),
        (_decimal(match.group("b")), True),
        _same_unit(unit_a, unit_b, outer_unit),
        remark,
    )


def _is_counting(unit: Unit | None) -> bool:
    return unit is not None and any(d in unit.dimension.split(" / ")[0] for d in _COUNTING_DIMENSIONS)


def _plan(n: Decimal, c: Decimal, m: Decimal, big_m: Decimal | None, unit: Unit | None) -> Requirement:
    if n != n.to_integral_value() or c != c.to_integral_value() or n < 1 or c < 0:
        raise _ParseFailure("n、c 应为整数（n ≥ 1，c ≥ 0）", "n and c must be whole numbers (n ≥ 1, c ≥ 0)")
    if c > n:
        raise _ParseFailure("c 不能大于 n", "c cannot exceed n")
    if big_m is not None and m > big_m:
        raise _ParseFailure("m 不能大于 M", "m cannot exceed M")
    return Requirement(ok=True, kind="sampling_plan", n=int(n), c=int(c), m=m, M=big_m, unit=unit)


def _parse_sampling_plan(s: str) -> Requirement | None:
    """``n=5, c=2, m=10 CFU/g, M=100 CFU/g``; ``M=—`` or no M is a two-class plan."""
    keys = list(_PLAN_KEY_RE.finditer(s))
    if not keys:
        return _parse_bare_plan(s)
    if s[: keys[0].start()].strip(" ,;、"):
        raise _ParseFailure("采样方案前有多余文字", "unexpected text before the sampling plan")
    values: dict[str, str] = {}
    for index, key in enumerate(keys):
        end = keys[index + 1].start() if index + 1 < len(keys) else len(s)
        if key.group("key") in values:
            raise _ParseFailure(f"{key.group('key')} 重复", f"{key.group('key')} given twice")
        values[key.group("key")] = s[key.end() : end].strip().strip(",;、").strip()
    missing = [k for k in ("n", "c", "m") if not values.get(k)]
    if missing:
        raise _ParseFailure(f"采样方案缺少 {', '.join(missing)}", f"sampling plan lacks {', '.join(missing)}")
    n, unit_n, _ = _number_with_unit(values["n"])
    c, unit_c, _ = _number_with_unit(values["c"])
    if unit_n or unit_c:
        raise _ParseFailure("n、c 不带单位", "n and c take no unit")
    m, unit_m, _ = _number_with_unit(values["m"])
    big_m: Decimal | None = None
    unit_big_m: Unit | None = None
    if values.get("M") and values["M"] not in _NOT_APPLICABLE:
        big_m, unit_big_m, _ = _number_with_unit(values["M"])
    return _plan(n, c, m, big_m, _same_unit(unit_m, unit_big_m))


def _parse_bare_plan(s: str) -> Requirement | None:
    match = _PLAN_BARE_RE.fullmatch(s)
    if not match:
        return None
    raw = [match.group(k).replace(" ", "") for k in ("n", "c", "m", "M")]
    if all(re.fullmatch(r"\d{3}", part) for part in raw[1:]):
        return None  # "1,000,000,000" is a grouped number, not n, c, m, M
    unit, _ = _read_unit(match.group("unit"))
    if not _is_counting(unit):
        return None
    return _plan(*(_decimal(part) for part in raw), unit)


def _parse_reference(s: str) -> Requirement | None:
    """``符合GB 2762的规定``, ``按GB 2760执行``: a requirement that lives in another standard."""
    match = _STANDARD_NUMBER_RE.search(s)
    if not match:
        return None
    rest = re.sub(r"《[^》]*》", "", s[: match.start()] + " " + s[match.end() :])
    if re.search(r"\d|[≤<≥>~±]", rest) or not _REFERENCE_VERB_RE.search(rest):
        return None  # a limit that cites a test method, not a reference
    number = f"{match.group('code').upper()} {match.group('num')}"
    if match.group("year"):
        number += f"-{match.group('year')}"
    return Requirement(ok=True, kind="reference", reference=number)


def _normalize_qualitative(s: str) -> str:
    # Spaces carry no meaning next to Chinese characters or punctuation; between Latin words they do.
    s = re.sub(r"\s*([\u4e00-\u9fff,.;:!?()、。])\s*", r"\1", s)
    if _CJK_RE.search(s):
        s = s.translate(
            str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})
        )
    return s.rstrip("。.；;，,").strip()


def _parse_text(s: str, default_kind: str | None) -> Requirement:
    if not s:
        raise _ParseFailure("空文本", "empty text")
    if s in _NOT_APPLICABLE:
        return Requirement(ok=True, kind="not_applicable")
    if match := _ABSENT_RE.fullmatch(s):
        rest = match.group("rest").strip().lstrip(",;:、").strip()
        if rest.startswith("(") and rest.endswith(")"):
            rest = rest[1:-1].strip()
        return Requirement(ok=True, kind="absent", note=rest or None)
    if match := _PH_PREFIX_RE.match(s):
        # pH is the one unit written before its number ("pH 6.5～8.5").
        requirement = _parse_text(s[match.end() :], default_kind)
        if requirement.kind not in _NUMERIC_KINDS or requirement.unit not in (None, _ph()):
            raise _ParseFailure("pH 之后应为数值要求", "pH must be followed by a numeric requirement")
        return replace(requirement, unit=_ph())
    for parser in (
        _parse_reference,
        _parse_sampling_plan,
        _parse_tolerance,
        _parse_chain,
        _parse_conjunction,
        _parse_operator,
        _parse_range,
    ):
        requirement = parser(s)
        if requirement is not None:
            return requirement
    if match := _NUMBER_UNIT_RE.fullmatch(s):
        if default_kind is None:
            raise _ParseFailure("缺少比较符", "missing comparison operator")
        unit, remark = _read_unit(match.group("unit"))
        return _single(default_kind, _decimal(match.group("num")), True, unit, remark)
    starts_with_number = re.match(rf"{_NUMBER}", s) is not None
    has_digit = re.search(r"\d", s) is not None
    if not _OPERATOR_SYMBOL_RE.search(s) and (
        not has_digit or (not starts_with_number and not _OPERATOR_WORD_RE.search(s))
    ):
        text = _normalize_qualitative(s)
        if not re.search(r"\w", text):
            raise _ParseFailure("没有可读的文字", "no readable text")
        return Requirement(ok=True, kind="qualitative", text=text)
    if not has_digit:
        raise _ParseFailure("比较符后缺少数值", "no number after the comparison operator")
    raise _ParseFailure("无法识别的要求写法", "unrecognised requirement")


def _with_column_unit(requirement: Requirement, unit: Unit | None) -> Requirement:
    if unit is None or requirement.kind not in ("max", "min", "range", "sampling_plan"):
        return requirement
    if requirement.unit is None:
        return replace(requirement, unit=unit)
    if requirement.unit != unit:
        raise _ParseFailure(
            f"文本单位 {requirement.unit} 与单位列 {unit} 不一致",
            f"the text's unit {requirement.unit} differs from the unit column {unit}",
        )
    return requirement


def parse_requirement(
    text: str, *, default_kind: Literal["max", "min"] | None = None, unit: str | Unit | None = None
) -> Requirement:
    """Parse a requirement text; never raises on bad text (``ok=False`` with a bilingual ``error`` instead).

    ``default_kind`` reads a bare number as that kind (limit columns); ``unit`` is a separate unit column.
    """
    if not isinstance(text, str):
        raise RequirementError(f"requirement text must be str, not {type(text).__name__}")
    if default_kind not in (None, "max", "min"):
        raise RequirementError(f"default_kind must be 'max', 'min' or None, not {default_kind!r}")
    s = normalize_notation(text).rstrip("。；;").strip()
    s = _OBLIGATION_RE.sub("", s)
    try:
        column_unit = parse_unit(unit) if isinstance(unit, str) and unit.strip() else None
        if isinstance(unit, Unit):
            column_unit = unit
        requirement = _with_column_unit(_parse_text(s, default_kind), column_unit)
    except _ParseFailure as failure:
        return Requirement(ok=False, kind=None, error=str(failure), input=text)
    except UnitError as exc:
        return Requirement(
            ok=False,
            kind=None,
            input=text,
            error=f"单位列无法识别（{exc.reason}） / unit column not recognised",
        )
    return replace(requirement, input=text)


# --- rendering ----------------------------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    return format(value, "f")


def _unit_text(unit: Unit | None) -> str:
    if unit is None:
        return ""
    return " " + unit.display + (f"（{unit.note}）" if unit.note else "")


def render_requirement(req: Requirement) -> str:
    """Canonical text of a requirement (``≤0.5 mg/kg``, ``6～9``, ``18～22 ℃``, ``不得检出``); parses back equal."""
    if not req.ok:
        raise RequirementError(f"cannot render an invalid requirement: {req.error}")
    remark = f"（{req.note}）" if req.note else ""
    if req.kind == "max":
        return (
            f"{'≤' if req.max_inclusive else '<'}{_number(_present(req.max))}{_unit_text(req.unit)}{remark}"
        )
    if req.kind == "min":
        return (
            f"{'≥' if req.min_inclusive else '>'}{_number(_present(req.min))}{_unit_text(req.unit)}{remark}"
        )
    if req.kind == "range":
        low, high = _number(_present(req.min)), _number(_present(req.max))
        if req.min_inclusive and req.max_inclusive:
            return f"{low}～{high}{_unit_text(req.unit)}{remark}"
        return (
            f"{'≥' if req.min_inclusive else '>'}{low}且{'≤' if req.max_inclusive else '<'}{high}"
            f"{_unit_text(req.unit)}{remark}"
        )
    if req.kind == "absent":
        return f"不得检出{remark}"
    if req.kind == "sampling_plan":
        unit = _unit_text(req.unit)
        parts = [f"n={req.n}", f"c={req.c}", f"m={_number(_present(req.m))}{unit}"]
        if req.M is not None:
            parts.append(f"M={_number(req.M)}{unit}")
        return ", ".join(parts)
    if req.kind == "qualitative":
        return req.text or ""
    if req.kind == "reference":
        return f"符合{req.reference}的规定"
    return "—"


def _present(value: Decimal | None) -> Decimal:
    if value is None:
        raise RequirementError("requirement lacks a bound its kind needs")
    return value


# --- comparison ---------------------------------------------------------------------------------------------

_OPPOSITE: dict[Verdict, Verdict] = {
    "stricter": "looser",
    "looser": "stricter",
    "equal": "equal",
    "incomparable": "incomparable",
}
_VERDICT_WORDS = {
    "stricter": ("严于", "is stricter than"),
    "equal": ("等同于", "equals"),
    "looser": ("宽于", "is looser than"),
}
_REFERENCE_REASON = (
    "引用其他标准，需解析被引用标准",
    "refers to another standard, which must be resolved first",
)
_DETECTION_CAVEAT = (
    "“不得检出”实际以检测方法的检出限为准：检出限高于对方限值时并不更严",
    "in practice 'not detected' means below the method's detection limit, which governs: "
    "a detection limit above the other limit is not stricter",
)
_NUMERIC_KINDS = ("max", "min", "range")


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _incomparable(zh: str, en: str) -> Comparison:
    return Comparison("incomparable", zh, en)


@dataclass(frozen=True)
class _Interval:
    low: float | None
    low_inclusive: bool
    high: float | None
    high_inclusive: bool


def _value_in(value: Decimal, source: Unit | None, target: Unit | None) -> float:
    if source is None or target is None or source.symbol == target.symbol:
        return float(value)
    return convert(float(value), source, target)


def _interval(req: Requirement, target: Unit | None) -> _Interval:
    low = None if req.min is None else _value_in(req.min, req.unit, target)
    high = None if req.max is None else _value_in(req.max, req.unit, target)
    # A mass fraction or a count cannot go below zero, so "0～10 mg/kg" asks no more than "≤10 mg/kg".
    if low == 0 and req.min_inclusive and req.unit is not None and is_non_negative(req.unit):
        low = None
    return _Interval(low, bool(req.min_inclusive), high, bool(req.max_inclusive))


def _compare_bound(
    a: float | None, a_inclusive: bool, b: float | None, b_inclusive: bool, upper: bool
) -> int:
    """+1 when A's bound admits fewer values than B's, 0 when the same, -1 when more."""
    if a is None and b is None:
        return 0
    if a is None:
        return -1
    if b is None:
        return 1
    if _close(a, b):
        if a_inclusive == b_inclusive:
            return 0
        return 1 if not a_inclusive else -1
    return (1 if a < b else -1) if upper else (1 if a > b else -1)


def _basis(unit: Unit | None) -> str | None:
    return unit.note if unit and unit.note and re.fullmatch(r"以.+计", unit.note) else None


def _check_units(a: Unit | None, b: Unit | None) -> Comparison | tuple[str, str] | None:
    """An incomparable verdict when the units forbid comparing, else an optional (zh, en) caveat."""
    if (a is None) != (b is None):
        given = a or b
        assert given is not None
        if given.dimension != "dimensionless":
            return _incomparable(
                f"一方未给出单位（另一方为 {given.symbol}），无法比较",
                f"one side has no unit (the other is {given.symbol})",
            )
        return None
    if a is None or b is None:
        return None
    if not same_dimension(a, b):
        return _incomparable(
            f"量纲不同：{a.symbol}（{dimension_name(a)}）与 {b.symbol}（{dimension_name(b)}）",
            f"different dimensions: {a.symbol} ({dimension_name(a, 'en')}) and {b.symbol} "
            f"({dimension_name(b, 'en')})",
        )
    basis_a, basis_b = _basis(a), _basis(b)
    if basis_a and basis_b and basis_a != basis_b:
        return _incomparable(
            f"计量基准不同（{basis_a} 与 {basis_b}）", f"different reporting bases ({basis_a} and {basis_b})"
        )
    if (basis_a is None) != (basis_b is None):
        return (
            f"仅一方注明计量基准（{basis_a or basis_b}），请核对",
            f"only one side states its reporting basis ({basis_a or basis_b}); check it",
        )
    return None


def _with_caveat(comparison: Comparison, caveat: tuple[str, str] | None) -> Comparison:
    if caveat is None:
        return comparison
    zh = "；".join(c for c in (comparison.caveat, caveat[0]) if c)
    en = "; ".join(c for c in (comparison.caveat_en, caveat[1]) if c)
    return Comparison(comparison.verdict, comparison.reason, comparison.reason_en, zh, en)


def _verdict(signs: list[int]) -> Verdict | None:
    if all(s == 0 for s in signs):
        return "equal"
    if all(s >= 0 for s in signs):
        return "stricter"
    if all(s <= 0 for s in signs):
        return "looser"
    return None


def _describe(verdict: Verdict, a: Requirement, b: Requirement, converted: str | None = None) -> Comparison:
    zh, en = _VERDICT_WORDS[verdict]
    ra, rb = render_requirement(a), render_requirement(b)
    if converted:
        return Comparison(
            verdict, f"A（{ra}）{zh} B（{rb}，即 {converted}）", f"A ({ra}) {en} B ({rb}, i.e. {converted})"
        )
    return Comparison(verdict, f"A（{ra}）{zh} B（{rb}）", f"A ({ra}) {en} B ({rb})")


def _float_text(value: float) -> str:
    return format(Decimal(f"{value:.12g}"), "f")


def _converted_text(b: Requirement, interval: _Interval, unit: Unit | None) -> str | None:
    """B's bounds restated in A's unit, shown whenever the two units differ."""
    if b.unit is None or unit is None or b.unit.symbol == unit.symbol:
        return None
    parts = []
    if interval.low is not None:
        parts.append(f"{'≥' if interval.low_inclusive else '>'}{_float_text(interval.low)}")
    if interval.high is not None:
        parts.append(f"{'≤' if interval.high_inclusive else '<'}{_float_text(interval.high)}")
    return "且".join(parts) + " " + unit.display if parts else None


def _compare_numeric(a: Requirement, b: Requirement) -> Comparison:
    if {a.kind, b.kind} == {"max", "min"}:
        return _incomparable(
            f"方向相反：A 为{'上限' if a.kind == 'max' else '下限'}要求，B 为"
            f"{'上限' if b.kind == 'max' else '下限'}要求",
            f"opposite directions: A is a {a.kind}imum, B is a {b.kind}imum",
        )
    ia, ib = _interval(a, a.unit), _interval(b, a.unit or b.unit)
    signs = [
        _compare_bound(ia.low, ia.low_inclusive, ib.low, ib.low_inclusive, upper=False),
        _compare_bound(ia.high, ia.high_inclusive, ib.high, ib.high_inclusive, upper=True),
    ]
    verdict = _verdict(signs)
    if verdict is not None:
        return _describe(verdict, a, b, _converted_text(b, ib, a.unit))
    disjoint = (ia.high is not None and ib.low is not None and ia.high < ib.low) or (
        ib.high is not None and ia.low is not None and ib.high < ia.low
    )
    if disjoint:
        return _incomparable("两个区间不相交", "the two ranges do not overlap")
    return _incomparable(
        "区间部分重叠，互不包含", "the ranges overlap only partly; neither contains the other"
    )


def _compare_plans(a: Requirement, b: Requirement) -> Comparison:
    assert a.m is not None and b.m is not None and a.n is not None and b.n is not None
    assert a.c is not None and b.c is not None
    # A two-class plan (no M) rejects everything above m, as a three-class plan with M = m would.
    a_big, b_big = a.M if a.M is not None else a.m, b.M if b.M is not None else b.m
    m_a, m_b = float(a.m), _value_in(b.m, b.unit, a.unit)
    big_a, big_b = float(a_big), _value_in(b_big, b.unit, a.unit)
    signs = {
        "n": (a.n > b.n) - (a.n < b.n),
        "c": (a.c < b.c) - (a.c > b.c),
        "m": 0 if _close(m_a, m_b) else (1 if m_a < m_b else -1),
        "M": 0 if _close(big_a, big_b) else (1 if big_a < big_b else -1),
    }
    verdict = _verdict(list(signs.values()))
    if verdict is not None:
        return _describe(verdict, a, b)
    stricter = [k for k, s in signs.items() if s > 0]
    looser = [k for k, s in signs.items() if s < 0]
    return _incomparable(
        f"采样方案各参数严宽不一（{'、'.join(stricter)} 更严，{'、'.join(looser)} 更宽）",
        f"the plan parameters disagree ({', '.join(stricter)} stricter, {', '.join(looser)} looser)",
    )


def _resolve(
    req: Requirement, resolve_reference: Callable[[str], Requirement | None] | None
) -> tuple[Requirement, list[str]]:
    """Follow references through the resolver; a cycle or an unknown standard stops at the reference."""
    seen: list[str] = []
    while req.kind == "reference" and resolve_reference is not None and req.reference not in seen:
        assert req.reference is not None
        resolved = resolve_reference(req.reference)
        if resolved is None:
            break
        seen.append(req.reference)
        req = resolved
    return req, seen


def _with_resolution(comparison: Comparison, a_refs: list[str], b_refs: list[str]) -> Comparison:
    notes_zh = [f"{side} 引用 {' → '.join(refs)}" for side, refs in (("A", a_refs), ("B", b_refs)) if refs]
    notes_en = [
        f"{side} refers to {' → '.join(refs)}" for side, refs in (("A", a_refs), ("B", b_refs)) if refs
    ]
    if not notes_zh:
        return comparison
    return Comparison(
        comparison.verdict,
        f"{comparison.reason}（{'；'.join(notes_zh)}）",
        f"{comparison.reason_en} ({'; '.join(notes_en)})",
        comparison.caveat,
        comparison.caveat_en,
    )


def compare_requirements(
    a: Requirement, b: Requirement, *, resolve_reference: Callable[[str], Requirement | None] | None = None
) -> Comparison:
    """Verdict of A relative to B: ``stricter`` | ``equal`` | ``looser`` | ``incomparable``, with the reason.

    ``resolve_reference`` maps a referenced standard number to that standard's requirement for the same indicator.
    """
    if not a.ok or not b.ok:
        return _incomparable("无法解析的要求不能比较", "an unparsed requirement cannot be compared")
    (a, a_refs), (b, b_refs) = _resolve(a, resolve_reference), _resolve(b, resolve_reference)
    return _with_resolution(_compare_resolved(a, b), a_refs, b_refs)


def _compare_resolved(a: Requirement, b: Requirement) -> Comparison:
    if a.kind == "reference" or b.kind == "reference":
        return _incomparable(*_REFERENCE_REASON)
    if a.kind == "not_applicable" or b.kind == "not_applicable":
        return _incomparable("不适用，无可比较的要求", "not applicable: nothing to compare")
    if a.kind == "qualitative" or b.kind == "qualitative":
        if a.kind == b.kind and a.text == b.text:
            return Comparison("equal", "定性要求文字相同", "the qualitative requirements read the same")
        return _incomparable(
            "定性要求只在文字相同时可比", "qualitative requirements compare only when identical"
        )
    if a.kind == "absent" or b.kind == "absent":
        return _compare_absent(a, b)
    if a.kind == "sampling_plan" or b.kind == "sampling_plan":
        if a.kind != b.kind:
            return _incomparable(
                "采样方案与单一限值不可比", "a sampling plan does not compare with a single limit"
            )
        unit_check = _check_units(a.unit, b.unit)
        if isinstance(unit_check, Comparison):
            return unit_check
        return _with_caveat(_compare_plans(a, b), unit_check)
    unit_check = _check_units(a.unit, b.unit)
    if isinstance(unit_check, Comparison):
        return unit_check
    return _with_caveat(_compare_numeric(a, b), unit_check)


def _compare_absent(a: Requirement, b: Requirement) -> Comparison:
    if a.kind == b.kind:
        return Comparison("equal", "双方均为不得检出", "both require 'not detected'")
    other = b if a.kind == "absent" else a
    if other.kind in _NUMERIC_KINDS:
        interval = _interval(other, other.unit)
        if interval.low is None and interval.high is not None:
            verdict: Verdict = "stricter" if a.kind == "absent" else "looser"
            zh, en = _VERDICT_WORDS[verdict]
            return Comparison(
                verdict,
                f"A（{render_requirement(a)}）{zh} B（{render_requirement(b)}）",
                f"A ({render_requirement(a)}) {en} B ({render_requirement(b)})",
                _DETECTION_CAVEAT[0],
                _DETECTION_CAVEAT[1],
            )
        return _incomparable(
            "不得检出与下限或区间要求方向不同", "'not detected' against a minimum or a range"
        )
    return _incomparable("不得检出与采样方案不可比", "'not detected' does not compare with a sampling plan")

"""The forerunner (企业标准"领跑者") ranking engine: plain values in, plain values out, no Django (DOMAIN.md §6).

An evaluation scheme names at least three quantifiable core indicators (核心指标). Each has the national or
industry requirement it must not fall below, a direction (a ``max`` requirement: lower is better; a ``min``:
higher is better) and tier bounds (档), lowest tier first, e.g. 先进 ≤0.5, 领先 ≤0.3, 领跑 ≤0.2 mg/L.

For each core indicator the disclosed values of the eligible standards are split into tiers:

- a value meets a tier when it is at least as good as the tier's bound (bounds are inclusive);
- a value below the lowest tier, or failing the national / industry requirement, is not tiered;
- there is no order inside a tier: members are listed by their key, never by value;
- if all values are equal the indicator is not ranked at all (nobody is tiered on it).

The composite of a candidate weighs 全面性 (the share of core indicators it discloses), 先进性 (its tier levels,
over the ranked indicators) and 规范性 (from its latest review: 符合 1, 符合但有瑕疵 0.5) into a score of 0–100;
the shortlist (入围) is the top N by score (ties at the cut included) or everyone at or above a threshold, among
candidates tiered on at least one indicator.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import partial
from itertools import filterfalse
from operator import add, attrgetter
from typing import Any, Literal, NamedTuple

from nqihub.engines.requirements import Requirement, compare_requirements, parse_requirement
from nqihub.engines.units import Unit, UnitError, convert, parse_unit, unit_display

__all__ = [
    "MIN_CORE_INDICATORS",
    "CandidateScore",
    "CoreIndicator",
    "IndicatorRanking",
    "IndicatorSpec",
    "Ranking",
    "SchemeError",
    "SchemeProblem",
    "Tier",
    "Value",
    "Weights",
    "build_indicators",
    "bound_value",
    "by_indicator",
    "check_coverage",
    "check_scheme",
    "check_selection",
    "check_weights",
    "declared_value",
    "rank",
    "rank_indicator",
    "select_shortlist",
    "tier_of",
    "unit_converter",
]

Direction = Literal["higher", "lower"]
Key = Hashable

MIN_CORE_INDICATORS = 3
QUANTIFIABLE_KINDS = ("max", "min", "range")
CONFORMITY = {"conforming": 1.0, "minor": 0.5}
REL_TOL = 1e-9
ABS_TOL = 1e-12


# --- schemes ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemeProblem:
    """One reason a scheme cannot be published, in Chinese and English; ``indicator`` is empty for the scheme."""

    code: str
    message: str
    message_en: str
    indicator: str = ""

    def __str__(self) -> str:
        return self.message


class SchemeError(ValueError):
    """A scheme that breaks a rule; ``problems`` lists every broken rule."""

    def __init__(self, problems: Sequence[SchemeProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))


@dataclass(frozen=True)
class IndicatorSpec:
    """A core indicator as the evaluator wrote it: the national / industry requirement as text (``≤0.8 mg/L``),
    the unit values and bounds are in, the direction when the requirement does not say it (a range), and the
    tier bounds, lowest tier first, as (name, number)."""

    key: Key
    name: str
    requirement: str
    unit: str = ""
    direction: str = ""
    tiers: tuple[tuple[str, Any], ...] = ()
    weight: Any = 1


@dataclass(frozen=True)
class Tier:
    level: int  # 1 = the lowest tier
    name: str
    bound: float


@dataclass(frozen=True)
class CoreIndicator:
    """A validated core indicator: bounds and the requirement's limit in ``unit``."""

    key: Key
    name: str
    unit: Unit
    direction: Direction
    tiers: tuple[Tier, ...]
    requirement: Requirement
    # The requirement's limit on the side that matters, in ``unit``: a value beyond it fails the requirement.
    limit: float | None
    limit_inclusive: bool = True
    weight: float = 1.0

    @property
    def top_level(self) -> int:
        return len(self.tiers)

    def tier_text(self, tier: Tier) -> str:
        """``≤0.5 mg/L`` / ``≥70 度``: the bound a value must meet to enter the tier."""
        sign = "≤" if self.direction == "lower" else "≥"
        return f"{sign}{_number(tier.bound)} {unit_display(self.unit)}".rstrip()


def _number(value: float) -> str:
    return format(Decimal(repr(value)).normalize(), "f") if math.isfinite(value) else str(value)


def direction_of(requirement: Requirement) -> Direction | None:
    """A maximum means lower is better, a minimum higher is better; a range says neither."""
    return {"max": "lower", "min": "higher"}.get(requirement.kind or "")


def _problem(code: str, zh: str, en: str, indicator: str = "") -> SchemeProblem:
    return SchemeProblem(code, zh, en, indicator)


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _one_sided(requirement: Requirement, direction: Direction) -> Requirement:
    """The side of a requirement that bounds the better direction: a range 18～22 read as ≤22 for lower-better."""
    if direction == "lower":
        return replace(requirement, kind="max", min=None, min_inclusive=None)
    return replace(requirement, kind="min", max=None, max_inclusive=None)


def _build(spec: IndicatorSpec) -> tuple[CoreIndicator | None, list[SchemeProblem]]:
    name = spec.name
    problems: list[SchemeProblem] = []

    def fail(code: str, zh: str, en: str) -> tuple[None, list[SchemeProblem]]:
        problems.append(_problem(code, zh, en, name))
        return None, problems

    unit_text = (spec.unit or "").strip()
    # The requirement may carry its own unit (≤0.8 mg/L with values in μg/L); the indicator's unit fills a gap.
    requirement = parse_requirement(spec.requirement or "")
    if requirement.ok and requirement.unit is None and unit_text:
        requirement = parse_requirement(spec.requirement, unit=unit_text)
    if not (spec.requirement or "").strip():
        return fail(
            "no_requirement",
            f"核心指标“{name}”缺少国家或行业标准的要求(最低档不得低于该要求)",
            f"core indicator {name!r} lacks the national / industry requirement",
        )
    if not requirement.ok:
        return fail(
            "unreadable_requirement",
            f"核心指标“{name}”的国家/行业要求“{spec.requirement}”无法解析:{requirement.error}",
            f"the requirement of core indicator {name!r} cannot be read: {requirement.error}",
        )
    if requirement.kind not in QUANTIFIABLE_KINDS:
        return fail(
            "not_quantifiable",
            f"核心指标“{name}”不可量化:要求“{spec.requirement}”不是上限、下限或范围,只能作为基础指标",
            f"core indicator {name!r} is not quantifiable (its requirement is not a max, min or range)",
        )
    try:
        unit = parse_unit(unit_text) if unit_text else requirement.unit
    except UnitError as exc:
        return fail(
            "bad_unit",
            f"核心指标“{name}”的单位“{unit_text}”无法识别({exc.reason})",
            f"the unit of {name!r} is not recognised",
        )
    if unit is None:
        return fail(
            "no_unit",
            f"核心指标“{name}”须注明单位(可量化指标的数值须有计量单位)",
            f"core indicator {name!r} needs a unit",
        )
    derived = direction_of(requirement)
    given = (spec.direction or "").strip()
    if given not in ("", "higher", "lower"):
        return fail("bad_direction", f"核心指标“{name}”的方向无效", f"bad direction for {name!r}")
    if derived and given and given != derived:
        return fail(
            "direction_conflict",
            f"核心指标“{name}”的要求是{'上限' if derived == 'lower' else '下限'},"
            f"应为{'越低越好' if derived == 'lower' else '越高越好'}",
            f"the requirement of {name!r} implies {derived}-is-better",
        )
    direction: Direction | None = derived or (given or None)  # type: ignore[assignment]
    if direction is None:
        return fail(
            "no_direction",
            f"核心指标“{name}”的要求是范围,请指定越高越好还是越低越好",
            f"the requirement of {name!r} is a range: say whether higher or lower is better",
        )
    weight = _decimal(spec.weight)
    if weight is None or weight <= 0:
        problems.append(
            _problem("bad_weight", f"核心指标“{name}”的权重须为正数", f"weight of {name!r} must be > 0", name)
        )
    if not spec.tiers:
        return fail(
            "no_tiers",
            f"核心指标“{name}”至少需要一个档位",
            f"core indicator {name!r} needs at least one tier",
        )
    tiers: list[Tier] = []
    for level, (tier_name, bound_text) in enumerate(spec.tiers, start=1):
        bound = _decimal(bound_text)
        if bound is None:
            return fail(
                "bad_bound",
                f"核心指标“{name}”第 {level} 档“{tier_name}”的界限“{bound_text}”不是数值",
                f"tier {level} of {name!r} has no numeric bound",
            )
        tiers.append(Tier(level, str(tier_name).strip() or f"第{level}档", float(bound)))
    for lower, higher in zip(tiers, tiers[1:], strict=False):
        better = higher.bound < lower.bound if direction == "lower" else higher.bound > lower.bound
        if not better:
            return fail(
                "tiers_not_increasing",
                f"核心指标“{name}”的档位须逐档提高:“{higher.name}”({_number(higher.bound)})"
                f"应{'低于' if direction == 'lower' else '高于'}“{lower.name}”({_number(lower.bound)})",
                f"the tiers of {name!r} must get stricter from the lowest to the highest",
            )
    # The lowest tier may not be below the national or industry requirement (compare_requirements decides).
    lowest = tiers[0]
    tier_requirement = Requirement(
        ok=True,
        kind="max" if direction == "lower" else "min",
        max=Decimal(repr(lowest.bound)) if direction == "lower" else None,
        min=Decimal(repr(lowest.bound)) if direction == "higher" else None,
        max_inclusive=True if direction == "lower" else None,
        min_inclusive=True if direction == "higher" else None,
        unit=unit,
    )
    national = _one_sided(requirement, direction)
    if national.unit is None:
        national = replace(national, unit=unit)
    verdict = compare_requirements(tier_requirement, national)
    if verdict.verdict not in ("stricter", "equal"):
        sign = "≤" if direction == "lower" else "≥"
        reason = (
            f"低于(宽于)国家/行业要求“{spec.requirement}”"
            if verdict.verdict == "looser"
            else f"无法与国家/行业要求“{spec.requirement}”比较:{verdict.reason}"
        )
        return fail(
            "lowest_tier_below_requirement",
            f"核心指标“{name}”的最低档“{lowest.name} {sign}{_number(lowest.bound)} {unit_display(unit)}”{reason}",
            f"the lowest tier of {name!r} is below the national / industry requirement ({verdict.reason_en})",
        )
    limit, inclusive = _limit(national, unit, direction)
    indicator = CoreIndicator(
        key=spec.key,
        name=name,
        unit=unit,
        direction=direction,
        tiers=tuple(tiers),
        requirement=requirement,
        limit=limit,
        limit_inclusive=inclusive,
        weight=float(weight) if weight is not None and weight > 0 else 1.0,
    )
    return (indicator if not problems else None), problems


def _limit(requirement: Requirement, unit: Unit, direction: Direction) -> tuple[float | None, bool]:
    bound = requirement.max if direction == "lower" else requirement.min
    inclusive = requirement.max_inclusive if direction == "lower" else requirement.min_inclusive
    if bound is None:
        return None, True
    source = requirement.unit or unit
    value = float(bound) if source.symbol == unit.symbol else convert(float(bound), source, unit)
    return value, bool(inclusive)


def check_scheme(
    core: Sequence[IndicatorSpec], *, min_core: int = MIN_CORE_INDICATORS
) -> tuple[list[CoreIndicator], list[SchemeProblem]]:
    """Validate the core indicators of a scheme: at least ``min_core``, each quantifiable with a unit, tiers
    getting stricter, the lowest tier not below the national / industry requirement. Returns the indicators
    built and every problem found (a scheme with problems cannot be published or ranked)."""
    problems: list[SchemeProblem] = []
    if len(core) < min_core:
        problems.append(
            _problem(
                "too_few_core",
                f"核心指标至少 {min_core} 项(现有 {len(core)} 项)",
                f"at least {min_core} core indicators are needed ({len(core)} given)",
            )
        )
    seen: set[str] = set()
    built: list[CoreIndicator] = []
    for spec in core:
        folded = "".join(spec.name.split()).lower()
        if folded in seen:
            problems.append(
                _problem(
                    "duplicate",
                    f"核心指标“{spec.name}”重复",
                    f"core indicator {spec.name!r} is listed twice",
                    spec.name,
                )
            )
            continue
        seen.add(folded)
        indicator, found = _build(spec)
        problems.extend(found)
        if indicator is not None:
            built.append(indicator)
    return built, problems


def check_coverage(
    core_names: Sequence[str],
    gradeable: Sequence[str],
    *,
    standard: str = "",
    confirmed: Mapping[tuple[str, str], bool] | None = None,
) -> list[SchemeProblem]:
    """Core indicators must cover every gradeable (quantifiable) indicator of the product standard: each name in
    ``gradeable`` needs a core indicator that is the same indicator (same name, synonym or a confirmed pair)."""
    from nqihub.engines.alignment import match_names

    problems = []
    for name in dict.fromkeys(gradeable):
        covered = any(
            (m := match_names(core, name, confirmed=confirmed)) is not None
            and m.reason in ("same name", "synonym", "confirmed")
            for core in core_names
        )
        if not covered:
            problems.append(
                _problem(
                    "not_covered",
                    f"产品标准 {standard} 的可量化指标“{name}”未列为核心指标(核心指标须覆盖产品标准的全部可量化指标)",
                    f"the quantifiable indicator {name!r} of the product standard {standard} is not a core indicator",
                    name,
                )
            )
    return problems


def build_indicators(
    core: Sequence[IndicatorSpec], *, min_core: int = MIN_CORE_INDICATORS
) -> list[CoreIndicator]:
    """The validated core indicators; raises SchemeError naming every broken rule."""
    built, problems = check_scheme(core, min_core=min_core)
    if problems:
        raise SchemeError(problems)
    return built


@dataclass(frozen=True)
class Weights:
    """Weights of 全面性, 先进性 and 规范性 in the composite; only their ratios matter."""

    comprehensiveness: float = 0.2
    advancedness: float = 0.6
    conformity: float = 0.2

    @property
    def total(self) -> float:
        return self.comprehensiveness + self.advancedness + self.conformity


def check_weights(weights: Weights) -> list[SchemeProblem]:
    values = (weights.comprehensiveness, weights.advancedness, weights.conformity)
    if any(not math.isfinite(v) or v < 0 for v in values) or weights.total <= 0:
        return [
            _problem(
                "bad_weights",
                "全面性、先进性、规范性的权重须为非负数,且不能全为 0",
                "the weights must be non-negative and not all zero",
            )
        ]
    return []


def check_selection(top_n: int | None, threshold: float | None) -> list[SchemeProblem]:
    """The shortlist rule: exactly one of a top N (≥ 1) or a score threshold (0–100)."""
    if (top_n is None) == (threshold is None):
        return [
            _problem(
                "selection",
                "入围规则须二选一:按综合得分取前 N 名,或综合得分不低于阈值",
                "set exactly one shortlist rule: a top N or a score threshold",
            )
        ]
    if top_n is not None and top_n < 1:
        return [_problem("selection", "前 N 名的 N 须至少为 1", "N must be at least 1")]
    if threshold is not None and not (0 <= threshold <= 100):
        return [_problem("selection", "阈值须在 0 到 100 之间", "the threshold must be 0–100")]
    return []


# --- values ------------------------------------------------------------------------------------------------


class Value(NamedTuple):
    """A disclosed value in the indicator's unit. ``strict``: declared with < or > rather than ≤ or ≥.
    (A named tuple: a ranking makes hundreds of thousands of them.)"""

    amount: float
    strict: bool = False


_converters: dict[tuple[str, str], Callable[[float], float]] = {}


def _converter(source: Unit, target: Unit) -> Callable[[float], float]:
    """A conversion between two units as an affine function (℃ → K has an offset), built once per pair."""
    key = (source.symbol, target.symbol)
    found = _converters.get(key)
    if found is None:
        if source.symbol == target.symbol:
            found = float
        else:
            zero = convert(0.0, source, target)
            scale = convert(1.0, source, target) - zero
            found = lambda v, zero=zero, scale=scale: zero + v * scale  # noqa: E731
        _converters[key] = found
    return found


def declared_value(parsed: Mapping[str, Any] | Requirement | None, indicator: CoreIndicator) -> Value | None:
    """The value a disclosed requirement declares for a core indicator, in the indicator's unit, or None when it
    declares none that can be ranked (qualitative text, the opposite direction, another dimension).

    ``parsed`` is a parsed requirement or its JSON form (``Requirement.to_dict()``, as disclosures store it).
    A maximum (or a range's upper end) is the value of a lower-is-better indicator, a minimum (or a range's
    lower end) that of a higher-is-better one; 不得检出 counts as 0 for a lower-is-better indicator."""
    if parsed is None:
        return None
    if isinstance(parsed, Requirement):
        parsed = parsed.to_dict()
    if not parsed.get("ok", True):
        return None
    kind = parsed.get("kind")
    if indicator.direction == "lower":
        if kind == "absent":
            return Value(0.0)
        if kind not in ("max", "range"):
            return None
        amount, inclusive = parsed.get("max"), parsed.get("max_inclusive")
    else:
        if kind not in ("min", "range"):
            return None
        amount, inclusive = parsed.get("min"), parsed.get("min_inclusive")
    return bound_value(amount, inclusive is False, parsed.get("unit"), indicator)


def bound_value(amount: Any, strict: bool, unit: str | None, indicator: CoreIndicator) -> Value | None:
    """A declared bound (a number in the unit symbol ``unit``; none: no unit) as a value of ``indicator``, in
    its unit; None when there is no bound or its unit is unknown or of another dimension. The side of the
    requirement that counts is `declared_value`'s choice (as stored: `IndicatorValue.upper` for a
    lower-is-better indicator, ``lower`` for a higher-is-better one)."""
    if amount is None:
        return None
    if unit:
        converter = unit_converter(unit, indicator)
        if converter is None:
            return None
        return Value(converter(float(amount)), strict=strict)
    return Value(float(amount), strict=strict)


def unit_converter(unit: str, indicator: CoreIndicator) -> Callable[[float], float] | None:
    """The conversion of an amount in the unit symbol ``unit`` into the indicator's unit; None when the unit is
    unknown or of another dimension (such a bound is no value of the indicator)."""
    try:
        source = parse_unit(unit)
    except UnitError:
        return None
    if source.dimension != indicator.unit.dimension:
        return None
    return _converter(source, indicator.unit)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _at_least_as_good(value: Value, bound: float, direction: Direction, bound_inclusive: bool = True) -> bool:
    if _close(value.amount, bound):
        return bound_inclusive or value.strict
    return value.amount < bound if direction == "lower" else value.amount > bound


def meets_requirement(value: Value, indicator: CoreIndicator) -> bool:
    """Whether a value satisfies the national / industry requirement (on the side that matters)."""
    if indicator.limit is None:
        return True
    return _at_least_as_good(value, indicator.limit, indicator.direction, indicator.limit_inclusive)


def tier_of(value: Value, indicator: CoreIndicator) -> int:
    """The highest tier level whose bound the value meets; 0 when it meets none or fails the requirement."""
    if not meets_requirement(value, indicator):
        return 0
    level = 0
    for tier in indicator.tiers:
        if _at_least_as_good(value, tier.bound, indicator.direction):
            level = tier.level
        else:
            break
    return level


# --- rankings ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierMembers:
    tier: Tier
    members: tuple[Key, ...]  # by key: there is no order inside a tier


@dataclass(frozen=True)
class IndicatorRanking:
    """The single-indicator ranking (单指标排行榜) of one core indicator."""

    indicator: CoreIndicator
    ranked: bool
    reason: str  # why not ranked; empty when ranked
    tiers: tuple[TierMembers, ...]  # highest tier first
    levels: Mapping[Key, int]  # every candidate with a value → its level (0: not tiered)
    below: tuple[Key, ...]  # values below the lowest tier
    failing: tuple[Key, ...]  # values failing the national / industry requirement
    missing: tuple[Key, ...]  # candidates that disclose no rankable value

    @property
    def tiered(self) -> int:
        return sum(len(t.members) for t in self.tiers)


_FAILING = -1  # the class of a value failing the national / industry requirement (its level is 0)


def _sort_keys(keys: Iterable[Key]) -> tuple[Key, ...]:
    keys = list(keys)
    try:
        return tuple(sorted(keys))
    except TypeError:  # keys of mixed types: by type name first
        return tuple(sorted(keys, key=lambda k: (type(k).__name__, k)))


def rank_indicator(
    indicator: CoreIndicator, values: Mapping[Key, Value | None], candidates: Iterable[Key] = ()
) -> IndicatorRanking:
    """Split the values of one core indicator into tiers; ``candidates`` adds keys that disclose no value."""
    present = values if None not in values.values() else {k: v for k, v in values.items() if v is not None}
    missing = _sort_keys(
        {
            *filterfalse(present.__contains__, candidates),
            *(filterfalse(present.__contains__, values) if present is not values else ()),
        }
    )
    distinct = set(present.values())
    if len(distinct) <= 1:
        reason = "所有披露值相同,该指标不排名" if present else "没有可排名的披露值"
        return IndicatorRanking(indicator, False, reason, (), dict.fromkeys(present, 0), (), (), missing)
    # Values repeat a lot (a category's standards copy each other), so each distinct value is tiered once.
    level_of = {value: tier_of(value, indicator) for value in distinct}
    levels = dict(zip(present.keys(), map(level_of.__getitem__, present.values()), strict=True))
    # Each key into the list of its value's class: its tier level, 0 (below the lowest tier) or FAILING (the
    # requirement); each list is then sorted (there is no order inside a tier but the keys').
    class_of = {v: level if meets_requirement(v, indicator) else _FAILING for v, level in level_of.items()}
    members: dict[int, list[Key]] = {c: [] for c in (_FAILING, 0, *(t.level for t in indicator.tiers))}
    append = {value: members[c].append for value, c in class_of.items()}
    for key, value in present.items():
        append[value](key)
    tiers = tuple(TierMembers(tier, _sort_keys(members[tier.level])) for tier in reversed(indicator.tiers))
    return IndicatorRanking(
        indicator, True, "", tiers, levels, _sort_keys(members[0]), _sort_keys(members[_FAILING]), missing
    )


class _Score(NamedTuple):
    key: Key
    comprehensiveness: float  # 全面性, 0–1
    advancedness: float  # 先进性, 0–1
    conformity: float  # 规范性, 0–1
    score: float  # 0–100
    levels: Mapping[Key, int]  # core indicator key → level (0: not tiered)
    tiered: bool  # tiered on at least one core indicator


class CandidateScore(_Score):
    """The composite of one candidate: ``levels`` none when not given, ``tiered`` derived from them when not
    given. A named tuple, as `Value` (a ranking makes one per candidate)."""

    __slots__ = ()

    def __new__(
        cls,
        key: Key,
        comprehensiveness: float,
        advancedness: float,
        conformity: float,
        score: float,
        levels: Mapping[Key, int] | None = None,
        tiered: bool | None = None,
    ) -> CandidateScore:
        levels = {} if levels is None else levels
        tiered = any(levels.values()) if tiered is None else tiered
        return super().__new__(cls, key, comprehensiveness, advancedness, conformity, score, levels, tiered)


@dataclass(frozen=True)
class Ranking:
    indicators: tuple[IndicatorRanking, ...]
    scores: tuple[CandidateScore, ...]  # best score first; equal scores by key


def by_indicator(values: Mapping[Key, Mapping[Key, Value | None]]) -> dict[Key, dict[Key, Value | None]]:
    """{candidate: {indicator: value}} turned into {indicator: {candidate: value}}, the shape `rank` takes."""
    turned: dict[Key, dict[Key, Value | None]] = {}
    for candidate, own in values.items():
        for indicator, value in own.items():
            turned.setdefault(indicator, {})[candidate] = value
    return turned


def rank(
    indicators: Sequence[CoreIndicator],
    values: Mapping[Key, Mapping[Key, Value | None]],
    conformity: Mapping[Key, float],
    weights: Weights = Weights(),
) -> Ranking:
    """Rank eligible candidates: ``values`` maps each core indicator key to the candidates' values (see
    `by_indicator` for values held per candidate), ``conformity`` each candidate to its 规范性 (1 for 符合, 0.5
    for 符合但有瑕疵); candidates are the keys of ``conformity``."""
    candidates = conformity.keys()
    empty: Mapping[Key, Value | None] = {}

    def eligible(own: Mapping[Key, Value | None]) -> Mapping[Key, Value | None]:
        return own if own.keys() <= candidates else {c: v for c, v in own.items() if c in conformity}

    rankings = tuple(
        rank_indicator(ind, eligible(values.get(ind.key, empty)), candidates) for ind in indicators
    )
    ranked_weight = sum(r.indicator.weight for r in rankings if r.ranked)
    # Per indicator: its key, its levels, and what one level is worth in 先进性 (0 when it is not ranked).
    parts = [
        (
            r.indicator.key,
            r.levels,
            r.indicator.weight / r.indicator.top_level / ranked_weight if r.ranked and ranked_weight else 0.0,
        )
        for r in rankings
    ]
    total = weights.total or 1.0
    w_comp, w_adv, w_conf = (
        100 * w / total for w in (weights.comprehensiveness, weights.advancedness, weights.conformity)
    )
    n_core = len(indicators) or 1
    level_maps = [indicator_levels for _key, indicator_levels, _worth in parts]
    # Candidates with the same levels and 规范性 score the same: each combination is computed once (a category
    # of 100 000 standards has a few hundred), and its levels mapping is shared (read it, never change it).
    keys = _sort_keys(candidates)
    columns = [list(map(m.get, keys)) for m in level_maps]  # None: no value disclosed for the indicator
    signatures = list(zip(*columns, map(conformity.__getitem__, keys), strict=True))
    combinations: dict[tuple, tuple] = {}
    for signature in dict.fromkeys(signatures):
        disclosed = 0
        levels = {}
        advanced = 0.0
        for (key, _levels, worth), level in zip(parts, signature, strict=False):
            if level is None:  # no value disclosed for this indicator
                levels[key] = 0
                continue
            disclosed += 1
            levels[key] = level
            advanced += level * worth
        comprehensive = disclosed / n_core
        conform = float(signature[-1])
        score = round(w_comp * comprehensive + w_adv * advanced + w_conf * conform, 6)
        combinations[signature] = (comprehensive, advanced, conform, score, levels, any(levels.values()))
    # One score per candidate, 100 000 of them: (key,) + its combination, made a CandidateScore in C.
    scores = list(
        map(
            partial(tuple.__new__, CandidateScore),
            map(add, zip(keys), map(combinations.__getitem__, signatures)),
        )
    )
    # Stable: equal scores stay in key order.
    scores.sort(key=attrgetter("score"), reverse=True)
    return Ranking(rankings, tuple(scores))


def select_shortlist(
    scores: Sequence[CandidateScore], *, top_n: int | None = None, threshold: float | None = None
) -> list[Key]:
    """The 入围 candidates: tiered on at least one core indicator, then the top ``top_n`` by score (everyone tied
    with the N-th included) or everyone scoring at least ``threshold``."""
    problems = check_selection(top_n, threshold)
    if problems:
        raise ValueError(problems[0].message_en)
    # A stable sort by score: candidates of equal score keep the order given (rank() gives them by key).
    pool = sorted(filter(attrgetter("tiered"), scores), key=attrgetter("score"), reverse=True)
    if threshold is not None:
        return [s.key for s in pool if s.score >= threshold - 1e-9]
    if len(pool) <= top_n:
        return [s.key for s in pool]
    cut = pool[top_n - 1].score
    return [s.key for s in pool if s.score >= cut - 1e-9]

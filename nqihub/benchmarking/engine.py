"""Benchmarking (对标) as a pure engine: one enterprise standard against benchmark standards (DOMAIN.md §5).

Input: the enterprise's indicators (name, requirement text, unit) and benchmark standards, each with its class
(``international`` | ``foreign_advanced`` | ``domestic_advanced``) and indicators (name, requirement, unit,
core flag). For every indicator of every benchmark standard the engine

1. aligns it with an enterprise indicator (nqihub.engines.alignment: same name, synonym, or a pair a person
   confirmed). A fuzzy candidate is **proposed, never accepted**: the item stays 缺项 and names the candidate
   until a person confirms the pair;
2. compares the two requirements (nqihub.engines.requirements, units converted) and decides
   优于 / 等同 / 低于 / 不可比 — or 缺项 when the enterprise has no such indicator — with the reason;
3. rolls the verdicts up to a level with configurable rules (:data:`DEFAULT_RULES`).

Comparison reasons come from the requirement engine and name the enterprise's requirement **A** and the
benchmark's **B**. No Django here: the services feed stored rows in, the benchmark script times it directly.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from nqihub.engines.alignment import Candidate, Synonyms, align, default_synonyms, normalize_indicator_name
from nqihub.engines.requirements import Requirement, compare_requirements, parse_requirement

__all__ = [
    "BENCHMARK_CLASSES",
    "DEFAULT_RULES",
    "LEVELS",
    "VERDICTS",
    "BenchmarkInput",
    "BenchmarkOutcome",
    "IndicatorInput",
    "ItemOutcome",
    "RulesError",
    "align_names",
    "benchmark",
    "check_rules",
    "compare_indicator",
    "roll_up",
]

BenchmarkClass = Literal["international", "foreign_advanced", "domestic_advanced"]
Verdict = Literal["better", "equal", "worse", "incomparable", "missing"]
Level = Literal["international_advanced", "domestic_advanced", "not_reached"]

BENCHMARK_CLASSES: dict[str, str] = {
    "international": "国际标准",
    "foreign_advanced": "国外先进标准",
    "domestic_advanced": "国内先进标准",
}
VERDICTS: dict[str, str] = {
    "better": "优于",
    "equal": "等同",
    "worse": "低于",
    "incomparable": "不可比",
    "missing": "缺项",
}
LEVELS: dict[str, str] = {
    "international_advanced": "达到国际先进水平",
    "domestic_advanced": "达到国内先进水平",
    "not_reached": "未达到",
}
_FROM_COMPARISON: dict[str, Verdict] = {
    "stricter": "better",
    "equal": "equal",
    "looser": "worse",
    "incomparable": "incomparable",
}

# DOMAIN.md §5: all core indicators at least equal to an international benchmark → 国际先进; to a domestic
# advanced one → 国内先进; else 未达到. Which classes count as "international" is an inference [I]: the national
# platform counts foreign advanced standards (国外先进标准) with international ones, so they share the first
# tier here; a bureau changes that (or anything else) through settings.BENCHMARK_LEVEL_RULES or per scheme.
DEFAULT_RULES: dict[str, Any] = {
    "version": "default-2026.1",
    # Tiers in order; the first one reached is the level.
    "tiers": [
        {"level": "international_advanced", "classes": ["international", "foreign_advanced"]},
        {"level": "domestic_advanced", "classes": ["domestic_advanced"]},
    ],
    # Verdicts that count as "at least equal".
    "passing": ["better", "equal"],
    # "any": one benchmark standard of the tier whose core indicators all pass is enough;
    # "all": every benchmark standard of the tier must be passed.
    "standards": "any",
    # A benchmark standard that marks no indicator as core is judged on all its indicators.
    "no_core_means_all": True,
}


class RulesError(ValueError):
    """A rules dict that the roll-up cannot apply (unknown level, class or verdict, missing key)."""


def check_rules(rules: Mapping[str, Any]) -> dict[str, Any]:
    """The rules merged over the defaults and checked; raises RulesError naming what is wrong."""
    merged = copy.deepcopy(DEFAULT_RULES)
    merged.update({k: copy.deepcopy(v) for k, v in rules.items()})
    if not isinstance(merged.get("version"), str) or not merged["version"]:
        raise RulesError("rules need a non-empty 'version'")
    tiers = merged.get("tiers")
    if not isinstance(tiers, list) or not tiers:
        raise RulesError("rules need a non-empty list of 'tiers'")
    for tier in tiers:
        if not isinstance(tier, Mapping) or tier.get("level") not in LEVELS or tier["level"] == "not_reached":
            raise RulesError(f"a tier's level must be one of {sorted(set(LEVELS) - {'not_reached'})}: {tier}")
        classes = tier.get("classes")
        if not isinstance(classes, list) or not classes or any(c not in BENCHMARK_CLASSES for c in classes):
            raise RulesError(
                f"a tier's classes must be a list drawn from {sorted(BENCHMARK_CLASSES)}: {tier}"
            )
    passing = merged.get("passing")
    if not isinstance(passing, list) or not passing or any(v not in VERDICTS for v in passing):
        raise RulesError(f"'passing' must be a list drawn from {sorted(VERDICTS)}")
    if merged.get("standards") not in ("any", "all"):
        raise RulesError("'standards' must be 'any' or 'all'")
    return merged


@dataclass(frozen=True)
class IndicatorInput:
    """One indicator of a standard: its name, requirement text and (separate) unit; ``core`` on benchmarks."""

    name: str
    requirement: str
    unit: str = ""
    core: bool = False


@dataclass(frozen=True)
class BenchmarkInput:
    """One benchmark standard: number, class and indicators."""

    number: str
    benchmark_class: str
    indicators: tuple[IndicatorInput, ...]
    title: str = ""


@dataclass(frozen=True)
class ItemOutcome:
    """The verdict on one indicator of one benchmark standard."""

    standard: str
    benchmark_class: str
    indicator: str
    benchmark_requirement: str
    benchmark_unit: str
    core: bool
    verdict: Verdict
    reason: str
    reason_en: str
    enterprise_indicator: str | None = None
    enterprise_requirement: str = ""
    enterprise_unit: str = ""
    caveat: str | None = None
    # how the pair was found: same name | synonym | confirmed | "" (缺项)
    alignment: str = ""
    # a fuzzy candidate a person may confirm (the item stays 缺项 until then)
    candidate: str | None = None
    candidate_score: float | None = None

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {
            "standard": self.standard,
            "benchmark_class": self.benchmark_class,
            "indicator": self.indicator,
            "benchmark_requirement": self.benchmark_requirement,
            "benchmark_unit": self.benchmark_unit,
            "core": self.core,
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "reason": self.reason,
            "reason_en": self.reason_en,
            "caveat": self.caveat,
            "enterprise_indicator": self.enterprise_indicator,
            "enterprise_requirement": self.enterprise_requirement,
            "enterprise_unit": self.enterprise_unit,
            "alignment": self.alignment,
            "candidate": self.candidate,
            "candidate_score": self.candidate_score,
        }


@dataclass(frozen=True)
class BenchmarkOutcome:
    """All items, the rolled-up level with its reason, and the enterprise indicators no benchmark has."""

    items: tuple[ItemOutcome, ...]
    level: Level
    level_reason: str
    rules_version: str
    extra: tuple[str, ...] = field(default=())

    @property
    def level_label(self) -> str:
        return LEVELS[self.level]

    def counts(self) -> dict[str, int]:
        """How many items got each verdict."""
        found = dict.fromkeys(VERDICTS, 0)
        for item in self.items:
            found[item.verdict] += 1
        return found

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {
            "level": self.level,
            "level_label": self.level_label,
            "level_reason": self.level_reason,
            "rules_version": self.rules_version,
            "counts": self.counts(),
            "extra": list(self.extra),
            "items": [item.to_dict() for item in self.items],
        }


# --- one indicator --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def _parse(requirement: str, unit: str) -> Requirement:
    """A requirement as the engine reads it; cached, as benchmark standards repeat across comparisons."""
    parsed = parse_requirement(requirement or "", unit=unit or None)
    if not parsed.ok and unit:
        # "≤0.5 mg/kg" with a unit column "mg/kg" is read; a text whose unit clashes with the column is not.
        bare = parse_requirement(requirement or "")
        if bare.ok and bare.unit is not None:
            return bare
    return parsed


def compare_indicator(
    enterprise_requirement: str, enterprise_unit: str, benchmark_requirement: str, benchmark_unit: str
) -> tuple[Verdict, str, str, str | None]:
    """(verdict, reason, reason in English, caveat) of the enterprise's requirement A against the benchmark's B."""
    a, b = _parse(enterprise_requirement, enterprise_unit), _parse(benchmark_requirement, benchmark_unit)
    if not a.ok:
        return "incomparable", f"企业要求无法解析:{a.error}", f"the enterprise's requirement: {a.error}", None
    if not b.ok:
        return "incomparable", f"对标要求无法解析:{b.error}", f"the benchmark's requirement: {b.error}", None
    comparison = compare_requirements(a, b)
    return _FROM_COMPARISON[comparison.verdict], comparison.reason, comparison.reason_en, comparison.caveat


# --- a whole standard -----------------------------------------------------------------------------------------


def align_names(
    names_a: Sequence[str],
    names_b: Sequence[str],
    *,
    confirmed: Mapping[tuple[str, str], bool] | None = None,
    synonyms: Synonyms | None = None,
    keys: dict[str, str] | None = None,
) -> list[Candidate]:
    """The pairs nqihub.engines.alignment.align finds, faster: names whose synonym-aware key is unique on both
    sides and untouched by any person's decision pair at once (align would pair them before anything else); only
    the rest go through align's all-pairs scoring. Every name appears in exactly one Candidate, as with align."""
    synonyms = synonyms or default_synonyms()
    decided = {normalize_indicator_name(name) for pair in (confirmed or {}) for name in pair}
    keys = {} if keys is None else keys  # a caller comparing with many standards keeps the keys between calls

    def groups(names: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for name in names:
            key = keys.get(name)
            if key is None:
                key = keys[name] = synonyms.key(name)
            found.setdefault(key, []).append(name)
        return found

    keys_a, keys_b = groups(names_a), groups(names_b)
    direct: dict[str, Candidate] = {}  # by the name in B
    for key, [a, *more_a] in keys_a.items():
        found_b = keys_b.get(key)
        if more_a or found_b is None or len(found_b) != 1:
            continue
        b = found_b[0]
        if normalize_indicator_name(a) in decided or normalize_indicator_name(b) in decided:
            continue
        same = normalize_indicator_name(a) == normalize_indicator_name(b)
        direct[b] = Candidate(a, b, 100.0, "same name" if same else "synonym")
    taken_a = {c.a for c in direct.values()}
    rest = align(
        [n for n in names_a if n not in taken_a],
        [n for n in names_b if n not in direct],
        confirmed=confirmed,
        synonyms=synonyms,
    )
    return [*direct.values(), *rest]


def benchmark(
    enterprise: Sequence[IndicatorInput],
    standards: Sequence[BenchmarkInput],
    *,
    confirmed: Mapping[tuple[str, str], bool] | None = None,
    rules: Mapping[str, Any] | None = None,
    synonyms: Synonyms | None = None,
) -> BenchmarkOutcome:
    """Compare the enterprise's indicators with every benchmark standard and roll the verdicts up to a level.

    ``confirmed`` holds people's decisions about name pairs (as nqihub.review.alignment stores them).
    """
    rules = check_rules(rules or {})
    synonyms = synonyms or default_synonyms()
    by_name = {}
    for indicator in enterprise:
        by_name.setdefault(indicator.name, indicator)  # a repeated name: the first row counts
    names_a = list(by_name)
    items: list[ItemOutcome] = []
    used: set[str] = set()
    keys: dict[str, str] = {}
    verdicts: dict[tuple[str, str, str, str], tuple[Verdict, str, str, str | None]] = {}
    for standard in standards:
        rows = {}
        for indicator in standard.indicators:
            rows.setdefault(indicator.name, indicator)
        order = {name: i for i, name in enumerate(rows)}
        pairs = [
            c
            for c in align_names(names_a, list(rows), confirmed=confirmed, synonyms=synonyms, keys=keys)
            if c.b
        ]
        for candidate in sorted(pairs, key=lambda c: order[c.b]):  # the benchmark's order of indicators
            target = rows[candidate.b]
            if candidate.a is None or candidate.reason == "fuzzy":
                items.append(_missing(standard, target, candidate))
                continue
            used.add(candidate.a)
            mine = by_name[candidate.a]
            # Benchmark standards repeat each other's limits (an EN or GB adopting the ISO one): each distinct
            # pair of requirement texts is compared once per call.
            texts = (mine.requirement, mine.unit, target.requirement, target.unit)
            compared = verdicts.get(texts)
            if compared is None:
                compared = verdicts[texts] = compare_indicator(*texts)
            verdict, reason, reason_en, caveat = compared
            items.append(
                ItemOutcome(
                    standard=standard.number,
                    benchmark_class=standard.benchmark_class,
                    indicator=target.name,
                    benchmark_requirement=target.requirement,
                    benchmark_unit=target.unit,
                    core=target.core,
                    verdict=verdict,
                    reason=reason,
                    reason_en=reason_en,
                    enterprise_indicator=mine.name,
                    enterprise_requirement=mine.requirement,
                    enterprise_unit=mine.unit,
                    caveat=caveat,
                    alignment=candidate.reason,
                )
            )
    level, reason = roll_up(items, rules)
    extra = tuple(name for name in names_a if name not in used)
    return BenchmarkOutcome(tuple(items), level, reason, rules["version"], extra)


def _missing(standard: BenchmarkInput, target: IndicatorInput, candidate) -> ItemOutcome:
    if candidate.a is not None:  # a fuzzy candidate: proposed, not accepted
        reason = (
            f"企业标准无此指标;“{candidate.a}”可能是同一指标(相似度 {candidate.score:g}),确认对应后可比较"
        )
        reason_en = (
            f"the enterprise standard lacks it; '{candidate.a}' may be the same indicator "
            f"(similarity {candidate.score:g}): confirm the pair to compare"
        )
    else:
        reason, reason_en = "企业标准无此指标", "the enterprise standard lacks this indicator"
    return ItemOutcome(
        standard=standard.number,
        benchmark_class=standard.benchmark_class,
        indicator=target.name,
        benchmark_requirement=target.requirement,
        benchmark_unit=target.unit,
        core=target.core,
        verdict="missing",
        reason=reason,
        reason_en=reason_en,
        candidate=candidate.a,
        candidate_score=candidate.score if candidate.a is not None else None,
    )


# --- the level ------------------------------------------------------------------------------------------------


def _judged(items: Iterable[Any], rules: Mapping[str, Any]) -> dict[tuple[str, str], list[Any]]:
    """Items per (class, standard), reduced to the core ones (or all, when a standard marks none)."""
    grouped: dict[tuple[str, str], list[Any]] = {}
    for item in items:
        grouped.setdefault((item.benchmark_class, item.standard), []).append(item)
    judged = {}
    for key, rows in grouped.items():
        core = [row for row in rows if row.core]
        if not core and rules.get("no_core_means_all", True):
            core = rows
        if core:
            judged[key] = core
    return judged


def roll_up(items: Iterable[Any], rules: Mapping[str, Any] | None = None) -> tuple[Level, str]:
    """The level reached and why, from items with ``standard``, ``benchmark_class``, ``indicator``, ``core`` and
    ``verdict`` (engine items or stored rows alike)."""
    rules = check_rules(rules or {})
    passing = set(rules["passing"])
    judged = _judged(list(items), rules)
    shortfalls: list[str] = []
    for tier in rules["tiers"]:
        standards = {key: rows for key, rows in judged.items() if key[0] in tier["classes"]}
        if not standards:
            continue
        passed = {key: all(row.verdict in passing for row in rows) for key, rows in standards.items()}
        reached = all(passed.values()) if rules["standards"] == "all" else any(passed.values())
        tier_name = "、".join(BENCHMARK_CLASSES[c] for c in tier["classes"])
        if reached:
            names = "、".join(key[1] for key, ok in passed.items() if ok)
            reason = f"核心指标均不低于{tier_name}({names})"
            if shortfalls:  # why a higher level was missed
                reason += ";未达到更高水平:" + ";".join(shortfalls)
            return tier["level"], reason
        for key, rows in standards.items():
            failing = [
                f"{row.indicator}({VERDICTS.get(row.verdict, row.verdict)})"
                for row in rows
                if row.verdict not in passing
            ]
            if failing:
                shortfalls.append(f"对 {key[1]}:{'、'.join(failing)}")
    if not judged:
        return "not_reached", "没有可比较的对标指标"
    return "not_reached", "未达到任何一级:" + ";".join(shortfalls)

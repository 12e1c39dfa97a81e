"""The review checklist C1–C8 of DOMAIN.md §3, as pure functions over what was read from a standard.

The checks take plain values (a `ReviewInput` built from a document or a disclosure) and look-up functions for
the catalogue and the limit tables, so they run the same for the CLI, an enterprise's self-check and a
regulator's batch, and are tested without a database.

Outcome: 符合 (no finding), 符合但有瑕疵 (only 规范性 findings), 不符合 (any 合法性 or 完整性 finding); disposition:
合法性 / 完整性 → 责令限期整改, 规范性 → 指导修改.
"""

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nqihub.engines import stdnum
from nqihub.engines.requirements import (
    Requirement,
    compare_requirements,
    parse_requirement,
    render_requirement,
)

LEGALITY, COMPLETENESS, FORM = "legality", "completeness", "form"
MAJOR, MINOR, INFO = "major", "minor", "info"
DIMENSION_ZH = {LEGALITY: "合法性", COMPLETENESS: "完整性", FORM: "规范性"}


@dataclass(frozen=True)
class CatalogueEntry:
    """What the catalogue says of one standard on the check date."""

    normalized: str
    title: str
    status: str  # current | upcoming | abolished | replaced
    replacement: str = ""  # the current standard that replaces a withdrawn one, when the catalogue knows it
    replacement_title: str = ""


@dataclass(frozen=True)
class LimitRef:
    """A requirement another standard sets for an indicator (for one category or class of product)."""

    standard: str
    nature: str  # mandatory | recommended
    indicator: str
    category: str
    requirement: Requirement


@dataclass(frozen=True)
class ReferenceIn:
    number: str  # as written
    normalized: str
    normative: bool = True  # in chapter 2 (规范性引用文件) rather than elsewhere in the body
    dated: bool = True
    location: str = ""


@dataclass(frozen=True)
class IndicatorIn:
    name: str
    requirement: str
    unit: str = ""
    test_method: str = ""
    category: str = ""  # the class the enterprise states for this indicator, if any
    location: str = ""


@dataclass(frozen=True)
class StructureIn:
    """The GB/T 1.1-2020 structure as read from the text (None: not a document review, C6 is skipped)."""

    has_foreword: bool = True
    drafting_rules_edition: str | None = (
        "GB/T 1.1-2020"  # the edition the 前言 sentence cites, None if absent
    )
    chapters: dict[str, str] = field(default_factory=dict)  # "1" → "范围", "2" → "规范性引用文件" …
    product_standard: bool = True
    cover_number: str | None = None
    # presence of the product-standard chapters by their role, when intake recognised them by title variants
    product_chapters: dict[str, bool] | None = None


@dataclass(frozen=True)
class DisclosureFacts:
    """Completeness of a disclosure (C7); None for a bare document."""

    has_text_or_table: bool
    commitment_signed: bool
    products: int


@dataclass
class ReviewInput:
    number: str
    title: str = ""
    region_code: str = ""
    products: Sequence[str] = ()
    references: Sequence[ReferenceIn] = ()
    indicators: Sequence[IndicatorIn] = ()
    explicit_statement: str = ""
    structure: StructureIn | None = None
    disclosure: DisclosureFacts | None = None
    own_standard: bool = True
    check_date: datetime.date = field(default_factory=datetime.date.today)
    enterprise_patterns: dict[str, str] | None = None
    # the disclosed external standard's catalogue entry, and newer editions of what is declared (C8)
    declared_entry: CatalogueEntry | None = None
    newer_undisclosed: Sequence[str] = ()


@dataclass(frozen=True)
class Finding:
    check: str
    dimension: str
    severity: str
    message: str
    message_en: str
    location: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "dimension": self.dimension,
            "severity": self.severity,
            "message": self.message,
            "message_en": self.message_en,
            "location": self.location,
        }


@dataclass(frozen=True)
class ReviewResult:
    outcome: str  # conforming | minor | nonconforming
    disposition: str  # "" | rectify | guide
    findings: tuple[Finding, ...]

    @property
    def outcome_zh(self) -> str:
        return {"conforming": "符合", "minor": "符合但有瑕疵", "nonconforming": "不符合"}[self.outcome]


CatalogueLookup = Callable[[str], CatalogueEntry | None]
LimitLookup = Callable[[str], Sequence[LimitRef]]


def _no_catalogue(_: str) -> CatalogueEntry | None:
    return None


def _no_limits(_: str) -> Sequence[LimitRef]:
    return ()


# --- C1 number, year, name


def check_number(data: ReviewInput) -> list[Finding]:
    """C1: the number matches the region's pattern, its year is plausible, the name matches the products."""
    findings: list[Finding] = []
    parsed = stdnum.parse(data.number or "", enterprise_patterns=data.enterprise_patterns)
    if not parsed.ok:
        return [
            Finding(
                "C1",
                FORM,
                MINOR,
                f"标准编号“{data.number}”不规范:{parsed.error}",
                f"the standard number {data.number!r} is malformed: {parsed.error}",
                "封面",
            )
        ]
    std = parsed.standard
    if data.own_standard:
        if std.family != "enterprise":
            findings.append(
                Finding(
                    "C1",
                    FORM,
                    MINOR,
                    f"企业标准编号应以“Q/”开头,实为“{std.normalized}”",
                    f"an enterprise standard number starts with Q/, not {std.normalized}",
                    "封面",
                )
            )
        elif data.region_code:
            ok, reason = stdnum.enterprise_number_matches_region(
                std.normalized, data.region_code, data.enterprise_patterns
            )
            if not ok:
                findings.append(
                    Finding(
                        "C1",
                        FORM,
                        MINOR,
                        f"企业标准编号不符合本地区编号规则:{reason}",
                        f"the number does not follow the region's pattern: {reason}",
                        "封面",
                    )
                )
    if std.year is not None and not (1980 <= std.year <= data.check_date.year + 1):
        findings.append(
            Finding(
                "C1",
                FORM,
                MINOR,
                f"标准编号中的年代号 {std.year} 不合理",
                f"the year {std.year} in the number is implausible",
                "封面",
            )
        )
    if data.title and data.products:
        words = {w for p in data.products for w in _name_words(p)}
        if words and not any(w in data.title for w in words):
            findings.append(
                Finding(
                    "C1",
                    FORM,
                    INFO,
                    f"标准名称“{data.title}”与产品名称({'、'.join(data.products)})不对应",
                    "the title does not name the products",
                    "封面",
                )
            )
    return findings


def _name_words(product: str) -> set[str]:
    # Product names like "日用陶瓷餐具 A型": compare the Chinese core words of two or more characters.
    return {w for w in re.findall(r"[\u4e00-\u9fff]{2,}", product)}


# --- C2 references


def check_references(data: ReviewInput, catalogue: CatalogueLookup) -> list[Finding]:
    """C2: every normative reference exists in the catalogue and is current on the check date; a withdrawn
    one names its replacement."""
    findings: list[Finding] = []
    seen: set[str] = set()
    for ref in data.references:
        if not ref.normative or ref.normalized in seen:
            continue
        seen.add(ref.normalized)
        parsed = stdnum.parse(ref.normalized)
        if parsed.ok and parsed.standard.family in ("international", "foreign", "enterprise"):
            continue  # the national catalogue does not hold these
        if not ref.dated:
            continue  # an undated reference means "the latest edition" and is valid by definition (GB/T 1.1)
        entry = catalogue(ref.normalized)
        if entry is None:
            findings.append(
                Finding(
                    "C2",
                    LEGALITY,
                    MAJOR,
                    f"引用标准 {ref.number} 在标准目录中不存在,无法确认其有效性",
                    f"the referenced standard {ref.number} is not in the catalogue",
                    ref.location,
                    {"reference": ref.normalized},
                )
            )
        elif entry.status in ("abolished", "replaced"):
            status = "已废止" if entry.status == "abolished" else "已被代替"
            tail = (
                f",应改为引用 {entry.replacement}《{entry.replacement_title}》" if entry.replacement else ""
            )
            tail_en = f"; cite {entry.replacement} instead" if entry.replacement else ""
            findings.append(
                Finding(
                    "C2",
                    LEGALITY,
                    MAJOR,
                    f"引用标准 {ref.number} {status}{tail}",
                    f"the referenced standard {ref.number} is withdrawn{tail_en}",
                    ref.location,
                    {"reference": ref.normalized, "replacement": entry.replacement},
                )
            )
    return findings


# --- C3 / C4 indicators against other standards


def _parsed(indicator: IndicatorIn) -> Requirement:
    return parse_requirement(indicator.requirement, unit=indicator.unit or None)


def _applicable(limits: Sequence[LimitRef], indicator: IndicatorIn) -> list[LimitRef]:
    if indicator.category:
        chosen = [lim for lim in limits if lim.category == indicator.category]
        if chosen:
            return chosen
    return list(limits)


def check_mandatory_limits(data: ReviewInput, limits: LimitLookup) -> list[Finding]:
    """C3: every indicator is at least as strict as the mandatory standards' requirement for it.

    Without a stated category or class, an indicator is compared with every category's requirement and found
    looser only if it is looser than all of them (the most lenient category governs) — no false alarms."""
    findings: list[Finding] = []
    for indicator in data.indicators:
        requirement = _parsed(indicator)
        if not requirement.ok:
            continue
        mandatory = [
            lim for lim in _applicable(limits(indicator.name), indicator) if lim.nature == "mandatory"
        ]
        if not mandatory:
            continue
        verdicts = [(lim, compare_requirements(requirement, lim.requirement)) for lim in mandatory]
        comparable = [(lim, v) for lim, v in verdicts if v.verdict != "incomparable"]
        if comparable and all(v.verdict == "looser" for _, v in comparable):
            lim = min(comparable, key=lambda pair: _leniency_rank(pair[0], comparable))[0]
            limit_text = render_requirement(lim.requirement)
            category = f"({lim.category})" if lim.category and len(mandatory) == 1 else ""
            findings.append(
                Finding(
                    "C3",
                    LEGALITY,
                    MAJOR,
                    f"指标“{indicator.name}”要求 {indicator.requirement}{' ' + indicator.unit if indicator.unit else ''}"
                    f" 低于强制性标准 {lim.standard}{category} 的要求 {limit_text}",
                    f"indicator {indicator.name!r} ({indicator.requirement}) is looser than the mandatory "
                    f"{lim.standard} requirement {limit_text}",
                    indicator.location,
                    {"indicator": indicator.name, "standard": lim.standard, "limit": limit_text},
                )
            )
    return findings


def _leniency_rank(lim: LimitRef, pairs) -> int:
    # The most lenient comparable limit is the one every other is stricter than or equal to.
    return sum(
        1
        for other, _ in pairs
        if compare_requirements(lim.requirement, other.requirement).verdict == "stricter"
    )


def check_explicit_statement(data: ReviewInput, limits: LimitLookup) -> list[Finding]:
    """C4: indicators lower than a recommended national standard's are stated explicitly (明示)."""
    if data.explicit_statement.strip():
        return []
    lower = []
    for indicator in data.indicators:
        requirement = _parsed(indicator)
        if not requirement.ok:
            continue
        recommended = [
            lim for lim in _applicable(limits(indicator.name), indicator) if lim.nature == "recommended"
        ]
        comparable = [compare_requirements(requirement, lim.requirement) for lim in recommended]
        comparable = [c for c in comparable if c.verdict != "incomparable"]
        if comparable and all(c.verdict == "looser" for c in comparable):
            lower.append(indicator)
    if not lower:
        return []
    names = "、".join(i.name for i in lower)
    return [
        Finding(
            "C4",
            COMPLETENESS,
            MINOR,
            f"指标({names})低于推荐性国家标准,但未作明示说明",
            f"indicators ({names}) are lower than the recommended national standard without a statement",
            lower[0].location,
            {"indicators": [i.name for i in lower]},
        )
    ]


# --- C5 test methods


def check_test_methods(data: ReviewInput) -> list[Finding]:
    """C5: every disclosed indicator has a test / inspection / evaluation method."""
    return [
        Finding(
            "C5",
            COMPLETENESS,
            MAJOR,
            f"指标“{i.name}”未给出检验方法",
            f"indicator {i.name!r} has no test method",
            i.location,
            {"indicator": i.name},
        )
        for i in data.indicators
        if not i.test_method.strip()
    ]


# --- C6 structure

REQUIRED_CHAPTERS = [("1", "范围"), ("2", "规范性引用文件"), ("3", "术语和定义")]
PRODUCT_CHAPTERS = ["要求", "试验方法", "检验规则", "标志、包装、运输和贮存"]


def check_structure(data: ReviewInput) -> list[Finding]:
    """C6: GB/T 1.1-2020 structure — foreword with the drafting-rules sentence, chapters 1–3, product chapters."""
    s = data.structure
    if s is None:
        return []
    findings: list[Finding] = []
    if not s.has_foreword:
        findings.append(Finding("C6", FORM, MINOR, "缺少前言", "the foreword (前言) is missing", "前言"))
    elif s.drafting_rules_edition is None:
        findings.append(
            Finding(
                "C6",
                FORM,
                MINOR,
                "前言未说明起草规则(应为“本文件按照GB/T 1.1—2020……的规定起草”)",
                "the foreword does not state the drafting rules (GB/T 1.1-2020)",
                "前言",
            )
        )
    elif stdnum.normalize(s.drafting_rules_edition) != "GB/T 1.1-2020":
        findings.append(
            Finding(
                "C6",
                FORM,
                MINOR,
                f"前言所述起草规则为 {s.drafting_rules_edition},应按照 GB/T 1.1—2020 起草",
                f"drafted to {s.drafting_rules_edition}, not GB/T 1.1-2020",
                "前言",
            )
        )
    for number, title in REQUIRED_CHAPTERS:
        if _chapter_title(s.chapters.get(number)) != title:
            found = s.chapters.get(number)
            detail = f"(第{number}章为“{found}”)" if found else ""
            findings.append(
                Finding(
                    "C6",
                    FORM,
                    MINOR,
                    f"缺少第{number}章“{title}”{detail}",
                    f"chapter {number} '{title}' is missing",
                    f"第{number}章",
                )
            )
    if s.product_standard:
        titles = {_chapter_title(t) for t in s.chapters.values()}
        for title in PRODUCT_CHAPTERS:
            if title not in titles and not (
                title == "标志、包装、运输和贮存" and any("标志" in t for t in titles)
            ):
                findings.append(
                    Finding(
                        "C6",
                        FORM,
                        MINOR,
                        f"产品标准缺少“{title}”一章",
                        f"the product standard lacks the chapter '{title}'",
                        "",
                    )
                )
    return findings


def _chapter_title(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


# --- C7 completeness of the disclosure


def check_disclosure(data: ReviewInput) -> list[Finding]:
    """C7: the disclosure has its text or an indicator table, the signed commitment, and linked products."""
    facts = data.disclosure
    if facts is None:
        return []
    findings = []
    if data.own_standard and not facts.has_text_or_table:
        findings.append(
            Finding(
                "C7", COMPLETENESS, MAJOR, "未公开标准文本或指标表", "neither text nor indicator table", ""
            )
        )
    if data.own_standard and not facts.commitment_signed:
        findings.append(
            Finding("C7", COMPLETENESS, MAJOR, "未签署承诺书", "the commitment is not signed", "")
        )
    if facts.products == 0:
        findings.append(Finding("C7", COMPLETENESS, MAJOR, "未关联产品", "no product is linked", ""))
    return findings


# --- C8 declaration current


def check_current(data: ReviewInput) -> list[Finding]:
    """C8: no newer version of the declared standard is left undisclosed."""
    findings = []
    entry = data.declared_entry
    if entry is not None and entry.status in ("abolished", "replaced"):
        tail = f",现行版本为 {entry.replacement}" if entry.replacement else ""
        findings.append(
            Finding(
                "C8",
                COMPLETENESS,
                MAJOR,
                f"声明执行的标准 {entry.normalized} 已废止{tail},声明未更新",
                f"the declared standard {entry.normalized} is withdrawn",
                "",
                {"replacement": entry.replacement},
            )
        )
    for newer in data.newer_undisclosed:
        findings.append(
            Finding(
                "C8",
                COMPLETENESS,
                MAJOR,
                f"已有新版本 {newer},但未公开声明",
                f"a newer version {newer} exists but is not disclosed",
                "",
            )
        )
    return findings


# --- the whole review


def review(
    data: ReviewInput, *, catalogue: CatalogueLookup = _no_catalogue, limits: LimitLookup = _no_limits
) -> ReviewResult:
    """Run C1–C8 and decide the outcome and disposition."""
    findings = [
        *check_number(data),
        *check_references(data, catalogue),
        *check_mandatory_limits(data, limits),
        *check_explicit_statement(data, limits),
        *check_test_methods(data),
        *check_structure(data),
        *check_disclosure(data),
        *check_current(data),
    ]
    counted = [f for f in findings if f.severity != INFO]
    if any(f.dimension in (LEGALITY, COMPLETENESS) for f in counted):
        outcome, disposition = "nonconforming", "rectify"
    elif counted:
        outcome, disposition = "minor", "guide"
    else:
        outcome, disposition = "conforming", ""
    return ReviewResult(outcome, disposition, tuple(findings))

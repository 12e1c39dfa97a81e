"""A review as people read it: findings in checklist order grouped by dimension, and the printable report a
bureau sends to an enterprise (企业标准自我声明公开审查意见书; for a self-check, 企业标准自查报告), rendered as
HTML and, through WeasyPrint with the Noto CJK fonts, as PDF.

The report is always in Chinese — it is an official document — whatever language the page around it uses.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from nqihub.core.models import Role

from .models import Dimension, Disposition, Review, Severity

# Days an enterprise is given to rectify (责令限期整改); a bureau sets REVIEW_RECTIFICATION_DAYS.
DEFAULT_RECTIFICATION_DAYS = 30
FALLBACK_BUREAU = _("市场监督管理局")
REPORT_LANGUAGE = "zh-hans"

# The checklist of DOMAIN.md §3, as the pages and the report name each item.
CHECK_TITLES = {
    "C1": _("编号与名称"),
    "C2": _("规范性引用文件有效性"),
    "C3": _("强制性标准要求"),
    "C4": _("低于推荐性标准的明示"),
    "C5": _("检验方法"),
    "C6": _("文本结构(GB/T 1.1—2020)"),
    "C7": _("公开内容完整性"),
    "C8": _("声明的标准现行有效"),
}
CHECK_DIMENSIONS = {
    "C1": Dimension.FORM,
    "C2": Dimension.LEGALITY,
    "C3": Dimension.LEGALITY,
    "C4": Dimension.COMPLETENESS,
    "C5": Dimension.COMPLETENESS,
    "C6": Dimension.FORM,
    "C7": Dimension.COMPLETENESS,
    "C8": Dimension.COMPLETENESS,
}
DIMENSION_ORDER = [Dimension.LEGALITY, Dimension.COMPLETENESS, Dimension.FORM]


@dataclass(frozen=True)
class FindingLine:
    """One finding, stored (a Finding row) or fresh from the checks (checks.Finding), in one shape."""

    check: str
    dimension: str
    severity: str
    message: str
    message_en: str
    location: str

    @property
    def check_title(self) -> str:
        return str(CHECK_TITLES.get(self.check, ""))

    @property
    def dimension_label(self) -> str:
        return str(Dimension(self.dimension).label) if self.dimension in Dimension.values else self.dimension

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label) if self.severity in Severity.values else self.severity

    @property
    def text(self) -> str:
        """The message in the page's language (Chinese unless English is chosen and there is a translation)."""
        if self.message_en and (translation.get_language() or "").startswith("en"):
            return self.message_en
        return self.message


def _check_order(check: str) -> int:
    return int(check[1:]) if check[1:].isdigit() else 99


def finding_lines(findings: Iterable) -> list[FindingLine]:
    """The findings in checklist order (C1 … C8), each check's findings in the order they were found."""
    lines = [
        FindingLine(
            getattr(f, "check_id", None) or f.check,
            f.dimension,
            f.severity,
            f.message,
            getattr(f, "message_en", ""),
            f.location,
        )
        for f in findings
    ]
    return sorted(lines, key=lambda line: _check_order(line.check))


@dataclass(frozen=True)
class DimensionGroup:
    dimension: str
    label: str
    lines: list[FindingLine]


def by_dimension(lines: Iterable[FindingLine]) -> list[DimensionGroup]:
    """Findings grouped 合法性 / 完整性 / 规范性 (empty groups left out)."""
    lines = list(lines)
    return [
        DimensionGroup(d.value, str(d.label), [line for line in lines if line.dimension == d.value])
        for d in DIMENSION_ORDER
        if any(line.dimension == d.value for line in lines)
    ]


def rectification_days() -> int:
    return int(getattr(settings, "REVIEW_RECTIFICATION_DAYS", DEFAULT_RECTIFICATION_DAYS))


def rectification_deadline(review: Review) -> datetime.date | None:
    """The date by which an enterprise told to rectify (责令限期整改) must have done so; None otherwise, and for a
    self-check, which no bureau issued."""
    if review.disposition != Disposition.RECTIFY or review.self_check:
        return None
    return review.checked_on + datetime.timedelta(days=rectification_days())


def _region_chain(code: str) -> list[str]:
    """A county's code, then its city's and province's (450321 → 450321, 450300, 450000)."""
    if len(code) != 6 or not code.isdigit():
        return []
    chain = [code, f"{code[:4]}00", f"{code[:2]}0000"]
    return list(dict.fromkeys(chain))


def issuing_bureau(review: Review) -> str:
    """The bureau in the report's header: the regulator unit of the reviewing regulator's region, else of the
    disclosure's region or the city or province above it, else plain 市场监督管理局."""
    from nqihub.registry.models import RegulatorUnit

    codes: list[str] = []
    requester = review.requested_by
    if requester is not None and requester.role == Role.REGULATOR and requester.region_code:
        codes.append(requester.region_code)
    region = review.region_code or (review.disclosure.region_code if review.disclosure_id else "")
    codes += _region_chain(region)
    for code in dict.fromkeys(codes):
        unit = RegulatorUnit.objects.filter(region_code=code).order_by("pk").first()
        if unit is not None:
            return unit.name
    return str(FALLBACK_BUREAU)


def document_number(review: Review) -> str:
    """审查〔2026〕第12号 — the review's id in the year it was checked; 自查 for a self-check."""
    kind = "自查" if review.self_check else "审查"
    return f"{kind}〔{review.checked_on.year}〕第{review.pk}号"


def report_title(review: Review) -> str:
    return "企业标准自查报告" if review.self_check else "企业标准自我声明公开审查意见书"


def report_context(review: Review) -> dict:
    lines = finding_lines(review.findings.all())
    disclosure = review.disclosure
    return {
        "review": review,
        "disclosure": disclosure,
        "enterprise": disclosure.enterprise if disclosure is not None else None,
        "bureau": issuing_bureau(review),
        "title": report_title(review),
        "number": document_number(review),
        "lines": lines,
        "counted": [line for line in lines if line.severity != Severity.INFO],
        "notes": [line for line in lines if line.severity == Severity.INFO],
        "deadline": rectification_deadline(review),
        "rectification_days": rectification_days(),
        "issued_on": timezone.localdate(review.created_at) if review.created_at else review.checked_on,
    }


def render_html(review: Review, *, toolbar: bool = False, request=None) -> str:
    """The report page; `toolbar` adds the links of the on-screen version (hidden when printed)."""
    with translation.override(REPORT_LANGUAGE):
        return render_to_string(
            "review/report.html", {**report_context(review), "toolbar": toolbar}, request=request
        )


def render_pdf(review: Review) -> bytes:
    """The report as an A4 PDF with the CJK font embedded (WeasyPrint; fonts-noto-cjk must be installed)."""
    from weasyprint import HTML

    return HTML(string=render_html(review)).write_pdf()


def report_filename(review: Review) -> str:
    return f"{report_title(review)}-{document_number(review)}.pdf"

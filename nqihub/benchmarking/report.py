"""The printable 对标结果 report: the result, its level and reason, and every compared indicator, as HTML and (through
WeasyPrint with the Noto CJK fonts) as an A4 PDF. Always in Chinese: it is the document an enterprise shows."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from .models import BenchmarkClass, BenchmarkResult, ResultItem, Verdict

REPORT_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class StandardGroup:
    """The items of one benchmark standard, in the result's order."""

    number: str
    title: str
    benchmark_class: str
    class_label: str
    items: list[ResultItem]


def grouped_items(result: BenchmarkResult) -> list[StandardGroup]:
    groups: dict[str, StandardGroup] = {}
    for item in result.items.select_related("benchmark_standard").order_by("position", "id"):
        group = groups.get(item.benchmark_number)
        if group is None:
            group = groups[item.benchmark_number] = StandardGroup(
                item.benchmark_number,
                item.benchmark_standard.title,
                item.benchmark_class,
                str(BenchmarkClass(item.benchmark_class).label),
                [],
            )
        group.items.append(item)
    return list(groups.values())


def verdict_counts(result: BenchmarkResult) -> list[tuple[str, str, int]]:
    counted = {value: 0 for value in Verdict.values}
    for verdict in result.items.values_list("verdict", flat=True):
        counted[verdict] = counted.get(verdict, 0) + 1
    return [(value, str(label), counted[value]) for value, label in Verdict.choices]


def document_number(result: BenchmarkResult) -> str:
    year = (result.published_at or result.created_at).year
    return f"对标〔{year}〕第{result.pk}号"


def report_context(result: BenchmarkResult) -> dict:
    return {
        "result": result,
        "enterprise": result.enterprise,
        "disclosure": result.disclosure,
        "groups": grouped_items(result),
        "counts": verdict_counts(result),
        "number": document_number(result),
        "title": "企业标准对标结果报告",
    }


def render_html(result: BenchmarkResult, *, toolbar: bool = False, request=None) -> str:
    with translation.override(REPORT_LANGUAGE):
        return render_to_string(
            "benchmarking/report.html", {**report_context(result), "toolbar": toolbar}, request=request
        )


def render_pdf(result: BenchmarkResult) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(result)).write_pdf()


def report_filename(result: BenchmarkResult) -> str:
    return f"企业标准对标结果报告-{document_number(result)}.pdf"

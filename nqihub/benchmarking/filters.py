"""Filters of the benchmarking lists (the same FilterSets serve the pages and the API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nqihub.core.filters import StyledFilterSet
from nqihub.engines import stdnum
from nqihub.engines.alignment import normalize_indicator_name
from nqihub.engines.text import collapse_spaces, fold_text

from .models import (
    AdvancedIndicator,
    AdvancedStandard,
    BenchmarkClass,
    BenchmarkResult,
    BenchmarkScheme,
    Level,
    ResultState,
    SchemeState,
)


def _folded(value: str) -> str:
    return collapse_spaces(fold_text(value or ""))


class AdvancedStandardFilter(StyledFilterSet):
    """Search by number (any spelling: ＩＳＯ　６４８６, iso6486-1), title, product or indicator; ICS; class."""

    q = django_filters.CharFilter(label=_("标准号、名称、产品或指标"), method="filter_q")
    ics = django_filters.CharFilter(label=_("ICS"), method="filter_ics")
    benchmark_class = django_filters.ChoiceFilter(label=_("类别"), choices=BenchmarkClass.choices)
    category = django_filters.CharFilter(label=_("产品分类代码"), method="filter_category")

    class Meta:
        model = AdvancedStandard
        fields = ["q", "ics", "benchmark_class", "category"]

    def filter_q(self, queryset, name, value):
        text = _folded(value)
        if not text:
            return queryset
        compact = stdnum.fold(text).replace(" ", "").upper()
        by_number = Q(normalized_number__icontains=text.upper())
        parsed = stdnum.parse(text)
        if parsed.ok:
            by_number |= Q(normalized_number__iexact=parsed.normalized)
            if parsed.standard.year is None:
                by_number |= Q(normalized_number__istartswith=parsed.normalized)
        ids = [
            pk
            for pk, number in queryset.values_list("pk", "normalized_number")
            if compact and compact in number.replace(" ", "").upper()
        ]
        return queryset.filter(
            by_number
            | Q(pk__in=ids)
            | Q(title__icontains=text)
            | Q(title_en__icontains=text)
            | Q(product__icontains=text)
            | Q(indicators__name__icontains=text)
            | Q(indicators__name_key=normalize_indicator_name(text))
        ).distinct()

    def filter_ics(self, queryset, name, value):
        text = _folded(value).replace(" ", "")
        return queryset.filter(ics_code__startswith=text) if text else queryset

    def filter_category(self, queryset, name, value):
        code = _folded(value).replace(" ", "")
        if not code:
            return queryset
        # A product of 小类 3074 matches standards listed for 3074, its 中类 307 or its 大类 30.
        prefixes = {code[:n] for n in range(2, len(code) + 1)} | {code}
        matching = Q()
        for prefix in prefixes:
            matching |= Q(category_codes__regex=rf"(^|,){prefix}(,|$)")
        return queryset.filter(matching)


class AdvancedIndicatorFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("标准号或指标"), method="filter_q")
    benchmark_class = django_filters.ChoiceFilter(
        label=_("类别"), choices=BenchmarkClass.choices, field_name="standard__benchmark_class"
    )

    class Meta:
        model = AdvancedIndicator
        fields = ["q", "benchmark_class"]

    def filter_q(self, queryset, name, value):
        text = _folded(value)
        if not text:
            return queryset
        return queryset.filter(
            Q(name__icontains=text)
            | Q(name_key=normalize_indicator_name(text))
            | Q(standard__normalized_number__icontains=text.upper())
        )


class SchemeFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("方案名称或产品"), method="filter_q")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=SchemeState.choices)

    class Meta:
        model = BenchmarkScheme
        fields = ["q", "state"]

    def filter_q(self, queryset, name, value):
        text = _folded(value)
        if not text:
            return queryset
        return queryset.filter(
            Q(title__icontains=text) | Q(product__icontains=text) | Q(committee__icontains=text)
        )


class ResultFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("企业、标准号或名称"), method="filter_q")
    level = django_filters.ChoiceFilter(label=_("对标水平"), choices=Level.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ResultState.choices)
    region = django_filters.CharFilter(label=_("行政区划代码"), method="filter_region")

    class Meta:
        model = BenchmarkResult
        fields = ["q", "level", "state", "region"]

    def filter_q(self, queryset, name, value):
        text = _folded(value)
        if not text:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=text)
            | Q(disclosure__standard_number__icontains=text)
            | Q(disclosure__title__icontains=text)
            | Q(scheme__title__icontains=text)
        )

    def filter_region(self, queryset, name, value):
        from nqihub.core.regions import jurisdiction_prefix

        code = _folded(value).replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            return queryset
        return queryset.filter(region_code__startswith=jurisdiction_prefix(code))

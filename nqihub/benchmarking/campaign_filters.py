"""Filters of the campaign's lists (the same FilterSets serve the pages, the API and the ranking export)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nqihub.core.filters import StyledFilterSet
from nqihub.engines.text import collapse_spaces, fold_text

from .models import PilotBatch, RankingRow, RankingSnapshot, RankingSource, Training


class TrainingFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("培训名称或主办单位"), method="filter_q")
    region = django_filters.CharFilter(
        label=_("行政区划代码"), field_name="region_code", lookup_expr="startswith"
    )
    year = django_filters.NumberFilter(label=_("年份"), field_name="held_on", lookup_expr="year")

    class Meta:
        model = Training
        fields = ["q", "region", "year"]

    def filter_q(self, queryset, name, value):
        text = collapse_spaces(fold_text(value or ""))
        return queryset.filter(Q(title__icontains=text) | Q(organiser__icontains=text)) if text else queryset


class PilotBatchFilter(StyledFilterSet):
    city = django_filters.CharFilter(label=_("包含城市(行政区划代码)"), method="filter_city")

    class Meta:
        model = PilotBatch
        fields = ["city"]

    def filter_city(self, queryset, name, value):
        code = fold_text(value or "").strip()
        return queryset.filter(cities__region_code=code).distinct() if code else queryset


class RankingSnapshotFilter(StyledFilterSet):
    key = django_filters.CharFilter(label=_("排名口径"))
    source = django_filters.ChoiceFilter(label=_("来源"), choices=RankingSource.choices)
    batch = django_filters.NumberFilter(label=_("试点城市批次"), field_name="batch_id")
    since = django_filters.DateFilter(label=_("起始日期"), field_name="as_of", lookup_expr="gte")

    class Meta:
        model = RankingSnapshot
        fields = ["key", "source", "batch", "since"]


class RankingRowFilter(StyledFilterSet):
    snapshot = django_filters.NumberFilter(label=_("排名"), field_name="snapshot_id")
    as_of = django_filters.DateFilter(label=_("排名日期"), field_name="snapshot__as_of")
    source = django_filters.ChoiceFilter(
        label=_("来源"), field_name="snapshot__source", choices=RankingSource.choices
    )

    class Meta:
        model = RankingRow
        fields = ["snapshot", "as_of", "source"]

"""Limit tables as an importable kind ("limits"): CSV or xlsx, one requirement per row, through the staged
importer (upload → per-row validation → commit good rows → correct the rest). Platform administrator only.

Columns: 标准号*, 标准名称 (for a new table: on one of its rows, else taken from the catalogue), 指标*, 类别,
适用条件, 要求*, 单位, 说明. A row's natural key is (standard number, indicator, category, condition), each
normalised, so importing the same file again updates or leaves rows unchanged instead of duplicating them;
铅(以Pb计) and Pb are one indicator there. A requirement the requirement engine cannot read (``≤ 无``, a unit
``mg/kgg``, a bare ``0.5`` whose direction would be a guess) is a row error with the engine's reason.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nqihub.core.filters import StyledFilterSet
from nqihub.core.forms import ScopedModelForm
from nqihub.engines.text import collapse_spaces, fold_text
from nqihub.imports.columns import Column, KindSpec

from .limits import check_requirement, indicator_key, limit_table_number, normalize_category
from .models import LimitRequirement, LimitTable


class LimitRequirementForm(ScopedModelForm):
    """One requirement as typed or imported, with the number and title of its table."""

    standard_number = forms.CharField(label=_("标准号"), max_length=80)
    standard_title = forms.CharField(label=_("标准名称"), max_length=300, required=False)

    class Meta:
        model = LimitRequirement
        fields = [
            "standard_number",
            "standard_title",
            "indicator",
            "category",
            "condition",
            "requirement",
            "unit",
            "note",
        ]

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("standard_number")
        if number:
            try:
                normalized = limit_table_number(number)
            except ValidationError as exc:
                self.add_error("standard_number", exc.message_dict["standard_number"])
            else:
                # A new table's title may come from another row of the same file: checked when committing.
                table = LimitTable.objects.filter(normalized_number=normalized).first()
                if table is not None:
                    # The stored spelling, so "GB3838-2002" in a file is not reported as a change.
                    cleaned["standard_number"] = table.standard_number
                    cleaned["standard_title"] = cleaned.get("standard_title") or table.title
        cleaned["category"] = normalize_category(cleaned.get("category"))
        requirement = cleaned.get("requirement")
        if requirement:
            try:
                check_requirement(requirement, cleaned.get("unit") or "", cleaned.get("indicator") or "")
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    self.add_error(name, messages)
        return cleaned


class LimitRequirementFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("标准号或指标"), method="filter_q")
    table = django_filters.ModelChoiceFilter(label=_("限量指标表"), queryset=LimitTable.objects.all())
    category = django_filters.CharFilter(label=_("类别"), method="filter_category")

    class Meta:
        model = LimitRequirement
        fields = ["q", "table", "category"]

    def filter_q(self, queryset, name, value):
        text = collapse_spaces(fold_text(value))
        if not text:
            return queryset
        return queryset.filter(
            Q(indicator__icontains=text)
            | Q(indicator_key=indicator_key(text))
            | Q(table__normalized_number__icontains=text.upper())
        )

    def filter_category(self, queryset, name, value):
        return queryset.filter(category=normalize_category(value)) if value else queryset


def _number(data) -> str:
    try:
        return limit_table_number(data.get("standard_number", ""))
    except ValidationError:
        return ""


def _lookup(model, data):
    normalized, indicator = _number(data), collapse_spaces(data.get("indicator", ""))
    if not normalized or not indicator:
        return None
    return model.objects.filter(
        table__normalized_number=normalized,
        indicator_key=indicator_key(indicator),
        category=normalize_category(data.get("category", "")),
        condition=collapse_spaces(data.get("condition", "")),
    ).first()


def _keys(data):
    normalized, indicator = _number(data), collapse_spaces(data.get("indicator", ""))
    if not normalized or not indicator:
        return []
    return [
        (
            "standard_number|indicator|category|condition",
            normalized,
            indicator_key(indicator),
            normalize_category(data.get("category", "")),
            collapse_spaces(data.get("condition", "")),
        )
    ]


class LimitKindSpec(KindSpec):
    """The table's number and title are columns of every row but fields of the table, not of the row."""

    @property
    def required_fields(self) -> list[str]:
        return ["standard_number", "indicator", "requirement"]


LIMITS = LimitKindSpec(
    slug="limits",
    model=LimitRequirement,
    form_class=LimitRequirementForm,
    filterset_class=LimitRequirementFilter,
    create_service="create_limit_requirement",
    update_service="update_limit_requirement",
    services_module="nqihub.review.limits",
    lookup=_lookup,
    keys=_keys,
    key_fields=("standard_number", "indicator", "category", "condition"),
    columns=(
        Column("standard_number", "标准号", ("标准编号", "std_no", "standard", "standard_number")),
        Column("standard_title", "标准名称", ("中文标准名称", "标准名", "title", "standard_title")),
        Column("indicator", "指标", ("指标名称", "项目", "检验项目", "指标项目", "indicator", "factor")),
        Column(
            "category", "类别", ("产品类别", "分类", "水质类别", "类", "category", "class", "quality_class")
        ),
        Column("condition", "适用条件", ("条件", "适用范围", "condition")),
        Column("requirement", "要求", ("指标要求", "限量", "限值", "标准限值", "requirement", "limit")),
        Column("unit", "单位", ("计量单位", "unit")),
        Column("note", "说明", ("备注", "注", "note", "remark")),
    ),
)

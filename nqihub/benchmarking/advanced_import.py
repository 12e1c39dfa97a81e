"""The international advanced standards database as an importable kind ("advanced"): xlsx or CSV, one indicator
per row, through the staged importer (upload → per-row validation → commit good rows → correct the rest).

Columns: 标准号*, 标准名称 (needed on a row of each new standard), 类别* (国际标准 / 国外先进标准 / 国内先进标准,
or ISO / 国外 / 国内), 指标*, 要求*, 单位, 核心指标 (是/否), 适用产品分类 (GB/T 4754 codes), ICS, 适用产品, 来源.
A row's natural key is (normalised standard number, normalised indicator name), so importing a file again updates
rows instead of duplicating them. A requirement the engine cannot read is a row error with the engine's reason.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nqihub.core.forms import ScopedModelForm
from nqihub.engines.alignment import normalize_indicator_name
from nqihub.engines.requirements import parse_requirement
from nqihub.engines.text import collapse_spaces
from nqihub.imports.columns import Column, KindSpec

from .filters import AdvancedIndicatorFilter
from .models import AdvancedIndicator, AdvancedStandard, BenchmarkClass
from .services import is_author, normalize_advanced_number

_YES = {"是", "y", "yes", "true", "1", "√", "✓", "★", "*", "核心", "核心指标"}
_NO = {"", "否", "n", "no", "false", "0", "×", "一般", "非核心"}


class AdvancedIndicatorForm(ScopedModelForm):
    """One indicator row with the columns of its standard."""

    standard_number = forms.CharField(label=_("标准号"), max_length=120)
    standard_title = forms.CharField(label=_("标准名称"), max_length=300, required=False)
    benchmark_class = forms.ChoiceField(label=_("类别"), choices=BenchmarkClass.choices)
    core = forms.CharField(label=_("核心指标"), required=False)
    ics_code = forms.CharField(label=_("ICS"), max_length=64, required=False)
    category_codes = forms.CharField(label=_("适用产品分类"), max_length=200, required=False)
    product = forms.CharField(label=_("适用产品"), max_length=200, required=False)
    source = forms.CharField(label=_("来源"), max_length=200, required=False)

    class Meta:
        model = AdvancedIndicator
        fields = [
            "standard_number",
            "standard_title",
            "benchmark_class",
            "name",
            "requirement",
            "unit",
            "core",
            "category_codes",
            "ics_code",
            "product",
            "source",
        ]

    def clean_core(self):
        value = collapse_spaces(str(self.cleaned_data.get("core") or "")).lower()
        if value in _YES:
            return True
        if value in _NO:
            return False
        raise ValidationError(_("核心指标请填“是”或“否”"))

    def clean(self):
        cleaned = super().clean()
        number, cls = cleaned.get("standard_number"), cleaned.get("benchmark_class")
        if number:
            try:
                display, normalized = normalize_advanced_number(number, cls)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error("standard_number" if field == "number" else field, messages)
            else:
                stored = AdvancedStandard.objects.filter(normalized_number=normalized).first()
                if stored is not None:
                    cleaned["standard_number"] = stored.number
                    cleaned["standard_title"] = cleaned.get("standard_title") or stored.title
                else:
                    cleaned["standard_number"] = display
        requirement = cleaned.get("requirement")
        if requirement:
            parsed = parse_requirement(requirement, unit=cleaned.get("unit") or None)
            if not parsed.ok:
                self.add_error("requirement", _("要求无法解析:%(e)s") % {"e": parsed.error})
        return cleaned


def _natural(data) -> tuple[str, str] | None:
    try:
        _display, normalized = normalize_advanced_number(data.get("standard_number", ""))
    except ValidationError:
        return None
    name = collapse_spaces(data.get("name", ""))
    return (normalized, normalize_indicator_name(name)) if name else None


def _lookup(model, data):
    key = _natural(data)
    if key is None:
        return None
    return model.objects.filter(standard__normalized_number=key[0], name_key=key[1]).first()


def _keys(data):
    key = _natural(data)
    return [("standard_number|name", *key)] if key else []


class AdvancedKindSpec(KindSpec):
    """The standard's number, title and class are columns of every row but fields of the standard."""

    @property
    def required_fields(self) -> list[str]:
        return ["standard_number", "benchmark_class", "name", "requirement"]


ADVANCED = AdvancedKindSpec(
    slug="advanced",
    model=AdvancedIndicator,
    form_class=AdvancedIndicatorForm,
    filterset_class=AdvancedIndicatorFilter,
    create_service="import_advanced_indicator",
    update_service="reimport_advanced_indicator",
    services_module="nqihub.benchmarking.services",
    lookup=_lookup,
    keys=_keys,
    allowed=is_author,
    key_fields=("standard_number", "name"),
    columns=(
        Column("standard_number", "标准号", ("标准编号", "std_no", "standard", "standard_number", "number")),
        Column("standard_title", "标准名称", ("中文标准名称", "名称", "title", "standard_title")),
        Column(
            "benchmark_class",
            "类别",
            ("标准类别", "对标类别", "class", "benchmark_class"),
            choices=BenchmarkClass,
            choice_aliases={
                "国际": "international",
                "ISO": "international",
                "IEC": "international",
                "国外": "foreign_advanced",
                "国外先进": "foreign_advanced",
                "国内": "domestic_advanced",
                "国内先进": "domestic_advanced",
            },
        ),
        Column("name", "指标", ("指标名称", "项目", "检验项目", "indicator")),
        Column("requirement", "要求", ("指标要求", "技术要求", "限值", "requirement", "limit")),
        Column("unit", "单位", ("计量单位", "unit")),
        Column("core", "核心指标", ("核心", "是否核心指标", "core")),
        Column(
            "category_codes",
            "适用产品分类",
            ("产品分类", "产品分类代码", "行业代码", "category", "category_codes"),
        ),
        Column("ics_code", "ICS", ("国际标准分类号", "ics", "ics_code")),
        Column("product", "适用产品", ("产品", "product")),
        Column("source", "来源", ("数据来源", "source")),
    ),
)

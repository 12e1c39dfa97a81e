"""Forms of the disclosure pages, and the FilterSet the list page and the API share.

The forms only shape the input; every rule (numbers, catalogue status, categories, GTIN, file content) is checked
by nqihub.standards.services, whose errors name the same field names as these forms.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nqihub.core.filters import StyledFilterSet
from nqihub.core.models import Industry
from nqihub.core.regions import jurisdiction_prefix
from nqihub.engines import stdnum
from nqihub.engines.text import fold_identifier, fold_text

from .models import CommitmentRole, Disclosure, DisclosureState, Indicator, Product, StandardFamily


class StyledForm(forms.Form):
    """Tabler classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


def _limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class CatalogueSearchForm(StyledForm):
    q = forms.CharField(
        label=_("标准号或标准名称"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("如 GB/T 1.1-2020 或 标准化工作导则"), "type": "search"}
        ),
    )


class PickStandardForm(StyledForm):
    catalogue_standard = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OwnStandardForm(StyledForm):
    number = forms.CharField(
        label=_("企业标准编号"),
        max_length=_limit(Disclosure, "standard_number"),
        help_text=_("如 Q/GLHX 0001-2025;须符合本地区规定的企业标准编号格式"),
    )
    title = forms.CharField(label=_("标准名称"), max_length=_limit(Disclosure, "title"))
    explicit_statement = forms.CharField(
        label=_("明示说明"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("指标少于或低于推荐性国家标准时,须在此明示"),
    )


class ExternalDraftForm(StyledForm):
    explicit_statement = OwnStandardForm.base_fields["explicit_statement"]


def category_choices() -> list:
    """GB/T 4754-2017 小类 (level 4), grouped under their 大类 — a plain select that works without JavaScript."""
    divisions = dict(Industry.objects.filter(level=2).values_list("code", "name"))
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name in Industry.objects.filter(level=4).order_by("code").values_list("code", "name"):
        groups.setdefault(code[:2], []).append((code, f"{code} {name}"))
    return [("", _("请选择产品分类(小类)"))] + [
        (f"{division} {divisions.get(division, '')}", options) for division, options in groups.items()
    ]


class ProductForm(StyledForm):
    name = forms.CharField(label=_("产品名称"), max_length=_limit(Product, "name"))
    model = forms.CharField(label=_("产品型号"), max_length=_limit(Product, "model"))
    # A CharField with a select widget: an unknown code reaches the service, which names the reason.
    category_code = forms.CharField(label=_("产品分类"), max_length=20, widget=forms.Select)
    specification = forms.CharField(
        label=_("产品规格"), max_length=_limit(Product, "specification"), required=False
    )
    gtin = forms.CharField(
        label=_("产品条码"), max_length=40, required=False, help_text=_("GTIN:8、12、13 或 14 位数字")
    )
    common_name = forms.CharField(
        label=_("产品通用名"), max_length=_limit(Product, "common_name"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_code"].widget.choices = category_choices()


class IndicatorForm(StyledForm):
    name = forms.CharField(label=_("指标名称"), max_length=_limit(Indicator, "name"))
    requirement = forms.CharField(
        label=_("技术要求"),
        max_length=_limit(Indicator, "requirement"),
        widget=forms.TextInput(attrs={"placeholder": _("如 ≤0.5 mg/kg、不得检出")}),
    )
    unit = forms.CharField(label=_("单位"), max_length=_limit(Indicator, "unit"), required=False)
    test_method = forms.CharField(
        label=_("检验方法"),
        max_length=_limit(Indicator, "test_method"),
        required=False,
        help_text=_("企业标准的每项指标都须注明检验方法,如 GB 5009.12"),
    )


class DocumentForm(StyledForm):
    document = forms.FileField(
        label=_("标准文本"),
        help_text=_("PDF 或 DOCX,按文件内容识别格式"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )


class CommitmentForm(StyledForm):
    signatory = forms.CharField(label=_("承诺人"), max_length=64)
    role = forms.ChoiceField(label=_("承诺人身份"), choices=CommitmentRole.choices)
    agree = forms.BooleanField(
        label=_("本企业承诺:所公开的企业标准符合全部适用的强制性标准,公开内容真实、准确,并对其承担责任"),
        error_messages={"required": _("须勾选承诺内容后才能签署")},
    )


# --- the list filters (pages and API) ------------------------------------------------------------------------

FAMILY_CHOICES = [
    (f.value, f.label)
    for f in (
        StandardFamily.NATIONAL,
        StandardFamily.INDUSTRY,
        StandardFamily.LOCAL,
        StandardFamily.GROUP,
        StandardFamily.ENTERPRISE,
    )
]


class DisclosureFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=DisclosureState.choices)
    family = django_filters.ChoiceFilter(label=_("标准类别"), choices=FAMILY_CHOICES, method="filter_family")
    region = django_filters.CharFilter(label=_("行政区划代码"), method="filter_region")

    class Meta:
        model = Disclosure
        fields = ["q", "state", "family", "region"]

    def filter_q(self, queryset, name, value):
        text = fold_text(value)[:200]
        if not text:
            return queryset
        number = stdnum.fold(text)
        return queryset.filter(
            Q(normalized_number__icontains=number)
            | Q(normalized_number__icontains=stdnum.normalize(text) or number)
            | Q(standard_number__icontains=text)
            | Q(title__icontains=text)
            | Q(enterprise__name__icontains=text)
            | Q(products__name__icontains=text)
        ).distinct()

    def filter_family(self, queryset, name, value):
        if value == StandardFamily.ENTERPRISE:
            return queryset.filter(kind="enterprise")
        return queryset.filter(catalogue_standard__family=value)

    def filter_region(self, queryset, name, value):
        code = fold_identifier(value)[:6]
        try:
            return queryset.filter(region_code__startswith=jurisdiction_prefix(code))
        except ValueError:
            return queryset.filter(region_code__startswith=code)

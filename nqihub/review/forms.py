"""Forms of the review pages, and the FilterSet the review list and the API share.

The forms only shape the input: what a document says is decided by intake and the checks
(nqihub.review.services), whose refusals (`IntakeError`) the views put next to the upload field.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nqihub.core.filters import StyledFilterSet
from nqihub.core.regions import jurisdiction_prefix, region_name, subregions
from nqihub.engines import stdnum
from nqihub.engines.text import fold_identifier, fold_text
from nqihub.standards.documents import human_size, max_upload_bytes
from nqihub.standards.forms import StyledForm

from .models import Outcome, Review


class UploadForm(StyledForm):
    """A standard's text to self-check; an empty file reaches intake, which names the problem itself."""

    document = forms.FileField(
        label=_("标准文本(DOCX 或 PDF)"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _(
            "按文件内容识别类型;不超过 %(size)s。审查结果只显示给您,不保存、不公开。"
        ) % {"size": human_size(max_upload_bytes())}


class BatchForm(StyledForm):
    """The region of a batch: the regulator's whole jurisdiction or one division directly below it."""

    region_code = forms.ChoiceField(label=_("审查范围"))

    def __init__(self, *args, region_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(region_code, _("%(name)s(全辖区)") % {"name": region_name(region_code) or region_code})]
        choices += [(r.code, f"{r.code} {r.name}") for r in subregions(region_code)]
        self.fields["region_code"].choices = choices


SOURCE_CHOICES = [("self_check", _("企业自查")), ("regulator", _("监管审查"))]


class ReviewFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")
    outcome = django_filters.ChoiceFilter(label=_("结论"), choices=Outcome.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=SOURCE_CHOICES, method="filter_source")
    region = django_filters.CharFilter(label=_("行政区划代码"), method="filter_region")

    class Meta:
        model = Review
        fields = ["q", "outcome", "source", "region"]

    def filter_q(self, queryset, name, value):
        text = fold_text(value)[:200]
        if not text:
            return queryset
        number = stdnum.fold(text)
        return queryset.filter(
            Q(disclosure__normalized_number__icontains=stdnum.normalize(text) or number)
            | Q(disclosure__standard_number__icontains=text)
            | Q(disclosure__title__icontains=text)
            | Q(disclosure__enterprise__name__icontains=text)
            | Q(document_name__icontains=text)
        )

    def filter_source(self, queryset, name, value):
        return queryset.filter(self_check=value == "self_check")

    def filter_region(self, queryset, name, value):
        code = fold_identifier(value)[:6]
        try:
            return queryset.filter(region_code__startswith=jurisdiction_prefix(code))
        except ValueError:
            return queryset.filter(region_code__startswith=code)

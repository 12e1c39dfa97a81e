"""Forms of the benchmarking pages. They validate what is typed; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nqihub.core.forms import ScopedModelForm

from .models import AdvancedStandard, BenchmarkClass, BenchmarkScheme


def _styled(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
    return form


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class AdvancedStandardForm(ScopedModelForm):
    class Meta:
        model = AdvancedStandard
        fields = [
            "number",
            "benchmark_class",
            "title",
            "title_en",
            "ics_code",
            "product",
            "category_codes",
            "source",
        ]
        help_texts = {
            "number": _("如 ISO 6486-1:2019、EN 1388-1:1995、T/CCIA 0001-2026"),
            "category_codes": _("GB/T 4754-2017 代码,多个以逗号分隔,如 3074"),
        }

    def validate_unique(self):
        """The normalised number is checked by the service (a typed number has many spellings)."""


class IndicatorForm(StyledForm):
    name = forms.CharField(label=_("指标"), max_length=200)
    requirement = forms.CharField(label=_("要求"), max_length=300, help_text=_("如 ≤0.5、≥65、不得检出"))
    unit = forms.CharField(label=_("单位"), max_length=32, required=False)
    core = forms.BooleanField(label=_("核心指标"), required=False)


class SchemeForm(ScopedModelForm):
    class Meta:
        model = BenchmarkScheme
        fields = ["title", "product", "category_code", "committee", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "category_code": _("GB/T 4754-2017 行业代码(大类、中类或小类),如 3074 日用陶瓷制品制造")
        }


class SchemeStandardForm(StyledForm):
    standard = forms.ModelChoiceField(label=_("对标标准"), queryset=AdvancedStandard.objects.all())
    benchmark_class = forms.ChoiceField(
        label=_("作为"), choices=[("", _("按标准库中的类别")), *BenchmarkClass.choices], required=False
    )


class SchemeIndicatorForm(StyledForm):
    name = forms.CharField(label=_("比对指标"), max_length=200)
    core = forms.BooleanField(label=_("核心指标"), required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class NewResultForm(StyledForm):
    """新建对标: one of the enterprise's current disclosures, then a published scheme or standards from the database."""

    disclosure = forms.ModelChoiceField(label=_("企业执行的标准"), queryset=None, empty_label=_("请选择"))
    scheme = forms.ModelChoiceField(
        label=_("对标技术方案"), queryset=None, required=False, empty_label=_("不使用方案,自选对标标准")
    )
    standards = forms.ModelMultipleChoiceField(
        label=_("自选对标标准"),
        queryset=AdvancedStandard.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, disclosures, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disclosure"].queryset = disclosures
        self.fields["disclosure"].label_from_instance = lambda d: f"{d.standard_number} {d.title}"
        self.fields["scheme"].queryset = schemes
        self.fields["standards"].label_from_instance = lambda s: (
            f"{s.number} {s.title}({s.get_benchmark_class_display()})"
        )

    def clean(self):
        cleaned = super().clean()
        if self.is_bound and not cleaned.get("scheme") and not cleaned.get("standards"):
            self.add_error("scheme", _("请选择对标技术方案,或自选对标标准"))
        return cleaned


class ItemEditForm(StyledForm):
    requirement = forms.CharField(
        label=_("企业的要求"), max_length=300, help_text=_("如 ≤0.05、≥70、不得检出")
    )
    unit = forms.CharField(label=_("单位"), max_length=32, required=False)
    evidence = forms.FileField(label=_("证明材料(PDF 或 DOCX)"), required=False)
    evidence_note = forms.CharField(
        label=_("证明说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class VerifyForm(StyledForm):
    test_report = forms.FileField(label=_("检测报告(PDF 或 DOCX)"))
    note = forms.CharField(
        label=_("验证意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

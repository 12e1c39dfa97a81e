"""Forms of the forerunner pages. They only shape the input; every rule is checked by
nqihub.forerunner.services, whose errors name the same fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nqihub.core.models import Industry
from nqihub.standards.documents import human_size, max_upload_bytes
from nqihub.standards.forms import StyledForm

from . import services
from .models import Direction, DocumentKind, EvaluationScheme, IndicatorRole, KeyArea, SchemeIndicator


def _limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class KeyAreaForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), min_value=2018, max_value=2100)
    name = forms.CharField(label=_("重点领域"), max_length=_limit(KeyArea, "name"))
    category_codes = forms.CharField(
        label=_("产品分类"),
        max_length=_limit(KeyArea, "category_codes"),
        help_text=_("GB/T 4754-2017 小类代码,多个用逗号分隔,如 3074,1431"),
    )
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def category_choices() -> list[tuple[str, str]]:
    """The categories of every key area (a plain select: no JavaScript)."""
    codes = sorted({code for area in KeyArea.objects.all() for code in area.categories})
    names = dict(Industry.objects.filter(code__in=codes).values_list("code", "name"))
    return [("", "—")] + [(code, f"{code} {names.get(code, '')}") for code in codes]


class SchemeForm(StyledForm):
    key_area = forms.ModelChoiceField(label=_("重点领域"), queryset=KeyArea.objects.order_by("-year", "name"))
    title = forms.CharField(label=_("方案名称"), max_length=_limit(EvaluationScheme, "title"))
    category_code = forms.ChoiceField(label=_("产品分类"), help_text=_("须是所选重点领域的产品分类"))
    product_standard = forms.CharField(
        label=_("产品标准"),
        required=False,
        max_length=_limit(EvaluationScheme, "product_standard"),
        help_text=_("核心指标应覆盖产品标准的全部可量化指标,如 GB 4806.4-2016"),
    )
    weight_comprehensiveness = forms.DecimalField(
        label=_("全面性权重"), min_value=0, max_digits=5, decimal_places=2
    )
    weight_advancedness = forms.DecimalField(
        label=_("先进性权重"), min_value=0, max_digits=5, decimal_places=2
    )
    weight_conformity = forms.DecimalField(label=_("规范性权重"), min_value=0, max_digits=5, decimal_places=2)
    top_n = forms.IntegerField(
        label=_("入围名额(前 N 名)"), required=False, min_value=1, help_text=_("与入围分数线二选一")
    )
    threshold = forms.DecimalField(
        label=_("入围分数线(0–100)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    validity_months = forms.IntegerField(label=_("名单有效期(月)"), min_value=1, max_value=120)
    notice_days = forms.IntegerField(label=_("公示期(天)"), min_value=1, max_value=90)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_code"].choices = category_choices()


TIER_FIELDS = {name: f"tier_{n}" for n, name in enumerate(services.tier_names(), start=1)}


class IndicatorForm(StyledForm):
    role = forms.ChoiceField(label=_("指标类别"), choices=IndicatorRole.choices)
    name = forms.CharField(label=_("指标名称"), max_length=_limit(SchemeIndicator, "name"))
    requirement = forms.CharField(
        label=_("国家/行业标准要求"),
        required=False,
        max_length=_limit(SchemeIndicator, "requirement"),
        help_text=_("核心指标必填,如 ≤0.8 mg/L;最低档不得低于此要求"),
    )
    requirement_source = forms.CharField(
        label=_("要求依据"), required=False, max_length=_limit(SchemeIndicator, "requirement_source")
    )
    unit = forms.CharField(label=_("单位"), required=False, max_length=_limit(SchemeIndicator, "unit"))
    direction = forms.ChoiceField(
        label=_("方向"),
        required=False,
        choices=[("", _("按要求自动判断(上限越低越好,下限越高越好)")), *Direction.choices],
    )
    weight = forms.DecimalField(label=_("权重"), min_value=0, max_digits=5, decimal_places=2, initial=1)
    note = forms.CharField(label=_("说明"), required=False, max_length=_limit(SchemeIndicator, "note"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field_name in TIER_FIELDS.items():
            self.fields[field_name] = forms.CharField(
                label=_("“%(t)s”档界限") % {"t": name},
                required=False,
                max_length=32,
                help_text=_("核心指标填写,数值,单位同上;档位由低到高逐档提高"),
            )
            self.fields[field_name].widget.attrs["class"] = "form-control"

    @staticmethod
    def initial_for(indicator: SchemeIndicator) -> dict:
        data = {f: getattr(indicator, f) for f in services.INDICATOR_FIELDS}
        for tier in indicator.tiers:
            if tier.get("name") in TIER_FIELDS:
                data[TIER_FIELDS[tier["name"]]] = tier.get("bound", "")
        return data

    def service_data(self) -> dict:
        data = {f: self.cleaned_data.get(f) for f in services.INDICATOR_FIELDS}
        data["weight"] = data["weight"] if data["weight"] is not None else 1
        data["tiers"] = services.parse_tiers(
            {name: self.cleaned_data.get(field) for name, field in TIER_FIELDS.items()}
        )
        return data


class UploadForm(StyledForm):
    kind = forms.ChoiceField(label=_("材料类型"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("文件(PDF 或 DOCX)"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("按文件内容识别类型;不超过 %(size)s") % {
            "size": human_size(max_upload_bytes())
        }


# A browser's date input takes and sends ISO dates only; the Chinese locale's input format (2026/11/22) would
# leave it empty.
ISO_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class NoticeForm(StyledForm):
    starts_on = forms.DateField(label=_("公示开始日期"), widget=ISO_DATE)
    ends_on = forms.DateField(label=_("公示截止日期"), widget=ISO_DATE)


class ObjectionForm(StyledForm):
    entry = forms.TypedChoiceField(label=_("异议对象"), coerce=int)
    name = forms.CharField(label=_("异议人(姓名或单位)"), max_length=64)
    contact = forms.CharField(
        label=_("联系方式"), max_length=100, help_text=_("手机号码、电话或电子邮箱,不公开")
    )
    reason = forms.CharField(
        label=_("异议的事实和理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [
            (e.pk, f"{e.disclosure.standard_number} {e.disclosure.title} · {e.enterprise.name}")
            for e in entries
        ]


class ResolveForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("处理结果"), choices=[("dismissed", _("异议不成立")), ("upheld", _("异议成立(该标准未通过)"))]
    )
    resolution = forms.CharField(
        label=_("处理意见"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ListForm(StyledForm):
    title = forms.CharField(
        label=_("名单名称"), required=False, max_length=200, help_text=_("留空则自动生成")
    )

"""Forms of the campaign pages: trainings, pilot batches, taking a ranking snapshot."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nqihub.core.forms import ScopedModelForm
from nqihub.core.models import Role
from nqihub.core.regions import in_jurisdiction

from . import campaign
from .campaign_services import split_enterprise_list
from .models import PilotBatch, Training

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_LIST_HINT = _("每行一个;也可用逗号、顿号分隔")


class TrainingForm(ScopedModelForm):
    enterprises = forms.CharField(
        label=_("参训企业"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一家:统一社会信用代码或企业全称(须为平台已登记、在您管辖范围内的企业)"),
    )

    class Meta:
        model = Training
        fields = ["title", "held_on", "region_code", "organiser", "participants", "enterprises", "note"]
        widgets = {"held_on": _DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            self.initial["enterprises"] = "\n".join(
                instance.enterprises.order_by("name").values_list("uscc", flat=True)
            )
        elif getattr(self.user, "region_code", ""):
            self.initial.setdefault("region_code", self.user.region_code)

    def clean_enterprises(self) -> list[str]:
        # one enterprise a line: split before the form folds the text (folding joins the lines)
        return split_enterprise_list(self.cleaned_data.get("enterprises") or "")

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("region_code")
        user = self.user
        if (
            code
            and getattr(user, "role", None) == Role.REGULATOR
            and not in_jurisdiction(code, user.region_code)
        ):
            self.add_error("region_code", _("举办地不在您的管辖范围(%(c)s)内") % {"c": user.region_code})
        return cleaned

    def changed_or_all_fields(self) -> list[str]:
        return list(self.fields)


class PilotBatchForm(ScopedModelForm):
    cities = forms.CharField(
        label=_("试点城市"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("行政区划代码或名称,如 450300 或 桂林市;") + _LIST_HINT,
    )

    class Meta:
        model = PilotBatch
        fields = ["number", "title", "announced_on", "source", "cities"]
        widgets = {"announced_on": _DATE}


class PilotCitiesForm(forms.Form):
    cities = forms.CharField(
        label=_("加入城市"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("行政区划代码或名称;") + _LIST_HINT,
    )


class SnapshotForm(forms.Form):
    """Take a ranking snapshot of a batch's cities by a key, over this platform's data on a day."""

    batch = forms.ModelChoiceField(
        label=_("试点城市批次"),
        queryset=PilotBatch.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    key = forms.ChoiceField(label=_("排名口径"), widget=forms.Select(attrs={"class": "form-select"}))
    as_of = forms.DateField(
        label=_("排名日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, batches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = batches if batches is not None else PilotBatch.objects.all()
        self.fields["key"].choices = campaign.key_choices()
        self.fields["key"].initial = campaign.default_key()
        self.fields["as_of"].initial = timezone.localdate()

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of") or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("排名日期不能晚于今天"))
        return day

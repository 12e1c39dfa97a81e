"""The national platform's published ranking of pilot cities as an importable kind ("ranking"): xlsx or CSV (UTF-8,
UTF-8 with BOM or GB18030), one city per row, through the staged importer (upload → per-row validation → commit
good rows → correct the rest). A city bureau cannot compute the national ranking — its database holds its own
data — so it imports the table the national platform publishes, and the dashboard shows the movement.

Columns: 排名日期* (the day the ranking stands for: 2026-06-30, 2026/6/30, 2026年6月30日; a month, 2026年6月, is its
last day), 排名*, 行政区划代码 or 城市 (one of them; a name is looked up among current divisions, 宜春 → 360900),
and any of 得分, 参与对标企业数, 使用对标方案数, 对标结果数, 达标验证数, 培训场次, 培训企业数.
A row's natural key is (排名日期, 行政区划代码): importing a table again updates its rows instead of duplicating.
"""

import calendar
import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nqihub.core.forms import ScopedModelForm
from nqihub.engines.text import collapse_spaces, fold_text
from nqihub.imports.columns import Column, KindSpec

from . import campaign
from .campaign_filters import RankingRowFilter
from .campaign_services import resolve_city
from .models import RankingRow, RankingSource

_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_RANK = re.compile(r"^第?\s*(\d+)\s*[位名]?$")


def parse_day(text) -> datetime.date:
    """A day as people write it in a table; ValueError with the reason for the user."""
    if isinstance(text, datetime.date):
        return text
    value = collapse_spaces(fold_text(str(text or "")))
    try:
        if match := _DAY.match(value) or _COMPACT.match(value):
            return datetime.date(*(int(g) for g in match.groups()))
        if match := _MONTH.match(value):
            year, month = int(match.group(1)), int(match.group(2))
            return datetime.date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        pass
    raise ValueError(_("日期“%(v)s”无法识别,应为 YYYY-MM-DD(如 2026-06-30)") % {"v": value})


class RankingRowForm(ScopedModelForm):
    """One city of the table, with the day of the ranking."""

    as_of = forms.CharField(label=_("排名日期"))
    region_code = forms.CharField(label=_("行政区划代码"), max_length=6, required=False)
    region_name = forms.CharField(label=_("城市"), max_length=64, required=False)
    rank = forms.CharField(label=_("排名"))

    class Meta:
        model = RankingRow
        fields = ["as_of", "region_code", "region_name", "rank", "value", *campaign.METRICS]

    def clean_as_of(self):
        try:
            return parse_day(self.cleaned_data.get("as_of"))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def clean_value(self):
        value = self.cleaned_data.get("value")
        # stored with 4 decimal places: 85.3 and 85.3000 are the same score (no false "update" on re-import)
        return value.quantize(Decimal("0.0001")) if value is not None else None

    def clean_rank(self):
        value = collapse_spaces(fold_text(str(self.cleaned_data.get("rank") or "")))
        match = _RANK.match(value)
        if not match or int(match.group(1)) < 1:
            raise ValidationError(_("排名应为不小于 1 的整数,而不是“%(v)s”") % {"v": value})
        return int(match.group(1))

    def clean(self):
        cleaned = super().clean()
        code, name = cleaned.get("region_code") or "", cleaned.get("region_name") or ""
        if not code and not name:
            self.add_error("region_code", _("请填写行政区划代码或城市名称"))
            return cleaned
        try:
            found_code, found_name = resolve_city(code or name)
        except ValidationError as exc:
            self.add_error("region_code" if code else "region_name", exc.messages[0])
            return cleaned
        if code and name and not _same_city(name, found_name):
            self.add_error(
                "region_name",
                _("城市“%(n)s”与行政区划代码 %(c)s(%(r)s)不符")
                % {"n": name, "c": found_code, "r": found_name},
            )
        cleaned["region_code"], cleaned["region_name"] = found_code, name or found_name
        self.instance.region_code = found_code
        return cleaned


def _same_city(typed: str, name: str) -> bool:
    typed = typed.strip()
    return typed == name or name.startswith(typed) or typed.startswith(name)


def _natural(data) -> tuple[datetime.date, str] | None:
    try:
        day = parse_day(data.get("as_of", ""))
    except ValueError:
        return None
    code = (data.get("region_code") or "").strip()
    if not code and data.get("region_name"):
        try:
            code, _name = resolve_city(data["region_name"])
        except ValidationError:
            return None
    return (day, code) if code else None


def _lookup(model, data):
    key = _natural(data)
    if key is None:
        return None
    return model.objects.filter(
        snapshot__source=RankingSource.IMPORTED,
        snapshot__key=campaign.NATIONAL_KEY,
        snapshot__batch=None,
        snapshot__is_demo=False,
        snapshot__as_of=key[0],
        region_code=key[1],
    ).first()


def _keys(data):
    key = _natural(data)
    return [("as_of|region_code", key[0].isoformat(), key[1])] if key else []


class RankingKindSpec(KindSpec):
    """The day is a column of every row but a field of the snapshot; a city is named by code or by name."""

    @property
    def required_fields(self) -> list[str]:
        return ["as_of", "rank"]


_COUNT_ALIASES = {
    "enterprises": (
        "参与对标企业数",
        ("参与对标企业", "参与企业数", "对标企业数", "参与企业", "企业数", "enterprises"),
    ),
    "schemes": ("使用对标方案数", ("对标方案数", "方案数", "使用方案数", "schemes")),
    "results": ("对标结果数", ("总对标结果", "对标结果", "总对标结果数", "结果数", "results")),
    "verified": ("达标验证数", ("达标数", "验证数", "达标结果数", "verified")),
    "trainings": ("培训场次", ("培训次数", "培训场数", "trainings")),
    "trained": ("培训企业数", ("培训企业", "参训企业数", "trained")),
}

RANKING = RankingKindSpec(
    slug="ranking",
    model=RankingRow,
    form_class=RankingRowForm,
    filterset_class=RankingRowFilter,
    create_service="import_ranking_row",
    update_service="reimport_ranking_row",
    services_module="nqihub.benchmarking.campaign_services",
    lookup=_lookup,
    keys=_keys,
    key_fields=("as_of", "region_code"),
    columns=(
        Column(
            "as_of", "排名日期", ("日期", "截至日期", "统计日期", "发布日期", "数据日期", "as_of", "date")
        ),
        Column("rank", "排名", ("名次", "全国排名", "排序", "位次", "rank")),
        Column(
            "region_code",
            "行政区划代码",
            (
                "区划代码",
                "地区代码",
                "城市代码",
                "行政区划",
                "城市/地区代码",
                "code",
                "region_code",
                "region",
            ),
        ),
        Column(
            "region_name",
            "城市",
            ("城市名称", "试点城市", "地区", "地市", "城市/地区", "city", "region_name"),
        ),
        Column("value", "得分", ("综合得分", "分值", "总分", "排名依据值", "score", "value")),
        *(Column(field, header, aliases) for field, (header, aliases) in _COUNT_ALIASES.items()),
    ),
)

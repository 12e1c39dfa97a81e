"""xlsx exports of rankings and published lists (openpyxl, through the importer's writer: every cell text)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from nqihub.imports.services import _xlsx

from .models import ForerunnerList, RankingRun
from .selectors import composite, list_entries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def number_text(value) -> str:
    """A disclosed value as the standard would write it: 0.15, 82 (six significant digits, no trailing zeros)."""
    if value is None:
        return ""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def ranking_rows(run: RankingRun):
    """Header and rows of a ranking: every candidate, its value and tier per core indicator, its composite."""
    indicators = run.indicators
    tier_names = {i["id"]: {t["level"]: t["name"] for t in i["tiers"]} for i in indicators}
    headers = [_("综合排序"), _("标准编号"), _("标准名称"), _("企业"), _("符合入榜条件"), _("未入榜原因")]
    for i in indicators:
        unit = f"({i['unit']})" if i["unit"] else ""
        headers += [f"{i['name']}{unit}", _("%(n)s档位") % {"n": i["name"]}]
    headers += [
        _("全面性"),
        _("先进性"),
        pgettext("forerunner composite", "规范性"),
        _("综合得分"),
        _("入围"),
    ]

    def rows():
        for e in composite(run).iterator(chunk_size=2000):
            row = [
                str(e.position or ""),
                e.standard_number,
                e.title,
                e.enterprise_name,
                _("是") if e.eligible else _("否"),
                e.exclusion,
            ]
            for i in indicators:
                level = e.levels.get(i["id"], 0)
                ranked = i["ranked"]
                tier = (
                    tier_names[i["id"]].get(level, "")
                    if level
                    else (_("未进档") if ranked and e.eligible else "")
                )
                row += [number_text(e.values.get(i["id"])), tier]
            row += (
                [
                    f"{e.comprehensiveness:.3f}",
                    f"{e.advancedness:.3f}",
                    f"{e.conformity:.1f}",
                    f"{e.score:.2f}",
                ]
                if e.eligible
                else ["", "", "", ""]
            )
            row.append(_("入围") if e.shortlisted else "")
            yield row

    return headers, rows()


def ranking_xlsx(run: RankingRun) -> bytes:
    headers, rows = ranking_rows(run)
    return _xlsx(headers, rows, title=_("领跑者排行"))


def ranking_filename(run: RankingRun) -> str:
    return f"领跑者排行-{run.scheme.title}-{timezone.localtime(run.computed_at):%Y%m%d%H%M}.xlsx"


def _state_text(entry) -> str:
    """The state as the list page shows it: 已过有效期 from the dates, 待复核 after an unreviewed revision."""
    text = entry.shown_state_display
    if entry.pending_recheck and entry.shown_state != "expired":
        text = _("%(s)s(待复核)") % {"s": text}
    return text


def _note(entry) -> str:
    if entry.shown_state == "listed":
        if entry.pending_recheck:
            return _("标准已修订为版本 %(v)d,修订版本尚未经过审查") % {"v": entry.disclosure.version}
        return ""
    return entry.reason


def list_rows(listing: ForerunnerList):
    headers = [
        _("企业"),
        _("标准编号"),
        _("标准名称"),
        _("综合得分"),
        _("状态"),
        _("列入时间"),
        _("有效期至"),
        _("原因说明"),
    ]
    rows = (
        [
            e.enterprise.name,
            e.disclosure.standard_number,
            e.disclosure.title,
            f"{e.score:.2f}",
            _state_text(e),
            timezone.localtime(e.listed_at).strftime("%Y-%m-%d") if e.listed_at else "",
            e.valid_until.isoformat() if e.valid_until else "",
            _note(e),
        ]
        for e in list_entries(listing)
    )
    return headers, rows


def list_xlsx(listing: ForerunnerList) -> bytes:
    headers, rows = list_rows(listing)
    return _xlsx(headers, rows, title=_("领跑者名单"))


def list_filename(listing: ForerunnerList) -> str:
    return f"{listing.title}.xlsx"

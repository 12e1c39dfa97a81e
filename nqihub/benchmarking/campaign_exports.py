"""xlsx exports of the campaign: the counts per region and a ranking with its movement. Chinese headers, counts
as numbers (so Excel sums them), every text cell stored as text (a name starting with "=" is never a formula),
and a second sheet 说明 saying what the figures are, for which region and day, and whether they are demo data."""

import io
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from . import campaign
from .models import RankingSnapshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence], notes: Sequence[tuple[str, str]]
) -> bytes:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    bold = Font(bold=True)

    def put(target, row_number: int, values: Sequence, font=None) -> None:
        for column, value in enumerate(values, start=1):
            cell = target.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if font is not None:
                cell.font = font

    put(sheet, 1, list(headers), bold)
    for number, values in enumerate(rows, start=2):
        put(sheet, number, list(values))
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(10, len(str(header)) * 2 + 2)
    sheet.freeze_panes = "A2"
    about = workbook.create_sheet(_("说明"))
    for number, (label, value) in enumerate(notes, start=1):
        put(about, number, [label, value])
        about.cell(row=number, column=1).font = bold
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _metric_headers() -> list[str]:
    return [f"{campaign.METRIC_LABELS[m]}({campaign.METRIC_UNITS[m]})" for m in campaign.METRICS]


def counts_xlsx(
    total: campaign.Figures, rows: list[campaign.Figures], day, key_slug: str, level: str
) -> bytes:
    """One row per division (rank by the key among them), then the region's total."""
    headers = [_("排名"), _("行政区划代码"), _("地区"), *_metric_headers()]
    lines = [[row.rank, row.region_code, row.region_name, *row.counts().values()] for row in rows]
    lines.append(
        [None, total.region_code, _("%(r)s合计") % {"r": total.region_name}, *total.counts().values()]
    )
    notes = [
        (_("地区"), f"{total.region_code} {total.region_name}".strip()),
        (_("截至日期"), day.isoformat()),
        (_("分组"), str(campaign.LEVEL_LABELS[level])),
        (_("排名口径"), campaign.key_label(key_slug)),
        (
            _("统计口径"),
            _(
                "参与对标企业、使用对标方案、对标结果:截至当日已发布(含已验证)的对标结果;达标验证:截至当日已验证的;培训场次:截至当日在该地区举办的培训;培训企业:该地区截至当日参加过培训的企业(去重)。合计行按地区去重,不等于各行之和。"
            ),
        ),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]
    return _workbook(_("对标达标统计"), headers, lines, notes)


def counts_filename(total: campaign.Figures, day) -> str:
    return f"对标达标统计-{total.region_name}-{day:%Y%m%d}.xlsx"


def ranking_xlsx(snapshot: RankingSnapshot, lines: list[campaign.RankingLine]) -> bytes:
    headers = [
        _("排名"),
        _("行政区划代码"),
        _("城市"),
        _("排名依据值"),
        *_metric_headers(),
        _("上期排名"),
        _("变化"),
    ]

    def values():
        for line in lines:
            row = line.row
            yield [
                row.rank,
                row.region_code,
                line.name,
                float(row.value) if row.value is not None else None,
                *(getattr(row, m) for m in campaign.METRICS),
                line.previous,
                line.movement_text,
            ]

    notes = [
        (_("名称"), snapshot.title or campaign.key_label(snapshot.key)),
        (_("排名日期"), snapshot.as_of.isoformat()),
        (_("来源"), snapshot.get_source_display()),
        (_("排名口径"), campaign.key_label(snapshot.key)),
        (_("说明"), snapshot.note),
        (_("示例数据"), _("是:由 nqihub demo 生成的示例排名,并非真实排名") if snapshot.is_demo else _("否")),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]
    return _workbook(_("试点城市排名"), headers, values(), notes)


def ranking_filename(snapshot: RankingSnapshot) -> str:
    demo = "(示例)" if snapshot.is_demo else ""
    return f"试点城市排名{demo}-{snapshot.as_of:%Y%m%d}.xlsx"

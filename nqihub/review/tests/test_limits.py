"""Limit tables: the two real water standards shipped with load-reference, lookups through the alignment engine,
and other tables imported through the staged importer."""

import io
import json
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from nqihub.core.models import AuditEvent, ReferenceDataset
from nqihub.core.reference import load_dataset
from nqihub.imports.models import ImportSession
from nqihub.imports.services import commit_session, error_list, export_rows, stage_upload, summary
from nqihub.review.limit_import import LIMITS
from nqihub.review.limits import (
    LimitRow,
    load_limit_table,
    normalize_category,
    requirements_for,
)
from nqihub.review.models import LimitRequirement, LimitTable
from nqihub.review.reference import GB3838_FILE, GB3838_LIMITS, GBT14848_FILE, GBT14848_LIMITS, gb3838_rows


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def _source(path):
    with path.open(encoding="utf-8-sig") as handle:
        factors = json.load(handle)
    limits = [(f["FactorName"], limit) for f in factors.values() for limit in f["Limits"]]
    return factors, limits


def _table(number: str) -> LimitTable:
    return LimitTable.objects.get(normalized_number=number)


# --- the shipped tables -------------------------------------------------------------------------------------


def test_the_source_files_hold_the_documented_counts():
    factors, limits = _source(GB3838_FILE)
    assert (len(factors), len({f["FactorName"] for f in factors.values()}), len(limits)) == (109, 108, 201)
    factors, limits = _source(GBT14848_FILE)
    assert (len(factors), len({f["FactorName"] for f in factors.values()}), len(limits)) == (93, 93, 373)


def test_load_reference_stores_both_tables(reference_data):
    gb3838, gbt14848 = _table("GB 3838-2002"), _table("GB/T 14848-2017")
    assert (gb3838.title, gbt14848.title) == ("地表水环境质量标准", "地下水质量标准")
    for table in (gb3838, gbt14848):
        assert "Silence.Water" in table.source and "MIT" in table.source and "PROVENANCE.md" in table.source
    # GB 3838: one row per source limit. 总磷 has two runs (general, 湖、库) told apart by the condition.
    rows = gb3838.requirements.all()
    assert rows.count() == 201 and len({r.indicator for r in rows}) == 108
    assert Counter(r.category for r in rows) == {
        **{f"{c}类": 23 for c in "ⅠⅡⅢⅣⅤ"},
        "集中式生活饮用水地表水源地": 85,  # Tables 2 and 3, single limits
        "": 1,  # pH 6～9, every class
    }
    assert Counter(r.condition for r in rows) == {"": 191, "湖、库": 10}
    # GB/T 14848: 373 source limits in 372 rows, because pH Ⅳ类 is one requirement with two intervals.
    rows = gbt14848.requirements.all()
    assert rows.count() == 372 and len({r.indicator for r in rows}) == 93
    assert Counter(r.category for r in rows) == {f"{c}类": 93 for c in "ⅠⅡⅢⅣ"}
    for dataset in ("limits_gb3838_2002", "limits_gbt14848_2017"):
        recorded = ReferenceDataset.objects.get(name=dataset)
        assert "MIT" in recorded.licence
    assert ReferenceDataset.objects.get(name="limits_gbt14848_2017").rows == 372


def test_rows_the_requirement_engine_cannot_read_are_kept_without_a_parse(reference_data):
    unread = LimitRequirement.objects.filter(parsed__isnull=True).order_by("table", "position")
    assert [(r.table.normalized_number, r.indicator, r.category) for r in unread] == [
        ("GB/T 14848-2017", "pH", "Ⅳ类"),  # 5.5≤pH<6.5 或 8.5<pH≤9: no disjunction kind
        *[("GB/T 14848-2017", "总大肠菌群", f"{c}类") for c in "ⅠⅡⅢⅣ"],  # MPN/100mL 或 CFU/100mL
    ]
    assert unread[0].requirement == "5.5≤pH<6.5 或 8.5<pH≤9"
    assert unread[1].unit == "MPN/100mL 或 CFU/100mL" and unread[1].requirement == "≤3.0"


def test_real_values(reference_data):
    dissolved_oxygen = LimitRequirement.objects.get(
        table__normalized_number="GB 3838-2002", indicator="溶解氧", category="Ⅰ类"
    )
    assert (dissolved_oxygen.requirement, dissolved_oxygen.unit) == ("≥7.5", "mg/L")
    assert dissolved_oxygen.parsed["kind"] == "min" and dissolved_oxygen.parsed["min"] == 7.5
    permanganate = LimitRequirement.objects.get(
        table__normalized_number="GB 3838-2002", indicator="高锰酸盐指数", category="Ⅰ类"
    )
    assert permanganate.requirement == "≤2.0" and permanganate.parsed["max"] == 2.0
    ph = LimitRequirement.objects.get(table__normalized_number="GB 3838-2002", indicator="pH值")
    assert (ph.category, ph.parsed["kind"], ph.parsed["min"], ph.parsed["max"]) == ("", "range", 6.0, 9.0)
    # The reporting basis in the name travels with the unit, so comparisons can check it.
    ammonia = LimitRequirement.objects.get(
        table__normalized_number="GB/T 14848-2017", indicator="氨氮(以N计)", category="Ⅲ类"
    )
    assert ammonia.parsed["max"] == 0.5 and ammonia.parsed["note"] == "以N计"


def test_every_shipped_limit_reads_as_the_source_says(reference_data):
    """Independent of the loader: each numeric source limit appears with its value and direction."""
    kinds = {
        "LessThanOrEqual": ("max", "max"),
        "GreaterThanOrEqual": ("min", "min"),
        "GreaterThan": ("min", "min"),
    }
    checked = 0
    for number, path in (("GB 3838-2002", GB3838_FILE), ("GB/T 14848-2017", GBT14848_FILE)):
        stored = Counter()
        for r in LimitRequirement.objects.filter(table__normalized_number=number, parsed__isnull=False):
            if r.parsed["kind"] in ("max", "min"):
                stored[(r.parsed["kind"], r.category, r.parsed[r.parsed["kind"]])] += 1
        expected = Counter()
        for factor in _source(path)[0].values():
            for limit in factor["Limits"]:
                if limit["ComparisonType"] in kinds and factor["FactorName"] != "总大肠菌群":
                    kind, _bound = kinds[limit["ComparisonType"]]
                    category = (
                        f"{limit['WaterQualityClass']}类"
                        if len(factor["Limits"]) > 1
                        else ("集中式生活饮用水地表水源地")
                    )
                    expected[(kind, category, float(limit["LimitValue"]))] += 1
                    checked += 1
        assert stored == expected, number
    assert checked == (195 + 5) + (357 + 2 - 4)  # GB/T 14848: less 总大肠菌群, which stays unread


def test_loading_again_changes_nothing(reference_data):
    before = {r.pk: (r.requirement, r.parsed) for r in LimitRequirement.objects.all()}
    events = AuditEvent.objects.filter(action="limittable.load").count()
    for dataset in (GB3838_LIMITS, GBT14848_LIMITS):
        assert load_dataset(dataset).skipped  # same checksum: not even read
        load_dataset(dataset, force=True)
    assert {r.pk: (r.requirement, r.parsed) for r in LimitRequirement.objects.all()} == before
    assert AuditEvent.objects.filter(action="limittable.load").count() == events  # nothing changed


def test_a_changed_file_updates_and_removes_rows(reference_data):
    rows = gb3838_rows()
    changed = [r for r in rows if not (r.indicator == "铊")]  # one row dropped
    index = next(i for i, r in enumerate(changed) if r.indicator == "铅" and r.category == "Ⅰ类")
    changed[index] = LimitRow("铅", "≤0.005", "Ⅰ类", "", "mg/L", "表1 基本项目")
    table = _table("GB 3838-2002")
    result = load_limit_table(
        None, standard_number="GB 3838-2002", title=table.title, source=table.source, rows=changed
    )
    assert (result.created, result.updated, result.removed, result.rows) == (0, 1, 1, 200)
    event = AuditEvent.objects.filter(action="limittable.load").latest("id")
    assert event.after["updated"] == 1 and event.after["removed"] == 1
    # The shipped file puts it back.
    load_dataset(GB3838_LIMITS, force=True)
    assert _table("GB 3838-2002").requirements.count() == 201


def test_only_the_administrator_maintains_limit_tables(world):
    with pytest.raises(PermissionDenied):
        load_limit_table(
            world.users["regulator"], standard_number="GB 1-2000", title="x", source="x", rows=[]
        )


# --- lookups ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Ⅲ", "Ⅲ类"),
        ("III类", "Ⅲ类"),
        ("ⅲ类", "Ⅲ类"),
        ("第Ⅳ类", "Ⅳ类"),
        ("Ｖ类", "Ⅴ类"),
        ("1类", "1类"),
        (" 婴幼儿  食品 ", "婴幼儿 食品"),
        ("", ""),
    ],
)
def test_categories(text, category):
    assert normalize_category(text) == category


def _found(*args, **kwargs):
    return [
        (r.table.normalized_number, r.indicator, r.category, r.condition, r.requirement)
        for r in requirements_for(*args, **kwargs)
    ]


def test_requirements_for_finds_an_indicator_under_another_name(reference_data):
    assert _found("铅(以Pb计)", "GB 3838-2002", "Ⅲ类") == [("GB 3838-2002", "铅", "Ⅲ类", "", "≤0.05")]
    assert _found("六价铬", "GB/T 14848-2017", "Ⅰ") == [("GB/T 14848-2017", "铬(六价)", "Ⅰ类", "", "≤0.005")]
    assert _found("CODMn", "GB/T 14848-2017", "III类") == [
        ("GB/T 14848-2017", "耗氧量(CODᴍₙ法,以O₂计)", "Ⅲ类", "", "≤3.0")
    ]
    assert len(_found("Hg", "GB 3838")) == 5  # no year: every edition held
    assert len(_found("Pb")) == 9  # every table: 5 classes + 4 classes


def test_requirements_for_respects_categories_and_conditions(reference_data):
    # pH 6～9 has no category: it applies to every class.
    assert _found("pH", "GB 3838-2002", "Ⅲ类") == [("GB 3838-2002", "pH值", "", "", "6～9")]
    assert _found("总磷", "GB 3838-2002", "Ⅲ类") == [
        ("GB 3838-2002", "总磷(以P计)", "Ⅲ类", "", "≤0.2"),
        ("GB 3838-2002", "总磷(以P计)", "Ⅲ类", "湖、库", "≤0.05"),
    ]
    # Table 2 items bind drinking-water sources, not class Ⅲ water in general.
    assert _found("铁", "GB 3838-2002", "Ⅲ类") == []
    assert _found("Fe", "GB 3838-2002", "集中式生活饮用水地表水源地") == [
        ("GB 3838-2002", "铁", "集中式生活饮用水地表水源地", "", "≤0.3")
    ]


def test_requirements_for_does_not_guess(reference_data):
    assert _found("总砷", "GB 3838-2002") == []  # not 砷: total and bare names stay apart
    assert _found("2,4,6-三氯酚", "GB 3838-2002") == []  # a fuzzy candidate only, until someone confirms it
    assert _found("铅", "GB 9999-2020") == [] and _found("铅", "不是标准号") == []
    assert _found("", "GB 3838-2002") == []


# --- the staged importer ------------------------------------------------------------------------------------

GB5749_FILE = (
    "标准号,标准名称,指标,类别,要求,单位,说明\n"
    "ＧＢ　５７４９－２０２２,生活饮用水卫生标准,铅（以Pb计）,,≤0.01,mg/L,表1 常规指标\n"
    "GB 5749-2022,,镉,,不大于0.005,mg/L,\n"
    "GB 5749-2022,,汞,,≤0.001,mg/kgg,\n"
    "GB 5749-2022,,菌落总数,,≤100,CFU/mL,\n"
    "GB 5749,生活饮用水卫生标准,砷,,≤0.01,mg/L,\n"
    "GB 5749-2022,,铬（六价）,,≤无,mg/L,\n"
    "GB 5749-2022,,Pb,,≤0.01,mg/L,\n"
)


def test_a_limit_table_in_gb18030_imports_good_rows_and_reports_bad_ones(world):
    admin = world.users["admin"]
    session = stage_upload(admin, "limits", "生活饮用水.csv", GB5749_FILE.encode("gb18030"))
    assert session.encoding == "GB18030"
    errors = {(e["row"], e["field"]): e["message"] for e in error_list(session)}
    assert set(errors) == {(4, "unit"), (6, "standard_number"), (7, "requirement"), (8, "standard_number")}
    assert "年代号" in errors[(6, "standard_number")]
    assert "比较符后缺少数值" in errors[(7, "requirement")]
    assert "第 2 行重复" in errors[(8, "standard_number")]  # Pb is 铅(以Pb计) again
    commit_session(session, admin)
    table = LimitTable.objects.get(normalized_number="GB 5749-2022")
    assert (table.standard_number, table.title) == ("GB 5749-2022", "生活饮用水卫生标准")
    rows = {r.indicator: r for r in table.requirements.all()}
    assert set(rows) == {"铅（以Pb计）", "镉", "菌落总数"}  # names keep what was typed
    lead = rows["铅（以Pb计）"]
    assert (lead.indicator_key, lead.category, lead.note) == ("铅", "", "表1 常规指标")
    assert lead.parsed["max"] == 0.01 and lead.parsed["note"] == "以Pb计"
    assert rows["镉"].parsed["kind"] == "max" and rows["菌落总数"].parsed["unit"] == "CFU/mL"
    assert AuditEvent.objects.filter(action="limitrequirement.create", actor=admin).count() == 3
    assert AuditEvent.objects.filter(action="limittable.create", object_id=str(table.pk)).count() == 1
    # The imported table answers lookups at once; with no category its rows hold for every category.
    assert _found("Pb", "GB 5749-2022", "任意类别") == [("GB 5749-2022", "铅（以Pb计）", "", "", "≤0.01")]

    # Importing the same file again writes nothing new.
    again = stage_upload(admin, "limits", "生活饮用水.csv", GB5749_FILE.encode("gb18030"))
    planned = summary(again, planned=True)
    assert (planned["created"], planned["updated"], planned["unchanged"]) == (0, 0, 3)


def test_an_xlsx_row_updates_a_shipped_requirement(world):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["标准号", "指标", "类别", "要求", "单位"])
    sheet.append(["GB3838—2002", "铅", "III", "≤0.04", "mg/L"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    admin = world.users["admin"]
    session = stage_upload(admin, "limits", "修订.xlsx", buffer.getvalue())
    assert error_list(session) == [] and summary(session, planned=True)["updated"] == 1
    commit_session(session, admin)
    lead = LimitRequirement.objects.get(
        table__normalized_number="GB 3838-2002", indicator="铅", category="Ⅲ类"
    )
    assert lead.requirement == "≤0.04" and lead.parsed["max"] == 0.04
    event = AuditEvent.objects.filter(action="limitrequirement.update", object_id=str(lead.pk)).get()
    assert event.before["requirement"] == "≤0.05"


def test_only_the_platform_administrator_imports_limit_tables(world):
    for role in ("regulator", "expert", "enterprise"):
        with pytest.raises(PermissionDenied):
            stage_upload(world.users[role], "limits", "x.csv", GB5749_FILE.encode("utf-8"))


def test_export_writes_the_columns_the_importer_reads(world):
    content, count = export_rows(LIMITS, world.users["admin"], "csv", {"q": "GB/T 14848-2017"})
    text = content.decode("utf-8-sig")
    assert count == 372
    assert text.splitlines()[0] == "标准号,标准名称,指标,类别,适用条件,要求,单位,说明"
    assert "GB/T 14848-2017,地下水质量标准,溶解性总固体,Ⅰ类,,≤300,mg/L,表1 常规指标" in text


def test_the_import_pages_serve_limit_tables(world, client):
    client.force_login(world.users["regulator"])
    assert client.get(reverse("imports:session_create", args=["limits"])).status_code == 403
    client.force_login(world.users["admin"])
    page = client.get(reverse("imports:session_create", args=["limits"])).content.decode()
    assert "适用条件" in page and "标准号" in page
    upload = SimpleUploadedFile("生活饮用水.csv", GB5749_FILE.encode("gb18030"), content_type="text/csv")
    response = client.post(reverse("imports:session_create", args=["limits"]), {"file": upload})
    session = ImportSession.objects.latest("id")
    assert response.status_code == 302 and session.kind == "limits" and session.error_count == 4
    assert client.post(reverse("imports:session_commit", args=[session.pk])).status_code == 302
    # Row 7 ("≤无") corrected on its own page.
    row = session.rows.get(row_number=7)
    edit = reverse("imports:row_edit", args=[session.pk, row.pk])
    assert "比较符后缺少数值" in client.get(edit).content.decode()
    response = client.post(edit, {**row.values, "requirement": "≤0.05"})
    assert response.status_code == 302
    chromium = LimitRequirement.objects.get(table__normalized_number="GB 5749-2022", indicator="铬（六价）")
    assert chromium.requirement == "≤0.05" and chromium.indicator_key == "六价铬"

"""C1–C8 on plain inputs: each check, the outcome rule, and the issue's acceptance case."""

import datetime
from dataclasses import replace

import pytest

from nqihub.engines.requirements import parse_requirement
from nqihub.review.checks import (
    CatalogueEntry,
    DisclosureFacts,
    IndicatorIn,
    LimitRef,
    ReferenceIn,
    ReviewInput,
    StructureIn,
    review,
)

CATALOGUE = {
    "GB/T 1.1-2009": CatalogueEntry(
        "GB/T 1.1-2009",
        "标准化工作导则 第1部分",
        "abolished",
        "GB/T 1.1-2020",
        "标准化工作导则 第1部分：标准化文件的结构和起草规则",
    ),
    "GB/T 1.1-2020": CatalogueEntry("GB/T 1.1-2020", "标准化工作导则 第1部分", "current"),
    "GB 3838-2002": CatalogueEntry("GB 3838-2002", "地表水环境质量标准", "current"),
    "GB/T 191-2008": CatalogueEntry("GB/T 191-2008", "包装储运图示标志", "current"),
}
LIMITS = {
    "溶解氧": [
        LimitRef("GB 3838-2002", "mandatory", "溶解氧", f"{c}类", parse_requirement(r, unit="mg/L"))
        for c, r in (("Ⅰ", "≥7.5"), ("Ⅱ", "≥6"), ("Ⅲ", "≥5"), ("Ⅳ", "≥3"), ("Ⅴ", "≥2"))
    ],
    "铅": [
        LimitRef("GB 2762-2022", "mandatory", "铅", "", parse_requirement("≤0.2", unit="mg/kg")),
        LimitRef("GB/T 99-2020", "recommended", "铅", "", parse_requirement("≤0.1", unit="mg/kg")),
    ],
}
CHAPTERS = {
    "1": "范围",
    "2": "规范性引用文件",
    "3": "术语和定义",
    "4": "要求",
    "5": "试验方法",
    "6": "检验规则",
    "7": "标志、包装、运输和贮存",
}


def catalogue(number):
    return CATALOGUE.get(number)


def limits(name):
    return LIMITS.get(name.split("(")[0], ())


def good_input(**changes) -> ReviewInput:
    base = ReviewInput(
        number="Q/GLSZ 0001-2025",
        title="水处理用溶解氧增氧剂",
        region_code="450321",
        products=["溶解氧增氧剂"],
        references=[
            ReferenceIn("GB/T 1.1-2020", "GB/T 1.1-2020", location="第2章"),
            ReferenceIn("GB 3838-2002", "GB 3838-2002", location="第2章"),
            ReferenceIn("GB/T 191-2008", "GB/T 191-2008", location="第2章"),
        ],
        indicators=[
            IndicatorIn("溶解氧", "≥8", "mg/L", "GB/T 7489", location="表1"),
            IndicatorIn("铅(以Pb计)", "≤0.05", "mg/kg", "GB 5009.12", location="表1"),
        ],
        structure=StructureIn(chapters=dict(CHAPTERS)),
        check_date=datetime.date(2026, 11, 21),
    )
    return replace(base, **changes)


def test_a_conforming_standard():
    result = review(good_input(), catalogue=catalogue, limits=limits)
    assert result.outcome == "conforming" and result.disposition == "" and result.findings == ()


def test_the_issue_case_gets_exactly_its_four_findings_and_is_nonconforming():
    data = good_input(
        references=[
            ReferenceIn("GB/T 1.1—2009", "GB/T 1.1-2009", location="第2章"),
            ReferenceIn("GB 3838-2002", "GB 3838-2002", location="第2章"),
        ],
        indicators=[
            IndicatorIn("溶解氧", "≥1.5", "mg/L", "GB/T 7489", location="表1 第1行"),
            IndicatorIn("铅(以Pb计)", "≤0.05", "mg/kg", "", location="表1 第2行"),
        ],
        structure=StructureIn(chapters={k: v for k, v in CHAPTERS.items() if k != "3"}),
    )
    result = review(data, catalogue=catalogue, limits=limits)
    assert sorted(f.check for f in result.findings) == ["C2", "C3", "C5", "C6"]
    by_check = {f.check: f for f in result.findings}
    assert "GB/T 1.1-2020" in by_check["C2"].message and by_check["C2"].dimension == "legality"
    assert "GB 3838-2002" in by_check["C3"].message and "≥2" in by_check["C3"].message
    assert "铅" in by_check["C5"].message and by_check["C5"].location == "表1 第2行"
    assert "第3章" in by_check["C6"].message and by_check["C6"].dimension == "form"
    assert (result.outcome, result.disposition, result.outcome_zh) == ("nonconforming", "rectify", "不符合")


def test_looser_than_a_strict_class_but_within_the_lenient_one_is_no_finding():
    # ≥3 mg/L is looser than classes Ⅰ–Ⅲ but stricter than Ⅴ: with no class stated, no false alarm…
    data = good_input(indicators=[IndicatorIn("溶解氧", "≥3", "mg/L", "GB/T 7489")])
    assert review(data, catalogue=catalogue, limits=limits).outcome == "conforming"
    # …but when the standard states class Ⅱ, it is looser than that class's ≥6.
    stated = good_input(indicators=[IndicatorIn("溶解氧", "≥3", "mg/L", "GB/T 7489", category="Ⅱ类")])
    assert [f.check for f in review(stated, catalogue=catalogue, limits=limits).findings] == ["C3"]


def test_only_form_findings_give_minor_with_guidance():
    data = good_input(structure=StructureIn(chapters=dict(CHAPTERS), drafting_rules_edition="GB/T 1.1-2009"))
    result = review(data, catalogue=catalogue, limits=limits)
    assert [f.check for f in result.findings] == ["C6"]
    assert (result.outcome, result.disposition) == ("minor", "guide")


def test_reference_missing_from_catalogue_and_undated_reference():
    data = good_input(
        references=[
            ReferenceIn("GB/T 98765-2020", "GB/T 98765-2020"),
            ReferenceIn("GB/T 191", "GB/T 191", dated=False),
            ReferenceIn("ISO 9001:2015", "ISO 9001:2015"),
        ]
    )
    findings = review(data, catalogue=catalogue, limits=limits).findings
    assert [(f.check, "98765" in f.message) for f in findings] == [("C2", True)]


def test_lower_than_recommended_needs_an_explicit_statement():
    data = good_input(indicators=[IndicatorIn("铅", "≤0.15", "mg/kg", "GB 5009.12")])
    assert [f.check for f in review(data, catalogue=catalogue, limits=limits).findings] == ["C4"]
    stated = replace(data, explicit_statement="铅指标低于 GB/T 99-2020,特此明示。")
    assert review(stated, catalogue=catalogue, limits=limits).findings == ()


@pytest.mark.parametrize(
    ("number", "fragment"),
    [("QGLSZ0001-2025", "不规范"), ("GB/T 1.1-2020", "Q/"), ("Q/GLSZ 0001-1970", "年代号")],
)
def test_c1_numbers(number, fragment):
    findings = review(good_input(number=number), catalogue=catalogue, limits=limits).findings
    assert any(f.check == "C1" and fragment in f.message for f in findings)


def test_c7_and_c8_for_disclosures():
    data = good_input(
        disclosure=DisclosureFacts(has_text_or_table=False, commitment_signed=False, products=0),
        newer_undisclosed=["Q/GLSZ 0001-2026"],
    )
    checks = [f.check for f in review(data, catalogue=catalogue, limits=limits).findings]
    assert checks == ["C7", "C7", "C7", "C8"]
    external = good_input(
        own_standard=False,
        number="GB/T 1.1-2009",
        indicators=[],
        structure=None,
        declared_entry=CATALOGUE["GB/T 1.1-2009"],
    )
    c8 = [f for f in review(external, catalogue=catalogue, limits=limits).findings if f.check == "C8"]
    assert len(c8) == 1 and "GB/T 1.1-2020" in c8[0].message

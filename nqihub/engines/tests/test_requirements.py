"""Requirement parsing and strictness (DOMAIN.md §4), checked against real limit tables and by properties."""

import csv
import functools
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nqihub.engines.requirements import (
    Requirement,
    RequirementError,
    compare_requirements,
    parse_requirement,
    render_requirement,
)
from nqihub.engines.units import parse_unit

D = Decimal

# --- real limit tables ---------------------------------------------------------------------------------------

DATA = Path(__file__).resolve().parent / "data"  # the real tables, shipped with the tests (PROVENANCE.md)
TABLES = {"gb3838_2002_surface_water_limits.csv": 201, "gbt14848_2017_groundwater_limits.csv": 373}
CSV_UNITS = {
    "mg/L": "mg/L",
    "μg/L": "ug/L",
    "个/L": "count/L",
    "无量纲": "dimensionless",
    "Bq/L": "Bq/L",
    "NTU": "NTU",
    "CFU/mL": "CFU/mL",
    "": None,
}
# Rows the parser refuses, each with the reason; the test below proves they still fail.
UNPARSEABLE = {
    ("GB/T 14848-2017", "总大肠菌群", cls): "unit column offers two alternatives, MPN/100mL or CFU/100mL, "
    "which are different counting dimensions; a comparison would need one of them"
    for cls in ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ")
}


def _rows(name: str) -> list[dict[str, str]]:
    return _read_rows(DATA / name)


@functools.cache
def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _table_cases() -> list[tuple[str, int]]:
    return [(name, index) for name, count in TABLES.items() for index in range(count)]


def _requirement_text(row: dict[str, str]) -> str:
    """The limit as the standard prints it, built from the machine-readable row."""
    unit = f" {row['unit']}" if row["unit"] else ""
    comparison, value = row["comparison"], row["limit_value"]
    low, _, high = value.partition("-")
    return {
        "LessThanOrEqual": f"≤{value}{unit}",
        "GreaterThanOrEqual": f"≥{value}{unit}",
        "GreaterThan": f">{value}{unit}",
        "BetweenInclusive": f"{low}～{high}{unit}",
        # GB/T 14848 Table 1 prints the half-open pH classes as "5.5≤pH<6.5" and "8.5<pH≤9.0".
        "BetweenInclusiveMinExclusiveMax": f"{low}≤{row['factor']}<{high}{unit}",
        "BetweenExclusiveMinInclusiveMax": f"{low}<{row['factor']}≤{high}{unit}",
        "NotDetected": "不得检出",
        "TextMatch": value,
    }[comparison]


def _expected_fields(comparison: str, value: str) -> dict[str, object]:
    """What the CSV says the parse must give, written independently of the parser."""
    if comparison == "NotDetected":
        return {"kind": "absent"}
    if comparison == "TextMatch":
        return {"kind": "qualitative", "text": value}
    if comparison.startswith("Between"):
        low, high = value.split("-")
        return {
            "kind": "range",
            "min": D(low),
            "max": D(high),
            "min_inclusive": not comparison.startswith("BetweenExclusiveMin"),
            "max_inclusive": not comparison.endswith("ExclusiveMax"),
        }
    return {
        "LessThanOrEqual": {"kind": "max", "max": D(value), "max_inclusive": True, "min": None},
        "GreaterThanOrEqual": {"kind": "min", "min": D(value), "min_inclusive": True, "max": None},
        "GreaterThan": {"kind": "min", "min": D(value), "min_inclusive": False, "max": None},
    }[comparison]


def test_tables_have_the_documented_row_counts() -> None:
    for name, count in TABLES.items():
        assert len(_rows(name)) == count, name


@pytest.mark.parametrize(("table", "index"), _table_cases())
def test_real_limit_row(table: str, index: int) -> None:
    row = _rows(table)[index]
    text = _requirement_text(row)
    req = parse_requirement(text)
    key = (row["standard"], row["factor"], row["quality_class"])
    if key in UNPARSEABLE:
        assert not req.ok, f"{key} now parses; remove it from UNPARSEABLE"
        assert "两种可选单位" in (req.error or "")
        return
    assert req.ok, f"{text!r}: {req.error}"
    comparison, value = row["comparison"], row["limit_value"]
    expected = _expected_fields(comparison, value)
    for field_name, wanted in expected.items():
        assert getattr(req, field_name) == wanted, (text, field_name)
    if req.kind in ("max", "min", "range"):
        symbol = req.unit.symbol if req.unit else None
        # "5.5≤pH<6.5" names pH as its variable, which makes pH the unit.
        named_ph = comparison.startswith("Between") and f"{row['factor']}" in text
        assert symbol == ("pH" if named_ph else CSV_UNITS[row["unit"]]), text
    assert parse_requirement(render_requirement(req)) == req


def _class_runs(rows: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """Consecutive rows of one factor from class Ⅰ on; 总磷 has two runs (rivers, then lakes)."""
    runs: list[list[dict[str, str]]] = []
    for row in rows:
        if not runs or row["quality_class"] == "Ⅰ" or runs[-1][-1]["factor"] != row["factor"]:
            runs.append([])
        runs[-1].append(row)
    return runs


@pytest.mark.parametrize("table", list(TABLES))
def test_better_water_class_is_at_least_as_strict(table: str) -> None:
    """Class Ⅰ water is the cleanest: each class's limit is stricter than or equal to the next one's."""
    strict = 0
    compared = 0
    for run in _class_runs(_rows(table)):
        parsed = [parse_requirement(_requirement_text(row)) for row in run]
        for index, (a, b) in enumerate(zip(parsed, parsed[1:], strict=False)):
            if not (a.ok and b.ok) or a.kind != b.kind or a.kind not in ("max", "min"):
                continue  # pH Ⅳ is two disjoint ranges; radioactivity Ⅳ is the complement of Ⅲ
            verdict = compare_requirements(a, b).verdict
            assert verdict in ("stricter", "equal"), (
                run[index]["factor"],
                run[index]["quality_class"],
                verdict,
            )
            assert compare_requirements(b, a).verdict in ("looser", "equal")
            compared += 1
            strict += verdict == "stricter"
    assert compared > 50 and strict > 30  # the property was exercised, not vacuously true


def test_dissolved_oxygen_is_a_minimum() -> None:
    rows = [r for r in _rows("gb3838_2002_surface_water_limits.csv") if r["factor"] == "溶解氧"]
    reqs = [parse_requirement(_requirement_text(r)) for r in rows]
    assert [r.kind for r in reqs] == ["min"] * 5
    assert compare_requirements(reqs[0], reqs[1]).verdict == "stricter"  # ≥7.5 against ≥6.0


# --- hand table ---------------------------------------------------------------------------------------------

MAX, MIN, RANGE = "max", "min", "range"
# text → (kind, min, max, min_inclusive, max_inclusive, unit symbol)
PARSES: list[tuple[str, tuple[str, str | None, str | None, bool | None, bool | None, str | None]]] = [
    ("≤0.5 mg/kg", (MAX, None, "0.5", None, True, "mg/kg")),
    ("<0.5mg/kg", (MAX, None, "0.5", None, False, "mg/kg")),
    ("＜0.5 毫克/千克", (MAX, None, "0.5", None, False, "mg/kg")),
    ("≦0.5 mg/kg", (MAX, None, "0.5", None, True, "mg/kg")),
    ("<=0.5 mg/kg", (MAX, None, "0.5", None, True, "mg/kg")),
    ("≥7.5 mg/L", (MIN, "7.5", None, True, None, "mg/L")),
    (">5", (MIN, "5", None, False, None, None)),
    ("＞5 ℃", (MIN, "5", None, False, None, "degC")),
    ("≧99.5%", (MIN, "99.5", None, True, None, "%")),
    (">=30 MPa", (MIN, "30", None, True, None, "MPa")),
    ("不大于0.5 mg/kg", (MAX, None, "0.5", None, True, "mg/kg")),
    ("不超过 10 μg/kg", (MAX, None, "10", None, True, "ug/kg")),
    ("不高于 5 %", (MAX, None, "5", None, True, "%")),
    ("小于 1.0 mg/L", (MAX, None, "1.0", None, False, "mg/L")),
    ("低于 55 dB(A)", (MAX, None, "55", None, False, "dB(A)")),
    ("0.5 mg/kg以下", (MAX, None, "0.5", None, True, "mg/kg")),
    ("应不大于 0.5 mg/kg", (MAX, None, "0.5", None, True, "mg/kg")),
    ("不小于 99.5%", (MIN, "99.5", None, True, None, "%")),
    ("不低于 30 MPa", (MIN, "30", None, True, None, "MPa")),
    ("大于 5 min", (MIN, "5", None, False, None, "min")),
    ("高于 1 h", (MIN, "1", None, False, None, "h")),
    ("5%以上", (MIN, "5", None, True, None, "%")),
    ("6～9", (RANGE, "6", "9", True, True, None)),
    ("6~9", (RANGE, "6", "9", True, True, None)),
    ("6-9", (RANGE, "6", "9", True, True, None)),
    ("6—9", (RANGE, "6", "9", True, True, None)),
    ("6–9", (RANGE, "6", "9", True, True, None)),
    ("6至9", (RANGE, "6", "9", True, True, None)),
    ("6.5-8.5", (RANGE, "6.5", "8.5", True, True, None)),
    ("18℃～22℃", (RANGE, "18", "22", True, True, "degC")),
    ("18～22 ℃", (RANGE, "18", "22", True, True, "degC")),
    ("10 mg/kg～20", (RANGE, "10", "20", True, True, "mg/kg")),
    ("-18～-12 ℃", (RANGE, "-18", "-12", True, True, "degC")),
    ("(20±2)℃", (RANGE, "18", "22", True, True, "degC")),
    ("（20±2）℃", (RANGE, "18", "22", True, True, "degC")),
    ("20±2 ℃", (RANGE, "18", "22", True, True, "degC")),
    ("(20.1±0.2)℃", (RANGE, "19.9", "20.3", True, True, "degC")),
    ("(2～8)℃", (RANGE, "2", "8", True, True, "degC")),
    ("在6～9之间", (RANGE, "6", "9", True, True, None)),
    ("5.5≤pH<6.5", (RANGE, "5.5", "6.5", True, False, "pH")),
    ("≥6.5且≤8.5", (RANGE, "6.5", "8.5", True, True, None)),
    ("不小于6.5，不大于8.5", (RANGE, "6.5", "8.5", True, True, None)),
    ("pH 6.5～8.5", (RANGE, "6.5", "8.5", True, True, "pH")),
    ("≤1.0×10^4 CFU/g", (MAX, None, "10000", None, True, "CFU/g")),
    ("≤1.0×10⁴ CFU/g", (MAX, None, "10000", None, True, "CFU/g")),
    ("≤1.0x10^4 CFU/g", (MAX, None, "10000", None, True, "CFU/g")),
    ("≤1.0E4 CFU/g", (MAX, None, "10000", None, True, "CFU/g")),
    ("≤1.0e-3 mg/kg", (MAX, None, "0.001", None, True, "mg/kg")),
    ("≤10⁻³ mg/kg", (MAX, None, "0.001", None, True, "mg/kg")),
    ("≤１０ ｍｇ／ｋｇ", (MAX, None, "10", None, True, "mg/kg")),
    ("≤10 000 CFU/g", (MAX, None, "10000", None, True, "CFU/g")),
    ("≤100 MPN/100mL", (MAX, None, "100", None, True, "MPN/100mL")),
    ("≤10 mg/L（以N计）", (MAX, None, "10", None, True, "mg/L")),
    ("≤0.05 mg/m³", (MAX, None, "0.05", None, True, "mg/m3")),
    ("≤0.3 千瓦时", (MAX, None, "0.3", None, True, "kWh")),
    ("≤15 度", (MAX, None, "15", None, True, "degree")),
    ("6～9 无量纲", (RANGE, "6", "9", True, True, "dimensionless")),
]


@pytest.mark.parametrize(("text", "expected"), PARSES)
def test_parse_bounds(text: str, expected: tuple) -> None:
    req = parse_requirement(text)
    assert req.ok, req.error
    kind, low, high, low_inclusive, high_inclusive, unit = expected
    assert (req.kind, req.min, req.max, req.min_inclusive, req.max_inclusive) == (
        kind,
        None if low is None else D(low),
        None if high is None else D(high),
        low_inclusive,
        high_inclusive,
    )
    assert (req.unit.symbol if req.unit else None) == unit
    assert req.input == text


@pytest.mark.parametrize(
    ("text", "kind", "extra"),
    [
        ("不得检出", "absent", {}),
        ("未检出", "absent", {}),
        ("阴性", "absent", {}),
        ("不应检出", "absent", {}),
        ("ND", "absent", {}),
        ("不得检出（<0.01 mg/kg）", "absent", {"note": "<0.01 mg/kg"}),
        (
            "n=5, c=2, m=10 CFU/g, M=100 CFU/g",
            "sampling_plan",
            {"n": 5, "c": 2, "m": 10.0, "M": 100.0, "unit": "CFU/g"},
        ),
        ("n=5,c=2,m=10,M=10²", "sampling_plan", {"n": 5, "c": 2, "m": 10.0, "M": 100.0, "unit": None}),
        ("n＝5，c＝1，m＝100 CFU/mL，M＝1000 CFU/mL", "sampling_plan", {"n": 5, "c": 1, "M": 1000.0}),
        ("5,2,10,100 CFU/g", "sampling_plan", {"n": 5, "c": 2, "m": 10.0, "M": 100.0, "unit": "CFU/g"}),
        ("n=5, c=0, m=0/25g", "sampling_plan", {"c": 0, "m": 0.0, "M": None, "unit": "/25g"}),
        ("n=5, c=0, m=0, M=—", "sampling_plan", {"M": None}),
        ("无异味", "qualitative", {"text": "无异味"}),
        ("无肉眼可见杂质", "qualitative", {"text": "无肉眼可见杂质"}),
        ("具有该产品应有的色泽, 无异味。", "qualitative", {"text": "具有该产品应有的色泽，无异味"}),
        ("符合GB 2762的规定", "reference", {"reference": "GB 2762"}),
        ("应符合 GB 2762 的规定", "reference", {"reference": "GB 2762"}),
        ("按GB 2760执行", "reference", {"reference": "GB 2760"}),
        ("应符合GB/T 5009.12—2017的要求", "reference", {"reference": "GB/T 5009.12-2017"}),
        ("符合 ＧＢ２７６２－２０２２《食品中污染物限量》的规定", "reference", {"reference": "GB 2762-2022"}),
        ("—", "not_applicable", {}),
        ("-", "not_applicable", {}),
        ("/", "not_applicable", {}),
        ("／", "not_applicable", {}),
        ("无要求", "not_applicable", {}),
        ("不要求", "not_applicable", {}),
    ],
)
def test_parse_other_kinds(text: str, kind: str, extra: dict) -> None:
    req = parse_requirement(text)
    assert req.ok, req.error
    assert req.kind == kind
    as_dict = req.to_dict()
    for key, value in extra.items():
        assert as_dict[key] == value, key


def test_method_citation_is_not_a_reference() -> None:
    req = parse_requirement("≤0.5 mg/kg（按GB 5009.12测定）")
    assert (req.kind, req.max, req.unit.symbol if req.unit else None) == ("max", D("0.5"), "mg/kg")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("0.5 mg/kg", "缺少比较符 / missing comparison operator"),
        ("9～6", "下限大于上限"),
        ("≤0.5 斤", "单位无法识别"),
        ("≤", "缺少数值"),
        ("", "空文本"),
        ("n=5, c=6, m=10", "c 不能大于 n"),
        ("n=5, c=2, m=100, M=10", "m 不能大于 M"),
        ("n=5, c=2", "缺少 m"),
        ("n=5.5, c=2, m=10", "整数"),
        ("18℃～22 mg/kg", "单位不一致"),
        ("(20±2℃", "括号不配对"),
        ("≥5且≥6", "无法识别"),
        ("≤3.0 MPNᵇ/100mL 或 CFUᶜ/100mL", "两种可选单位"),
        ("≤0.01 ppm", "ppm"),
        (",", "没有可读的文字"),
    ],
)
def test_parse_errors(text: str, error: str) -> None:
    req = parse_requirement(text)
    assert not req.ok and req.kind is None
    assert error in (req.error or "")
    assert req.to_dict()["error"] == req.error and req.to_dict()["input"] == text


def test_grouped_thousands_are_not_a_sampling_plan() -> None:
    assert parse_requirement("1,000,000,000 CFU/g").kind != "sampling_plan"


def test_bare_number_needs_default_kind() -> None:
    assert not parse_requirement("0.5 mg/kg").ok
    as_max = parse_requirement("0.5 mg/kg", default_kind="max")
    assert (as_max.kind, as_max.max, as_max.max_inclusive) == ("max", D("0.5"), True)
    assert parse_requirement("30", default_kind="min").kind == "min"
    with pytest.raises(RequirementError):
        parse_requirement("0.5", default_kind="range")  # type: ignore[arg-type]


def test_unit_column() -> None:
    req = parse_requirement("≤0.05", unit="mg/L")
    assert req.unit == parse_unit("mg/L")
    assert parse_requirement("≤0.05 mg/L", unit="毫克/升").ok
    clash = parse_requirement("≤0.05 mg/kg", unit="mg/L")
    assert not clash.ok and "单位列" in (clash.error or "")


def test_to_dict_shape() -> None:
    as_dict = parse_requirement("(20±2)℃").to_dict()
    assert as_dict == {
        "input": "(20±2)℃",
        "ok": True,
        "kind": "range",
        "min": 18.0,
        "max": 22.0,
        "min_inclusive": True,
        "max_inclusive": True,
        "unit": "degC",
        "error": None,
    }
    assert (
        parse_requirement("(20.1±0.2)℃").to_dict()["min"] == 19.9
    )  # Decimal arithmetic, not 19.900000000000002
    assert parse_requirement("符合GB 2762的规定").to_dict()["reference"] == "GB 2762"
    assert parse_requirement("无异味").to_dict()["text"] == "无异味"
    assert parse_requirement("≤10 mg/L（以N计）").to_dict()["note"] == "以N计"
    assert set(parse_requirement("n=5,c=2,m=10,M=100").to_dict()) >= {"n", "c", "m", "M"}


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("不大于0.5 毫克/千克", "≤0.5 mg/kg"),
        ("6-9", "6～9"),
        ("(20±2)℃", "18～22 ℃"),
        ("阴性", "不得检出"),
        ("≤100 µg/kg", "≤100 μg/kg"),
        ("8.5<pH≤9", ">8.5且≤9 pH"),
        ("n=5,c=2,m=10,M=100 CFU/g", "n=5, c=2, m=10 CFU/g, M=100 CFU/g"),
        ("按GB 2760执行", "符合GB 2760的规定"),
        ("无要求", "—"),
    ],
)
def test_render(text: str, rendered: str) -> None:
    assert render_requirement(parse_requirement(text)) == rendered


def test_render_refuses_invalid() -> None:
    with pytest.raises(RequirementError):
        render_requirement(parse_requirement("0.5 mg/kg"))


# --- comparison table ---------------------------------------------------------------------------------------

COMPARISONS = [
    ("≤100 μg/kg", "≤0.1 mg/kg", "equal"),
    ("≤20 mg/100g", "≤0.3 g/kg", "stricter"),
    ("≤0.3 g/kg", "≤20 mg/100g", "looser"),
    ("≤20 mg/100g", "≤0.2 g/kg", "equal"),
    ("≤20 mg/100g", "≤200 mg/kg", "equal"),
    ("≤0.1 %", "≤1 g/kg", "equal"),
    ("≤1 ‰", "≤0.1%", "equal"),
    ("≤0.5 mg/kg", "≤0.5 mg/L", "incomparable"),
    ("≤5 mg/L", "≥3 mg/L", "incomparable"),
    ("≥3", "≤5", "incomparable"),
    ("<0.5 mg/kg", "≤0.5 mg/kg", "stricter"),
    ("≤0.5 mg/kg", "<0.5 mg/kg", "looser"),
    ("≤0.5 mg/kg", "不大于0.5 毫克/千克", "equal"),
    ("≤0.4 mg/kg", "<0.5 mg/kg", "stricter"),
    ("≥7.5 mg/L", "≥6.0 mg/L", "stricter"),
    ("≥6 mg/L", "≥7.5 mg/L", "looser"),
    (">5", "≥5", "stricter"),
    ("6.5～8.5", "6～9", "stricter"),
    ("6～9", "6.5～8.5", "looser"),
    ("6～9", "6-9", "equal"),
    ("6～8.5", "6～9", "stricter"),
    ("6～8", "7～9", "incomparable"),
    ("1～2", "3～4", "incomparable"),
    ("(20±2)℃", "18℃～22℃", "equal"),
    ("19～21 ℃", "(20±2)℃", "stricter"),
    ("6～9", "≤10", "stricter"),
    ("≤10", "6～9", "looser"),
    ("6～9", "≤8", "incomparable"),
    ("0～10 mg/kg", "≤10 mg/kg", "equal"),
    ("不得检出", "≤0.01 mg/kg", "stricter"),
    ("≤0.01 mg/kg", "未检出", "looser"),
    ("阴性", "不得检出", "equal"),
    ("不得检出", "≥5", "incomparable"),
    ("n=5,c=2,m=10,M=100 CFU/g", "n=5,c=2,m=100,M=1000 CFU/g", "stricter"),
    ("n=5,c=2,m=100,M=1000 CFU/g", "n=5,c=2,m=10,M=100 CFU/g", "looser"),
    ("n=5,c=1,m=100,M=10000 CFU/g", "n=5,c=2,m=10,M=100 CFU/g", "incomparable"),
    ("n=10,c=2,m=10,M=100 CFU/g", "5,2,10,100 CFU/g", "stricter"),
    ("n=5,c=2,m=10 CFU/g,M=100 CFU/g", "5,2,10,100 CFU/g", "equal"),
    ("n=5,c=0,m=0", "n=5,c=0,m=0,M=—", "equal"),
    ("n=5,c=2,m=10,M=100 CFU/g", "n=5,c=2,m=10,M=100 MPN/g", "incomparable"),
    ("≤100 CFU/g", "≤100 MPN/g", "incomparable"),
    ("≤5 mg/kg", "≤5", "incomparable"),
    ("6～9 无量纲", "6～9", "equal"),
    ("pH 6～9", "6.5～8.5", "looser"),
    ("无异味", "无异味。", "equal"),
    ("无异味", "无异臭", "incomparable"),
    ("符合GB 2762的规定", "≤0.5 mg/kg", "incomparable"),
    ("—", "≤0.5 mg/kg", "incomparable"),
    ("—", "—", "incomparable"),
    ("≤10 mg/L（以N计）", "≤44 mg/L（以NO3计）", "incomparable"),
    ("≤10 mg/L（以N计）", "≤20 mg/L（以N计）", "stricter"),
    ("≤20 ℃", "≤293.15 K", "equal"),
    ("≤-18 ℃", "≤-15 ℃", "stricter"),
    ("≤1.0×10⁴ CFU/g", "≤10000 CFU/g", "equal"),
    ("≤1 CFU/mL", "≤100 CFU/100mL", "equal"),
    ("≤0.5 h", "≤30 min", "equal"),
    ("≥30 MPa", "≥30000 kPa", "equal"),
    ("≤1 kWh", "≤3.6 MJ", "equal"),
    ("≤55 dB(A)", "≤55 dB", "incomparable"),
    ("≤15 度", "≤15 NTU", "incomparable"),
    ("≤100 mg/kg", "≤100.00000001 mg/kg", "equal"),  # inside the 1e-9 relative tolerance
    ("≤0.1 mg/kg", "≤0.100001 mg/kg", "stricter"),  # outside it
]


@pytest.mark.parametrize(("a", "b", "verdict"), COMPARISONS)
def test_compare(a: str, b: str, verdict: str) -> None:
    ra, rb = parse_requirement(a), parse_requirement(b)
    assert ra.ok and rb.ok, (ra.error, rb.error)
    result = compare_requirements(ra, rb)
    assert result.verdict == verdict, result.reason
    assert result.reason and result.reason_en


def test_comparison_reasons() -> None:
    dims = compare_requirements(parse_requirement("≤0.5 mg/kg"), parse_requirement("≤0.5 mg/L"))
    assert "量纲不同" in dims.reason and "mg/kg" in dims.reason and "mg/L" in dims.reason
    assert "质量分数" in dims.reason and "mass concentration" in dims.reason_en
    direction = compare_requirements(parse_requirement("≤5"), parse_requirement("≥3"))
    assert "方向相反" in direction.reason and "opposite directions" in direction.reason_en
    reference = compare_requirements(parse_requirement("符合GB 2762的规定"), parse_requirement("≤0.5 mg/kg"))
    assert reference.reason == "引用其他标准，需解析被引用标准"
    converted = compare_requirements(parse_requirement("≤20 mg/100g"), parse_requirement("≤0.3 g/kg"))
    assert "30 mg/100g" in converted.reason
    unitless = compare_requirements(parse_requirement("≤5 mg/kg"), parse_requirement("≤5"))
    assert "未给出单位" in unitless.reason


def test_absent_carries_the_detection_limit_caveat() -> None:
    result = compare_requirements(parse_requirement("不得检出"), parse_requirement("≤0.01 mg/kg"))
    assert (
        result.caveat
        and "检出限" in result.caveat
        and result.caveat_en
        and "detection limit" in result.caveat_en
    )
    assert compare_requirements(parse_requirement("≤0.01 mg/kg"), parse_requirement("不得检出")).caveat


def test_one_sided_basis_is_a_caveat() -> None:
    result = compare_requirements(parse_requirement("≤10 mg/L（以N计）"), parse_requirement("≤10 mg/L"))
    assert result.verdict == "equal" and result.caveat and "以N计" in result.caveat


def test_reference_resolver() -> None:
    catalogue = {"GB 2762": parse_requirement("≤0.2 mg/kg")}
    enterprise, mandatory = parse_requirement("≤0.1 mg/kg"), parse_requirement("符合GB 2762的规定")
    result = compare_requirements(enterprise, mandatory, resolve_reference=catalogue.get)
    assert result.verdict == "stricter" and "GB 2762" in result.reason
    assert compare_requirements(mandatory, enterprise, resolve_reference=catalogue.get).verdict == "looser"
    unknown = compare_requirements(
        enterprise, parse_requirement("符合GB 2760的规定"), resolve_reference=catalogue.get
    )
    assert unknown.verdict == "incomparable"
    cyclic = {"GB 2762": mandatory}
    assert compare_requirements(enterprise, mandatory, resolve_reference=cyclic.get).verdict == "incomparable"


def test_unparsed_is_incomparable() -> None:
    assert compare_requirements(parse_requirement("9～6"), parse_requirement("≤1")).verdict == "incomparable"


# --- properties ---------------------------------------------------------------------------------------------

SWAP = {"stricter": "looser", "looser": "stricter", "equal": "equal", "incomparable": "incomparable"}
values = st.builds(lambda i, e: Decimal(i).scaleb(e), st.integers(0, 99_999), st.integers(-4, 2))
NUMERIC_UNITS = [
    None,
    "mg/kg",
    "μg/kg",
    "g/kg",
    "mg/100g",
    "%",
    "mg/L",
    "℃",
    "K",
    "pH",
    "CFU/g",
    "mg/L（以N计）",
]


@st.composite
def numeric_requirements(draw: st.DrawFn, unit_texts: list[str | None] = NUMERIC_UNITS) -> Requirement:
    unit_text = draw(st.sampled_from(unit_texts))
    unit = parse_unit(unit_text) if unit_text else None
    sign = -1 if unit_text == "℃" and draw(st.booleans()) else 1
    kind = draw(st.sampled_from(["max", "min", "range"]))
    a, b = sorted([sign * draw(values), sign * draw(values)])
    if kind == "max":
        return Requirement(ok=True, kind="max", max=a, max_inclusive=draw(st.booleans()), unit=unit)
    if kind == "min":
        return Requirement(ok=True, kind="min", min=a, min_inclusive=draw(st.booleans()), unit=unit)
    closed = a == b or draw(st.booleans())
    return Requirement(
        ok=True,
        kind="range",
        min=a,
        max=b,
        min_inclusive=closed or draw(st.booleans()),
        max_inclusive=closed,
        unit=unit,
    )


@st.composite
def sampling_plans(draw: st.DrawFn) -> Requirement:
    n = draw(st.integers(1, 10))
    m = draw(values)
    big_m = draw(st.none() | values.map(lambda v: v + m))
    unit_text = draw(st.sampled_from([None, "CFU/g", "CFU/mL", "MPN/100mL", "/25g"]))
    return Requirement(
        ok=True,
        kind="sampling_plan",
        n=n,
        c=draw(st.integers(0, n)),
        m=m,
        M=big_m,
        unit=parse_unit(unit_text) if unit_text else None,
    )


other_requirements = st.sampled_from(
    [
        Requirement(ok=True, kind="absent"),
        Requirement(ok=True, kind="absent", note="<0.01 mg/kg"),
        Requirement(ok=True, kind="qualitative", text="无异味"),
        Requirement(ok=True, kind="qualitative", text="具有该产品应有的色泽，无异味"),
        Requirement(ok=True, kind="reference", reference="GB 2762"),
        Requirement(ok=True, kind="reference", reference="GB/T 5009.12-2017"),
        Requirement(ok=True, kind="not_applicable"),
    ]
)
requirements = numeric_requirements() | sampling_plans() | other_requirements


@settings(max_examples=300, deadline=None)
@given(requirements)
def test_render_round_trip(req: Requirement) -> None:
    assert parse_requirement(render_requirement(req)) == req


TOKENS = [
    "≤",
    "<",
    "≥",
    ">",
    "6",
    "9",
    "0.5",
    "10",
    "～",
    "-",
    " ",
    "mg/kg",
    "μg/kg",
    "℃",
    "以下",
    "不大于",
    "小于",
    "无",
    "异味",
    "(",
    ")",
    "±",
    "2",
    "n=",
    "c=",
    "m=",
    "M=",
    ",",
    "CFU/g",
    "不得检出",
    "×10^",
    "E",
    "且",
    "%",
    "GB 2762",
    "符合",
    "的规定",
    "pH",
    "—",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=7).map("".join))
def test_parse_render_parse_is_stable(text: str) -> None:
    req = parse_requirement(text)
    if req.ok:
        assert parse_requirement(render_requirement(req)) == req, render_requirement(req)
    else:
        assert req.error


@settings(max_examples=400, deadline=None)
@given(requirements, requirements)
def test_comparison_is_antisymmetric(a: Requirement, b: Requirement) -> None:
    assert compare_requirements(b, a).verdict == SWAP[compare_requirements(a, b).verdict]


@settings(max_examples=200, deadline=None)
@given(numeric_requirements(["mg/kg"]))
def test_requirement_equals_itself(req: Requirement) -> None:
    assert compare_requirements(req, req).verdict == "equal"


# The same mass fraction in other units, by exact decimal factors relative to mg/kg.
MASS_FRACTION_FACTORS = {
    "mg/kg": Decimal(1),
    "μg/kg": Decimal(1000),
    "g/kg": Decimal("0.001"),
    "mg/100g": Decimal("0.1"),
    "%": Decimal("0.0001"),
    "‰": Decimal("0.001"),
}


def _expressed_in(req: Requirement, unit_text: str) -> Requirement:
    factor = MASS_FRACTION_FACTORS[unit_text]
    return Requirement(
        ok=True,
        kind=req.kind,
        min=None if req.min is None else req.min * factor,
        max=None if req.max is None else req.max * factor,
        min_inclusive=req.min_inclusive,
        max_inclusive=req.max_inclusive,
        unit=parse_unit(unit_text),
    )


@settings(max_examples=300, deadline=None)
@given(
    numeric_requirements(["mg/kg"]),
    numeric_requirements(["mg/kg"]),
    st.sampled_from(list(MASS_FRACTION_FACTORS)),
    st.sampled_from(list(MASS_FRACTION_FACTORS)),
)
def test_verdict_does_not_depend_on_units(a: Requirement, b: Requirement, unit_a: str, unit_b: str) -> None:
    expected = compare_requirements(a, b).verdict
    assert compare_requirements(_expressed_in(a, unit_a), _expressed_in(b, unit_b)).verdict == expected

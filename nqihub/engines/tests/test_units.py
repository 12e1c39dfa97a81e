"""The unit registry: Chinese names and variants, ASCII symbols, conversions, and dimensions kept apart."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nqihub.engines.units import (
    Unit,
    UnitError,
    convert,
    dimension_name,
    is_non_negative,
    parse_unit,
    same_dimension,
    unit_display,
    unit_symbol,
)

# Every spelling on the left must land on the ASCII symbol on the right.
SPELLINGS = [
    ("mg/kg", "mg/kg"),
    ("毫克/千克", "mg/kg"),
    ("毫克每千克", "mg/kg"),
    ("mg / kg", "mg/kg"),
    ("mg/L", "mg/L"),
    ("毫克/升", "mg/L"),
    ("mg/l", "mg/L"),
    ("μg/kg", "ug/kg"),
    ("µg/kg", "ug/kg"),
    ("ug/kg", "ug/kg"),
    ("微克/千克", "ug/kg"),
    ("μg/L", "ug/L"),
    ("g/kg", "g/kg"),
    ("g/100g", "g/100g"),
    ("mg/100g", "mg/100g"),
    ("g/L", "g/L"),
    ("%", "%"),
    ("％", "%"),
    ("‰", "permille"),
    ("℃", "degC"),
    ("°C", "degC"),
    ("摄氏度", "degC"),
    ("K", "K"),
    ("mg/m³", "mg/m3"),
    ("mg/m3", "mg/m3"),
    ("μg/m³", "ug/m3"),
    ("CFU/g", "CFU/g"),
    ("cfu/g", "CFU/g"),
    ("CFU/mL", "CFU/mL"),
    ("CFU/100mL", "CFU/100mL"),
    ("MPN/100mL", "MPN/100mL"),
    ("MPN/g", "MPN/g"),
    ("dB(A)", "dB(A)"),
    ("dB（A）", "dB(A)"),
    ("dBA", "dB(A)"),
    ("dB", "dB"),
    ("MPa", "MPa"),
    ("兆帕", "MPa"),
    ("kPa", "kPa"),
    ("Pa", "Pa"),
    ("N", "N"),
    ("kN", "kN"),
    ("h", "h"),
    ("小时", "h"),
    ("min", "min"),
    ("分钟", "min"),
    ("s", "s"),
    ("秒", "s"),
    ("d", "d"),
    ("天", "d"),
    ("kWh", "kWh"),
    ("kW·h", "kWh"),
    ("千瓦时", "kWh"),
    ("W", "W"),
    ("kW", "kW"),
    ("mm", "mm"),
    ("cm", "cm"),
    ("m", "m"),
    ("μm", "um"),
    ("nm", "nm"),
    ("kg", "kg"),
    ("g", "g"),
    ("mg", "mg"),
    ("L", "L"),
    ("mL", "mL"),
    ("毫升", "mL"),
    ("个/L", "count/L"),
    ("个/mL", "count/mL"),
    ("pH", "pH"),
    ("无量纲", "dimensionless"),
    ("NTU", "NTU"),
    ("度", "degree"),
    ("mS/m", "mS/m"),
    ("μS/cm", "uS/cm"),
    ("Bq/L", "Bq/L"),
    ("mmol/L", "mmol/L"),
    ("%(体积分数)", "%vol"),
    ("/25g", "/25g"),
]


@pytest.mark.parametrize(("text", "symbol"), SPELLINGS)
def test_spelling_maps_to_symbol(text: str, symbol: str) -> None:
    assert unit_symbol(parse_unit(text)) == symbol


def test_cli_contract_symbols() -> None:
    written = [
        "mg/kg",
        "μg/kg",
        "mg/L",
        "mg/m³",
        "℃",
        "%",
        "‰",
        "CFU/g",
        "MPN/100mL",
        "dB(A)",
        "MPa",
        "h",
        "min",
        "kWh",
        "g/100g",
        "mg/100g",
    ]
    assert [unit_symbol(w) for w in written] == [
        "mg/kg",
        "ug/kg",
        "mg/L",
        "mg/m3",
        "degC",
        "%",
        "permille",
        "CFU/g",
        "MPN/100mL",
        "dB(A)",
        "MPa",
        "h",
        "min",
        "kWh",
        "g/100g",
        "mg/100g",
    ]


def test_variants_are_the_same_unit() -> None:
    assert parse_unit("μg/kg") == parse_unit("µg/kg") == parse_unit("ug/kg") == parse_unit("微克/千克")
    assert parse_unit("kWh") == parse_unit("kW·h") == parse_unit("千瓦时")
    assert parse_unit("％") == parse_unit("%")
    assert parse_unit("mg/100g") != parse_unit("g/kg")  # kept as written, even though convertible


@pytest.mark.parametrize("text", sorted({t for t, _ in SPELLINGS}))
def test_symbol_and_display_parse_back(text: str) -> None:
    unit = parse_unit(text)
    assert parse_unit(unit_symbol(unit)) == unit
    assert parse_unit(unit_display(unit)) == unit


def test_display_uses_standard_typography() -> None:
    assert [unit_display(u) for u in ("ug/kg", "degC", "permille", "mg/m3", "count/L", "dimensionless")] == [
        "μg/kg",
        "℃",
        "‰",
        "mg/m³",
        "个/L",
        "无量纲",
    ]


def test_qualifier_becomes_note() -> None:
    unit = parse_unit("mg/L (以N计)")
    assert (unit.symbol, unit.note) == ("mg/L", "以N计")
    assert parse_unit("mg/L（以N计）") == unit
    assert parse_unit("mg/L以N计") == unit
    assert unit != parse_unit("mg/L")
    assert same_dimension(unit, "mg/L")


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (20, "mg/100g", "g/kg", 0.2),
        (20, "mg/100g", "mg/kg", 200),
        (0.2, "g/kg", "mg/kg", 200),
        (0.1, "%", "g/kg", 1),
        (1, "‰", "%", 0.1),
        (1, "g/100g", "%", 1),
        (100, "μg/kg", "mg/kg", 0.1),
        (1, "mg/kg", "ug/kg", 1000),
        (20, "℃", "K", 293.15),
        (293.15, "K", "℃", 20),
        (-18, "℃", "K", 255.15),
        (68, "°F", "℃", 20),
        (1, "kWh", "MJ", 3.6),
        (1, "h", "min", 60),
        (1, "天", "h", 24),
        (1, "MPa", "kPa", 1000),
        (1, "kN", "N", 1000),
        (1, "mS/m", "μS/cm", 10),
        (1, "CFU/mL", "CFU/100mL", 100),
        (3, "MPN/100mL", "MPN/L", 30),
        (1, "mg/m³", "μg/m³", 1000),
        (1, "L", "mL", 1000),
        (1, "mmol/L", "mol/L", 0.001),
    ],
)
def test_convert(value: float, source: str, target: str, expected: float) -> None:
    assert convert(value, source, target) == pytest.approx(expected, rel=1e-12)


def test_convert_hides_binary_noise() -> None:
    assert convert(20, "mg/100g", "g/kg") == 0.2
    assert convert(68, "°F", "℃") == 20.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("mg/kg", "mg/L"),  # mass fraction against mass concentration
        ("CFU/g", "MPN/g"),
        ("CFU/mL", "个/mL"),
        ("pH", "%"),
        ("度", "NTU"),
        ("度", "pH"),
        ("dB", "dB(A)"),
        ("℃", "mg/L"),
        ("%(体积分数)", "%"),
        ("kWh", "kW"),
    ],
)
def test_different_dimensions(a: str, b: str) -> None:
    assert not same_dimension(a, b)
    with pytest.raises(UnitError) as caught:
        convert(1, a, b)
    assert "量纲不同" in caught.value.reason and "different dimensions" in caught.value.reason


def test_dimension_names_in_reasons() -> None:
    with pytest.raises(UnitError, match="质量分数.*质量浓度"):
        convert(1, "mg/kg", "mg/L")
    assert dimension_name("mg/100g") == "质量分数"
    assert dimension_name("mg/L", "en") == "mass concentration"


def test_mass_fractions_are_one_dimension() -> None:
    fractions = ["mg/kg", "μg/kg", "g/kg", "g/100g", "mg/100g", "%", "‰"]
    assert all(same_dimension(fractions[0], f) for f in fractions)
    assert same_dimension("pH", "无量纲")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("斤", "无法识别的单位"),
        ("xyz/kg", "无法识别的单位"),
        ("", "缺少单位"),
        ("mg/", "单位不完整"),
        ("MPNᵇ/100mL 或 CFUᶜ/100mL", "两种可选单位"),
        ("mm/m", "无量纲比值"),
    ],
)
def test_parse_errors_name_text_and_reason(text: str, reason: str) -> None:
    with pytest.raises(UnitError) as caught:
        parse_unit(text)
    assert caught.value.text == text
    assert reason in caught.value.reason
    assert repr(text) in str(caught.value)


def test_non_negative() -> None:
    assert is_non_negative("mg/kg") and is_non_negative("CFU/g") and is_non_negative("K")
    assert not is_non_negative("℃") and not is_non_negative("dB(A)")


def test_unit_is_hashable_value() -> None:
    assert len({parse_unit("mg/kg"), parse_unit("毫克/千克"), parse_unit("mg/L")}) == 2
    assert isinstance(parse_unit("mg/kg"), Unit)


GROUPS = [
    ["mg/kg", "μg/kg", "g/kg", "g/100g", "mg/100g", "%", "‰"],
    ["mg/L", "μg/L", "g/L", "mg/m³"],
    ["℃", "K", "°F"],
    ["h", "min", "s", "d"],
    ["CFU/mL", "CFU/100mL", "CFU/L"],
]


@settings(max_examples=150, deadline=None)
@given(
    group=st.sampled_from(GROUPS),
    data=st.data(),
    value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False),
)
def test_convert_round_trip(group: list[str], data: st.DataObject, value: float) -> None:
    a = data.draw(st.sampled_from(group))
    b = data.draw(st.sampled_from(group))
    back = convert(convert(value, a, b), b, a)
    assert math.isclose(back, value, rel_tol=1e-9, abs_tol=1e-6)


@pytest.mark.parametrize("text", ["kg400", "kg400/m3"])
def test_absurd_exponents_are_a_unit_error_not_a_crash(text):
    with pytest.raises(UnitError):
        parse_unit(text)

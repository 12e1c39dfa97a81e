"""Units of indicator limits: parsing the ways Chinese standards write them, and converting between them.

Built on one lazily created pint registry extended with the dimensions this field needs and pint lacks:
mass and volume fractions (so that ``mg/kg`` is not confused with a pH value), the counting units CFU, MPN
and 个 (each its own dimension, so ``CFU/g`` never compares with ``MPN/g``), turbidity (NTU), the
field-specific 度 (colour, hardness) and A-weighted sound levels.

A :class:`Unit` is identified by its ASCII ``symbol`` (the unit as the standard wrote it, not converted:
``mg/100g`` stays ``mg/100g``) and an optional ``note`` holding a stripped qualifier such as ``以N计``.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Unit",
    "UnitError",
    "convert",
    "dimension_name",
    "is_non_negative",
    "normalize_notation",
    "parse_unit",
    "same_dimension",
    "split_note",
    "unit_display",
    "unit_symbol",
]


class UnitError(ValueError):
    """A unit text that cannot be parsed, or a conversion between different dimensions."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"{text!r}: {reason}")


@dataclass(frozen=True)
class Unit:
    """A parsed unit. Equal units have the same ASCII symbol and note; the rest describes the unit."""

    symbol: str
    note: str | None = None
    display: str = field(default="", compare=False)
    dimension: str = field(default="", compare=False)
    # One of this unit expressed in the registry: ``magnitude`` × ``pint_units``.
    magnitude: float = field(default=1.0, compare=False, repr=False)
    pint_units: str = field(default="dimensionless", compare=False, repr=False)

    def __str__(self) -> str:
        return self.symbol


# --- the registry ------------------------------------------------------------------------------------------

# Custom base dimensions. Prefixed so they never collide with pint's own names.
_DEFINITIONS = (
    "nqi_mass_fraction = [nqi_mass_fraction]",
    "nqi_volume_fraction = [nqi_volume_fraction]",
    "nqi_cfu = [nqi_colony_count]",
    "nqi_mpn = [nqi_mpn_count]",
    "nqi_individual = [nqi_individual_count]",
    "nqi_ntu = [nqi_turbidity]",
    "nqi_field_degree = [nqi_field_degree]",
    "nqi_dba = [nqi_a_weighted_level]",
    "nqi_db = [nqi_level]",
)


@functools.cache
def _registry() -> Any:
    """The one pint registry; built on first use because building it costs a noticeable fraction of a second."""
    import pint  # deferred with the registry so importing this module stays cheap

    registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=False)
    for definition in _DEFINITIONS:
        registry.define(definition)
    return registry


# --- text normalisation ------------------------------------------------------------------------------------

_SUPERSCRIPTS = {
    "⁰": "0",
    "¹": "1",
    "²": "2",
    "³": "3",
    "⁴": "4",
    "⁵": "5",
    "⁶": "6",
    "⁷": "7",
    "⁸": "8",
    "⁹": "9",
    "⁻": "-",
    "⁺": "+",
}
_SUPERSCRIPT_RUN = re.compile("[" + "".join(_SUPERSCRIPTS) + "]+")
# Superscript letters in standards' tables are footnote markers ("MPNᵇ/100mL"), never part of a value.
_FOOTNOTE_MARKS = re.compile("[ᵃᵇᶜᵈᵉᶠ]")
_AFTER_NFKC = str.maketrans(
    {
        "−": "-",
        "≦": "≤",
        "≧": "≥",
        "⩽": "≤",
        "⩾": "≥",
        "≯": "≤",
        "≮": "≥",
        "〜": "~",
    }
)


def normalize_notation(text: str) -> str:
    """Fold full-width forms, micro signs, ℃ and superscripts (``10⁻³`` → ``10^-3``) to one plain spelling."""
    text = _FOOTNOTE_MARKS.sub("", text)
    # Superscripts go first: NFKC would turn "10²" into the number 102.
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^" + "".join(_SUPERSCRIPTS[c] for c in m.group()), text)
    text = unicodedata.normalize("NFKC", text).translate(_AFTER_NFKC)
    text = text.replace("<=", "≤").replace(">=", "≥").replace("=<", "≤").replace("=>", "≥")
    return re.sub(r"\s+", " ", text).strip()


# --- unit vocabulary ---------------------------------------------------------------------------------------

# Chinese names to ASCII atoms, applied longest first so that 千克 is not read as 千 + 克.
_CHINESE_NAMES = {
    "千瓦时": "kWh",
    "千瓦·时": "kWh",
    "千瓦小时": "kWh",
    "摄氏度": "degC",
    "华氏度": "degF",
    "无量纲": "dimensionless",
    "分贝(A)": "dB(A)",
    "分贝": "dB",
    "毫克": "mg",
    "微克": "ug",
    "纳克": "ng",
    "千克": "kg",
    "公斤": "kg",
    "克": "g",
    "吨": "t",
    "毫升": "mL",
    "微升": "uL",
    "升": "L",
    "立方米": "m3",
    "立方厘米": "cm3",
    "平方米": "m2",
    "平方厘米": "cm2",
    "纳米": "nm",
    "微米": "um",
    "毫米": "mm",
    "厘米": "cm",
    "分米": "dm",
    "千米": "km",
    "公里": "km",
    "米": "m",
    "小时": "h",
    "分钟": "min",
    "秒": "s",
    "天": "d",
    "日": "d",
    "千瓦": "kW",
    "瓦": "W",
    "兆帕": "MPa",
    "千帕": "kPa",
    "帕": "Pa",
    "千牛": "kN",
    "牛": "N",
    "兆焦": "MJ",
    "千焦": "kJ",
    "焦耳": "J",
    "焦": "J",
    "毫摩尔": "mmol",
    "微摩尔": "umol",
    "摩尔": "mol",
    "贝克勒尔": "Bq",
    "贝可": "Bq",
    "毫西门子": "mS",
    "微西门子": "uS",
    "个": "count",
    "每": "/",
    "度": "degree",
}
_CHINESE_NAME_RE = re.compile("|".join(re.escape(k) for k in sorted(_CHINESE_NAMES, key=len, reverse=True)))

# Atoms of compound units: ASCII symbol → (pint expression, display form).
_ATOMS: dict[str, tuple[str, str]] = {
    "ng": ("nanogram", "ng"),
    "ug": ("microgram", "μg"),
    "mg": ("milligram", "mg"),
    "g": ("gram", "g"),
    "kg": ("kilogram", "kg"),
    "t": ("metric_ton", "t"),
    "uL": ("microliter", "μL"),
    "mL": ("milliliter", "mL"),
    "L": ("liter", "L"),
    "nm": ("nanometer", "nm"),
    "um": ("micrometer", "μm"),
    "mm": ("millimeter", "mm"),
    "cm": ("centimeter", "cm"),
    "dm": ("decimeter", "dm"),
    "m": ("meter", "m"),
    "km": ("kilometer", "km"),
    "s": ("second", "s"),
    "min": ("minute", "min"),
    "h": ("hour", "h"),
    "d": ("day", "d"),
    "J": ("joule", "J"),
    "kJ": ("kilojoule", "kJ"),
    "MJ": ("megajoule", "MJ"),
    "Wh": ("watt * hour", "Wh"),
    "kWh": ("kilowatt * hour", "kWh"),
    "W": ("watt", "W"),
    "kW": ("kilowatt", "kW"),
    "MW": ("megawatt", "MW"),
    "Pa": ("pascal", "Pa"),
    "kPa": ("kilopascal", "kPa"),
    "MPa": ("megapascal", "MPa"),
    "N": ("newton", "N"),
    "kN": ("kilonewton", "kN"),
    "mol": ("mole", "mol"),
    "mmol": ("millimole", "mmol"),
    "umol": ("micromole", "μmol"),
    "Bq": ("becquerel", "Bq"),
    "S": ("siemens", "S"),
    "mS": ("millisiemens", "mS"),
    "uS": ("microsiemens", "μS"),
    "Hz": ("hertz", "Hz"),
    "kHz": ("kilohertz", "kHz"),
    "CFU": ("nqi_cfu", "CFU"),
    "MPN": ("nqi_mpn", "MPN"),
    "count": ("nqi_individual", "个"),
    # Inside a compound unit a temperature is always a difference (a heating rate in ℃/min).
    "degC": ("delta_degree_Celsius", "℃"),
    "K": ("kelvin", "K"),
}
# Spellings seen in the wild that are unambiguous; deliberately not a case-insensitive match (mPa ≠ MPa).
_ATOM_ALIASES = {
    "ml": "mL",
    "l": "L",
    "ul": "uL",
    "cfu": "CFU",
    "Cfu": "CFU",
    "mpn": "MPN",
    "Kg": "kg",
    "KG": "kg",
    "kwh": "kWh",
    "KWh": "kWh",
    "KWH": "kWh",
    "kWH": "kWh",
    "KW": "kW",
    "Kw": "kW",
    "Mpa": "MPa",
    "Kpa": "kPa",
    "KPa": "kPa",
    "KN": "kN",
    "hr": "h",
    "sec": "s",
    "bq": "Bq",
}

# Whole-unit symbols that are not compounds: ASCII symbol → (display, magnitude, pint units).
_SPECIALS: dict[str, tuple[str, float, str]] = {
    "%": ("%", 0.01, "nqi_mass_fraction"),
    "permille": ("‰", 0.001, "nqi_mass_fraction"),
    "%vol": ("%vol", 0.01, "nqi_volume_fraction"),
    "degC": ("℃", 1.0, "degree_Celsius"),
    "degF": ("℉", 1.0, "degree_Fahrenheit"),
    "K": ("K", 1.0, "kelvin"),
    "dB(A)": ("dB(A)", 1.0, "nqi_dba"),
    "dB": ("dB", 1.0, "nqi_db"),
    "pH": ("pH", 1.0, "dimensionless"),
    "dimensionless": ("无量纲", 1.0, "dimensionless"),
    "NTU": ("NTU", 1.0, "nqi_ntu"),
    "degree": ("度", 1.0, "nqi_field_degree"),
}
_SPECIAL_ALIASES = {
    "‰": "permille",
    "°C": "degC",
    "°F": "degF",
    "dBA": "dB(A)",
    "dB(a)": "dB(A)",
    "ntu": "NTU",
    "%(V/V)": "%vol",
    "%(v/v)": "%vol",
    "%VOL": "%vol",
    "%(m/m)": "%",
    "PH": "pH",
    "ph": "pH",
}
# Units whose values may legitimately be negative; everything else is a non-negative amount.
_SIGNED_UNITS = frozenset({"degree_Celsius", "degree_Fahrenheit", "nqi_db", "nqi_dba"})

_DIMENSION_NAMES = {
    "[nqi_mass_fraction]": ("质量分数", "mass fraction"),
    "[nqi_volume_fraction]": ("体积分数", "volume fraction"),
    "[mass] / [length] ** 3": ("质量浓度", "mass concentration"),
    "[substance] / [length] ** 3": ("物质的量浓度", "amount concentration"),
    "[temperature]": ("温度", "temperature"),
    "dimensionless": ("无量纲", "dimensionless"),
    "[mass]": ("质量", "mass"),
    "[length]": ("长度", "length"),
    "[length] ** 3": ("体积", "volume"),
    "[time]": ("时间", "time"),
    "[length] ** 2 * [mass] / [time] ** 2": ("能量", "energy"),
    "[length] ** 2 * [mass] / [time] ** 3": ("功率", "power"),
    "[mass] / [length] / [time] ** 2": ("压强", "pressure"),
    "[length] * [mass] / [time] ** 2": ("力", "force"),
    "[nqi_colony_count] / [mass]": ("菌落数/质量", "CFU per mass"),
    "[nqi_colony_count] / [length] ** 3": ("菌落数/体积", "CFU per volume"),
    "[nqi_mpn_count] / [mass]": ("MPN/质量", "MPN per mass"),
    "[nqi_mpn_count] / [length] ** 3": ("MPN/体积", "MPN per volume"),
    "[nqi_individual_count] / [length] ** 3": ("个数/体积", "count per volume"),
    "1 / [length] ** 3 / [time]": ("放射性活度浓度", "activity concentration"),
    "[current] ** 2 * [time] ** 3 / [length] ** 3 / [mass]": ("电导率", "conductivity"),
    "[nqi_turbidity]": ("浊度", "turbidity"),
    "[nqi_field_degree]": ("度（色度、硬度等）", "degree (colour, hardness…)"),
    "[nqi_a_weighted_level]": ("A 计权声级", "A-weighted sound level"),
    "[nqi_level]": ("分贝级", "level in dB"),
}

_QUALIFIER = re.compile(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)")
_TRAILING_BASIS = re.compile(r"(以[^()\s]+计)$")
_FACTOR = re.compile(r"(?P<num>\d+(?:\.\d+)?)?(?P<atom>[A-Za-z]+)(?:\^?(?P<exp>-?\d+))?")
_SUPERSCRIPT_DISPLAY = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _canonical_dimension(quantity: Any) -> str:
    # pint orders the factors of a dimensionality by insertion; sorting makes the key stable.
    dims = dict(quantity.dimensionality)
    if not dims:
        return "dimensionless"
    num = " * ".join(f"{d}" + (f" ** {p:g}" if p != 1 else "") for d, p in sorted(dims.items()) if p > 0)
    den = " / ".join(f"{d}" + (f" ** {-p:g}" if p != -1 else "") for d, p in sorted(dims.items()) if p < 0)
    return (num or "1") + (f" / {den}" if den else "")


def _make_unit(symbol: str, display: str, magnitude: float, pint_units: str, note: str | None) -> Unit:
    quantity = _registry().Quantity(1, pint_units)
    return Unit(
        symbol=symbol,
        note=note,
        display=display,
        dimension=_canonical_dimension(quantity),
        magnitude=magnitude,
        pint_units=pint_units,
    )


def split_note(text: str) -> tuple[str, str | None]:
    """Separate bracketed Chinese qualifiers and a trailing ``以…计`` from a unit text: (unit text, note)."""
    notes = [m.group(1).strip() for m in _QUALIFIER.finditer(text)]
    text = _QUALIFIER.sub("", text)
    trailing = _TRAILING_BASIS.search(text.strip())
    if trailing:
        notes.append(trailing.group(1))
        text = text.strip()[: trailing.start()]
    return text.strip(), ("；".join(notes) if notes else None)


def _parse_factor(token: str, original: str) -> tuple[str, str, str]:
    """One factor such as ``100mL`` or ``m3`` → (ASCII symbol, display, pint expression)."""
    match = _FACTOR.fullmatch(token)
    if not match:
        raise UnitError(original, f"无法识别的单位成分 {token!r} / unknown unit part {token!r}")
    num, atom, exp = match.group("num"), match.group("atom"), match.group("exp")
    atom = _ATOM_ALIASES.get(atom, atom)
    if atom not in _ATOMS:
        raise UnitError(original, f"无法识别的单位 {atom!r} / unknown unit {atom!r}")
    pint_name, atom_display = _ATOMS[atom]
    symbol = (num or "") + atom + (exp or "")
    display = (num or "") + atom_display + (exp.translate(_SUPERSCRIPT_DISPLAY) if exp else "")
    expression = f"({pint_name})" + (f" ** {exp}" if exp else "")
    if num:
        expression = f"({num} * {expression})"
    return symbol, display, expression


def _parse_product(text: str, original: str) -> tuple[list[str], list[str], list[str]]:
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    if not text:
        raise UnitError(original, "单位不完整 / incomplete unit")
    parts = [_parse_factor(token, original) for token in text.split("*")]
    return [p[0] for p in parts], [p[1] for p in parts], [p[2] for p in parts]


def _parse_compound(text: str, note: str | None, original: str) -> Unit:
    numerator, slash, rest = text.partition("/")
    denominators = rest.split("/") if slash else []
    if numerator in ("", "1") and denominators:
        # "/25g" (as in "0/25g") is a count per 25 g with the counted thing left implicit.
        num_symbols, num_display, num_expr = [numerator], [numerator], ["1"]
    else:
        num_symbols, num_display, num_expr = _parse_product(numerator, original)
    den_symbols: list[str] = []
    den_display: list[str] = []
    den_expr: list[str] = []
    for part in denominators:
        s, d, e = _parse_product(part, original)
        den_symbols += s
        den_display += d
        den_expr += e

    def joined(items: list[str], sep: str) -> str:
        return items[0] if len(items) == 1 else "(" + sep.join(items) + ")"

    symbol = "*".join(num_symbols) + ("/" + joined(den_symbols, "*") if den_symbols else "")
    display = "·".join(num_display) + ("/" + joined(den_display, "·") if den_display else "")
    expression = "(" + " * ".join(num_expr) + ")" + (" / (" + " * ".join(den_expr) + ")" if den_expr else "")
    registry = _registry()
    try:
        quantity = registry.parse_expression(expression)
    except Exception as exc:  # pint raises several unrelated types for a malformed expression
        raise UnitError(original, f"无法解析的单位表达式 / malformed unit expression ({exc})") from exc
    if quantity.dimensionless:
        # A ratio of like quantities becomes a fraction dimension of its own, so mg/kg never meets pH.
        numerator_dims = dict(registry.parse_expression(" * ".join(num_expr)).dimensionality)
        if numerator_dims == {"[mass]": 1}:
            fraction = "nqi_mass_fraction"
        elif numerator_dims == {"[length]": 3}:
            fraction = "nqi_volume_fraction"
        else:
            raise UnitError(original, "无法判断的无量纲比值 / a dimensionless ratio of unknown kind")
        return _make_unit(symbol, display, float(quantity.to("dimensionless").magnitude), fraction, note)
    return _make_unit(symbol, display, float(quantity.magnitude), str(quantity.units), note)


@functools.lru_cache(maxsize=4096)
def parse_unit(text: str) -> Unit:
    """Parse a unit as written in a standard (``毫克/千克``, ``μg/kg``, ``mg/L（以N计）``, ``℃``); raises UnitError."""
    if not isinstance(text, str):
        raise TypeError(f"unit text must be str, not {type(text).__name__}")
    original = text
    folded = normalize_notation(text)
    if " 或 " in f" {folded} " or "或" in folded:
        raise UnitError(original, "给出了两种可选单位 / two alternative units are given")
    body, note = split_note(folded)
    # A volume-fraction qualifier changes the unit itself, not just a note.
    if body in ("%", "％") and note in ("体积分数", "V/V"):
        body, note = "%vol", None
    elif body == "%" and note == "质量分数":
        note = None
    body = _CHINESE_NAME_RE.sub(lambda m: _CHINESE_NAMES[m.group()], body)
    body = body.replace("°C", "degC").replace("°F", "degF").replace("μ", "u")
    body = re.sub(r"[·•⋅]|(?<=[A-Za-z])\.(?=[A-Za-z])", "*", body)
    body = re.sub(r"\s+", "", body).replace("^", "")
    body = body.replace("kW*h", "kWh").replace("W*h", "Wh")
    if not body:
        raise UnitError(original, "缺少单位 / no unit given")
    if re.search(r"[\u4e00-\u9fff]", body):
        raise UnitError(original, f"无法识别的单位 {body!r} / unknown unit {body!r}")
    if body.lower() in ("ppm", "ppb"):
        raise UnitError(
            original,
            "ppm/ppb 含义不明确（质量分数还是体积分数），请写 mg/kg 或 mL/m3 等 / ppm and ppb "
            "are ambiguous (mass or volume fraction); write mg/kg, mL/m3 …",
        )
    special = _SPECIAL_ALIASES.get(body, body)
    if special in _SPECIALS:
        display, magnitude, pint_units = _SPECIALS[special]
        return _make_unit(special, display, magnitude, pint_units, note)
    try:
        return _parse_compound(_ATOM_ALIASES.get(body, body), note, original)
    except (OverflowError, ZeroDivisionError) as exc:
        # "kg400" reads as kg to the 400th power; the magnitude overflows rather than failing to parse.
        raise UnitError(original, f"无法解析的单位表达式 / malformed unit expression ({exc})") from exc


def _as_unit(unit: Unit | str) -> Unit:
    return unit if isinstance(unit, Unit) else parse_unit(unit)


def unit_symbol(unit: Unit | str) -> str:
    """The ASCII symbol of the CLI contract, as the standard wrote it: ``ug/kg``, ``degC``, ``permille``."""
    return _as_unit(unit).symbol


def unit_display(unit: Unit | str) -> str:
    """The typographic form used in standards (``μg/kg``, ``℃``, ``mg/m³``); parses back to the same unit."""
    return _as_unit(unit).display


def dimension_name(unit: Unit | str, lang: str = "zh") -> str:
    """A readable name of the unit's dimension (``质量分数`` / ``mass fraction``) for reasons shown to users."""
    dimension = _as_unit(unit).dimension
    names = _DIMENSION_NAMES.get(dimension)
    if names:
        return names[0] if lang == "zh" else names[1]
    return dimension.replace("nqi_", "")


def same_dimension(a: Unit | str, b: Unit | str) -> bool:
    """Whether values in the two units can be converted into each other."""
    return _as_unit(a).dimension == _as_unit(b).dimension


def is_non_negative(unit: Unit | str) -> bool:
    """Whether a value in this unit cannot be negative (false for temperatures in ℃/℉ and levels in dB)."""
    return _as_unit(unit).pint_units not in _SIGNED_UNITS


def convert(value: float, from_unit: Unit | str, to_unit: Unit | str) -> float:
    """Convert a value (an absolute one: 20 ℃ is 293.15 K); raises UnitError for different dimensions."""
    source, target = _as_unit(from_unit), _as_unit(to_unit)
    if source.dimension != target.dimension:
        raise UnitError(
            f"{source.symbol} → {target.symbol}",
            f"量纲不同（{dimension_name(source)}与{dimension_name(target)}），无法换算 / different dimensions "
            f"({dimension_name(source, 'en')} and {dimension_name(target, 'en')}), cannot convert",
        )
    if source.pint_units == target.pint_units and source.magnitude == target.magnitude:
        return float(value)
    quantity = _registry().Quantity(float(value) * source.magnitude, source.pint_units)
    result = float(quantity.to(target.pint_units).magnitude) / target.magnitude
    # Twelve significant digits hide binary noise (0.20000000000000004) without touching any real limit.
    return float(f"{result:.12g}") if math.isfinite(result) else result

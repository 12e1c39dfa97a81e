"""The shipped limit tables, registered with load-reference: GB 3838-2002 and GB/T 14848-2017.

The files are the machine-readable extraction of sm1lewc/Silence.Water (MIT), copied verbatim into
data/limit_tables/ (PROVENANCE.md there). Reading them follows the standards' own tables:

- GB 3838-2002: Table 1 items are stored per class Ⅰ类–Ⅴ类; pH 6～9 holds for every class (stored without a
  category, which means "all"); the single limits of Tables 2 and 3 apply to 集中式生活饮用水地表水源地, not to
  class Ⅰ as the source file labels them; 总磷 for 湖、库 and 总氮 (湖、库 only) carry that condition.
- GB/T 14848-2017: classes Ⅰ类–Ⅳ类 (Ⅴ类 is the complement of Ⅳ类 and is not in the file); pH Ⅳ类 is
  "5.5≤pH<6.5 或 8.5<pH≤9", two source limits stored as one requirement the engine cannot read (no
  disjunction kind), so parsed is null — as for 总大肠菌群, whose unit gives two alternatives.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nqihub.core.context import command_context
from nqihub.core.reference import Dataset

from .limits import LimitRow, load_limit_table
from .models import LimitRequirement

DATA_DIR = Path(__file__).resolve().parent / "data" / "limit_tables"
GB3838_FILE = DATA_DIR / "gb3838_2002_surface_water.json"
GBT14848_FILE = DATA_DIR / "gbt14848_2017_groundwater.json"
UPSTREAM = "sm1lewc/Silence.Water commit 3b8cbe97ee127f1e18850cdf7fb9420651a3c98d (MIT)"
LICENCE = "MIT (machine-readable extraction by sm1lewc/Silence.Water); the standards' text: 生态环境部, free"

DRINKING_WATER_SOURCE = "集中式生活饮用水地表水源地"
LAKES = "湖、库"
# GB 3838-2002 Table 2 (补充项目); every other single-limit item except pH is Table 3 (特定项目).
GB3838_SUPPLEMENTARY = frozenset({"硫酸盐", "氯化物", "硝酸盐", "铁", "锰"})
GB3838_EVERY_CLASS = frozenset({"pH值"})
# Source descriptions corrected to the standard's printed qualifier (listed in PROVENANCE.md).
GB3838_DESCRIPTIONS = {"硫酸盐": "以SO₄²⁻计"}
GBT14848_ROUTINE = 39  # Table 1 常规指标: the first 39 indicators of the file, ending with 总β放射性
_FOOTNOTE_MARKS = str.maketrans("", "", "ᵃᵇᶜᵈᵉᶠ")


def _limit_text(comparison: str, value: str, variable: str) -> str:
    """The requirement as the standard prints it, from the source's comparison type and value."""
    low, _sep, high = (value or "").partition("-")
    texts: dict[str, Callable[[], str]] = {
        "LessThanOrEqual": lambda: f"≤{value}",
        "GreaterThanOrEqual": lambda: f"≥{value}",
        "GreaterThan": lambda: f">{value}",
        "BetweenInclusive": lambda: f"{low}～{high}",
        # GB/T 14848 Table 1 prints the half-open pH classes as "5.5≤pH<6.5" and "8.5<pH≤9.0".
        "BetweenInclusiveMinExclusiveMax": lambda: f"{low}≤{variable}<{high}",
        "BetweenExclusiveMinInclusiveMax": lambda: f"{low}<{variable}≤{high}",
        "NotDetected": lambda: "不得检出",
        "TextMatch": lambda: value,
    }
    if comparison not in texts:
        raise ValueError(f"unknown comparison type {comparison!r} in a shipped limit table")
    return texts[comparison]()


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8-sig") as handle:
        return json.load(handle)


def _by_class(factor: dict[str, Any]) -> dict[str, str]:
    """Class → requirement text; two limits of one class (pH Ⅳ) are alternatives joined by 或."""
    found: dict[str, list[str]] = {}
    for limit in factor["Limits"]:
        text = _limit_text(limit["ComparisonType"], limit["LimitValue"], factor["FactorName"])
        found.setdefault(limit["WaterQualityClass"], []).append(text)
    return {cls: " 或 ".join(texts) for cls, texts in found.items()}


def gb3838_rows(path: Path = GB3838_FILE) -> list[LimitRow]:
    """The rows of GB 3838-2002 as stored (201: 23 Table 1 runs of five classes, pH, 85 single limits)."""
    rows = []
    for key, factor in _read(path).items():
        name = factor["FactorName"]
        description = GB3838_DESCRIPTIONS.get(name, factor["Description"]) or ""
        condition = LAKES if key.endswith("_湖库") or LAKES in description else ""
        description = description.replace(LAKES, "").strip("，, ")
        indicator = f"{name}({description})" if description else name
        unit = (factor["Unit"] or "").translate(_FOOTNOTE_MARKS)
        classes = _by_class(factor)
        if len(classes) > 1:
            for cls, text in classes.items():
                rows.append(LimitRow(indicator, text, f"{cls}类", condition, unit, "表1 基本项目"))
        elif name in GB3838_EVERY_CLASS:
            (text,) = classes.values()
            rows.append(LimitRow(indicator, text, "", condition, unit, "表1 基本项目，Ⅰ～Ⅴ类同一限值"))
        else:
            (text,) = classes.values()
            table = "表2 补充项目" if name in GB3838_SUPPLEMENTARY else "表3 特定项目"
            rows.append(LimitRow(indicator, text, DRINKING_WATER_SOURCE, condition, unit, table))
    return rows


def gbt14848_rows(path: Path = GBT14848_FILE) -> list[LimitRow]:
    """The rows of GB/T 14848-2017 as stored (372: 93 indicators × Ⅰ–Ⅳ类, pH Ⅳ类 as one row)."""
    factors = list(_read(path).values())
    if factors[GBT14848_ROUTINE - 1]["FactorName"] != "总β放射性":
        raise ValueError("GB/T 14848-2017 file: Table 1 (常规指标) no longer ends at the 39th indicator")
    rows = []
    for index, factor in enumerate(factors):
        description = factor["Description"] or ""
        name = factor["FactorName"]
        indicator = f"{name}({description})" if description else name
        unit = (factor["Unit"] or "").translate(_FOOTNOTE_MARKS)
        table = "表1 常规指标" if index < GBT14848_ROUTINE else "表2 非常规指标"
        for cls, text in _by_class(factor).items():
            rows.append(LimitRow(indicator, text, f"{cls}类", "", unit, table))
    return rows


def _source(number: str, title: str, upstream_path: str) -> str:
    return (
        f"{number}《{title}》限值的机读提取：{UPSTREAM}，文件 {upstream_path}；"
        "读取规则与改动见 nqihub/review/data/limit_tables/PROVENANCE.md"
    )


def _loader(number: str, title: str, upstream_path: str, rows: Callable[[Path], list[LimitRow]]):
    def load(paths: list[Path]) -> int:
        with command_context("load-reference"):
            result = load_limit_table(
                None,
                standard_number=number,
                title=title,
                source=_source(number, title, upstream_path),
                rows=rows(paths[0]),
            )
        return LimitRequirement.objects.filter(table=result.table).count()

    return load


GB3838_LIMITS = Dataset(
    name="limits_gb3838_2002",
    files=(GB3838_FILE,),
    model=LimitRequirement,
    build=None,
    source=f"GB 3838-2002 地表水环境质量标准 via {UPSTREAM}",
    licence=LICENCE,
    upsert=_loader(
        "GB 3838-2002", "地表水环境质量标准", "Silence.Water/SurfaceWater/Data/GB_3838_2002.json", gb3838_rows
    ),
)
GBT14848_LIMITS = Dataset(
    name="limits_gbt14848_2017",
    files=(GBT14848_FILE,),
    model=LimitRequirement,
    build=None,
    source=f"GB/T 14848-2017 地下水质量标准 via {UPSTREAM}",
    licence=LICENCE,
    upsert=_loader(
        "GB/T 14848-2017",
        "地下水质量标准",
        "Silence.Water/Groundwater/Data/GBT_14848_2017.json",
        gbt14848_rows,
    ),
)
DATASETS = (GB3838_LIMITS, GBT14848_LIMITS)

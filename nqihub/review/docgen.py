"""Generated enterprise standards (示例) as DOCX and PDF, shaped like GB/T 1.1-2020, for tests, the demo and the
review benchmark.

`standard_content(spec)` builds the standard once as a list of blocks and returns it with its ground truth
(chapters, references, indicators); `make_standard(spec)` renders it to DOCX (python-docx) or PDF
(WeasyPrint, font "Noto Sans CJK SC"). Everything is deterministic for a given spec and seed, and everything
generated says 示例: the enterprise name contains it and the foreword states it.

Nothing here imports Django, so a worker or a benchmark can use it without settings.
"""

from __future__ import annotations

import datetime
import html
import io
import math
import random
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from nqihub.review.intake import CHARS_PER_LINE, LINES_PER_PAGE, text_width

__all__ = [
    "DEFECTS",
    "DocumentSpec",
    "GeneratedIndicator",
    "StandardContent",
    "make_standard",
    "standard_content",
]

# What a spec can ask to get wrong, so that every review check has a document that fails it.
DEFECTS: dict[str, str] = {
    "drafting_rules_2009": "前言引用 GB/T 1.1-2009 的起草规则 / foreword cites the 2009 drafting rules",
    "no_drafting_sentence": "前言缺少起草规则说明 / foreword lacks the drafting-rules sentence",
    "no_foreword": "没有前言 / no foreword",
    "missing_method": "一个指标没有检验方法 / one indicator has no test method",
    "looser_limit": "一个限量宽于强制性标准 / one limit is looser than the mandatory standard",
    "withdrawn_reference": "引用已被代替的标准 / cites a superseded standard",
}

Product = Literal["food", "ceramic"]


@dataclass(frozen=True)
class DocumentSpec:
    """The knobs of a generated standard. `references=None` lists the defaults plus every method standard
    used; `n_indicators` is capped by the product's pool (food 41, ceramic 16)."""

    number: str = "Q/SLSP 0001—2025"
    title: str = "饼干"
    enterprise: str = "示例食品有限公司"
    product: Product = "food"
    format: Literal["docx", "pdf"] = "docx"
    references: tuple[tuple[str, str], ...] | None = None
    omit_chapter_3: bool = False
    defects: frozenset[str] = frozenset()
    n_indicators: int = 20
    target_pages: int = 20
    seed: int = 0
    published: datetime.date = datetime.date(2025, 3, 1)
    implemented: datetime.date = datetime.date(2025, 4, 1)
    replaces: str | None = "Q/SLSP 0001—2020"
    # Table layout: the unit written into the name cell ("铅(以Pb计)/(mg/kg)") or in its own 单位 column.
    unit_in_header: bool = True
    method_column: bool = True
    # Grade columns of the physico-chemical table, e.g. ("优级品", "合格品"); empty: one 指标 column.
    classes: tuple[str, ...] = ()
    table_of_contents: bool = True

    def __post_init__(self) -> None:
        unknown = set(self.defects) - set(DEFECTS)
        if unknown:
            raise ValueError(f"unknown defects {sorted(unknown)}; known: {sorted(DEFECTS)}")
        if self.product not in _POOLS:
            raise ValueError(f"unknown product {self.product!r}")
        if self.n_indicators < 1 or self.target_pages < 1:
            raise ValueError("n_indicators and target_pages must be positive")


@dataclass(frozen=True)
class GeneratedIndicator:
    """One indicator as written into the generated standard (the ground truth for intake)."""

    name: str
    requirement: str
    unit: str
    method: str
    group: str
    grade: str = ""


@dataclass
class StandardContent:
    """A generated standard before rendering, with what a correct intake must find in it."""

    spec: DocumentSpec
    blocks: list[object]
    chapters: dict[str, str]  # chapter number → title
    references: list[tuple[str, str]]  # chapter 2, as written
    body_references: list[str]  # numbers cited outside chapter 2 (as written), in order of first use
    indicators: list[GeneratedIndicator]
    drafting_edition: str | None  # "2020", "2009" or None when the sentence is absent
    estimated_pages: int = 0


# --- content pools -------------------------------------------------------------------------------------

# Real standard numbers and titles; a dated number is written with the em dash standards print.
_TITLES: dict[str, str] = {
    "GB/T 1.1": "标准化工作导则 第1部分：标准的结构和编写",
    "GB/T 191": "包装储运图示标志",
    "GB/T 317": "白砂糖",
    "GB/T 1355": "小麦粉",
    "GB 1886.2": "食品安全国家标准 食品添加剂 碳酸氢钠",
    "GB 2716": "食品安全国家标准 植物油",
    "GB 2721": "食品安全国家标准 食用盐",
    "GB 2760": "食品安全国家标准 食品添加剂使用标准",
    "GB 2762": "食品安全国家标准 食品中污染物限量",
    "GB 4789.2": "食品安全国家标准 食品微生物学检验 菌落总数测定",
    "GB 4789.3": "食品安全国家标准 食品微生物学检验 大肠菌群计数",
    "GB 4789.4": "食品安全国家标准 食品微生物学检验 沙门氏菌检验",
    "GB 4789.10": "食品安全国家标准 食品微生物学检验 金黄色葡萄球菌检验",
    "GB 4789.15": "食品安全国家标准 食品微生物学检验 霉菌和酵母计数",
    "GB 4806.1": "食品安全国家标准 食品接触材料及制品通用安全要求",
    "GB 4806.7": "食品安全国家标准 食品接触用塑料材料及制品",
    "GB 5009.3": "食品安全国家标准 食品中水分的测定",
    "GB 5009.4": "食品安全国家标准 食品中灰分的测定",
    "GB 5009.5": "食品安全国家标准 食品中蛋白质的测定",
    "GB 5009.6": "食品安全国家标准 食品中脂肪的测定",
    "GB 5009.8": "食品安全国家标准 食品中果糖、葡萄糖、蔗糖、麦芽糖、乳糖的测定",
    "GB 5009.9": "食品安全国家标准 食品中淀粉的测定",
    "GB 5009.11": "食品安全国家标准 食品中总砷及无机砷的测定",
    "GB 5009.12": "食品安全国家标准 食品中铅的测定",
    "GB 5009.14": "食品安全国家标准 食品中锌的测定",
    "GB 5009.15": "食品安全国家标准 食品中镉的测定",
    "GB 5009.17": "食品安全国家标准 食品中总汞及有机汞的测定",
    "GB 5009.22": "食品安全国家标准 食品中黄曲霉毒素B族和G族的测定",
    "GB 5009.27": "食品安全国家标准 食品中苯并(a)芘的测定",
    "GB 5009.28": "食品安全国家标准 食品中苯甲酸、山梨酸和糖精钠的测定",
    "GB 5009.34": "食品安全国家标准 食品中二氧化硫的测定",
    "GB 5009.35": "食品安全国家标准 食品中合成着色剂的测定",
    "GB 5009.88": "食品安全国家标准 食品中膳食纤维的测定",
    "GB 5009.90": "食品安全国家标准 食品中铁的测定",
    "GB 5009.91": "食品安全国家标准 食品中钾、钠的测定",
    "GB 5009.92": "食品安全国家标准 食品中钙的测定",
    "GB 5009.97": "食品安全国家标准 食品中环己基氨基磺酸盐的测定",
    "GB 5009.120": "食品安全国家标准 食品中丙酸钠、丙酸钙的测定",
    "GB 5009.121": "食品安全国家标准 食品中脱氢乙酸的测定",
    "GB 5009.123": "食品安全国家标准 食品中铬的测定",
    "GB 5009.138": "食品安全国家标准 食品中镍的测定",
    "GB 5009.182": "食品安全国家标准 食品中铝的测定",
    "GB 5009.227": "食品安全国家标准 食品中过氧化值的测定",
    "GB 5009.229": "食品安全国家标准 食品中酸价的测定",
    "GB 5749": "生活饮用水卫生标准",
    "GB/T 6543": "运输包装用单瓦楞纸箱和双瓦楞纸箱",
    "GB 7718": "食品安全国家标准 预包装食品标签通则",
    "GB 14880": "食品安全国家标准 食品营养强化剂使用标准",
    "GB 14881": "食品安全国家标准 食品生产通用卫生规范",
    "GB/T 20980": "饼干质量通则",
    "GB 28050": "食品安全国家标准 预包装食品营养标签通则",
    "GB 29921": "食品安全国家标准 预包装食品中致病菌限量",
    "JJF 1070": "定量包装商品净含量计量检验规则",
    "GB/T 2828.1": "计数抽样检验程序 第1部分：按接收质量限(AQL)检索的逐批检验抽样计划",
    "GB/T 3810.1": "陶瓷砖试验方法 第1部分：抽样和接收条件",
    "GB/T 3810.2": "陶瓷砖试验方法 第2部分：尺寸和表面质量的检验",
    "GB/T 3810.3": "陶瓷砖试验方法 第3部分：吸水率、显气孔率、表观相对密度和容重的测定",
    "GB/T 3810.4": "陶瓷砖试验方法 第4部分：断裂模数和破坏强度的测定",
    "GB/T 3810.6": "陶瓷砖试验方法 第6部分：无釉砖耐磨深度的测定",
    "GB/T 3810.9": "陶瓷砖试验方法 第9部分：抗热震性的测定",
    "GB/T 3810.10": "陶瓷砖试验方法 第10部分：湿膨胀的测定",
    "GB/T 3810.11": "陶瓷砖试验方法 第11部分：有釉砖抗釉裂性的测定",
    "GB/T 3810.12": "陶瓷砖试验方法 第12部分：抗冻性的测定",
    "GB/T 3810.13": "陶瓷砖试验方法 第13部分：耐化学腐蚀性的测定",
    "GB/T 3810.14": "陶瓷砖试验方法 第14部分：耐污染性的测定",
    "GB/T 3810.16": "陶瓷砖试验方法 第16部分：小色差的测定",
    "GB/T 4100": "陶瓷砖",
    "GB 6566": "建筑材料放射性核素限量",
    "GB/T 13891": "建筑饰面材料镜向光泽度测定方法",
}


@dataclass(frozen=True)
class _PoolItem:
    group: str
    name: str
    requirement: str
    unit: str
    method: str
    core: bool = False  # always chosen


_SENSORY_METHOD = "取适量试样置于洁净的白色瓷盘中，在自然光线下观察色泽和形态，嗅其气味，品尝滋味"

_FOOD_POOL: tuple[_PoolItem, ...] = (
    _PoolItem(
        "感官要求", "色泽", "呈棕黄色或金黄色，色泽基本均匀，表面略带光泽，无白粉", "", _SENSORY_METHOD, True
    ),
    _PoolItem("感官要求", "形态", "外形完整，花纹清晰，厚薄基本均匀，不收缩，不变形", "", _SENSORY_METHOD),
    _PoolItem("感官要求", "组织", "断面结构呈多孔状，细密，无大的孔洞", "", _SENSORY_METHOD),
    _PoolItem(
        "感官要求", "滋味与口感", "具有该品种应有的香味，无异味，口感酥松，不粘牙", "", _SENSORY_METHOD, True
    ),
    _PoolItem("感官要求", "杂质", "无正常视力可见外来异物", "", _SENSORY_METHOD),
    _PoolItem("理化指标", "水分", "≤6.0", "%", "GB 5009.3", True),
    _PoolItem("理化指标", "灰分", "≤1.5", "%", "GB 5009.4"),
    _PoolItem("理化指标", "蛋白质", "≥5.0", "g/100g", "GB 5009.5"),
    _PoolItem("理化指标", "脂肪", "≤30.0", "g/100g", "GB 5009.6"),
    _PoolItem("理化指标", "碱度(以碳酸钠计)", "≤0.4", "%", "GB/T 20980"),
    _PoolItem("理化指标", "酸价(以脂肪计)(KOH)", "≤5", "mg/g", "GB 5009.229"),
    _PoolItem("理化指标", "过氧化值(以脂肪计)", "≤0.25", "g/100g", "GB 5009.227"),
    _PoolItem("理化指标", "总糖(以蔗糖计)", "≤40.0", "%", "GB 5009.8"),
    _PoolItem("理化指标", "淀粉", "≥30.0", "%", "GB 5009.9"),
    _PoolItem("理化指标", "膳食纤维", "≥3.0", "g/100g", "GB 5009.88"),
    _PoolItem("理化指标", "钠", "≤800", "mg/100g", "GB 5009.91"),
    _PoolItem("理化指标", "钙", "≥200", "mg/100g", "GB 5009.92"),
    _PoolItem("理化指标", "铁", "≥3.0", "mg/100g", "GB 5009.90"),
    _PoolItem("理化指标", "锌", "≥1.5", "mg/100g", "GB 5009.14"),
    _PoolItem("污染物限量", "铅(以Pb计)", "0.2", "mg/kg", "GB 5009.12", True),
    _PoolItem("污染物限量", "总砷(以As计)", "0.5", "mg/kg", "GB 5009.11"),
    _PoolItem("污染物限量", "镉(以Cd计)", "0.1", "mg/kg", "GB 5009.15"),
    _PoolItem("污染物限量", "总汞(以Hg计)", "0.02", "mg/kg", "GB 5009.17"),
    _PoolItem("污染物限量", "铬(以Cr计)", "1.0", "mg/kg", "GB 5009.123"),
    _PoolItem("污染物限量", "镍(以Ni计)", "1.0", "mg/kg", "GB 5009.138"),
    _PoolItem("污染物限量", "苯并[a]芘", "5.0", "μg/kg", "GB 5009.27"),
    _PoolItem("污染物限量", "黄曲霉毒素B₁", "5.0", "μg/kg", "GB 5009.22"),
    _PoolItem("污染物限量", "铝的残留量(干样品，以Al计)", "100", "mg/kg", "GB 5009.182"),
    _PoolItem("污染物限量", "二氧化硫残留量", "0.1", "g/kg", "GB 5009.34"),
    _PoolItem("食品添加剂", "苯甲酸及其钠盐(以苯甲酸计)", "不得检出", "g/kg", "GB 5009.28"),
    _PoolItem("食品添加剂", "山梨酸及其钾盐(以山梨酸计)", "≤1.0", "g/kg", "GB 5009.28"),
    _PoolItem("食品添加剂", "糖精钠(以糖精计)", "不得检出", "g/kg", "GB 5009.28"),
    _PoolItem("食品添加剂", "环己基氨基磺酸钠(以环己基氨基磺酸计)", "不得检出", "g/kg", "GB 5009.97"),
    _PoolItem("食品添加剂", "脱氢乙酸及其钠盐(以脱氢乙酸计)", "≤0.5", "g/kg", "GB 5009.121"),
    _PoolItem("食品添加剂", "丙酸及其钠盐、钙盐(以丙酸计)", "≤2.5", "g/kg", "GB 5009.120"),
    _PoolItem("食品添加剂", "合成着色剂", "不得检出", "", "GB 5009.35"),
    _PoolItem("微生物限量", "菌落总数", "n=5,c=2,m=10⁴,M=10⁵", "CFU/g", "GB 4789.2", True),
    _PoolItem("微生物限量", "大肠菌群", "n=5,c=2,m=10,M=10²", "CFU/g", "GB 4789.3", True),
    _PoolItem("微生物限量", "霉菌", "≤50", "CFU/g", "GB 4789.15"),
    _PoolItem("微生物限量", "沙门氏菌", "n=5,c=0,m=0/25g", "", "GB 4789.4"),
    _PoolItem("微生物限量", "金黄色葡萄球菌", "n=5,c=1,m=100,M=1000", "CFU/g", "GB 4789.10"),
)

_CERAMIC_POOL: tuple[_PoolItem, ...] = (
    _PoolItem("外观质量", "表面质量", "至少95%的砖距0.8 m远处垂直观察表面无缺陷", "", "GB/T 3810.2", True),
    _PoolItem("外观质量", "抗釉裂性", "经抗釉裂性试验后釉面应无裂纹或剥落", "", "GB/T 3810.11"),
    _PoolItem("物理性能", "吸水率", "≤0.5", "%", "GB/T 3810.3", True),
    _PoolItem("物理性能", "破坏强度(厚度≥7.5 mm)", "≥1300", "N", "GB/T 3810.4", True),
    _PoolItem("物理性能", "断裂模数", "≥35", "MPa", "GB/T 3810.4"),
    _PoolItem("物理性能", "无釉砖耐磨深度", "≤175", "mm³", "GB/T 3810.6"),
    _PoolItem("物理性能", "湿膨胀", "≤0.06", "%", "GB/T 3810.10"),
    _PoolItem("物理性能", "抗热震性", "经10次抗热震性试验不出现炸裂或裂纹", "", "GB/T 3810.9"),
    _PoolItem("物理性能", "抗冻性", "经抗冻性试验后应无裂纹或剥落", "", "GB/T 3810.12"),
    _PoolItem("物理性能", "光泽度", "≥85", "", "GB/T 13891"),
    _PoolItem("物理性能", "小色差", "≤0.75", "", "GB/T 3810.16"),
    _PoolItem("化学性能", "耐低浓度酸和碱", "不低于ULB级", "", "GB/T 3810.13"),
    _PoolItem("化学性能", "耐家庭化学试剂和游泳池盐类", "不低于B级", "", "GB/T 3810.13"),
    _PoolItem("化学性能", "耐污染性", "不低于3级", "", "GB/T 3810.14"),
    _PoolItem("放射性", "内照射指数(IRa)", "≤1.0", "", "GB 6566", True),
    _PoolItem("放射性", "外照射指数(Iγ)", "≤1.3", "", "GB 6566"),
)

_POOLS: dict[str, tuple[_PoolItem, ...]] = {"food": _FOOD_POOL, "ceramic": _CERAMIC_POOL}

# Limits in these groups are written as a bare value under a "≤" in the name cell, the way GB 2762 does.
_LIMIT_GROUPS = ("污染物限量",)

_BASE_REFERENCES: dict[str, tuple[str, ...]] = {
    "food": (
        "GB/T 191—2008",
        "GB/T 317",
        "GB/T 1355",
        "GB 2716",
        "GB 2721",
        "GB 2760",
        "GB 2762",
        "GB 4806.7",
        "GB 5749",
        "GB/T 6543",
        "GB 7718",
        "GB 14881",
        "GB 28050",
        "GB 29921",
        "JJF 1070",
    ),
    "ceramic": ("GB/T 191—2008", "GB/T 3810.1", "GB/T 4100", "GB 6566", "GB/T 2828.1", "GB/T 6543"),
}

_WITHDRAWN: dict[str, tuple[str, str]] = {
    # (the dated superseded number, the undated default it replaces in the list)
    "food": ("GB 2760—2011", "GB 2760"),
    "ceramic": ("GB/T 4100—2006", "GB/T 4100"),
}

_LOOSER: dict[str, tuple[str, str]] = {
    # indicator → a limit above the mandatory one (GB 2762: lead in 焙烤食品 0.5 mg/kg; GB 6566: IRa ≤ 1.0)
    "food": ("铅(以Pb计)", "1.0"),
    "ceramic": ("内照射指数(IRa)", "≤1.5"),
}

DRAFTING_2020 = "本文件按照GB/T 1.1—2020《标准化工作导则 第1部分：标准化文件的结构和起草规则》的规定起草。"
DRAFTING_2009 = "本标准按照GB/T 1.1—2009给出的规则起草。"

_RAW_MATERIALS: dict[str, tuple[tuple[str, str], ...]] = {
    "food": (
        ("小麦粉", "GB/T 1355"),
        ("白砂糖", "GB/T 317"),
        ("食用植物油", "GB 2716"),
        ("食用盐", "GB 2721"),
        ("生产用水", "GB 5749"),
    ),
    "ceramic": (),
}

# Sentences for the long parts of a standard (methods in annexes, inspection rules, process control).
_METHOD_PRINCIPLES = (
    "试样经前处理后，用{instrument}测定{name}，以标准曲线法定量。",
    "在规定条件下将试样{treatment}，按质量损失计算{name}的含量。",
    "试样中的{name}经提取、净化后，用{instrument}检测，外标法定量。",
    "利用{name}在特定波长下的吸收特性，以{instrument}测定其吸光度，与标准系列比较定量。",
)
_INSTRUMENTS = (
    "原子吸收光谱仪",
    "电感耦合等离子体质谱仪",
    "高效液相色谱仪",
    "气相色谱仪",
    "紫外可见分光光度计",
    "电热恒温干燥箱",
    "马弗炉",
    "电子天平(感量0.1 mg)",
)
_TREATMENTS = ("于(103±2)℃干燥至恒重", "于(550±25)℃灼烧至恒重", "经酸消解", "经微波消解", "经索氏抽提")
_REAGENTS = (
    "硝酸(HNO₃)：优级纯。",
    "盐酸(HCl)：优级纯。",
    "过氧化氢(H₂O₂)：30%。",
    "甲醇(CH₃OH)：色谱纯。",
    "乙腈(CH₃CN)：色谱纯。",
    "氢氧化钠(NaOH)：分析纯。",
    "无水硫酸钠(Na₂SO₄)：于650℃灼烧4 h，冷却后贮于密闭容器中。",
    "石油醚：沸程30℃～60℃。",
    "标准储备液(1000 mg/L)：购自有证标准物质生产单位。",
)
_STEPS = (
    "称取试样{mass} g(精确至0.001 g)于消解罐中，加入硝酸5 mL，按仪器操作规程进行消解。",
    "消解完毕后冷却，用水转移并定容至{volume} mL，混匀备用，同时做试剂空白试验。",
    "吸取标准储备液，用稀释液逐级稀释，配制成不少于5个浓度点的标准系列溶液。",
    "将标准系列溶液按浓度由低到高的顺序依次注入仪器，以响应值为纵坐标、浓度为横坐标绘制标准曲线。",
    "在与测定标准溶液相同的条件下，将空白溶液和试样溶液分别注入仪器，测定其响应值。",
    "平行测定两次，取算术平均值，结果保留两位有效数字。",
    "将称量瓶置于干燥箱中干燥1 h，取出放入干燥器内冷却0.5 h后称量，重复干燥至前后两次质量差不超过2 mg。",
)
_PRECISION = (
    "在重复性条件下获得的两次独立测定结果的绝对差值不得超过算术平均值的10%。",
    "在重复性条件下获得的两次独立测定结果的绝对差值不得超过算术平均值的20%。",
    "在重复性条件下获得的两次独立测定结果的绝对差值不得超过算术平均值的5%。",
)
_PROCESS_STEPS = (
    ("原料验收", "原料质量", "索证索票、感官检查", "每批"),
    ("配料", "配料比例", "称量复核", "每批"),
    ("和面", "面团温度", "温度计测量", "每班2次"),
    ("成型", "饼坯质量", "抽样称量", "每30 min"),
    ("烘烤", "炉温、时间", "自动记录仪", "连续"),
    ("冷却", "饼干中心温度", "温度计测量", "每班2次"),
    ("内包装", "封口质量、净含量", "目测、称量", "每30 min"),
    ("金属检测", "金属异物", "金属检测机", "连续"),
    ("外包装", "标签标识", "目测", "每批"),
    ("清洗消毒", "消毒液浓度", "试纸检测", "每班1次"),
)
_CERAMIC_STEPS = (
    ("原料进厂", "化学成分", "X射线荧光分析", "每批"),
    ("球磨", "泥浆细度", "万孔筛余", "每球"),
    ("喷雾干燥", "粉料水分", "快速水分仪", "每2 h"),
    ("压制成型", "坯体厚度", "游标卡尺", "每30 min"),
    ("干燥", "坯体残余水分", "称量法", "每班2次"),
    ("施釉", "釉浆比重", "比重杯", "每2 h"),
    ("烧成", "烧成温度曲线", "热电偶、记录仪", "连续"),
    ("磨边抛光", "尺寸、直角度", "卡尺、直角尺", "每30 min"),
    ("分级", "表面质量", "目测", "逐片"),
    ("包装", "数量、标识", "目测", "每批"),
)


# --- blocks --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cover:
    number: str
    replaces: str | None
    title: str
    english: str
    enterprise: str
    published: datetime.date
    implemented: datetime.date
    code: str  # the enterprise code line on top ("Q/SLSP")


@dataclass(frozen=True)
class _Heading:
    level: int  # 0 前言/目次, 1 chapter or annex, 2… clauses
    number: str
    title: str
    annex_kind: str = ""  # 规范性 / 资料性 for an annex


@dataclass(frozen=True)
class _Text:
    text: str
    style: Literal["body", "clause", "item", "ref", "note", "center", "title", "right"] = "body"
    number: str = ""  # a titleless clause's number


@dataclass(frozen=True)
class _Grid:
    caption: str
    rows: tuple[tuple[str, ...], ...]
    header_rows: int = 1
    merges: tuple[tuple[int, int, int, int], ...] = ()  # (row0, col0, row1, col1), inclusive
    unit_note: str = ""


@dataclass(frozen=True)
class _PageBreak:
    pass


@dataclass(frozen=True)
class _Contents:
    pass


# --- building the content --------------------------------------------------------------------------------


def _choose_indicators(spec: DocumentSpec, rng: random.Random) -> list[_PoolItem]:
    pool = _POOLS[spec.product]
    count = min(spec.n_indicators, len(pool))
    core = [item for item in pool if item.core]
    rest = [item for item in pool if not item.core]
    chosen = set(core[:count]) | set(rng.sample(rest, max(0, count - len(core))))
    return [item for item in pool if item in chosen]


def _graded(requirement: str, classes: Sequence[str], index: int) -> str:
    """The requirement of grade `index` (0 = the best): the pool value is the lowest grade's, and each grade
    above it is 15 % stricter."""
    if not classes or requirement[:1] not in ("≤", "≥"):
        return requirement
    op, value = requirement[0], requirement[1:]
    decimals = len(value.split(".")[1]) if "." in value else 0
    steps = len(classes) - 1 - index
    scaled = float(value) * (1 - 0.15 * steps if op == "≤" else 1 + 0.15 * steps)
    return f"{op}{scaled:.{max(decimals, 1) if steps else decimals}f}"


class _Builder:
    def __init__(self, spec: DocumentSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.blocks: list[object] = []
        self.chapters: dict[str, str] = {}
        self.body_refs: list[str] = []
        self.indicators: list[GeneratedIndicator] = []
        self.table_count = 0

    def add(self, block: object) -> None:
        self.blocks.append(block)

    def chapter(self, number: str, title: str) -> None:
        self.chapters[number] = title
        self.add(_Heading(1, number, title))

    def clause(self, number: str, title: str) -> None:
        self.add(_Heading(number.count(".") + 1, number, title))

    def text(self, text: str, style: str = "body", number: str = "") -> None:
        self.add(_Text(text, style, number))  # type: ignore[arg-type]

    def cite(self, number: str) -> str:
        if number not in self.body_refs:
            self.body_refs.append(number)
        return number

    def table(self, title: str, rows: list[tuple[str, ...]], header_rows: int = 1, merges=(), unit_note=""):
        self.table_count += 1
        self.add(_Grid(f"表{self.table_count} {title}", tuple(rows), header_rows, tuple(merges), unit_note))


def _estimate_lines(block: object) -> float:
    width = CHARS_PER_LINE
    if isinstance(block, _Text):
        return max(1, math.ceil(text_width(block.text) / width)) + 0.1
    if isinstance(block, _Heading):
        return 2.0 if block.level <= 1 else 1.6
    if isinstance(block, _Grid):
        lines = 2.0  # caption and spacing
        ncols = max(len(row) for row in block.rows)
        for row in block.rows:
            tallest = (
                max(math.ceil(text_width(cell) / max(4, width / ncols - 2)) for cell in row) if row else 1
            )
            lines += 0.3 + max(1, tallest)
        return lines
    return 0.0


def standard_content(spec: DocumentSpec) -> StandardContent:
    """Build the generated standard's blocks and the facts an intake must recover from it."""
    b = _Builder(spec)
    rng = b.rng
    product = spec.product
    indicators = _choose_indicators(spec, rng)
    missing_method = (
        rng.choice([i.name for i in indicators if i.group != "感官要求"])
        if "missing_method" in spec.defects
        else None
    )
    looser_name, looser_value = _LOOSER[product]

    methods_used = sorted(
        {i.method for i in indicators if i.method[:2] in ("GB", "JJ") and i.name != missing_method}
    )
    references = (
        list(spec.references) if spec.references is not None else _default_references(spec, methods_used)
    )

    code = spec.number.split(" ")[0]
    b.add(
        _Cover(
            spec.number,
            spec.replaces,
            spec.title,
            {"food": "Biscuit", "ceramic": "Ceramic tiles"}[product],
            spec.enterprise,
            spec.published,
            spec.implemented,
            code,
        )
    )
    b.add(_PageBreak())
    if spec.table_of_contents:
        b.add(_Contents())
        b.add(_PageBreak())

    drafting: str | None = None
    if "no_foreword" not in spec.defects:
        b.add(_Heading(0, "", "前言"))
        if "no_drafting_sentence" not in spec.defects:
            if "drafting_rules_2009" in spec.defects:
                b.text(DRAFTING_2009)
                drafting = "2009"
            else:
                b.text(DRAFTING_2020)
                drafting = "2020"
        if spec.replaces:
            b.text(
                f"本文件代替{spec.replaces}，与{spec.replaces}相比，除结构调整和编辑性改动外，主要技术变化如下："
            )
            b.text("——更改了理化指标中水分的要求(见表2，2020年版的表2)；", "item")
            b.text("——增加了污染物限量的要求(见4.4)；", "item")
            b.text("——删除了附录C(见2020年版的附录C)。", "item")
        b.text("请注意本文件的某些内容可能涉及专利。本文件的发布机构不承担识别专利的责任。")
        b.text(f"本文件由{spec.enterprise}提出并起草。")
        b.text("本文件主要起草人：示例甲、示例乙、示例丙。")
        b.text("本文件为示例数据，由NQI Hub自动生成，仅用于测试与演示。")
        b.add(_PageBreak())

    b.text(spec.title, "title")
    # 1 范围
    chapter = 1
    b.chapter(str(chapter), "范围")
    scope_subject = {"food": "饼干", "ceramic": "陶瓷砖"}[product]
    b.text(
        f"本文件规定了{spec.title}的要求、试验方法、检验规则、标志、包装、运输和贮存，描述了相应的试验方法。"
    )
    b.text(
        f"本文件适用于以{'小麦粉、食糖、油脂等为主要原料，经调粉、成型、烘烤等工艺制成的' if product == 'food' else '黏土和其他无机非金属原料经成型、高温烧成等工艺制成的'}{scope_subject}的生产、检验和销售。"
    )
    # 2 规范性引用文件
    chapter += 1
    b.chapter(str(chapter), "规范性引用文件")
    b.text(
        "下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，"
        "仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本(包括所有的修改单)适用于本文件。"
    )
    for number, title in references:
        b.text(f"{number}　{title}", "ref")
    # 3 术语和定义
    if not spec.omit_chapter_3:
        chapter += 1
        b.chapter(str(chapter), "术语和定义")
        if product == "food":
            b.text("GB/T 20980界定的以及下列术语和定义适用于本文件。")
            b.cite("GB/T 20980")
            b.clause(f"{chapter}.1", "酥性饼干")
            b.text(
                "以小麦粉、糖、油脂为主要原料，加入疏松剂和其他辅料，经冷粉工艺调粉、辊压或不辊压、成型、烘烤制成的表面花纹多为凸花，断面结构呈多孔状组织，口感酥松或松脆的饼干。"
            )
        else:
            b.text("GB/T 4100界定的术语和定义适用于本文件。")
            b.cite("GB/T 4100")
    # 4 要求
    chapter += 1
    req = str(chapter)
    b.chapter(req, "要求")
    clause_no = 0
    materials = _RAW_MATERIALS[product]
    if materials:
        clause_no += 1
        b.clause(f"{req}.{clause_no}", "原料要求")
        for k, (name, number) in enumerate(materials, 1):
            b.text(
                f"{req}.{clause_no}.{k}　{name}应符合{b.cite(number)}的规定。",
                "clause",
                f"{req}.{clause_no}.{k}",
            )
        b.text(
            f"{req}.{clause_no}.{len(materials) + 1}　其他原料应符合相应的食品安全国家标准和有关规定。",
            "clause",
            f"{req}.{clause_no}.{len(materials) + 1}",
        )
    groups: dict[str, list[_PoolItem]] = {}
    for item in indicators:
        groups.setdefault(item.group, []).append(item)
    method_clauses: list[tuple[str, _PoolItem]] = []
    for group, items in groups.items():
        clause_no += 1
        number = f"{req}.{clause_no}"
        b.clause(number, group)
        table_no = b.table_count + 1
        b.text(f"{number}.1　{group}应符合表{table_no}的规定。", "clause", f"{number}.1")
        _indicator_table(b, spec, group, items, missing_method, looser_name, looser_value)
    if product == "food":
        clause_no += 1
        b.text(
            f"{req}.{clause_no}　食品添加剂和食品营养强化剂的使用应符合{b.cite('GB 2760')}和GB 14880的规定。",
            "clause",
            f"{req}.{clause_no}",
        )
        b.cite("GB 14880")
        clause_no += 1
        b.text(
            f"{req}.{clause_no}　净含量应符合《定量包装商品计量监督管理办法》的规定。",
            "clause",
            f"{req}.{clause_no}",
        )
        clause_no += 1
        b.text(
            f"{req}.{clause_no}　生产加工过程的卫生要求应符合{b.cite('GB 14881')}的规定。",
            "clause",
            f"{req}.{clause_no}",
        )
    # 5 试验方法
    chapter += 1
    tm = str(chapter)
    b.chapter(tm, "试验方法")
    k = 0
    sensory = [i for i in indicators if i.group in ("感官要求", "外观质量")]
    if sensory:
        k += 1
        b.clause(f"{tm}.{k}", sensory[0].group)
        b.text(_SENSORY_METHOD + "。" if product == "food" else "在自然光下距砖面0.8 m处垂直目测观察。")
    for item in indicators:
        if item in sensory or item.name == missing_method:
            continue
        k += 1
        method = item.method
        if method.startswith(("GB", "JJ")):
            sentence = f"按{b.cite(method)}规定的方法测定。"
        else:
            sentence = f"按{method}规定的方法测定。"
        b.clause(f"{tm}.{k}", _short_name(item.name))
        b.text(sentence)
        method_clauses.append((f"{tm}.{k}", item))
    if product == "food":
        k += 1
        b.text(f"{tm}.{k}　净含量　按{b.cite('JJF 1070')}规定的方法测定。", "clause", f"{tm}.{k}")
    # 6 检验规则
    chapter += 1
    ir = str(chapter)
    b.chapter(ir, "检验规则")
    b.clause(f"{ir}.1", "组批")
    b.text("同一班次、同一生产线生产的同一品种、同一规格的产品为一批。")
    b.clause(f"{ir}.2", "抽样")
    b.text(
        f"按{b.cite('GB/T 2828.1')}的规定，采用正常检验一次抽样方案，一般检验水平Ⅱ。样本量见表{b.table_count + 1}。"
    )
    b.table(
        "抽样数量",
        [("批量范围/件", "样本量/件", "检验用/件", "留样/件")]
        + [
            (f"{lo}～{hi}", str(n), str(n // 2), str(n - n // 2))
            for lo, hi, n in ((1, 500, 6), (501, 1200, 8), (1201, 3200, 10), (3201, 10000, 12))
        ],
    )
    b.clause(f"{ir}.3", "出厂检验")
    b.text(f"{ir}.3.1　每批产品应经检验合格并附合格证方可出厂。", "clause", f"{ir}.3.1")
    factory = [_short_name(i.name) for i in indicators[:6]]
    b.text(f"{ir}.3.2　出厂检验项目为{'、'.join(factory)}和净含量。", "clause", f"{ir}.3.2")
    b.clause(f"{ir}.4", "型式检验")
    b.text(
        f"{ir}.4.1　型式检验项目为本文件第{req}章规定的全部项目。有下列情况之一时应进行型式检验：",
        "clause",
        f"{ir}.4.1",
    )
    for letter, case in zip(
        "abcde",
        (
            "新产品投产时；",
            "原料、配方、工艺有较大改变，可能影响产品质量时；",
            "停产六个月以上恢复生产时；",
            "出厂检验结果与上次型式检验结果有较大差异时；",
            "正常生产时，每半年进行一次。",
        ),
        strict=True,
    ):
        b.text(f"{letter})　{case}", "item")
    rows = [("序号", "检验项目", "出厂检验", "型式检验", "要求的章条号", "试验方法的章条号")]
    for n, (clause, item) in enumerate(method_clauses[:12], 1):
        rows.append(
            (
                str(n),
                _short_name(item.name),
                "√" if n <= 6 else "—",
                "√",
                f"{req}.{2 if materials else 1}",
                clause,
            )
        )
    b.text(f"{ir}.4.2　检验项目见表{b.table_count + 1}。", "clause", f"{ir}.4.2")
    b.table("检验项目", rows)
    b.clause(f"{ir}.5", "判定规则")
    b.text(f"{ir}.5.1　检验项目全部符合本文件规定时，判该批产品为合格品。", "clause", f"{ir}.5.1")
    b.text(
        f"{ir}.5.2　检验项目中微生物指标有一项不符合本文件规定时，判该批产品为不合格品，不得复检；其他项目不符合本文件规定时，"
        "可在同批产品中加倍抽样复检，复检结果全部符合本文件规定时判为合格品，否则判为不合格品。",
        "clause",
        f"{ir}.5.2",
    )
    # 7 标志、包装、运输和贮存
    chapter += 1
    mk = str(chapter)
    b.chapter(mk, "标志、包装、运输和贮存")
    b.clause(f"{mk}.1", "标志")
    if product == "food":
        b.text(
            f"{mk}.1.1　产品标签应符合{b.cite('GB 7718')}和{b.cite('GB 28050')}的规定。",
            "clause",
            f"{mk}.1.1",
        )
    b.text(f"{mk}.1.2　包装储运图示标志应符合{b.cite('GB/T 191')}的规定。", "clause", f"{mk}.1.2")
    b.clause(f"{mk}.2", "包装")
    if product == "food":
        b.text(f"包装材料应符合{b.cite('GB 4806.7')}的规定，外包装纸箱应符合{b.cite('GB/T 6543')}的规定。")
    else:
        b.text(f"产品应采用纸箱或托盘包装，纸箱应符合{b.cite('GB/T 6543')}的规定，包装应牢固、防潮。")
    b.clause(f"{mk}.3", "运输")
    b.text("运输工具应清洁、卫生、干燥，运输时应防止日晒、雨淋，不得与有毒、有害、有异味的物品混装混运。")
    b.clause(f"{mk}.4", "贮存")
    b.text("产品应贮存在阴凉、干燥、通风、清洁的库房内，离地离墙各10 cm以上，不得与有毒、有害物品同库存放。")
    if product == "food":
        b.clause(f"{mk}.5", "保质期")
        b.text("在符合本文件规定的运输和贮存条件下，产品自生产之日起保质期为12个月。")

    # Annexes until the layout model reaches the target page count.
    annex_letters = iter("ABCDEFGHJKLMNPQRSTUVWXYZ")
    methods_for_annex = [
        item for item in indicators if item.method.startswith("GB") and item not in sensory
    ] or indicators
    round_robin = 0
    while True:
        pages = _estimate_pages(b.blocks)
        if pages >= spec.target_pages:
            break
        letter = next(annex_letters, None)
        if letter is None:
            break
        b.add(_PageBreak())
        if round_robin % 3 == 2:
            _process_annex(b, letter, product)
        else:
            item = methods_for_annex[round_robin % len(methods_for_annex)]
            _method_annex(b, letter, item, rng, remaining_lines=(spec.target_pages - pages) * LINES_PER_PAGE)
        round_robin += 1

    return StandardContent(
        spec=spec,
        blocks=b.blocks,
        chapters=b.chapters,
        references=references,
        body_references=b.body_refs,
        indicators=b.indicators,
        drafting_edition=drafting,
        estimated_pages=_estimate_pages(b.blocks),
    )


def _default_references(spec: DocumentSpec, methods_used: Iterable[str]) -> list[tuple[str, str]]:
    numbers = list(_BASE_REFERENCES[spec.product]) + [m for m in methods_used]
    if spec.product == "food":
        numbers += ["GB 14880", "GB/T 2828.1", "GB/T 20980"]
    if "withdrawn_reference" in spec.defects:
        old, current = _WITHDRAWN[spec.product]
        numbers = [old if n == current else n for n in numbers]
    if "drafting_rules_2009" in spec.defects:
        numbers.append("GB/T 1.1—2009")

    def order(number: str) -> tuple[int, tuple[int, ...]]:
        # GB/T 1.1-2020 8.6.3: national standards first (GB, GB/T alike, by sequence number), then the others.
        code, _, digits = number.split("—")[0].partition(" ")
        return (0 if code.startswith("GB") else 1), tuple(int(p) for p in digits.split("."))

    return [(n, _TITLES[n.split("—")[0]]) for n in sorted(dict.fromkeys(numbers), key=order)]


def _short_name(name: str) -> str:
    return name.split("(")[0]


def _indicator_table(
    b: _Builder,
    spec: DocumentSpec,
    group: str,
    items: list[_PoolItem],
    missing_method: str | None,
    looser_name: str,
    looser_value: str,
) -> None:
    """The indicator table of one group, in the layout real standards use for that group."""
    method_of = {i.name: ("" if i.name == missing_method else i.method) for i in items}
    requirement_of = {
        i.name: (looser_value if i.name == looser_name and "looser_limit" in spec.defects else i.requirement)
        for i in items
    }
    with_method = spec.method_column

    if group in ("感官要求", "外观质量"):
        header = ("项目", "要求") + (("检验方法",) if with_method else ())
        rows = [header]
        for item in items:
            method = method_of[item.name]
            rows.append((item.name, requirement_of[item.name]) + ((method,) if with_method else ()))
            b.indicators.append(GeneratedIndicator(item.name, requirement_of[item.name], "", method, group))
        merges = []
        if with_method and len(items) > 1 and group == "感官要求":
            merges.append((1, 2, len(items), 2))  # one sensory method for every row
        b.table(group, rows, merges=merges)
        return

    if group == "微生物限量":
        rows = [("项目", "采样方案及限量", "", "", "", "检验方法"), ("", "n", "c", "m", "M", "")]
        merges = [(0, 0, 1, 0), (0, 1, 0, 4), (0, 5, 1, 5)]
        for r, item in enumerate(items, start=2):
            requirement = requirement_of[item.name]
            name = f"{item.name}/({item.unit})" if item.unit else item.name
            method = method_of[item.name]
            if requirement.startswith("n="):
                parts = dict(p.split("=") for p in requirement.split(","))
                rows.append((name, parts["n"], parts["c"], parts["m"], parts.get("M", "—"), method))
            else:
                rows.append((name, requirement, requirement, requirement, requirement, method))
                merges.append((r, 1, r, 4))
            b.indicators.append(GeneratedIndicator(item.name, requirement, item.unit, method, group))
        if not with_method:
            rows = [row[:5] for row in rows]
            merges = [m for m in merges if m[1] < 5]
        b.table(group, rows, header_rows=2, merges=merges)
        return

    limit_style = group in _LIMIT_GROUPS
    classes = spec.classes if group in ("理化指标", "物理性能") else ()
    unit_column = not spec.unit_in_header
    header: list[str] = ["项目"]
    if unit_column:
        header.append("单位")
    if classes:
        header += ["指标"] * len(classes)
    else:
        header.append("限量" if limit_style else "指标")
    if with_method:
        header.append("检验方法")
    rows: list[tuple[str, ...]] = [tuple(header)]
    header_rows = 1
    merges: list[tuple[int, int, int, int]] = []
    if classes:
        first = 2 if unit_column else 1
        sub = (
            ["项目"]
            + (["单位"] if unit_column else [])
            + list(classes)
            + (["检验方法"] if with_method else [])
        )
        rows = [tuple(header), tuple(sub)]
        header_rows = 2
        merges.append((0, first, 0, first + len(classes) - 1))
        for col in range(len(header)):
            if not first <= col < first + len(classes):
                merges.append((0, col, 1, col))
    for item in items:
        requirement = requirement_of[item.name]
        name = item.name
        if item.unit and not unit_column:
            name = f"{name}/({item.unit})" if item.unit != "%" else f"{name}/%"
        if limit_style and requirement[:1] not in "≤≥" and requirement[:1].isdigit():
            name += "　≤"
        cells = [name] + ([item.unit] if unit_column else [])
        if classes:
            values = [_graded(requirement, classes, i) for i in range(len(classes))]
            cells += values
        else:
            cells.append(requirement)
        if with_method:
            cells.append(method_of[item.name])
        rows.append(tuple(cells))
        grades = classes or ("",)
        for i, grade in enumerate(grades):
            value = _graded(requirement, classes, i) if classes else requirement
            if limit_style and value[:1].isdigit():
                value = "≤" + value
            b.indicators.append(
                GeneratedIndicator(item.name, value, item.unit, method_of[item.name], group, grade)
            )
    b.table(group, rows, header_rows=header_rows, merges=merges)


def _method_annex(
    b: _Builder, letter: str, item: _PoolItem, rng: random.Random, remaining_lines: float
) -> None:
    name = _short_name(item.name)
    b.add(_Heading(1, letter, f"{name}的测定", "规范性"))
    instrument = rng.choice(_INSTRUMENTS)
    steps = [
        (
            f"{letter}.1",
            "原理",
            [
                rng.choice(_METHOD_PRINCIPLES).format(
                    name=name, instrument=instrument, treatment=rng.choice(_TREATMENTS)
                )
            ],
        ),
        (
            f"{letter}.2",
            "试剂和材料",
            ["除非另有说明，本方法所用试剂均为分析纯，水为GB/T 6682规定的一级水。"]
            + rng.sample(_REAGENTS, 5),
        ),
        (
            f"{letter}.3",
            "仪器和设备",
            [
                f"{instrument}。",
                "电子天平：感量为0.1 mg和1 mg。",
                "微波消解系统：配聚四氟乙烯消解内罐。",
                "可调式电热板。",
            ],
        ),
        (
            f"{letter}.4",
            "分析步骤",
            [
                s.format(mass=rng.choice(("0.5", "1.0", "2.0", "5.0")), volume=rng.choice(("10", "25", "50")))
                for s in rng.sample(_STEPS, 5)
            ],
        ),
        (
            f"{letter}.5",
            "结果计算",
            [
                f"试样中{name}的含量按式({letter}.1)计算：",
                "X＝(ρ－ρ₀)×V×f／(m×1000)",
                "式中：X——试样中被测组分的含量；ρ——试样溶液中被测组分的质量浓度；ρ₀——空白溶液中被测组分的质量浓度；"
                "V——试样消化液的定容体积；f——稀释倍数；m——试样称样量。",
                "计算结果保留两位有效数字。",
            ],
        ),
        (f"{letter}.6", "精密度", [rng.choice(_PRECISION)]),
    ]
    b.cite("GB/T 6682")
    for number, title, sentences in steps:
        b.clause(number, title)
        for n, sentence in enumerate(sentences, 1):
            if title in ("试剂和材料", "仪器和设备", "分析步骤"):
                b.text(f"{number}.{n}　{sentence}", "clause", f"{number}.{n}")
            else:
                b.text(sentence)
    # A calibration table makes the annex as long as a real method annex.
    points = min(24, max(6, int(remaining_lines // 3)))
    rows = [("序号", "标准溶液浓度/(μg/L)", "响应值", "回收率/%")]
    for n in range(1, points + 1):
        rows.append(
            (str(n), f"{n * 0.5:.1f}", f"{rng.uniform(0.1, 0.9) * n:.4f}", f"{rng.uniform(85, 110):.1f}")
        )
    b.text(f"{letter}.7　标准系列溶液的配制示例见表{letter}.1。", "clause", f"{letter}.7")
    b.add(_Grid(f"表{letter}.1 标准系列溶液", tuple(rows)))


def _process_annex(b: _Builder, letter: str, product: str) -> None:
    b.add(_Heading(1, letter, "生产过程关键控制点", "资料性"))
    b.text(f"{letter}.1　生产过程关键控制点及其监控要求见表{letter}.1。", "clause", f"{letter}.1")
    rows = [("工序", "控制点", "监控方法", "监控频率", "纠偏措施")]
    steps = _PROCESS_STEPS if product == "food" else _CERAMIC_STEPS
    for step in steps + steps:
        rows.append((*step, "停机检查，隔离可疑产品并记录"))
    b.add(_Grid(f"表{letter}.1 生产过程关键控制点", tuple(rows)))
    b.text(
        f"{letter}.2　各控制点的监控记录应保存至产品保质期满后6个月，且不少于2年。", "clause", f"{letter}.2"
    )


def _heading_pages(content: StandardContent) -> list[int]:
    """The estimated page of every heading listed in the contents (for a DOCX, which has no layout)."""
    pages: list[int] = []
    for index, block in enumerate(content.blocks):
        if isinstance(block, _Heading) and block.level <= 1:
            pages.append(_estimate_pages(content.blocks[: index + 1]))
    return pages


def _estimate_pages(blocks: Sequence[object]) -> int:
    pages, lines = 1, 0.0
    for block in blocks:
        if isinstance(block, _PageBreak):
            pages, lines = pages + 1, 0.0
            continue
        if isinstance(block, _Contents):
            continue
        lines += _estimate_lines(block)
        while lines > LINES_PER_PAGE:
            pages += 1
            lines -= LINES_PER_PAGE
    return pages


# --- rendering ---------------------------------------------------------------------------------------------


def make_standard(spec: DocumentSpec) -> bytes:
    """The generated standard as DOCX or PDF bytes (`spec.format`)."""
    content = standard_content(spec)
    return render_docx(content) if spec.format == "docx" else render_pdf(content)


def _heading_text(block: _Heading) -> str:
    if block.annex_kind:
        return f"附录{block.number}"
    return f"{block.number}　{block.title}" if block.number else block.title


def _contents_entries(content: StandardContent) -> list[tuple[int, str]]:
    entries: list[tuple[int, str]] = []
    for block in content.blocks:
        if isinstance(block, _Heading) and block.level <= 1:
            text = (
                f"附录{block.number}({block.annex_kind})　{block.title}"
                if block.annex_kind
                else _heading_text(block)
            )
            entries.append((block.level, text))
    return entries


def render_docx(content: StandardContent) -> bytes:
    """Render with python-docx; byte-identical for the same content (fixed zip timestamps)."""
    from docx import Document as new_document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    spec = content.spec
    doc = new_document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.font.name = "Noto Sans CJK SC"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    for level in (1, 2, 3, 4):
        style = doc.styles[f"Heading {level}"]
        style.font.size = Pt(10.5)
        style.font.bold = True
        style.font.color.rgb = None
        style.font.name = "Noto Sans CJK SC"
    header = section.header.paragraphs[0]
    header.text = spec.number
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    for block in content.blocks:
        if isinstance(block, _Cover):
            _docx_cover(doc, block)
        elif isinstance(block, _PageBreak):
            doc.add_page_break()
        elif isinstance(block, _Contents):
            title = doc.add_paragraph("目　　次")
            title.alignment = WD_ALIGN_PARAGRAPH.CENTER
            toc = doc.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
            toc.base_style = doc.styles["Normal"]
            for (_level, text), page in zip(_contents_entries(content), _heading_pages(content), strict=True):
                doc.add_paragraph(f"{text}\t{page}", style=toc)
        elif isinstance(block, _Heading):
            if block.level == 0:
                p = doc.add_paragraph(block.title, style="Heading 1")
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif block.annex_kind:
                p = doc.add_paragraph(style="Heading 1")
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(f"附录{block.number}")
                run.add_break()
                run = p.add_run(f"({block.annex_kind})")
                run.add_break()
                p.add_run(block.title)
            else:
                doc.add_paragraph(_heading_text(block), style=f"Heading {min(block.level, 4)}")
        elif isinstance(block, _Text):
            p = doc.add_paragraph(block.text)
            if block.style == "body":
                p.paragraph_format.first_line_indent = Pt(21)
            elif block.style in ("center", "title"):
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif block.style == "ref":
                p.paragraph_format.first_line_indent = Pt(21)
        elif isinstance(block, _Grid):
            _docx_table(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip_times(out.getvalue())


def _docx_cover(doc, cover: _Cover) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    def line(text: str, align=WD_ALIGN_PARAGRAPH.LEFT, size: float | None = None, bold: bool = False) -> None:
        p = doc.add_paragraph()
        p.alignment = align
        run = p.add_run(text)
        if size:
            run.font.size = Pt(size)
        run.bold = bold

    line("ICS 67.060" if cover.code else "")
    line("CCS X 24")
    line(cover.code, WD_ALIGN_PARAGRAPH.RIGHT, 26, True)
    line(f"{cover.enterprise}企业标准", WD_ALIGN_PARAGRAPH.CENTER, 22, True)
    line(cover.number, WD_ALIGN_PARAGRAPH.RIGHT, 14)
    if cover.replaces:
        line(f"代替{cover.replaces}", WD_ALIGN_PARAGRAPH.RIGHT)
    line(cover.title, WD_ALIGN_PARAGRAPH.CENTER, 26, True)
    line(cover.english, WD_ALIGN_PARAGRAPH.CENTER, 14)
    line(
        f"{cover.published:%Y-%m-%d}发布　　　　　　　　{cover.implemented:%Y-%m-%d}实施",
        WD_ALIGN_PARAGRAPH.CENTER,
        14,
    )
    line(f"{cover.enterprise}　发布", WD_ALIGN_PARAGRAPH.CENTER, 16, True)


def _docx_table(doc, grid: _Grid) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    caption = doc.add_paragraph(grid.caption)
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if grid.unit_note:
        note = doc.add_paragraph(grid.unit_note)
        note.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    ncols = max(len(row) for row in grid.rows)
    table = doc.add_table(rows=len(grid.rows), cols=ncols)
    table.style = "Table Grid"
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in grid.merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                covered[(r, c)] = (r0, c0)
    # Setting text through the low-level cells is much faster than table.cell(), which rebuilds the grid.
    rows = table.rows
    for r, row in enumerate(grid.rows):
        cells = rows[r]._tr.tc_lst
        for c, text in enumerate(row):
            if covered.get((r, c), (r, c)) == (r, c) and text:
                tc = cells[c]
                tc.p_lst[0].append(_run_element(text))
    for r0, c0, r1, c1 in grid.merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))


def _run_element(text: str):
    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    return run


def _fixed_zip_times(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


_CSS = """
@page { size: A4; margin: 25mm 20mm 20mm 25mm;
  @top-right { content: "%(number)s"; font-family: "Noto Sans CJK SC"; font-size: 10.5pt; }
  @bottom-center { content: counter(page); font-family: "Noto Sans CJK SC"; font-size: 9pt; } }
@page cover { @top-right { content: none; } @bottom-center { content: none; } }
body { font-family: "Noto Sans CJK SC"; font-size: 10.5pt; line-height: 1.5; }
.cover { page: cover; }
.cover p { margin: 0.3em 0; text-indent: 0; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.clause, p.item, p.right, p.center, p.title, p.toc { text-indent: 0; }
p.item { padding-left: 2em; }
p.center, p.title, h1.center { text-align: center; }
p.right { text-align: right; }
p.title { font-size: 16pt; font-weight: bold; margin: 1em 0; }
h1, h2, h3, h4 { font-size: 10.5pt; font-weight: bold; margin: 0.5em 0 0.3em 0; }
h1.annex { text-align: center; page-break-before: always; }
table { border-collapse: collapse; width: 100%%; margin: 0.3em 0 0.8em 0; }
td { border: 0.75pt solid black; padding: 1mm 1.5mm; text-align: center; font-size: 9pt; line-height: 1.35; }
p.caption { text-align: center; text-indent: 0; font-weight: bold; margin-top: 0.5em; }
.big { font-size: 26pt; font-weight: bold; }
.mid { font-size: 20pt; font-weight: bold; }
a.toc { color: black; text-decoration: none; }
a.toc::after { content: leader('.') target-counter(attr(href), page); }
"""


def render_html(content: StandardContent) -> str:
    """The HTML WeasyPrint turns into the PDF; public so that a demo page can show the same document."""
    spec = content.spec
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>{esc(spec.number)} {esc(spec.title)}</title>",
        f"<style>{_CSS % {'number': esc(spec.number)}}</style></head><body>",
    ]
    anchor = 0
    anchors: dict[int, str] = {}
    for index, block in enumerate(content.blocks):
        if isinstance(block, _Heading) and block.level <= 1:
            anchor += 1
            anchors[index] = f"h{anchor}"
    pending_break = False
    for index, block in enumerate(content.blocks):
        style = " style='page-break-before: always'" if pending_break else ""
        if isinstance(block, _PageBreak):
            pending_break = True
            continue
        pending_break = False
        if isinstance(block, _Cover):
            parts.append(
                "<div class='cover'>"
                f"<p>ICS 67.060</p><p>CCS X 24</p><p class='right big'>{esc(block.code)}</p>"
                f"<p class='center mid'>{esc(block.enterprise)}企业标准</p>"
                f"<p class='right' style='font-size:14pt'>{esc(block.number)}</p>"
                + (f"<p class='right'>代替{esc(block.replaces)}</p>" if block.replaces else "")
                + "<p style='height:60mm'></p>"
                f"<p class='center big'>{esc(block.title)}</p><p class='center'>{esc(block.english)}</p>"
                "<p style='height:80mm'></p>"
                f"<p class='center' style='font-size:14pt'>{block.published:%Y-%m-%d}发布"
                f"&#x3000;&#x3000;&#x3000;&#x3000;&#x3000;&#x3000;{block.implemented:%Y-%m-%d}实施</p>"
                f"<p class='center mid'>{esc(block.enterprise)}&#x3000;发布</p></div>"
            )
        elif isinstance(block, _Contents):
            parts.append(f"<h1 class='center'{style}>目　　次</h1>")
            for target, (level, text) in zip(
                (i for i, b in enumerate(content.blocks) if isinstance(b, _Heading) and b.level <= 1),
                _contents_entries(content),
                strict=True,
            ):
                _ = level
                parts.append(f"<p class='toc'><a class='toc' href='#{anchors[target]}'>{esc(text)}</a></p>")
        elif isinstance(block, _Heading):
            ident = f" id='{anchors[index]}'" if index in anchors else ""
            if block.level == 0:
                parts.append(f"<h1 class='center'{ident}{style}>{esc(block.title)}</h1>")
            elif block.annex_kind:
                parts.append(
                    f"<h1 class='annex'{ident}>附录{esc(block.number)}<br>({esc(block.annex_kind)})<br>"
                    f"{esc(block.title)}</h1>"
                )
            else:
                tag = f"h{min(block.level, 4)}"
                parts.append(f"<{tag}{ident}{style}>{esc(block.number)}&#x3000;{esc(block.title)}</{tag}>")
        elif isinstance(block, _Text):
            parts.append(f"<p class='{block.style}'{style}>{esc(block.text)}</p>")
        elif isinstance(block, _Grid):
            parts.append(_html_table(block))
    parts.append("</body></html>")
    return "".join(parts)


def _html_table(grid: _Grid) -> str:
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in grid.merges:
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    out = [f"<p class='caption'>{html.escape(grid.caption)}</p>"]
    if grid.unit_note:
        out.append(f"<p class='right'>{html.escape(grid.unit_note)}</p>")
    out.append("<table>")
    for r, row in enumerate(grid.rows):
        out.append("<tr>")
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            attrs = (f" rowspan='{rowspan}'" if rowspan > 1 else "") + (
                f" colspan='{colspan}'" if colspan > 1 else ""
            )
            out.append(f"<td{attrs}>{html.escape(text)}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def render_pdf(content: StandardContent) -> bytes:
    """Render with WeasyPrint (Noto Sans CJK SC)."""
    from weasyprint import HTML

    return HTML(string=render_html(content)).write_pdf()

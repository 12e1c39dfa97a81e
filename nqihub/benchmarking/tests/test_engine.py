"""The benchmarking engine (nqihub.benchmarking.engine): verdicts per indicator on real-looking indicators of
ceramics and food standards, units converted, 缺项 and fuzzy candidates, the level roll-up and its rules, and
properties (units do not change verdicts; all core indicators passing an international benchmark is 国际先进)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nqihub.benchmarking.engine import (
    DEFAULT_RULES,
    BenchmarkInput,
    IndicatorInput,
    RulesError,
    benchmark,
    check_rules,
    compare_indicator,
    roll_up,
)

I = IndicatorInput  # noqa: E741


@pytest.mark.parametrize(
    ("mine", "theirs", "verdict", "reason_part"),
    [
        (("≤0.3", "%"), ("≤0.5", "%"), "better", "严于"),
        (("≤0.5", "mg/L"), ("≤500", "μg/L"), "equal", "即 ≤0.5 mg/L"),
        (("≤0.07", "mg/L"), ("≤0.05", "mg/L"), "worse", "宽于"),
        (("≤100", "μg/kg"), ("≤0.1", "mg/kg"), "equal", "等同于"),
        (("≤0.2 mg/kg", ""), ("≤150 μg/kg", ""), "worse", "宽于"),
        (("20 mg/100g以下", ""), ("≤0.2", "g/kg"), "equal", "等同于"),
        (("≥1300", "N"), ("≥1100", "N"), "better", "严于"),
        (("≥35", "MPa"), ("≥35", "MPa"), "equal", "等同于"),
        (("不得检出", ""), ("≤0.01", "mg/kg"), "better", "严于"),
        (("n=5,c=2,m=10⁴,M=10⁵", "CFU/g"), ("n=5,c=2,m=10⁴,M=10⁵", "CFU/g"), "equal", "等同于"),
        (("≤0.5", "mg/kg"), ("≤0.5", "mg/L"), "incomparable", "量纲不同"),
        (("≤0.5", "mg/L"), ("≥0.1", "mg/L"), "incomparable", "方向相反"),
        (("色泽正常,无异味", ""), ("色泽正常,无异味", ""), "equal", "文字相同"),
        (("表面无裂纹", ""), ("表面无裂纹、无变形", ""), "incomparable", "定性"),
        (("≤ 无", ""), ("≤0.5", "mg/L"), "incomparable", "企业要求无法解析"),
    ],
)
def test_compare_indicator(mine, theirs, verdict, reason_part):
    found, reason, reason_en, _caveat = compare_indicator(*mine, *theirs)
    assert found == verdict, reason
    assert reason_part in reason
    assert reason_en


def _ceramics(**changes) -> list[IndicatorInput]:
    rows = {
        "吸水率": I("吸水率", "≤0.3", "%"),
        "铅溶出量": I("铅溶出量", "≤0.5", "mg/L"),
        "镉溶出量": I("镉溶出量", "≤0.07", "mg/L"),
        "白度": I("白度", "≥65", "度"),
    }
    rows.update(changes)
    return [row for row in rows.values() if row is not None]


ISO = BenchmarkInput(
    "ISO 6486-2:1999",
    "international",
    (
        I("吸水率", "≤0.5", "%"),
        I("铅溶出量", "≤500", "μg/L", core=True),
        I("镉溶出量", "≤0.05", "mg/L", core=True),
        I("热稳定性", "140℃热交换一次不裂"),
        I("白度", "≥65", "度"),
    ),
)
DOMESTIC = BenchmarkInput(
    "T/SLTC 0001-2026",
    "domestic_advanced",
    (I("铅溶出量", "≤0.8", "mg/L", core=True), I("镉溶出量", "≤0.07", "mg/L", core=True)),
)


def test_the_done_when_case_stricter_equal_looser_missing_and_converted():
    outcome = benchmark(_ceramics(), [ISO, DOMESTIC])
    verdicts = {(i.standard, i.indicator): i.verdict for i in outcome.items}
    assert verdicts == {
        ("ISO 6486-2:1999", "吸水率"): "better",
        ("ISO 6486-2:1999", "铅溶出量"): "equal",  # 0.5 mg/L against 500 μg/L
        ("ISO 6486-2:1999", "镉溶出量"): "worse",
        ("ISO 6486-2:1999", "热稳定性"): "missing",
        ("ISO 6486-2:1999", "白度"): "equal",
        ("T/SLTC 0001-2026", "铅溶出量"): "better",
        ("T/SLTC 0001-2026", "镉溶出量"): "equal",
    }
    # Items keep the benchmark's order of indicators.
    assert [i.indicator for i in outcome.items[:5]] == ["吸水率", "铅溶出量", "镉溶出量", "热稳定性", "白度"]
    assert outcome.level == "domestic_advanced"
    assert outcome.level_label == "达到国内先进水平"
    assert "T/SLTC 0001-2026" in outcome.level_reason
    assert "未达到更高水平:对 ISO 6486-2:1999:镉溶出量(低于)" in outcome.level_reason
    assert outcome.counts() == {"better": 2, "equal": 3, "worse": 1, "incomparable": 0, "missing": 1}
    missing = next(i for i in outcome.items if i.verdict == "missing")
    assert missing.reason == "企业标准无此指标" and missing.enterprise_indicator is None

    stricter = benchmark(_ceramics(镉溶出量=I("镉溶出量", "≤50", "μg/L")), [ISO, DOMESTIC])
    assert stricter.level == "international_advanced"
    assert stricter.level_label == "达到国际先进水平"


def test_not_reached_names_the_failing_core_indicators():
    outcome = benchmark(_ceramics(铅溶出量=I("铅溶出量", "≤1.0", "mg/L")), [ISO, DOMESTIC])
    assert outcome.level == "not_reached"
    assert "铅溶出量(低于)" in outcome.level_reason


def test_synonyms_and_bases_align_but_fuzzy_names_are_only_proposed():
    food = [
        I("铅(以Pb计)", "≤0.1", "mg/kg"),
        I("总砷(以As计)", "≤0.5", "mg/kg"),
        I("2,4,6-三氯酚", "≤0.1", "mg/kg"),
    ]
    standard = BenchmarkInput(
        "CODEX STAN 198-1995",
        "international",
        (I("Pb", "≤0.2", "mg/kg", core=True), I("砷", "≤0.5", "mg/kg"), I("2,4,6-三氯苯酚", "≤0.2", "mg/kg")),
    )
    outcome = benchmark(food, [standard])
    by_name = {i.indicator: i for i in outcome.items}
    assert by_name["Pb"].verdict == "better" and by_name["Pb"].alignment == "synonym"
    # 总砷 and 砷 are different species until a person says otherwise (see nqihub.engines.alignment).
    assert by_name["砷"].verdict == "missing"
    fuzzy = by_name["2,4,6-三氯苯酚"]
    assert fuzzy.verdict == "missing"
    assert fuzzy.candidate == "2,4,6-三氯酚" and 90 <= fuzzy.candidate_score < 100
    assert "确认对应后可比较" in fuzzy.reason
    confirmed = benchmark(
        food, [standard], confirmed={("总砷(以As计)", "砷"): True, ("2,4,6-三氯酚", "2,4,6-三氯苯酚"): True}
    )
    by_name = {i.indicator: i for i in confirmed.items}
    assert by_name["砷"].verdict == "equal" and by_name["砷"].alignment == "confirmed"
    assert by_name["2,4,6-三氯苯酚"].verdict == "better"
    assert confirmed.extra == ()


def test_enterprise_indicators_no_benchmark_has_are_listed():
    outcome = benchmark(_ceramics(), [DOMESTIC])
    assert outcome.extra == ("吸水率", "白度")


def test_without_core_flags_every_indicator_counts():
    plain = BenchmarkInput(
        "EN 12875-1:2005", "foreign_advanced", (I("吸水率", "≤0.5", "%"), I("白度", "≥70", "度"))
    )
    assert benchmark(_ceramics(), [plain]).level == "not_reached"
    assert benchmark(_ceramics(白度=I("白度", "≥72", "度")), [plain]).level == "international_advanced"
    strict_core = {"no_core_means_all": False}
    assert benchmark(_ceramics(), [plain], rules=strict_core).level == "not_reached"
    assert benchmark(_ceramics(), [plain], rules=strict_core).level_reason == "没有可比较的对标指标"


def test_rules_are_configurable():
    outcome = benchmark(
        _ceramics(), [ISO, DOMESTIC], rules={"passing": ["better", "equal", "missing", "worse"]}
    )
    assert outcome.level == "international_advanced"
    only_iso = {"tiers": [{"level": "international_advanced", "classes": ["international"]}], "version": "x"}
    foreign = BenchmarkInput(
        "BS EN 1388-1:1996", "foreign_advanced", (I("铅溶出量", "≤0.8", "mg/L", core=True),)
    )
    assert benchmark(_ceramics(), [foreign]).level == "international_advanced"
    assert benchmark(_ceramics(), [foreign], rules=only_iso).level == "not_reached"
    assert benchmark(_ceramics(), [foreign], rules=only_iso).rules_version == "x"
    second = BenchmarkInput("ISO 6486-2:1999/A", "international", (I("铅溶出量", "≤0.8", "mg/L", core=True),))
    assert benchmark(_ceramics(), [ISO, second]).level == "international_advanced"  # "any" standard
    assert benchmark(_ceramics(), [ISO, second], rules={"standards": "all"}).level == "not_reached"


@pytest.mark.parametrize(
    "bad",
    [
        {"tiers": []},
        {"tiers": [{"level": "gold", "classes": ["international"]}]},
        {"tiers": [{"level": "domestic_advanced", "classes": ["national"]}]},
        {"passing": ["good"]},
        {"standards": "most"},
        {"version": ""},
    ],
)
def test_bad_rules_are_refused(bad):
    with pytest.raises(RulesError):
        check_rules(bad)


def test_default_rules_are_not_mutated():
    check_rules({"passing": ["better"]})
    assert DEFAULT_RULES["passing"] == ["better", "equal"]


def test_roll_up_reads_any_object_with_the_fields():
    class Row:
        def __init__(self, standard, cls, indicator, core, verdict):
            self.standard, self.benchmark_class, self.indicator = standard, cls, indicator
            self.core, self.verdict = core, verdict

    rows = [
        Row("ISO 1", "international", "铅", True, "equal"),
        Row("ISO 1", "international", "镉", False, "worse"),
    ]
    assert roll_up(rows)[0] == "international_advanced"
    assert roll_up([])[0] == "not_reached"


# --- properties -----------------------------------------------------------------------------------------------

_LIMITS = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3)
_OPS = st.sampled_from(["≤", "≥", "<", ">"])
_SCALES = [("mg/kg", "μg/kg", 1000), ("g/kg", "mg/kg", 1000), ("mg/L", "μg/L", 1000), ("%", "‰", 10)]


@settings(max_examples=150, deadline=None)
@given(a=_LIMITS, b=_LIMITS, op_a=_OPS, op_b=_OPS, scale=st.sampled_from(_SCALES))
def test_restating_a_limit_in_another_unit_does_not_change_the_verdict(a, b, op_a, op_b, scale):
    big, small, factor = scale
    original = compare_indicator(f"{op_a}{a}", big, f"{op_b}{b}", big)[0]
    assert compare_indicator(f"{op_a}{a}", big, f"{op_b}{b * factor}", small)[0] == original
    assert compare_indicator(f"{op_a}{a * factor}", small, f"{op_b}{b}", big)[0] == original


_NAMES = ["铅", "镉", "汞", "总砷", "吸水率", "白度", "水分", "菌落总数"]


@settings(max_examples=100, deadline=None)
@given(
    core=st.lists(st.sampled_from(_NAMES), min_size=1, max_size=5, unique=True),
    margins=st.lists(st.sampled_from(["better", "equal"]), min_size=5, max_size=5),
    other=st.lists(st.sampled_from(["better", "equal", "worse"]), min_size=3, max_size=3),
    domestic_fails=st.booleans(),
)
def test_every_core_indicator_passing_an_international_benchmark_is_international_advanced(
    core, margins, other, domestic_fails
):
    limit = {"better": "≤0.5", "equal": "≤1.0", "worse": "≤2.0"}
    extras = [n for n in _NAMES if n not in core][:3]
    mine = [I(name, limit[m], "mg/kg") for name, m in zip(core, margins, strict=False)]
    mine += [I(name, limit[v], "mg/kg") for name, v in zip(extras, other, strict=False)]
    international = BenchmarkInput(
        "ISO 9999:2020",
        "international",
        tuple(I(n, "≤1.0", "mg/kg", core=True) for n in core) + tuple(I(n, "≤1.0", "mg/kg") for n in extras),
    )
    domestic = BenchmarkInput(
        "T/XX 0001-2026",
        "domestic_advanced",
        (I(core[0], "≤0.1" if domestic_fails else "≤5", "mg/kg", core=True),),
    )
    outcome = benchmark(mine, [domestic, international])
    assert outcome.level == "international_advanced"
    assert {i.verdict for i in outcome.items if i.core and i.standard == "ISO 9999:2020"} <= {
        "better",
        "equal",
    }


_ALIGN_NAMES = [
    "铅",
    "Pb",
    "铅(以Pb计)",
    "镉",
    "Cd",
    "总砷",
    "砷",
    "2,4,6-三氯酚",
    "2,4,6-三氯苯酚",
    "水分",
    "白度",
    "吸水率",
    "甲苯",
    "二甲苯",
    "六价铬",
    "铬(六价)",
    "铬",
    "菌落总数",
    "细菌总数",
]


@settings(max_examples=200, deadline=None)
@given(
    a=st.lists(st.sampled_from(_ALIGN_NAMES), max_size=8, unique=True),
    b=st.lists(st.sampled_from(_ALIGN_NAMES), max_size=8, unique=True),
    decisions=st.lists(
        st.tuples(st.sampled_from(_ALIGN_NAMES), st.sampled_from(_ALIGN_NAMES), st.booleans()), max_size=2
    ),
)
def test_the_fast_alignment_finds_the_pairs_align_finds(a, b, decisions):
    from nqihub.benchmarking.engine import align_names
    from nqihub.engines.alignment import align, normalize_indicator_name

    confirmed = {
        (x, y): same for x, y, same in decisions if normalize_indicator_name(x) != normalize_indicator_name(y)
    }
    slow = {(c.a, c.b, c.reason) for c in align(a, b, confirmed=confirmed)}
    fast = {(c.a, c.b, c.reason) for c in align_names(a, b, confirmed=confirmed)}
    assert fast == slow


def test_the_deployment_level_rules_are_checked_at_start_up(settings):
    from nqihub.benchmarking.checks import level_rules

    settings.BENCHMARK_LEVEL_RULES = {}
    assert level_rules() == []
    settings.BENCHMARK_LEVEL_RULES = {
        "version": "city-2027",
        "tiers": [{"level": "gold", "classes": ["iso"]}],
    }
    errors = level_rules()
    assert [e.id for e in errors] == ["benchmarking.E001"] and "gold" in errors[0].msg
    settings.BENCHMARK_LEVEL_RULES = ["not", "an", "object"]
    assert [e.id for e in level_rules()] == ["benchmarking.E001"]

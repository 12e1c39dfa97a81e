"""The forerunner ranking engine (nqihub.forerunner.engine): scheme rules, tiers, composite and shortlist, with
the indicators of 日用陶瓷 (GB 4806.4-2016 lead and cadmium release, GB/T 3532 whiteness) as the real examples."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nqihub.engines.requirements import parse_requirement
from nqihub.forerunner.engine import (
    CandidateScore,
    IndicatorSpec,
    SchemeError,
    Value,
    Weights,
    build_indicators,
    by_indicator,
    check_coverage,
    check_scheme,
    check_selection,
    check_weights,
    declared_value,
    rank,
    rank_indicator,
    select_shortlist,
    tier_of,
)

TIERS_LEAD = (("先进", "0.5"), ("领先", "0.3"), ("领跑", "0.2"))
LEAD = IndicatorSpec("pb", "铅溶出量", "≤0.8 mg/L", "mg/L", tiers=TIERS_LEAD)
CADMIUM = IndicatorSpec("cd", "镉溶出量", "≤0.07 mg/L", "mg/L", tiers=(("先进", "0.05"), ("领先", "0.03")))
WHITENESS = IndicatorSpec("w", "白度", "≥65", "度", tiers=(("先进", "70"), ("领先", "75"), ("领跑", "80")))
SCHEME = (LEAD, CADMIUM, WHITENESS)


def codes(problems):
    return [p.code for p in problems]


# --- scheme rules --------------------------------------------------------------------------------------------


def test_a_valid_scheme_with_three_core_indicators_builds():
    lead, cadmium, whiteness = build_indicators(SCHEME)
    assert (lead.direction, cadmium.direction, whiteness.direction) == ("lower", "lower", "higher")
    assert [t.name for t in lead.tiers] == ["先进", "领先", "领跑"]
    assert lead.limit == 0.8 and whiteness.limit == 65
    assert lead.tier_text(lead.tiers[2]) == "≤0.2 mg/L"


def test_fewer_than_three_core_indicators_is_refused():
    _, problems = check_scheme((LEAD, CADMIUM))
    assert codes(problems) == ["too_few_core"]
    assert "至少 3 项" in problems[0].message
    with pytest.raises(SchemeError):
        build_indicators((LEAD, CADMIUM))


@pytest.mark.parametrize(
    "requirement, unit, code",
    [
        ("无异味", "", "not_quantifiable"),
        ("不得检出", "mg/kg", "not_quantifiable"),
        ("符合 GB 4806.4 的规定", "", "not_quantifiable"),
        ("≥65", "", "no_unit"),
        ("", "mg/L", "no_requirement"),
    ],
)
def test_core_indicators_must_be_quantifiable_with_a_unit(requirement, unit, code):
    odd = IndicatorSpec("x", "感官", requirement, unit, tiers=(("先进", "1"),))
    _, problems = check_scheme((LEAD, CADMIUM, odd))
    assert codes(problems) == [code]
    assert problems[0].indicator == "感官"


def test_a_range_requirement_needs_an_explicit_direction():
    temperature = IndicatorSpec("t", "热稳定性温差", "(140±20)℃", "℃", tiers=(("先进", "150"),))
    assert codes(check_scheme((LEAD, CADMIUM, temperature))[1]) == ["no_direction"]
    explicit = IndicatorSpec(
        "t", "热稳定性温差", "(140±20)℃", "℃", direction="higher", tiers=(("先进", "150"),)
    )
    built, problems = check_scheme((LEAD, CADMIUM, explicit))
    assert problems == [] and built[2].limit == 120


def test_a_direction_contradicting_the_requirement_is_refused():
    wrong = IndicatorSpec("pb", "铅溶出量", "≤0.8 mg/L", "mg/L", direction="higher", tiers=TIERS_LEAD)
    assert codes(check_scheme((wrong, CADMIUM, WHITENESS))[1]) == ["direction_conflict"]


def test_the_lowest_tier_may_not_be_below_the_national_requirement():
    loose = IndicatorSpec("pb", "铅溶出量", "≤0.8 mg/L", "mg/L", tiers=(("先进", "1.0"), ("领先", "0.5")))
    _, problems = check_scheme((loose, CADMIUM, WHITENESS))
    assert codes(problems) == ["lowest_tier_below_requirement"]
    assert "先进 ≤1 mg/L" in problems[0].message and "≤0.8 mg/L" in problems[0].message
    low_white = IndicatorSpec("w", "白度", "≥65", "度", tiers=(("先进", "60"), ("领先", "70")))
    assert codes(check_scheme((LEAD, CADMIUM, low_white))[1]) == ["lowest_tier_below_requirement"]


def test_a_lowest_tier_equal_to_the_requirement_is_allowed_and_units_are_converted():
    equal = IndicatorSpec("pb", "铅溶出量", "≤0.8 mg/L", "mg/L", tiers=(("先进", "0.8"), ("领先", "0.5")))
    assert check_scheme((equal, CADMIUM, WHITENESS))[1] == []
    # The requirement is written in mg/L, the scheme works in μg/L: 900 μg/L is looser than 0.8 mg/L.
    micro = IndicatorSpec("pb", "铅溶出量", "≤0.8 mg/L", "μg/L", tiers=(("先进", "900"),))
    assert codes(check_scheme((micro, CADMIUM, WHITENESS))[1]) == ["lowest_tier_below_requirement"]
    fine = IndicatorSpec("pb", "铅溶出量", "≤0.8 mg/L", "μg/L", tiers=(("先进", "500"), ("领先", "200")))
    built, problems = check_scheme((fine, CADMIUM, WHITENESS))
    assert problems == [] and built[0].limit == pytest.approx(800)


def test_tiers_must_get_stricter_and_be_numbers():
    flat = IndicatorSpec("pb", "铅溶出量", "≤0.8 mg/L", "mg/L", tiers=(("先进", "0.5"), ("领先", "0.6")))
    assert codes(check_scheme((flat, CADMIUM, WHITENESS))[1]) == ["tiers_not_increasing"]
    word = IndicatorSpec("pb", "铅溶出量", "≤0.8 mg/L", "mg/L", tiers=(("先进", "低"),))
    assert codes(check_scheme((word, CADMIUM, WHITENESS))[1]) == ["bad_bound"]
    none = IndicatorSpec("pb", "铅溶出量", "≤0.8 mg/L", "mg/L")
    assert codes(check_scheme((none, CADMIUM, WHITENESS))[1]) == ["no_tiers"]


def test_every_broken_rule_is_reported_at_once():
    loose = IndicatorSpec("pb", "铅溶出量", "≤0.8 mg/L", "mg/L", tiers=(("先进", "1.0"),))
    odd = IndicatorSpec("x", "感官", "无异味", "", tiers=(("先进", "1"),))
    _, problems = check_scheme((loose, odd))
    assert codes(problems) == ["too_few_core", "lowest_tier_below_requirement", "not_quantifiable"]


def test_duplicate_core_indicators_are_refused():
    assert "duplicate" in codes(check_scheme((LEAD, LEAD, WHITENESS))[1])


def test_weights_and_the_shortlist_rule():
    assert check_weights(Weights(0.2, 0.6, 0.2)) == []
    assert codes(check_weights(Weights(0, 0, 0))) == ["bad_weights"]
    assert codes(check_weights(Weights(-1, 1, 1))) == ["bad_weights"]
    assert check_selection(5, None) == [] and check_selection(None, 80) == []
    assert codes(check_selection(None, None)) == ["selection"]
    assert codes(check_selection(5, 80)) == ["selection"]
    assert codes(check_selection(0, None)) == ["selection"]
    assert codes(check_selection(None, 120)) == ["selection"]


# --- values and tiers -----------------------------------------------------------------------------------------


def indicators():
    return build_indicators(SCHEME)


def test_declared_values_come_from_the_bound_on_the_better_side_in_the_indicators_unit():
    lead, _, whiteness = indicators()
    assert declared_value(parse_requirement("≤0.3 mg/L"), lead) == Value(0.3)
    assert declared_value(parse_requirement("≤300 μg/L"), lead) == Value(pytest.approx(0.3))
    assert declared_value(parse_requirement("<0.3", unit="mg/L"), lead) == Value(0.3, strict=True)
    assert declared_value(parse_requirement("不得检出"), lead) == Value(0.0)
    assert declared_value(parse_requirement("0.1～0.3 mg/L"), lead) == Value(0.3)
    assert declared_value(parse_requirement("≥72", unit="度").to_dict(), whiteness) == Value(72.0)
    # Another dimension, the opposite direction, a qualitative text: nothing to rank.
    assert declared_value(parse_requirement("≤0.3 mg/kg"), lead) is None
    assert declared_value(parse_requirement("≥0.3 mg/L"), lead) is None
    assert declared_value(parse_requirement("无异味"), lead) is None
    assert declared_value(None, lead) is None


def test_a_value_gets_the_highest_tier_it_meets_and_bounds_are_inclusive():
    lead, _, whiteness = indicators()
    assert [tier_of(Value(v), lead) for v in (0.8, 0.5, 0.4, 0.3, 0.2, 0.05)] == [0, 1, 1, 2, 3, 3]
    assert [tier_of(Value(v), whiteness) for v in (65, 69.9, 70, 79, 80, 95)] == [0, 0, 1, 2, 3, 3]


def test_a_value_failing_the_national_requirement_is_not_tiered():
    lead = indicators()[0]
    ranking = rank_indicator(lead, {1: Value(0.9), 2: Value(0.6), 3: Value(0.2)})
    assert ranking.ranked
    assert ranking.failing == (1,) and ranking.below == (2,)
    assert ranking.levels == {1: 0, 2: 0, 3: 3}


def test_there_is_no_order_inside_a_tier():
    lead = indicators()[0]
    ranking = rank_indicator(lead, {9: Value(0.45), 3: Value(0.5), 5: Value(0.31), 7: Value(0.2)})
    tiers = {t.tier.name: t.members for t in ranking.tiers}
    # 0.31 and 0.45 are both 先进: listed by key, not by value, and nothing ranks one above the other.
    assert tiers == {"领跑": (7,), "领先": (), "先进": (3, 5, 9)}
    assert [t.tier.name for t in ranking.tiers] == ["领跑", "领先", "先进"]


def test_if_all_values_are_equal_the_indicator_is_not_ranked():
    lead = indicators()[0]
    ranking = rank_indicator(lead, {1: Value(0.2), 2: Value(0.2), 3: None}, [4])
    assert not ranking.ranked and "相同" in ranking.reason
    assert ranking.tiers == () and ranking.levels == {1: 0, 2: 0}
    assert ranking.missing == (3, 4)
    assert not rank_indicator(lead, {1: None}).ranked
    # ≤0.2 and <0.2 are different declarations: the indicator is ranked.
    assert rank_indicator(lead, {1: Value(0.2), 2: Value(0.2, strict=True)}).ranked


# --- composite and shortlist ---------------------------------------------------------------------------------


def test_composite_weighs_comprehensiveness_advancedness_and_conformity():
    lead, cadmium, whiteness = indicators()
    values = {
        "A": {"pb": Value(0.2), "cd": Value(0.03), "w": Value(80)},  # top tier everywhere
        "B": {"pb": Value(0.5), "cd": Value(0.05)},  # lowest tiers, whiteness not disclosed
        "C": {"pb": Value(0.7), "cd": Value(0.06), "w": Value(66)},  # meets the requirements, no tier
    }
    ranking = rank(
        [lead, cadmium, whiteness],
        by_indicator(values),
        {"A": 1.0, "B": 1.0, "C": 0.5},
        Weights(0.2, 0.6, 0.2),
    )
    scores = {s.key: s for s in ranking.scores}
    assert [s.key for s in ranking.scores] == ["A", "B", "C"]
    assert scores["A"].comprehensiveness == 1 and scores["A"].advancedness == 1 and scores["A"].score == 100
    assert scores["B"].comprehensiveness == pytest.approx(2 / 3)
    # 先进 of 3 tiers for lead, 先进 of 2 for cadmium, nothing for whiteness: (1/3 + 1/2 + 0) / 3.
    assert scores["B"].advancedness == pytest.approx((1 / 3 + 1 / 2) / 3)
    assert scores["B"].levels == {"pb": 1, "cd": 1, "w": 0}
    assert scores["C"].advancedness == 0 and scores["C"].conformity == 0.5
    assert scores["C"].score == pytest.approx(100 * (0.2 * 1 + 0.2 * 0.5))
    assert not scores["C"].tiered


def test_an_unranked_indicator_does_not_count_towards_advancedness():
    lead, cadmium, whiteness = indicators()
    values = {
        "A": {"pb": Value(0.2), "cd": Value(0.03), "w": Value(80)},
        "B": {"pb": Value(0.5), "cd": Value(0.03), "w": Value(80)},
    }
    ranking = rank([lead, cadmium, whiteness], by_indicator(values), {"A": 1, "B": 1})
    assert [r.ranked for r in ranking.indicators] == [True, False, False]
    scores = {s.key: s for s in ranking.scores}
    assert scores["A"].advancedness == 1 and scores["B"].advancedness == pytest.approx(1 / 3)
    assert scores["A"].levels == {"pb": 3, "cd": 0, "w": 0}


def _score(key, score, tiered=True):
    return CandidateScore(key, 1, 1, 1, score, {"pb": 1 if tiered else 0})


def test_shortlist_by_top_n_includes_ties_at_the_cut_and_needs_a_tier():
    scores = [_score(1, 90), _score(2, 80), _score(3, 80), _score(4, 70), _score(5, 95, tiered=False)]
    assert select_shortlist(scores, top_n=1) == [1]
    assert select_shortlist(scores, top_n=2) == [1, 2, 3]
    assert select_shortlist(scores, top_n=10) == [1, 2, 3, 4]


def test_shortlist_by_threshold():
    scores = [_score(1, 90), _score(2, 80), _score(3, 79.99), _score(4, 99, tiered=False)]
    assert select_shortlist(scores, threshold=80) == [1, 2]
    with pytest.raises(ValueError):
        select_shortlist(scores, top_n=2, threshold=80)


# --- properties ----------------------------------------------------------------------------------------------

amounts = st.floats(min_value=0, max_value=1.2, allow_nan=False).map(lambda v: round(v, 3))
value_maps = st.dictionaries(st.integers(0, 200), amounts.map(Value), min_size=0, max_size=30)


@settings(max_examples=200, deadline=None)
@given(value_maps)
def test_property_no_order_inside_a_tier(values):
    """Members of a tier are listed by key, and a tier's members do not depend on anything but the bounds:
    swapping the values of two members of the same tier changes nothing."""
    lead = indicators()[0]
    ranking = rank_indicator(lead, values)
    for tier in ranking.tiers:
        assert list(tier.members) == sorted(tier.members)
        if len(tier.members) >= 2:
            a, b = tier.members[0], tier.members[-1]
            swapped = dict(values) | {a: values[b], b: values[a]}
            assert rank_indicator(lead, swapped).levels == ranking.levels


@settings(max_examples=200, deadline=None)
@given(value_maps.filter(bool), st.data())
def test_property_adding_an_equal_value_never_changes_other_tiers(values, data):
    lead = indicators()[0]
    before = rank_indicator(lead, values)
    copied = data.draw(st.sampled_from(sorted(values)))
    after = rank_indicator(lead, {**values, 10_000: values[copied]})
    assert after.ranked == before.ranked
    assert {k: v for k, v in after.levels.items() if k != 10_000} == before.levels
    assert after.levels[10_000] == before.levels[copied]


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=0.01, max_value=10, allow_nan=False),
    st.lists(st.floats(min_value=0.001, max_value=20, allow_nan=False), min_size=1, max_size=4),
    st.sampled_from(["≤", "≥"]),
    value_maps,
)
def test_property_a_valid_scheme_never_tiers_a_value_failing_the_requirement(limit, bounds, sign, values):
    """Whatever tiers a scheme sets, when it validates its lowest tier is not below the requirement, so every
    tiered value meets the national / industry requirement."""
    lower = sign == "≤"
    ordered = sorted({round(b, 3) for b in bounds}, reverse=lower)
    spec = IndicatorSpec(
        "x",
        "指标",
        f"{sign}{round(limit, 3)} mg/L",
        "mg/L",
        tiers=tuple((f"第{i}档", b) for i, b in enumerate(ordered)),
    )
    built, problems = check_scheme((spec, CADMIUM, WHITENESS))
    lowest = ordered[0]
    below = lowest > round(limit, 3) if lower else lowest < round(limit, 3)
    assert ("lowest_tier_below_requirement" in codes(problems)) == below
    if problems:
        return
    indicator = built[0]
    scaled = {k: Value(v.amount * 10) for k, v in values.items()}
    for key, level in rank_indicator(indicator, scaled).levels.items():
        if level:
            amount = scaled[key].amount
            assert amount <= round(limit, 3) + 1e-9 if lower else amount >= round(limit, 3) - 1e-9


@settings(max_examples=100, deadline=None)
@given(value_maps)
def test_property_a_better_value_never_gets_a_lower_tier(values):
    lead = indicators()[0]
    ranking = rank_indicator(lead, values)
    if not ranking.ranked:
        return
    for a, va in values.items():
        for b, vb in values.items():
            if va.amount < vb.amount:
                assert ranking.levels[a] >= ranking.levels[b]


def test_core_indicators_must_cover_the_product_standards_quantifiable_indicators():
    gradeable = ["铅溶出量", "镉溶出量", "吸水率"]
    problems = check_coverage(["铅溶出量", "镉溶出量", "白度"], gradeable, standard="GB 4806.4-2016")
    assert [(p.code, p.indicator) for p in problems] == [("not_covered", "吸水率")]
    assert "GB 4806.4-2016" in problems[0].message
    # Spellings that normalise alike are the same indicator; a person's confirmation counts too.
    assert check_coverage(["铅溶出量(以Pb计)", "镉溶出量", "吸水率"], gradeable) == []
    assert check_coverage(["铅溶出量", "镉溶出量", "吸水率(%)"], gradeable) == []

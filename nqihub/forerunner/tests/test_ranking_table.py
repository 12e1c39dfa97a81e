"""The ranking reads the indicator-value table (`nqihub.standards.models_values.IndicatorValue`) and a grouped
candidate query; it must decide exactly what the rules decide from the disclosures themselves. The reference here
computes the ranking the plain way — standard by standard, from each indicator row's parsed JSON through
`engine.declared_value`, the latest review through `review.services.latest_review` — and the tests compare the
two on chosen and on generated standards: every unit, requirement kind, name variant, review outcome and state."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nqihub.engines.alignment import pair_key
from nqihub.forerunner import engine, services
from nqihub.review.models import ConfirmedAlignment, Severity
from nqihub.review.services import latest_review
from nqihub.standards import services as disclosure_services
from nqihub.standards.indicator_values import value_columns
from nqihub.standards.models import Disclosure, DisclosureState

from . import builders as b

OTHER_CATEGORY = "1431"
# Indicator names as standards write them: the scheme's own, the same name with a basis or spaces, a pair a person
# confirmed (溶出铅), one a person rejected (镉溶出) and a near name that is never guessed (铅溶出).
NAMES = [
    "铅溶出量",
    "铅溶出量(以Pb计)",
    "铅 溶出量",
    "溶出铅",
    "镉溶出量",
    "镉溶出",
    "白度",
    "铅溶出",
    "吸水率",
]
# (requirement, unit column): maxima, minima, ranges, strict bounds, other units of the same and of another
# dimension, an unknown unit, 不得检出, qualitative text, a sampling plan.
REQUIREMENTS = [
    ("≤0.2", "mg/L"),
    ("≤0.3", "mg/L"),
    ("<0.3", "mg/L"),
    ("≤0.5", "mg/L"),
    ("≤0.7", "mg/L"),
    ("≤0.9", "mg/L"),
    ("≤450 μg/L", ""),
    ("≤0.0002 g/L", ""),
    ("≤0.3 mg/kg", ""),
    ("0.1～0.3 mg/L", ""),
    ("0.02～0.04", "mg/L"),
    ("≤0.03", "mg/L"),
    ("≤0.05", "mg/L"),
    ("<0.05", "mg/L"),
    ("≤0.08", "mg/L"),
    ("不得检出", ""),
    ("≥80", "度"),
    (">75", "度"),
    ("≥70", "度"),
    ("≥66", "度"),
    ("≥60", "度"),
    ("70～85", "度"),
    ("≤0.5", "%"),
    ("≤0.5", "furlongs per fortnight"),
    ("无异味", ""),
    ("n=5,c=2,m=100,M=1000", "CFU/g"),
]
OUTCOMES = ["conforming", "conforming", "minor", "nonconforming", None]


# --- one row: what the table stores gives the value the JSON gives ------------------------------------------

SPECS = [
    engine.IndicatorSpec("pb", "铅溶出量", "≤0.8 mg/L", "mg/L", tiers=(("先进", "0.5"),)),
    engine.IndicatorSpec("w", "白度", "≥65", "度", tiers=(("先进", "70"),)),
    engine.IndicatorSpec("t", "温度", "18～22 ℃", "K", direction="higher", tiers=(("先进", "295.15"),)),
    engine.IndicatorSpec("p", "含量", "≤5 %", "‰", tiers=(("先进", "30"),)),
]
PARSED = st.fixed_dictionaries(
    {
        "ok": st.sampled_from([True, True, False]),
        "kind": st.sampled_from(["max", "min", "range", "absent", "qualitative", "sampling_plan", None]),
        "min": st.none() | st.floats(allow_nan=False, allow_infinity=False, width=64),
        "max": st.none() | st.floats(allow_nan=False, allow_infinity=False, width=64),
        "min_inclusive": st.sampled_from([True, False, None]),
        "max_inclusive": st.sampled_from([True, False, None]),
        "unit": st.sampled_from(
            [None, "mg/L", "ug/L", "g/L", "mg/kg", "degree", "degC", "K", "%", "permille", "xyz"]
        ),
    }
)


def from_row(columns, indicator):
    """What the ranking reads of a stored row for this indicator (services._values)."""
    if columns is None:
        return None
    if indicator.direction == "lower":
        return engine.bound_value(columns["upper"], columns["upper_strict"], columns["unit"], indicator)
    return engine.bound_value(columns["lower"], columns["lower_strict"], columns["unit"], indicator)


@given(PARSED)
def test_a_stored_row_declares_what_its_parsed_requirement_declares(parsed):
    for indicator in engine.build_indicators(SPECS, min_core=1):
        assert from_row(value_columns(parsed), indicator) == engine.declared_value(parsed, indicator)


@given(st.sampled_from(REQUIREMENTS))
def test_a_stored_row_declares_what_the_requirement_text_declares(requirement):
    from nqihub.engines.requirements import parse_requirement

    text, unit = requirement
    parsed = parse_requirement(text, unit=unit or None).to_dict()
    for indicator in engine.build_indicators(SPECS, min_core=1):
        assert from_row(value_columns(parsed), indicator) == engine.declared_value(parsed, indicator)


# --- whole rankings ---------------------------------------------------------------------------------------------


@pytest.fixture
def scheme(reference_data):
    ConfirmedAlignment.objects.create(
        name_a="铅溶出量",
        name_b="溶出铅",
        key_a=pair_key("铅溶出量", "溶出铅")[0],
        key_b=pair_key("铅溶出量", "溶出铅")[1],
    )
    ConfirmedAlignment.objects.create(
        name_a="镉溶出量",
        name_b="镉溶出",
        key_a=pair_key("镉溶出量", "镉溶出")[0],
        key_b=pair_key("镉溶出量", "镉溶出")[1],
        same=False,
    )
    return b.scheme(b.evaluator(), top_n=3)


def standard(rows, *, outcome="conforming", c2=False, category=b.CERAMICS, state=DisclosureState.DISCLOSED):
    """A standard disclosed through the services with these (name, requirement, unit) rows — duplicates allowed —
    reviewed with `outcome` (None: never), then left disclosed, revised (a new version with the first row's
    requirement tightened takes its place) or abolished."""
    company = b.enterprise(b.COUNTY, name=f"对照陶瓷{next(b._counter)}有限公司")
    actor = b.staff(company)
    d = disclosure_services.start_disclosure(
        actor,
        company,
        kind="enterprise",
        number=f"Q/{b._letters(company.pk)} 0001-2025",
        title="日用陶瓷餐具",
    )
    for name, requirement, unit in rows:
        disclosure_services.add_indicator(
            actor, d, {"name": name, "requirement": requirement, "unit": unit, "test_method": "GB/T 3534"}
        )
    disclosure_services.add_product(actor, d, {"name": "碗", "model": "FR-1", "category_code": category})
    disclosure_services.sign_commitment(actor, d, "张三", "authorised")
    d = disclosure_services.disclose(actor, d)
    if outcome is not None:
        b.review(d, outcome, c2=c2)
    if state == DisclosureState.ABOLISHED:
        disclosure_services.abolish(actor, d)
    elif state == DisclosureState.REVISED:
        draft = disclosure_services.revise(actor, d)
        first = draft.indicators.order_by("position", "id").first()
        if first is not None:
            disclosure_services.update_indicator(actor, first, {"requirement": "≤0.25", "unit": "mg/L"})
        disclosure_services.sign_commitment(actor, draft, "张三", "authorised")
        new = disclosure_services.disclose(actor, draft)
        if outcome is not None:
            b.review(new, outcome, c2=c2)
    return d


def reference(scheme) -> dict:
    """The ranking the plain way, standard by standard from the indicator rows' parsed JSON."""
    indicators = services.core_indicators(scheme)
    by_key = {str(i.key): i for i in indicators}
    candidates, eligible = [], {}
    values: dict[str, dict[int, engine.Value]] = {key: {} for key in by_key}
    pool = Disclosure.objects.filter(
        state=DisclosureState.DISCLOSED, products__category_code=scheme.category_code
    ).distinct()
    for d in pool.order_by("pk"):
        review = latest_review(d)
        c2 = (
            review is not None
            and review.findings.filter(check_id="C2").exclude(severity=Severity.INFO).exists()
        )
        outcome = review.outcome if review else None
        reason = services.exclusion_reason(d.family, outcome, c2)
        conformity = engine.CONFORMITY.get(outcome, 0.0)
        candidates.append((d.pk, reason, conformity))
        if reason:
            continue
        eligible[d.pk] = conformity
        rows = list(d.indicators.order_by("position", "id").values_list("name", "parsed"))
        matched = services._matched_names(sorted({name for name, _parsed in rows}), indicators)
        for name, parsed in rows:
            key = matched.get(name)
            value = engine.declared_value(parsed, by_key[key]) if key else None
            if value is None:
                continue
            known = values[key].get(d.pk)
            values[key][d.pk] = (
                value if known is None else services._worse(known, value, by_key[key].direction)
            )
    result = engine.rank(indicators, values, eligible, services.scheme_weights(scheme))
    shortlist = engine.select_shortlist(result.scores, top_n=scheme.top_n)
    return outcome_of(candidates, values, result, shortlist)


def outcome_of(candidates, values, result, shortlist) -> dict:
    return {
        "candidates": candidates,
        "values": values,
        "scores": [
            (s.key, s.comprehensiveness, s.advancedness, s.conformity, s.score, dict(s.levels), s.tiered)
            for s in result.scores
        ],
        "indicators": [
            (
                r.indicator.key,
                r.ranked,
                r.reason,
                [(t.tier.level, t.members) for t in r.tiers],
                dict(r.levels),
                r.below,
                r.failing,
                r.missing,
            )
            for r in result.indicators
        ],
        "shortlist": shortlist,
    }


def computed(scheme) -> dict:
    c = services.compute_ranking(scheme)
    return outcome_of(
        [(x.disclosure_id, x.exclusion, x.conformity) for x in c.candidates], c.values, c.result, c.shortlist
    )


@pytest.mark.django_db
def test_the_table_ranks_as_the_indicator_rows_do(scheme):
    # Every kind of row, one standard each on top of a plain field, some with two rows for one indicator.
    for requirement, unit in REQUIREMENTS:
        standard([("铅溶出量", requirement, unit), ("镉溶出量", "≤0.05", "mg/L"), ("白度", "≥70", "度")])
        standard([("白度", requirement, unit), ("铅溶出量(以Pb计)", "≤0.3", "mg/L")])
    standard([("铅溶出量", "≤0.3", "mg/L"), ("铅溶出量(以Pb计)", "≤0.45 mg/L", "")])  # held to the weaker
    standard([("溶出铅", "≤0.2", "mg/L"), ("镉溶出", "≤0.03", "mg/L"), ("铅溶出", "≤0.1", "mg/L")])
    standard([("镉溶出量", "<0.03", "mg/L"), ("镉溶出量", "≤0.03", "mg/L")])  # the non-strict is weaker
    standard([("白度", ">80", "度"), ("白度", "≥80", "度")], outcome="minor")
    standard([("铅溶出量", "≤0.2", "mg/L")], outcome="nonconforming")
    standard([("铅溶出量", "≤0.2", "mg/L")], outcome="minor", c2=True)
    standard([("铅溶出量", "≤0.2", "mg/L")], outcome=None)
    standard([("铅溶出量", "≤0.1", "mg/L")], category=OTHER_CATEGORY)
    standard([("铅溶出量", "≤0.1", "mg/L")], state=DisclosureState.ABOLISHED)
    standard([("铅溶出量", "≤0.6", "mg/L"), ("白度", "≥66", "度")], state=DisclosureState.REVISED)
    reviewed_again = standard([("镉溶出量", "≤0.03", "mg/L")], outcome="nonconforming")
    b.review(reviewed_again, "conforming", days_ago=5)  # older than the 不符合: the latest still decides
    expected = reference(scheme)
    assert computed(scheme) == expected
    assert len(expected["candidates"]) == 2 * len(REQUIREMENTS) + 9
    assert all(r[1] for r in expected["indicators"])
    lead = expected["indicators"][0]
    assert lead[5] and lead[6] and lead[7]  # values below the tiers, failing the requirement, and none


ROWS = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(REQUIREMENTS)), min_size=1, max_size=4)
STANDARDS = st.lists(
    st.fixed_dictionaries(
        {
            "rows": ROWS,
            "outcome": st.sampled_from(OUTCOMES),
            "c2": st.booleans(),
            "category": st.sampled_from([b.CERAMICS, b.CERAMICS, b.CERAMICS, OTHER_CATEGORY]),
            "state": st.sampled_from(
                [DisclosureState.DISCLOSED] * 4 + [DisclosureState.REVISED, DisclosureState.ABOLISHED]
            ),
        }
    ),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(STANDARDS)
def test_generated_standards_rank_alike(scheme, specs):
    # The standards of earlier examples stay (one database per test): the field grows example by example.
    for spec in specs:
        rows = [(name, requirement, unit) for name, (requirement, unit) in spec["rows"]]
        standard(rows, outcome=spec["outcome"], c2=spec["c2"], category=spec["category"], state=spec["state"])
    assert computed(scheme) == reference(scheme)


@pytest.mark.django_db
def test_the_names_of_a_category_are_found_by_stepping_through_the_index(scheme):
    from nqihub.standards.models import IndicatorValue

    assert services.value_names(scheme) == []
    for name in ("铅溶出量", "白度", "铅溶出量(以Pb计)", "Pb", "白度"):
        standard([(name, "≤0.3", "mg/L"), ("感官", "无异味", "")])
    standard([("镉溶出量", "≤0.03", "mg/L")], category=OTHER_CATEGORY)
    names = services.value_names(scheme)
    assert len(names) == len(set(names)) == 4
    assert set(names) == set(
        IndicatorValue.objects.filter(category_code=b.CERAMICS).values_list("name", flat=True)
    )

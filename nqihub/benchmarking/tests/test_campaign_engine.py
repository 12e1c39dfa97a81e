"""The campaign's ranking arithmetic and bulletin wording, on plain values: Chinese numerals as bulletins write them,
"由四十余位跃升至第十九位", competition ranks with tie-breaks, keys from settings, movement, rank within a province."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nqihub.benchmarking import campaign_engine as engine

_VALUE = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT = {"十": 10, "百": 100, "千": 1000}


def read_numeral(text: str) -> int:
    """An independent reader of Chinese numerals (for the round trip)."""
    total, section, digit = 0, 0, 0
    for char in text:
        if char in _VALUE:
            digit = _VALUE[char]
        elif char in _UNIT:
            section += (digit or 1) * _UNIT[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10000
            section, digit = 0, 0
    return total + section + digit


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "零"),
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (43, "四十三"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (145, "一百四十五"),
        (1005, "一千零五"),
        (1010, "一千零一十"),
        (10010, "一万零一十"),
        (100000, "十万"),
    ],
)
def test_chinese_numerals_as_written(n, text):
    assert engine.chinese_numeral(n) == text


@given(st.integers(min_value=0, max_value=10**8 - 1))
def test_chinese_numerals_read_back(n):
    text = engine.chinese_numeral(n)
    assert read_numeral(text) == n
    assert not text.startswith("零") or n == 0
    assert "零零" not in text


@pytest.mark.parametrize(
    ("rank", "zh", "en"),
    [
        (1, "第一位", "1st"),
        (19, "第十九位", "19th"),
        (20, "第二十位", "20th"),
        (23, "二十余位", "20-odd"),
        (40, "第四十位", "40th"),
        (43, "四十余位", "40-odd"),
        (49, "四十余位", "40-odd"),
        (112, "一百一十余位", "110-odd"),
    ],
)
def test_a_bulletin_rounds_ranks_from_20_to_their_tens(rank, zh, en):
    assert engine.bulletin_rank_zh(rank) == zh
    assert engine.bulletin_rank_en(rank) == en


def test_the_report_sentence():
    assert engine.bulletin_zh(43, 19) == "由四十余位跃升至第十九位"
    assert engine.bulletin_en(43, 19) == "from 40-odd up to 19th"
    assert engine.bulletin_zh(25, 19) == "由二十余位上升至第十九位"  # 6 places: a rise, not a leap
    assert engine.bulletin_zh(19, 23) == "由第十九位下降至二十余位"
    assert engine.bulletin_zh(19, 19) == "保持在第十九位"
    assert engine.bulletin_en(19, 19) == "holding at 19th"
    with pytest.raises(ValueError):
        engine.bulletin_zh(0, 19)


@given(st.integers(min_value=20, max_value=9999))
def test_an_approximate_rank_names_the_tens_below_it(rank):
    text = engine.bulletin_rank_zh(rank)
    if rank % 10:
        assert text.endswith("余位") and not text.startswith("第")
        tens = read_numeral(text.removesuffix("余位"))
        assert tens % 10 == 0 and tens < rank < tens + 10
    else:
        assert read_numeral(text.removeprefix("第").removesuffix("位")) == rank


def test_movement():
    up = engine.movement(43, 19)
    assert (up.delta, up.direction, up.arrow) == (24, "up", "↑")
    assert engine.movement(19, 23).direction == "down" and engine.movement(19, 23).delta == -4
    assert engine.movement(19, 19).direction == "same"
    assert engine.movement(None, 7).direction == "new" and engine.movement(None, 7).delta is None
    with pytest.raises(ValueError):
        engine.movement(0, 3)


KEY = engine.BUILTIN_KEYS["results"]


def test_ranks_by_results_then_enterprises_sharing_a_rank_when_all_equal():
    figures = [
        ("450300", {"results": 30, "enterprises": 10}),
        ("360900", {"results": 50, "enterprises": 20}),
        ("450100", {"results": 30, "enterprises": 12}),  # same results, more enterprises: ahead of 450300
        ("450200", {"results": 30, "enterprises": 10, "verified": 0}),  # equal to 450300 in everything
        ("450400", {}),  # no figures: 0
    ]
    ranked = engine.rank(figures, KEY)
    assert [(r.code, r.rank) for r in ranked] == [
        ("360900", 1),
        ("450100", 2),
        ("450200", 3),
        ("450300", 3),
        ("450400", 5),
    ]
    assert ranked[0].value == 50


def test_a_weighted_composite_normalises_each_count_to_the_best():
    key = engine.key_from_config("mix", {"weights": {"results": 0.5, "enterprises": 0.5}})
    assert key.normalise and key.is_composite
    ranked = engine.rank(
        [("A", {"results": 100, "enterprises": 10}), ("B", {"results": 50, "enterprises": 20})], key
    )
    # A: 0.5·100 + 0.5·50 = 75; B: 0.5·50 + 0.5·100 = 75 — equal, and no tie-break configured
    assert [(r.code, r.rank, r.value) for r in ranked] == [("A", 1, 75.0), ("B", 1, 75.0)]
    raw = engine.key_from_config("raw", {"weights": {"results": 1, "enterprises": 2}, "normalise": False})
    assert engine.rank([("A", {"results": 100, "enterprises": 10})], raw)[0].value == 120


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"weights": {"sales": 1}}, "unknown count 'sales'"),
        ({"weights": {"results": 0}}, "must be > 0"),
        ({"weights": {}}, "'weights' must map"),
        ({"weights": {"results": 1}, "ties": ["x"]}, "unknown tie-break"),
        (["results"], "expected a count name or a mapping"),
    ],
)
def test_a_bad_key_configuration_says_what_is_wrong(config, message):
    with pytest.raises(engine.RankingKeyError, match=message):
        engine.key_from_config("bad", config)


_FIGURES = st.fixed_dictionaries({m: st.integers(min_value=0, max_value=50) for m in engine.METRICS})


@given(st.lists(_FIGURES, min_size=1, max_size=30), st.sampled_from(sorted(engine.BUILTIN_KEYS)))
def test_ranks_are_competition_ranks_consistent_with_the_values(rows, slug):
    key = engine.BUILTIN_KEYS[slug]
    entries = [(f"{450000 + n:06d}", figures) for n, figures in enumerate(rows)]
    ranked = engine.rank(entries, key)
    assert sorted(r.code for r in ranked) == sorted(c for c, _f in entries)
    assert ranked[0].rank == 1
    by_code = dict(entries)
    for position, (a, b) in enumerate(zip(ranked, ranked[1:], strict=False), start=2):
        assert a.value >= b.value
        assert b.rank in (a.rank, position)  # shared, or the position (1, 2, 2, 4)
        same = a.value == b.value and all(by_code[a.code][t] == by_code[b.code][t] for t in key.ties)
        assert (b.rank == a.rank) == same
    # the order does not depend on the order of the input
    assert engine.rank(list(reversed(entries)), key) == ranked


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=500))
def test_movement_delta_is_places_gained(before, after):
    change = engine.movement(before, after)
    assert change.delta == before - after
    assert (change.direction == "up") == (after < before)


def test_rank_within_a_province():
    ranks = [("360900", 1), ("450300", 19), ("450100", 7), ("450200", 25), ("450400", 19)]
    assert engine.position_within(ranks, "450300", "45") == 2  # after 450100; 450400 shares it
    assert engine.position_within(ranks, "450400", "45") == 2
    assert engine.position_within(ranks, "450200", "45") == 4
    assert engine.position_within(ranks, "110000", "11") is None


def test_the_engine_imports_no_django():
    import ast
    import pathlib

    tree = ast.parse(pathlib.Path(engine.__file__).read_text(encoding="utf-8"))
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names} | {
        n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
    }
    assert not any(m.startswith("django") or m.startswith("nqihub") for m in modules)

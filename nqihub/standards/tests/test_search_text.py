"""The search tokenizer (nqihub.engines.search_text): pure functions, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nqihub.engines.search_text import (
    SearchDocument,
    facet_value,
    fold_search,
    index_tokens,
    industry_facets,
    parse_query,
    region_facets,
    tier_terms,
)


def tokens_of(**fields) -> set[str]:
    return set(index_tokens(SearchDocument(**fields)))


def found(query: str, **fields) -> bool:
    """Whether the document holds every term of the query, anywhere."""
    return set(parse_query(query).terms) <= tokens_of(**fields)


class TestFolding:
    def test_traditional_full_width_and_case_fold(self):
        assert fold_search("鉛溶出量") == "铅溶出量"
        assert fold_search("飲用水 標準") == "饮用水 标准"
        assert fold_search("ＬＥＤ　燈具") == "led 灯具"

    def test_simplified_text_is_unchanged(self):
        assert fold_search("日用陶瓷餐具 铅溶出量") == "日用陶瓷餐具 铅溶出量"


class TestChinese:
    def test_one_and_two_character_queries_find_longer_words(self):
        assert found("陶瓷", titles=["日用陶瓷餐具"])
        assert found("铅", details=["铅溶出量"])
        assert found("瓷餐", titles=["日用陶瓷餐具"])  # any two neighbours, not only dictionary words

    def test_traditional_query_finds_simplified_text(self):
        assert found("鉛", details=["铅溶出量"])
        assert found("餐具", titles=["日用陶瓷餐具"])
        assert found("標準", titles=["食品安全国家标准 包装饮用水"])
        assert found("飲用水", titles=["食品安全国家标准 包装饮用水"])

    def test_words_typed_together_are_matched_separately(self):
        # jieba cuts 陶瓷铅 into 陶瓷 / 铅: each may sit in a different field
        assert parse_query("陶瓷铅").terms == ("陶瓷", "铅")
        assert found("陶瓷铅", titles=["日用陶瓷餐具"], details=["铅溶出量"])

    def test_characters_that_are_not_there_do_not_match(self):
        assert not found("陶瓷", titles=["玻璃餐具"])
        assert not found("镉", details=["铅溶出量"])

    def test_function_words_are_dropped_when_there_is_more(self):
        assert parse_query("饮用水的铅").terms == ("饮用", "用水", "铅")
        assert parse_query("的").terms == ("的",)

    @given(st.text(alphabet="陶瓷餐具铅镉溶出量日用饮水杯碗的", min_size=1, max_size=30), st.data())
    def test_any_piece_of_a_text_finds_it(self, text, data):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        assert found(text[start:end], details=[text])


class TestNumbers:
    @pytest.mark.parametrize(
        "typed", ["gb/t19001-2016", "ＧＢ／Ｔ　１９００１－２０１６", "GB/T 19001—2016", "GB/T 19001-2016"]
    )
    def test_sloppy_numbers_are_one_token(self, typed):
        query = parse_query(typed)
        assert query.terms == ("gb/t_19001-2016",)
        assert query.numbers == ("GB/T 19001-2016",)
        assert found(typed, numbers=["GB/T 19001—2016"])

    def test_number_without_year_finds_every_edition(self):
        assert parse_query("GB/T 19001").terms == ("gb/t_19001",)
        assert found("GB/T 19001", numbers=["GB/T 19001-2008"])
        assert found("GB/T 19001", numbers=["GB/T 19001-2016/ISO 9001:2015"])
        assert not found("GB/T 19001-2008", numbers=["GB/T 19001-2016"])

    def test_identical_adoption_is_searchable(self):
        assert found("ISO 9001:2015", numbers=["GB/T 19001-2016/ISO 9001:2015"])

    def test_number_inside_a_query_with_words(self):
        assert parse_query("GB 4806.4 陶瓷").terms == ("gb_4806.4", "陶瓷")
        assert parse_query("GB4806.4-2016陶瓷").terms == ("gb_4806.4-2016", "陶瓷")

    def test_number_in_a_test_method_is_found(self):
        assert found("GB 5009.12", details=["按GB 5009.12—2017规定的方法测定"])

    def test_number_in_a_format_stdnum_does_not_know_is_still_one_token(self):
        assert "q/gx-abc-01-2024" in tokens_of(numbers=["Q/GX-ABC-01-2024"])
        assert not any("附件" in t and "/" in t for t in tokens_of(numbers=["Q/GX 附件"]))

    @pytest.mark.parametrize(
        "typed",
        ["q/ystc0001—2025", "Q/YSTC 0001-2025", "ｑ／ｙｓｔｃ　０００１－２０２５", "Q/YSTC  0001 - 2025"],
    )
    def test_an_enterprise_number_matches_whatever_its_spacing(self, typed):
        assert found(typed, numbers=["Q/YSTC 0001-2025"])
        assert not found(typed, numbers=["Q/YSTC 0002-2025"])

    def test_sequence_number_and_uscc(self):
        assert found("19001", numbers=["GB/T 19001-2016"])
        assert found("91450321MA5L0000XX".lower(), identifiers=["91450321MA5L0000XX"])


class TestTiersAndFacets:
    def test_a_token_is_marked_for_its_best_field_and_every_wider_tier(self):
        tokens = tokens_of(names=["阳朔陶瓷"], titles=["陶瓷杯"], details=["杯"])
        assert {"陶瓷", "2=陶瓷", "3=陶瓷"} <= tokens and "1=陶瓷" not in tokens
        assert {"杯", "3=杯"} <= tokens and "2=杯" not in tokens

    def test_tier_terms(self):
        assert tier_terms(["陶瓷", "铅"], 2) == ["2=陶瓷", "2=铅"]
        assert tier_terms(["陶瓷"], 4) == ["陶瓷"]

    def test_facets(self):
        assert region_facets("450321") == ["r=45", "r=4503", "r=450321"]
        assert region_facets("450300") == ["r=45", "r=4503"]
        assert industry_facets("3074") == ["i=c", "i=30", "i=307", "i=3074"]
        assert facet_value("industry", "C") == "i=c"
        assert facet_value("region", "4503") == "r=4503"
        assert facet_value("region", "45'03") is None

    @given(st.text(max_size=60))
    def test_tokens_are_safe_for_both_databases(self, text):
        for token in index_tokens(SearchDocument(titles=[text], numbers=[text], details=[text])):
            assert token and not any(c.isspace() or c in "'\"\\" for c in token)
        for term in parse_query(text).terms:
            assert term and "=" not in term and not any(c.isspace() or c in "'\"\\" for c in term)


class TestPeriods:
    def test_quarter_tokens_newest_first(self):
        import datetime as dt

        from nqihub.engines.search_text import period_facet, periods_between

        assert period_facet(dt.datetime(2026, 11, 21, tzinfo=dt.UTC)) == "t=2026q4"
        # the quarter follows UTC, like the stored time the results are ordered by
        assert (
            period_facet(dt.datetime(2027, 1, 1, 6, tzinfo=dt.timezone(dt.timedelta(hours=8)))) == "t=2026q4"
        )
        assert periods_between(
            dt.datetime(2026, 2, 1, tzinfo=dt.UTC), dt.datetime(2025, 9, 1, tzinfo=dt.UTC)
        ) == [
            "t=2026q1",
            "t=2025q4",
            "t=2025q3",
        ]

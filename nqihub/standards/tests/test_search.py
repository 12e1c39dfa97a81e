"""Public search against the database: the same corpus, the same answers on SQLite and on PostgreSQL.

The corpus is built through the ORM and indexed with `sync_search_entry`, as the disclosure services do.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.utils import timezone

from nqihub.engines import stdnum
from nqihub.registry.models import Enterprise
from nqihub.standards import search
from nqihub.standards.models import (
    Disclosure,
    DisclosureKind,
    DisclosureState,
    Indicator,
    Product,
    SearchEntry,
)
from nqihub.standards.search import SearchRequest, search_disclosures, sync_search_entry
from nqihub.testing import uscc

NOW = timezone.now().replace(microsecond=0)


def make_disclosure(
    enterprise: Enterprise,
    number: str,
    title: str,
    *,
    state: str = DisclosureState.DISCLOSED,
    days_ago: int = 0,
    products: tuple = (),
    indicators: tuple = (),
    previous: Disclosure | None = None,
) -> Disclosure:
    """A disclosure with its products (name, model, category) and indicators (name, requirement, unit, method),
    indexed the way the disclosure services index it."""
    d = Disclosure.objects.create(
        enterprise=enterprise,
        region_code=enterprise.region_code,
        kind=DisclosureKind.ENTERPRISE if number.startswith("Q/") else DisclosureKind.EXTERNAL,
        standard_number=number,
        normalized_number=stdnum.normalize(number) or number,
        title=title,
        state=state,
        version=previous.version + 1 if previous else 1,
        previous=previous,
        disclosed_at=None if state == DisclosureState.DRAFT else NOW - datetime.timedelta(days=days_ago),
    )
    for i, (name, model, category) in enumerate(products):
        Product.objects.create(disclosure=d, name=name, model=model, category_code=category, position=i)
    for i, (name, requirement, unit, method) in enumerate(indicators):
        Indicator.objects.create(
            disclosure=d, name=name, requirement=requirement, unit=unit, test_method=method, position=i
        )
    sync_search_entry(d)
    return d


@dataclass
class Corpus:
    enterprises: dict = field(default_factory=dict)
    d: dict = field(default_factory=dict)


@pytest.fixture
def corpus(db) -> Corpus:
    c = Corpus()
    e = c.enterprises
    e["ceramics"] = Enterprise.objects.create(
        name="阳朔测试陶瓷有限公司", uscc=uscc("450321"), region_code="450321", industry_code="3074"
    )
    e["tea"] = Enterprise.objects.create(
        name="临桂测试茶业有限公司", uscc=uscc("450312"), region_code="450312", industry_code="1530"
    )
    e["water"] = Enterprise.objects.create(
        name="杭州测试饮品有限公司", uscc=uscc("330106"), region_code="330106", industry_code="1522"
    )
    d = c.d
    d["tableware"] = make_disclosure(
        e["ceramics"],
        "Q/YSTC 0001-2024",
        "日用陶瓷餐具",
        days_ago=10,
        products=[("陶瓷碗", "YS-01", "3074")],
        indicators=[
            ("铅溶出量", "≤0.2", "mg/L", "GB/T 3534"),
            ("镉溶出量", "≤0.02", "mg/L", "GB/T 3534"),
        ],
    )
    d["iso_old"] = make_disclosure(e["ceramics"], "GB/T 19001-2008", "质量管理体系 要求", days_ago=400)
    d["iso"] = make_disclosure(e["tea"], "GB/T 19001—2016", "质量管理体系 要求", days_ago=30)
    d["water"] = make_disclosure(
        e["water"],
        "GB 19298-2014",
        "食品安全国家标准 包装饮用水",
        days_ago=5,
        products=[("饮用天然水", "19001", "1522")],
        indicators=[("菌落总数", "≤100", "CFU/mL", "GB 4789.2")],
    )
    d["cup"] = make_disclosure(e["water"], "Q/HZCS 0002-2023", "日用陶瓷杯", days_ago=1)
    d["draft"] = make_disclosure(
        e["ceramics"], "Q/YSTC 0009-2025", "陶瓷茶具草稿", state=DisclosureState.DRAFT
    )
    old = make_disclosure(e["tea"], "Q/LGCY 0001-2020", "红茶", days_ago=900)
    d["black_tea"] = make_disclosure(e["tea"], "Q/LGCY 0001-2023", "红茶", days_ago=20, previous=old)
    old.state = DisclosureState.REVISED
    old.save()
    sync_search_entry(old)
    d["black_tea_old"] = old
    d["abolished"] = make_disclosure(
        e["water"], "Q/HZCS 0001-2019", "矿泉水", state=DisclosureState.ABOLISHED, days_ago=700
    )
    return c


def ids(query: str = "", **filters) -> list[int]:
    return [hit.disclosure.pk for hit in search_disclosures(SearchRequest(q=query, **filters)).hits]


def names(corpus: Corpus, found: list[int]) -> list[str]:
    by_pk = {d.pk: key for key, d in corpus.d.items()}
    return [by_pk[pk] for pk in found]


class TestChineseQueries:
    def test_two_characters_inside_longer_words(self, corpus):
        # enterprise name (tier 2) before titles (tier 3); newest first inside a tier
        assert names(corpus, ids("陶瓷")) == ["tableware", "iso_old", "cup"]

    def test_one_character_inside_an_indicator_name(self, corpus):
        assert names(corpus, ids("铅")) == ["tableware"]

    def test_traditional_characters(self, corpus):
        assert names(corpus, ids("鉛")) == ["tableware"]
        assert names(corpus, ids("陶瓷餐具")) == ["tableware"]
        assert names(corpus, ids("標準")) == ["water"]
        assert names(corpus, ids("飲用水")) == ["water"]

    def test_words_typed_together_may_sit_in_different_fields(self, corpus):
        assert names(corpus, ids("陶瓷铅")) == ["tableware"]

    def test_nothing_found(self, corpus):
        result = search_disclosures(SearchRequest(q="不锈钢"))
        assert result.count == 0 and result.hits == []


class TestNumbersAndIdentifiers:
    @pytest.mark.parametrize(
        "typed", ["gb/t19001-2016", "ＧＢ／Ｔ　１９００１－２０１６", "GB/T 19001—2016", "GB/T 19001-2016"]
    )
    def test_sloppy_numbers(self, corpus, typed):
        assert names(corpus, ids(typed)) == ["iso"]

    def test_number_without_year_finds_every_edition(self, corpus):
        assert names(corpus, ids("GB/T 19001")) == ["iso", "iso_old"]

    def test_number_match_ranks_above_other_fields(self, corpus):
        # 19001 is in two standard numbers (tier 1) and one product model (tier 4), which is newer
        result = search_disclosures(SearchRequest(q="19001"))
        assert names(corpus, [h.disclosure.pk for h in result.hits]) == ["iso", "iso_old", "water"]
        assert [h.tier for h in result.hits] == [1, 1, 4]

    def test_enterprise_name_fragment(self, corpus):
        assert names(corpus, ids("阳朔测试")) == ["tableware", "iso_old"]

    def test_uscc(self, corpus):
        assert names(corpus, ids(corpus.enterprises["tea"].uscc)) == ["black_tea", "iso"]
        assert names(corpus, ids(corpus.enterprises["tea"].uscc.lower())) == ["black_tea", "iso"]

    def test_test_method_number(self, corpus):
        assert names(corpus, ids("GB 4789.2")) == ["water"]


class TestStatesAndFilters:
    def test_draft_is_never_found(self, corpus):
        assert not SearchEntry.objects.filter(disclosure=corpus.d["draft"]).exists()
        for status in ("current", "abolished", "all"):
            assert corpus.d["draft"].pk not in ids("草稿", status=status)
            assert corpus.d["draft"].pk not in ids("陶瓷", status=status)

    def test_revised_version_is_replaced_by_the_newer_one(self, corpus):
        assert names(corpus, ids("红茶")) == ["black_tea"]
        assert names(corpus, ids("红茶", status="all")) == ["black_tea"]

    def test_abolished_only_with_the_status_filter(self, corpus):
        assert ids("矿泉水") == []
        assert names(corpus, ids("矿泉水", status="abolished")) == ["abolished"]
        assert names(corpus, ids("杭州测试", status="all")) == ["cup", "water", "abolished"]
        assert names(corpus, ids("杭州测试", status="abolished")) == ["abolished"]

    def test_region(self, corpus):
        assert names(corpus, ids("质量管理", region="4503")) == ["iso", "iso_old"]
        assert names(corpus, ids("质量管理", region="450321")) == ["iso_old"]
        assert names(corpus, ids("质量管理", region="33")) == []

    def test_industry_of_the_enterprise_or_the_product(self, corpus):
        assert names(corpus, ids("陶瓷", industry="3074")) == ["tableware", "iso_old"]
        assert names(corpus, ids("日用", industry="C")) == ["cup", "tableware"]
        assert names(corpus, ids("测试", industry="152")) == ["cup", "water"]

    def test_family(self, corpus):
        assert names(corpus, ids("测试", family="national")) == ["water", "iso", "iso_old"]
        assert names(corpus, ids("测试", family="enterprise")) == ["cup", "tableware", "black_tea"]

    def test_filters_without_words_list_everything_that_passes_them(self, corpus):
        result = search_disclosures(SearchRequest(region="330106"))
        assert names(corpus, [h.disclosure.pk for h in result.hits]) == ["cup", "water"]
        assert {h.tier for h in result.hits} == {0}

    def test_nothing_to_search_for(self, corpus):
        result = search_disclosures(SearchRequest(q="  "))
        assert not result.searched and result.count == 0

    def test_sync_follows_state_changes(self, corpus):
        cup = corpus.d["cup"]
        cup.state = DisclosureState.ABOLISHED
        sync_search_entry(cup)
        assert ids("陶瓷杯") == [] and ids("陶瓷杯", status="abolished") == [cup.pk]
        cup.state = DisclosureState.DRAFT
        sync_search_entry(cup)
        assert ids("陶瓷杯", status="all") == []

    def test_enterprise_rename_is_followed(self, corpus):
        tea = corpus.enterprises["tea"]
        tea.name = "桂林红韵茶叶有限公司"
        tea.save()
        assert search.sync_enterprise_entries(tea) == 2
        assert names(corpus, ids("红韵")) == ["black_tea", "iso"]


class TestPaging:
    def test_pages_follow_the_order(self, corpus):
        everything = ids("测试", status="all")
        assert len(everything) == 7
        pages = [
            search_disclosures(SearchRequest(q="测试", status="all", page=p, page_size=3)) for p in (1, 2, 3)
        ]
        assert [r.count for r in pages] == [7, 7, 7]
        assert [r.num_pages for r in pages] == [3, 3, 3]
        assert [pk for r in pages for pk in (h.disclosure.pk for h in r.hits)] == everything
        assert pages[0].has_next and not pages[0].has_previous and not pages[2].has_next

    def test_a_page_across_tiers(self, corpus):
        # 陶瓷: two tier-2 hits then one tier-3 hit; page 2 of size 2 starts inside tier 3
        result = search_disclosures(SearchRequest(q="陶瓷", page=2, page_size=2))
        assert names(corpus, [h.disclosure.pk for h in result.hits]) == ["cup"]
        assert result.hits[0].tier == 3

    def test_count_is_exact_up_to_the_limit_then_pages_go_on(self, corpus, monkeypatch):
        monkeypatch.setattr(search, "COUNT_LIMIT", 2)
        everything = ids("测试", status="all")
        pages = [
            search_disclosures(SearchRequest(q="测试", status="all", page=p, page_size=3)) for p in (1, 2, 3)
        ]
        assert {(r.count, r.count_exact, r.num_pages) for r in pages} == {(2, False, None)}
        assert [r.has_next for r in pages] == [True, True, False]
        assert [pk for r in pages for pk in (h.disclosure.pk for h in r.hits)] == everything
        exact = search_disclosures(SearchRequest(q="陶瓷"))
        assert (exact.count, exact.count_exact, exact.num_pages) == (2, False, None)

    def test_no_page_beyond_the_results_served(self, corpus, monkeypatch):
        monkeypatch.setattr(search, "MAX_RESULTS", 4)
        result = search_disclosures(SearchRequest(q="测试", status="all", page=2, page_size=3))
        assert (result.count, result.count_exact, result.num_pages) == (7, True, 2)
        assert len(result.hits) == 1 and not result.has_next and result.truncated

    def test_page_beyond_the_last_is_the_last(self, corpus):
        result = search_disclosures(SearchRequest(q="陶瓷", page=99, page_size=2))
        assert result.page == 2


class TestIndexMaintenance:
    def test_rebuild_gives_the_same_answers(self, corpus):
        before = {q: ids(q) for q in ("陶瓷", "铅", "GB/T 19001", "测试")}
        SearchEntry.objects.all().delete()
        corpus.d["draft"].refresh_from_db()
        assert search.rebuild_search_index(batch_size=3) == 7
        assert {q: ids(q) for q in before} == before

    def test_rebuild_command(self, corpus):
        import io
        import json

        from django.core.management import call_command

        SearchEntry.objects.all().delete()
        out = io.StringIO()
        call_command("rebuild_search_index", "--json", stdout=out)
        assert json.loads(out.getvalue())["indexed"] == 7
        assert names(corpus, ids("铅")) == ["tableware"]

    def test_rebuild_drops_entries_of_unpublished_disclosures(self, corpus):
        SearchEntry.objects.create(disclosure=corpus.d["draft"], disclosed_at=NOW, tokens=["草稿"])
        search.rebuild_search_index()
        assert not SearchEntry.objects.filter(disclosure=corpus.d["draft"]).exists()

    def test_tokens_round_trip(self, corpus):
        entry = SearchEntry.objects.get(disclosure=corpus.d["iso"])
        assert "gb/t_19001-2016" in entry.tokens and "2=临桂" in entry.tokens

    def test_every_plan_gives_the_same_page(self, corpus, monkeypatch):
        """The page of hits does not depend on how far counting goes, nor (on PostgreSQL) on the plan chosen
        between walking the order index and reading the GIN index."""
        postgres = connection.vendor == "postgresql"
        cases = [
            ("测试", "all", 1, 3),
            ("测试", "all", 3, 3),
            ("陶瓷", "current", 2, 2),
            ("19001", "current", 1, 20),
        ]

        def pages():
            out = []
            for q, status, page, size in cases:
                r = search_disclosures(SearchRequest(q=q, status=status, page=page, page_size=size))
                out.append((r.has_next, [(h.disclosure.pk, h.tier) for h in r.hits]))
            return out

        by_limit = []
        for limit in (search.COUNT_LIMIT, 2):
            monkeypatch.setattr(search, "COUNT_LIMIT", limit)
            if postgres:
                monkeypatch.setattr(search._PostgresIndex, "force", None)
            expected = pages()
            by_limit.append(expected)
            for plan in ("walk", "index", "periods") if postgres else ():
                monkeypatch.setattr(search._PostgresIndex, "force", plan)
                assert pages() == expected, (limit, plan)
        assert by_limit[0] == by_limit[1]
        assert any(hits for _, hits in by_limit[0])

"""The public search page, enterprise page, disclosure page and search API, over the corpus of test_search."""

import re

import pytest
from django.urls import reverse

from nqihub.standards.models import DisclosureState

from . import test_search

corpus = test_search.corpus  # the fixture, shared with the search tests

pytestmark = pytest.mark.usefixtures("reference_data")


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


class TestSearchPage:
    def test_prompt_without_a_query(self, client, corpus):
        response = client.get(reverse("search:search"))
        assert response.status_code == 200
        assert "请输入关键词" in page_text(response)

    def test_results_in_relevance_order_without_javascript(self, client, corpus):
        response = client.get(reverse("search:search"), {"q": "陶瓷"})
        html = page_text(response)
        assert response.status_code == 200
        assert "共 3 条" in html
        order = [html.index(t) for t in ("Q/YSTC 0001-2024", "GB/T 19001-2008", "Q/HZCS 0002-2023")]
        assert order == sorted(order)
        assert "陶瓷碗(YS-01)" in html  # products on the card
        assert "阳朔测试陶瓷有限公司" in html and "广西壮族自治区 桂林市 阳朔县" in html
        assert "陶瓷茶具草稿" not in html
        assert "<script" not in response.content.decode().split("</footer>")[0].split("<body>")[1]

    def test_filters_and_errors(self, client, corpus):
        response = client.get(reverse("search:search"), {"q": "质量管理", "region": "450321"})
        assert "共 1 条" in page_text(response)
        response = client.get(reverse("search:search"), {"q": "质量管理", "region": "45x"})
        html = page_text(response)
        assert response.status_code == 200
        assert "地区应为 2、4 或 6 位行政区划代码" in html and "共 2 条" in html

    def test_pagination_links_keep_the_query(self, client, corpus):
        response = client.get(reverse("search:search"), {"q": "测试", "status": "all", "page_size": 3})
        html = response.content.decode()
        assert "共 7 条" in page_text(response)
        assert "q=%E6%B5%8B%E8%AF%95&amp;status=all&amp;page_size=3&amp;page=2" in html
        second = client.get(
            reverse("search:search"), {"q": "测试", "status": "all", "page_size": 3, "page": 3}
        )
        assert page_text(second).count('data-testid="hit"') == 1

    def test_demo_rows_carry_the_badge(self, client, corpus):
        tea = corpus.d["black_tea"]
        tea.is_demo = True
        tea.save()
        html = page_text(client.get(reverse("search:search"), {"q": "红茶"}))
        assert "badge-demo" in html


class TestEnterprisePage:
    def test_every_disclosed_standard_with_products_indicators_and_methods(self, client, corpus):
        ceramics = corpus.enterprises["ceramics"]
        response = client.get(reverse("search:enterprise", args=[ceramics.uscc]))
        html = page_text(response)
        assert response.status_code == 200
        assert html.count('data-testid="disclosure"') == 2
        assert "日用陶瓷餐具" in html and "质量管理体系 要求" in html
        assert "<td>铅溶出量</td><td>≤0.2</td><td>mg/L</td><td>GB/T 3534</td>" in html
        assert "陶瓷茶具草稿" not in html

    def test_lower_case_uscc_and_abolished_list(self, client, corpus):
        water = corpus.enterprises["water"]
        html = page_text(client.get(reverse("search:enterprise", args=[water.uscc.lower()])))
        assert "已废止的标准" in html and "矿泉水" in html

    def test_enterprise_without_published_disclosures_has_no_page(self, client, corpus):
        ceramics = corpus.enterprises["ceramics"]
        for d in ceramics.disclosures.all():
            d.state = DisclosureState.DRAFT
            d.save()
        assert client.get(reverse("search:enterprise", args=[ceramics.uscc])).status_code == 404
        assert client.get(reverse("search:enterprise", args=["91450000000000000X"])).status_code == 404


class TestDisclosurePage:
    def test_published_disclosure(self, client, corpus):
        response = client.get(reverse("search:disclosure", args=[corpus.d["tableware"].pk]))
        html = page_text(response)
        assert response.status_code == 200
        assert "镉溶出量" in html and "现行有效" in html

    def test_draft_is_not_found_even_by_its_owner(self, client, corpus, world):
        url = reverse("search:disclosure", args=[corpus.d["draft"].pk])
        assert client.get(url).status_code == 404
        client.force_login(world.users["admin"])
        assert client.get(url).status_code == 404

    def test_revised_version_names_its_successor(self, client, corpus):
        html = page_text(client.get(reverse("search:disclosure", args=[corpus.d["black_tea_old"].pk])))
        assert "此版本已被新版本代替" in html
        assert reverse("search:disclosure", args=[corpus.d["black_tea"].pk]) in html


class TestApi:
    def test_shape(self, client, corpus):
        response = client.get("/api/v1/public/search", {"q": "铅"})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1 and body["page"] == 1 and body["num_pages"] == 1
        assert body["next"] is None and body["previous"] is None
        (hit,) = body["results"]
        assert hit["standard_number"] == "Q/YSTC 0001-2024"
        assert hit["matched_in"] == 4 and hit["matched_in_display"] == "产品或技术指标"
        assert hit["enterprise"]["name"] == "阳朔测试陶瓷有限公司"
        assert hit["enterprise"]["region_name"] == "广西壮族自治区 桂林市 阳朔县"
        assert hit["products"] == [{"name": "陶瓷碗", "model": "YS-01"}]
        assert hit["url"].endswith(reverse("search:disclosure", args=[corpus.d["tableware"].pk]))
        assert hit["enterprise"]["url"].endswith(
            reverse("search:enterprise", args=[corpus.enterprises["ceramics"].uscc])
        )

    def test_same_answers_as_the_page_and_paging_links(self, client, corpus):
        body = client.get("/api/v1/public/search", {"q": "测试", "status": "all", "page_size": 3}).json()
        assert body["count"] == 7 and body["num_pages"] == 3 and len(body["results"]) == 3
        following = client.get(body["next"]).json()
        assert following["page"] == 2 and following["previous"]

    def test_number_query(self, client, corpus):
        body = client.get("/api/v1/public/search", {"q": "ＧＢ／Ｔ　１９００１－２０１６"}).json()
        assert [r["standard_number"] for r in body["results"]] == ["GB/T 19001—2016"]
        assert body["query"]["numbers"] == ["GB/T 19001-2016"]

    def test_bad_filter_is_a_clear_400(self, client, corpus):
        response = client.get("/api/v1/public/search", {"q": "陶瓷", "status": "gone"})
        assert response.status_code == 400
        assert "status" in response.json()

    def test_in_the_openapi_schema(self, client):
        schema = client.get(reverse("api-schema")).content.decode()
        assert "/api/v1/public/search" in schema and "public_search" in schema

"""Disclosure statistics: the three figures of a work report, per region and as of any day, in one query."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from nqihub.core.models import Role
from nqihub.standards.models import Disclosure, DisclosureKind, DisclosureState, Product
from nqihub.standards.statistics import disclosure_figures, figures_by_subregion
from nqihub.testing import COUNTY, OTHER_COUNTY, enterprise, user


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + "T10:00"))


def disclosure(
    ent, number, *, state=DisclosureState.DISCLOSED, disclosed=None, abolished=None, products=1, previous=None
):
    d = Disclosure.objects.create(
        enterprise=ent,
        region_code=ent.region_code,
        kind=DisclosureKind.ENTERPRISE,
        standard_number=number,
        normalized_number=number,
        title="统计测试标准",
        state=state,
        disclosed_at=at(disclosed) if disclosed else None,
        abolished_at=at(abolished) if abolished else None,
        previous=previous,
        version=(previous.version + 1) if previous else 1,
    )
    for n in range(products):
        Product.objects.create(disclosure=d, name=f"产品{n}", model=f"M{n}", category_code="3074")
    return d


@pytest.fixture
def city(reference_data):
    a, b = enterprise(COUNTY, name="统计甲公司"), enterprise(COUNTY, name="统计乙公司")
    c = enterprise(OTHER_COUNTY, name="统计丙公司")
    outside = enterprise("450103", name="南宁统计公司")
    disclosure(a, "Q/A 1-2025", disclosed="2025-03-01", products=3)
    old = disclosure(a, "Q/A 2-2024", state=DisclosureState.REVISED, disclosed="2024-05-01", products=2)
    disclosure(a, "Q/A 2-2026", disclosed="2026-02-01", products=2, previous=old)
    disclosure(b, "Q/B 1-2025", disclosed="2025-06-01", products=1)
    disclosure(
        b, "Q/B 2-2025", state=DisclosureState.ABOLISHED, disclosed="2025-01-01", abolished="2025-09-01"
    )
    disclosure(b, "Q/B 3-2026", state=DisclosureState.DRAFT, products=5)
    disclosure(c, "Q/C 1-2026", disclosed="2026-01-10", products=4)
    disclosure(outside, "Q/N 1-2026", disclosed="2026-01-10", products=9)
    return user("stat_city", Role.REGULATOR, region_code="450300"), user(
        "stat_county", Role.REGULATOR, region_code=COUNTY
    )


def test_city_figures_today(city):
    city_regulator, _ = city
    figures = disclosure_figures(city_regulator, "450300", datetime.date(2026, 11, 21))
    # valid: Q/A 1, Q/A 2-2026, Q/B 1, Q/C 1 — not the superseded, abolished, draft or Nanning ones
    assert (figures.enterprises, figures.standards, figures.products) == (3, 4, 3 + 2 + 1 + 4)
    assert figures.sentence() == "桂林市已有3家企业公开有效标准4项,覆盖产品10种"


def test_figures_on_a_past_day(city):
    city_regulator, _ = city
    # 2025-08-01: Q/A 1, the 2024 version of Q/A 2 (not yet superseded), Q/B 1, Q/B 2 (not yet abolished)
    figures = disclosure_figures(city_regulator, "450300", datetime.date(2025, 8, 1))
    assert (figures.enterprises, figures.standards, figures.products) == (2, 4, 3 + 2 + 1 + 1)


def test_the_three_figures_are_one_query(city, django_assert_num_queries):
    from nqihub.core.regions import region_name

    city_regulator, _ = city
    region_name("450300")  # names are cached; what is left is the aggregate itself
    with django_assert_num_queries(1):
        disclosure_figures(city_regulator, "450300", datetime.date(2026, 11, 21))


def test_by_county(city):
    city_regulator, _ = city
    rows = {
        f.region_code: f for f in figures_by_subregion(city_regulator, "450300", datetime.date(2026, 11, 21))
    }
    assert (rows[COUNTY].enterprises, rows[COUNTY].standards) == (2, 3)
    assert (rows[OTHER_COUNTY].enterprises, rows[OTHER_COUNTY].products) == (1, 4)
    assert rows["450381"].standards == 0


def test_page_and_api(city, client):
    city_regulator, county_regulator = city
    client.force_login(city_regulator)
    html = client.get(reverse("stats:disclosures"), {"date": "2026-11-21"}).content.decode()
    assert "桂林市已有3家企业公开有效标准4项,覆盖产品10种" in html
    payload = client.get(reverse("stats:disclosures-api"), {"region": COUNTY, "date": "2026-11-21"}).json()
    assert (payload["enterprises"], payload["standards"], payload["products"]) == (2, 3, 6)
    client.force_login(county_regulator)
    assert client.get(reverse("stats:disclosures-api"), {"region": "450300"}).status_code == 403
    assert client.get(reverse("stats:disclosures-api"), {"date": "2026-13-01"}).status_code == 400


def test_the_sentence_follows_the_language(city):
    from django.utils import translation

    city_regulator, _ = city
    figures = disclosure_figures(city_regulator, "450300", datetime.date(2026, 11, 21))
    with translation.override("en"):
        assert (
            figures.sentence()
            == "桂林市: 3 enterprises have disclosed 4 standards in force, covering 10 products"
        )

"""Builders of campaign data for the tests, the permission matrix and the browser test: results published (and
verified) on given days, written directly (the services' own tests cover how results come to be), trainings,
a pilot batch and rankings. Every figure here is test data."""

import datetime
import itertools

from django.utils import timezone

from nqihub.benchmarking import campaign_services
from nqihub.benchmarking.models import (
    BenchmarkResult,
    BenchmarkScheme,
    RankingSource,
    ResultState,
    SchemeState,
)
from nqihub.testing import COUNTY, OTHER_CITY, OTHER_COUNTY, enterprise

from .factories import ceramic_disclosure

_numbers = itertools.count(1)


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def scheme(title: str = "日用陶瓷对标技术方案(统计测试)") -> BenchmarkScheme:
    return BenchmarkScheme.objects.create(
        title=title,
        product="日用陶瓷",
        category_code="3074",
        committee="测试专家组",
        state=SchemeState.PUBLISHED,
        published_at=timezone.now(),
    )


def result(company, published: datetime.date | None, verified: datetime.date | None = None, used=None):
    """A result of ``company`` published on a day (None: a draft) and verified on a later one."""
    n = next(_numbers)
    disclosure = ceramic_disclosure(company, number=f"Q/TJ {n:04d}-2026", title=f"统计测试陶瓷{n}")
    state = (
        ResultState.DRAFT
        if published is None
        else ResultState.VERIFIED
        if verified
        else ResultState.PUBLISHED
    )
    return BenchmarkResult.objects.create(
        enterprise=company,
        region_code=company.region_code,
        disclosure=disclosure,
        scheme=used,
        state=state,
        level="domestic_advanced",
        rules_version="test",
        published_at=at_noon(published) if published else None,
        verified_at=at_noon(verified) if verified else None,
    )


MARCH, APRIL, MAY = datetime.date(2026, 3, 10), datetime.date(2026, 4, 10), datetime.date(2026, 5, 10)


def campaign_data(world) -> dict:
    """In the world's county (阳朔 450321): enterprise A with three results (March, April, April — the last one
    verified in May) under two schemes, enterprise B with one (May), and a draft; in the other county (临桂
    450312) one result (March); in another city (南宁) one result (March). A training in each county in April
    (the county's with A and B and the other county's enterprise, the other county's with its own)."""
    a, b = world.inside["enterprise"], enterprise(COUNTY, name="阳朔统计测试茶业有限公司")
    other = world.outside["enterprise"]
    far = enterprise(OTHER_CITY, name="南宁统计测试有限公司")
    one, two = scheme(), scheme("米粉对标技术方案(统计测试)")
    result(a, MARCH, used=one)
    result(a, APRIL, used=two)
    result(a, APRIL, verified=MAY, used=one)
    result(b, MAY)
    result(a, None, used=one)
    result(other, MARCH, used=one)
    result(far, MARCH, used=one)
    regulator, admin = world.users["regulator"], world.users["admin"]
    inside = campaign_services.create_training(
        regulator,
        {
            "title": "阳朔对标达标培训(测试)",
            "region_code": COUNTY,
            "held_on": APRIL,
            "organiser": "阳朔县市场监督管理局",
            "participants": 40,
            "enterprises": f"{a.uscc}\n{b.name}",
        },
    )
    outside = campaign_services.create_training(
        admin,
        {
            "title": "临桂对标达标培训(测试)",
            "region_code": OTHER_COUNTY,
            "held_on": APRIL,
            "organiser": "临桂区市场监督管理局",
            "participants": 12,
            "enterprises": [other.uscc],
        },
    )
    return {"a": a, "b": b, "other": other, "far": far, "training_in": inside, "training_out": outside}


def pilot_batch(actor, cities=("450300", "450100", "360900"), number: int = 3):
    return campaign_services.create_pilot_batch(
        actor, {"number": number, "title": "测试试点城市", "cities": list(cities)}
    )


def national_ranking(actor, days_and_ranks, others=("450100", "360900", "330100")) -> list:
    """Imported-style snapshots: for each (day, home rank) the home city 450300 at that rank, the others after."""
    made = []
    for day, home_rank in days_and_ranks:
        rows = [{"region_code": "450300", "region_name": "桂林市", "rank": home_rank}]
        ranks = [r for r in range(1, len(others) + 2) if r != home_rank]
        rows += [{"region_code": code, "rank": rank} for code, rank in zip(others, ranks, strict=False)]
        made.append(
            campaign_services.store_snapshot(
                actor,
                as_of=day,
                key="national",
                source=RankingSource.IMPORTED,
                rows=rows,
                title="测试全国排名",
            )
        )
    return made

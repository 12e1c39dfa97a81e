"""Benchmarking demo data (called by `nqihub demo`), made through the real services, idempotent.

Two published schemes of a demo expert group — 日用陶瓷 (GB/T 4754 3074) and 米粉 (1431) — with benchmark standards
whose rows are all marked 示例 with the source "示例数据": real ISO numbers (ISO 6486-1:2019, ISO 16050:2003) are used
only as labels of demo rows, and **their limit values here are invented for the demonstration, not the
standards' requirements**; the domestic advanced standards have invented numbers (T/DEMO …). The indicators use the
vocabulary of the demo disclosures (nqihub.demo.standards), so the demo enterprises of those trades benchmark their
disclosed standards: one improves its values with evidence (国际先进) and is verified by the city's demo regulator
on a generated test report, others publish at the level the comparison gives, one keeps a draft.

The campaign (build_campaign): a demo pilot batch of the home city and 59 other real prefecture-level cities drawn
from the region table, three trainings with demo enterprises, and six monthly rankings "imported" from a national
table in which the home city rises from the forties into the teens — the cities are real divisions, the ranks and
figures are invented, and every batch, training and ranking is marked 示例 wherever it shows.
"""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nqihub.core.models import Region, RegionLevel, Role, User
from nqihub.registry.models import Enterprise, Expert
from nqihub.standards.models import Disclosure, DisclosureKind, DisclosureState

from . import campaign_services, services
from .models import (
    AdvancedStandard,
    BenchmarkResult,
    BenchmarkScheme,
    PilotBatch,
    RankingSnapshot,
    RankingSource,
    Training,
)

DEMO_SOURCE = "示例数据"
DEMO_NOTE = "示例:限值为演示而设,并非该标准的真实规定"
# number, class, title, ICS, product, category, [(name, requirement, unit, core)]
STANDARDS = [
    (
        "ISO 6486-1:2019",
        "international",
        "与食品接触的陶瓷器皿、玻璃陶瓷器皿和玻璃餐具 铅、镉溶出量 第1部分:测试方法(示例)",
        "67.250",
        "日用陶瓷",
        "3074",
        [
            ("吸水率", "≤0.5", "%", False),
            ("铅溶出量", "≤500", "μg/L", True),
            ("镉溶出量", "≤50", "μg/L", True),
            ("白度", "≥70", "度", False),
            ("抗热震性", "表面无裂纹", "", False),
        ],
    ),
    (
        "T/DEMO 0001-2026",
        "domestic_advanced",
        "高品质日用陶瓷(示例)",
        "81.060",
        "日用陶瓷",
        "3074",
        [
            ("铅溶出量", "≤0.8", "mg/L", True),
            ("镉溶出量", "≤0.07", "mg/L", True),
            ("吸水率", "≤0.5", "%", False),
        ],
    ),
    (
        "ISO 16050:2003",
        "international",
        "食品、谷物及谷物制品中黄曲霉毒素B1及黄曲霉毒素总量的测定(示例)",
        "67.060",
        "米粉",
        "1431",
        [
            ("Pb", "≤100", "μg/kg", True),
            ("总砷(以As计)", "≤0.3", "mg/kg", True),
            ("水分", "≤13.5", "%", False),
            ("菌落总数", "n=5,c=2,m=10⁴,M=10⁵", "CFU/g", False),
            ("黄曲霉毒素B1", "≤5", "μg/kg", False),
        ],
    ),
    (
        "T/DEMO 0002-2026",
        "domestic_advanced",
        "优质米粉(示例)",
        "67.060",
        "米粉",
        "1431",
        [
            ("铅(以Pb计)", "≤0.2", "mg/kg", True),
            ("总砷(以As计)", "≤0.5", "mg/kg", True),
            ("水分", "≤14.0", "%", False),
        ],
    ),
]
# title, product, category, [standard numbers], [(indicator, core)]
SCHEMES = [
    (
        "日用陶瓷对标技术方案(示例)",
        "日用陶瓷",
        "3074",
        ["ISO 6486-1:2019", "T/DEMO 0001-2026"],
        [("铅溶出量", True), ("镉溶出量", True), ("吸水率", False), ("白度", False), ("抗热震性", False)],
    ),
    (
        "米粉对标技术方案(示例)",
        "米粉",
        "1431",
        ["ISO 16050:2003", "T/DEMO 0002-2026"],
        [("铅", True), ("总砷", True), ("水分", False), ("菌落总数", False), ("黄曲霉毒素B1", False)],
    ),
]
COMMITTEE = "示例专家组(演示用,非真实技术委员会)"
# What the improving enterprise states, with its evidence note, per scheme.
IMPROVED = {
    "3074": [("铅溶出量", "≤0.4", "mg/L"), ("镉溶出量", "≤0.04", "mg/L")],
    "1431": [("铅(以Pb计)", "≤0.08", "mg/kg"), ("总砷(以As计)", "≤0.3", "mg/kg")],
}


def _expert_account() -> User:
    account = User.objects.filter(username="demo_expert").first()
    if account is not None:
        return account
    expert = Expert.objects.filter(is_demo=True).order_by("pk").first()
    account = User(username="demo_bm_expert", role=Role.EXPERT, expert=expert, display_name="对标专家(示例)")
    account.set_unusable_password()  # a demo actor for the audit log; it cannot log in
    account.save()
    return account


def _verifier(region_code: str) -> User | None:
    return (
        User.objects.filter(
            role=Role.REGULATOR, username__startswith="demo_", region_code=region_code[:4] + "00"
        )
        .order_by("pk")
        .first()
    )


def _test_report(result: BenchmarkResult):
    """A generated test report (PDF, marked 示例) for the demo verification."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from weasyprint import HTML

    html = (
        "<html><body style=\"font-family: 'Noto Sans CJK SC'\"><h1>检验检测报告(示例)</h1>"
        f"<p>委托单位:{result.enterprise.name}</p><p>样品执行标准:{result.disclosure.standard_number}</p>"
        "<p>本报告为 nqihub demo 生成的示例文件,不具有任何证明效力。</p></body></html>"
    )
    return SimpleUploadedFile("检验检测报告(示例).pdf", HTML(string=html).write_pdf(), "application/pdf")


def _standards(author) -> dict[str, AdvancedStandard]:
    found = {}
    for number, cls, title, ics, product, category, indicators in STANDARDS:
        standard = AdvancedStandard.objects.filter(normalized_number=number).first()
        if standard is None:
            standard = services.create_advanced_standard(
                author,
                {
                    "number": number,
                    "benchmark_class": cls,
                    "title": title,
                    "ics_code": ics,
                    "product": product,
                    "category_codes": category,
                    "source": f"{DEMO_SOURCE}({DEMO_NOTE})",
                },
            )
            for name, requirement, unit, core in indicators:
                services.add_advanced_indicator(
                    author, standard, {"name": name, "requirement": requirement, "unit": unit, "core": core}
                )
            AdvancedStandard.objects.filter(pk=standard.pk).update(is_demo=True)
        found[number] = standard
    return found


def _scheme(author, standards, title, product, category, numbers, indicators) -> tuple[BenchmarkScheme, bool]:
    scheme = BenchmarkScheme.objects.filter(title=title, is_demo=True).first()
    if scheme is not None:
        return scheme, False
    scheme = services.create_scheme(
        author,
        {
            "title": title,
            "product": product,
            "category_code": category,
            "committee": COMMITTEE,
            "summary": "示例方案:演示对标达标的流程。对标标准的限值为演示而设,不代表真实标准的规定。",
        },
    )
    for number in numbers:
        services.add_scheme_standard(author, scheme, standards[number])
    for name, core in indicators:
        services.add_scheme_indicator(author, scheme, {"name": name, "core": core})
    services.open_consultation(author, scheme)
    scheme = services.publish_scheme(author, scheme)
    BenchmarkScheme.objects.filter(pk=scheme.pk).update(is_demo=True)
    return scheme, True


def _candidates(category: str) -> list[Disclosure]:
    return list(
        Disclosure.objects.filter(
            is_demo=True,
            state=DisclosureState.DISCLOSED,
            kind=DisclosureKind.ENTERPRISE,
            enterprise__industry_code=category,
        )
        .select_related("enterprise")
        .order_by("enterprise_id", "pk")[:4]
    )


def _results(scheme: BenchmarkScheme) -> int:
    from nqihub.demo.standards import _staff

    made = 0
    for n, disclosure in enumerate(_candidates(scheme.category_code)):
        if BenchmarkResult.objects.filter(disclosure=disclosure, scheme=scheme).exists():
            continue
        staff = _staff(Enterprise.objects.get(pk=disclosure.enterprise_id))
        result = services.start_result(staff, disclosure, scheme=scheme, product=disclosure.products.first())
        if n == 0:  # improves its values with evidence, publishes, and is verified
            for name, requirement, unit in IMPROVED[scheme.category_code]:
                item = result.items.filter(indicator_key=_key(name)).first()
                if item is not None:
                    services.edit_item(
                        staff, item, requirement=requirement, unit=unit, evidence_note="示例:2026 年送检复测"
                    )
        if n < 3:
            result = services.publish_result(staff, result)
        verifier = _verifier(result.region_code)
        if n == 0 and verifier is not None:
            services.verify_result(verifier, result, _test_report(result), "示例:依据检测报告核对各项指标")
        BenchmarkResult.objects.filter(pk=result.pk).update(is_demo=True)
        made += 1
    return made


def _key(name: str) -> str:
    from nqihub.engines.alignment import default_synonyms

    return default_synonyms().key(name)


@transaction.atomic
def build_benchmarking() -> dict[str, int]:
    """The demo advanced standards, schemes and results; returns what was created (nothing on a second run)."""
    author = _expert_account()
    before = AdvancedStandard.objects.filter(is_demo=True).count()
    standards = _standards(author)
    created = {
        "standards": AdvancedStandard.objects.filter(is_demo=True).count() - before,
        "schemes": 0,
        "results": 0,
    }
    for title, product, category, numbers, indicators in SCHEMES:
        scheme, new = _scheme(author, standards, title, product, category, numbers, indicators)
        created["schemes"] += int(new)
        created["results"] += _results(scheme)
    return created


# --- the campaign: a pilot batch, trainings and a ranking with history (all 示例) ----------------------------------

DEMO_BATCH_NUMBER = 3
DEMO_CITIES = 60  # the home city and 59 other real prefecture-level cities, drawn from the region table
# The home city's rank at the end of each of the last six months: from the forties into the teens.
HOME_RANKS = (46, 43, 37, 31, 24, 19)
DEMO_RANKING_NOTE = (
    "示例数据:由 nqihub demo 生成的排名,城市为真实行政区划,排名和数字均为演示而设,并非真实排名。"
)
# title, where (a county of the city, by its position among the counties), days before today, participants
TRAININGS = [
    ("对标达标政策宣贯培训会(示例)", 0, 150, 86),
    ("对标技术方案解读与指标比对培训(示例)", 1, 95, 64),
    ("对标结果填报与达标验证实务培训(示例)", 2, 40, 52),
]


def _month_ends(count: int, today) -> list:
    """The last days of the ``count`` months before ``today``'s month, oldest first."""
    ends = []
    first = today.replace(day=1)
    for _n in range(count):
        last = first - datetime.timedelta(days=1)
        ends.append(last)
        first = last.replace(day=1)
    return list(reversed(ends))


def _draw_ranking(rng, home: str, others: list[str], months: int) -> list[list[dict]]:
    """Rows of each month: the other cities ordered by a steady strength with monthly noise, the home city placed
    at HOME_RANKS[m]; scores and counts decrease with the rank. Every value is drawn here, before any check."""
    strength = {code: rng.random() for code in others}
    snapshots = []
    for month in range(months):
        noise = {code: rng.gauss(0, 0.06) for code in others}
        order = sorted(others, key=lambda c: -(strength[c] + noise[c]))
        order.insert(HOME_RANKS[month] - 1, home)
        size = len(order)
        scores = sorted((round(rng.uniform(40, 95) + month * 0.8, 2) for _c in order), reverse=True)
        results = sorted((rng.randint(20, 420) + month * 18 for _c in order), reverse=True)
        shares = [rng.uniform(0.35, 0.55) for _c in order]
        verified = [rng.uniform(0.2, 0.6) for _c in order]
        trainings = [rng.randint(1, 9) for _c in order]
        rows = []
        for position, code in enumerate(order):
            rows.append(
                {
                    "region_code": code,
                    "rank": position + 1,
                    "value": scores[position],
                    "results": results[position],
                    "enterprises": max(1, round(results[position] * shares[position])),
                    "verified": round(results[position] * verified[position]),
                    "trainings": trainings[position],
                }
            )
        assert len(rows) == size
        snapshots.append(rows)
    return snapshots


def _campaign_actor(city: str) -> User:
    from nqihub.demo.registry import _ensure_admin

    regulator = User.objects.filter(username="demo_city", role=Role.REGULATOR, region_code=city).first()
    return regulator or _ensure_admin()


@transaction.atomic
def build_campaign(city: str = "") -> dict[str, int]:
    """A demo pilot batch (the home city and 59 other real cities), trainings in the city's counties with demo
    enterprises, and six monthly rankings in which the home city rises from the forties into the teens. All marked
    示例; made through the services; a second run adds nothing. Returns what was created."""
    city = city or settings.HOME_REGION_CODE
    today = timezone.localdate()
    rng = random.Random(f"nqihub-campaign-{city}")
    prefectures = sorted(
        Region.objects.filter(is_active=True, level=RegionLevel.PREFECTURE)
        .exclude(code=city)
        .values_list("code", flat=True)
    )
    others = rng.sample(prefectures, min(DEMO_CITIES - 1, len(prefectures)))
    months = _month_ends(len(HOME_RANKS), today)
    ranking = _draw_ranking(rng, city, others, len(months))
    counties = list(
        Region.objects.filter(is_active=True, parent_code=city)
        .order_by("code")
        .values_list("code", flat=True)
    )
    picks = [rng.randint(2, 5) for _t in TRAININGS]

    actor = _campaign_actor(city)
    made = {"batches": 0, "trainings": 0, "snapshots": 0}
    batch = PilotBatch.objects.filter(number=DEMO_BATCH_NUMBER, is_demo=True).first()
    if batch is None:
        batch = campaign_services.create_pilot_batch(
            actor,
            {
                "number": DEMO_BATCH_NUMBER,
                "title": "百城千业万企对标达标试点城市(示例)",
                "source": "示例:由 nqihub demo 生成,并非真实公布的试点名单",
                "cities": [city, *others],
                "is_demo": True,
            },
        )
        made["batches"] += 1
    for (title, county_index, days_ago, participants), pick in zip(TRAININGS, picks, strict=True):
        if Training.objects.filter(title=title, is_demo=True).exists() or not counties:
            continue
        county = counties[county_index % len(counties)]
        trained = list(
            Enterprise.objects.filter(is_demo=True, region_code__startswith=city[:4]).order_by("pk")[
                : pick * 2
            ]
        )
        campaign_services.create_training(
            actor,
            {
                "title": title,
                "region_code": county,
                "held_on": today - datetime.timedelta(days=days_ago),
                "organiser": "市场监督管理局(示例)",
                "participants": participants,
                "enterprises": [e.uscc for e in trained[county_index : county_index + pick]],
                "note": "示例数据:由 nqihub demo 生成",
                "is_demo": True,
            },
        )
        made["trainings"] += 1
    series = RankingSnapshot.objects.filter(
        source=RankingSource.IMPORTED, key="national", batch=None, is_demo=True
    )
    if not series.exists():
        names = dict(
            Region.objects.filter(code__in=[city, *others], is_active=True).values_list("code", "name")
        )
        for as_of, rows in zip(months, ranking, strict=True):
            campaign_services.store_snapshot(
                actor,
                as_of=as_of,
                key="national",
                source=RankingSource.IMPORTED,
                rows=[
                    {
                        **row,
                        "region_name": names.get(row["region_code"], ""),
                        "value": Decimal(str(row["value"])),
                    }
                    for row in rows
                ],
                title="全国试点城市对标达标排名(示例)",
                note=DEMO_RANKING_NOTE,
                is_demo=True,
            )
            made["snapshots"] += 1
    return made

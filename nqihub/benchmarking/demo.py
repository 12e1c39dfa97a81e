"""Benchmarking demo data (called by `nqihub demo`), made through the real services, idempotent.

Two published schemes of a demo expert group — 日用陶瓷 (GB/T 4754 3074) and 米粉 (1431) — with benchmark standards
whose rows are all marked 示例 with the source "示例数据": real ISO numbers (ISO 6486-1:2019, ISO 16050:2003) are used
only as labels of demo rows, and **their limit values here are invented for the demonstration, not the
standards' requirements**; the domestic advanced standards have invented numbers (T/DEMO …). The indicators use the
vocabulary of the demo disclosures (nqihub.demo.standards), so the demo enterprises of those trades benchmark their
disclosed standards: one improves its values with evidence (国际先进) and is verified by the city's demo regulator
on a generated test report, others publish at the level the comparison gives, one keeps a draft.
"""

from django.db import transaction

from nqihub.core.models import Role, User
from nqihub.registry.models import Enterprise, Expert
from nqihub.standards.models import Disclosure, DisclosureKind, DisclosureState

from . import services
from .models import AdvancedStandard, BenchmarkResult, BenchmarkScheme

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

"""Builders shared by the benchmarking tests, the permission matrix and the browser test: a ceramics enterprise
standard, an ISO-based scheme and a domestic advanced standard. Numbers and limits are test data, not real ones."""

from django.utils import timezone

from nqihub.benchmarking import services
from nqihub.benchmarking.models import AdvancedStandard, BenchmarkScheme, SchemeState
from nqihub.standards.models import Disclosure

# (name, requirement, unit): the enterprise's own standard for 日用陶瓷.
CERAMIC_INDICATORS = [
    ("吸水率", "≤0.3", "%"),  # stricter than the ISO-based benchmark (≤0.5 %)
    ("铅溶出量", "≤0.5", "mg/L"),  # equal to ≤500 μg/L once converted
    ("镉溶出量", "≤0.07", "mg/L"),  # looser than ≤0.05 mg/L
    ("白度", "≥65", "度"),  # equal
]
# (name, requirement, unit, core) — the enterprise has no 抗热震性: 缺项.
ISO_INDICATORS = [
    ("吸水率", "≤0.5", "%", False),
    ("铅溶出量", "≤500", "μg/L", True),
    ("镉溶出量", "≤0.05", "mg/L", True),
    ("抗热震性", "表面无裂纹", "", False),
    ("白度", "≥65", "度", False),
]
DOMESTIC_INDICATORS = [
    ("铅溶出量", "≤0.8", "mg/L", True),
    ("镉溶出量", "≤0.07", "mg/L", True),
]


def ceramic_disclosure(enterprise, *, number="Q/YSTC 0001-2025", title="日用陶瓷餐具", indicators=None):
    """A current (现行有效) own standard with products and indicators, written directly."""
    d = Disclosure.objects.create(
        enterprise=enterprise,
        region_code=enterprise.region_code,
        kind="enterprise",
        standard_number=number,
        normalized_number=number,
        title=title,
        state="disclosed",
        disclosed_at=timezone.now(),
    )
    d.products.create(name=title, model="YS-350", category_code="3074")
    for n, (name, requirement, unit) in enumerate(indicators or CERAMIC_INDICATORS):
        d.indicators.create(
            name=name, requirement=requirement, unit=unit, test_method="GB/T 3299", position=n
        )
    return d


def advanced_standard(author, number, benchmark_class, title, indicators, **fields) -> AdvancedStandard:
    found = AdvancedStandard.objects.filter(number=number).first()
    if found is not None:
        return found
    standard = services.create_advanced_standard(
        author, {"number": number, "benchmark_class": benchmark_class, "title": title, **fields}
    )
    for name, requirement, unit, core in indicators:
        services.add_advanced_indicator(
            author, standard, {"name": name, "requirement": requirement, "unit": unit, "core": core}
        )
    return standard


def iso_standard(author) -> AdvancedStandard:
    return advanced_standard(
        author,
        "ISO 6486-1:2019",
        "international",
        "与食品接触的陶瓷器皿 铅、镉溶出量(测试用例)",
        ISO_INDICATORS,
        ics_code="67.250",
        product="日用陶瓷",
        category_codes="3074",
    )


def domestic_standard(author) -> AdvancedStandard:
    return advanced_standard(
        author,
        "T/TEST 0001-2026",
        "domestic_advanced",
        "日用陶瓷器(测试用例)",
        DOMESTIC_INDICATORS,
        product="日用陶瓷",
        category_codes="3074",
    )


def iso_scheme(author, *, state=SchemeState.PUBLISHED, title="日用陶瓷对标技术方案(测试)") -> BenchmarkScheme:
    """A scheme with the ISO-based and the domestic standard; 铅、镉 core. Made through the services."""
    scheme = services.create_scheme(
        author,
        {
            "title": title,
            "product": "日用陶瓷",
            "category_code": "3074",
            "committee": "全国日用陶瓷标准化技术委员会(测试)",
        },
    )
    services.add_scheme_standard(author, scheme, iso_standard(author))
    services.add_scheme_standard(author, scheme, domestic_standard(author))
    for name, core in (
        ("吸水率", False),
        ("铅溶出量", True),
        ("镉溶出量", True),
        ("抗热震性", False),
        ("白度", False),
    ):
        services.add_scheme_indicator(author, scheme, {"name": name, "core": core})
    if state in (SchemeState.CONSULTATION, SchemeState.PUBLISHED):
        scheme = services.open_consultation(author, scheme)
    if state == SchemeState.PUBLISHED:
        scheme = services.publish_scheme(author, scheme)
    return scheme

"""The benchmarking demo: rows labelled 示例 with the source 示例数据, published schemes, results at several levels
(one verified on a generated test report), made through the services, and idempotent."""

import pytest

from nqihub.benchmarking.demo import build_benchmarking
from nqihub.benchmarking.models import AdvancedStandard, BenchmarkResult, BenchmarkScheme
from nqihub.core.models import AuditEvent
from nqihub.demo.registry import build_accounts, build_registry
from nqihub.demo.standards import INDICATORS
from nqihub.testing import enterprise

from .factories import ceramic_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    build_registry("450300", enterprises=8)
    build_accounts("450300", "450321")
    ceramics = [(name, requirement, unit) for name, requirement, unit, _method in INDICATORS["ceramics"]]
    for n, county in enumerate(("450321", "450312", "450305")):
        company = enterprise(
            county, name=f"桂林演示陶瓷{n}有限公司(示例)", industry_code="3074", is_demo=True
        )
        disclosure = ceramic_disclosure(company, number=f"Q/GLTC 000{n}-2025", indicators=ceramics)
        disclosure.is_demo = True
        disclosure.save()
    return build_benchmarking()


def test_demo_rows_are_labelled_and_results_span_levels(demo):
    assert demo == {"standards": 4, "schemes": 2, "results": 3}
    for standard in AdvancedStandard.objects.all():
        assert standard.is_demo and standard.source.startswith("示例数据") and "(示例)" in standard.title
    assert AdvancedStandard.objects.filter(normalized_number="ISO 6486-1:2019").exists()
    assert set(BenchmarkScheme.objects.values_list("state", "is_demo")) == {("published", True)}
    results = BenchmarkResult.objects.filter(scheme__category_code="3074")
    assert set(results.values_list("is_demo", flat=True)) == {True}
    assert sorted(results.values_list("level", "state")) == [
        ("domestic_advanced", "published"),
        ("domestic_advanced", "published"),
        ("international_advanced", "verified"),
    ]
    verified = results.get(state="verified")
    assert (
        verified.test_report_name == "检验检测报告(示例).pdf" and verified.verified_by.username == "demo_city"
    )
    assert AuditEvent.objects.filter(action="benchmarkresult.verify").count() == 1


def test_running_the_demo_twice_adds_nothing(demo):
    counts = (
        AdvancedStandard.objects.count(),
        BenchmarkScheme.objects.count(),
        BenchmarkResult.objects.count(),
    )
    assert build_benchmarking() == {"standards": 0, "schemes": 0, "results": 0}
    assert (
        AdvancedStandard.objects.count(),
        BenchmarkScheme.objects.count(),
        BenchmarkResult.objects.count(),
    ) == counts

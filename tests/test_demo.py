"""The demo city: real region and industry codes, generated rows marked 示例, made through the services, idempotent."""

import pytest
from django.urls import reverse
from stdnum.cn import uscc

from nqihub.core.models import AuditEvent, Industry, Region, User
from nqihub.demo.registry import build_accounts, build_registry
from nqihub.demo.standards import build_disclosures
from nqihub.registry.models import Enterprise
from nqihub.standards.models import Disclosure, DisclosureState


@pytest.fixture
def demo(reference_data):
    counts = build_registry("450300", enterprises=8)
    build_accounts("450300", "450321")
    disclosures = build_disclosures()
    return counts, disclosures


def test_demo_data_is_real_coded_labelled_and_valid(demo):
    enterprises = Enterprise.objects.filter(is_demo=True)
    assert enterprises.count() >= 7
    for e in enterprises:
        assert e.name.endswith("(示例)")
        assert uscc.is_valid(e.uscc)
        assert Region.objects.filter(code=e.region_code, is_active=True, parent_code="450300").exists()
        assert Industry.objects.filter(code=e.industry_code, level=4).exists()
    assert set(User.objects.filter(username__startswith="demo_").values_list("role", flat=True)) == {
        "admin",
        "auditor",
        "regulator",
        "enterprise",
        "institution",
        "expert",
    }


def test_demo_disclosures_go_through_the_services_and_show_as_demo(demo, client):
    disclosed = Disclosure.objects.filter(is_demo=True, state=DisclosureState.DISCLOSED)
    assert disclosed.exists()
    assert AuditEvent.objects.filter(action="disclosure.disclose").count() >= disclosed.count()
    own = disclosed.filter(kind="enterprise").first()
    assert own.indicators.exists() and all(i.test_method for i in own.indicators.all())
    assert own.products.exists() and own.committed_at is not None
    response = client.get(reverse("search:api"), {"q": own.enterprise.name[2:6]})
    assert response.json()["count"] >= 1
    html = client.get(reverse("search:search"), {"q": own.enterprise.name[2:6]}).content.decode()
    assert "示例" in html


def test_running_the_demo_twice_adds_nothing(demo):
    before = (Enterprise.objects.count(), Disclosure.objects.count(), User.objects.count())
    again_registry = build_registry("450300", enterprises=8)
    build_accounts("450300", "450321")
    again = build_disclosures()
    assert set(again_registry.values()) == {0} and set(again.values()) == {0}
    assert (Enterprise.objects.count(), Disclosure.objects.count(), User.objects.count()) == before


def test_demo_campaign_ranking_has_history_and_is_labelled(demo, client):
    """A pilot batch of real cities, trainings and six monthly rankings in which 桂林 rises from the forties into
    the teens; all marked 示例 on the dashboard; a second run adds nothing."""
    from nqihub.benchmarking import campaign
    from nqihub.benchmarking.demo import HOME_RANKS, build_campaign
    from nqihub.benchmarking.models import PilotBatch, RankingSnapshot, Training

    assert build_campaign("450300") == {"batches": 1, "trainings": 3, "snapshots": 6}
    batch = PilotBatch.objects.get(is_demo=True)
    codes = set(batch.cities.values_list("region_code", flat=True))
    assert len(codes) == 60 and "450300" in codes
    assert Region.objects.filter(code__in=codes, is_active=True).count() == 60
    assert "示例" in batch.title
    trainings = Training.objects.filter(is_demo=True)
    assert trainings.count() == 3 and all(
        t.title.endswith("(示例)") and t.enterprises.exists() for t in trainings
    )
    snapshots = RankingSnapshot.objects.filter(is_demo=True).order_by("as_of")
    assert [s.rows.get(region_code="450300").rank for s in snapshots] == list(HOME_RANKS)
    assert all(s.rows.count() == 60 and "示例" in s.title and "并非真实排名" in s.note for s in snapshots)
    history = campaign.home_history(snapshots.last(), "450300")
    assert history.bulletin == "在全国60个试点城市中的排名由四十余位跃升至第十九位"
    client.force_login(User.objects.get(username="demo_city"))
    html = client.get(reverse("benchmarking:campaign")).content.decode()
    assert 'data-testid="demo-ranking"' in html and "由四十余位跃升至第十九位" in html
    assert "由第24位升至第19位(上升5位)" in html
    before = (PilotBatch.objects.count(), Training.objects.count(), RankingSnapshot.objects.count())
    assert build_campaign("450300") == {"batches": 0, "trainings": 0, "snapshots": 0}
    assert (PilotBatch.objects.count(), Training.objects.count(), RankingSnapshot.objects.count()) == before

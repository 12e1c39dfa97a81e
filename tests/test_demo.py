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

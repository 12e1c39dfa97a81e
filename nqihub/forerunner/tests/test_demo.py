"""The forerunner demo: a published 日用陶瓷 scheme, a ranking over demo disclosures with varied values, a list, an
open notice and a removal — through the services, labelled 示例, idempotent."""

import pytest
from django.urls import reverse

from nqihub.core.models import User
from nqihub.demo.registry import build_accounts, build_registry
from nqihub.demo.review import build_reviews
from nqihub.demo.standards import build_disclosures
from nqihub.forerunner.demo import SCHEME_TITLE, build_forerunner
from nqihub.forerunner.models import (
    EntryState,
    EvaluationScheme,
    ForerunnerList,
    KeyArea,
    Notice,
    RankingRun,
    ShortlistEntry,
)
from nqihub.review import services as review_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(reference_data):
    build_registry("450300", enterprises=12)
    build_accounts("450300", "450321")
    build_disclosures()
    build_reviews("450300", "450321")
    lines: list[str] = []
    created = build_forerunner("450300", lines.append)
    return created, lines


def test_the_demo_ranks_lists_notices_and_removes(demo, client):
    created, lines = demo
    assert created["schemes"] == 1 and created["lists"] == 1 and created["disclosures"] >= 4
    scheme = EvaluationScheme.objects.get(title=SCHEME_TITLE)
    assert scheme.is_published and scheme.is_demo and scheme.key_area.is_demo
    assert scheme.indicators.filter(role="core").count() == 4
    run = RankingRun.objects.get(scheme=scheme)
    assert run.is_demo and run.shortlisted == 5 and all(i["ranked"] for i in run.indicators)
    states = list(ShortlistEntry.objects.filter(scheme=scheme).values_list("state", flat=True))
    assert states.count(EntryState.LISTED) == 2 and states.count(EntryState.REMOVED) == 1
    assert states.count(EntryState.IN_NOTICE) == 1 and states.count(EntryState.SHORTLISTED) == 1
    # One listed enterprise revised keeping its tiers: held 待复核 until the city's regulator reviews it.
    held = ShortlistEntry.objects.get(scheme=scheme, recheck_since__isnull=False)
    assert held.state == EntryState.LISTED and held.disclosure.version == 2 and not held.is_current
    review_services.review_disclosure(User.objects.get(username="demo_city"), held.disclosure)
    held.refresh_from_db()
    assert held.is_current
    assert Notice.objects.filter(scheme=scheme, state="open").get().objections.get().state == "dismissed"
    listing = ForerunnerList.objects.get(scheme=scheme)
    assert listing.is_demo and "示例" in listing.title
    html = client.get(reverse("forerunner:home")).content.decode()
    assert "示例" in html and scheme.title in html
    assert "demo_evaluator" in lines[-1]
    client.force_login(scheme.evaluator.staff.get(username="demo_evaluator"))
    assert client.get(reverse("forerunner:scheme_manage", args=[scheme.pk])).status_code == 200


def test_running_the_demo_twice_adds_nothing(demo):
    before = (KeyArea.objects.count(), EvaluationScheme.objects.count(), ShortlistEntry.objects.count())
    lines: list[str] = []
    created = build_forerunner("450300", lines.append)
    assert set(created.values()) == {0} and "已存在" in lines[0]
    assert (
        KeyArea.objects.count(),
        EvaluationScheme.objects.count(),
        ShortlistEntry.objects.count(),
    ) == before

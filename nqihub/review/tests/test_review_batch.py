"""A regulator's batch review over everything disclosed in its jurisdiction, run by the task worker
(`db_worker --batch`, the backend the settings configure), with its progress on a page that reloads itself;
and the demo city, whose disclosures carry review results of every outcome."""

import re
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from nqihub.review.models import Review, ReviewBatch
from nqihub.review.tests.conftest import html_pdf
from nqihub.testing import OTHER_COUNTY, enterprise, user
from tests.matrix.disclosures import disclosure


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def county_disclosures(world):
    """In the county: two disclosed standards (one conforming, one without a signed commitment) and a draft;
    in the neighbouring county: one disclosed standard."""
    inside = world.inside["enterprise"]
    good = disclosure(inside, title="日用陶瓷餐具", number="Q/YSTC 0001-2025", committed_at=timezone.now())
    good.products.update(name="日用陶瓷餐具")
    unsigned = disclosure(inside, title="日用陶瓷茶具", number="Q/YSTC 0002-2025")
    draft = disclosure(inside, state="draft", title="草稿标准", number="Q/YSTC 0003-2025")
    outside = disclosure(world.outside["enterprise"], title="临桂茶叶", number="Q/LGCY 0001-2025")
    return {"good": good, "unsigned": unsigned, "draft": draft, "outside": outside}


def page(client, url) -> str:
    return re.sub(r"\s+", " ", client.get(url).content.decode())


# The worker closes connections it finds outside autocommit (close_old_connections), as it must in
# production; a test inside a rolled-back transaction would lose its connection on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_a_regulator_batch_runs_in_the_worker_and_shows_its_progress(
    client, world, county_disclosures, django_capture_on_commit_callbacks
):
    client.force_login(world.users["regulator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("review:batch_list"), {"region_code": world.users["regulator"].region_code}
        )
    batch = ReviewBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "review:batch_detail", args=[batch.pk]
    )
    assert (batch.status, batch.total, batch.done) == ("queued", 2, 0)  # drafts and other counties excluded

    queued = page(client, response["Location"])
    assert '<meta http-equiv="refresh" content="3">' in queued
    assert (
        "0/2 · 0%" in queued and "nqihub db_worker" in queued and 'data-testid="batch-counts"' not in queued
    )
    assert '<meta http-equiv="refresh"' in page(client, reverse("review:batch_list"))

    run_worker()

    batch.refresh_from_db()
    assert (batch.status, batch.done) == ("done", 2) and batch.started_at and batch.finished_at
    reviews = Review.objects.filter(batch=batch)
    assert {r.disclosure for r in reviews} == {county_disclosures["good"], county_disclosures["unsigned"]}
    assert not any(r.self_check for r in reviews)
    assert all(r.requested_by == world.users["regulator"] for r in reviews)

    done = page(client, response["Location"])
    assert '<meta http-equiv="refresh"' not in done and "2/2 · 100%" in done
    assert re.search(r'data-testid="count-conforming">\s*1<', done)
    assert re.search(r'data-testid="count-nonconforming">\s*1<', done)
    assert re.search(r'data-testid="count-minor">\s*0<', done)
    for review in reviews:
        assert review.get_absolute_url() in done
    assert '<meta http-equiv="refresh"' not in page(client, reverse("review:batch_list"))


def test_a_city_regulator_may_batch_one_county(client, world, county_disclosures):
    city = user("t_city", "regulator", region_code="450300")
    client.force_login(city)
    form = page(client, reverse("review:batch_list"))
    assert 'value="450300"' in form and 'value="450321"' in form and 'value="450312"' in form
    client.post(reverse("review:batch_list"), {"region_code": OTHER_COUNTY})
    assert ReviewBatch.objects.get().total == 1
    assert client.post(reverse("review:batch_list"), {"region_code": "450100"}).status_code == 400


def test_one_unreadable_text_does_not_stop_the_batch(client, world, county_disclosures, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    unsigned = county_disclosures["unsigned"]
    unsigned.document.save("scan.pdf", ContentFile(html_pdf("<div style='height: 30mm'></div>")), save=False)
    unsigned.document_name, unsigned.document_type = "scan.pdf", "pdf"
    unsigned.save()
    from nqihub.review.services import run_batch, start_batch_review

    batch = run_batch(start_batch_review(world.users["regulator"], world.users["regulator"].region_code).pk)
    assert (batch.status, batch.done, batch.error) == ("done", 2, "")
    review = Review.objects.get(batch=batch, disclosure=unsigned)
    assert review.findings.filter(check_id="C7", message__contains="无法读取").exists()


# --- the demo city ---------------------------------------------------------------------------------------------


@pytest.fixture
def demo(reference_data, settings, tmp_path):
    from nqihub.demo.registry import build_accounts, build_registry
    from nqihub.demo.review import build_reviews
    from nqihub.demo.standards import build_disclosures

    settings.MEDIA_ROOT = tmp_path
    build_registry("450300", enterprises=8)
    build_accounts("450300", "450321")
    build_disclosures()
    return build_reviews("450300", "450321")


def test_the_demo_city_carries_review_results_of_every_outcome(demo, client):
    from nqihub.core.models import User
    from nqihub.demo.review import FLAWED_STANDARDS
    from nqihub.standards.models import Disclosure

    assert demo["disclosures"] == len(FLAWED_STANDARDS) and demo["reviews"]
    regulator = User.objects.get(username="demo_city")
    reviewed = Review.objects.filter(self_check=False, is_demo=True)
    assert set(reviewed.values_list("outcome", flat=True)) == {"conforming", "minor", "nonconforming"}
    assert all(r.requested_by == regulator and r.batch_id for r in reviewed)
    disclosed = Disclosure.objects.filter(is_demo=True, state="disclosed")
    assert set(reviewed.values_list("disclosure", flat=True)) == set(disclosed.values_list("pk", flat=True))
    batch = ReviewBatch.objects.get()
    assert (batch.status, batch.done, batch.total) == ("done", reviewed.count(), reviewed.count())
    flawed = [d for d in disclosed if d.document_name]
    assert sorted(d.reviews.get().outcome for d in flawed) == sorted(f.outcome for f in FLAWED_STANDARDS)
    assert all("示例" in d.enterprise.name and "示例" in d.title for d in flawed)
    drafts = Disclosure.objects.filter(is_demo=True, state="draft")
    assert demo["self_checks"] == drafts.count()
    assert all(d.reviews.get().self_check for d in drafts)

    client.force_login(regulator)
    shown = page(client, reverse("review:batch_detail", args=[batch.pk]))
    assert "100%" in shown and "符合但有瑕疵" in shown


def test_the_demo_reviews_are_idempotent_and_stay_in_the_city(demo):
    from nqihub.demo.review import build_reviews

    elsewhere = enterprise("450100", name="南宁示例外地有限公司", is_demo=True)
    disclosure(
        elsewhere, title="外地标准", number="Q/NNWD 0001-2025", is_demo=True
    )  # demo_city cannot see it
    before = Review.objects.count(), ReviewBatch.objects.count()
    assert build_reviews("450300", "450321") == {"disclosures": 0, "reviews": 0, "self_checks": 0}
    assert (Review.objects.count(), ReviewBatch.objects.count()) == before


def test_the_shipped_example_is_the_defective_standard(reference_data):
    """`nqihub review nqihub/review/data/demo/示例企业标准-有缺陷.docx`: the issue's four defects."""
    from nqihub.demo.review import DEFECTIVE_SPEC, EXAMPLE_DOCUMENT
    from nqihub.review.docgen import make_standard
    from nqihub.review.limits import LimitRow, load_limit_table

    assert EXAMPLE_DOCUMENT.read_bytes() == make_standard(DEFECTIVE_SPEC)
    assert "示例" in DEFECTIVE_SPEC.enterprise
    out = StringIO()
    call_command("review", str(EXAMPLE_DOCUMENT), stdout=out)
    assert "不符合" in out.getvalue()
    assert {"C2", "C5", "C6"} == set(re.findall(r"\[(C\d) ", out.getvalue()))
    # With GB 2762's lead limit imported (test data here), C3 names the looser limit too.
    load_limit_table(
        None,
        standard_number="GB 2762-2022",
        title="食品安全国家标准 食品中污染物限量(测试数据)",
        source="测试数据",
        rows=[LimitRow(indicator="铅(以Pb计)", category="焙烤食品", requirement="≤0.5", unit="mg/kg")],
    )
    out = StringIO()
    call_command("review", str(EXAMPLE_DOCUMENT), stdout=out)
    assert {"C2", "C3", "C5", "C6"} == set(re.findall(r"\[(C\d) ", out.getvalue()))

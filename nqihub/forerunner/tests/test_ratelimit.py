"""Objections to a notice are rate-limited (FORERUNNER_OBJECTION_RATE) per source — the client address of an
anonymous visitor, the account of a logged-in user — and notice, in Django's cache: beyond the limit the page
and the API answer 429 with a clear message and Retry-After, and nothing is stored. Only stored objections count.
"""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from nqihub.core.models import Role
from nqihub.forerunner import ratelimit, services
from nqihub.forerunner.models import Objection
from nqihub.testing import user

from . import builders as b

pytestmark = pytest.mark.django_db

OBJECTION = {"name": "李四", "contact": "13800000000", "reason": "检验报告的样品不是该型号"}


@pytest.fixture
def notice(reference_data, settings):
    settings.FORERUNNER_OBJECTION_RATE = "2/h"
    evaluator = b.evaluator()
    s = b.scheme(evaluator, top_n=1)
    b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"}, title="甲号瓷")
    b.standard({"铅溶出量": "0.6", "镉溶出量": "0.06", "白度": "66"})
    services.run_ranking(evaluator, s)
    b.commit(s.entries.get())
    today = timezone.localdate()
    return services.start_notice(evaluator, s, today, today + datetime.timedelta(days=10))


def other_notice():
    evaluator = b.evaluator()
    s = b.scheme(evaluator, top_n=1)
    services.run_ranking(evaluator, s)
    for entry in s.entries.all():
        b.commit(entry)
    today = timezone.localdate()
    return services.start_notice(evaluator, s, today, today + datetime.timedelta(days=10))


def post(client, notice, ip="203.0.113.7", **extra):
    data = {"entry": notice.entries.order_by("pk").first().pk, **OBJECTION, **extra}
    return client.post(notice.get_absolute_url(), data, REMOTE_ADDR=ip)


def api(client, notice, ip="203.0.113.7", **extra):
    data = {"entry": notice.entries.order_by("pk").first().pk, **OBJECTION, **extra}
    url = f"/api/v1/forerunner/notices/{notice.pk}/objections/"
    return client.post(url, data, content_type="application/json", REMOTE_ADDR=ip)


# --- the setting ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("5/h", ratelimit.Rate(5, 3600)),
        (" 20 / d ", ratelimit.Rate(20, 86400)),
        ("3/10m", ratelimit.Rate(3, 600)),
        ("1/s", ratelimit.Rate(1, 1)),
        ("0", None),
        ("", None),
        (None, None),
        ("0/h", None),
    ],
)
def test_the_rate_setting(text, rate):
    assert ratelimit.parse_rate(text) == rate


@pytest.mark.parametrize("text", ["5", "five/h", "5/w", "5/0m", "-1/h"])
def test_a_bad_rate_setting_names_the_setting(text):
    with pytest.raises(ImproperlyConfigured) as error:
        ratelimit.parse_rate(text)
    assert "FORERUNNER_OBJECTION_RATE" in str(error.value)


# --- the page ---------------------------------------------------------------------------------------------------


def test_the_page_refuses_a_third_objection_from_one_address_with_429(client, notice):
    assert post(client, notice).status_code == 302
    assert post(client, notice).status_code == 302
    response = post(client, notice)
    assert response.status_code == 429
    html = response.content.decode()
    assert "提交异议过于频繁" in html and "1 小时" in html and "最多可提出 2 条异议" in html
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Objection.objects.count() == 2
    # Another address, and the same address on another notice, still may.
    assert post(client, notice, ip="198.51.100.9").status_code == 302
    assert post(client, other_notice()).status_code == 302
    assert Objection.objects.count() == 4


def test_refused_forms_do_not_count(client, notice):
    for _attempt in range(3):
        response = post(client, notice, contact="随便写")
        assert response.status_code == 400 and "手机号码" in response.content.decode()
    assert post(client, notice).status_code == 302


def test_logged_in_users_count_per_account_not_per_address(client, notice):
    one, two = (user(f"gongzhong{n}", Role.EXPERT) for n in (1, 2))
    client.force_login(one)
    assert [post(client, notice).status_code for _ in range(3)] == [302, 302, 429]
    client.force_login(two)  # the same office address
    assert post(client, notice).status_code == 302


def test_the_limit_can_be_switched_off(client, notice, settings):
    settings.FORERUNNER_OBJECTION_RATE = "0"
    assert [post(client, notice).status_code for _ in range(4)] == [302] * 4


def test_internal_callers_without_an_address_are_not_limited(notice):
    entry = notice.entries.get()
    for _n in range(4):
        services.file_objection(None, notice, entry, OBJECTION)
    assert Objection.objects.count() == 4


def test_the_window_ends(notice):
    source = ratelimit.source_of(None, "203.0.113.7")
    start = 1_800_000_000.0  # the start of a one-hour window
    ratelimit.count(notice, source, now=start)
    ratelimit.count(notice, source, now=start + 10)
    with pytest.raises(ratelimit.RateLimited) as error:
        ratelimit.check(notice, source, now=start + 60)
    assert error.value.retry_after == 3540 and "59 分钟" in error.value.message
    ratelimit.check(notice, source, now=start + 3600)  # a new window


# --- the API ----------------------------------------------------------------------------------------------------


def test_the_api_files_objections_and_answers_429_beyond_the_limit(client, notice):
    first = api(client, notice)
    assert first.status_code == 201 and first.json()["id"] == Objection.objects.get().pk
    assert "13800000000" not in first.content.decode()
    assert api(client, notice).status_code == 201
    refused = api(client, notice)
    assert refused.status_code == 429
    assert "提交异议过于频繁" in refused.json()["detail"] and refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert Objection.objects.count() == 2


def test_the_api_names_the_field_of_a_bad_objection(client, notice):
    response = api(client, notice, contact="随便写")
    assert response.status_code == 400 and "contact" in response.json()
    response = api(client, notice, entry=0)
    assert response.status_code == 400 and "entry" in response.json()
    response = client.post(
        f"/api/v1/forerunner/notices/{notice.pk}/objections/", {}, content_type="application/json"
    )
    assert response.status_code == 400 and {"entry", "name", "contact", "reason"} <= set(response.json())
    assert not Objection.objects.exists()


def test_the_api_refuses_objections_after_the_notice(client, notice):
    notice.__class__.objects.filter(pk=notice.pk).update(
        starts_on=timezone.localdate() - datetime.timedelta(days=20),
        ends_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    response = api(client, notice)
    assert response.status_code == 400 and "不在公示期内" in response.content.decode()
    detail = client.get(f"/api/v1/forerunner/notices/{notice.pk}/").json()
    assert detail["accepts_objections"] is False and detail["entries"][0]["title"] == "甲号瓷"

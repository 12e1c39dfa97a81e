"""The forerunner pages end to end over HTTP: an evaluator builds and publishes a scheme with three core indicators
through its forms, ranks, notices and publishes the list; an enterprise commits; the public reads the tiers,
objects during the notice and exports rankings and lists as xlsx."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from nqihub.forerunner import services
from nqihub.forerunner.models import EntryState, EvaluationScheme, ForerunnerList, Objection, RankingRun

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluator(reference_data):
    return b.evaluator()


def sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [[c if c is not None else "" for c in row] for row in workbook.active.iter_rows(values_only=True)]


def test_the_evaluator_builds_publishes_and_ranks_a_scheme_through_the_forms(client, evaluator):
    area = b.key_area()
    b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"})
    b.standard({"铅溶出量": "0.4", "镉溶出量": "0.05", "白度": "70"})
    client.force_login(evaluator)
    response = client.post(
        reverse("forerunner:scheme_create"),
        {
            "key_area": area.pk,
            "title": "日用陶瓷领跑者评估方案",
            "category_code": b.CERAMICS,
            "weight_comprehensiveness": 20,
            "weight_advancedness": 60,
            "weight_conformity": 20,
            "top_n": 1,
            "validity_months": 12,
            "notice_days": 10,
        },
    )
    scheme = EvaluationScheme.objects.get(title="日用陶瓷领跑者评估方案")
    manage = reverse("forerunner:scheme_manage", args=[scheme.pk])
    assert response.status_code == 302 and response["Location"] == manage
    html = client.get(manage).content.decode()
    assert "核心指标至少 3 项(现有 0 项)" in html and 'data-testid="publish"' not in html
    # A lowest tier below the national requirement is refused when publishing, with the reason on the page.
    add = reverse("forerunner:indicator_add", args=[scheme.pk])
    for name, requirement, unit, tiers in (
        ("铅溶出量", "≤0.8 mg/L", "mg/L", {"tier_1": "0.9", "tier_2": "0.3", "tier_3": "0.2"}),
        ("镉溶出量", "≤0.07 mg/L", "mg/L", {"tier_1": "0.05", "tier_3": "0.03"}),
        ("白度", "≥65", "度", {"tier_1": "70", "tier_2": "75", "tier_3": "80"}),
    ):
        response = client.post(
            add,
            {"role": "core", "name": name, "requirement": requirement, "unit": unit, "weight": 1, **tiers},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    refused = client.post(reverse("forerunner:scheme_publish", args=[scheme.pk]))
    assert refused.status_code == 400
    assert "低于(宽于)国家/行业要求" in refused.content.decode()
    lead = scheme.indicators.get(name="铅溶出量")
    edit = reverse("forerunner:indicator_edit", args=[scheme.pk, lead.pk])
    assert 'value="0.9"' in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "role": "core",
            "name": "铅溶出量",
            "requirement": "≤0.8 mg/L",
            "unit": "mg/L",
            "weight": 1,
            "tier_1": "0.5",
        }
        | {"tier_2": "0.3", "tier_3": "0.2"},
    )
    assert response.status_code == 302
    assert client.post(reverse("forerunner:scheme_publish", args=[scheme.pk])).status_code == 302
    scheme.refresh_from_db()
    assert scheme.is_published
    assert client.post(reverse("forerunner:ranking_run", args=[scheme.pk])).status_code == 302
    run = RankingRun.objects.get(scheme=scheme)
    assert run.candidates == 2 and run.shortlisted == 1
    public = client.get(reverse("forerunner:scheme_detail", args=[scheme.pk])).content.decode()
    assert "领跑 0.2" in public and run.get_absolute_url() in public


def test_a_core_indicator_form_without_tiers_is_refused_next_to_the_form(client, evaluator):
    scheme = b.scheme(evaluator, publish=False)
    client.force_login(evaluator)
    response = client.post(
        reverse("forerunner:indicator_add", args=[scheme.pk]),
        {"role": "core", "name": "吸水率", "requirement": "≤0.5", "unit": "%", "weight": 1},
    )
    assert response.status_code == 400
    assert "核心指标至少需要一个档位的界限" in response.content.decode()


def test_the_public_ranking_page_shows_tiers_without_order_inside_a_tier(client, evaluator):
    s = b.scheme(evaluator)
    b.standard({"铅溶出量": "0.45", "镉溶出量": "0.03", "白度": "75"}, title="乙号瓷")
    b.standard({"铅溶出量": "0.31", "镉溶出量": "0.03", "白度": "75"}, title="甲号瓷")
    b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "75"}, title="丙号瓷")
    run = services.run_ranking(evaluator, s)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "所有披露值相同,该指标不排名" in page  # 镉溶出量 and 白度
    lead = next(i for i in run.indicators if i["name"] == "铅溶出量")
    tier = client.get(run.get_absolute_url(), {"indicator": lead["id"], "level": 1}).content.decode()
    assert "铅溶出量 · 先进(≤0.5 mg/L)" in tier and "同一档内不排序" in tier
    # Both 先进 standards, listed by standard number; the 领跑 one is not in this tier.
    assert "乙号瓷" in tier and "甲号瓷" in tier and "丙号瓷" not in tier
    numbers = [e.standard_number for e in run.entries.filter(title__in=["乙号瓷", "甲号瓷"])]
    assert tier.index(min(numbers)) < tier.index(max(numbers))


def test_ranking_export_lists_every_candidate_with_values_and_tiers(client, evaluator):
    s = b.scheme(evaluator, top_n=1)
    b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"}, title="甲号瓷")
    b.standard({"铅溶出量": "0.4", "镉溶出量": "0.05", "白度": "72"}, title="乙号瓷")
    b.standard({"铅溶出量": "0.2"}, title="丙号瓷", outcome="nonconforming")
    run = services.run_ranking(evaluator, s)
    response = client.get(reverse("forerunner:ranking_export", args=[run.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    rows = sheet(response)
    header = rows[0]
    assert header[:6] == ["综合排序", "标准编号", "标准名称", "企业", "符合入榜条件", "未入榜原因"]
    assert header[6:12] == [
        "铅溶出量(mg/L)",
        "铅溶出量档位",
        "镉溶出量(mg/L)",
        "镉溶出量档位",
        "白度(度)",
        "白度档位",
    ]
    assert header[-5:] == ["全面性", "先进性", "规范性", "综合得分", "入围"]
    by_title = {row[2]: row for row in rows[1:]}
    assert by_title["甲号瓷"][0] == "1" and by_title["甲号瓷"][6:12] == [
        "0.2",
        "领跑",
        "0.03",
        "领跑",
        "80",
        "领跑",
    ]
    assert by_title["甲号瓷"][-2:] == ["100.00", "入围"]
    assert by_title["乙号瓷"][6:12] == ["0.4", "先进", "0.05", "先进", "72", "先进"]
    assert by_title["丙号瓷"][4:6] == ["否", "最近一次审查结论为不符合"]
    assert len(rows) == 4


def test_enterprise_commits_evaluator_notices_public_objects_and_the_list_is_published(client, evaluator):
    s = b.scheme(evaluator, top_n=2)
    first = b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"}, title="甲号瓷")
    b.standard({"铅溶出量": "0.3", "镉溶出量": "0.03", "白度": "75"}, title="乙号瓷")
    services.run_ranking(evaluator, s)
    entry = s.entries.get(disclosure=first)
    owner = b.staff(first.enterprise)
    client.force_login(owner)
    page = client.get(reverse("forerunner:my_entries")).content.decode()
    assert entry.get_absolute_url() in page
    refused = client.post(reverse("forerunner:entry_commit", args=[entry.pk]))
    assert refused.status_code == 400 and "须上传由法定代表人或授权人签署的承诺书" in refused.content.decode()
    bad = client.post(
        reverse("forerunner:entry_upload", args=[entry.pk]),
        {"kind": "evidence", "file": io.BytesIO(b"GIF89a not a report")},
    )
    assert bad.status_code == 400
    for kind, name in (("commitment", "承诺书.pdf"), ("evidence", "检验报告.pdf")):
        response = client.post(
            reverse("forerunner:entry_upload", args=[entry.pk]), {"kind": kind, "file": b.pdf_upload(name)}
        )
        assert response.status_code == 302
    document = entry.documents.get(kind="evidence")
    download = client.get(reverse("forerunner:document_download", args=[document.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert client.post(reverse("forerunner:entry_commit", args=[entry.pk])).status_code == 302
    client.logout()
    # The evaluator starts the notice: only the committed entry is in it.
    client.force_login(evaluator)
    today = timezone.localdate()
    response = client.post(
        reverse("forerunner:notice_start", args=[s.pk]),
        {"starts_on": today.isoformat(), "ends_on": (today + datetime.timedelta(days=10)).isoformat()},
    )
    assert response.status_code == 302
    notice = s.notices.get()
    client.logout()
    html = client.get(notice.get_absolute_url()).content.decode()
    assert "甲号瓷" in html and "乙号瓷" not in html and 'id="objection-form"' in html
    response = client.post(
        notice.get_absolute_url(),
        {"entry": entry.pk, "name": "李四", "contact": "lisi@example.cn", "reason": "检验报告不是该型号"},
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.contact == "lisi@example.cn"
    assert (
        "lisi@example.cn" not in client.get(notice.get_absolute_url()).content.decode()
    )  # contacts stay private
    client.force_login(evaluator)
    manage = client.get(reverse("forerunner:scheme_manage", args=[s.pk])).content.decode()
    assert "lisi@example.cn" in manage and "检验报告不是该型号" in manage
    early = client.post(reverse("forerunner:notice_close", args=[notice.pk]))
    assert early.status_code == 400  # the notice period is not over and an objection is open
    response = client.post(
        reverse("forerunner:objection_resolve", args=[objection.pk]),
        {"decision": "dismissed", "resolution": "经核实报告真实有效"},
    )
    assert response.status_code == 302
    services.close_notice(evaluator, notice, today=today + datetime.timedelta(days=11))
    response = client.post(reverse("forerunner:list_publish", args=[s.pk]), {"title": ""})
    assert response.status_code == 302
    listing = ForerunnerList.objects.get(scheme=s)
    entry.refresh_from_db()
    assert entry.state == EntryState.LISTED and entry.valid_until == listing.valid_until
    client.logout()
    html = client.get(listing.get_absolute_url()).content.decode()
    assert "甲号瓷" in html and 'data-testid="validity"' in html and "有效" in html
    rows = sheet(client.get(reverse("forerunner:list_export", args=[listing.pk])))
    assert rows[0] == ["企业", "标准编号", "标准名称", "综合得分", "状态", "列入时间", "有效期至", "原因说明"]
    assert rows[1][2] == "甲号瓷" and rows[1][4] == "已列入领跑者名单"
    assert rows[1][6] == listing.valid_until.isoformat()


def test_an_expired_notice_takes_no_objection(client, evaluator):
    s = b.scheme(evaluator, top_n=1)
    b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"})
    b.standard({"铅溶出量": "0.6", "镉溶出量": "0.06", "白度": "66"})  # one alone would rank nothing
    services.run_ranking(evaluator, s)
    b.commit(s.entries.get())
    today = timezone.localdate()
    notice = services.start_notice(
        evaluator, s, today - datetime.timedelta(days=15), today - datetime.timedelta(days=5)
    )
    html = client.get(notice.get_absolute_url()).content.decode()
    assert 'id="objection-form"' not in html
    response = client.post(
        notice.get_absolute_url(),
        {
            "entry": s.entries.get().pk,
            "name": "李四",
            "contact": "13800000000",
            "reason": "检验报告不是该型号",
        },
    )
    assert response.status_code == 400 and not Objection.objects.exists()


def test_a_removed_standard_shows_on_the_list_with_its_reason(client, evaluator):
    s = b.scheme(evaluator, top_n=1)
    top = b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"})
    b.standard({"铅溶出量": "0.6", "镉溶出量": "0.06", "白度": "66"})
    listing = b.listed(evaluator, s)
    b.revise(top, {"铅溶出量": "0.45"})
    html = client.get(listing.get_absolute_url()).content.decode()
    assert "已移出" in html and "低于入围时的档位" in html
    rows = sheet(client.get(reverse("forerunner:list_export", args=[listing.pk])))
    assert rows[1][4] == "已移出" and "铅溶出量" in rows[1][7]


def test_the_forerunner_subsystem_is_linked_from_every_page(client, reference_data):
    html = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("forerunner:home")}"' in html


def test_the_notice_form_gives_the_browser_iso_dates(client, evaluator):
    """A date input takes ISO dates only: the Chinese input format (2026/11/22) left it empty in the browser."""
    s = b.scheme(evaluator)
    client.force_login(evaluator)
    html = client.get(reverse("forerunner:scheme_manage", args=[s.pk])).content.decode()
    today = timezone.localdate()
    assert f'type="date" name="starts_on" value="{today.isoformat()}"' in html
    ends = today + datetime.timedelta(days=s.notice_days)
    assert f'type="date" name="ends_on" value="{ends.isoformat()}"' in html

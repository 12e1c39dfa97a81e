"""In the browser, the whole forerunner (企业标准"领跑者") path: a third-party evaluator files a 日用陶瓷 scheme with
three core indicators and their tiers, publishes it and ranks the category — five standards disclosed and
reviewed through the real services, one of them 不符合 (not admitted) and one below every tier; the ranking page
shows the right standards in each tier; the shortlisted enterprise uploads its commitment letter (a real PDF) and
a test report (a real DOCX) and submits; the evaluator starts the notice; an anonymous visitor finds it on the
forerunner home page and objects; the evaluator sees the objection with its contact, dismisses it, closes the
notice once its period is over and publishes the list; the public list page shows the entry with its validity.
Then the enterprise revises its standard keeping its tiers: the list shows it 待复核 until the county regulator's
review of the revision puts it back.
"""

import datetime
import io

import docx
import pytest
from django.core.cache import cache
from django.utils import timezone

from nqihub.core.models import Role, User
from nqihub.forerunner import services as forerunner_services
from nqihub.forerunner.models import Notice
from nqihub.registry.models import RegulatorUnit
from nqihub.review import services as review_services
from nqihub.standards import services as disclosure_services
from nqihub.standards.models import Indicator
from nqihub.testing import COUNTY, enterprise, institution, user
from tests.matrix.disclosures import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lingpao2026runner"
CORE = [
    # name, requirement, unit, tier bounds (先进, 领先, 领跑; blank: no such tier)
    ("铅溶出量", "≤0.8 mg/L", "mg/L", ("0.5", "0.3", "0.2")),
    ("镉溶出量", "≤0.07 mg/L", "mg/L", ("0.05", "", "0.03")),
    ("白度", "≥65", "度", ("70", "75", "80")),
]
# title → (lead, cadmium, whiteness); 戊号瓷 is the best but its review is 不符合, so it is not admitted.
STANDARDS = {
    "甲号瓷": ("0.2", "0.03", "80"),  # 领跑 on all three
    "乙号瓷": ("0.3", "0.05", "75"),  # 领先, 先进, 领先
    "丙号瓷": ("0.45", "0.05", "72"),  # 先进 on all three
    "丁号瓷": ("0.6", "0.06", "66"),  # meets the requirements, below every tier
    "戊号瓷": ("0.1", "0.02", "90"),
}
SIGNS = {"铅溶出量": "≤", "镉溶出量": "≤", "白度": "≥"}


def log_in(page, live_server, username, next_path):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('登录')")
    page.wait_for_url(f"{live_server.url}{next_path}")


def log_out(page):
    page.click("button:has-text('退出')")
    page.wait_for_load_state()


def click(page, selector):
    page.click(selector)
    page.wait_for_load_state()


def docx_report() -> bytes:
    document = docx.Document()
    document.add_heading("检验报告", level=1)
    document.add_paragraph("样品:甲号瓷 日用陶瓷餐具,型号 FR-1。")
    document.add_paragraph("铅溶出量 0.18 mg/L,镉溶出量 0.02 mg/L,白度 81 度。检验依据 GB 4806.4-2016。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def disclose(company, title, values):
    """A disclosed own standard of `company` declaring these core values, through the disclosure services."""
    staff = company.staff.get()
    draft = disclosure_services.start_disclosure(
        staff, company, kind="enterprise", number=f"Q/LP{company.pk:04d} 0001-2025", title=title
    )
    for (name, _req, unit, _tiers), value in zip(CORE, values, strict=True):
        disclosure_services.add_indicator(
            staff,
            draft,
            {"name": name, "requirement": f"{SIGNS[name]}{value}", "unit": unit, "test_method": "GB 4806.4"},
        )
    disclosure_services.add_product(staff, draft, {"name": title, "model": "FR-1", "category_code": "3074"})
    disclosure_services.sign_commitment(staff, draft, "张三", "legal_representative")
    return disclosure_services.disclose(staff, draft)


@pytest.fixture
def world(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # the objection rate limit counts in the cache
    admin = user("lingpao_admin", Role.ADMIN)
    forerunner_services.create_key_area(admin, {"year": 2026, "name": "日用陶瓷", "category_codes": "3074"})
    centre = institution(COUNTY, kind="standardisation", name="桂林市标准化研究中心")
    user("lingpao_pinggu", Role.INSTITUTION, password=PASSWORD, institution=centre)
    RegulatorUnit.objects.create(name="阳朔县市场监督管理局", region_code=COUNTY)
    regulator = user("lingpao_shencha", Role.REGULATOR, region_code=COUNTY)
    disclosures = {}
    for n, (title, values) in enumerate(STANDARDS.items(), start=1):
        company = enterprise(COUNTY, name=f"阳朔{title}陶瓷有限公司")
        user(f"lingpao_qiye{n}", Role.ENTERPRISE, password=PASSWORD, enterprise=company)
        d = disclose(company, title, values)
        if title == "戊号瓷":  # its whiteness lost its test method: C5 → 不符合
            Indicator.objects.filter(disclosure=d, name="白度").update(test_method="")
        review = review_services.review_disclosure(regulator, d)
        assert review.outcome == ("nonconforming" if title == "戊号瓷" else "conforming"), title
        disclosures[title] = d
    return disclosures


def tier_members(page, indicator: str, tier: str) -> list[str]:
    """Open a tier of an indicator on the ranking page; the titles of its members."""
    card = page.locator(f"[data-testid=indicator-rankings] [data-indicator='{indicator}']")
    card.locator("tr", has_text=tier).locator("[data-testid=tier-link]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=tier-title]").inner_text().startswith(f"{indicator} · {tier}")
    titles = page.locator("[data-testid=ranking-rows] tbody tr td:nth-child(2)").all_inner_texts()
    page.go_back()
    page.wait_for_load_state()
    return titles


def test_scheme_ranking_commitment_notice_objection_and_list(live_server, page, screenshot, world):
    # --- the evaluator files the scheme with three core indicators and their tiers
    log_in(page, live_server, "lingpao_pinggu", "/forerunner/manage/")
    click(page, "[data-testid=create]")
    page.select_option("#id_key_area", label="2026 日用陶瓷")
    page.fill("#id_title", "日用陶瓷企业标准领跑者评估方案")
    page.select_option("#id_category_code", "3074")
    page.fill("#id_top_n", "1")
    click(page, "[data-testid=save]")
    assert page.locator("[data-testid=scheme-state]").inner_text() == "草稿"
    for name, requirement, unit, bounds in CORE:
        click(page, "[data-testid=add-indicator]")
        page.select_option("#id_role", "core")
        page.fill("#id_name", name)
        page.fill("#id_requirement", requirement)
        page.fill("#id_unit", unit)
        for n, bound in enumerate(bounds, start=1):
            page.fill(f"#id_tier_{n}", bound)
        click(page, "[data-testid=save]")
    core = page.locator("[data-testid=core-indicators] tbody").inner_text()
    for text in (
        "铅溶出量",
        "≤0.8 mg/L",
        "领跑 0.2",
        "镉溶出量",
        "先进 0.05",
        "领跑 0.03",
        "白度",
        "领先 75",
    ):
        assert text in core, text
    assert "领先" not in page.locator("[data-testid=core-indicators] tr", has_text="镉溶出量").inner_text()
    screenshot("forerunner-scheme-draft")
    click(page, "[data-testid=publish]")
    assert page.locator("[data-testid=scheme-state]").inner_text() == "已发布"

    # --- the ranking over every disclosed standard of the category
    click(page, "[data-testid=run]")
    assert "参评 5 项,符合入榜条件 4 项,入围 1 项" in page.locator(".alert-success").inner_text()
    page.locator("li", has_text="参评 5").locator("a").first.click()
    page.wait_for_load_state()
    counts = page.locator("[data-testid=run-counts]").inner_text()
    assert counts.split() == ["参评标准", "5", "符合入榜条件", "4", "进入档位", "3", "入围", "1"]
    assert tier_members(page, "铅溶出量", "领跑") == ["甲号瓷"]
    assert tier_members(page, "铅溶出量", "领先") == ["乙号瓷"]
    assert tier_members(page, "铅溶出量", "先进") == ["丙号瓷"]
    assert tier_members(page, "镉溶出量", "领跑") == ["甲号瓷"]
    assert tier_members(page, "镉溶出量", "先进") == ["乙号瓷", "丙号瓷"]  # no order inside a tier: by number
    assert tier_members(page, "白度", "领先") == ["乙号瓷"]
    below = page.locator("[data-indicator='铅溶出量'] tr", has_text="未进档(低于最低档)")
    assert below.locator("td").last.inner_text() == "1"  # 丁号瓷
    rows = page.locator("[data-testid=ranking-rows] tbody tr")
    first = rows.first.inner_text()
    assert "甲号瓷" in first and "入围" in first and "100.00" in first
    assert "最近一次审查结论为不符合" in rows.filter(has_text="戊号瓷").inner_text()
    screenshot("forerunner-ranking")
    page.goto(f"{live_server.url}/forerunner/manage/")
    click(page, "a:has-text('日用陶瓷企业标准领跑者评估方案')")
    entries = page.locator("[data-testid=entries] tbody").inner_text()
    assert "甲号瓷" in entries and "入围,待提交承诺" in entries and "乙号瓷" not in entries
    manage_url = page.url
    log_out(page)

    # --- the shortlisted enterprise uploads its commitment letter and a test report, and submits
    log_in(page, live_server, "lingpao_qiye1", "/forerunner/entries/")
    click(page, "[data-testid=entries] a:has-text('甲号瓷')")
    assert "须上传由法定代表人或授权人签署的承诺书" in page.locator("[data-testid=missing]").inner_text()
    page.select_option("#id_kind", "commitment")
    page.set_input_files(
        "#id_file", files=[{"name": "承诺书.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}]
    )
    click(page, "[data-testid=upload]")
    page.select_option("#id_kind", "evidence")
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    page.set_input_files(
        "#id_file", files=[{"name": "检验报告.docx", "mimeType": docx_type, "buffer": docx_report()}]
    )
    click(page, "[data-testid=upload]")
    documents = page.locator("[data-testid=documents]").inner_text()
    assert "承诺书.pdf" in documents and "检验报告.docx" in documents
    assert page.locator("[data-testid=missing]").count() == 0
    click(page, "[data-testid=commit]")
    assert page.locator("[data-state]").first.inner_text() == "已提交承诺书和证明材料"
    log_out(page)

    # --- the evaluator starts the notice
    log_in(page, live_server, "lingpao_pinggu", manage_url.removeprefix(live_server.url))
    assert "已提交承诺书和证明材料的入围标准 1 项将进入公示" in page.content()
    click(page, "[data-testid=start-notice]")
    assert "已开始公示,共 1 项" in page.locator(".alert-success").inner_text()
    log_out(page)

    # --- an anonymous visitor finds the notice and objects
    page.goto(f"{live_server.url}/forerunner/")
    click(page, "[data-testid=notices] a:has-text('日用陶瓷企业标准领跑者评估方案')")
    assert page.locator("[data-testid=notice-state]").inner_text() == "公示中,可提出异议"
    assert "甲号瓷" in page.locator("[data-testid=notice-entries]").inner_text()
    page.fill("#id_name", "李四")
    page.fill("#id_contact", "lisi@example.cn")
    page.fill("#id_reason", "检验报告的样品型号与标准不一致")
    click(page, "[data-testid=object]")
    assert "异议已提交" in page.locator(".alert-success").inner_text()
    assert "lisi@example.cn" not in page.content()  # the contact stays private
    screenshot("forerunner-notice")

    # --- the evaluator resolves the objection, closes the notice after its period and publishes the list
    log_in(page, live_server, "lingpao_pinggu", manage_url.removeprefix(live_server.url))
    objection = page.locator("[data-testid=objection]")
    assert "李四" in objection.inner_text() and "lisi@example.cn" in objection.inner_text()
    assert "检验报告的样品型号与标准不一致" in objection.inner_text()
    objection.locator("select[name=decision]").select_option("dismissed")
    objection.locator("textarea[name=resolution]").fill("经核实,检验报告样品型号与标准一致")
    click(page, "[data-testid=objection] button:has-text('处理')")
    assert "异议已处理" in page.locator(".alert-success").inner_text()
    assert "异议不成立" in page.locator("[data-testid=objection]").inner_text()
    # The notice period passes (ten days in real life): it ended yesterday.
    today = timezone.localdate()
    Notice.objects.update(
        starts_on=today - datetime.timedelta(days=11), ends_on=today - datetime.timedelta(days=1)
    )
    click(page, "[data-testid=close-notice]")
    assert "公示已结束" in page.locator(".alert-success").inner_text()
    assert page.locator("[data-testid=entries] [data-state]").first.inner_text() == "公示无异议"
    click(page, "[data-testid=publish-list]")
    valid_until = forerunner_services.add_months(today, 12) - datetime.timedelta(days=1)
    assert f"有效期至 {valid_until.isoformat()}" in page.locator(".alert-success").inner_text()
    log_out(page)

    # --- the public list
    page.goto(f"{live_server.url}/forerunner/")
    click(page, "[data-testid=lists] a:has-text('领跑者')")
    assert "2026年度日用陶瓷企业标准领跑者评估方案企业标准“领跑者”名单" in page.locator("h1").inner_text()
    assert page.locator("[data-testid=validity]").inner_text() == "有效"
    assert page.locator("[data-testid=valid-until]").inner_text() == valid_until.isoformat()
    row = page.locator("[data-testid=list-entries] tbody tr")
    assert row.count() == 1
    text = row.inner_text()
    assert "阳朔甲号瓷陶瓷有限公司" in text and "甲号瓷" in text and world["甲号瓷"].standard_number in text
    assert row.locator("[data-state]").inner_text() == "已列入领跑者名单"
    assert row.locator("[data-testid=entry-valid-until]").inner_text() == valid_until.isoformat()
    screenshot("forerunner-list")

    # --- dynamic adjustment: the enterprise revises its standard keeping its tiers; the public sees 待复核 until
    # the county regulator reviews the revision
    top = world["甲号瓷"]
    staff = top.enterprise.staff.get()
    draft = disclosure_services.revise(staff, top)
    disclosure_services.update_indicator(staff, draft.indicators.get(name="白度"), {"requirement": "≥82"})
    disclosure_services.sign_commitment(staff, draft, "张三", "legal_representative")
    revision = disclosure_services.disclose(staff, draft)
    page.reload()
    assert row.locator("[data-testid=pending-recheck]").inner_text() == "待复核"
    assert "修订为版本 2" in row.locator("[data-testid=recheck-note]").inner_text()
    screenshot("forerunner-list-recheck")
    review_services.review_disclosure(User.objects.get(username="lingpao_shencha"), revision)
    page.reload()
    assert row.locator("[data-testid=pending-recheck]").count() == 0
    assert row.locator("[data-state]").inner_text() == "已列入领跑者名单"

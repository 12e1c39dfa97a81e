"""In the browser: an enterprise self-checks its draft (不符合: an indicator without test method), fixes it,
self-checks again (符合) and discloses; a county regulator then starts a batch review of its county, the task
worker runs it, and the batch page — reloading itself — shows 100 % and the counts by outcome; the report opens
as a printable page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from nqihub.core.models import Role
from nqihub.registry.models import RegulatorUnit
from nqihub.standards import services
from nqihub.testing import COUNTY, enterprise, user
from tests.matrix.disclosures import disclosure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Shencha2026review"


def log_in(page, live_server, username, next_path):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('登录')")
    page.wait_for_url(f"{live_server.url}{next_path}")


def self_check(page):
    page.click("[data-testid=self-check]")
    page.wait_for_load_state()
    assert "/review/reviews/" in page.url


def test_enterprise_self_check_then_regulator_batch(
    live_server, page, screenshot, reference_data, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    RegulatorUnit.objects.create(name="阳朔县市场监督管理局", region_code=COUNTY)
    company = enterprise(COUNTY, name="阳朔浏览器陶瓷有限公司", legal_representative="王五")
    staff = user("taoci_checker", Role.ENTERPRISE, password=PASSWORD, enterprise=company)
    user(
        "yangshuo_reviewer",
        Role.REGULATOR,
        password=PASSWORD,
        region_code=COUNTY,
        display_name="阳朔县局审查员",
    )
    draft = services.start_disclosure(
        staff, company, kind="enterprise", number="Q/YSTC 0001-2025", title="日用陶瓷餐具"
    )
    services.add_product(staff, draft, {"name": "日用陶瓷餐具", "model": "YS-350", "category_code": "3074"})
    services.add_indicator(
        staff, draft, {"name": "吸水率", "requirement": "≤0.5", "unit": "%", "test_method": "GB/T 3299"}
    )
    services.add_indicator(
        staff, draft, {"name": "铅溶出量", "requirement": "≤0.2", "unit": "mg/L", "test_method": ""}
    )
    services.sign_commitment(staff, draft, "王五", "legal_representative")
    # Another enterprise of the county disclosed a standard without signing its commitment.
    neighbour = enterprise(COUNTY, name="阳朔浏览器茶叶有限公司")
    disclosure(neighbour, title="阳朔绿茶", number="Q/YSCY 0001-2025")

    # --- the enterprise: self-check, fix, self-check again, disclose
    log_in(page, live_server, "taoci_checker", f"/disclosures/{draft.pk}/")
    assert "公开前可先自查" in page.locator("[data-testid=review-panel]").inner_text()
    self_check(page)
    assert page.locator("h1 + [data-testid=outcome]").inner_text() == "不符合"
    assert page.locator("[data-testid=disposition]").inner_text().startswith("责令限期整改")
    findings = page.locator("[data-testid=findings-completeness] [data-testid=finding-message]")
    assert findings.all_inner_texts() == ["指标“铅溶出量”未给出检验方法"]
    screenshot("review-self-check-nonconforming")

    page.click("[data-testid=disclosure-link]")
    page.wait_for_load_state()
    assert "不符合" in page.locator("[data-testid=latest-review]").inner_text()
    page.locator("[data-testid=indicators] tr", has_text="铅溶出量").get_by_role("link", name="编辑").click()
    page.wait_for_load_state()
    page.fill("#id_test_method", "GB 31604.34")
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_load_state()
    page.fill("#id_signatory", "王五")  # changing an indicator cleared the commitment: sign again
    page.select_option("#id_role", "legal_representative")
    page.check("#id_agree")
    page.click("#commitment-form button[type=submit]")
    page.wait_for_load_state()
    self_check(page)
    assert page.locator("h1 + [data-testid=outcome]").inner_text() == "符合"
    assert page.locator("[data-testid=no-findings]").count() == 1
    screenshot("review-self-check-conforming")

    page.click("[data-testid=report-link]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=report-title]").inner_text() == "企业标准自查报告"
    screenshot("review-self-check-report")

    page.goto(f"{live_server.url}/disclosures/{draft.pk}/")
    page.click("[data-testid=disclose]")
    page.wait_for_load_state()
    assert page.locator("h1 + [data-testid=state]").inner_text() == "现行有效"
    page.click("button:has-text('退出')")
    page.wait_for_load_state()

    # --- the county regulator: a batch over the county, run by the worker
    log_in(page, live_server, "yangshuo_reviewer", "/review/batches/")
    page.select_option("#id_region_code", COUNTY)
    page.click("[data-testid=start-batch]")
    page.wait_for_load_state()
    assert "/review/batches/" in page.url
    assert page.locator("[data-testid=batch-status]").inner_text() == "排队中"
    assert page.locator("[data-testid=batch-percent]").inner_text() == "0/2 · 0%"
    screenshot("review-batch-queued")

    call_command("db_worker", "--batch", "--no-startup-delay")  # the task worker, from the test thread

    # No reload by the test: the page refreshes itself (meta refresh) until the batch is done.
    expect(page.locator("[data-testid=batch-percent]")).to_have_text("2/2 · 100%", timeout=15_000)
    assert page.locator("[data-testid=batch-status]").inner_text() == "已完成"
    assert page.locator("[data-testid=count-conforming]").inner_text() == "1"
    assert page.locator("[data-testid=count-minor]").inner_text() == "0"
    assert page.locator("[data-testid=count-nonconforming]").inner_text() == "1"
    reviews = page.locator("[data-testid=batch-reviews] tbody")
    assert reviews.get_by_text("阳朔浏览器陶瓷有限公司").count() == 1
    assert reviews.get_by_text("阳朔浏览器茶叶有限公司").count() == 1
    screenshot("review-batch-done")

    reviews.locator("tr", has_text="阳朔浏览器茶叶有限公司").locator("a").first.click()
    page.wait_for_load_state()
    page.click("[data-testid=report-link]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=bureau]").inner_text() == "阳朔县市场监督管理局"
    assert page.locator("[data-testid=report-title]").inner_text() == "企业标准自我声明公开审查意见书"
    assert "未签署承诺书" in page.locator("[data-testid=report-findings]").inner_text()
    screenshot("review-report")

"""In the browser: an enterprise benchmarks its disclosed ceramics standard against an ISO-based scheme — one
indicator stricter (吸水率), one equal after converting μg/L to mg/L (铅溶出量), one looser (镉溶出量), one missing
(抗热震性) — sees 达到国内先进水平 with the reason, edits the looser value with a test report as evidence (now
达到国际先进水平), publishes, and opens the report (HTML, and the PDF's text); a county regulator then verifies the
result on a test report, and the public sees it verified."""

import io

import pdfplumber
import pytest

from nqihub.benchmarking.tests.factories import ceramic_disclosure, iso_scheme
from nqihub.core.models import Role
from nqihub.registry.models import RegulatorUnit
from nqihub.testing import COUNTY, enterprise, expert, user
from tests.matrix.disclosures import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Duibiao2026bench"


def log_in(page, live_server, username, next_path):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('登录')")
    page.wait_for_url(f"{live_server.url}{next_path}")


def item_row(page, standard: str, indicator: str):
    return page.locator(
        f"[data-testid=group][data-standard='{standard}'] [data-testid=item][data-indicator='{indicator}']"
    )


def verdict(page, standard: str, indicator: str) -> str:
    return item_row(page, standard, indicator).locator("[data-testid=verdict]").inner_text()


def test_enterprise_benchmarks_against_an_iso_based_scheme(
    live_server, page, screenshot, reference_data, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    RegulatorUnit.objects.create(name="阳朔县市场监督管理局", region_code=COUNTY)
    company = enterprise(COUNTY, name="阳朔对标陶瓷有限公司")
    user("taoci_duibiao", Role.ENTERPRISE, password=PASSWORD, enterprise=company)
    user("yangshuo_yanzheng", Role.REGULATOR, password=PASSWORD, region_code=COUNTY)
    author = user("taoci_expert", Role.EXPERT, expert=expert(COUNTY, name="陶瓷专家"))
    disclosure = ceramic_disclosure(company)
    scheme = iso_scheme(author)

    # --- 1 pick the disclosed standard, 2 pick the scheme
    log_in(page, live_server, "taoci_duibiao", "/benchmarking/")
    page.click("[data-testid=new-result]")
    page.wait_for_load_state()
    page.select_option("#pick-disclosure-select", str(disclosure.pk))
    page.click("[data-testid=next]")
    page.wait_for_load_state()
    assert "吸水率" in page.locator("[data-testid=my-indicators]").inner_text()
    page.select_option("#id_scheme", str(scheme.pk))
    screenshot("benchmarking-wizard")
    page.click("[data-testid=compare]")
    page.wait_for_load_state()

    # --- 3 the comparison table
    assert "/benchmarking/results/" in page.url
    assert page.locator("[data-testid=level]").first.inner_text() == "达到国内先进水平"
    iso = "ISO 6486-1:2019"
    assert verdict(page, iso, "吸水率") == "优于"
    assert verdict(page, iso, "铅溶出量") == "等同"
    assert "即 ≤0.5 mg/L" in item_row(page, iso, "铅溶出量").locator("[data-testid=reason]").inner_text()
    assert verdict(page, iso, "镉溶出量") == "低于"
    assert verdict(page, iso, "抗热震性") == "缺项"
    assert verdict(page, iso, "白度") == "等同"
    assert verdict(page, "T/TEST 0001-2026", "镉溶出量") == "等同"
    assert "镉溶出量(低于)" in page.locator("[data-testid=level-reason]").inner_text()
    assert page.locator("[data-testid=count-missing]").inner_text() == "1"
    screenshot("benchmarking-result-draft")

    # --- 4 edit the looser value, with a test report as evidence
    item_row(page, iso, "镉溶出量").locator("[data-testid=edit-item]").click()
    page.wait_for_load_state()
    page.fill("#id_requirement", "≤40")
    page.fill("#id_unit", "μg/L")
    page.set_input_files(
        "#id_evidence",
        files=[{"name": "镉复测报告.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}],
    )
    page.fill("#id_evidence_note", "2026 年送检复测")
    page.click("[data-testid=save-item]")
    page.wait_for_load_state()
    assert verdict(page, iso, "镉溶出量") == "优于"
    assert "≤40 μg/L" in item_row(page, iso, "镉溶出量").inner_text()
    assert "镉复测报告.pdf" in item_row(page, iso, "镉溶出量").inner_text()
    assert page.locator("[data-testid=level]").first.inner_text() == "达到国际先进水平"

    # --- publish
    page.click("[data-testid=publish-result]")
    page.wait_for_load_state()
    assert page.locator("h1 ~ [data-testid=state]").first.inner_text() == "已发布"
    screenshot("benchmarking-result-published")

    # --- the report, HTML and PDF
    page.click("[data-testid=report-link]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=report-title]").inner_text() == "企业标准对标结果报告"
    assert page.locator("[data-testid=report-level]").inner_text() == "达到国际先进水平"
    items = page.locator("[data-testid=report-items]").first.inner_text()
    for text in ("吸水率", "优于", "等同", "缺项", "≤500 μg/L", "镉复测报告.pdf"):
        assert text in items, text
    screenshot("benchmarking-report")
    pdf = page.request.get(
        f"{live_server.url}{page.locator('[data-testid=report-pdf]').get_attribute('href')}"
    )
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.body())) as document:
        text = "".join((p.extract_text() or "") for p in document.pages).replace(" ", "").replace("\n", "")
    for expected in ("企业标准对标结果报告", "达到国际先进水平", "优于", "等同", "缺项", "ISO6486-1:2019"):
        assert expected in text, expected
    page.goto(f"{live_server.url}/benchmarking/")
    page.click("button:has-text('退出')")
    page.wait_for_load_state()

    # --- 达标: the county regulator verifies on a test report
    result_path = f"/benchmarking/results/{disclosure.benchmark_results.get().pk}/"
    log_in(page, live_server, "yangshuo_yanzheng", result_path)
    page.click("[data-testid=verify-link]")
    page.wait_for_load_state()
    page.set_input_files(
        "#id_test_report",
        files=[{"name": "阳朔检测报告.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}],
    )
    page.click("[data-testid=verify]")
    page.wait_for_load_state()
    assert "阳朔检测报告.pdf" in page.locator("[data-testid=verification]").inner_text()
    page.click("button:has-text('退出')")
    page.wait_for_load_state()

    # --- the public
    page.goto(f"{live_server.url}/benchmarking/results/")
    row = page.locator("[data-testid=results] tr", has_text="阳朔对标陶瓷有限公司")
    assert "达到国际先进水平" in row.inner_text() and "已达标验证" in row.inner_text()
    page.goto(f"{live_server.url}/benchmarking/?region={COUNTY}")
    assert (
        page.locator("[data-testid=international-sentence]").inner_text()
        == "1家企业的1项标准达到国际先进水平"
    )
    screenshot("benchmarking-home")

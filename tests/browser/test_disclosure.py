"""An enterprise user discloses, in the browser, a national standard picked from the catalogue and its own
enterprise standard (typed Q/ number, indicator table with test methods, uploaded DOCX, product, signed
commitment); both end as 现行有效."""

import pytest

from nqihub.core.models import Role
from nqihub.testing import COUNTY, enterprise, user
from tests.matrix.disclosures import catalogue_standard, make_docx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Taoci2026disclose"


def add_product(page, name, model):
    page.fill("#id_product_name", name)
    page.fill("#id_product_model", model)
    page.select_option("#id_product_category_code", "3074")
    page.fill("#id_product_gtin", "6901234567892")
    page.click("#product-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=products] tbody").get_by_text(name).count() == 1


def disclose(page):
    assert "填报内容已完整" in page.locator("[data-testid=checklist]").inner_text()
    page.click("[data-testid=disclose]")
    page.wait_for_load_state()
    assert page.locator("h1 + [data-testid=state]").inner_text() == "现行有效"


def test_enterprise_discloses_a_catalogue_standard_and_its_own_standard(
    live_server, browser, page, screenshot, reference_data, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    gb = catalogue_standard("GB/T 1.1-2020")
    company = enterprise(COUNTY, name="阳朔浏览器陶瓷有限公司", legal_representative="王五")
    user("taoci_staff", Role.ENTERPRISE, password=PASSWORD, enterprise=company, display_name="陶瓷公司填报员")

    page.goto(f"{live_server.url}/accounts/login/?next=/disclosures/")
    page.fill("#id_username", "taoci_staff")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('登录')")
    page.wait_for_url(f"{live_server.url}/disclosures/")

    # (a) A national standard, picked from the catalogue by typing part of its number.
    page.click("text=新建声明")
    page.fill("#id_q", "gb/t 1.1-2020")
    page.click("button:has-text('检索标准目录')")
    page.wait_for_load_state()
    screenshot("disclosure-catalogue-search")
    page.click(f"[data-testid=pick-{gb.pk}]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=standard-number]").inner_text() == "GB/T 1.1-2020"
    add_product(page, "日用陶瓷杯", "YS-350")
    disclose(page)
    assert "3074 日用陶瓷制品制造" in page.locator("[data-testid=products]").inner_text()
    screenshot("disclosure-national-standard-disclosed")

    # (b) The enterprise's own standard: a typed Q/ number (full-width, as a Chinese IME types it).
    page.goto(f"{live_server.url}/disclosures/new/")
    page.fill("#id_number", "Ｑ／ＹＳＴＣ　０００１－２０２５")
    page.fill("#id_title", "日用陶瓷餐具")
    page.fill("#id_explicit_statement", "铅、镉溶出量指标严于 GB 4806.4 的规定。")
    page.click("#own button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=standard-number]").inner_text() == "Q/YSTC 0001-2025"
    for name, requirement, unit, method in (
        ("铅溶出量", "≤0.2", "mg/L", "GB 31604.34"),
        ("吸水率", "≤0.5", "%", "GB/T 3299"),
    ):
        page.fill("#id_indicator_name", name)
        page.fill("#id_indicator_requirement", requirement)
        page.fill("#id_indicator_unit", unit)
        page.fill("#id_indicator_test_method", method)
        page.click("#indicator-form button[type=submit]")
        page.wait_for_load_state()
    assert page.locator("[data-testid=indicators] tbody tr").count() == 2
    page.set_input_files(
        "#id_document",
        files=[
            {
                "name": "Q-YSTC 0001-2025 日用陶瓷餐具.docx",
                "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "buffer": make_docx(),
            }
        ],
    )
    page.click("#document-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=document-link]").inner_text().endswith(".docx")
    add_product(page, "日用陶瓷盘", "YS-P8")
    page.fill("#id_signatory", "王五")
    page.select_option("#id_role", "legal_representative")
    page.check("#id_agree")
    page.click("#commitment-form button[type=submit]")
    page.wait_for_load_state()
    assert "已由法定代表人 王五" in page.locator("[data-testid=commitment]").inner_text()
    screenshot("disclosure-own-standard-ready")
    disclose(page)
    screenshot("disclosure-own-standard-disclosed")

    # Both are 现行有效 in the workspace.
    page.goto(f"{live_server.url}/disclosures/")
    rows = page.locator("[data-testid=results] tbody tr")
    assert rows.count() == 2
    assert [s.inner_text() for s in page.locator("[data-testid=results] [data-testid=state]").all()] == [
        "现行有效",
        "现行有效",
    ]
    screenshot("disclosure-workspace")

    # A member of the public (a new session, JavaScript off) finds the own standard just disclosed by a
    # 2-character word, by a query in traditional characters and by its number typed sloppily.
    public = browser.new_context(locale="zh-CN", java_script_enabled=False)
    visitor = public.new_page()
    try:
        # 陶瓷: two characters; 鉛溶出量: the indicator 铅溶出量 in traditional characters; then the number
        # in lower case without spaces and with an em dash, and in full-width characters.
        for query in ("陶瓷", "鉛溶出量", "q/ystc0001—2025", "ｑ／ｙｓｔｃ　０００１－２０２５"):
            visitor.goto(f"{live_server.url}/search/")
            visitor.fill("input[name=q]", query)
            visitor.click("button[type=submit]:has-text('检索')")
            visitor.wait_for_url("**/search/?q=*")
            hits = visitor.locator("[data-testid=hit]")
            assert hits.count() >= 1, query
            assert "Q/YSTC 0001-2025" in hits.first.inner_text(), query
        screenshot("public-finds-the-disclosure")
    finally:
        public.close()

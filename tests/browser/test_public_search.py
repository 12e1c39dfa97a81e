"""An anonymous visitor, with JavaScript switched off, searches in traditional characters, opens the enterprise
page and reads indicators with their test methods."""

import datetime

import pytest
from django.utils import timezone

from nqihub.standards.models import Disclosure, DisclosureKind, DisclosureState, Indicator, Product
from nqihub.standards.search import sync_search_entry
from nqihub.testing import COUNTY, enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _disclose(company, number: str, title: str, state=DisclosureState.DISCLOSED) -> Disclosure:
    return Disclosure.objects.create(
        enterprise=company,
        region_code=company.region_code,
        kind=DisclosureKind.ENTERPRISE,
        standard_number=number,
        normalized_number=number,
        title=title,
        state=state,
        disclosed_at=None if state == DisclosureState.DRAFT else timezone.now() - datetime.timedelta(days=3),
    )


def test_search_without_javascript(live_server, browser, reference_data):
    company = enterprise(COUNTY, name="阳朔浏览器陶瓷有限公司")
    tableware = _disclose(company, "Q/YSLL 0001-2025", "日用陶瓷餐具")
    Product.objects.create(disclosure=tableware, name="陶瓷汤碗", model="YS-08", category_code="3074")
    Indicator.objects.create(
        disclosure=tableware, name="铅溶出量", requirement="≤0.2", unit="mg/L", test_method="GB 31604.34-2016"
    )
    draft = _disclose(company, "Q/YSLL 0002-2025", "陶瓷草稿标准", state=DisclosureState.DRAFT)
    for d in (tableware, draft):
        sync_search_entry(d)

    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/search/")
        page.fill("input[name=q]", "鉛")  # traditional 鉛 finds 铅
        page.click("button[type=submit]:has-text('检索')")
        page.wait_for_url("**/search/?q=*")
        hits = page.locator("[data-testid=hit]")
        assert hits.count() == 1
        assert "日用陶瓷餐具" in hits.first.inner_text()
        assert page.locator("[data-testid=total]").inner_text() == "共 1 条"

        page.goto(f"{live_server.url}/search/?q=陶瓷&status=all")
        assert "陶瓷草稿标准" not in page.content()

        page.click("text=阳朔浏览器陶瓷有限公司")
        page.wait_for_url(f"**/public/enterprises/{company.uscc}/")
        indicators = page.locator("[data-testid=indicators]").inner_text()
        assert "铅溶出量" in indicators and "GB 31604.34-2016" in indicators
        assert "陶瓷草稿标准" not in page.content()
    finally:
        context.close()

"""A county regulator logs in through the real login form and sees only its county's enterprises."""

import pytest

from nqihub.core.models import Role
from nqihub.testing import COUNTY, OTHER_COUNTY, enterprise, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_regulator_sees_only_its_county(live_server, page, screenshot, reference_data):
    for n in range(3):
        enterprise(COUNTY, name=f"阳朔县浏览器测试企业{n}有限公司")
    enterprise(OTHER_COUNTY, name="临桂区浏览器测试企业有限公司")
    enterprise("450103", name="南宁青秀浏览器测试企业有限公司")
    user(
        "yangshuo_regulator",
        Role.REGULATOR,
        password="Yangshuo2026ok",
        region_code=COUNTY,
        display_name="阳朔县局监管员",
    )

    page.goto(f"{live_server.url}/enterprises/")
    assert "/accounts/login/" in page.url  # not logged in: sent to the login page
    page.fill("#id_username", "yangshuo_regulator")
    page.fill("#id_password", "Yangshuo2026ok")
    page.click("button[type=submit]:has-text('登录')")
    page.wait_for_url(f"{live_server.url}/enterprises/")

    results = page.locator("[data-testid=results] tbody")
    for n in range(3):
        assert results.get_by_text(f"阳朔县浏览器测试企业{n}有限公司").count() == 1
    assert results.get_by_text("临桂区浏览器测试企业有限公司").count() == 0
    assert results.get_by_text("南宁青秀浏览器测试企业有限公司").count() == 0
    assert page.locator("[data-testid=total]").inner_text() == "(3)"
    assert "阳朔县局监管员" in page.locator("[data-testid=current-user]").inner_text()
    screenshot("county-regulator-enterprises")

    # Typing another county's enterprise id into the address bar does not reveal it either.
    from nqihub.registry.models import Enterprise

    other = Enterprise.objects.get(name="临桂区浏览器测试企业有限公司")
    response = page.goto(f"{live_server.url}/enterprises/{other.pk}/")
    assert response.status == 404

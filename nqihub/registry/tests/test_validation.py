"""Bad input gets a clear error naming the field and the reason, and nothing is half-written."""

import pytest
from django.urls import reverse

from nqihub.core.models import AuditEvent
from nqihub.registry.models import Enterprise
from nqihub.testing import COUNTY, OTHER_COUNTY, uscc


def post(client, data):
    return client.post(reverse("enterprise-list"), data, content_type="application/json")


@pytest.fixture
def admin_client(world, client):
    client.force_login(world.users["admin"])
    return client


def test_full_width_uscc_and_region_are_folded(admin_client):
    code = uscc()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    response = post(
        admin_client, {"name": "全角测试有限公司", "uscc": full_width, "region_code": "４５０３２１"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["uscc"] == code and response.json()["region_code"] == COUNTY


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("91450321MA5K", "应为18位"),
        ("91450321MA5KX1Y2I0", "不允许的字符"),
    ],
)
def test_malformed_uscc_names_the_field_and_reason(admin_client, value, reason):
    response = post(admin_client, {"name": "坏代码企业", "uscc": value, "region_code": COUNTY})
    assert response.status_code == 400
    assert reason in " ".join(response.json()["uscc"])


def test_uscc_check_digit(admin_client):
    good = uscc()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = post(admin_client, {"name": "校验位企业", "uscc": bad, "region_code": COUNTY})
    assert response.status_code == 400 and "校验位错误" in " ".join(response.json()["uscc"])
    assert not Enterprise.objects.filter(name="校验位企业").exists()


def test_retired_region_code_names_its_successor(admin_client):
    response = post(admin_client, {"name": "旧区划企业", "uscc": uscc(), "region_code": "450322"})
    assert response.status_code == 400
    assert "450312 临桂区" in " ".join(response.json()["region_code"])


def test_unknown_industry_code(admin_client):
    response = post(
        admin_client, {"name": "行业企业", "uscc": uscc(), "region_code": COUNTY, "industry_code": "9999"}
    )
    assert response.status_code == 400 and "GB/T 4754-2017" in " ".join(response.json()["industry_code"])


def test_duplicate_uscc_is_refused(admin_client, world):
    response = post(
        admin_client, {"name": "重复企业", "uscc": world.inside["enterprise"].uscc, "region_code": COUNTY}
    )
    assert response.status_code == 400 and "uscc" in response.json()


def test_regulator_cannot_move_an_enterprise_out_of_its_county(world, client):
    client.force_login(world.users["regulator"])
    target = world.inside["enterprise"]
    response = client.patch(
        reverse("enterprise-detail", args=[target.pk]),
        {"region_code": OTHER_COUNTY},
        content_type="application/json",
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.region_code == COUNTY
    assert not AuditEvent.objects.filter(action="enterprise.update").exists()


def test_enterprise_staff_cannot_set_their_own_credit_grade(world, client):
    client.force_login(world.users["enterprise"])
    target = world.inside["enterprise"]
    response = client.patch(
        reverse("enterprise-detail", args=[target.pk]),
        {"credit_risk_grade": "A", "contact_name": "李经理"},
        content_type="application/json",
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.credit_risk_grade == "" and target.contact_name == "李经理"
    page = client.get(reverse("registry:enterprise_edit", args=[target.pk])).content.decode()
    assert 'name="credit_risk_grade"' not in page and 'name="contact_name"' in page


def test_concurrent_edit_is_detected(world, client):
    client.force_login(world.users["regulator"])
    target = world.inside["enterprise"]
    url = reverse("registry:enterprise_edit", args=[target.pk])
    stale_version = target.updated_at.isoformat()
    # The edit page carries the version the editor saw, so two people editing at once are told.
    assert f'name="version" value="{stale_version}"' in client.get(url).content.decode()
    form = {"name": target.name, "uscc": target.uscc, "region_code": target.region_code, "contact_name": "甲"}
    assert client.post(url, {**form, "version": stale_version}).status_code == 302
    second = client.post(url, {**form, "contact_name": "乙", "version": stale_version})
    assert second.status_code == 400 and "已被他人修改" in second.content.decode()
    target.refresh_from_db()
    assert target.contact_name == "甲"


def test_form_errors_are_shown_next_to_the_field(world, client):
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("registry:enterprise_create"), {"name": "表单企业", "uscc": "123", "region_code": "450322"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="uscc"' in html and "应为18位" in html
    assert 'data-field="region_code"' in html and "临桂区" in html


def test_renaming_an_enterprise_updates_public_search(world, client):
    from django.utils import timezone

    from nqihub.standards.models import Disclosure
    from nqihub.standards.search import sync_search_entry

    target = world.inside["enterprise"]
    published = Disclosure.objects.create(
        enterprise=target,
        region_code=target.region_code,
        kind="enterprise",
        standard_number="Q/YSRN 0001-2025",
        normalized_number="Q/YSRN 0001-2025",
        title="更名测试标准",
        state="disclosed",
        disclosed_at=timezone.now(),
    )
    sync_search_entry(published)
    client.force_login(world.users["regulator"])
    response = client.patch(
        reverse("enterprise-detail", args=[target.pk]),
        {"name": "漓江新名字有限公司"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert client.get(reverse("search:api"), {"q": "漓江新名字"}).json()["count"] == 1

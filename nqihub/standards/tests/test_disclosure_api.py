"""The disclosure API end to end: drafts, sub-routes, state actions, nested read-only detail, readable errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nqihub.core.models import AuditEvent
from nqihub.standards.models import Disclosure
from tests.matrix.disclosures import catalogue_standard, disclosure, make_pdf


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def api(client, world):
    client.force_login(world.users["enterprise"])
    return client


def route(name, *args):
    return reverse(f"standards:disclosure-api-{name}", args=args)


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_an_external_standard_by_its_exact_number(api, world):
    gb = catalogue_standard("GB/T 1.1-2020")
    response = post(api, route("list"), {"number": "ＧＢ／Ｔ　１．１－２０２０"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["catalogue_standard"] == gb.pk and body["family"] == "national" and body["state"] == "draft"
    pk = body["id"]
    response = post(
        api, route("products", pk), {"name": "陶瓷杯", "model": "YS-350", "category_code": "3074"}
    )
    assert response.status_code == 201 and response.json()["products"][0]["category_code"] == "3074"
    response = post(api, route("disclose", pk))
    assert response.status_code == 200 and response.json()["state"] == "disclosed"
    detail = api.get(route("detail", pk)).json()
    assert detail["products"][0]["name"] == "陶瓷杯" and detail["indicators"] == []
    listed = api.get(route("list")).json()["results"][0]
    assert "products" not in listed and listed["id"] == pk


def test_an_own_standard_with_text_indicators_and_commitment(api):
    response = post(
        api, route("list"), {"kind": "enterprise", "number": "Q/YSTC 0001-2025", "title": "日用陶瓷餐具"}
    )
    pk = response.json()["id"]
    indicator = {"name": "铅溶出量", "requirement": "≤0.5 mg/L", "test_method": "GB/T 3534"}
    assert post(api, route("indicators", pk), indicator).json()["indicators"][0]["parsed"]["kind"] == "max"
    upload = SimpleUploadedFile("text.pdf", make_pdf(), content_type="application/pdf")
    response = api.post(route("document", pk), {"document": upload})
    assert response.status_code == 200 and response.json()["document_type"] == "pdf"
    assert response.json()["document_url"].endswith(reverse("standards:disclosure_document", args=[pk]))
    post(api, route("products", pk), {"name": "陶瓷杯", "model": "YS-350", "category_code": "3074"})
    response = post(api, route("commitment", pk), {"signatory": "李四", "role": "authorised"})
    assert response.status_code == 200 and response.json()["committed_at"]
    assert post(api, route("disclose", pk)).json()["state"] == "disclosed"
    revision = post(api, route("revise", pk))
    assert (
        revision.status_code == 201 and revision.json()["version"] == 2 and revision.json()["previous"] == pk
    )
    assert post(api, route("abolish", pk)).json()["state"] == "abolished"


@pytest.mark.parametrize(
    ("payload", "field", "reason"),
    [
        ({"kind": "enterprise", "number": "Q/0001-2025", "title": "x"}, "number", "不符合"),
        ({"number": "GB/T 99999-2020"}, "number", "不在标准目录中"),
        ({"catalogue_standard": 999999}, "catalogue_standard", "没有这条记录"),
        ({"kind": "external"}, "catalogue_standard", "请从标准目录中选取"),
        ({"kind": "nonsense"}, "kind", ""),
        ({"kind": "enterprise", "number": "Q/YSTC 0001-2025", "title": "x" * 1000}, "title", ""),
        ({"catalogue_standard": "abc"}, "catalogue_standard", ""),
    ],
)
def test_bad_drafts_get_a_400_naming_the_field(api, payload, field, reason):
    response = post(api, route("list"), payload)
    assert response.status_code == 400, response.content
    assert reason in " ".join(response.json()[field])
    assert not Disclosure.objects.exists()


def test_an_incomplete_disclosure_lists_every_missing_item(api, world):
    d = disclosure(world.inside["enterprise"], state="draft")
    response = post(api, route("disclose", d.pk))
    assert response.status_code == 400
    assert "须由法定代表人或授权人签署承诺书" in response.json()["non_field_errors"]


def test_bad_product_and_document_input(api, world, settings):
    d = disclosure(world.inside["enterprise"], state="draft")
    response = post(
        api, route("products", d.pk), {"name": "杯", "model": "X", "category_code": "3074", "gtin": "1"}
    )
    assert response.status_code == 400 and "实际为 1 位" in response.json()["gtin"][0]
    response = post(api, route("products", d.pk), {"name": 1, "model": ["x"], "category_code": None})
    assert response.status_code == 400
    exe = SimpleUploadedFile("x.pdf", b"MZ" + b"\0" * 100)
    response = api.post(route("document", d.pk), {"document": exe})
    assert response.status_code == 400 and "只接受 PDF 或 DOCX" in response.json()["document"][0]
    response = api.post(route("document", d.pk), {"document": "not a file"})
    assert response.status_code == 400


def test_patch_changes_only_drafts(api, world):
    draft = disclosure(world.inside["enterprise"], state="draft")
    response = api.patch(route("detail", draft.pk), {"title": "新名称"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["title"] == "新名称"
    assert AuditEvent.objects.filter(action="disclosure.update", object_id=str(draft.pk)).exists()
    published = disclosure(world.inside["enterprise"], number="Q/YSTC 0002-2025")
    response = api.patch(route("detail", published.pk), {"title": "新名称"}, content_type="application/json")
    assert response.status_code == 400 and "只有草稿可以修改" in str(response.json())


def test_a_regulator_reads_its_county_and_cannot_write(client, world):
    d = disclosure(world.inside["enterprise"])
    client.force_login(world.users["regulator"])
    assert client.get(route("detail", d.pk)).json()["products"][0]["category_code"] == "3074"
    assert post(client, route("abolish", d.pk)).status_code == 403
    assert (
        client.patch(route("detail", d.pk), {"title": "x"}, content_type="application/json").status_code
        == 403
    )
    assert client.delete(route("detail", d.pk)).status_code in (403, 405)
    d.refresh_from_db()
    assert d.state == "disclosed"


def test_filters_work_on_the_api(client, world):
    disclosure(world.inside["enterprise"], title="甲标准", number="Q/YSA 0001-2025")
    disclosure(world.inside["enterprise"], title="乙标准", number="Q/YSA 0002-2025", state="abolished")
    response = client.get(route("list"), {"state": "abolished"})
    assert [row["title"] for row in response.json()["results"]] == ["乙标准"]
    response = client.get(route("list"), {"q": "甲"})
    assert [row["title"] for row in response.json()["results"]] == ["甲标准"]

"""The disclosure pages without JavaScript: picking from the catalogue by a GET search, POST forms for every
change, errors shown next to the field, and never a 500 on bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nqihub.standards import services
from nqihub.standards.models import Disclosure
from nqihub.testing import OTHER_CITY, enterprise
from tests.matrix.disclosures import catalogue_standard, disclosure, make_docx, make_pdf

CUP = {"name": "陶瓷杯", "model": "YS-350", "category_code": "3074"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.users["enterprise"])
    return client


@pytest.fixture
def gb(db):
    return catalogue_standard("GB/T 1.1-2020")


def url(name, *args):
    return reverse(f"standards:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    "query", ["GB/T 1.1-2020", "ｇｂ／ｔ１．１", "gb/t1.1—2020", "1.1-2020", "标准化工作导则"]
)
def test_the_catalogue_is_searched_by_number_in_any_spelling_or_by_title(staff_client, gb, query):
    response = staff_client.get(url("disclosure_create"), {"q": query})
    assert response.status_code == 200
    assert f'data-testid="pick-{gb.pk}"' in html(response)


def test_a_withdrawn_edition_is_listed_with_its_replacement_and_cannot_be_picked(staff_client, gb):
    old = catalogue_standard("GB/T 1.1-2009", status="abolished")
    old.replaced_by = gb
    old.save()
    page = html(staff_client.get(url("disclosure_create"), {"q": "GB/T 1.1"}))
    assert f'data-testid="pick-{old.pk}"' not in page and f'data-testid="pick-{gb.pk}"' in page
    assert "GB/T 1.1-2009 已废止" in page
    response = staff_client.post(url("disclosure_create"), {"kind": "external", "catalogue_standard": old.pk})
    assert response.status_code == 400 and "GB/T 1.1-2020" in html(response)


def test_nothing_found_says_so(staff_client, gb):
    page = html(staff_client.get(url("disclosure_create"), {"q": "不存在的标准名称"}))
    assert "标准目录中没有与“不存在的标准名称”匹配" in page


def test_an_external_standard_end_to_end_through_the_forms(staff_client, gb):
    response = staff_client.post(url("disclosure_create"), {"kind": "external", "catalogue_standard": gb.pk})
    d = Disclosure.objects.get()
    assert response.status_code == 302 and response["Location"] == url("disclosure_detail", d.pk)
    page = html(staff_client.get(response["Location"]))
    assert "至少需要填写一个执行该标准的产品" in page and 'data-testid="disclose"' in page
    assert staff_client.post(url("disclosure_product_add", d.pk), CUP).status_code == 302
    response = staff_client.post(url("disclosure_disclose", d.pk))
    assert response.status_code == 302
    page = html(staff_client.get(url("disclosure_detail", d.pk)))
    assert "现行有效" in page and "3074 日用陶瓷制品制造" in page
    assert 'data-testid="disclose"' not in page  # no more editing


def test_an_own_standard_end_to_end_through_the_forms(staff_client, world):
    response = staff_client.post(
        url("disclosure_create"),
        {"kind": "enterprise", "number": "Ｑ／ＹＳＴＣ　０００１－２０２５", "title": "日用陶瓷餐具"},
    )
    d = Disclosure.objects.get()
    assert response.status_code == 302 and d.normalized_number == "Q/YSTC 0001-2025"
    indicator = {"name": "铅溶出量", "requirement": "≤0.5", "unit": "mg/L", "test_method": "GB/T 3534"}
    assert staff_client.post(url("disclosure_indicator_add", d.pk), indicator).status_code == 302
    docx = SimpleUploadedFile("企业标准.docx", make_docx())
    assert staff_client.post(url("disclosure_document_upload", d.pk), {"document": docx}).status_code == 302
    assert (
        staff_client.post(url("disclosure_product_add", d.pk), CUP | {"gtin": "6901234567892"}).status_code
        == 302
    )
    signed = {"signatory": "李四", "role": "authorised", "agree": "on"}
    assert staff_client.post(url("disclosure_commitment", d.pk), signed).status_code == 302
    assert staff_client.post(url("disclosure_disclose", d.pk)).status_code == 302
    d.refresh_from_db()
    assert d.state == "disclosed"
    page = html(staff_client.get(url("disclosure_detail", d.pk)))
    assert "已由授权人 李四" in page and "企业标准.docx" in page and "GB/T 3534" in page
    download = staff_client.get(url("disclosure_document", d.pk))
    assert download["Content-Type"].endswith("wordprocessingml.document")
    assert b"".join(download.streaming_content) == make_docx()


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({"number": "", "title": ""}, "number", "必填"),
        ({"number": "Q/0001-2025", "title": "餐具"}, "number", "不符合"),
        (
            {"number": "GB/T 1.1-2020", "title": "餐具"},
            "number",
            "国家、行业、地方、团体标准请从标准目录中选取",
        ),
        ({"number": "Q/AB 1-2025" + "１" * 100, "title": "餐具"}, "number", "不超过"),
        ({"number": "Q/YSTC 0001-2025", "title": "长" * 10_000}, "title", "不超过"),
        ({"number": ["Q/A 1-2025", "Q/B 2-2025"], "title": "餐具"}, "number", ""),
    ],
)
def test_bad_own_standard_input_is_shown_on_its_field(staff_client, data, field, reason):
    response = staff_client.post(url("disclosure_create"), {"kind": "enterprise", **data})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        page = html(response)
        assert f'data-field="{field}"' in page and reason in page
    else:  # the list input: the last value is taken, like any HTML form
        assert Disclosure.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({"name": "", "model": "", "category_code": ""}, "name", "必填"),
        (CUP | {"category_code": "abc"}, "category_code", "不在 GB/T 4754-2017"),
        (CUP | {"category_code": "307"}, "category_code", "小类"),
        (CUP | {"gtin": "６９０１２３４５６７８９１"}, "gtin", "校验位错误"),
        (CUP | {"gtin": "条码"}, "gtin", "只能由数字组成"),
        (CUP | {"name": "杯" * 100_000}, "name", "不超过"),
    ],
)
def test_bad_product_input_is_shown_on_its_field(staff_client, gb, data, field, reason):
    d = services.start_disclosure(_staff(staff_client), _company(staff_client), catalogue_standard=gb)
    response = staff_client.post(url("disclosure_product_add", d.pk), data)
    assert response.status_code == 400
    page = html(response)
    assert f'data-field="{field}"' in page and reason in page
    assert not d.products.exists()


def _staff(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def _company(client):
    return _staff(client).enterprise


def test_a_renamed_executable_is_refused_on_the_upload_form(staff_client):
    d = services.start_disclosure(
        _staff(staff_client),
        _company(staff_client),
        kind="enterprise",
        number="Q/YSTC 0001-2025",
        title="餐具",
    )
    exe = SimpleUploadedFile("standard.pdf", b"MZ\x90\x00" + b"\0" * 200, content_type="application/pdf")
    response = staff_client.post(url("disclosure_document_upload", d.pk), {"document": exe})
    assert response.status_code == 400 and "只接受 PDF 或 DOCX" in html(response)
    d.refresh_from_db()
    assert not d.document


def test_an_incomplete_draft_shows_what_is_missing_on_disclose(staff_client):
    d = services.start_disclosure(
        _staff(staff_client),
        _company(staff_client),
        kind="enterprise",
        number="Q/YSTC 0001-2025",
        title="餐具",
    )
    response = staff_client.post(url("disclosure_disclose", d.pk))
    assert response.status_code == 400
    page = html(response)
    assert (
        "须上传标准文本(PDF 或 DOCX),或填写技术指标表" in page and "须由法定代表人或授权人签署承诺书" in page
    )


def test_revising_shows_the_version_history(staff_client, world):
    staff = world.users["enterprise"]
    d = disclosure(world.inside["enterprise"], title="历史测试标准")
    response = staff_client.post(url("disclosure_revise", d.pk))
    v2 = Disclosure.objects.get(previous=d)
    assert response["Location"] == url("disclosure_detail", v2.pk)
    services.sign_commitment(staff, v2, "李四", "authorised")
    services.disclose(staff, v2)
    page = html(staff_client.get(url("disclosure_detail", d.pk)))
    assert 'data-testid="history"' in page and "已修订" in page and url("disclosure_detail", v2.pk) in page


def test_the_public_sees_the_published_history_but_not_a_pending_draft(client, world):
    d = disclosure(world.inside["enterprise"], title="公众历史标准")
    services.revise(world.users["enterprise"], d)
    page = html(client.get(url("disclosure_detail", d.pk)))
    assert "公众历史标准" in page and 'data-testid="history"' not in page  # the draft v2 stays hidden


def test_the_regulator_list_filters(client, world):
    own = disclosure(world.inside["enterprise"], title="阳朔企业标准甲", number="Q/YSA 0001-2025")
    gb = catalogue_standard("GB/T 1.1-2020")
    external = disclosure(
        world.inside["enterprise"],
        title=gb.title_zh,
        number=gb.number,
        kind="external",
        catalogue_standard=gb,
    )
    disclosure(world.inside["enterprise"], title="阳朔废止标准", number="Q/YSA 0003-2025", state="abolished")
    disclosure(world.inside["enterprise"], title="阳朔草稿标准", number="Q/YSA 0004-2025", state="draft")
    elsewhere = enterprise(OTHER_CITY, name="南宁测试企业")
    disclosure(elsewhere, title="南宁企业标准", number="Q/NN 0001-2025")
    client.force_login(world.users["regulator"])

    def titles(**params):
        page = html(client.get(url("disclosure_list"), params))
        return {
            t
            for t in ("阳朔企业标准甲", gb.title_zh, "阳朔废止标准", "阳朔草稿标准", "南宁企业标准")
            if t in page
        }

    assert titles() == {"阳朔企业标准甲", gb.title_zh, "阳朔废止标准"}
    assert titles(state="abolished") == {"阳朔废止标准"}
    assert titles(family="national") == {gb.title_zh}
    assert titles(family="enterprise") == {"阳朔企业标准甲", "阳朔废止标准"}
    assert titles(q="ｑ／ｙｓａ　０００１") == {"阳朔企业标准甲"}
    assert titles(q="陶瓷杯") == set()  # products are named after their standard's title in the builder
    assert titles(q="阳朔企业标准甲产品") == {"阳朔企业标准甲"}
    assert titles(region=OTHER_CITY) == set()  # outside the county: nothing, even when asked
    assert titles(region="450321") == {"阳朔企业标准甲", gb.title_zh, "阳朔废止标准"}
    assert client.get(url("disclosure_list"), {"state": "nonsense", "region": "x" * 500}).status_code == 200
    assert own.pk and external.pk


def test_the_workspace_shows_drafts_first_and_only_the_own_enterprise(staff_client, world):
    disclosure(world.inside["enterprise"], title="已公开的", number="Q/YSA 0001-2025")
    disclosure(world.inside["enterprise"], title="草稿中的", number="Q/YSA 0002-2025", state="draft")
    disclosure(world.outside["enterprise"], title="别人家的", number="Q/LG 0001-2025", state="draft")
    page = html(staff_client.get(url("disclosure_list")))
    assert page.index("草稿中的") < page.index("已公开的") and "别人家的" not in page
    assert "新建声明" in page


def test_a_published_text_is_downloadable_by_the_public_and_a_drafts_is_not(client, world):
    from django.core.files.base import ContentFile

    published = disclosure(world.inside["enterprise"], title="公开文本")
    draft = disclosure(world.inside["enterprise"], title="草稿文本", number="Q/YSA 0009-2025", state="draft")
    for d in (published, draft):
        d.document.save("t.pdf", ContentFile(make_pdf()), save=False)
        d.document_name, d.document_type = "t.pdf", "pdf"
        d.save()
    response = client.get(url("disclosure_document", published.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert client.get(url("disclosure_document", draft.pk)).status_code == 404
    nothing = disclosure(world.inside["enterprise"], title="无文本", number="Q/YSA 0010-2025")
    assert client.get(url("disclosure_document", nothing.pk)).status_code == 404


def test_a_disclosed_standard_cannot_be_edited_through_its_forms(staff_client, world):
    d = disclosure(world.inside["enterprise"], title="已公开")
    response = staff_client.get(url("disclosure_product_add", d.pk))
    assert response.status_code == 302 and response["Location"] == url("disclosure_detail", d.pk)
    response = staff_client.post(url("disclosure_product_add", d.pk), CUP)
    assert response.status_code == 400 and "只有草稿可以修改" in html(response)
    assert d.products.count() == 1


def test_an_external_draft_can_be_moved_to_another_catalogue_standard(staff_client, gb):
    d = services.start_disclosure(_staff(staff_client), _company(staff_client), catalogue_standard=gb)
    other = catalogue_standard("GB/T 5606.1-2004", title_zh="卷烟 第1部分:抽样")
    page = html(staff_client.get(url("disclosure_edit", d.pk), {"q": "5606.1"}))
    assert f'data-testid="pick-{other.pk}"' in page
    response = staff_client.post(
        url("disclosure_edit", d.pk), {"kind": "external", "catalogue_standard": other.pk}
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.standard_number == "GB/T 5606.1-2004"
    bad = staff_client.post(url("disclosure_edit", d.pk), {"catalogue_standard": "abc"})
    assert bad.status_code == 400


WEIRD = [
    {},
    {"name": "\x00", "number": "\x00", "title": "\x00"},
    {
        "name": "Ｘ" * 300,
        "model": "ａ",
        "category_code": "３０７４",
        "gtin": "－" * 50,
        "requirement": "≤" * 400,
    },
    {
        "number": "Q/" + "-" * 70,
        "title": "—",
        "signatory": "　",
        "role": "legal_representative",
        "agree": "yes",
    },
    {"catalogue_standard": "-1", "kind": "external"},
    {"catalogue_standard": "１" * 30, "kind": "external"},
    {"document": "not-a-file", "q": "x" * 10_000},
]
DRAFT_URLS = [
    "disclosure_edit",
    "disclosure_product_add",
    "disclosure_indicator_add",
    "disclosure_document_upload",
    "disclosure_commitment",
    "disclosure_disclose",
]


@pytest.mark.parametrize("data", WEIRD)
def test_weird_input_never_breaks_a_page(staff_client, world, gb, data):
    own = disclosure(world.inside["enterprise"], state="draft", number="Q/YSA 0001-2025")
    external = services.start_disclosure(
        world.users["enterprise"], world.inside["enterprise"], catalogue_standard=gb
    )
    for d in (own, external):
        for name in DRAFT_URLS:
            response = staff_client.post(url(name, d.pk), data)
            assert response.status_code in (302, 400), (name, response.status_code)
    assert staff_client.post(url("disclosure_create"), data).status_code in (302, 400)
    assert staff_client.get(url("disclosure_create"), {"q": data.get("q", "Ｇ")}).status_code == 200
    assert (
        staff_client.get(url("disclosure_list"), {"q": "\x00", "page": "abc", "family": "x"}).status_code
        == 200
    )

"""Benchmarking pages, API, import and report as people use them: search the database by number, product and ICS;
author a scheme through the pages; the enterprise's 新建对标 wizard to a published result; verification; the
printable report (HTML and PDF, Chinese text extracted from the PDF); the staged import of advanced standards."""

import io

import pdfplumber
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nqihub.benchmarking import report, services
from nqihub.benchmarking.models import AdvancedIndicator, AdvancedStandard, BenchmarkResult, BenchmarkScheme
from nqihub.imports.services import commit_session, stage_upload
from tests.matrix.disclosures import make_pdf

from .factories import ceramic_disclosure, iso_scheme, iso_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "ISO 6486-1:2019"}, True),
        ({"q": "ｉｓｏ６４８６－１"}, True),  # full width, no space, no year
        ({"q": "iso 6486"}, True),
        ({"q": "日用陶瓷"}, True),  # product
        ({"q": "镉溶出量"}, True),  # indicator
        ({"ics": "67.250"}, True),
        ({"ics": "67"}, True),
        ({"ics": "13"}, False),
        ({"category": "3074"}, True),
        ({"category": "1431"}, False),
        ({"benchmark_class": "domestic_advanced"}, False),
        ({"q": "ISO 9001"}, False),
    ],
)
def test_database_search_by_number_product_ics_and_category(world, client, query, found):
    iso_standard(world.users["expert"])
    html = client.get(reverse("benchmarking:standard_list"), query).content.decode()
    assert ("ISO 6486-1:2019" in html) == found
    api = client.get(reverse("benchmarking:standard-api-list"), query).json()
    assert (api["count"] == 1) == found


def test_an_expert_authors_a_scheme_through_the_pages(world, client):
    expert = world.users["expert"]
    standard = iso_standard(expert)
    client.force_login(expert)
    response = client.post(
        reverse("benchmarking:scheme_create"),
        {
            "title": "日用陶瓷对标方案",
            "product": "日用陶瓷",
            "category_code": "3074",
            "committee": "陶瓷专家组",
        },
    )
    scheme = BenchmarkScheme.objects.get(title="日用陶瓷对标方案")
    assert response.status_code == 302 and scheme.authored_by == expert
    detail = reverse("benchmarking:scheme_detail", args=[scheme.pk])
    response = client.post(reverse("benchmarking:scheme_transition", args=[scheme.pk]), {"action": "consult"})
    assert "请至少选择一项对标标准" in client.get(detail).content.decode()
    client.post(reverse("benchmarking:scheme_standard_add", args=[scheme.pk]), {"standard": standard.pk})
    response = client.post(reverse("benchmarking:scheme_indicator_add", args=[scheme.pk]), {"name": ""})
    assert response.status_code == 400
    client.post(
        reverse("benchmarking:scheme_indicator_add", args=[scheme.pk]), {"name": "铅溶出量", "core": "on"}
    )
    client.post(reverse("benchmarking:scheme_indicator_add", args=[scheme.pk]), {"name": "白度"})
    html = client.get(detail).content.decode()
    assert "铅溶出量" in html and "≤500" in html and "抗热震性" not in html  # only the compared indicators
    client.post(reverse("benchmarking:scheme_transition", args=[scheme.pk]), {"action": "consult"})
    client.post(reverse("benchmarking:scheme_transition", args=[scheme.pk]), {"action": "publish"})
    scheme.refresh_from_db()
    assert scheme.state == "published"
    client.logout()
    assert "日用陶瓷对标方案" in client.get(reverse("benchmarking:scheme_list")).content.decode()


def test_the_enterprise_wizard_to_a_published_verified_result(world, client, media):
    scheme = iso_scheme(world.users["expert"])
    disclosure = ceramic_disclosure(world.inside["enterprise"])
    client.force_login(world.users["enterprise"])
    step1 = client.get(reverse("benchmarking:result_new")).content.decode()
    assert disclosure.standard_number in step1
    step2 = client.get(reverse("benchmarking:result_new"), {"disclosure": disclosure.pk}).content.decode()
    assert scheme.title in step2 and "适用于本标准产品分类" in step2
    response = client.post(reverse("benchmarking:result_new"), {"disclosure": disclosure.pk})
    assert response.status_code == 400 and "请选择对标技术方案" in response.content.decode()
    response = client.post(
        reverse("benchmarking:result_new"), {"disclosure": disclosure.pk, "scheme": scheme.pk}
    )
    result = BenchmarkResult.objects.get()
    assert response.status_code == 302 and response["Location"] == result.get_absolute_url()
    html = client.get(result.get_absolute_url()).content.decode()
    assert "达到国内先进水平" in html and "缺项" in html and "即 ≤0.5 mg/L" in html

    cadmium = result.items.get(benchmark_number="ISO 6486-1:2019", indicator="镉溶出量")
    edit = reverse("benchmarking:item_edit", args=[cadmium.pk])
    response = client.post(edit, {"requirement": "≤0.04", "unit": "mg/L"})
    assert response.status_code == 400 and "证明材料" in response.content.decode()
    evidence = SimpleUploadedFile("镉复测报告.pdf", make_pdf(), content_type="application/pdf")
    response = client.post(edit, {"requirement": "≤40", "unit": "μg/L", "evidence": evidence})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.level == "international_advanced"
    html = client.get(result.get_absolute_url()).content.decode()
    assert "镉复测报告.pdf" in html and "企业已修改" in html

    client.logout()  # the public does not see the draft
    assert client.get(result.get_absolute_url()).status_code == 404
    client.force_login(world.users["enterprise"])
    client.post(reverse("benchmarking:result_publish", args=[result.pk]))
    client.logout()
    public = client.get(reverse("benchmarking:result_list")).content.decode()
    assert result.get_absolute_url() in public and "达到国际先进水平" in public
    counts = client.get(reverse("benchmarking:counts-api"), {"region": "450321"}).json()
    assert counts["sentence"] == "1家企业的1项标准达到国际先进水平"
    home = client.get(reverse("benchmarking:home")).content.decode()
    assert "1家企业的1项标准达到国际先进水平" in home

    client.force_login(world.users["institution"])
    verify = reverse("benchmarking:result_verify", args=[result.pk])
    response = client.post(verify, {"note": "无报告"})
    assert response.status_code == 400
    report_file = SimpleUploadedFile("检测报告2026-01.pdf", make_pdf(), content_type="application/pdf")
    response = client.post(verify, {"test_report": report_file, "note": "抽样复测符合"})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.state == "verified" and result.verifier_name == world.inside["institution"].name
    client.logout()
    html = client.get(result.get_absolute_url()).content.decode()
    assert "已达标验证" in html and "检测报告2026-01.pdf" in html


def test_the_report_in_html_and_pdf(world, client, media):
    scheme = iso_scheme(world.users["expert"])
    staff = world.users["enterprise"]
    result = services.start_result(staff, ceramic_disclosure(world.inside["enterprise"]), scheme=scheme)
    services.publish_result(staff, result)
    html = client.get(reverse("benchmarking:result_report", args=[result.pk])).content.decode()
    assert "企业标准对标结果报告" in html and "达到国内先进水平" in html
    assert "A（≤0.5 mg/L）等同于 B（≤500 μg/L，即 ≤0.5 mg/L）" in html
    response = client.get(reverse("benchmarking:result_report_pdf", args=[result.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" not in response["Content-Disposition"]
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    compact = text.replace(" ", "").replace("\n", "")
    for expected in (
        "企业标准对标结果报告",
        "阳朔测试陶瓷有限公司",
        "达到国内先进水平",
        "ISO6486-1:2019",
        "优于",
        "等同",
        "低于",
        "缺项",
        "μg/L",
        "国际标准",
        "国内先进标准",
        "尚未验证",
    ):
        assert expected in compact, expected
    assert report.report_filename(result).endswith(".pdf")


def test_the_staged_import_of_advanced_standards(world, media):
    rows = [
        "标准号,标准名称,类别,指标,要求,单位,核心指标,适用产品分类,ICS",
        "ISO 6486-2:1999,陶瓷器皿 铅镉溶出量 允许极限,国际标准,铅溶出量,≤0.5,mg/L,是,3074,67.250",
        "ISO 6486-2:1999,,ISO,镉溶出量,≤0.05,mg/L,是,3074,67.250",
        "ＥＮ　１３８８－１：１９９５,与食品接触的陶瓷制品,国外先进,铅溶出量,≤0.8,mg/L,否,3074,",
        "GB 4806.4-2016,陶瓷制品,国际标准,铅,≤0.8,mg/L,否,,",
        "ISO 6486-2:1999,,国际标准,白度,≤ 无,,否,,",
        "ISO 4531:2018,,国际标准,铅,≤0.1,mg/L,否,,",
    ]
    data = "\n".join(rows).encode("gb18030")
    session = stage_upload(world.users["admin"], "advanced", "国际先进标准.csv", data)
    errors = {row.row_number: row.errors for row in session.rows.filter(status="error")}
    assert set(errors) == {5, 6}
    assert "不能作为国际标准" in str(errors[5])
    assert "要求无法解析" in str(errors[6])
    commit_session(session, world.users["admin"])
    iso = AdvancedStandard.objects.get(normalized_number="ISO 6486-2:1999")
    assert iso.ics_code == "67.250" and iso.category_codes == "3074"
    assert list(iso.indicators.values_list("name", "core")) == [("铅溶出量", True), ("镉溶出量", True)]
    assert (
        AdvancedStandard.objects.get(normalized_number="EN 1388-1:1995").benchmark_class == "foreign_advanced"
    )
    # 4531 had no title: a new standard needs one, so its row fails at commit.
    assert not AdvancedStandard.objects.filter(normalized_number="ISO 4531:2018").exists()
    again = stage_upload(world.users["admin"], "advanced", "again.csv", data)
    # Importing the same file again changes nothing that was stored (4531 still waits for its title).
    planned = again.rows.filter(status="pending").exclude(action="")
    assert list(planned.values_list("row_number", "action")) == [(7, "create")]
    assert AdvancedIndicator.objects.count() == 3
    with pytest.raises(Exception, match="无权"):
        stage_upload(world.users["enterprise"], "advanced", "x.csv", data)


def test_an_expert_imports_the_database_through_the_import_pages(world, client, media):
    """Experts maintain the database: they reach the import pages for this kind only, not enterprise imports."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["标准号", "标准名称", "类别", "指标", "要求", "单位", "核心指标"])
    sheet.append(
        ["ISO 6486-2:1999", "陶瓷器皿 铅镉溶出量 允许极限", "国际标准", "铅溶出量", "≤0.5", "mg/L", "是"]
    )
    sheet.append(["ISO 6486-2:1999", "", "国际标准", "镉溶出量", "≤ 无", "mg/L", "是"])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(world.users["expert"])
    listing = client.get(reverse("imports:session_list")).content.decode()
    assert reverse("imports:session_create", args=["advanced"]) in listing
    assert reverse("imports:session_create", args=["enterprises"]) not in listing
    assert (
        reverse("imports:session_create", args=["advanced"])
        in client.get(reverse("benchmarking:standard_list")).content.decode()
    )
    upload = SimpleUploadedFile("先进标准.xlsx", buffer.getvalue())
    response = client.post(reverse("imports:session_create", args=["advanced"]), {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "要求无法解析" in page
    assert "国际先进标准指标" in page  # the kind by name, not its slug
    assert f'href="{reverse("imports:session_list")}"' in page  # the menu offers the imports to an expert
    session_url = response["Location"]
    commit = session_url.rstrip("/") + "/commit/"
    assert client.post(commit).status_code == 302
    standard = AdvancedStandard.objects.get(normalized_number="ISO 6486-2:1999")
    assert list(standard.indicators.values_list("name", flat=True)) == ["铅溶出量"]
    assert standard.created_by == world.users["expert"]
    refused = SimpleUploadedFile("企业.csv", "企业名称,统一社会信用代码\n".encode())
    assert (
        client.post(reverse("imports:session_create", args=["enterprises"]), {"file": refused}).status_code
        == 403
    )


def test_a_testing_institution_is_not_offered_the_database_import(world, client):
    client.force_login(world.users["institution"])  # the world's institution tests; it does not author
    assert client.get(reverse("imports:session_create", args=["advanced"])).status_code == 403
    assert (
        reverse("imports:session_create", args=["advanced"])
        not in client.get(reverse("benchmarking:standard_list")).content.decode()
    )

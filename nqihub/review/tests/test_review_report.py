"""The printable review report: the letter a bureau sends to an enterprise (HTML), and its PDF with the Chinese
text real and the Noto CJK font embedded."""

import datetime
import io
import re

import pdfplumber
import pytest
from django.urls import reverse
from django.utils import timezone

from nqihub.registry.models import RegulatorUnit
from nqihub.review import report
from nqihub.review.services import review_disclosure
from nqihub.testing import COUNTY
from tests.matrix.disclosures import disclosure


@pytest.fixture
def published(world):
    """The inside enterprise's disclosed own standard; its indicator lacks a test method (不符合, C5)."""
    d = disclosure(
        world.inside["enterprise"],
        title="日用陶瓷餐具",
        number="Q/YSTC 0007-2025",
        committed_at=timezone.now(),
    )
    d.indicators.update(test_method="")
    d.products.update(name="日用陶瓷餐具")
    return d


@pytest.fixture
def reviewed(world, published):
    return review_disclosure(world.users["regulator"], published)


def page_text(response) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", response.content.decode()))


def test_the_report_is_the_bureaus_letter_to_the_enterprise(client, world, reviewed):
    client.force_login(world.users["regulator"])
    response = client.get(reverse("review:report", args=[reviewed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    text = page_text(response)
    deadline = reviewed.checked_on + datetime.timedelta(days=30)
    for expected in (
        "阳朔县市场监督管理局",  # the regulator unit of the county
        "企业标准自我声明公开审查意见书",
        f"审查〔{reviewed.checked_on.year}〕第{reviewed.pk}号",
        "阳朔测试陶瓷有限公司:",
        "Q/YSTC0007-2025《日用陶瓷餐具》",
        "结论:不符合;处置:责令限期整改",
        f"于{deadline.year}年{deadline.month}月{deadline.day}日前",
        "序号检查项维度问题位置",
        "1C5检验方法完整性指标“铅溶出量”未给出检验方法",
        "《中华人民共和国标准化法》第二十七条",
        "《企业标准化管理办法》",
        "(盖章)",
    ):
        assert expected in text, expected
    assert "@page" in html and "counter(page)" in html and "size: A4" in html
    assert 'font-family: "Noto Sans CJK SC", "Noto Serif CJK SC"' in html
    assert reverse("review:report_pdf", args=[reviewed.pk]) in html  # the on-screen toolbar


def test_the_rectification_period_is_configurable(client, world, reviewed, settings):
    settings.REVIEW_RECTIFICATION_DAYS = 15
    deadline = reviewed.checked_on + datetime.timedelta(days=15)
    client.force_login(world.users["regulator"])
    text = page_text(client.get(reverse("review:report", args=[reviewed.pk])))
    assert f"于{deadline.year}年{deadline.month}月{deadline.day}日前" in text
    detail = page_text(client.get(reviewed.get_absolute_url()))
    assert f"整改期限至{deadline:%Y-%m-%d}" in detail


def test_the_bureau_is_the_nearest_regulator_unit_above_the_region(world, published):
    review = review_disclosure(None, published)  # no regulator asked (e.g. the API on a system account)
    assert report.issuing_bureau(review) == "阳朔县市场监督管理局"
    RegulatorUnit.objects.filter(region_code=COUNTY).delete()
    RegulatorUnit.objects.create(name="桂林市市场监督管理局", region_code="450300")
    assert report.issuing_bureau(review) == "桂林市市场监督管理局"
    RegulatorUnit.objects.all().delete()
    assert report.issuing_bureau(review) == "市场监督管理局"


def test_a_conforming_review_has_no_deadline(client, world, published):
    published.indicators.update(test_method="GB 31604.34")
    review = review_disclosure(world.users["regulator"], published)
    assert review.outcome == "conforming"
    client.force_login(world.users["regulator"])
    text = page_text(client.get(reverse("review:report", args=[review.pk])))
    assert "结论:符合。" in text and "未发现问题" in text and "责令" not in text


def test_a_self_check_report(client, world, published):
    review = review_disclosure(world.users["enterprise"], published, self_check=True)
    client.force_login(world.users["enterprise"])
    text = page_text(client.get(reverse("review:report", args=[review.pk])))
    assert "企业标准自查报告" in text and f"自查〔{review.checked_on.year}〕第{review.pk}号" in text
    assert "不是监管部门的审查意见" in text and "阳朔县市场监督管理局" not in text
    assert "审查意见书" not in text


def test_the_pdf_carries_real_chinese_text_in_an_embedded_cjk_font(client, world, reviewed):
    client.force_login(world.users["enterprise"])
    response = client.get(reverse("review:report_pdf", args=[reviewed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf.pages))
        fonts = {char["fontname"] for page in pdf.pages for char in page.chars}
        size = pdf.pages[0].width, pdf.pages[0].height
    assert "企业标准自我声明公开审查意见书" in text
    assert "指标“铅溶出量”未给出检验方法" in text
    assert "阳朔县市场监督管理局" in text and "(盖章)" in text and "第1页" in text
    families = {f.split("+")[-1].replace("-", "") for f in fonts}  # "ABCDEF+Noto-Sans-CJK-SC-Bold"
    assert any(f.startswith(("NotoSansCJK", "NotoSerifCJK")) for f in families), fonts
    assert all(f.startswith("Noto") for f in families), fonts  # no fallback font without CJK glyphs
    assert [round(v / 72 * 25.4) for v in size] == [210, 297]  # A4

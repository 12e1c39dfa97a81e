"""The review pages as their users meet them: an enterprise self-checks a draft, fixes it and checks again; a
regulator reviews a disclosed standard; anyone entitled uploads a document to self-check (nothing stored), and
every kind of bad file is refused next to the upload field, never with a 500."""

import re
from dataclasses import replace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from nqihub.review.docgen import DocumentSpec, make_standard
from nqihub.review.models import Review
from nqihub.review.tests.conftest import encrypted_pdf, html_pdf, zip_bytes
from nqihub.standards import services as disclosure_services
from tests.matrix.disclosures import catalogue_standard, disclosure

MB = 1024 * 1024
SPEC = DocumentSpec(number="Q/YSTC 0001—2025", title="饼干", n_indicators=10, target_pages=4, seed=11)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(world):
    """The inside enterprise's complete draft of an own standard whose one indicator lacks its test method."""
    d = disclosure(world.inside["enterprise"], state="draft", title="日用陶瓷餐具", number="Q/YSTC 0001-2025")
    d.products.update(name="日用陶瓷餐具", model="YS-1")
    indicator = d.indicators.get()
    indicator.test_method = ""
    indicator.save()
    disclosure_services.sign_commitment(world.users["enterprise"], d, "王五", "authorised")
    d.refresh_from_db()
    return d


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_enterprise_self_checks_its_draft_fixes_it_and_checks_again(client, world, draft):
    staff = world.users["enterprise"]
    client.force_login(staff)
    page = text_of(client.get(draft.get_absolute_url()))
    assert 'data-testid="self-check"' in page and "公开前可先自查" in page

    response = client.post(reverse("review:disclosure_review", args=[draft.pk]))
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert review.self_check and review.requested_by == staff and review.disclosure == draft
    detail = text_of(client.get(review.get_absolute_url()))
    assert "自查结果" in detail and "不符合" in detail and "责令限期整改" in detail
    assert "整改期限至" not in detail  # a self-check sets no deadline: no bureau issued it
    assert "指标“铅溶出量”未给出检验方法" in detail and 'data-testid="findings-completeness"' in detail
    assert reverse("review:report_pdf", args=[review.pk]) in detail

    # The disclosure's page now shows the latest result and links to it.
    page = text_of(client.get(draft.get_absolute_url()))
    assert 'data-testid="latest-review"' in page and review.get_absolute_url() in page and "不符合" in page

    # Fix: the indicator gets its method (which clears the commitment), sign again, self-check again.
    indicator = draft.indicators.get()
    disclosure_services.update_indicator(
        staff, indicator, {"name": "铅溶出量", "requirement": "≤0.5 mg/L", "test_method": "GB 31604.34"}
    )
    disclosure_services.sign_commitment(staff, draft, "王五", "authorised")
    client.post(reverse("review:disclosure_review", args=[draft.pk]))
    latest = Review.objects.latest("id")
    assert latest.outcome == "conforming" and not latest.findings.exists()
    detail = text_of(client.get(latest.get_absolute_url()))
    assert 'data-testid="no-findings"' in detail and 'data-testid="other-reviews"' in detail


def test_a_self_check_stays_with_the_enterprise(client, world, draft):
    client.force_login(world.users["enterprise"])
    client.post(reverse("review:disclosure_review", args=[draft.pk]))
    review = Review.objects.get()
    for role in ("regulator", "admin"):
        client.force_login(world.users[role])
        assert client.get(review.get_absolute_url()).status_code == 404
        assert client.get(reverse("review:report", args=[review.pk])).status_code == 404
        assert review.pk not in {
            r["id"] for r in client.get(reverse("review:review-api-list")).json()["results"]
        }


def test_a_regulator_reviews_a_disclosed_standard_and_the_enterprise_sees_it(client, world):
    published = disclosure(world.inside["enterprise"], title="日用陶瓷餐具", number="Q/YSTC 0002-2025")
    client.force_login(world.users["regulator"])
    page = text_of(client.get(published.get_absolute_url()))
    assert 'data-testid="review-now"' in page and 'data-testid="self-check"' not in page
    client.post(reverse("review:disclosure_review", args=[published.pk]))
    review = Review.objects.get()
    assert not review.self_check and review.requested_by == world.users["regulator"]
    assert review.region_code == published.region_code

    client.force_login(world.users["enterprise"])
    page = text_of(client.get(published.get_absolute_url()))
    assert "最近一次审查" in page and review.get_absolute_url() in page
    assert client.get(review.get_absolute_url()).status_code == 200


def test_the_public_sees_no_review_panel(client, world):
    published = disclosure(world.inside["enterprise"], title="日用陶瓷餐具", number="Q/YSTC 0003-2025")
    from nqihub.review.services import review_disclosure

    review_disclosure(world.users["regulator"], published)
    for role in ("public", "institution", "expert"):
        if world.users[role]:
            client.force_login(world.users[role])
        page = client.get(published.get_absolute_url()).content.decode()
        assert 'data-testid="review-panel"' not in page, role


def test_review_list_filters_by_outcome(client, world, draft):
    from nqihub.review.services import review_disclosure

    good = disclosure(
        world.inside["enterprise"],
        title="日用陶瓷餐具",
        number="Q/YSTC 0004-2025",
        committed_at=timezone.now(),
    )
    good.products.update(name="日用陶瓷餐具")
    ok = review_disclosure(world.users["regulator"], good)
    bad = review_disclosure(world.users["enterprise"], draft, self_check=True)
    client.force_login(world.users["enterprise"])
    listed = client.get(reverse("review:list"), {"outcome": "nonconforming"}).content.decode()
    assert bad.get_absolute_url() in listed and ok.get_absolute_url() not in listed
    listed = client.get(reverse("review:list"), {"source": "regulator"}).content.decode()
    assert ok.get_absolute_url() in listed and bad.get_absolute_url() not in listed
    api = client.get(reverse("review:review-api-list"), {"outcome": "conforming"}).json()
    assert [row["id"] for row in api["results"]] == [ok.pk]


def test_api_review_detail_and_review_a_disclosure(client, world, draft):
    client.force_login(world.users["enterprise"])
    created = client.post(reverse("review:disclosure-review-api", args=[draft.pk]))
    assert created.status_code == 201
    body = created.json()
    assert body["outcome"] == "nonconforming" and body["outcome_display"] == "不符合" and body["self_check"]
    assert body["standard_number"] == "Q/YSTC 0001-2025" and body["version"] == 1
    assert [f["check_id"] for f in body["findings"]] == ["C5"]
    assert body["findings"][0]["check_title"] == "检验方法" and body["indicators"][0]["name"] == "铅溶出量"
    detail = client.get(reverse("review:review-api-detail", args=[body["id"]])).json()
    assert detail["findings"] == body["findings"] and detail["report_pdf_url"].endswith("/report.pdf")


# --- upload ---------------------------------------------------------------------------------------------------


def upload(client, data: bytes, name: str, content_type: str = "application/octet-stream"):
    return client.post(reverse("review:upload"), {"document": SimpleUploadedFile(name, data, content_type)})


def field_error(response) -> str:
    match = re.search(
        r'<ul class="errorlist[^"]*" data-field="document">(.*?)</ul>', response.content.decode(), re.S
    )
    assert match, "no error next to the upload field"
    return re.sub(r"<[^>]+>", "", match.group(1))


@pytest.mark.parametrize("role", ["enterprise", "regulator"])
def test_upload_self_check_shows_findings_and_stores_nothing(client, world, role):
    client.force_login(world.users[role])
    data = make_standard(replace(SPEC, omit_chapter_3=True, defects=frozenset({"missing_method"})))
    response = upload(client, data, "我的标准.docx")
    assert response.status_code == 200
    page = text_of(response)
    assert 'data-testid="upload-result"' in page and "不符合" in page
    assert "缺少第3章“术语和定义”" in page and "未给出检验方法" in page
    assert "Q/YSTC 0001-2025" in page and "GB/T 191—2008" in page  # number from the cover, chapter 2
    assert "本结果没有保存" in page
    assert not Review.objects.exists()


def test_upload_of_a_good_standard_conforms(client, world):
    catalogue_standard("GB/T 191-2008", title_zh="包装储运图示标志")
    client.force_login(world.users["enterprise"])
    page = text_of(upload(client, make_standard(SPEC), "good.docx"))
    assert 'data-testid="no-findings"' in page and "符合" in page and "不符合" not in page


def _bomb() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(40 * MB)})


def _truncated_pdf() -> bytes:
    return make_standard(replace(SPEC, format="pdf", target_pages=1))[:3000]


@pytest.mark.parametrize(
    ("name", "build", "expected"),
    [
        ("locked.pdf", lambda: encrypted_pdf(b"secret"), "加密"),
        ("broken.pdf", _truncated_pdf, "PDF"),
        ("bomb.docx", _bomb, "压缩炸弹"),
        ("photo.docx", lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG"),
        ("notes.pdf", lambda: "这是一段纯文本".encode(), "纯文本"),
        ("empty.docx", lambda: b"", "文件为空"),
        ("scan.pdf", lambda: html_pdf("<div style='height: 40mm; border: 1pt solid black'></div>"), "OCR"),
    ],
)
def test_bad_files_get_a_clear_message_by_the_field(client, world, name, build, expected):
    client.force_login(world.users["enterprise"])
    response = upload(client, build(), name)
    assert response.status_code == 400
    message = field_error(response)
    assert expected in message, message
    assert "/" in message  # bilingual: 中文 / English
    assert not Review.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, world, settings):
    settings.MAX_UPLOAD_BYTES = 50_000
    client.force_login(world.users["enterprise"])
    response = upload(client, make_standard(SPEC) + bytes(60_000), "big.docx")
    assert response.status_code == 400 and "超过上限" in field_error(response)


def test_a_parser_that_runs_long_is_stopped(client, world, settings):
    settings.REVIEW_PARSE_TIMEOUT_S = 0.005  # a PDF is always parsed in a child process that can be stopped
    client.force_login(world.users["enterprise"])
    response = upload(client, make_standard(replace(SPEC, format="pdf", target_pages=2)), "slow.pdf")
    assert response.status_code == 400 and "已停止" in field_error(response)


def test_an_unreadable_stored_text_is_a_finding_not_an_error(client, world, media, draft):
    """A text accepted at upload that intake cannot read (here a scan without text) gives a C7 finding."""
    draft.document.save("scan.pdf", ContentFile(html_pdf("<div style='height: 40mm'></div>")), save=False)
    draft.document_name, draft.document_type = "scan.pdf", "pdf"
    draft.save()
    client.force_login(world.users["enterprise"])
    response = client.post(reverse("review:disclosure_review", args=[draft.pk]))
    assert response.status_code == 302
    review = Review.objects.get()
    finding = review.findings.get(check_id="C7")
    assert "公开的标准文本无法读取" in finding.message and finding.data["intake_error"] == "no_text"
    assert review.outcome == "nonconforming"
    draft.document.storage.delete(draft.document.name)
    client.post(reverse("review:disclosure_review", args=[draft.pk]))  # the file has vanished from storage
    assert "不存在" in Review.objects.latest("id").findings.get(check_id="C7").message


# --- landing page and navigation ------------------------------------------------------------------------------


def test_the_landing_page_lists_the_checklist_and_the_roles_actions(client, world):
    page = text_of(client.get(reverse("review:home")))
    assert "C1" in page and "C8" in page and "规范性引用文件有效性" in page
    assert 'data-testid="upload-link"' not in page and "登录后使用" in page
    client.force_login(world.users["regulator"])
    page = text_of(client.get(reverse("review:home")))
    assert 'data-testid="upload-link"' in page and 'data-testid="batch-link"' in page
    assert f'href="{reverse("review:batch_list")}">标准审查</a>' in page  # the regulator's nav item
    client.force_login(world.users["enterprise"])
    page = text_of(client.get(reverse("review:home")))
    assert 'data-testid="batch-link"' not in page and ">标准审查</a>" not in page
    assert f'href="{reverse("review:home")}">标准自查审查</a>' in page  # the subsystem is built

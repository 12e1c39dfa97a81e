"""The import pages: upload → validation table → commit, row correction, error report, export, permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nqihub.core.models import AuditEvent, Role, User
from nqihub.imports import services
from nqihub.imports.models import ImportSession, RowStatus, SessionStatus
from nqihub.registry import services as registry_services
from nqihub.registry.models import Enterprise, Institution

from .conftest import HEADERS, csv_bytes, make_uscc, read_xlsx, sample_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(client, data, name="企业名录.csv", kind="enterprises"):
    return client.post(
        reverse("imports:session_create", args=[kind]), {"file": SimpleUploadedFile(name, data)}
    )


def test_upload_shows_the_validation_table_then_commits(client, platform_admin):
    client.force_login(platform_admin)
    response = upload(client, csv_bytes(sample_rows()))
    assert response.status_code == 302
    session = ImportSession.objects.get()
    assert response["Location"] == reverse("imports:session_detail", args=[session.pk])
    assert Enterprise.objects.count() == 0

    page = client.get(response["Location"]).content.decode()
    assert "统一社会信用代码校验位错误" in page
    assert "行政区划代码 450322 已停用,请改用 450312 临桂区" in page
    assert "<td>3</td>" in page and "<td>4</td>" in page and "<td>5</td>" in page
    assert "提交有效行(2 行)" in page
    assert "CSV · GB18030" in page

    response = client.post(reverse("imports:session_commit", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.created_count, session.error_count, session.status) == (2, 3, SessionStatus.PARTIAL)
    assert AuditEvent.objects.filter(action="enterprise.create").count() == 2
    page = client.get(session.get_absolute_url()).content.decode()
    assert "提交完成:新增 2 条,更新 0 条,无变化 0 条" in page
    assert client.get(reverse("imports:session_commit", args=[session.pk])).status_code == 405


def test_an_error_row_is_corrected_in_the_web_form(client, platform_admin):
    client.force_login(platform_admin)
    upload(client, csv_bytes(sample_rows()))
    session = ImportSession.objects.get()
    row = session.rows.get(row_number=3)
    url = reverse("imports:row_edit", args=[session.pk, row.pk])
    page = client.get(url).content.decode()
    assert 'value="阳朔米粉厂"' in page and "统一社会信用代码校验位错误" in page

    form = {
        "name": "阳朔米粉厂",
        "uscc": "91450321MA0000002X",
        "region_code": "450321",
        "scale": "",
        "industry_code": "",
        "credit_risk_grade": "",
        "legal_representative": "",
        "address": "",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
    }
    response = client.post(url, form)
    assert response.status_code == 400
    assert "统一社会信用代码校验位错误" in response.content.decode()

    form["uscc"] = make_uscc(2)
    response = client.post(url, form)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == RowStatus.CREATED
    enterprise = Enterprise.objects.get(uscc=make_uscc(2))
    assert AuditEvent.objects.filter(action="enterprise.create", object_id=str(enterprise.pk)).count() == 1
    session.refresh_from_db()
    assert (session.created_count, session.pending_count, session.error_count) == (1, 2, 2)
    # a committed row is no longer editable
    assert client.get(url).status_code == 404


def test_error_report_is_fixed_and_uploaded_again(client, platform_admin):
    client.force_login(platform_admin)
    upload(client, csv_bytes(sample_rows()))
    session = ImportSession.objects.get()
    client.post(reverse("imports:session_commit", args=[session.pk]))
    response = client.get(reverse("imports:error_report", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = read_xlsx(response.content)
    assert sheet[0] == HEADERS + ["错误说明"]
    assert [r[1][:8] for r in sheet[1:]] == ["91450321", "91450322", "91450321"]
    assert sheet[1][-1] == "统一社会信用代码:统一社会信用代码校验位错误"
    assert sheet[3][-1] == "企业名称:该字段是必填项。"

    fixed = [row[:-1] for row in sheet[1:]]
    fixed[0][1] = make_uscc(2)
    fixed[1][2] = "450312"
    fixed[2][0] = "阳朔某某公司"
    response = upload(client, xlsx_bytes(fixed, headers=sheet[0]), name="errors.xlsx")
    second = ImportSession.objects.exclude(pk=session.pk).get()
    assert second.unknown_headers == []  # 错误说明 is recognised and ignored
    second = services.commit_session(second, platform_admin)
    assert (second.created_count, second.error_count) == (3, 0)
    assert second.status == SessionStatus.COMMITTED
    assert Enterprise.objects.count() == 5


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("企业.xlsx", b"<html>not a workbook</html>", "不是 Excel 工作簿"),
        ("企业.xlsx", b"PK\x03\x04\x14\x00broken", "已损坏"),
        ("企业.csv", b"\x00\x01\x02\x03binary\xff\xfe\x00", "无法识别的文件"),
        ("企业.csv", "企业名称,行业代码\n甲,1311\n".encode(), "缺少必需的列:统一社会信用代码、行政区划代码"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(client, platform_admin, name, data, message):
    client.force_login(platform_admin)
    response = upload(client, data, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportSession.objects.count() == 0


def test_oversized_file_is_refused(client, platform_admin, settings):
    settings.MAX_UPLOAD_BYTES = 200
    client.force_login(platform_admin)
    response = upload(client, csv_bytes(sample_rows()))
    assert response.status_code == 400
    assert "超过上限 200 B" in response.content.decode()


def test_export_downloads_the_rows_the_user_may_view(client, platform_admin, county_regulator):
    for seed, region in [(1, "450321"), (2, "450303")]:
        registry_services.register_enterprise(
            platform_admin, {"name": f"企业{seed}", "uscc": make_uscc(seed, region), "region_code": region}
        )
    client.force_login(county_regulator)
    response = client.get(reverse("imports:export", args=["enterprises", "csv"]))
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    assert response["Content-Disposition"].startswith('attachment; filename="enterprises-')
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("企业1,")

    response = client.get(reverse("imports:export", args=["enterprises", "xlsx"]) + "?region=450303")
    assert read_xlsx(response.content)[1:] == []  # filter inside the scope: nothing outside 阳朔县
    client.force_login(platform_admin)
    response = client.get(reverse("imports:export", args=["enterprises", "xlsx"]) + "?region=450303")
    assert [r[0] for r in read_xlsx(response.content)[1:]] == ["企业2"]
    template = client.get(reverse("imports:export", args=["experts", "xlsx"]) + "?template=1")
    assert read_xlsx(template.content) == [
        ["姓名", "职称", "专业领域", "工作单位", "行政区划代码", "联系电话", "电子邮箱"]
    ]
    assert client.get(reverse("imports:export", args=["enterprises", "pdf"])).status_code == 404
    assert client.get(reverse("imports:export", args=["regulators", "csv"])).status_code == 404


def test_pages_render_for_each_kind(client, county_regulator):
    client.force_login(county_regulator)
    page = client.get(reverse("imports:session_list")).content.decode()
    for kind in ("enterprises", "institutions", "experts"):
        assert reverse("imports:session_create", args=[kind]) in page
        assert client.get(reverse("imports:session_create", args=[kind])).status_code == 200
    assert client.get(reverse("imports:session_create", args=["regulators"])).status_code == 404
    assert "数据导入" in client.get(reverse("core:home")).content.decode()


def test_permissions(client, platform_admin, county_regulator, other_regulator):
    session = services.stage_upload(county_regulator, "enterprises", "x.csv", csv_bytes(sample_rows()))
    row = session.rows.first()
    urls = [
        reverse("imports:session_list"),
        reverse("imports:session_create", args=["enterprises"]),
        reverse("imports:session_detail", args=[session.pk]),
        reverse("imports:row_edit", args=[session.pk, row.pk]),
        reverse("imports:error_report", args=[session.pk]),
    ]
    for url in urls:  # anonymous: to the login page
        assert client.get(url).status_code == 302
    enterprise = registry_services.register_enterprise(
        platform_admin, {"name": "甲", "uscc": make_uscc(99), "region_code": "450321"}
    )
    enterprise_user = User.objects.create(username="ent", role=Role.ENTERPRISE, enterprise=enterprise)
    client.force_login(enterprise_user)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("imports:session_commit", args=[session.pk])).status_code == 403
    export = client.get(reverse("imports:export", args=["enterprises", "csv"]))  # own enterprise only
    assert export.status_code == 200 and len(export.content.decode("utf-8-sig").splitlines()) == 2

    institution = Institution.objects.create(name="阳朔检测所", kind="testing", region_code="450321")
    client.force_login(User.objects.create(username="inst", role=Role.INSTITUTION, institution=institution))
    assert client.get(reverse("imports:export", args=["enterprises", "csv"])).status_code == 403
    export = client.get(reverse("imports:export", args=["institutions", "csv"]))  # the kind's grants apply
    assert export.status_code == 200 and "阳朔检测所" in export.content.decode("utf-8-sig")

    client.force_login(other_regulator)  # another user's session is not visible
    for url in urls[2:]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("imports:session_commit", args=[session.pk])).status_code == 404
    assert f"#{session.pk}" not in client.get(urls[0]).content.decode()
    client.force_login(platform_admin)  # the platform administrator sees every session
    assert client.get(urls[2]).status_code == 200


def test_every_view_declares_its_scope_model():
    from django.urls import get_resolver

    for pattern in get_resolver("nqihub.imports.urls").url_patterns:
        view = pattern.callback.view_class
        assert view.scope_model is Enterprise, pattern.name


def test_a_failed_commit_on_the_web_writes_nothing_and_says_so(client, platform_admin):
    from unittest import mock

    client.force_login(platform_admin)
    upload(client, csv_bytes(sample_rows()))
    session = ImportSession.objects.get()
    original = registry_services.register_enterprise
    calls = []

    def failing(actor, data):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        return original(actor, data)

    with mock.patch.object(registry_services, "register_enterprise", failing):
        response = client.post(reverse("imports:session_commit", args=[session.pk]), follow=True)
    assert response.status_code == 200
    assert "提交失败,本次没有写入任何数据" in response.content.decode()
    assert Enterprise.objects.count() == 0
    session.refresh_from_db()
    assert session.pending_count == 2 and session.status == SessionStatus.VALIDATED

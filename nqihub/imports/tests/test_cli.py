"""`nqihub import` and `nqihub export`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from nqihub.core.models import AuditEvent, Role, User
from nqihub.imports.models import ImportSession
from nqihub.registry.models import Enterprise

from .conftest import SAMPLE_ERRORS, csv_bytes, make_uscc, read_xlsx, sample_rows

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def sample_file(tmp_path):
    path = tmp_path / "企业名录.csv"
    path.write_bytes(csv_bytes(sample_rows()))
    return path


def test_import_json(platform_admin, sample_file):
    result = json.loads(run("import_records", "enterprises", str(sample_file), "--json"))
    assert (result["created"], result["updated"], result["errors"]) == (2, 0, SAMPLE_ERRORS)
    assert result["unchanged"] == 0
    assert Enterprise.objects.count() == 2
    assert (
        AuditEvent.objects.filter(action="enterprise.create", request_id__startswith="cli-import-").count()
        == 2
    )

    again = json.loads(run("import_records", "enterprises", str(sample_file), "--json"))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert Enterprise.objects.count() == 2


def test_import_human_output_and_dry_run(platform_admin, county_regulator, sample_file):
    out = run("import_records", "enterprises", str(sample_file), "--dry-run", "--user", "yangshuo")
    assert "将新增 / created: 2" in out
    assert "第 3 行 统一社会信用代码:统一社会信用代码校验位错误" in out
    assert Enterprise.objects.count() == 0 and ImportSession.objects.count() == 0

    out = run("import_records", "enterprises", str(sample_file))
    assert "新增 / created: 2" in out
    assert "第 4 行 行政区划代码:行政区划代码 450322 已停用,请改用 450312 临桂区" in out


def test_import_unreadable_file_fails(platform_admin, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip at all")
    with pytest.raises(CommandError, match="不是 Excel 工作簿"):
        run("import_records", "enterprises", str(broken))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", "enterprises", str(broken), "--json", stdout=out)
    assert json.loads(out.getvalue())["error"].startswith("文件扩展名为 .xlsx")
    with pytest.raises(CommandError, match="文件不存在"):
        run("import_records", "enterprises", str(tmp_path / "missing.csv"))


def test_import_needs_an_account(db, sample_file):
    with pytest.raises(CommandError, match="没有可用的平台管理员账号"):
        run("import_records", "enterprises", str(sample_file))
    User.objects.create(username="audit", role=Role.AUDITOR)
    with pytest.raises(CommandError, match="无权导入企业"):
        run("import_records", "enterprises", str(sample_file), "--user", "audit")


def test_export(platform_admin, sample_file, tmp_path):
    run("import_records", "enterprises", str(sample_file))
    target = tmp_path / "out.xlsx"
    assert json.loads(run("export_records", "enterprises", str(target), "--json"))["rows"] == 2
    assert read_xlsx(target.read_bytes())[1][1] == make_uscc(1)
    csv_target = tmp_path / "out.csv"
    assert "已导出 1 条企业" in run(
        "export_records", "enterprises", str(csv_target), "--filter", "scale=micro"
    )
    again = json.loads(run("import_records", "enterprises", str(target), "--json"))
    assert (again["created"], again["updated"], again["unchanged"], again["errors"]) == (0, 0, 2, [])
    with pytest.raises(CommandError, match=".xlsx 或 .csv"):
        run("export_records", "enterprises", str(tmp_path / "out.pdf"))

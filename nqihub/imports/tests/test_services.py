"""Staging, validation, commit, re-import and export through nqihub.imports.services."""

from unittest import mock

import pytest
from django.http import QueryDict

from nqihub.core.models import AuditEvent
from nqihub.imports import services
from nqihub.imports.columns import spec_for
from nqihub.imports.models import ImportRow, RowStatus, SessionStatus
from nqihub.imports.readers import FileError, read_table
from nqihub.registry import services as registry_services
from nqihub.registry.models import Enterprise, Expert, Institution

from .conftest import HEADERS, SAMPLE_ERRORS, csv_bytes, full_width, make_uscc, sample_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


def stage_and_commit(user, data, name="enterprises.csv", kind="enterprises"):
    session = services.stage_upload(user, kind, name, data)
    return services.commit_session(session, user)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_rows_are_validated_and_good_rows_committed_with_audit(platform_admin, encoding):
    session = services.stage_upload(
        platform_admin, "enterprises", "企业名录.csv", csv_bytes(sample_rows(), encoding=encoding)
    )
    assert session.status == SessionStatus.VALIDATED
    assert (session.row_count, session.pending_count, session.error_count) == (5, 2, 3)
    assert services.summary(session, planned=True)["errors"] == SAMPLE_ERRORS
    assert Enterprise.objects.count() == 0  # nothing written before commit

    session = services.commit_session(session, platform_admin)
    result = services.summary(session)
    assert (result["created"], result["updated"], result["errors"]) == (2, 0, SAMPLE_ERRORS)
    assert session.status == SessionStatus.PARTIAL
    first = Enterprise.objects.get(uscc=make_uscc(1))  # full-width digits folded
    assert (first.name, first.region_code, first.industry_code, first.scale, first.credit_risk_grade) == (
        "桂林漓江食品有限公司",
        "450321",
        "1311",
        "small",
        "A",
    )
    assert first.contact_phone == "0773-8881234"
    assert Enterprise.objects.get(uscc=make_uscc(5)).region_code == "450321"  # full-width region code folded
    events = AuditEvent.objects.filter(action="enterprise.create")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(
        str(e.pk) for e in Enterprise.objects.all()
    )
    assert set(events.values_list("actor_username", flat=True)) == {"admin1"}


def test_reimporting_the_same_file_updates_instead_of_duplicating(platform_admin):
    data = csv_bytes(sample_rows())
    stage_and_commit(platform_admin, data)
    again = services.summary(stage_and_commit(platform_admin, data))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert again["errors"] == SAMPLE_ERRORS
    assert Enterprise.objects.count() == 2
    assert AuditEvent.objects.filter(action="enterprise.update").count() == 0

    rows = sample_rows()
    rows[0][4] = "大型"
    changed = services.summary(stage_and_commit(platform_admin, csv_bytes(rows)))
    assert (changed["created"], changed["updated"], changed["unchanged"]) == (0, 1, 1)
    assert Enterprise.objects.get(uscc=make_uscc(1)).scale == "large"
    assert AuditEvent.objects.filter(action="enterprise.update").count() == 1


def test_columns_missing_from_the_file_keep_their_stored_values(platform_admin):
    stage_and_commit(platform_admin, csv_bytes(sample_rows()))
    data = csv_bytes([["桂林漓江食品(阳朔)有限公司", make_uscc(1), "450321"]], headers=HEADERS[:3])
    result = services.summary(stage_and_commit(platform_admin, data))
    assert (result["created"], result["updated"]) == (0, 1)
    first = Enterprise.objects.get(uscc=make_uscc(1))
    assert (first.name, first.industry_code, first.scale) == ("桂林漓江食品(阳朔)有限公司", "1311", "small")


def test_xlsx_with_numeric_cells(platform_admin):
    rows = [
        ["甲公司", make_uscc(11), 450321, 1311, "中型", "c", 13877310001],
        ["乙公司", make_uscc(12), 450321.0, None, "micro", "D类(信用风险高)", 7738881234.0],
    ]
    result = services.summary(stage_and_commit(platform_admin, xlsx_bytes(rows), name="企业.xlsx"))
    assert (result["created"], result["errors"]) == (2, [])
    first, second = Enterprise.objects.get(uscc=make_uscc(11)), Enterprise.objects.get(uscc=make_uscc(12))
    assert (first.region_code, first.industry_code, first.scale, first.credit_risk_grade) == (
        "450321",
        "1311",
        "medium",
        "C",
    )
    assert first.contact_phone == "13877310001"
    assert (second.region_code, second.scale, second.credit_risk_grade, second.contact_phone) == (
        "450321",
        "micro",
        "D",
        "7738881234",
    )


def test_duplicate_key_in_one_file_is_an_error_on_the_later_row(platform_admin):
    rows = [
        ["甲公司", make_uscc(21), "450321"],
        ["乙公司", make_uscc(22), "450321"],
        ["甲公司(重复)", full_width(make_uscc(21)), "450321"],
    ]
    session = services.stage_upload(
        platform_admin, "enterprises", "x.csv", csv_bytes(rows, headers=HEADERS[:3])
    )
    assert services.error_list(session) == [
        {"row": 4, "field": "uscc", "message": "与第 2 行重复(统一社会信用代码相同)"}
    ]


def test_headers_are_folded_and_aliases_recognised(platform_admin):
    headers = ["名称", "ＵＳＣＣ", "Region_Code", "行业代码(GB/T 4754)", "规模", "信用等级", "序号", "备注"]
    rows = [["甲公司", make_uscc(31), "450321", "1311", "大型企业", "A", "1", "x"]]
    session = services.stage_upload(platform_admin, "enterprises", "x.csv", csv_bytes(rows, headers=headers))
    assert session.header_fields == [
        "name",
        "uscc",
        "region_code",
        "industry_code",
        "scale",
        "credit_risk_grade",
        "",
        "",
    ]
    assert session.unknown_headers == ["备注"]
    assert services.summary(services.commit_session(session, platform_admin))["created"] == 1


def test_missing_required_headers_fail_the_file(platform_admin):
    data = csv_bytes([["甲公司", "1311"]], headers=["企业名称", "行业代码"])
    with pytest.raises(FileError, match="缺少必需的列:统一社会信用代码、行政区划代码"):
        services.stage_upload(platform_admin, "enterprises", "x.csv", data)


def test_two_columns_for_one_field_fail_the_file(platform_admin):
    spec = spec_for("enterprises")
    table = read_table(csv_bytes([], headers=["企业名称", "名称", "USCC", "区划代码"]), "x.csv")
    with pytest.raises(FileError, match="企业名称"):
        services.map_headers(spec, table)


def test_county_regulator_gets_row_errors_outside_its_county(county_regulator, other_regulator):
    registry_services.register_enterprise(
        other_regulator, {"name": "临桂丙公司", "uscc": make_uscc(43, "450312"), "region_code": "450312"}
    )
    rows = [
        ["阳朔甲公司", make_uscc(41), "450321"],
        ["叠彩乙公司", make_uscc(42, "450303"), "450303"],
        ["临桂丙公司", make_uscc(43, "450312"), "450321"],
    ]
    session = stage_and_commit(county_regulator, csv_bytes(rows, headers=HEADERS[:3]))
    assert services.summary(session)["errors"] == [
        {
            "row": 3,
            "field": "region_code",
            "message": "行政区划代码 450303 叠彩区 不在您的管辖范围(450321 阳朔县)内",
        },
        {
            "row": 4,
            "field": "uscc",
            "message": "已有相同统一社会信用代码的企业登记在您的管辖范围以外,无权更新",
        },
    ]
    assert session.created_count == 1
    assert Enterprise.objects.get(uscc=make_uscc(43, "450312")).region_code == "450312"  # untouched


def test_unexpected_failure_mid_commit_writes_nothing(platform_admin):
    rows = [[f"企业{i}", make_uscc(50 + i), "450321"] for i in range(4)]
    session = services.stage_upload(
        platform_admin, "enterprises", "x.csv", csv_bytes(rows, headers=HEADERS[:3])
    )
    original = registry_services.register_enterprise
    calls = []

    def failing(actor, data):
        calls.append(data["uscc"])
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(actor, data)

    with mock.patch.object(registry_services, "register_enterprise", failing):
        with pytest.raises(services.CommitFailed, match="没有写入任何数据"):
            services.commit_session(session, platform_admin)
    assert len(calls) == 3
    assert Enterprise.objects.count() == 0
    assert AuditEvent.objects.filter(action="enterprise.create").count() == 0
    session.refresh_from_db()
    assert (session.status, session.pending_count, session.created_count) == (SessionStatus.VALIDATED, 4, 0)
    assert set(session.rows.values_list("status", flat=True)) == {RowStatus.PENDING}
    # the run can simply be repeated
    assert services.commit_session(session, platform_admin).created_count == 4


def test_a_refusal_by_the_service_at_commit_time_becomes_a_row_error(platform_admin):
    from django.core.exceptions import ValidationError

    rows = [[f"企业{i}", make_uscc(60 + i), "450321"] for i in range(3)]
    session = services.stage_upload(
        platform_admin, "enterprises", "x.csv", csv_bytes(rows, headers=HEADERS[:3])
    )
    original = registry_services.register_enterprise

    def refusing(actor, data):
        if data["name"] == "企业1":
            raise ValidationError({"name": "名称被占用"})
        return original(actor, data)

    with mock.patch.object(registry_services, "register_enterprise", refusing):
        session = services.commit_session(session, platform_admin)
    assert services.summary(session)["errors"] == [{"row": 3, "field": "name", "message": "名称被占用"}]
    assert session.created_count == 2


def test_resubmitting_a_corrected_row_commits_it(platform_admin):
    session = stage_and_commit(platform_admin, csv_bytes(sample_rows()))
    row = session.rows.get(row_number=3)
    values = dict(row.values, uscc=make_uscc(2))
    check = services.resubmit_row(session, row, platform_admin, values)
    assert check.ok
    row.refresh_from_db()
    assert row.status == RowStatus.CREATED
    enterprise = Enterprise.objects.get(uscc=make_uscc(2))
    assert AuditEvent.objects.filter(action="enterprise.create", object_id=str(enterprise.pk)).exists()
    session.refresh_from_db()
    assert (session.created_count, session.error_count) == (3, 2)

    duplicate = session.rows.get(row_number=5)
    check = services.resubmit_row(
        session, duplicate, platform_admin, dict(duplicate.values, name="重复", uscc=make_uscc(2))
    )
    assert check.errors == [{"field": "uscc", "message": "与第 3 行重复(统一社会信用代码相同)"}]
    assert ImportRow.objects.get(pk=duplicate.pk).values["name"] == "重复"  # the correction is kept


def test_institutions_accept_chinese_kind_labels_and_key_by_name_and_region(platform_admin):
    headers = ["机构名称", "机构类型", "行政区划代码", "CMA证书编号", "统一社会信用代码"]
    rows = [
        ["阳朔县计量检定测试所", "计量", "450321", "", ""],
        ["桂林市产品质量检验所", "检验检测", "450300", full_width("182000000001"), ""],
        ["某认证公司", "certification", "450321", "", make_uscc(71)],
        ["无类型机构", "火箭", "450321", "", ""],
    ]
    session = stage_and_commit(platform_admin, csv_bytes(rows, headers=headers), kind="institutions")
    result = services.summary(session)
    assert result["created"] == 3
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(5, "kind")]
    assert Institution.objects.get(name="桂林市产品质量检验所").cma_number == "182000000001"
    assert Institution.objects.get(name="阳朔县计量检定测试所").kind == "metrology"
    again = services.summary(
        stage_and_commit(platform_admin, csv_bytes(rows, headers=headers), kind="institutions")
    )
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert Institution.objects.count() == 3


def test_experts_key_by_name_and_affiliation(platform_admin):
    headers = ["姓名", "职称", "专业领域", "工作单位", "行政区划代码", "电子邮箱"]
    rows = [
        ["张三", "高级工程师", "食品检验、计量", "桂林市产品质量检验所", "450300", "zhang@example.cn"],
        ["张三", "工程师", "标准化", "阳朔县市场监督管理局", "450321", ""],
        ["李四", "", "", "某单位", "450321", "not-an-email"],
    ]
    result = services.summary(
        stage_and_commit(platform_admin, csv_bytes(rows, headers=headers), kind="experts")
    )
    assert result["created"] == 2
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(4, "specialties"), (4, "email")]
    rows[0][1] = "正高级工程师"
    again = services.summary(
        stage_and_commit(platform_admin, csv_bytes(rows, headers=headers), kind="experts")
    )
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1)
    assert Expert.objects.get(affiliation="桂林市产品质量检验所").title == "正高级工程师"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_reimport_round_trips(platform_admin, fmt):
    stage_and_commit(platform_admin, csv_bytes(sample_rows()))
    registry_services.register_enterprise(
        platform_admin,
        {
            "name": '=HYPERLINK("x")',
            "uscc": make_uscc(81),
            "region_code": "450321",
            "contact_phone": "+86 773 1234567",
            "address": "阳朔县 ＡＢＣ 路 1 号",
        },
    )
    content, count = services.export_rows(spec_for("enterprises"), platform_admin, fmt)
    assert count == 3
    result = services.summary(stage_and_commit(platform_admin, content, name=f"export.{fmt}"))
    assert (result["created"], result["updated"], result["unchanged"], result["errors"]) == (0, 0, 3, [])
    assert Enterprise.objects.count() == 3


def test_export_honours_scope_and_list_filters(platform_admin, county_regulator):
    for seed, region, scale in [(91, "450321", "small"), (92, "450321", "large"), (93, "450303", "small")]:
        registry_services.register_enterprise(
            platform_admin,
            {"name": f"企业{seed}", "uscc": make_uscc(seed, region), "region_code": region, "scale": scale},
        )
    spec = spec_for("enterprises")
    assert services.export_rows(spec, platform_admin, "csv")[1] == 3
    assert services.export_rows(spec, county_regulator, "csv")[1] == 2
    content, count = services.export_rows(spec, platform_admin, "csv", QueryDict("scale=small&region=450300"))
    assert count == 2
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == [c.header for c in spec.columns]
    assert {line.split(",")[0] for line in lines[1:]} == {"企业91", "企业93"}
    assert AuditEvent.objects.filter(action="enterprise.export").count() == 3


def test_an_institution_of_another_county_matched_by_name_is_not_updated(county_regulator, other_regulator):
    registry_services.register_institution(
        other_regulator, {"name": "临桂检测所", "kind": "testing", "region_code": "450312"}
    )
    data = csv_bytes([["临桂检测所", "计量", "450312"]], headers=["机构名称", "机构类型", "行政区划代码"])
    session = stage_and_commit(county_regulator, data, kind="institutions")
    assert services.summary(session)["errors"] == [
        {
            "row": 2,
            "field": "name",
            "message": "已有相同机构名称和行政区划代码的技术机构登记在您的管辖范围以外,无权更新",
        }
    ]
    assert Institution.objects.get(name="临桂检测所").kind == "testing"

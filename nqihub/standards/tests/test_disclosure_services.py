"""The services of 企业标准自我声明公开: every rule of DOMAIN.md §2, the audit trail, and who may do what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from nqihub.core.models import AuditEvent, Role
from nqihub.standards import services
from nqihub.standards.models import CatalogueStandard, Disclosure, DisclosureState
from nqihub.testing import user
from tests.matrix.disclosures import catalogue_standard, make_docx, make_pdf

FULL_WIDTH_Q = "Ｑ／ＹＳＴＣ　０００１－２０２５"  # Q/YSTC 0001-2025 typed with a Chinese IME
CUP = {"name": "陶瓷杯", "model": "YS-350", "category_code": "3074"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff(world):
    return world.users["enterprise"]


@pytest.fixture
def company(world):
    return world.inside["enterprise"]


@pytest.fixture
def gb(db):
    return catalogue_standard("GB/T 1.1-2020")


def errors(excinfo) -> dict:
    return excinfo.value.message_dict


def own_draft(staff, company, number="Q/YSTC 0001-2025", **kwargs):
    return services.start_disclosure(
        staff, company, kind="enterprise", number=number, title=kwargs.pop("title", "日用陶瓷餐具"), **kwargs
    )


def complete_own(staff, company, **kwargs):
    d = own_draft(staff, company, **kwargs)
    services.add_product(staff, d, CUP)
    services.add_indicator(
        staff, d, {"name": "铅溶出量", "requirement": "≤0.5 mg/L", "test_method": "GB/T 3534"}
    )
    services.sign_commitment(staff, d, "李四", "authorised")
    return d


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- starting a disclosure -----------------------------------------------------------------------------------


def test_an_external_standard_is_picked_from_the_catalogue_and_audited(staff, company, gb):
    d = services.start_disclosure(staff, company, catalogue_standard=gb)
    assert (d.kind, d.state, d.standard_number, d.title) == (
        "external",
        "draft",
        "GB/T 1.1-2020",
        gb.title_zh,
    )
    assert d.region_code == company.region_code and d.created_by == staff
    event = AuditEvent.objects.get(action="disclosure.create", object_id=str(d.pk))
    assert event.actor == staff and event.region_code == company.region_code
    assert event.after["catalogue_standard_id"] == gb.pk


def test_a_typed_external_number_is_the_catalogue_row_with_exactly_that_number(staff, company, gb):
    d = services.start_disclosure(staff, company, number="ＧＢ／Ｔ　１．１—２０２０")
    assert d.catalogue_standard == gb and d.kind == "external"


def test_an_external_number_not_in_the_catalogue_is_an_error_naming_it(staff, company):
    with pytest.raises(ValidationError) as excinfo:
        services.start_disclosure(staff, company, number="GB/T 99999-2020")
    assert "GB/T 99999-2020 不在标准目录中" in errors(excinfo)["number"][0]
    assert not Disclosure.objects.exists()


def test_a_number_without_its_year_lists_the_editions_instead_of_guessing(staff, company, gb):
    with pytest.raises(ValidationError) as excinfo:
        services.start_disclosure(staff, company, number="GB/T 1.1")
    message = errors(excinfo)["number"][0]
    assert "没有年代号" in message and "GB/T 1.1-2020" in message


def test_a_withdrawn_standard_is_refused_naming_its_replacement(staff, company, gb):
    old = catalogue_standard("GB/T 1.1-2009", status="abolished", title_zh="标准化工作导则 第1部分")
    CatalogueStandard.objects.filter(pk=old.pk).update(replaced_by=gb)
    old.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.start_disclosure(staff, company, catalogue_standard=old)
    message = errors(excinfo)["catalogue_standard"][0]
    assert "GB/T 1.1-2009 已废止" in message and "GB/T 1.1-2020" in message


def test_a_replaced_standard_known_only_by_text_names_that_text(staff, company):
    old = catalogue_standard(
        "GB/T 98765-2006", status="replaced", title_zh="测试用被代替标准", replaced_by_text="GB/T 98765-2024"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.start_disclosure(staff, company, catalogue_standard=old)
    assert "代替标准为 GB/T 98765-2024" in errors(excinfo)["catalogue_standard"][0]


def test_an_international_standard_is_not_a_self_declaration(staff, company):
    iso = catalogue_standard("ISO 9001:2015", title_zh="质量管理体系 要求")
    with pytest.raises(ValidationError) as excinfo:
        services.start_disclosure(staff, company, catalogue_standard=iso)
    assert "国际标准" in errors(excinfo)["catalogue_standard"][0]


def test_an_own_standard_typed_full_width_is_folded_and_normalised(staff, company):
    d = own_draft(staff, company, number=FULL_WIDTH_Q, title="日用陶瓷餐具（企业标准）")
    assert d.kind == "enterprise" and d.catalogue_standard is None
    assert d.standard_number == "Q/YSTC 0001-2025" and d.normalized_number == "Q/YSTC 0001-2025"
    assert d.title == "日用陶瓷餐具(企业标准)"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("", "请填写企业标准编号"),
        ("Q/0001-2025", "不符合"),
        ("Q/YSTC 0001-2099", "晚于"),
        ("GB/T 1.1-2020", "是国家标准的编号,不是企业标准编号"),
        ("Q/" + "A" * 200 + " 1-2025", "过长"),
    ],
)
def test_a_bad_own_number_names_the_reason(staff, company, number, reason):
    with pytest.raises(ValidationError) as excinfo:
        own_draft(staff, company, number=number)
    assert reason in errors(excinfo)["number"][0]


def test_the_regions_own_pattern_applies(staff, company, settings):
    settings.ENTERPRISE_STANDARD_PATTERNS = {"4503": r"Q/(?P<number>GL[A-Z]{2,6} \d{4})-(?P<year>\d{4})"}
    with pytest.raises(ValidationError) as excinfo:
        own_draft(staff, company, number="Q/YSTC 0001-2025")
    assert "地区 4503" in errors(excinfo)["number"][0]
    assert own_draft(staff, company, number="Q/GLYS 0001-2025").normalized_number == "Q/GLYS 0001-2025"


def test_an_own_standard_needs_a_title(staff, company):
    with pytest.raises(ValidationError) as excinfo:
        own_draft(staff, company, title="　")
    assert "title" in errors(excinfo)


def test_the_same_standard_cannot_be_declared_twice(staff, company, gb):
    services.start_disclosure(staff, company, catalogue_standard=gb)
    with pytest.raises(ValidationError) as excinfo:
        services.start_disclosure(staff, company, number="GB/T 1.1-2020")
    assert "已有 GB/T 1.1-2020 的声明" in errors(excinfo)["catalogue_standard"][0]


def test_only_the_enterprises_own_staff_may_start_a_disclosure(world, gb):
    outside = world.inside["enterprise"].__class__.objects.get(pk=world.outside["enterprise"].pk)
    with pytest.raises(PermissionDenied):
        services.start_disclosure(world.users["enterprise"], outside, catalogue_standard=gb)
    for role in ("regulator", "admin", "institution", "public"):
        with pytest.raises(PermissionDenied):
            services.start_disclosure(world.users[role], world.inside["enterprise"], catalogue_standard=gb)
    assert not Disclosure.objects.exists()


# --- products ------------------------------------------------------------------------------------------------


def test_products_are_validated_and_audited(staff, company, gb):
    d = services.start_disclosure(staff, company, catalogue_standard=gb)
    cup = services.add_product(
        staff, d, CUP | {"gtin": "６９０１２３４５６７８９２", "specification": "350 mL"}
    )
    plate = services.add_product(staff, d, {"name": "陶瓷盘", "model": "YS-P8", "category_code": "3074"})
    assert cup.gtin == "6901234567892" and (cup.position, plate.position) == (1, 2)
    services.update_product(staff, cup, {"model": "YS-360"})
    services.remove_product(staff, plate)
    actions = list(
        AuditEvent.objects.filter(object_type="standards.product").values_list("action", flat=True)
    )
    assert sorted(actions) == ["product.create", "product.create", "product.delete", "product.update"]
    assert set(
        AuditEvent.objects.filter(object_type="standards.product").values_list("region_code", flat=True)
    ) == {company.region_code}
    assert list(d.products.values_list("model", flat=True)) == ["YS-360"]


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({"name": "", "model": "", "category_code": "3074"}, "name", "请填写产品名称"),
        ({"name": "杯", "model": "", "category_code": "3074"}, "model", "请填写产品型号"),
        ({"name": "杯", "model": "X", "category_code": ""}, "category_code", "请选择产品分类"),
        ({"name": "杯", "model": "X", "category_code": "307"}, "category_code", "第 3 级"),
        ({"name": "杯", "model": "X", "category_code": "C"}, "category_code", "第 1 级"),
        ({"name": "杯", "model": "X", "category_code": "9999"}, "category_code", "不在 GB/T 4754-2017"),
        ({"name": "杯", "model": "X", "category_code": "x" * 5000}, "category_code", "不在 GB/T 4754-2017"),
        ({**CUP, "gtin": "6901234567891"}, "gtin", "校验位错误"),
        ({**CUP, "gtin": "690123456789"[:10]}, "gtin", "实际为 10 位"),
        ({**CUP, "gtin": "69012345678ab"}, "gtin", "只能由数字组成"),
        ({**CUP, "name": "杯" * 500}, "name", ""),
    ],
)
def test_bad_products_name_the_field_and_the_reason(staff, company, gb, data, field, reason):
    d = services.start_disclosure(staff, company, catalogue_standard=gb)
    with pytest.raises(ValidationError) as excinfo:
        services.add_product(staff, d, data)
    assert reason in " ".join(errors(excinfo)[field])
    assert not d.products.exists()


def test_missing_name_and_model_are_reported_together(staff, company, gb):
    d = services.start_disclosure(staff, company, catalogue_standard=gb)
    with pytest.raises(ValidationError) as excinfo:
        services.add_product(staff, d, {"category_code": "9999"})
    assert set(errors(excinfo)) == {"name", "model", "category_code"}


def test_gtin_8_12_and_14_are_accepted(staff, company, gb):
    d = services.start_disclosure(staff, company, catalogue_standard=gb)
    for gtin in ("96385074", "036000291452", "16901234567899"):
        assert services.add_product(staff, d, CUP | {"gtin": gtin}).gtin == gtin


def test_another_enterprise_and_a_regulator_cannot_touch_a_draft(world, staff, company, gb):
    d = services.start_disclosure(staff, company, catalogue_standard=gb)
    product = services.add_product(staff, d, CUP)
    stranger = user("t_other_staff", Role.ENTERPRISE, enterprise=world.outside["enterprise"])
    for actor in (stranger, world.users["regulator"], world.users["admin"]):
        for call in (
            lambda a: services.add_product(a, d, CUP),
            lambda a: services.update_product(a, product, {"name": "改"}),
            lambda a: services.remove_product(a, product),
            lambda a: services.update_draft(a, d, {"explicit_statement": "改"}),
            lambda a: services.disclose(a, d),
            lambda a: services.discard_draft(a, d),
        ):
            with pytest.raises(PermissionDenied):
                call(actor)
    assert d.products.get().name == "陶瓷杯"


# --- indicators, text, commitment ---------------------------------------------------------------------------


def test_an_indicator_keeps_the_parsed_requirement(staff, company):
    d = own_draft(staff, company)
    lead = services.add_indicator(
        staff, d, {"name": "铅溶出量", "requirement": "≤０.５ mg/L", "test_method": ""}
    )
    assert lead.parsed["kind"] == "max" and lead.parsed["max"] == 0.5 and lead.parsed["unit"] == "mg/L"
    odd = services.add_indicator(staff, d, {"name": "吸水率", "requirement": "0.5", "unit": "%"})
    assert odd.parsed["ok"] is False  # a bare number has no direction: kept, flagged for review
    services.update_indicator(staff, odd, {"requirement": "≤0.5"})
    odd.refresh_from_db()
    assert odd.parsed["kind"] == "max" and odd.parsed["unit"] == "%"
    with pytest.raises(ValidationError) as excinfo:
        services.add_indicator(staff, d, {"name": "", "requirement": ""})
    assert set(errors(excinfo)) == {"name", "requirement"}


def test_changing_an_indicator_after_signing_asks_for_a_new_signature(staff, company):
    d = complete_own(staff, company)
    d.refresh_from_db()
    assert d.committed_at is not None
    services.add_indicator(
        staff, d, {"name": "热稳定性", "requirement": "无裂纹", "test_method": "GB/T 3298"}
    )
    d.refresh_from_db()
    assert d.committed_at is None and d.commitment_signatory == ""
    assert AuditEvent.objects.filter(action="disclosure.commitment_cleared", object_id=str(d.pk)).exists()


def test_the_text_is_stored_with_its_checksum_and_its_real_type(staff, company):
    d = own_draft(staff, company)
    data = make_docx()
    services.attach_document(staff, d, upload(data, "企业标准.pdf"))  # a DOCX that was given a .pdf name
    d.refresh_from_db()
    import hashlib

    assert d.document_type == "docx" and d.document_name == "企业标准.docx"
    assert d.document_sha256 == hashlib.sha256(data).hexdigest()
    assert d.document.read() == data
    event = AuditEvent.objects.get(action="disclosure.attach_document")
    assert event.after["document_sha256"] == d.document_sha256 and event.before["document"] is None


def test_replacing_and_removing_the_text_frees_the_old_file(
    staff, company, django_capture_on_commit_callbacks
):
    d = own_draft(staff, company)
    with django_capture_on_commit_callbacks(execute=True):
        services.attach_document(staff, d, upload(make_pdf("first"), "a.pdf"))
    d.refresh_from_db()
    first = d.document.name
    storage = d.document.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.attach_document(staff, d, upload(make_pdf("second"), "b.pdf"))
    assert not storage.exists(first)
    d.refresh_from_db()
    second = d.document.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_document(staff, d)
    assert not storage.exists(second)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "只接受 PDF 或 DOCX"),
        ("纯文本".encode(), "只接受 PDF 或 DOCX"),
    ],
)
def test_a_renamed_file_is_refused_on_the_document_field(staff, company, data, reason):
    d = own_draft(staff, company)
    with pytest.raises(ValidationError) as excinfo:
        services.attach_document(staff, d, upload(data, "standard.pdf"))
    assert reason in errors(excinfo)["document"][0]
    d.refresh_from_db()
    assert not d.document


def test_an_oversized_text_is_refused(staff, company, settings):
    settings.MAX_UPLOAD_BYTES = 200
    d = own_draft(staff, company)
    with pytest.raises(ValidationError) as excinfo:
        services.attach_document(staff, d, upload(make_pdf(), "a.pdf"))
    assert "超过上限" in errors(excinfo)["document"][0]


def test_an_external_disclosure_takes_no_text_and_no_commitment(staff, company, gb):
    d = services.start_disclosure(staff, company, catalogue_standard=gb)
    with pytest.raises(ValidationError):
        services.attach_document(staff, d, upload(make_pdf(), "a.pdf"))
    with pytest.raises(ValidationError):
        services.sign_commitment(staff, d, "李四", "authorised")


def test_the_legal_representative_must_be_the_registered_one(staff, company):
    company.legal_representative = "王五"
    company.save()
    d = own_draft(staff, company)
    with pytest.raises(ValidationError) as excinfo:
        services.sign_commitment(staff, d, "李四", "legal_representative")
    assert "王五" in errors(excinfo)["signatory"][0]
    with pytest.raises(ValidationError) as excinfo:
        services.sign_commitment(staff, d, "", "boss")
    assert set(errors(excinfo)) == {"signatory", "role"}
    services.sign_commitment(staff, d, "王五", "legal_representative")
    d.refresh_from_db()
    assert (d.commitment_signatory, d.commitment_signatory_role) == ("王五", "legal_representative")
    assert AuditEvent.objects.filter(action="disclosure.sign_commitment").count() == 1


# --- disclosing, revising, abolishing ------------------------------------------------------------------------


def test_an_incomplete_own_standard_names_every_missing_item(staff, company):
    d = own_draft(staff, company)
    with pytest.raises(ValidationError) as excinfo:
        services.disclose(staff, d)
    messages = " ".join(excinfo.value.messages)
    assert "至少需要填写一个" in messages and "标准文本" in messages and "承诺书" in messages
    services.add_indicator(staff, d, {"name": "铅溶出量", "requirement": "≤0.5 mg/L"})
    with pytest.raises(ValidationError) as excinfo:
        services.disclose(staff, d)
    assert "指标“铅溶出量”缺少检验方法" in excinfo.value.messages
    d.refresh_from_db()
    assert d.state == "draft" and not AuditEvent.objects.filter(action="disclosure.disclose").exists()


def test_an_external_standard_needs_only_a_product(staff, company, gb):
    d = services.start_disclosure(staff, company, catalogue_standard=gb)
    with pytest.raises(ValidationError):
        services.disclose(staff, d)
    services.add_product(staff, d, CUP)
    d = services.disclose(staff, d)
    assert d.state == DisclosureState.DISCLOSED and d.disclosed_at is not None
    event = AuditEvent.objects.get(action="disclosure.disclose")
    assert (event.before["state"], event.after["state"]) == ("draft", "disclosed")


def test_an_own_standard_with_text_instead_of_indicators_can_be_disclosed(staff, company):
    d = own_draft(staff, company)
    services.add_product(staff, d, CUP)
    services.attach_document(staff, d, upload(make_pdf(), "text.pdf"))
    services.sign_commitment(staff, d, "李四", "authorised")
    assert services.disclose(staff, d).state == "disclosed"


def test_a_catalogue_standard_withdrawn_after_the_draft_blocks_disclosure(staff, company):
    edition = catalogue_standard("GB/T 5606.1-2004", title_zh="卷烟 第1部分:抽样")
    d = services.start_disclosure(staff, company, catalogue_standard=edition)
    services.add_product(staff, d, CUP)
    CatalogueStandard.objects.filter(pk=edition.pk).update(status="abolished")
    with pytest.raises(ValidationError) as excinfo:
        services.disclose(staff, d)
    assert "已废止" in " ".join(excinfo.value.messages)


def test_a_disclosed_standard_is_no_longer_edited(staff, company):
    d = services.disclose(staff, complete_own(staff, company))
    for call in (
        lambda: services.update_draft(staff, d, {"title": "改名"}),
        lambda: services.add_product(staff, d, CUP),
        lambda: services.add_indicator(staff, d, {"name": "a", "requirement": "无"}),
        lambda: services.sign_commitment(staff, d, "李四", "authorised"),
        lambda: services.discard_draft(staff, d),
    ):
        with pytest.raises(ValidationError, match="只有草稿可以修改"):
            call()


def test_a_revision_is_a_new_version_and_keeps_the_history(staff, company):
    v1 = services.disclose(staff, complete_own(staff, company))
    v2 = services.revise(staff, v1)
    assert (v2.version, v2.previous, v2.state) == (2, v1, "draft")
    assert list(v2.products.values_list("name", flat=True)) == ["陶瓷杯"]
    assert v2.indicators.get().parsed["kind"] == "max"
    assert v2.committed_at is None  # the new version is signed anew
    with pytest.raises(ValidationError, match="已有修订版本"):
        services.revise(staff, v1)
    services.update_draft(staff, v2, {"number": "Q/YSTC 0001-2026"})
    services.sign_commitment(staff, v2, "李四", "authorised")
    services.disclose(staff, v2)
    v1.refresh_from_db()
    assert v1.state == DisclosureState.REVISED and v1.disclosed_at is not None
    assert AuditEvent.objects.filter(action="disclosure.supersede", object_id=str(v1.pk)).exists()
    assert AuditEvent.objects.filter(action="disclosure.revise", object_id=str(v2.pk)).exists()
    with pytest.raises(ValidationError, match="只有现行有效的声明可以修订"):
        services.revise(staff, v1)


def test_abolishing(staff, company, world):
    d = own_draft(staff, company)
    with pytest.raises(ValidationError, match="只有现行有效的声明可以废止"):
        services.abolish(staff, d)
    d = services.disclose(staff, complete_own(staff, company, number="Q/YSTC 0002-2025"))
    with pytest.raises(PermissionDenied):
        services.abolish(world.users["regulator"], d)
    d = services.abolish(staff, d)
    assert d.state == "abolished" and d.abolished_at is not None
    assert AuditEvent.objects.filter(action="disclosure.abolish", object_id=str(d.pk)).exists()


def test_discarding_a_draft(staff, company):
    d = own_draft(staff, company)
    services.add_product(staff, d, CUP)
    services.discard_draft(staff, d)
    assert not Disclosure.objects.filter(pk=d.pk).exists()
    event = AuditEvent.objects.get(action="disclosure.discard")
    assert event.object_id == str(d.pk) and event.before["title"] == "日用陶瓷餐具"


def test_update_draft_refuses_fields_of_the_other_kind(staff, company, gb):
    d = services.start_disclosure(staff, company, catalogue_standard=gb)
    with pytest.raises(ValidationError) as excinfo:
        services.update_draft(staff, d, {"title": "自己起的名字"})
    assert "title" in errors(excinfo)
    replacement = catalogue_standard("GB/T 5606.1-2004", title_zh="卷烟 第1部分:抽样")
    d = services.update_draft(
        staff, d, {"catalogue_standard": replacement.pk, "explicit_statement": " 无 \n"}
    )
    assert d.standard_number == "GB/T 5606.1-2004" and d.explicit_statement == "无"


def test_every_state_change_updates_the_search_index(staff, company, monkeypatch):
    search = pytest.importorskip("nqihub.standards.search")
    seen = []
    monkeypatch.setattr(search, "sync_search_entry", lambda d: seen.append((d.pk, d.state)))
    v1 = complete_own(staff, company)
    services.disclose(staff, v1)
    v2 = services.revise(staff, v1)
    services.sign_commitment(staff, v2, "李四", "authorised")
    services.disclose(staff, v2)
    services.abolish(staff, v2)
    assert (v1.pk, "disclosed") in seen and (v1.pk, "revised") in seen
    assert (v2.pk, "draft") in seen and (v2.pk, "disclosed") in seen and (v2.pk, "abolished") in seen

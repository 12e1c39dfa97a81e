"""Benchmarking services: who may write what, states, audit events, the comparison stored per indicator, edits
with evidence, verification by test report, and the public counts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from nqihub.benchmarking import services
from nqihub.benchmarking.models import AdvancedStandard, Level, ResultState, SchemeState
from nqihub.core.models import AuditEvent, Role
from nqihub.registry.models import InstitutionKind
from nqihub.testing import COUNTY, OTHER_CITY, OTHER_COUNTY, enterprise, institution, user
from tests.matrix.disclosures import make_pdf

from .factories import ceramic_disclosure, domestic_standard, iso_scheme, iso_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name="检测报告.pdf"):
    return SimpleUploadedFile(name, make_pdf(), content_type="application/pdf")


# --- the advanced-standard database -----------------------------------------------------------------------------


def test_authors_maintain_the_database_numbers_normalised_and_checked_against_the_class(world):
    expert = world.users["expert"]
    standard = services.create_advanced_standard(
        expert,
        {"number": "ＩＳＯ　６４８６－１：２０１９", "benchmark_class": "international", "title": "陶瓷器皿"},
    )
    assert standard.normalized_number == "ISO 6486-1:2019"
    assert AuditEvent.objects.filter(action="advancedstandard.create", actor=expert).exists()
    with pytest.raises(ValidationError) as refused:
        services.create_advanced_standard(
            expert, {"number": "ISO 6486-1:2019", "benchmark_class": "international", "title": "重复"}
        )
    assert "已在国际先进标准库中" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.create_advanced_standard(
            expert, {"number": "GB 4806.4-2016", "benchmark_class": "international", "title": "陶瓷制品"}
        )
    assert "不能作为国际标准" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.add_advanced_indicator(expert, standard, {"name": "铅溶出量", "requirement": "≤ 无"})
    assert "requirement" in refused.value.message_dict
    services.add_advanced_indicator(
        expert, standard, {"name": "铅(以Pb计)", "requirement": "≤0.5", "unit": "mg/L"}
    )
    with pytest.raises(ValidationError):  # 铅 is the same indicator as 铅(以Pb计)
        services.add_advanced_indicator(
            expert, standard, {"name": "铅", "requirement": "≤0.4", "unit": "mg/L"}
        )


@pytest.mark.parametrize("role", ["public", "enterprise", "regulator", "auditor"])
def test_other_roles_cannot_author(world, role):
    with pytest.raises(PermissionDenied):
        services.create_advanced_standard(
            world.users[role],
            {"number": "ISO 4531:2018", "benchmark_class": "international", "title": "搪瓷"},
        )


def test_only_standardisation_institutions_author(world):
    testing_staff = world.users["institution"]  # a testing institution
    with pytest.raises(PermissionDenied):
        services.create_scheme(
            testing_staff,
            {"title": "方案", "product": "陶瓷", "category_code": "3074", "committee": "专家组"},
        )
    centre = institution(COUNTY, name="测试标准化研究中心", kind=InstitutionKind.STANDARDISATION)
    staff = user("t_std_centre", Role.INSTITUTION, institution=centre)
    scheme = services.create_scheme(
        staff, {"title": "方案", "product": "陶瓷", "category_code": "3074", "committee": "专家组"}
    )
    colleague = user("t_std_centre_2", Role.INSTITUTION, institution=centre)
    services.update_scheme(colleague, scheme, {"summary": "同机构同事可以修改"})
    with pytest.raises(PermissionDenied):
        services.update_scheme(world.users["expert"], scheme, {"summary": "其他专家不能修改"})


# --- schemes ----------------------------------------------------------------------------------------------------


def test_scheme_states_draft_consultation_published(world):
    expert = world.users["expert"]
    scheme = services.create_scheme(
        expert,
        {"title": "日用陶瓷对标方案", "product": "日用陶瓷", "category_code": "3074", "committee": "专家组"},
    )
    with pytest.raises(ValidationError) as incomplete:
        services.open_consultation(expert, scheme)
    assert "请至少选择一项对标标准" in str(incomplete.value)
    with pytest.raises(ValidationError):
        services.publish_scheme(expert, scheme)  # not before consultation
    services.add_scheme_standard(expert, scheme, iso_standard(expert))
    services.add_scheme_indicator(expert, scheme, {"name": "铅溶出量", "core": False})
    with pytest.raises(ValidationError) as incomplete:
        services.open_consultation(expert, scheme)
    assert "核心指标" in str(incomplete.value)
    services.add_scheme_indicator(expert, scheme, {"name": "镉溶出量", "core": True})
    assert services.open_consultation(expert, scheme).state == SchemeState.CONSULTATION
    published = services.publish_scheme(expert, scheme)
    assert published.state == SchemeState.PUBLISHED and published.published_at is not None
    with pytest.raises(ValidationError):
        services.add_scheme_indicator(expert, scheme, {"name": "白度"})
    actions = list(
        AuditEvent.objects.filter(object_type="benchmarking.benchmarkscheme").values_list("action", flat=True)
    )
    assert {"benchmarkscheme.create", "benchmarkscheme.consult", "benchmarkscheme.publish"} <= set(actions)
    with pytest.raises(ValidationError):
        services.create_scheme(
            expert, {"title": "x", "product": "x", "category_code": "9999", "committee": "x"}
        )


def test_drafts_are_seen_by_their_authors_only(world):
    draft = iso_scheme(world.users["expert"], state=SchemeState.DRAFT)
    other_expert = user("t_expert_2", Role.EXPERT, expert=world.outside["expert"])
    assert draft in services.schemes_visible_to(world.users["expert"])
    assert draft in services.schemes_visible_to(world.users["admin"])
    for reader in (other_expert, world.users["enterprise"], None):
        assert draft not in services.schemes_visible_to(reader)
    services.open_consultation(world.users["expert"], draft)
    for reader in (other_expert, world.users["enterprise"], None):
        assert draft in services.schemes_visible_to(reader)


# --- results ----------------------------------------------------------------------------------------------------


@pytest.fixture
def scheme(world):
    return iso_scheme(world.users["expert"])


@pytest.fixture
def disclosure(world):
    return ceramic_disclosure(world.inside["enterprise"])


def test_an_enterprise_benchmarks_its_standard_against_a_scheme(world, scheme, disclosure):
    staff = world.users["enterprise"]
    result = services.start_result(staff, disclosure, scheme=scheme, product=disclosure.products.first())
    assert result.state == ResultState.DRAFT and result.region_code == COUNTY
    items = {(i.benchmark_number, i.indicator): i for i in result.items.all()}
    assert {k: i.get_verdict_display() for k, i in items.items()} == {
        ("ISO 6486-1:2019", "吸水率"): "优于",
        ("ISO 6486-1:2019", "铅溶出量"): "等同",
        ("ISO 6486-1:2019", "镉溶出量"): "低于",
        ("ISO 6486-1:2019", "抗热震性"): "缺项",
        ("ISO 6486-1:2019", "白度"): "等同",
        ("T/TEST 0001-2026", "铅溶出量"): "优于",
        ("T/TEST 0001-2026", "镉溶出量"): "等同",
    }
    assert "即 ≤0.5 mg/L" in items[("ISO 6486-1:2019", "铅溶出量")].reason
    assert items[("ISO 6486-1:2019", "铅溶出量")].core
    assert result.level == Level.DOMESTIC
    assert result.rules_version == "default-2026.1"
    assert set(result.standards.values_list("number", flat=True)) == {"ISO 6486-1:2019", "T/TEST 0001-2026"}
    assert AuditEvent.objects.filter(action="benchmarkresult.create", object_id=str(result.pk)).exists()


def test_results_need_a_current_own_disclosure_and_a_published_scheme(world, scheme, disclosure):
    staff = world.users["enterprise"]
    draft_scheme = iso_scheme(world.users["expert"], state=SchemeState.CONSULTATION, title="征求意见稿")
    with pytest.raises(ValidationError):
        services.start_result(staff, disclosure, scheme=draft_scheme)
    with pytest.raises(ValidationError):
        services.start_result(staff, disclosure)
    other = ceramic_disclosure(world.outside["enterprise"], number="Q/LGTC 0001-2025")
    with pytest.raises(PermissionDenied):
        services.start_result(staff, other, scheme=scheme)
    for role in ("regulator", "institution", "expert", "admin"):
        with pytest.raises(PermissionDenied):
            services.start_result(world.users[role], disclosure, scheme=scheme)
    disclosure.state = "draft"
    disclosure.save()
    with pytest.raises(ValidationError):
        services.start_result(staff, disclosure, scheme=scheme)


def test_ad_hoc_standards_and_settings_rules(world, disclosure, settings):
    staff, expert = world.users["enterprise"], world.users["expert"]
    result = services.start_result(staff, disclosure, standards=[domestic_standard(expert)])
    assert result.scheme is None and result.level == Level.DOMESTIC
    settings.BENCHMARK_LEVEL_RULES = {"version": "bureau-1", "passing": ["better"]}
    strict = services.start_result(staff, disclosure, standards=[domestic_standard(expert)])
    assert strict.level == Level.NOT_REACHED and strict.rules_version == "bureau-1"
    assert strict.rules["passing"] == ["better"]


def test_editing_a_value_with_evidence_compares_again_and_rolls_up(world, scheme, disclosure, media):
    staff = world.users["enterprise"]
    result = services.start_result(staff, disclosure, scheme=scheme)
    cadmium = result.items.get(benchmark_number="ISO 6486-1:2019", indicator="镉溶出量")
    with pytest.raises(ValidationError) as refused:
        services.edit_item(staff, cadmium, requirement="≤0.05", unit="mg/L")
    assert "evidence" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.edit_item(staff, cadmium, requirement="≤ 无", evidence_note="x")
    assert "requirement" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.edit_item(
            world.users["regulator"], cadmium, requirement="≤0.01", unit="mg/L", evidence_note="x"
        )
    services.edit_item(staff, cadmium, requirement="≤50", unit="μg/L", evidence=pdf("镉检测.pdf"))
    result.refresh_from_db()
    both = result.items.filter(indicator="镉溶出量")
    assert {i.verdict for i in both} == {"equal", "better"}  # ISO ≤0.05 mg/L, domestic ≤0.07 mg/L
    assert all(i.edited and i.evidence_name == "镉检测.pdf" and i.evidence for i in both)
    assert result.level == Level.INTERNATIONAL
    assert AuditEvent.objects.filter(action="benchmarkresult.edit_item").count() == 1
    missing = result.items.get(indicator="抗热震性")
    services.edit_item(staff, missing, requirement="表面无裂纹", evidence_note="按 ISO 方法自检")
    missing.refresh_from_db()
    assert missing.verdict == "equal" and missing.enterprise_indicator == "抗热震性"
    with pytest.raises(ValidationError) as refused:
        services.edit_item(
            staff, cadmium, requirement="≤0.05", unit="mg/L", evidence=SimpleUploadedFile("a.pdf", b"x")
        )
    assert "evidence" in refused.value.message_dict


def test_publish_then_verify_with_a_test_report(world, scheme, disclosure, media):
    staff = world.users["enterprise"]
    result = services.start_result(staff, disclosure, scheme=scheme)
    with pytest.raises(ValidationError):
        services.verify_result(world.users["institution"], result, pdf())  # a draft is not verified
    services.publish_result(staff, result)
    result.refresh_from_db()
    assert result.state == ResultState.PUBLISHED and result.published_at
    with pytest.raises(ValidationError):
        services.edit_item(staff, result.items.first(), requirement="≤0.1", unit="mg/L", evidence_note="x")
    for role in ("enterprise", "expert", "admin", "public", "auditor"):
        with pytest.raises(PermissionDenied):
            services.verify_result(world.users[role], result, pdf())
    far_regulator = user("t_far_regulator", Role.REGULATOR, region_code=OTHER_CITY)
    with pytest.raises(PermissionDenied):
        services.verify_result(far_regulator, result, pdf())
    with pytest.raises(ValidationError) as refused:
        services.verify_result(world.users["regulator"], result, SimpleUploadedFile("r.pdf", b"not a pdf"))
    assert "test_report" in refused.value.message_dict
    verified = services.verify_result(
        world.users["regulator"], result, pdf("第2026-001号检测报告.pdf"), "复测合格"
    )
    assert verified.state == ResultState.VERIFIED and verified.verified_by == world.users["regulator"]
    assert verified.test_report_name == "第2026-001号检测报告.pdf" and verified.test_report_sha256
    assert verified.verification_note == "复测合格"
    assert AuditEvent.objects.filter(action="benchmarkresult.verify", object_id=str(result.pk)).exists()
    with pytest.raises(ValidationError):
        services.verify_result(world.users["institution"], result, pdf())  # only once


def test_confirming_a_fuzzy_candidate(world, disclosure):
    staff, expert = world.users["enterprise"], world.users["expert"]
    disclosure.indicators.create(name="2,4,6-三氯酚", requirement="≤0.1", unit="mg/kg", test_method="GB 5009")
    standard = AdvancedStandard.objects.create(
        number="ISO 9999:2020",
        normalized_number="ISO 9999:2020",
        benchmark_class="international",
        title="测试",
    )
    services.add_advanced_indicator(
        expert, standard, {"name": "2,4,6-三氯苯酚", "requirement": "≤0.2", "unit": "mg/kg", "core": True}
    )
    result = services.start_result(staff, disclosure, standards=[standard])
    item = result.items.get()
    assert item.verdict == "missing" and item.candidate == "2,4,6-三氯酚"
    assert result.level == Level.NOT_REACHED
    result = services.confirm_candidate(staff, item)
    item.refresh_from_db()
    assert item.verdict == "better" and item.alignment == "confirmed" and not item.candidate
    assert result.level == Level.INTERNATIONAL
    # The decision is remembered: the next benchmarking aligns the pair at once.
    again = services.start_result(staff, disclosure, standards=[standard])
    assert again.items.get().verdict == "better"


# --- counts -----------------------------------------------------------------------------------------------------


def test_international_counts_per_region(world, scheme, media):
    def published(company, number, improve):
        d = ceramic_disclosure(company, number=number)
        if improve:
            d.indicators.filter(name="镉溶出量").update(requirement="≤0.05")
        staff = user(f"t_staff_{number[2:5]}{number[6:10]}", Role.ENTERPRISE, enterprise=company)
        result = services.start_result(staff, d, scheme=scheme)
        return services.publish_result(staff, result) if improve is not None else result

    first, second = world.inside["enterprise"], enterprise(COUNTY, name="阳朔第二陶瓷有限公司")
    far = enterprise(OTHER_COUNTY, name="临桂陶瓷有限公司")
    published(first, "Q/AAA 0001-2025", True)
    published(first, "Q/AAA 0002-2025", True)
    published(second, "Q/BBB 0001-2025", True)
    published(second, "Q/BBB 0002-2025", False)  # 国内先进: not counted
    published(far, "Q/CCC 0001-2025", True)
    published(far, "Q/CCC 0002-2025", None)  # a draft: not counted
    assert services.international_counts() == {"enterprises": 3, "standards": 4}
    assert services.international_counts(COUNTY) == {"enterprises": 2, "standards": 3}
    assert services.international_counts("4503") == {"enterprises": 3, "standards": 4}
    assert services.international_counts("4501") == {"enterprises": 0, "standards": 0}
    by_county = services.international_counts_by_region("4503", digits=6)
    assert by_county == [
        {"region_code": COUNTY, "enterprises": 2, "standards": 3},
        {"region_code": OTHER_COUNTY, "enterprises": 1, "standards": 1},
    ]
    assert services.level_counts("4503")["domestic_advanced"] == 1


@pytest.mark.django_db(transaction=True)  # the evidence files go when the deletion commits
def test_an_enterprise_discards_a_draft_with_its_evidence_but_never_a_published_result(world, scheme, media):
    staff = world.users["enterprise"]
    disclosure = ceramic_disclosure(world.inside["enterprise"])
    draft = services.start_result(staff, disclosure, scheme=scheme)
    item = draft.items.get(benchmark_number="ISO 6486-1:2019", indicator="镉溶出量")
    pdf = SimpleUploadedFile("镉复测.pdf", make_pdf(), content_type="application/pdf")
    services.edit_item(staff, item, requirement="≤0.04", unit="mg/L", evidence=pdf)
    item.refresh_from_db()
    stored = media / item.evidence.name
    assert stored.exists()
    for role in ("regulator", "institution", "expert", "admin"):
        with pytest.raises(PermissionDenied):
            services.discard_result(world.users[role], draft)
    services.discard_result(staff, draft)
    assert not type(draft).objects.filter(pk=draft.pk).exists()
    assert not stored.exists()
    event = AuditEvent.objects.get(action="benchmarkresult.discard")
    assert event.object_id == str(draft.pk) and event.before["state"] == ResultState.DRAFT
    published = services.publish_result(staff, services.start_result(staff, disclosure, scheme=scheme))
    with pytest.raises(ValidationError, match="已发布"):
        services.discard_result(staff, published)
    assert type(published).objects.filter(pk=published.pk).exists()


def test_an_indicator_edit_on_a_stale_page_is_a_conflict_not_a_silent_overwrite(world):
    from nqihub.core.records import EditConflict

    expert = world.users["expert"]
    row = iso_standard(expert).indicators.get(name="白度")
    seen = row.updated_at.isoformat()
    services.update_advanced_indicator(expert, row, {"requirement": "≥70"}, seen)
    row.refresh_from_db()
    assert row.requirement == "≥70" and row.parsed["kind"] == "min"
    with pytest.raises(EditConflict):
        services.update_advanced_indicator(expert, row, {"requirement": "≥80"}, seen)
    with pytest.raises(ValidationError, match="要求"):
        services.update_advanced_indicator(expert, row, {"requirement": "≤ 无"}, row.updated_at.isoformat())
    row.refresh_from_db()
    assert row.requirement == "≥70"

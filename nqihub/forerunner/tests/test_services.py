"""The forerunner services, one test per rule of the issue: a scheme with three core indicators produces tiers and
a list that obey every rule — the scheme rules, entry prerequisites, tiers, shortlist, commitment before notice,
objections, the list's validity and dynamic removal — written through the services and audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nqihub.core.models import AuditEvent
from nqihub.forerunner import selectors, services
from nqihub.forerunner.models import (
    EntryState,
    EvaluationScheme,
    Notice,
    Objection,
    RankingEntry,
    SchemeState,
    ShortlistEntry,
)
from nqihub.standards import services as disclosure_services
from nqihub.standards.models import DisclosureState
from nqihub.testing import COUNTY, enterprise

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluator(reference_data):
    return b.evaluator()


def levels(run, d) -> dict[str, int]:
    """{indicator name: level} of disclosure `d` in `run`."""
    names = {i["id"]: i["name"] for i in run.indicators}
    entry = RankingEntry.objects.get(run=run, disclosure=d)
    return {names[k]: v for k, v in entry.levels.items()}


def summary(run, name) -> dict:
    return next(i for i in run.indicators if i["name"] == name)


# --- schemes ------------------------------------------------------------------------------------------------


def test_a_scheme_with_three_core_indicators_is_published_and_audited(evaluator):
    s = b.scheme(evaluator)
    assert s.state == SchemeState.PUBLISHED and s.published_at is not None
    assert s.evaluator == evaluator.institution and s.region_code == COUNTY
    assert [i.role for i in s.indicators.all()] == ["basic", "core", "core", "core", "innovation"]
    assert s.indicators.get(name="铅溶出量").tiers == [
        {"name": "先进", "bound": "0.5"},
        {"name": "领先", "bound": "0.3"},
        {"name": "领跑", "bound": "0.2"},
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"evaluationscheme.create", "schemeindicator.create", "evaluationscheme.publish"} <= actions


def test_a_scheme_needs_three_core_indicators(evaluator):
    s = b.scheme(evaluator, core=b.CORE[:2], publish=False)
    with pytest.raises(ValidationError) as error:
        services.publish_scheme(evaluator, s)
    assert "核心指标至少 3 项(现有 2 项)" in error.value.messages
    assert EvaluationScheme.objects.get(pk=s.pk).state == SchemeState.DRAFT


def test_core_indicators_must_be_quantifiable(evaluator):
    odd = {"name": "感官", "requirement": "无异味", "unit": "", "tiers": {"先进": "1"}}
    s = b.scheme(evaluator, core=[*b.CORE, odd], publish=False)
    with pytest.raises(ValidationError) as error:
        services.publish_scheme(evaluator, s)
    assert any("感官" in m and "不可量化" in m for m in error.value.messages)


def test_the_lowest_tier_may_not_be_below_the_national_requirement(evaluator):
    loose = dict(b.CORE[0], tiers={"先进": "1.0", "领先": "0.5"})
    s = b.scheme(evaluator, core=[loose, *b.CORE[1:]], publish=False)
    problems = [p.message for p in services.scheme_problems(s)]
    assert problems == ["核心指标“铅溶出量”的最低档“先进 ≤1 mg/L”低于(宽于)国家/行业要求“≤0.8 mg/L”"]
    with pytest.raises(ValidationError):
        services.publish_scheme(evaluator, s)


def test_the_shortlist_rule_is_one_of_top_n_or_threshold(evaluator):
    s = b.scheme(evaluator, top_n=None, threshold=None, publish=False)
    assert [p.code for p in services.scheme_problems(s)] == ["selection"]


def test_only_standardisation_or_certification_institutions_evaluate(reference_data):
    testing_lab = b.evaluator(kind="testing")
    with pytest.raises(PermissionDenied):
        b.scheme(testing_lab)
    certifier = b.evaluator(kind="certification")
    assert b.scheme(certifier).is_published


def test_the_category_must_belong_to_the_key_area(evaluator):
    with pytest.raises(ValidationError) as error:
        services.create_scheme(
            evaluator, {"key_area": b.key_area(), "title": "米粉方案", "category_code": "1431", "top_n": 3}
        )
    assert "category_code" in error.value.message_dict


def test_a_published_scheme_cannot_be_edited_and_only_its_evaluator_edits_a_draft(evaluator):
    s = b.scheme(evaluator)
    with pytest.raises(ValidationError):
        services.update_scheme(evaluator, s, {"top_n": 5})
    draft = b.scheme(evaluator, publish=False)
    other = b.evaluator()
    with pytest.raises(PermissionDenied):
        services.update_scheme(other, draft, {"top_n": 5})
    assert services.update_scheme(evaluator, draft, {"top_n": 5}).top_n == 5


def test_a_draft_scheme_is_not_ranked(evaluator):
    draft = b.scheme(evaluator, publish=False)
    with pytest.raises(ValidationError):
        services.run_ranking(evaluator, draft)


# --- rankings -----------------------------------------------------------------------------------------------


def test_tiers_per_core_indicator_over_every_disclosed_standard_of_the_category(evaluator):
    s = b.scheme(evaluator)
    best = b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"})
    good = b.standard({"铅溶出量": "0.3", "镉溶出量": "0.05", "白度": "72"})
    plain = b.standard({"铅溶出量": "0.6", "镉溶出量": "0.06", "白度": "66"})
    micro = b.standard({"铅溶出量": "≤450 μg/L", "镉溶出量": "0.05"})  # converted to mg/L: 0.45
    elsewhere = b.standard({"铅溶出量": "0.1"}, category="1431")  # 米粉: another category
    run = services.run_ranking(evaluator, s)
    assert run.candidates == 4 and run.eligible == 4
    assert not RankingEntry.objects.filter(run=run, disclosure=elsewhere).exists()
    assert levels(run, best) == {"铅溶出量": 3, "镉溶出量": 2, "白度": 3}
    assert levels(run, good) == {"铅溶出量": 2, "镉溶出量": 1, "白度": 1}
    assert levels(run, plain) == {"铅溶出量": 0, "镉溶出量": 0, "白度": 0}
    assert levels(run, micro) == {"铅溶出量": 1, "镉溶出量": 1, "白度": 0}
    lead = summary(run, "铅溶出量")
    assert lead["ranked"] and [(t["name"], t["text"], t["count"]) for t in lead["tiers"]] == [
        ("领跑", "≤0.2 mg/L", 1),
        ("领先", "≤0.3 mg/L", 1),
        ("先进", "≤0.5 mg/L", 1),
    ]
    assert lead["below"] == 1
    assert summary(run, "白度")["missing"] == 1
    entry = RankingEntry.objects.get(run=run, disclosure=micro)
    assert entry.values[lead["id"]] == pytest.approx(0.45)
    assert AuditEvent.objects.filter(action="rankingrun.create", object_id=str(run.pk)).exists()


def test_there_is_no_order_inside_a_tier(evaluator):
    s = b.scheme(evaluator)
    # Both 先进 on lead: 0.31 and 0.49 — the tier lists them by standard number, the better value not first.
    worse = b.standard(
        {"铅溶出量": "0.49", "镉溶出量": "0.06", "白度": "66"}, company=enterprise(COUNTY, name="甲陶瓷")
    )
    better = b.standard(
        {"铅溶出量": "0.31", "镉溶出量": "0.06", "白度": "66"}, company=enterprise(COUNTY, name="乙陶瓷")
    )
    run = services.run_ranking(evaluator, s)
    lead = summary(run, "铅溶出量")
    members = selectors.tier_members(run, lead["id"], 1)
    assert [e.disclosure_id for e in members] == sorted(
        [worse.pk, better.pk],
        key=lambda pk: RankingEntry.objects.get(run=run, disclosure_id=pk).standard_number,
    )
    assert levels(run, worse)["铅溶出量"] == levels(run, better)["铅溶出量"] == 1


def test_if_all_values_are_equal_the_indicator_is_not_ranked(evaluator):
    s = b.scheme(evaluator)
    one = b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "75"})
    two = b.standard({"铅溶出量": "0.4", "镉溶出量": "0.03", "白度": "75"})
    run = services.run_ranking(evaluator, s)
    assert summary(run, "铅溶出量")["ranked"]
    for name in ("镉溶出量", "白度"):
        assert not summary(run, name)["ranked"] and "相同" in summary(run, name)["reason"]
    assert levels(run, one) == {"铅溶出量": 3, "镉溶出量": 0, "白度": 0}
    assert levels(run, two)["镉溶出量"] == 0


def test_entry_prerequisites(evaluator):
    s = b.scheme(evaluator)
    values = {"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"}
    ok = b.standard(values)
    minor = b.standard(values, outcome="minor")
    unreviewed = b.standard(values, outcome=None)
    failing = b.standard(values, outcome="nonconforming")
    stale_refs = b.standard(values, outcome="minor", c2=True)
    fixed = b.standard(values, outcome="conforming")
    b.review(fixed, "nonconforming", days_ago=3)  # an earlier 不符合 does not count once re-reviewed
    relapsed = b.standard(values, outcome="nonconforming")
    b.review(relapsed, "conforming", days_ago=3)  # the latest review decides
    abolished = b.standard(values)
    disclosure_services.abolish(b.staff(abolished.enterprise), abolished)
    draft = disclosure_services.start_disclosure(
        b.staff(ok.enterprise), ok.enterprise, kind="enterprise", number="Q/FRDR 0009-2025", title="草稿"
    )
    run = services.run_ranking(evaluator, s)
    entries = {e.disclosure_id: e for e in RankingEntry.objects.filter(run=run)}
    assert entries[ok.pk].eligible and entries[ok.pk].conformity == 1
    assert entries[minor.pk].eligible and entries[minor.pk].conformity == 0.5
    assert entries[fixed.pk].eligible
    assert entries[unreviewed.pk].exclusion == "尚未经过标准审查"
    assert entries[failing.pk].exclusion == "最近一次审查结论为不符合"
    assert entries[relapsed.pk].exclusion == "最近一次审查结论为不符合"
    assert entries[stale_refs.pk].exclusion == "规范性引用文件不现行(审查发现 C2)"
    # Only 现行有效 standards are candidates: neither the abolished one nor a draft.
    assert abolished.pk not in entries and draft.pk not in entries
    assert not any(entries[pk].levels for pk in (unreviewed.pk, failing.pk, stale_refs.pk))
    assert run.candidates == 7 and run.eligible == 3


def test_a_standard_executing_a_national_standard_is_not_ranked(evaluator):
    from tests.matrix.disclosures import catalogue_standard

    s = b.scheme(evaluator)
    b.standard({"铅溶出量": "0.2"})
    company = enterprise(COUNTY)
    actor = b.staff(company)
    gb = catalogue_standard("GB 4806.4-2016", title_zh="食品安全国家标准 陶瓷制品", nature="mandatory")
    d = disclosure_services.start_disclosure(actor, company, kind="external", catalogue_standard=gb)
    disclosure_services.add_product(actor, d, {"name": "碗", "model": "W", "category_code": b.CERAMICS})
    d = disclosure_services.disclose(actor, d)
    b.review(d)
    run = services.run_ranking(evaluator, s)
    assert RankingEntry.objects.get(run=run, disclosure=d).exclusion == "执行国家、行业或地方标准,不参与排名"


def test_composite_scores_and_shortlist_by_top_n(evaluator):
    s = b.scheme(evaluator, top_n=2)
    best = b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"})
    second = b.standard({"铅溶出量": "0.3", "镉溶出量": "0.03", "白度": "75"})
    third = b.standard({"铅溶出量": "0.5", "镉溶出量": "0.05", "白度": "70"})
    untiered = b.standard({"铅溶出量": "0.7", "镉溶出量": "0.06", "白度": "66"})
    run = services.run_ranking(evaluator, s)
    entries = {e.disclosure_id: e for e in RankingEntry.objects.filter(run=run)}
    assert entries[best.pk].score == pytest.approx(100) and entries[best.pk].position == 1
    assert entries[second.pk].position == 2 and entries[third.pk].position == 3
    assert entries[untiered.pk].comprehensiveness == 1 and entries[untiered.pk].advancedness == 0
    assert {pk for pk, e in entries.items() if e.shortlisted} == {best.pk, second.pk}
    assert set(ShortlistEntry.objects.filter(scheme=s).values_list("disclosure_id", flat=True)) == {
        best.pk,
        second.pk,
    }
    assert run.shortlisted == 2
    # Ranking again keeps the entries: nobody is shortlisted twice.
    services.run_ranking(evaluator, s)
    assert ShortlistEntry.objects.filter(scheme=s).count() == 2


def test_shortlist_by_threshold(evaluator):
    s = b.scheme(evaluator, top_n=None, threshold=60)
    high = b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"})
    mid = b.standard({"铅溶出量": "0.3", "镉溶出量": "0.05", "白度": "72"})
    low = b.standard({"铅溶出量": "0.5", "镉溶出量": "0.06", "白度": "66"})
    run = services.run_ranking(evaluator, s)
    scores = {e.disclosure_id: e.score for e in RankingEntry.objects.filter(run=run)}
    # 20 % 全面性 + 60 % 先进性 + 20 % 规范性: mid is 领先/先进/先进 of 3/2/3 tiers, 先进性 (2/3 + 1/2 + 1/3) / 3.
    assert scores[high.pk] == pytest.approx(100)
    assert scores[mid.pk] == pytest.approx(20 + 60 * 0.5 + 20)
    assert scores[low.pk] == pytest.approx(20 + 60 * (1 / 3) / 3 + 20)
    shortlisted = set(ShortlistEntry.objects.filter(scheme=s).values_list("disclosure_id", flat=True))
    assert shortlisted == {high.pk, mid.pk}


def test_only_the_evaluator_runs_its_ranking(evaluator):
    s = b.scheme(evaluator)
    with pytest.raises(PermissionDenied):
        services.run_ranking(b.evaluator(), s)


# --- commitment, notice, objections, list --------------------------------------------------------------------


@pytest.fixture
def shortlisted(evaluator):
    s = b.scheme(evaluator, top_n=3)
    for values in (
        {"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"},
        {"铅溶出量": "0.3", "镉溶出量": "0.03", "白度": "75"},
        {"铅溶出量": "0.5", "镉溶出量": "0.05", "白度": "70"},
    ):
        b.standard(values)
    services.run_ranking(evaluator, s)
    return s, list(s.entries.order_by("-score"))


def test_commitment_before_notice(evaluator, shortlisted):
    s, (first, second, third) = shortlisted
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.start_notice(evaluator, s, today, today + datetime.timedelta(days=10))
    assert "提交承诺后才能公示" in error.value.messages[0]
    actor = b.staff(first.enterprise)
    services.upload_document(actor, first, "commitment", b.pdf_upload())
    with pytest.raises(ValidationError) as error:
        services.submit_commitment(actor, first)
    assert error.value.messages == ["须上传至少一份证明材料(如检验报告)"]
    b.commit(second)
    notice = services.start_notice(evaluator, s, today, today + datetime.timedelta(days=10))
    states = {e.pk: e.state for e in s.entries.all()}
    assert states == {first.pk: "shortlisted", second.pk: "in_notice", third.pk: "shortlisted"}
    assert list(notice.entries.all()) == [second]


def test_evidence_is_checked_by_content_and_only_the_enterprise_uploads(evaluator, shortlisted):
    s, (first, second, _third) = shortlisted
    actor = b.staff(first.enterprise)
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.upload_document(actor, first, "evidence", fake)
    assert "PDF 或 DOCX" in error.value.message_dict["file"][0]
    with pytest.raises((PermissionDenied, ShortlistEntry.DoesNotExist)):
        services.upload_document(b.staff(second.enterprise), first, "evidence", b.pdf_upload())
    with pytest.raises(PermissionDenied):
        services.upload_document(evaluator, first, "evidence", b.pdf_upload())
    document = services.upload_document(actor, first, "evidence", b.pdf_upload("检验报告.pdf"))
    assert document.file_type == "pdf" and document.name == "检验报告.pdf" and len(document.sha256) == 64


def test_objections_during_the_notice(evaluator, shortlisted):
    s, (first, second, third) = shortlisted
    for entry in (first, second, third):
        b.commit(entry)
    today = timezone.localdate()
    notice = services.start_notice(
        evaluator, s, today - datetime.timedelta(days=12), today - datetime.timedelta(days=2)
    )
    first.refresh_from_db(), second.refresh_from_db()
    data = {"name": "王五", "contact": "13800000000", "reason": "检验报告的样品不是该型号的产品"}
    # The notice period is over: no more objections.
    with pytest.raises(ValidationError):
        services.file_objection(None, notice, first, data)
    during = today - datetime.timedelta(days=5)
    with pytest.raises(ValidationError) as error:
        services.file_objection(None, notice, first, {**data, "contact": "随便"}, today=during)
    assert "contact" in error.value.message_dict
    upheld = services.file_objection(None, notice, first, data, today=during)  # the public, not logged in
    dismissed = services.file_objection(
        None, notice, second, {**data, "contact": "a@example.cn"}, today=during
    )
    with pytest.raises(ValidationError) as error:
        services.close_notice(evaluator, notice, today=today)
    assert "2 条异议未处理" in error.value.messages[0]
    with pytest.raises(PermissionDenied):
        services.resolve_objection(b.evaluator(), upheld, upheld=True, resolution="成立")
    services.resolve_objection(evaluator, upheld, upheld=True, resolution="样品与型号不符,异议成立")
    services.resolve_objection(evaluator, dismissed, upheld=False, resolution="报告真实有效")
    services.close_notice(evaluator, notice, today=today)
    states = dict(ShortlistEntry.objects.filter(scheme=s).values_list("pk", "state"))
    assert states == {first.pk: "rejected", second.pk: "passed", third.pk: "passed"}
    assert "异议成立" in ShortlistEntry.objects.get(pk=first.pk).reason
    assert Objection.objects.get(pk=upheld.pk).state == "upheld"
    assert AuditEvent.objects.filter(action="objection.create", actor__isnull=True).count() == 2


def test_a_notice_closes_only_after_its_last_day(evaluator, shortlisted):
    s, entries = shortlisted
    b.commit(entries[0])
    today = timezone.localdate()
    notice = services.start_notice(evaluator, s, today, today + datetime.timedelta(days=10))
    with pytest.raises(ValidationError):
        services.close_notice(evaluator, notice, today=today)
    assert Notice.objects.get(pk=notice.pk).state == "open"


def test_the_published_list_is_valid_for_the_schemes_validity(evaluator, shortlisted):
    s, entries = shortlisted
    with pytest.raises(ValidationError):
        services.publish_list(evaluator, s)  # nothing passed its notice yet
    for entry in entries[:2]:
        b.commit(entry)
    b.through_notice(evaluator, s)
    today = timezone.localdate()
    listing = services.publish_list(evaluator, s, today=today)
    assert listing.valid_from == today
    assert listing.valid_until == services.add_months(today, 12) - datetime.timedelta(days=1)
    listed = ShortlistEntry.objects.filter(listing=listing)
    assert listed.count() == 2 and {e.state for e in listed} == {EntryState.LISTED}
    assert all(e.valid_until == listing.valid_until and e.is_current for e in listed)
    assert listing.is_valid_on(listing.valid_until) and not listing.is_valid_on(
        listing.valid_until + datetime.timedelta(days=1)
    )
    assert ShortlistEntry.objects.get(pk=entries[2].pk).state == EntryState.SHORTLISTED  # never committed


def test_add_months_keeps_the_day_or_takes_the_last_one():
    assert services.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert services.add_months(datetime.date(2026, 11, 15), 12) == datetime.date(2027, 11, 15)


# --- dynamic adjustment -----------------------------------------------------------------------------------------


@pytest.fixture
def on_list(evaluator):
    s = b.scheme(evaluator, top_n=2)
    top = b.standard({"铅溶出量": "0.2", "镉溶出量": "0.03", "白度": "80"})
    other = b.standard({"铅溶出量": "0.3", "镉溶出量": "0.05", "白度": "75"})
    b.listed(evaluator, s)
    return s, ShortlistEntry.objects.get(disclosure=top), ShortlistEntry.objects.get(disclosure=other)


def test_a_listed_standard_revised_below_its_tier_is_removed(on_list):
    s, entry, _other = on_list
    assert entry.state == EntryState.LISTED
    new = b.revise(entry.disclosure, {"铅溶出量": "0.4"})  # 领跑 → 先进
    entry.refresh_from_db()
    assert entry.state == EntryState.REMOVED
    assert "版本 2" in entry.reason and "铅溶出量" in entry.reason
    assert entry.disclosure_id == new.previous_id
    event = AuditEvent.objects.get(action="shortlistentry.remove", object_id=str(entry.pk))
    assert event.before["state"] == "listed" and event.after["state"] == "removed"


def test_a_revision_keeping_its_tiers_carries_the_entry_over(on_list):
    s, entry, _other = on_list
    new = b.revise(entry.disclosure, {"白度": "85"})
    entry.refresh_from_db()
    assert entry.state == EntryState.LISTED and entry.disclosure_id == new.pk
    assert AuditEvent.objects.filter(
        action="shortlistentry.follow_revision", object_id=str(entry.pk)
    ).exists()


def test_a_listed_standard_abolished_is_removed(on_list):
    s, entry, other = on_list
    disclosure_services.abolish(b.staff(entry.disclosure.enterprise), entry.disclosure)
    entry.refresh_from_db(), other.refresh_from_db()
    assert entry.state == EntryState.REMOVED and "废止" in entry.reason
    assert other.state == EntryState.LISTED
    assert entry.disclosure.state == DisclosureState.ABOLISHED


def test_core_indicators_must_cover_the_product_standard(evaluator):
    from nqihub.engines.requirements import parse_requirement
    from nqihub.review.models import LimitTable

    table = LimitTable.objects.create(
        standard_number="GB 4806.4-2016",
        normalized_number="GB 4806.4-2016",
        title="食品安全国家标准 陶瓷制品",
        source="测试",
    )
    for n, (name, requirement, unit) in enumerate(
        [
            ("铅溶出量", "≤0.8", "mg/L"),
            ("镉溶出量", "≤0.07", "mg/L"),
            ("吸水率", "≤0.5", "%"),
            ("感官", "无异味", ""),
        ]
    ):
        table.requirements.create(
            indicator=name,
            indicator_key=name,
            requirement=requirement,
            unit=unit,
            parsed=parse_requirement(requirement, unit=unit or None).to_dict(),
            position=n,
        )
    s = b.scheme(evaluator, publish=False)  # product standard GB 4806.4-2016; core: lead, cadmium, whiteness
    problems = services.scheme_problems(s)
    assert [(p.code, p.indicator) for p in problems] == [("not_covered", "吸水率")]
    with pytest.raises(ValidationError):
        services.publish_scheme(evaluator, s)
    services.add_indicator(
        evaluator,
        s,
        {
            "role": "core",
            "name": "吸水率",
            "requirement": "≤0.5",
            "unit": "%",
            "tiers": [{"name": "先进", "bound": "0.3"}],
        },
    )
    assert services.publish_scheme(evaluator, s).is_published

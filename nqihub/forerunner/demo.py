"""The forerunner part of the demo city, made through the real services and marked 示例; idempotent.

The demo city's standardisation centre evaluates 日用陶瓷 (GB/T 4754-2017 3074) in the year's key area with a
published scheme of four core indicators and their tiers. Eight demo enterprises disclose a tableware standard
with varied values (the demo's other ceramics standards all declare the national limits, so they are never
tiered), the city's regulator reviews them, and the evaluator ranks the category: the best five are shortlisted,
three commit and pass a past notice onto the published list, a fourth is in an open notice (with a public
objection, dismissed), the fifth has not committed yet. Then the dynamic adjustment: one listed enterprise revises
its standard below its tier and leaves the list again; another revises it keeping its tiers, and its entry waits
for the review of the revision (待复核) — the city's regulator (demo_city) reviewing it puts it back.
"""

import datetime
import io
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from nqihub.core.models import Role, User
from nqihub.core.services import create_account
from nqihub.registry.models import Enterprise, Institution, InstitutionKind
from nqihub.review import services as review_services
from nqihub.standards import services as disclosure_services
from nqihub.standards.models import Disclosure, DisclosureState

from . import services
from .models import EntryState, EvaluationScheme, ForerunnerList, KeyArea, Notice, RankingRun, ShortlistEntry

DEMO_SUFFIX = "(示例)"
CERAMICS = "3074"
EVALUATOR_USERNAME = "demo_evaluator"
AREA_NAME = f"日用陶瓷{DEMO_SUFFIX}"
SCHEME_TITLE = f"日用陶瓷企业标准“领跑者”评估方案{DEMO_SUFFIX}"
STANDARD_TITLE = f"日用陶瓷餐具(领跑者参评){DEMO_SUFFIX}"
# (name, national / industry requirement, its source, unit, tiers lowest first)
CORE = [
    ("铅溶出量", "≤0.8 mg/L", "GB 4806.4-2016", "mg/L", {"先进": "0.5", "领先": "0.3", "领跑": "0.2"}),
    ("镉溶出量", "≤0.07 mg/L", "GB 4806.4-2016", "mg/L", {"先进": "0.05", "领先": "0.04", "领跑": "0.03"}),
    ("白度", "≥65", "GB/T 3532-2022", "度", {"先进": "70", "领先": "75", "领跑": "80"}),
    ("吸水率", "≤0.5 %", "GB/T 3532-2022", "%", {"先进": "0.3", "领先": "0.2", "领跑": "0.1"}),
]
METHODS = {"铅溶出量": "GB 31604.34", "镉溶出量": "GB 31604.24", "白度": "GB/T 3532", "吸水率": "GB/T 3299"}
SIGNS = {"铅溶出量": "≤", "镉溶出量": "≤", "白度": "≥", "吸水率": "≤"}
# Values of the eight demo standards: lead, cadmium, whiteness, water absorption.
VALUES = [
    ("0.15", "0.02", "82", "0.08"),
    ("0.2", "0.025", "80", "0.12"),
    ("0.25", "0.03", "78", "0.15"),
    ("0.3", "0.04", "76", "0.2"),
    ("0.35", "0.05", "74", "0.25"),
    ("0.45", "0.06", "72", "0.3"),
    ("0.5", "0.06", "70", "0.4"),
    ("0.6", "0.06", "68", "0.45"),
]


def _letter(title: str, lines: list[str]) -> ContentFile:
    """A small DOCX (承诺书 or 检验报告) marked 示例."""
    import docx

    document = docx.Document()
    document.add_heading(f"{title}{DEMO_SUFFIX}", level=1)
    for line in lines:
        document.add_paragraph(line)
    document.add_paragraph("本文件由 nqihub demo 生成,仅供演示。")
    buffer = io.BytesIO()
    document.save(buffer)
    return ContentFile(buffer.getvalue(), name=f"{title}{DEMO_SUFFIX}.docx")


def _evaluator() -> User | None:
    account = User.objects.filter(username=EVALUATOR_USERNAME).first()
    if account is not None:
        return account
    institution = (
        Institution.objects.filter(is_demo=True, kind=InstitutionKind.STANDARDISATION).order_by("pk").first()
        or Institution.objects.filter(is_demo=True, kind__in=services.evaluator_kinds())
        .order_by("pk")
        .first()
    )
    if institution is None:
        return None
    from nqihub.demo.registry import DEMO_PASSWORD

    return create_account(
        User.objects.filter(username="demo_admin").first(),
        username=EVALUATOR_USERNAME,
        password=DEMO_PASSWORD,
        role=Role.INSTITUTION,
        institution=institution,
        display_name="领跑者评估机构" + DEMO_SUFFIX,
    )


def _enterprises(city: str) -> list[Enterprise]:
    """Demo enterprises of the city, ceramics makers first."""
    rows = Enterprise.objects.filter(is_demo=True, region_code__startswith=city[:4]).order_by("pk")
    return sorted(rows, key=lambda e: (e.industry_code != CERAMICS, e.industry_code not in ("3071", "3381")))[
        : len(VALUES)
    ]


def _staff(enterprise: Enterprise) -> User:
    from nqihub.demo.standards import _staff as demo_staff

    return demo_staff(enterprise)


def _standard(enterprise: Enterprise, values: tuple[str, ...], regulator) -> Disclosure:
    from nqihub.demo.standards import _enterprise_code

    actor = _staff(enterprise)
    draft = disclosure_services.start_disclosure(
        actor,
        enterprise,
        kind="enterprise",
        number=f"Q/{_enterprise_code(enterprise.pk)} 0021-2025",
        title=STANDARD_TITLE,
    )
    for (name, _req, _src, unit, _tiers), value in zip(CORE, values, strict=True):
        disclosure_services.add_indicator(
            actor,
            draft,
            {
                "name": name,
                "requirement": f"{SIGNS[name]}{value}",
                "unit": unit,
                "test_method": METHODS[name],
            },
        )
    disclosure_services.add_product(
        actor,
        draft,
        {
            "name": f"骨质瓷餐具{DEMO_SUFFIX}",
            "model": "LP-21",
            "category_code": CERAMICS,
            "common_name": "餐具",
        },
    )
    disclosure_services.sign_commitment(
        actor, draft, enterprise.legal_representative or "示例法人", "legal_representative"
    )
    disclosed = disclosure_services.disclose(actor, draft)
    Disclosure.objects.filter(pk=disclosed.pk).update(is_demo=True)
    disclosed.refresh_from_db()
    review_services.review_disclosure(regulator, disclosed)
    return disclosed


def _commit(entry: ShortlistEntry) -> None:
    actor = _staff(entry.enterprise)
    services.upload_document(
        actor,
        entry,
        "commitment",
        _letter(
            "承诺书", [f"{entry.enterprise.name}承诺:{entry.disclosure.standard_number} 的各项指标真实有效。"]
        ),
    )
    services.upload_document(
        actor,
        entry,
        "evidence",
        _letter("检验报告", [f"样品:{entry.disclosure.title};检验依据:GB 4806.4-2016。"]),
    )
    services.submit_commitment(actor, entry)


@transaction.atomic
def build_forerunner(city: str = "450300", say: Callable[[str], object] = print) -> dict:
    """The forerunner demo (see the module docstring); does nothing when the demo scheme exists already."""
    created = {"key_areas": 0, "schemes": 0, "disclosures": 0, "rankings": 0, "lists": 0}
    if EvaluationScheme.objects.filter(title=SCHEME_TITLE).exists():
        say("示例领跑者:已存在,未重复生成")
        return created
    evaluator = _evaluator()
    admin = User.objects.filter(username="demo_admin").first()
    regulator = User.objects.filter(username="demo_city").first()
    enterprises = _enterprises(city)
    if evaluator is None or admin is None or regulator is None or len(enterprises) < 4:
        say("示例领跑者:缺少示例机构、账号或企业,跳过")
        return created
    year = timezone.localdate().year
    area = KeyArea.objects.filter(year=year, name=AREA_NAME).first()
    if area is None:
        area = services.create_key_area(
            admin,
            {
                "year": year,
                "name": AREA_NAME,
                "category_codes": CERAMICS,
                "description": "示例数据:由 nqihub demo 生成的年度重点领域。",
            },
        )
        KeyArea.objects.filter(pk=area.pk).update(is_demo=True)
        created["key_areas"] += 1
    scheme = services.create_scheme(
        evaluator,
        {
            "key_area": area,
            "title": SCHEME_TITLE,
            "category_code": CERAMICS,
            "product_standard": "GB 4806.4-2016",
            "top_n": 5,
            "validity_months": 12,
            "notice_days": 10,
        },
    )
    EvaluationScheme.objects.filter(pk=scheme.pk).update(is_demo=True)
    scheme.refresh_from_db()
    services.add_indicator(
        evaluator, scheme, {"role": "basic", "name": "热稳定性", "requirement": "140℃热交换一次不裂"}
    )
    for name, requirement, source, unit, tiers in CORE:
        services.add_indicator(
            evaluator,
            scheme,
            {
                "role": "core",
                "name": name,
                "requirement": requirement,
                "requirement_source": source,
                "unit": unit,
                "tiers": services.parse_tiers(tiers),
            },
        )
    services.add_indicator(
        evaluator, scheme, {"role": "innovation", "name": "抗菌性能", "note": "抗菌率 ≥90%"}
    )
    scheme = services.publish_scheme(evaluator, scheme)
    created["schemes"] += 1
    for enterprise, values in zip(enterprises, VALUES, strict=False):
        _standard(enterprise, values, regulator)
        created["disclosures"] += 1
    run = services.run_ranking(evaluator, scheme)
    created["rankings"] += 1
    entries = list(scheme.entries.order_by("-score", "id"))
    if len(entries) < 3:
        say("示例领跑者:入围不足 3 项(示例标准的审查结论?),未生成公示和名单")
        return created
    today = timezone.localdate()
    # Three commit and pass a notice that is over; they make the published list.
    for entry in entries[:3]:
        _commit(entry)
    past = services.start_notice(
        evaluator, scheme, today - datetime.timedelta(days=20), today - datetime.timedelta(days=11)
    )
    services.close_notice(evaluator, past, today=today)
    listing = services.publish_list(
        evaluator, scheme, title=f"{year}年度日用陶瓷企业标准“领跑者”名单{DEMO_SUFFIX}"
    )
    created["lists"] += 1
    # A fourth is in an open notice, with an objection from the public that the evaluator dismissed.
    if len(entries) > 3:
        _commit(entries[3])
        notice = services.start_notice(
            evaluator, scheme, today - datetime.timedelta(days=2), today + datetime.timedelta(days=8)
        )
        objection = services.file_objection(
            None,
            notice,
            ShortlistEntry.objects.get(pk=entries[3].pk),
            {
                "name": f"消费者{DEMO_SUFFIX}",
                "contact": "13800000000",
                "reason": "示例异议:请核实检验报告的样品型号。",
            },
        )
        services.resolve_objection(
            evaluator, objection, upheld=False, resolution="示例:经核实,样品型号与标准一致。"
        )
    # Dynamic adjustment: the third listed enterprise revises its lead release below its tier (removed); the
    # second raises its whiteness, keeping its tiers (待复核 until the revision is reviewed).
    for position, indicator, requirement in ((2, "铅溶出量", "≤0.45"), (1, "白度", "≥83")):
        listed = ShortlistEntry.objects.get(pk=entries[position].pk)
        if listed.state != EntryState.LISTED:
            continue
        actor = _staff(listed.enterprise)
        draft = disclosure_services.revise(actor, listed.disclosure)
        disclosure_services.update_indicator(
            actor, draft.indicators.get(name=indicator), {"requirement": requirement}
        )
        disclosure_services.sign_commitment(
            actor, draft, listed.enterprise.legal_representative or "示例法人", "legal_representative"
        )
        disclosure_services.disclose(actor, draft)
    Disclosure.objects.filter(enterprise__is_demo=True, title=STANDARD_TITLE).update(is_demo=True)
    for model in (Notice, ForerunnerList, RankingRun):
        model.objects.filter(scheme=scheme).update(is_demo=True)
    ShortlistEntry.objects.filter(scheme=scheme).update(is_demo=True)
    say(
        f"示例领跑者:重点领域“{area.name}”,评估方案“{scheme.title}”,参评 {run.candidates} 项、入围 {run.shortlisted} 项,"
        f"名单“{listing.title}”;评估机构账号 {EVALUATOR_USERNAME}(密码同其他示例账号)"
    )
    return created


def forerunner_counts() -> dict[str, int]:
    return {
        "schemes": EvaluationScheme.objects.filter(is_demo=True).count(),
        "listed": ShortlistEntry.objects.filter(
            is_demo=True, state=EntryState.LISTED, recheck_since__isnull=True
        ).count(),
        "disclosures": Disclosure.objects.filter(
            is_demo=True, title=STANDARD_TITLE, state=DisclosureState.DISCLOSED
        ).count(),
    }

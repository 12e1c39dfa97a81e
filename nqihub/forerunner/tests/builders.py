"""Builders shared by the forerunner tests and the permission matrix: an evaluator, a 日用陶瓷 key area, a scheme
with three core indicators, disclosed standards with chosen values and review outcomes, and the whole way from
the ranking to a published list — all through the services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nqihub.core.models import Role, User
from nqihub.review.models import Dimension, Finding, Review, Severity
from nqihub.standards import services as disclosure_services
from nqihub.testing import COUNTY, enterprise, institution, user

from .. import services
from ..models import EntryState, KeyArea

CERAMICS = "3074"  # GB/T 4754-2017 陶瓷制日用品制造
# The core indicators of 日用陶瓷: lead and cadmium release (GB 4806.4-2016) and whiteness (≥65 度).
CORE = [
    {
        "name": "铅溶出量",
        "requirement": "≤0.8 mg/L",
        "requirement_source": "GB 4806.4-2016",
        "unit": "mg/L",
        "tiers": {"先进": "0.5", "领先": "0.3", "领跑": "0.2"},
    },
    {
        "name": "镉溶出量",
        "requirement": "≤0.07 mg/L",
        "requirement_source": "GB 4806.4-2016",
        "unit": "mg/L",
        "tiers": {"先进": "0.05", "领跑": "0.03"},
    },
    {
        "name": "白度",
        "requirement": "≥65",
        "requirement_source": "GB/T 3532-2022",
        "unit": "度",
        "tiers": {"先进": "70", "领先": "75", "领跑": "80"},
    },
]
UNITS = {c["name"]: c["unit"] for c in CORE}
SIGNS = {"铅溶出量": "≤", "镉溶出量": "≤", "白度": "≥"}


def pdf_bytes() -> bytes:
    from tests.matrix.disclosures import make_pdf

    return make_pdf("Forerunner evidence")


def pdf_upload(name: str = "承诺书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


_counter = iter(range(1, 10**6))


def evaluator(region: str = COUNTY, kind: str = "standardisation", name: str = "") -> User:
    """An institution of the evaluator kinds (标准化 / 认证认可) and one of its staff accounts."""
    n = next(_counter)
    org = institution(region, kind=kind, name=name or f"领跑者评估中心{n}")
    return user(f"evaluator{n}", Role.INSTITUTION, institution=org)


def key_area(year: int = 2026, codes: str = CERAMICS, name: str = "日用陶瓷") -> KeyArea:
    return KeyArea.objects.get_or_create(year=year, name=name, defaults={"category_codes": codes})[0]


def scheme(actor: User, *, core=CORE, top_n: int | None = 3, threshold=None, publish: bool = True, **fields):
    """A scheme of `actor`'s institution for 日用陶瓷 with the given core indicators, a basic and an innovation
    indicator; published unless told otherwise."""
    data = {
        "key_area": key_area(),
        "title": fields.pop("title", f"日用陶瓷企业标准领跑者评估方案{next(_counter)}"),
        "category_code": CERAMICS,
        "product_standard": "GB 4806.4-2016",
        "top_n": top_n,
        "threshold": threshold,
        **fields,
    }
    s = services.create_scheme(actor, data)
    services.add_indicator(
        actor, s, {"role": "basic", "name": "热稳定性", "requirement": "140℃热交换一次不裂"}
    )
    for spec in core:
        services.add_indicator(
            actor,
            s,
            {
                "role": "core",
                "name": spec["name"],
                "requirement": spec["requirement"],
                "requirement_source": spec.get("requirement_source", ""),
                "unit": spec["unit"],
                "direction": spec.get("direction", ""),
                "tiers": services.parse_tiers(spec["tiers"]),
            },
        )
    services.add_indicator(actor, s, {"role": "innovation", "name": "抗菌性能", "note": "抗菌率 ≥90%"})
    if publish:
        s = services.publish_scheme(actor, s)
    return s


def staff(company) -> User:
    found = User.objects.filter(role=Role.ENTERPRISE, enterprise=company).first()
    return found or user(f"staff{next(_counter)}", Role.ENTERPRISE, enterprise=company)


def _letters(n: int) -> str:
    text = ""
    while True:
        text = chr(ord("A") + n % 26) + text
        n = n // 26 - 1
        if n < 0:
            return ("FR" + text.rjust(2, "X"))[:6]


def review(d, outcome: str = "conforming", *, c2: bool = False, days_ago: int = 0) -> Review:
    """A stored review of `d` with this outcome (and a C2 finding: a withdrawn normative reference)."""
    r = Review.objects.create(
        disclosure=d,
        region_code=d.region_code,
        outcome=outcome,
        checked_on=timezone.localdate(),
        is_demo=d.is_demo,
    )
    if days_ago:
        Review.objects.filter(pk=r.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    if c2:
        Finding.objects.create(
            review=r,
            check_id="C2",
            dimension=Dimension.LEGALITY,
            severity=Severity.MAJOR,
            message="引用标准 GB/T 1.1-2009 已被代替",
        )
    return r


def standard(
    values: dict[str, str],
    *,
    company=None,
    outcome: str | None = "conforming",
    c2: bool = False,
    category: str = CERAMICS,
    title: str = "日用陶瓷餐具",
):
    """A disclosed own standard of `company` (a new enterprise in the county by default) declaring these core
    values ({"铅溶出量": "0.3", …}, the sign and unit added), reviewed with `outcome` (None: never reviewed)."""
    company = company or enterprise(COUNTY, name=f"测试陶瓷{next(_counter)}有限公司")
    actor = staff(company)
    n = disclosure_services.Disclosure.objects.filter(enterprise=company).count() + 1
    d = disclosure_services.start_disclosure(
        actor, company, kind="enterprise", number=f"Q/{_letters(company.pk)} {n:04d}-2025", title=title
    )
    for name, value in values.items():
        text = value if value[:1] in "≤≥<>不" else f"{SIGNS.get(name, '≤')}{value}"
        own_unit = any(ch.isalpha() for ch in text)  # "≤450 μg/L" carries its unit; "≤0.3" takes the column's
        unit = "" if own_unit else UNITS.get(name, "")
        disclosure_services.add_indicator(
            actor, d, {"name": name, "requirement": text, "unit": unit, "test_method": "GB/T 3534"}
        )
    disclosure_services.add_product(actor, d, {"name": title, "model": "FR-1", "category_code": category})
    disclosure_services.sign_commitment(actor, d, "张三", "authorised")
    d = disclosure_services.disclose(actor, d)
    if outcome is not None:
        review(d, outcome, c2=c2)
    return d


def revise(d, values: dict[str, str]):
    """Disclose a new version of `d` with these core values changed (through the services, so the hook runs)."""
    actor = staff(d.enterprise)
    draft = disclosure_services.revise(actor, d)
    for indicator in draft.indicators.all():
        if indicator.name in values:
            value = values[indicator.name]
            disclosure_services.update_indicator(
                actor, indicator, {"requirement": f"{SIGNS.get(indicator.name, '≤')}{value}"}
            )
    disclosure_services.sign_commitment(actor, draft, "张三", "authorised")
    return disclosure_services.disclose(actor, draft)


def commit(entry) -> None:
    """The enterprise uploads a commitment letter and a test report and submits them."""
    actor = staff(entry.enterprise)
    services.upload_document(actor, entry, "commitment", pdf_upload("承诺书.pdf"))
    services.upload_document(actor, entry, "evidence", pdf_upload("检验报告.pdf"))
    services.submit_commitment(actor, entry)


def through_notice(actor, s, *, days_ago: int = 20):
    """Notice every committed entry of `s`, starting `days_ago` days ago for 10 days, and close it."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=days_ago)
    notice = services.start_notice(actor, s, start, start + datetime.timedelta(days=10))
    return services.close_notice(actor, notice, today=today)


def listed(actor, s):
    """Rank `s`, commit every shortlisted entry, notice them and publish the list; returns the list."""
    services.run_ranking(actor, s)
    for entry in s.entries.filter(state=EntryState.SHORTLISTED):
        commit(entry)
    through_notice(actor, s)
    return services.publish_list(actor, s)

"""Demo disclosures of the demo city's enterprises, made through the real disclosure services.

Each demo enterprise discloses an own enterprise standard (indicators with test methods, products, signed
commitment) and often a national standard picked from the catalogue; some are revised, abolished or left as
drafts. Catalogue rows the demo needs but a bureau has not imported are added marked as demo (示例, with the
source saying they were not checked against the official catalogue). Every row is marked is_demo.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from stdnum import ean

from nqihub.core.models import Role, User
from nqihub.registry.models import Enterprise
from nqihub.standards import search, services
from nqihub.standards.models import CatalogueStandard, CatalogueStatus, Disclosure, Indicator, Product

from .registry import DEMO_SUFFIX

DEMO_SOURCE = "示例数据:由 nqihub demo 生成,未经官方标准目录核对"
# Real national standards; the demo adds them only if the catalogue does not already hold them.
DEMO_CATALOGUE = [
    ("GB 4806.4-2016", "食品安全国家标准 陶瓷制品", "mandatory", "C31"),
    ("GB 2762-2022", "食品安全国家标准 食品中污染物限量", "mandatory", "C53"),
    ("GB 5749-2022", "生活饮用水卫生标准", "mandatory", "C51"),
    ("GB 6566-2010", "建筑材料放射性核素限量", "mandatory", "Q04"),
    ("GB/T 4100-2015", "陶瓷砖", "recommended", "Q41"),
    ("GB/T 19001-2016", "质量管理体系 要求", "recommended", "A00"),
    ("GB/T 191-2008", "包装储运图示标志", "recommended", "A82"),
]
FOOD = ["1353", "1369", "1392", "1431", "1495", "1511", "1524", "1530"]
EXTERNAL_BY_TRADE = {
    "3074": "GB 4806.4-2016",
    "3071": "GB/T 4100-2015",
    "3021": "GB 6566-2010",
    **{code: "GB 2762-2022" for code in FOOD},
}
# (name, requirement, unit, test method) — typical rows of such standards, for demonstration.
INDICATORS = {
    "ceramics": [
        ("吸水率", "≤0.5", "%", "GB/T 3299"),
        ("铅溶出量", "≤0.8", "mg/L", "GB 31604.34"),
        ("镉溶出量", "≤0.07", "mg/L", "GB 31604.24"),
        ("热稳定性", "140℃热交换一次不裂", "", "GB/T 3298"),
        ("白度", "≥65", "度", "GB/T 3532"),
    ],
    "tiles": [
        ("吸水率", "≤0.5", "%", "GB/T 3810.3"),
        ("破坏强度", "≥1300", "N", "GB/T 3810.4"),
        ("断裂模数", "≥35", "MPa", "GB/T 3810.4"),
        ("内照射指数", "≤1.0", "", "GB 6566"),
    ],
    "food": [
        ("水分", "≤14.0", "%", "GB 5009.3"),
        ("铅(以Pb计)", "≤0.2", "mg/kg", "GB 5009.12"),
        ("总砷(以As计)", "≤0.5", "mg/kg", "GB 5009.11"),
        ("菌落总数", "n=5,c=2,m=10⁴,M=10⁵", "CFU/g", "GB 4789.2"),
        ("大肠菌群", "n=5,c=2,m=10,M=10²", "CFU/g", "GB 4789.3"),
        ("感官", "色泽正常,无异味,无肉眼可见杂质", "", "目测、鼻嗅"),
    ],
    "general": [
        ("外观", "表面平整,无明显缺陷", "", "目测"),
        ("拉伸强度", "≥10", "MPa", "GB/T 1040.2"),
        ("断裂伸长率", "≥150", "%", "GB/T 1040.2"),
        ("使用温度", "(20±40)℃", "", "GB/T 2423.1"),
    ],
}
PRODUCT_WORDS = {
    "ceramics": ["日用瓷餐具", "陶瓷茶具", "骨质瓷碗"],
    "tiles": ["釉面砖", "抛光砖", "仿古砖"],
    "food": ["米粉", "豆干", "腊肉", "鱼干", "果汁饮料", "绿茶", "米酒", "复配添加剂"],
    "general": ["制品", "组件", "型材"],
}


def _trade_group(code: str) -> str:
    if code == "3074":
        return "ceramics"
    if code in ("3071", "3021"):
        return "tiles"
    return "food" if code in FOOD else "general"


def _gtin(rng: random.Random) -> str:
    body = "690" + "".join(rng.choice("0123456789") for _ in range(9))
    return body + ean.calc_check_digit(body)


def _enterprise_code(pk: int) -> str:
    letters, n = "", pk
    while True:
        letters = chr(ord("A") + n % 26) + letters
        n = n // 26 - 1
        if n < 0:
            break
    return "GL" + letters.rjust(2, "X")


def ensure_demo_catalogue() -> dict[str, CatalogueStandard]:
    rows = {}
    for number, title, nature, ccs in DEMO_CATALOGUE:
        row = CatalogueStandard.objects.filter(normalized_number=number).first()
        if row is None:
            code, rest = number.rsplit(" ", 1)
            row = CatalogueStandard.objects.create(
                number=number,
                normalized_number=number,
                base_number=f"{code} {rest.split('-')[0]}",
                family="national",
                nature=nature,
                title_zh=title,
                status=CatalogueStatus.CURRENT,
                ccs_code=ccs,
                source=DEMO_SOURCE,
                is_demo=True,
            )
        rows[number] = row
    return rows


def _staff(enterprise: Enterprise) -> User:
    """The enterprise's account that makes its disclosures (demo_enterprise for the one it stands for)."""
    account = User.objects.filter(role=Role.ENTERPRISE, enterprise=enterprise).order_by("pk").first()
    if account is None:
        account = User(
            username=f"demo_ent_{enterprise.pk}",
            role=Role.ENTERPRISE,
            enterprise=enterprise,
            display_name=f"{enterprise.name}填报员",
        )
        account.set_unusable_password()  # a demo actor for the audit log; it cannot log in
        account.save()
    return account


def _own_standard(actor, enterprise, rng, group, year, seq) -> Disclosure:
    words = PRODUCT_WORDS[group]
    product_word = rng.choice(words)
    draft = services.start_disclosure(
        actor,
        enterprise,
        kind="enterprise",
        number=f"Q/{_enterprise_code(enterprise.pk)} {seq:04d}-{year}",
        title=f"{product_word}{DEMO_SUFFIX}",
    )
    for name, requirement, unit, method in rng.sample(INDICATORS[group], k=min(len(INDICATORS[group]), 4)):
        services.add_indicator(
            actor, draft, {"name": name, "requirement": requirement, "unit": unit, "test_method": method}
        )
    for n in range(rng.randint(1, 3)):
        services.add_product(
            actor,
            draft,
            {
                "name": f"{product_word}{DEMO_SUFFIX}",
                "model": f"GL-{seq}{n + 1:02d}",
                "category_code": enterprise.industry_code,
                "specification": rng.choice(["500g/袋", "10件/箱", "600mm×600mm", "标准型", "加厚型"]),
                "gtin": _gtin(rng),
                "common_name": product_word,
            },
        )
    services.sign_commitment(
        actor, draft, enterprise.legal_representative or "示例法人", "legal_representative"
    )
    return services.disclose(actor, draft)


def _external_standard(actor, enterprise, rng, standard: CatalogueStandard, group) -> Disclosure:
    draft = services.start_disclosure(actor, enterprise, kind="external", catalogue_standard=standard)
    product_word = rng.choice(PRODUCT_WORDS[group])
    services.add_product(
        actor,
        draft,
        {
            "name": f"{product_word}{DEMO_SUFFIX}",
            "model": f"GL-E{rng.randint(1, 99):02d}",
            "category_code": enterprise.industry_code,
            "gtin": _gtin(rng),
            "common_name": product_word,
        },
    )
    return services.disclose(actor, draft)


def _backdate(rng: random.Random, disclosure: Disclosure, days_ago: int) -> None:
    """Spread demo disclosures over the past months so statistics by month have something to show."""
    when = timezone.now() - datetime.timedelta(days=days_ago, hours=rng.randint(0, 23))
    Disclosure.objects.filter(pk=disclosure.pk).update(disclosed_at=when, committed_at=when)


@transaction.atomic
def build_disclosures(seed: int = 20261122) -> dict[str, int]:
    """Disclosures for every demo enterprise that has none yet; returns what was created."""
    rng = random.Random(seed)
    catalogue = ensure_demo_catalogue()
    created = {"disclosures": 0, "revised": 0, "abolished": 0, "drafts": 0}
    for enterprise in Enterprise.objects.filter(is_demo=True).order_by("pk"):
        # Draws for every enterprise, done or not, so the sequence does not depend on what already exists.
        plan = {
            "revise": rng.random() < 0.12,
            "abolish": rng.random() < 0.06,
            "draft": rng.random() < 0.08,
            "external": rng.random() < 0.6,
            "age": rng.randint(20, 540),
            "seed": rng.randrange(10**9),
        }
        if Disclosure.objects.filter(enterprise=enterprise).exists():
            continue
        local = random.Random(plan["seed"])
        actor = _staff(enterprise)
        group = _trade_group(enterprise.industry_code)
        own = _own_standard(actor, enterprise, local, group, 2025 if plan["age"] < 320 else 2024, 1)
        _backdate(local, own, plan["age"])
        created["disclosures"] += 1
        external_number = EXTERNAL_BY_TRADE.get(enterprise.industry_code, "GB/T 19001-2016")
        if plan["external"]:
            external = _external_standard(actor, enterprise, local, catalogue[external_number], group)
            _backdate(local, external, max(plan["age"] - 7, 1))
            created["disclosures"] += 1
        if plan["revise"]:
            own.refresh_from_db()
            draft = services.revise(actor, own)
            services.sign_commitment(
                actor, draft, enterprise.legal_representative or "示例法人", "legal_representative"
            )
            services.disclose(actor, draft)
            created["revised"] += 1
        elif plan["abolish"]:
            own.refresh_from_db()
            services.abolish(actor, own)
            created["abolished"] += 1
        if plan["draft"]:
            draft = services.start_disclosure(
                actor,
                enterprise,
                kind="enterprise",
                number=f"Q/{_enterprise_code(enterprise.pk)} 0009-2026",
                title=f"新产品(草稿){DEMO_SUFFIX}",
            )
            created["drafts"] += 1
    Disclosure.objects.filter(enterprise__is_demo=True).update(is_demo=True)
    for disclosure in Disclosure.objects.filter(is_demo=True):
        search.sync_search_entry(disclosure)
    return created


def demo_counts() -> dict[str, int]:
    return {
        "disclosures": Disclosure.objects.filter(is_demo=True).count(),
        "products": Product.objects.filter(disclosure__is_demo=True).count(),
        "indicators": Indicator.objects.filter(disclosure__is_demo=True).count(),
    }

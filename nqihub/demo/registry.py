"""Demo organisations and accounts of the demo city (桂林市 450300 by default), generated with a fixed seed.

Names end in "(示例)" and rows carry is_demo=True, so generated data is labelled wherever it shows.
"""

import random

from nqihub.core.models import Region, Role, User
from nqihub.core.services import create_account
from nqihub.registry import services
from nqihub.registry.models import (
    CreditRiskGrade,
    Enterprise,
    EnterpriseScale,
    Expert,
    Institution,
    InstitutionKind,
    RegulatorUnit,
)

from .identifiers import make_uscc

DEMO_SUFFIX = "(示例)"
# A password that passes the platform's rules; printed by `make run`; change or disable demo accounts in production.
DEMO_PASSWORD = "Demo2026nqi"

# Real GB/T 4754-2017 小类 codes with the product words a company in that trade would use in its name.
TRADES = [
    ("3074", "日用陶瓷"),
    ("3071", "建筑陶瓷"),
    ("1530", "茶业"),
    ("1431", "米粉食品"),
    ("1392", "豆制品"),
    ("1353", "肉制品"),
    ("1369", "水产食品"),
    ("1524", "饮料"),
    ("1511", "酒业"),
    ("1495", "食品添加剂"),
    ("2641", "涂料"),
    ("2927", "塑料制品"),
    ("3021", "水泥制品"),
    ("3311", "钢结构"),
    ("3381", "厨具"),
    ("3831", "电线电缆"),
    ("3856", "电器"),
    ("3891", "电气设备"),
    ("3979", "电子器件"),
    ("2223", "纸业"),
]
NAME_WORDS = [
    "漓江",
    "桂山",
    "象鼻",
    "阳朔",
    "兴坪",
    "银子岩",
    "青秀",
    "金秀",
    "临桂",
    "七星",
    "独秀",
    "叠彩",
    "芦笛",
    "遇龙",
    "恭城",
    "荔浦",
    "龙胜",
    "灌江",
    "资江",
    "平乐",
    "桂花",
    "山水",
    "碧莲",
    "月亮山",
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗梁韦蒙覃莫"
GIVEN = [
    "建国",
    "丽华",
    "志强",
    "秀英",
    "海燕",
    "文军",
    "桂芳",
    "国华",
    "明",
    "静",
    "伟",
    "敏",
    "磊",
    "洁",
    "勇",
    "芳",
]
SPECIALTIES = [
    "陶瓷材料",
    "食品安全",
    "计量校准",
    "电气安全",
    "标准化",
    "质量管理体系",
    "化工产品",
    "机械制造",
    "环境监测",
    "能源计量",
    "知识产权",
    "产品认证",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def _counties(city_code: str) -> list[Region]:
    return list(Region.objects.filter(parent_code=city_code, is_active=True).order_by("code"))


def _ensure_admin() -> User:
    admin = User.objects.filter(username="demo_admin").first()
    if admin is None:
        admin = create_account(
            None,
            username="demo_admin",
            password=DEMO_PASSWORD,
            role=Role.ADMIN,
            display_name="平台管理员" + DEMO_SUFFIX,
        )
    return admin


def build_registry(city_code: str = "450300", enterprises: int = 120, seed: int = 20261121) -> dict[str, int]:
    """Create (or leave in place) the demo organisations; returns how many of each the city now has."""
    rng = random.Random(seed)
    city = Region.objects.get(code=city_code, is_active=True)
    counties = _counties(city_code)
    admin = _ensure_admin()
    created = {"enterprises": 0, "institutions": 0, "experts": 0, "regulator_units": 0}

    for region in [city, *counties]:
        name = f"{region.name}市场监督管理局{DEMO_SUFFIX}"
        if not RegulatorUnit.objects.filter(name=name, region_code=region.code).exists():
            unit = services.register_regulator_unit(admin, {"name": name, "region_code": region.code})
            RegulatorUnit.objects.filter(pk=unit.pk).update(is_demo=True)
            created["regulator_units"] += 1

    for i in range(enterprises):
        # Every random value is drawn before the existence check, so a second run draws the same sequence.
        county = counties[i % len(counties)]
        code, trade = TRADES[rng.randrange(len(TRADES))]
        data = {
            "name": f"桂林{rng.choice(NAME_WORDS)}{trade}有限公司{DEMO_SUFFIX}",
            "uscc": make_uscc(rng, county.code),
            "region_code": county.code,
            "industry_code": code,
            "scale": rng.choices(EnterpriseScale.values, weights=[1, 4, 10, 6])[0],
            "credit_risk_grade": rng.choices(CreditRiskGrade.values, weights=[10, 6, 2, 1])[0],
            "legal_representative": _name(rng),
            "contact_name": _name(rng),
            "contact_phone": _phone(rng),
            "address": f"{city.name}{county.name}示例路{rng.randint(1, 300)}号",
        }
        if (
            Enterprise.objects.filter(uscc=data["uscc"]).exists()
            or Enterprise.objects.filter(name=data["name"]).exists()
        ):
            continue
        enterprise = services.register_enterprise(admin, data)
        Enterprise.objects.filter(pk=enterprise.pk).update(is_demo=True)
        created["enterprises"] += 1

    institution_specs = [
        ("桂林市计量测试研究所", InstitutionKind.METROLOGY),
        ("桂林市产品质量检验所", InstitutionKind.TESTING),
        ("桂林市标准化研究中心", InstitutionKind.STANDARDISATION),
        ("桂林市食品药品检验所", InstitutionKind.TESTING),
        ("桂林质量认证服务中心", InstitutionKind.CERTIFICATION),
        ("桂林知识产权服务中心", InstitutionKind.IP),
        ("桂林市质量法律服务所", InstitutionKind.LEGAL),
    ]
    for n, (base_name, kind) in enumerate(institution_specs):
        testing = kind in (InstitutionKind.TESTING, InstitutionKind.METROLOGY)
        data = {
            "name": base_name + DEMO_SUFFIX,
            "kind": kind,
            "region_code": counties[n % 4].code,
            "uscc": make_uscc(rng, city_code, authority="1", kind="2"),
            "cma_number": f"示例CMA{2026000 + n}" if testing else "",
            "cnas_number": f"示例CNAS L{9000 + n}" if kind == InstitutionKind.TESTING else "",
            "contact_name": _name(rng),
            "contact_phone": _phone(rng),
        }
        if Institution.objects.filter(name=data["name"]).exists():
            continue
        institution = services.register_institution(admin, data)
        Institution.objects.filter(pk=institution.pk).update(is_demo=True)
        created["institutions"] += 1

    institutions = list(Institution.objects.filter(is_demo=True, region_code__startswith=city_code[:4]))
    for n in range(30):
        affiliation = institutions[n % len(institutions)]
        data = {
            "name": _name(rng) + DEMO_SUFFIX,
            "title": rng.choice(["高级工程师", "正高级工程师", "工程师", "研究员"]),
            "specialties": "、".join(rng.sample(SPECIALTIES, 2)),
            "affiliation": affiliation.name,
            "region_code": affiliation.region_code,
            "phone": _phone(rng),
        }
        if Expert.objects.filter(name=data["name"], affiliation=affiliation.name).exists():
            continue
        expert = services.register_expert(admin, data)
        Expert.objects.filter(pk=expert.pk).update(is_demo=True, affiliation_institution=affiliation)
        created["experts"] += 1
    return created


def build_accounts(city_code: str = "450300", county_code: str = "450321") -> dict[str, str]:
    """One account per role; returns username → description (for `make run` to print)."""
    enterprise = Enterprise.objects.filter(is_demo=True, region_code=county_code).order_by("pk").first()
    institution = Institution.objects.filter(is_demo=True).order_by("pk").first()
    expert = Expert.objects.filter(is_demo=True).order_by("pk").first()
    specs = [
        ("demo_admin", Role.ADMIN, {}, "平台管理员"),
        ("demo_auditor", Role.AUDITOR, {}, "审计员(只读审计日志)"),
        ("demo_city", Role.REGULATOR, {"region_code": city_code}, f"监管人员 · {city_code} 全市"),
        ("demo_county", Role.REGULATOR, {"region_code": county_code}, f"监管人员 · {county_code} 本县"),
        ("demo_enterprise", Role.ENTERPRISE, {"enterprise": enterprise}, f"企业用户 · {enterprise}"),
        ("demo_institution", Role.INSTITUTION, {"institution": institution}, f"技术机构用户 · {institution}"),
        ("demo_expert", Role.EXPERT, {"expert": expert}, f"专家 · {expert}"),
    ]
    admin = _ensure_admin()
    accounts: dict[str, str] = {}
    for username, role, links, label in specs:
        if not User.objects.filter(username=username).exists():
            create_account(
                admin,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                display_name=label.split(" · ")[0] + DEMO_SUFFIX,
                **links,
            )
        accounts[username] = label
    return accounts

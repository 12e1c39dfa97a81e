"""Test helpers shared by the apps' test suites: organisations and users of every role, in and out of reach."""

import random
from dataclasses import dataclass, field

from nqihub.core.models import Role, User
from nqihub.demo.identifiers import make_uscc
from nqihub.registry.models import Enterprise, Expert, Institution, InstitutionKind, RegulatorUnit

COUNTY = "450321"  # 阳朔县, in 桂林市 450300
OTHER_COUNTY = "450312"  # 临桂区, same city, outside the county
OTHER_CITY = "450100"  # 南宁市
PASSWORD = "Test2026secret"

_rng = random.Random(7)


def uscc(region_code: str = COUNTY) -> str:
    return make_uscc(_rng, region_code)


def enterprise(region_code: str = COUNTY, **fields) -> Enterprise:
    fields.setdefault("name", f"测试企业{_rng.randrange(10**6)}有限公司")
    return Enterprise.objects.create(
        uscc=fields.pop("uscc", None) or uscc(region_code), region_code=region_code, **fields
    )


def institution(region_code: str = COUNTY, **fields) -> Institution:
    fields.setdefault("name", f"测试检测机构{_rng.randrange(10**6)}")
    fields.setdefault("kind", InstitutionKind.TESTING)
    return Institution.objects.create(region_code=region_code, **fields)


def expert(region_code: str = COUNTY, **fields) -> Expert:
    fields.setdefault("name", f"专家{_rng.randrange(10**6)}")
    fields.setdefault("affiliation", "测试单位")
    fields.setdefault("specialties", "食品安全")
    return Expert.objects.create(region_code=region_code, **fields)


def user(username: str, role: str, password: str | None = None, **fields) -> User:
    """An account; without a password it can only be used with force_login (hashing Argon2 costs ~50 ms)."""
    account = User(username=username, role=role, **fields)
    if password:
        account.set_password(password)
    else:
        account.set_unusable_password()
    account.save()
    return account


@dataclass
class World:
    inside: dict = field(default_factory=dict)  # model name → row inside each role's reach
    outside: dict = field(default_factory=dict)  # model name → row outside it
    users: dict = field(default_factory=dict)  # role label → user (None for the public)


def build_world() -> World:
    """One row of each model inside the county (and owned by the org users), one in another county."""
    w = World()
    w.inside["enterprise"] = enterprise(COUNTY, name="阳朔测试陶瓷有限公司")
    w.outside["enterprise"] = enterprise(OTHER_COUNTY, name="临桂测试茶业有限公司")
    w.inside["institution"] = institution(COUNTY, name="阳朔测试检测所")
    w.outside["institution"] = institution(OTHER_COUNTY, name="临桂测试检测所")
    w.inside["expert"] = expert(COUNTY, name="阳朔专家", affiliation="阳朔测试检测所")
    w.outside["expert"] = expert(OTHER_COUNTY, name="临桂专家", affiliation="临桂测试检测所")
    w.inside["regulatorunit"] = RegulatorUnit.objects.create(name="阳朔县市场监督管理局", region_code=COUNTY)
    w.outside["regulatorunit"] = RegulatorUnit.objects.create(
        name="临桂区市场监督管理局", region_code=OTHER_COUNTY
    )
    w.users = {
        "public": None,
        "enterprise": user("t_enterprise", Role.ENTERPRISE, enterprise=w.inside["enterprise"]),
        "institution": user("t_institution", Role.INSTITUTION, institution=w.inside["institution"]),
        "expert": user("t_expert", Role.EXPERT, expert=w.inside["expert"]),
        "regulator": user("t_regulator", Role.REGULATOR, region_code=COUNTY),
        "admin": user("t_admin", Role.ADMIN),
        "auditor": user("t_auditor", Role.AUDITOR),
    }
    return w

"""The subsystems of the platform, in the order PRODUCT.md lists them, and the navigation each role sees."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .scoping import Action, Reach, reach


@dataclass(frozen=True)
class Subsystem:
    slug: str
    title: str
    summary: str
    url_name: str = (
        ""  # empty while the subsystem is not built: its page says "coming", with no invented data
    )

    @property
    def url(self) -> str:
        return reverse(self.url_name) if self.url_name else reverse("core:coming", args=[self.slug])


SUBSYSTEMS = [
    Subsystem(
        "standards",
        _("企业标准公开"),
        _("企业标准自我声明公开、产品与指标、公开检索与统计"),
        url_name="search:search",
    ),
    Subsystem(
        "review",
        _("标准自查审查"),
        _("按抽查清单自动审查企业标准:编号、引用、指标、试验方法、结构"),
        url_name="review:home",
    ),
    Subsystem(
        "benchmarking",
        _("对标达标"),
        _("对标技术方案、指标逐项比对、对标结果与达标验证、试点城市排名"),
        url_name="benchmarking:home",
    ),
    Subsystem(
        "forerunner",
        _("企业标准领跑者"),
        _("评估方案、核心指标分档排名、公示与名单"),
        url_name="forerunner:home",
    ),
    Subsystem(
        "supervision", _("双随机抽查"), _("检查事项清单、对象库与执法人员库、可复核的随机抽取、整改与公示")
    ),
    Subsystem(
        "services", _("一站式服务"), _("服务平台与工作站、入驻机构与专家、服务事项、质量门诊、供需对接")
    ),
    Subsystem("metering", _("能源计量监控"), _("计量点与读数、折标准煤、数据质量、配备率、告警与上传")),
    Subsystem("development", _("质量发展"), _("产业链与链主、供应商评价、培育、品牌与奖项、试点")),
    Subsystem("insights", _("统计分析"), _("指标目录、分区域分期统计、排名、图表、Excel 导出与工作简报")),
]


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str


def navigation_for(user) -> list[NavItem]:
    """Menu entries for the pages this user can open (the registry, imports, the audit log)."""
    from nqihub.registry.models import Enterprise, Expert, Institution, RegulatorUnit

    items: list[NavItem] = []
    for model, url_name, title in [
        (Enterprise, "registry:enterprise_list", _("企业")),
        (Institution, "registry:institution_list", _("技术机构")),
        (Expert, "registry:expert_list", _("专家")),
        (RegulatorUnit, "registry:regulator_unit_list", _("监管单位")),
    ]:
        if reach(user, model, Action.VIEW) is not None:
            items.append(NavItem(title, reverse(url_name)))
    from nqihub.standards.models import Disclosure

    # Enterprise staff fill in their own declarations; a regulator reads those of its jurisdiction.
    if reach(user, Disclosure, Action.ADD) is not None:
        items.append(NavItem(_("我的标准声明"), reverse("standards:disclosure_list")))
    elif reach(user, Disclosure, Action.VIEW) is Reach.JURISDICTION:
        items.append(NavItem(_("辖区标准声明"), reverse("standards:disclosure_list")))
    from nqihub.review.models import ReviewBatch

    # Regulators review what is disclosed in their jurisdiction (batches); enterprises self-check per disclosure.
    if reach(user, ReviewBatch, Action.VIEW) is not None:
        items.append(NavItem(_("标准审查"), reverse("review:batch_list")))
    from nqihub.benchmarking.views import nav_items as benchmarking_nav_items

    items.extend(benchmarking_nav_items(user))
    from nqihub.benchmarking.campaign_views import nav_items as campaign_nav_items

    items.extend(campaign_nav_items(user))
    from nqihub.imports.views import importable_kinds

    if importable_kinds(user):  # an expert imports the advanced-standard database
        items.append(NavItem(_("数据导入"), reverse("imports:session_list")))
    if reach(user, AuditEvent, Action.VIEW) is not None:
        items.append(NavItem(_("审计日志"), reverse("core:audit_log")))
    return items

"""Standards: the catalogue of external standards, and enterprise self-declarations (企业标准自我声明公开).

A `Disclosure` is one standard an enterprise declares it executes, with its products and (for its own
standards) its indicators, text and signed commitment. Revising creates a new Disclosure that supersedes the
old one, so history is a chain of versions. `SearchEntry` is the denormalised row public search reads.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nqihub.core.models import Stamped
from nqihub.core.validators import validate_region_code


class StandardFamily(models.TextChoices):
    NATIONAL = "national", _("国家标准")
    INDUSTRY = "industry", _("行业标准")
    LOCAL = "local", _("地方标准")
    GROUP = "group", _("团体标准")
    ENTERPRISE = "enterprise", _("企业标准")
    METROLOGY = "metrology", _("计量技术法规")
    INTERNATIONAL = "international", _("国际标准")
    FOREIGN = "foreign", _("国外标准")


class StandardNature(models.TextChoices):
    MANDATORY = "mandatory", _("强制性")
    RECOMMENDED = "recommended", _("推荐性")
    GUIDANCE = "guidance", _("指导性技术文件")
    GROUP = "group", _("团体")
    ENTERPRISE = "enterprise", _("企业")


class CatalogueStatus(models.TextChoices):
    CURRENT = "current", _("现行")
    UPCOMING = "upcoming", _("即将实施")
    ABOLISHED = "abolished", _("废止")
    REPLACED = "replaced", _("被代替")


class AdoptionDegree(models.TextChoices):
    IDT = "IDT", _("等同采用")
    MOD = "MOD", _("修改采用")
    NEQ = "NEQ", _("非等效采用")


class CatalogueStandard(Stamped):
    """An external standard (national, industry, local, group, metrology, international, foreign) as the official
    catalogue lists it. Enterprises pick these; they never type them."""

    number = models.CharField(_("标准号"), max_length=80)
    normalized_number = models.CharField(_("规范化标准号"), max_length=80, unique=True)
    # code + number without the year, e.g. "GB/T 1.1": finds every edition of a standard.
    base_number = models.CharField(_("标准号(不含年代号)"), max_length=80, db_index=True)
    family = models.CharField(_("标准类别"), max_length=16, choices=StandardFamily.choices, db_index=True)
    nature = models.CharField(_("标准性质"), max_length=16, choices=StandardNature.choices, blank=True)
    title_zh = models.CharField(_("中文标准名称"), max_length=300)
    title_en = models.CharField(_("英文标准名称"), max_length=400, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=CatalogueStatus.choices, db_index=True)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    implemented_on = models.DateField(_("实施日期"), null=True, blank=True)
    abolished_on = models.DateField(_("废止日期"), null=True, blank=True)
    replaces_text = models.CharField(_("代替标准"), max_length=300, blank=True)
    replaced_by_text = models.CharField(_("被代替标准"), max_length=300, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("被代替为"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    ccs_code = models.CharField(_("中国标准分类号(CCS)"), max_length=16, blank=True)
    ics_code = models.CharField(_("国际标准分类号(ICS)"), max_length=32, blank=True)
    adoption_degree = models.CharField(
        _("采标程度"), max_length=3, choices=AdoptionDegree.choices, blank=True
    )
    adopted_number = models.CharField(_("采用的国际标准号"), max_length=120, blank=True)
    competent_dept = models.CharField(_("主管部门"), max_length=120, blank=True)
    responsible_tc = models.CharField(_("归口单位"), max_length=200, blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("标准目录")
        verbose_name_plural = _("标准目录")
        ordering = ["normalized_number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title_zh}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.status == CatalogueStatus.CURRENT


class DisclosureKind(models.TextChoices):
    EXTERNAL = "external", _("执行国家、行业、地方或团体标准")
    ENTERPRISE = "enterprise", _("执行企业标准")


class DisclosureState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DISCLOSED = "disclosed", _("现行有效")
    REVISED = "revised", _("已修订(被新版本代替)")
    ABOLISHED = "abolished", _("废止")


class CommitmentRole(models.TextChoices):
    """Who signs the commitment (承诺书): the legal representative or a person they authorised (DOMAIN.md §2)."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    AUTHORISED = "authorised", _("授权人")


class Disclosure(Stamped):
    """One standard an enterprise declares it executes (自我声明公开), in one version."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="disclosures"
    )
    # Denormalised from the enterprise for jurisdiction scoping and statistics.
    region_code = models.CharField(
        _("行政区划代码"), max_length=6, db_index=True, validators=[validate_region_code]
    )
    kind = models.CharField(_("标准类型"), max_length=16, choices=DisclosureKind.choices)
    catalogue_standard = models.ForeignKey(
        CatalogueStandard,
        verbose_name=_("标准目录中的标准"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    standard_number = models.CharField(_("标准编号"), max_length=80)
    normalized_number = models.CharField(_("规范化标准编号"), max_length=80, db_index=True)
    title = models.CharField(_("标准名称"), max_length=300)
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=DisclosureState.choices,
        default=DisclosureState.DRAFT,
        db_index=True,
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    # Own enterprise standards: the text (PDF/DOCX) or an indicator table, the 明示 statement, the commitment.
    document = models.FileField(_("标准文本"), upload_to="disclosures/%Y/%m/", blank=True)
    document_name = models.CharField(_("文件名"), max_length=255, blank=True)
    document_type = models.CharField(_("文件类型"), max_length=8, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    explicit_statement = models.TextField(
        _("明示说明"),
        blank=True,
        help_text=_("指标少于或低于推荐性国家标准时,须在此明示"),
    )
    commitment_signatory = models.CharField(_("承诺人"), max_length=64, blank=True)
    commitment_signatory_role = models.CharField(_("承诺人身份"), max_length=32, blank=True)
    committed_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    disclosed_at = models.DateTimeField(_("公开时间"), null=True, blank=True, db_index=True)
    abolished_at = models.DateTimeField(_("废止时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User",
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("标准自我声明")
        verbose_name_plural = _("标准自我声明")
        ordering = ["-disclosed_at", "-id"]
        indexes = [models.Index(fields=["state", "region_code"], name="disclosure_state_region")]

    def __str__(self) -> str:
        return f"{self.standard_number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("standards:disclosure_detail", args=[self.pk])

    @property
    def is_own_standard(self) -> bool:
        return self.kind == DisclosureKind.ENTERPRISE

    @property
    def family(self) -> str:
        """The standard's family: "enterprise" for an own standard, else the catalogue row's family."""
        if self.is_own_standard:
            return StandardFamily.ENTERPRISE
        return self.catalogue_standard.family if self.catalogue_standard_id else ""

    def get_family_display(self) -> str:
        return StandardFamily(self.family).label if self.family else ""


class Product(models.Model):
    """A product made to a disclosed standard (产品名称*, 型号*, 分类*, 规格, 条码, 通用名)."""

    disclosure = models.ForeignKey(
        Disclosure, verbose_name=_("标准声明"), on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(_("产品名称"), max_length=200)
    model = models.CharField(_("产品型号"), max_length=200)
    # A 4-level (小类) code of GB/T 4754-2017, the product classification the national platform uses.
    category_code = models.CharField(_("产品分类"), max_length=5, db_index=True)
    specification = models.CharField(_("产品规格"), max_length=200, blank=True)
    gtin = models.CharField(_("产品条码"), max_length=14, blank=True)
    common_name = models.CharField(_("产品通用名"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        ordering = ["disclosure", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.model}"


class Indicator(models.Model):
    """A functional or performance indicator of an own standard, with its test method (DOMAIN.md §2)."""

    disclosure = models.ForeignKey(
        Disclosure, verbose_name=_("标准声明"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("指标名称"), max_length=200)
    requirement = models.CharField(_("技术要求"), max_length=300)
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    test_method = models.CharField(_("检验方法"), max_length=300, blank=True)
    # What the requirement engine made of the text: kind, bounds, unit (nqihub.engines.requirements).
    parsed = models.JSONField(_("解析结果"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("技术指标")
        verbose_name_plural = _("技术指标")
        ordering = ["disclosure", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.requirement}"


# Public search keeps its own index model in models_search.py (one room for search); the numeric bounds of the
# indicators of the standards in force, which rankings read, are in models_values.py.
from .models_search import *  # noqa: E402, F403
from .models_values import *  # noqa: E402, F403

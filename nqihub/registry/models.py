"""The organisations the platform knows: enterprises, service institutions, experts and regulator units."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nqihub.core.validators import validate_industry_code, validate_region_code, validate_uscc


class EnterpriseScale(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class CreditRiskGrade(models.TextChoices):
    # 信用风险分类 A (low) – D (high): drives the spot-check ratio since 2023.
    A = "A", _("A类(信用风险低)")
    B = "B", _("B类(信用风险一般)")
    C = "C", _("C类(信用风险较高)")
    D = "D", _("D类(信用风险高)")


class InstitutionKind(models.TextChoices):
    METROLOGY = "metrology", _("计量")
    TESTING = "testing", _("检验检测")
    CERTIFICATION = "certification", _("认证认可")
    STANDARDISATION = "standardisation", _("标准化")
    IP = "ip", _("知识产权")
    LEGAL = "legal", _("法律")
    OTHER = "other", _("其他")


class Organisation(models.Model):
    """What every regulated row carries: a denormalised GB/T 2260 region code for jurisdiction, and the demo mark."""

    region_code = models.CharField(
        _("行政区划代码"), max_length=6, db_index=True, validators=[validate_region_code]
    )
    is_demo = models.BooleanField(_("示例数据"), default=False, help_text=_("由 nqihub demo 生成的示例数据"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Enterprise(Organisation):
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    industry_code = models.CharField(
        _("行业代码"), max_length=5, blank=True, db_index=True, validators=[validate_industry_code]
    )
    scale = models.CharField(_("企业规模"), max_length=8, choices=EnterpriseScale.choices, blank=True)
    credit_risk_grade = models.CharField(
        _("信用风险分类"), max_length=1, choices=CreditRiskGrade.choices, blank=True, db_index=True
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:enterprise_detail", args=[self.pk])


class Institution(Organisation):
    name = models.CharField(_("机构名称"), max_length=200, db_index=True)
    # Some institutions (public institutions 事业单位) are registered under a USCC too; optional here.
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, validators=[validate_uscc]
    )
    kind = models.CharField(_("机构类型"), max_length=16, choices=InstitutionKind.choices)
    cma_number = models.CharField(_("CMA资质认定证书编号"), max_length=32, blank=True)
    cnas_number = models.CharField(_("CNAS认可证书编号"), max_length=32, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("技术机构")
        verbose_name_plural = _("技术机构")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "region_code"], name="institution_name_region_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:institution_detail", args=[self.pk])


class Expert(Organisation):
    name = models.CharField(_("姓名"), max_length=64, db_index=True)
    title = models.CharField(_("职称"), max_length=64, blank=True)
    specialties = models.CharField(_("专业领域"), max_length=255, help_text=_("多个领域以顿号或逗号分隔"))
    # Affiliation as typed, and as a link where the organisation is known: spot-check draws avoid
    # inspectors from the inspected enterprise or an institution it works with (回避).
    affiliation = models.CharField(_("工作单位"), max_length=200)
    affiliation_enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所在企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experts",
    )
    affiliation_institution = models.ForeignKey(
        Institution,
        verbose_name=_("所在机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experts",
    )
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "affiliation"], name="expert_name_affiliation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.affiliation})"

    def get_absolute_url(self) -> str:
        return reverse("registry:expert_detail", args=[self.pk])

    @property
    def specialty_list(self) -> list[str]:
        return [
            s
            for s in (p.strip() for p in self.specialties.replace("、", ",").replace("，", ",").split(","))
            if s
        ]


class RegulatorUnit(Organisation):
    """A market-regulation bureau (市场监督管理局) or one of its branches, bound to the region it supervises."""

    name = models.CharField(_("单位名称"), max_length=200)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("监管单位")
        verbose_name_plural = _("监管单位")
        ordering = ["region_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "region_code"], name="regulator_name_region_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:regulator_unit_detail", args=[self.pk])

"""Reference data (regions, classifications), users with roles, and the audit log."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stamped(models.Model):
    """The three columns most records carry: marked as demo data (示例, shown wherever the row shows), and when
    it was created and last changed (updated_at is also the version an editor saw: records.update_record)."""

    is_demo = models.BooleanField(_("示例数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地级")
    COUNTY = "county", _("县级")


class Region(models.Model):
    """A GB/T 2260 administrative division as it stood between start_year and end_year.

    A code can be reused (450311 was 市郊区 1984–1996 and is 雁山区 since), so a row is one (code, start_year).
    """

    code = models.CharField(_("行政区划代码"), max_length=6, db_index=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=RegionLevel.choices)
    parent_code = models.CharField(_("上级代码"), max_length=6, blank=True)
    path = models.CharField(_("全称"), max_length=128)
    is_active = models.BooleanField(_("现行"), default=False, db_index=True)
    status = models.CharField(_("状态"), max_length=16)
    start_year = models.PositiveSmallIntegerField(_("启用年份"))
    end_year = models.PositiveSmallIntegerField(_("停用年份"), null=True, blank=True)
    successor_codes = models.CharField(_("新代码"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code", "start_year"]
        constraints = [
            models.UniqueConstraint(fields=["code", "start_year"], name="region_code_start_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegionChange(models.Model):
    """One recorded change of a division code (created, renamed, remapped, retired …), as the source lists it."""

    change_type = models.CharField(_("变更类型"), max_length=16, db_index=True)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    code = models.CharField(_("代码"), max_length=6, db_index=True)
    name = models.CharField(_("名称"), max_length=64)
    old_name = models.CharField(_("原名称"), max_length=64, blank=True)
    new_name = models.CharField(_("新名称"), max_length=64, blank=True)
    new_code = models.CharField(_("新代码"), max_length=255, blank=True)
    source = models.CharField(_("来源"), max_length=32)

    class Meta:
        verbose_name = _("区划变更")
        verbose_name_plural = _("区划变更")
        ordering = ["code", "year"]

    def __str__(self) -> str:
        return f"{self.year or ''} {self.code} {self.name} {self.change_type}"


class ClassificationNode(models.Model):
    """A node of a hierarchical code list; the concrete lists differ only in their names."""

    code = models.CharField(_("代码"), max_length=16, primary_key=True)
    name = models.CharField(_("名称"), max_length=200)
    level = models.PositiveSmallIntegerField(_("层级"))
    parent_code = models.CharField(_("上级代码"), max_length=16, blank=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Industry(ClassificationNode):
    """GB/T 4754-2017 国民经济行业分类: 门类 (letter) → 大类 → 中类 → 小类."""

    section = models.CharField(_("门类"), max_length=1)

    class Meta(ClassificationNode.Meta):
        verbose_name = _("国民经济行业分类")
        verbose_name_plural = _("国民经济行业分类")


class CCSCategory(ClassificationNode):
    """中国标准文献分类 (CCS): 一级类目 A–Z → 二级 (A00/09) → 三级 (A00)."""

    note = models.TextField(_("注释"), blank=True)

    class Meta(ClassificationNode.Meta):
        verbose_name = _("中国标准文献分类")
        verbose_name_plural = _("中国标准文献分类")


class ICSCode(ClassificationNode):
    """International Classification for Standards, from ISO Open Data (ODC-By 1.0)."""

    title_fr = models.CharField(_("法文名称"), max_length=300, blank=True)
    scope = models.TextField(_("范围"), blank=True)

    class Meta(ClassificationNode.Meta):
        verbose_name = _("国际标准分类 (ICS)")
        verbose_name_plural = _("国际标准分类 (ICS)")


class ReferenceDataset(models.Model):
    """What `nqihub load-reference` loaded: which file, its checksum, how many rows, from where, under which licence."""

    name = models.CharField(_("数据集"), max_length=64, unique=True)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("行数"))
    source = models.TextField(_("来源"))
    licence = models.CharField(_("许可"), max_length=128)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("参考数据集")
        verbose_name_plural = _("参考数据集")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业用户")
    INSTITUTION = "institution", _("技术机构用户")
    EXPERT = "expert", _("专家")
    REGULATOR = "regulator", _("监管人员")
    ADMIN = "admin", _("平台管理员")
    AUDITOR = "auditor", _("审计员")


class User(AbstractUser):
    """An account. The public (公众) uses the platform without one; every other role logs in."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机号码"), max_length=32, blank=True)
    # A regulator's jurisdiction: the GB/T 2260 code of its bureau (450300 sees every code starting 4503).
    region_code = models.CharField(_("管辖区划代码"), max_length=6, blank=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    expert = models.OneToOneField(
        "registry.Expert",
        verbose_name=_("专家档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        required = {
            Role.REGULATOR: ("region_code", _("监管人员必须绑定管辖区划")),
            Role.ENTERPRISE: ("enterprise", _("企业用户必须绑定所属企业")),
            Role.INSTITUTION: ("institution", _("技术机构用户必须绑定所属机构")),
            Role.EXPERT: ("expert", _("专家用户必须绑定专家档案")),
        }
        if self.role in required:
            field, message = required[self.role]
            if not getattr(self, field if field == "region_code" else f"{field}_id"):
                raise ValidationError({field: message})


class AuditEventQuerySet(models.QuerySet):
    """Bulk update and delete would bypass the model's refusal, so the queryset refuses them too."""

    def update(self, **kwargs):
        raise PermissionError("audit events are append-only")

    def delete(self):
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """One write, as a service function recorded it. Append-only: the database refuses UPDATE (and DELETE on
    PostgreSQL) through triggers, and the model refuses both."""

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # No foreign-key constraint: the log must outlive the accounts and objects it names.
    actor = models.ForeignKey(
        User,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    actor_role = models.CharField(_("操作人角色"), max_length=16, blank=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=6, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")

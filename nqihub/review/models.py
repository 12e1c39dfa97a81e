"""Automated review of standards (DOMAIN.md §3–4): mandatory limit tables, confirmed indicator alignments,
reviews with their findings, and regulators' batch reviews."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nqihub.core.models import Stamped


class LimitTable(Stamped):
    """The requirements a (usually mandatory) standard sets per indicator and product category or class, e.g.
    GB 3838-2002 Table 1 by water-quality class Ⅰ–Ⅴ. Check C3 compares enterprise indicators with these."""

    standard_number = models.CharField(_("标准号"), max_length=80)
    normalized_number = models.CharField(_("规范化标准号"), max_length=80, unique=True)
    title = models.CharField(_("标准名称"), max_length=300)
    catalogue_standard = models.ForeignKey(
        "standards.CatalogueStandard",
        verbose_name=_("标准目录中的标准"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="limit_tables",
    )
    # GB/T 4754 codes (prefixes) of the products the table applies to; empty: decided per category below.
    industry_codes = models.CharField(_("适用行业代码"), max_length=200, blank=True)
    source = models.TextField(_("数据来源"))

    class Meta:
        verbose_name = _("限量指标表")
        verbose_name_plural = _("限量指标表")
        ordering = ["normalized_number"]

    def __str__(self) -> str:
        return f"{self.standard_number} {self.title}"


class LimitRequirement(models.Model):
    """One row of a limit table: an indicator's requirement for one category or class.

    An empty category applies to every category of the table (GB 3838 pH 6～9 holds for classes Ⅰ–Ⅴ); a
    condition narrows the row inside its category (GB 3838 总磷 has its own limits for 湖、库)."""

    table = models.ForeignKey(LimitTable, on_delete=models.CASCADE, related_name="requirements")
    indicator = models.CharField(_("指标"), max_length=200)
    # review.limits.indicator_key(indicator), one key for every spelling of an indicator (铅(以Pb计), Pb):
    # with table, category and condition the row's natural key
    indicator_key = models.CharField(max_length=200, db_index=True, editable=False, blank=True, default="")
    category = models.CharField(_("类别"), max_length=100, blank=True)
    condition = models.CharField(_("适用条件"), max_length=100, blank=True)
    requirement = models.CharField(_("要求"), max_length=300)
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    parsed = models.JSONField(_("解析结果"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("限量要求")
        verbose_name_plural = _("限量要求")
        ordering = ["table", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "indicator_key", "category", "condition"],
                name="limit_requirement_key_unique",
            )
        ]

    def __str__(self) -> str:
        return " ".join(p for p in (self.indicator, self.category, self.condition, self.requirement) if p)

    # The importer reads and exports a row together with its table's number and title.
    @property
    def standard_number(self) -> str:
        return self.table.standard_number if self.table_id else ""

    @property
    def standard_title(self) -> str:
        return self.table.title if self.table_id else ""


class ConfirmedAlignment(models.Model):
    """A person confirmed (or rejected) that two indicator names mean the same indicator; reused next time."""

    name_a = models.CharField(_("指标名称A"), max_length=200)
    name_b = models.CharField(_("指标名称B"), max_length=200)
    key_a = models.CharField(max_length=200, db_index=True)  # normalised forms (nqihub.engines.alignment)
    key_b = models.CharField(max_length=200, db_index=True)
    same = models.BooleanField(_("是同一指标"), default=True)
    confirmed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), auto_now=True)

    class Meta:
        verbose_name = _("已确认的指标对应")
        verbose_name_plural = _("已确认的指标对应")
        constraints = [models.UniqueConstraint(fields=["key_a", "key_b"], name="alignment_keys_unique")]

    def __str__(self) -> str:
        return f"{self.name_a} {'=' if self.same else '≠'} {self.name_b}"


class Outcome(models.TextChoices):
    CONFORMING = "conforming", _("符合")
    MINOR = "minor", _("符合但有瑕疵")
    NONCONFORMING = "nonconforming", _("不符合")


class Disposition(models.TextChoices):
    NONE = "", _("无需处置")
    RECTIFY = "rectify", _("责令限期整改")
    GUIDE = "guide", _("指导修改")


class ReviewBatch(models.Model):
    """A regulator's batch review of everything disclosed in a jurisdiction, run as a background task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("审查中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    region_code = models.CharField(_("行政区划代码"), max_length=6, db_index=True)
    requested_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("待审查数"), default=0)
    done = models.PositiveIntegerField(_("已审查数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量审查")
        verbose_name_plural = _("批量审查")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.region_code} {self.created_at:%Y-%m-%d %H:%M}"


class Review(models.Model):
    """One review of one disclosure version (or of an uploaded document), with its outcome."""

    disclosure = models.ForeignKey(
        "standards.Disclosure",
        verbose_name=_("标准声明"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    region_code = models.CharField(_("行政区划代码"), max_length=6, blank=True, db_index=True)
    batch = models.ForeignKey(
        ReviewBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    self_check = models.BooleanField(_("企业自查"), default=False)
    document_name = models.CharField(_("文件名"), max_length=255, blank=True)
    outcome = models.CharField(_("结论"), max_length=16, choices=Outcome.choices)
    disposition = models.CharField(_("处置"), max_length=16, choices=Disposition.choices, blank=True)
    checked_on = models.DateField(_("审查基准日"))
    references = models.JSONField(_("规范性引用"), default=list)
    indicators = models.JSONField(_("指标"), default=list)
    requested_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("示例数据"), default=False)
    created_at = models.DateTimeField(_("审查时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审查结果")
        verbose_name_plural = _("审查结果")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_name or self.disclosure} {self.get_outcome_display()}"

    def get_absolute_url(self) -> str:
        return reverse("review:detail", args=[self.pk])


class Dimension(models.TextChoices):
    LEGALITY = "legality", _("合法性")
    COMPLETENESS = "completeness", _("完整性")
    FORM = "form", _("规范性")


class Severity(models.TextChoices):
    MAJOR = "major", _("严重")
    MINOR = "minor", _("一般")
    INFO = "info", _("提示")


class Finding(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="findings")
    check_id = models.CharField(_("检查项"), max_length=4)  # C1 … C8 (DOMAIN.md §3)
    dimension = models.CharField(_("维度"), max_length=16, choices=Dimension.choices)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    message = models.TextField(_("问题"))
    message_en = models.TextField(_("问题(英文)"), blank=True)
    location = models.CharField(_("位置"), max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("审查发现")
        verbose_name_plural = _("审查发现")
        ordering = ["review", "check_id", "id"]

    def __str__(self) -> str:
        return f"{self.check_id} {self.message}"

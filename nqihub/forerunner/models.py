"""Enterprise standard forerunners (企业标准"领跑者", DOMAIN.md §6).

A `KeyArea` is one year's key area (重点领域) with its product categories. A third-party evaluator (an institution
of kind 标准化 or 认证认可) files an `EvaluationScheme` (评估方案) for one product category, with 基础 / 核心 /
创新 `SchemeIndicator`s; core indicators carry tier bounds. A `RankingRun` ranks every disclosed standard of the
category (`RankingEntry` per candidate); the shortlisted ones become `ShortlistEntry`s that move through
commitment (`EntryDocument`s) → public notice (`Notice`, with `Objection`s) → the published `ForerunnerList`,
valid for a period (then 已过有效期, by `nqihub forerunner-expire`), and leave it again when their standard is
abolished, revised below its tier or reviewed 不符合; a revision not yet reviewed holds the entry 待复核.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nqihub.core.models import Stamped


class KeyArea(Stamped):
    """A year's key area: the product categories (GB/T 4754-2017 小类) in which forerunners are evaluated."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    name = models.CharField(_("重点领域"), max_length=200)
    # Comma-separated 4-digit codes of GB/T 4754-2017 (e.g. "3074,1353").
    category_codes = models.CharField(_("产品分类"), max_length=200)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("领跑者重点领域")
        verbose_name_plural = _("领跑者重点领域")
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["year", "name"], name="forerunner_key_area_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("forerunner:key_area_detail", args=[self.pk])

    @property
    def categories(self) -> list[str]:
        return [c.strip() for c in self.category_codes.replace("，", ",").split(",") if c.strip()]


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class EvaluationScheme(Stamped):
    """评估方案: what an evaluator ranks in one product category, and how the shortlist is chosen."""

    key_area = models.ForeignKey(
        KeyArea, verbose_name=_("重点领域"), on_delete=models.PROTECT, related_name="schemes"
    )
    evaluator = models.ForeignKey(
        "registry.Institution", verbose_name=_("评估机构"), on_delete=models.PROTECT, related_name="schemes"
    )
    # Denormalised from the evaluator, like every regulated row.
    region_code = models.CharField(_("行政区划代码"), max_length=6, db_index=True)
    title = models.CharField(_("方案名称"), max_length=200)
    category_code = models.CharField(_("产品分类"), max_length=5, db_index=True)
    product_standard = models.CharField(
        _("产品标准"), max_length=200, blank=True, help_text=_("核心指标应覆盖其全部可量化指标")
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=SchemeState.choices, default=SchemeState.DRAFT, db_index=True
    )
    weight_comprehensiveness = models.DecimalField(
        _("全面性权重"), max_digits=5, decimal_places=2, default=20
    )
    weight_advancedness = models.DecimalField(_("先进性权重"), max_digits=5, decimal_places=2, default=60)
    weight_conformity = models.DecimalField(_("规范性权重"), max_digits=5, decimal_places=2, default=20)
    top_n = models.PositiveSmallIntegerField(_("入围名额(前 N 名)"), null=True, blank=True)
    threshold = models.DecimalField(_("入围分数线"), max_digits=5, decimal_places=2, null=True, blank=True)
    validity_months = models.PositiveSmallIntegerField(_("名单有效期(月)"), default=12)
    notice_days = models.PositiveSmallIntegerField(_("公示期(天)"), default=10)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User",
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("领跑者评估方案")
        verbose_name_plural = _("领跑者评估方案")
        ordering = ["-key_area__year", "title", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.state == SchemeState.PUBLISHED:
            return reverse("forerunner:scheme_detail", args=[self.pk])
        return reverse("forerunner:scheme_manage", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.state == SchemeState.PUBLISHED

    @property
    def selection_text(self) -> str:
        if self.top_n is not None:
            return _("综合得分前 %(n)d 名(并列者同时入围)") % {"n": self.top_n}
        if self.threshold is not None:
            return _("综合得分不低于 %(t)s 分") % {"t": self.threshold.normalize()}
        return "—"


class IndicatorRole(models.TextChoices):
    BASIC = "basic", _("基础指标")
    CORE = "core", _("核心指标")
    INNOVATION = "innovation", _("创新指标")


class Direction(models.TextChoices):
    LOWER = "lower", _("越低越好")
    HIGHER = "higher", _("越高越好")


class SchemeIndicator(models.Model):
    """An indicator of a scheme. Core indicators are quantifiable and carry tiers, lowest first:
    [{"name": "先进", "bound": "0.5"}, …], bounds in `unit`, met when at least as good as the bound."""

    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="indicators")
    role = models.CharField(_("指标类别"), max_length=16, choices=IndicatorRole.choices)
    name = models.CharField(_("指标名称"), max_length=200)
    requirement = models.CharField(
        _("国家/行业标准要求"), max_length=300, blank=True, help_text=_("如 ≤0.8 mg/L;最低档不得低于此要求")
    )
    requirement_source = models.CharField(_("要求依据"), max_length=120, blank=True)
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, blank=True)
    tiers = models.JSONField(_("档位"), default=list, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, default=1)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["scheme", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"

    @property
    def is_core(self) -> bool:
        return self.role == IndicatorRole.CORE

    @property
    def direction_label(self) -> str:
        """越低越好 / 越高越好: as set, or as the requirement says (a maximum: lower is better)."""
        if self.direction:
            return self.get_direction_display()
        from nqihub.engines.requirements import parse_requirement

        kind = parse_requirement(self.requirement or "").kind
        return {"max": Direction.LOWER.label, "min": Direction.HIGHER.label}.get(kind or "", "")


class RankingRun(models.Model):
    """One computation of a scheme's rankings over every disclosed standard of its product category."""

    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="runs")
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now, db_index=True)
    computed_by = models.ForeignKey(
        "core.User",
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    candidates = models.PositiveIntegerField(_("参评标准数"), default=0)
    eligible = models.PositiveIntegerField(_("符合入榜条件数"), default=0)
    tiered = models.PositiveIntegerField(_("进入档位数"), default=0)
    shortlisted = models.PositiveIntegerField(_("入围数"), default=0)
    # Per core indicator: id, name, unit, direction, ranked, reason, tiers [{level, name, bound, text, count}],
    # below, failing, missing (counts) — what the public ranking page shows without reading every entry.
    indicators = models.JSONField(_("单指标排行"), default=list)
    duration_ms = models.PositiveIntegerField(_("计算耗时(毫秒)"), default=0)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("领跑者排行")
        verbose_name_plural = _("领跑者排行")
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme} {timezone.localtime(self.computed_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("forerunner:ranking_detail", args=[self.pk])


class RankingEntry(models.Model):
    """One disclosed standard in a ranking run: eligible or why not, its tier per core indicator, its composite."""

    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="entries")
    disclosure = models.ForeignKey(
        "standards.Disclosure", verbose_name=_("标准声明"), on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised so that a ranking of 100 000 standards is read and exported without joins.
    enterprise_name = models.CharField(_("企业"), max_length=200)
    standard_number = models.CharField(_("标准编号"), max_length=80)
    title = models.CharField(_("标准名称"), max_length=300)
    eligible = models.BooleanField(_("符合入榜条件"), default=False)
    exclusion = models.CharField(_("未入榜原因"), max_length=200, blank=True)
    values = models.JSONField(_("披露值"), default=dict)  # core indicator id → value in its unit
    levels = models.JSONField(_("档位"), default=dict)  # core indicator id → tier level (0: not tiered)
    comprehensiveness = models.FloatField(_("全面性"), default=0)
    advancedness = models.FloatField(_("先进性"), default=0)
    conformity = models.FloatField(pgettext_lazy("forerunner composite", "规范性"), default=0)
    score = models.FloatField(_("综合得分"), default=0, db_index=True)
    position = models.PositiveIntegerField(_("综合排序"), null=True, blank=True)
    shortlisted = models.BooleanField(_("入围"), default=False)

    class Meta:
        verbose_name = _("排行条目")
        verbose_name_plural = _("排行条目")
        ordering = ["run", "position", "id"]
        indexes = [models.Index(fields=["run", "eligible", "position"], name="forerunner_entry_order")]

    def __str__(self) -> str:
        return f"{self.standard_number} {self.title}"


class EntryState(models.TextChoices):
    SHORTLISTED = "shortlisted", _("入围,待提交承诺")
    COMMITTED = "committed", _("已提交承诺书和证明材料")
    IN_NOTICE = "in_notice", _("公示中")
    PASSED = "passed", _("公示无异议")
    LISTED = "listed", _("已列入领跑者名单")
    REJECTED = "rejected", _("未通过")
    REMOVED = "removed", _("已移出")
    EXPIRED = "expired", _("已过有效期")


ACTIVE_STATES = (
    EntryState.SHORTLISTED,
    EntryState.COMMITTED,
    EntryState.IN_NOTICE,
    EntryState.PASSED,
    EntryState.LISTED,
)
PUBLIC_STATES = (
    EntryState.IN_NOTICE,
    EntryState.PASSED,
    EntryState.LISTED,
    EntryState.REJECTED,
    EntryState.REMOVED,
    EntryState.EXPIRED,
)


class Notice(models.Model):
    """A public notice period (公示) of a scheme's committed entries; anyone may object while it is open."""

    class State(models.TextChoices):
        OPEN = "open", _("公示中")
        CLOSED = "closed", _("公示结束")

    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="notices")
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示截止日期"))
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("领跑者公示")
        verbose_name_plural = _("领跑者公示")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme} {self.starts_on}～{self.ends_on}"

    def get_absolute_url(self) -> str:
        return reverse("forerunner:notice_detail", args=[self.pk])

    def accepts_objections(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state == self.State.OPEN and self.starts_on <= today <= self.ends_on


class ForerunnerList(models.Model):
    """领跑者名单: the entries that passed their notice, published with a validity period."""

    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="lists")
    title = models.CharField(_("名单名称"), max_length=200)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"))
    published_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by `services.expire_lists` (the daily `nqihub forerunner-expire`) once the validity is over.
    expired_at = models.DateTimeField(_("到期处理时间"), null=True, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("领跑者名单")
        verbose_name_plural = _("领跑者名单")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forerunner:list_detail", args=[self.pk])

    def is_valid_on(self, day=None) -> bool:
        """Within its validity; computed from the dates, so it holds before the expiry command has run too."""
        day = day or timezone.localdate()
        return self.expired_at is None and self.valid_from <= day <= self.valid_until


class ShortlistEntry(models.Model):
    """A shortlisted standard (入围) and its way to the list: commitment, notice, listing, removal."""

    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="entries")
    run = models.ForeignKey(RankingRun, on_delete=models.PROTECT, related_name="shortlist")
    disclosure = models.ForeignKey(
        "standards.Disclosure",
        verbose_name=_("标准声明"),
        on_delete=models.PROTECT,
        related_name="forerunner_entries",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="forerunner_entries",
    )
    region_code = models.CharField(_("行政区划代码"), max_length=6, db_index=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=EntryState.choices, default=EntryState.SHORTLISTED, db_index=True
    )
    score = models.FloatField(_("综合得分"))
    levels = models.JSONField(_("档位"), default=dict)  # core indicator id → tier level when shortlisted
    committed_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    notice = models.ForeignKey(
        Notice,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
        verbose_name=_("公示"),
    )
    listing = models.ForeignKey(
        ForerunnerList,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
        verbose_name=_("名单"),
    )
    listed_at = models.DateTimeField(_("列入名单时间"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    # Set when the standard was revised and the revision has no review yet (待复核): the entry keeps its state
    # but does not count as listed, and goes into no notice or list, until a review of the revision decides.
    recheck_since = models.DateTimeField(_("待复核起始时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("移出/未通过时间"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)
    created_at = models.DateTimeField(_("入围时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("领跑者入围")
        verbose_name_plural = _("领跑者入围")
        ordering = ["scheme", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "disclosure"], name="forerunner_entry_once_per_scheme")
        ]

    def __str__(self) -> str:
        return f"{self.disclosure.standard_number} {self.enterprise.name}"

    def get_absolute_url(self) -> str:
        return reverse("forerunner:entry_detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        """Listed, within the list's validity and not waiting for the review of a revision."""
        return self.state_on() == EntryState.LISTED and not self.pending_recheck

    @property
    def pending_recheck(self) -> bool:
        """待复核: its standard was revised and the revision is not reviewed yet."""
        return self.recheck_since is not None

    def state_on(self, day=None) -> str:
        """The state as of `day`: a listed entry past its validity is 已过有效期 even before the expiry command
        (`nqihub forerunner-expire`) has stored that."""
        day = day or timezone.localdate()
        if self.state == EntryState.LISTED and self.valid_until is not None and day > self.valid_until:
            return EntryState.EXPIRED
        return self.state

    @property
    def shown_state(self) -> str:
        return self.state_on()

    @property
    def shown_state_display(self) -> str:
        return str(EntryState(self.state_on()).label)


class DocumentKind(models.TextChoices):
    COMMITMENT = "commitment", _("承诺书")
    EVIDENCE = "evidence", _("证明材料")


class EntryDocument(models.Model):
    """A commitment letter (承诺书) or a piece of evidence (e.g. a test report), PDF or DOCX checked by content."""

    entry = models.ForeignKey(ShortlistEntry, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("材料类型"), max_length=16, choices=DocumentKind.choices)
    file = models.FileField(_("文件"), upload_to="forerunner/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=255)
    file_type = models.CharField(_("文件类型"), max_length=8)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("入围材料")
        verbose_name_plural = _("入围材料")
        ordering = ["entry", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("forerunner:document_download", args=[self.pk])


class Objection(models.Model):
    """异议: anyone may object to an entry during its notice, leaving a contact; the evaluator resolves it."""

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    entry = models.ForeignKey(ShortlistEntry, on_delete=models.CASCADE, related_name="objections")
    name = models.CharField(_("异议人"), max_length=64)
    contact = models.CharField(_("联系方式"), max_length=100)
    reason = models.TextField(_("异议内容"))
    state = models.CharField(_("处理结果"), max_length=16, choices=State.choices, default=State.OPEN)
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["notice", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.entry} {self.get_state_display()}"

"""Benchmarking (百城千业万企对标达标, DOMAIN.md §5): the database of international and advanced standards with
their indicators, benchmark schemes (对标技术方案) of technical committees and expert groups, and enterprises'
benchmark results (对标结果) with one item per compared indicator, later verified (达标) by test report."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nqihub.core.models import Stamped
from nqihub.core.validators import validate_region_code

from .engine import BENCHMARK_CLASSES, LEVELS, VERDICTS


class BenchmarkClass(models.TextChoices):
    INTERNATIONAL = "international", _("国际标准")
    FOREIGN_ADVANCED = "foreign_advanced", _("国外先进标准")
    DOMESTIC_ADVANCED = "domestic_advanced", _("国内先进标准")


class Level(models.TextChoices):
    INTERNATIONAL = "international_advanced", _("达到国际先进水平")
    DOMESTIC = "domestic_advanced", _("达到国内先进水平")
    NOT_REACHED = "not_reached", _("未达到")


class Verdict(models.TextChoices):
    BETTER = "better", _("优于")
    EQUAL = "equal", _("等同")
    WORSE = "worse", _("低于")
    INCOMPARABLE = "incomparable", _("不可比")
    MISSING = "missing", _("缺项")


# The engine and the models speak the same codes.
assert set(BenchmarkClass.values) == set(BENCHMARK_CLASSES)
assert set(Level.values) == set(LEVELS)
assert set(Verdict.values) == set(VERDICTS)


class AdvancedStandard(Stamped):
    """An international, foreign advanced or domestic advanced standard (国际先进标准数据库)."""

    number = models.CharField(_("标准号"), max_length=120)
    normalized_number = models.CharField(_("规范化标准号"), max_length=120, unique=True)
    benchmark_class = models.CharField(
        _("类别"), max_length=20, choices=BenchmarkClass.choices, db_index=True
    )
    title = models.CharField(_("标准名称"), max_length=300)
    title_en = models.CharField(_("英文名称"), max_length=400, blank=True)
    ics_code = models.CharField(_("国际标准分类号(ICS)"), max_length=64, blank=True, db_index=True)
    product = models.CharField(_("适用产品"), max_length=200, blank=True)
    # GB/T 4754-2017 codes (any level, comma separated) of the products the standard applies to.
    category_codes = models.CharField(_("适用产品分类"), max_length=200, blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        "core.User",
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("国际先进标准")
        verbose_name_plural = _("国际先进标准")
        ordering = ["benchmark_class", "normalized_number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("benchmarking:standard_detail", args=[self.pk])

    @property
    def category_list(self) -> list[str]:
        return [c for c in (p.strip() for p in self.category_codes.split(",")) if c]


class AdvancedIndicator(models.Model):
    """One indicator of an advanced standard, with the requirement engine's reading of it."""

    standard = models.ForeignKey(
        AdvancedStandard, verbose_name=_("标准"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("指标"), max_length=200)
    # nqihub.engines.alignment's normalised name: 铅(以Pb计) and 铅 are one row of a standard
    name_key = models.CharField(max_length=200, db_index=True, editable=False, blank=True, default="")
    requirement = models.CharField(_("要求"), max_length=300)
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    core = models.BooleanField(_("核心指标"), default=False)
    parsed = models.JSONField(_("解析结果"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("国际先进标准指标")
        verbose_name_plural = _("国际先进标准指标")
        ordering = ["standard", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "name_key"], name="advanced_indicator_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.requirement}{self.unit and ' ' + self.unit}"

    def get_absolute_url(self) -> str:
        return self.standard.get_absolute_url()

    # The standard's columns, as the import file and its export show them on every indicator row.
    @property
    def standard_number(self) -> str:
        return self.standard.number if self.standard_id else ""

    @property
    def standard_title(self) -> str:
        return self.standard.title if self.standard_id else ""

    @property
    def benchmark_class(self) -> str:
        return self.standard.benchmark_class if self.standard_id else ""

    @property
    def ics_code(self) -> str:
        return self.standard.ics_code if self.standard_id else ""

    @property
    def category_codes(self) -> str:
        return self.standard.category_codes if self.standard_id else ""

    @property
    def product(self) -> str:
        return self.standard.product if self.standard_id else ""

    @property
    def source(self) -> str:
        return self.standard.source if self.standard_id else ""


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CONSULTATION = "consultation", _("征求意见")
    PUBLISHED = "published", _("已发布")


class BenchmarkScheme(Stamped):
    """对标技术方案: for one product, the benchmark standards by class and the indicators to compare."""

    title = models.CharField(_("方案名称"), max_length=200)
    product = models.CharField(_("产品"), max_length=200)
    # a GB/T 4754-2017 code (any level) the product belongs to; enterprises' products are matched by prefix
    category_code = models.CharField(_("产品分类"), max_length=5, db_index=True)
    committee = models.CharField(_("编制单位(技术委员会或专家组)"), max_length=200)
    summary = models.TextField(_("方案说明"), blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=SchemeState.choices, default=SchemeState.DRAFT, db_index=True
    )
    standards = models.ManyToManyField(
        AdvancedStandard, through="SchemeStandard", related_name="schemes", verbose_name=_("对标标准")
    )
    # Level rules of this scheme (merged over settings.BENCHMARK_LEVEL_RULES and the engine's defaults).
    rules = models.JSONField(_("达标判定规则"), null=True, blank=True)
    authored_by = models.ForeignKey(
        "core.User", verbose_name=_("编制人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    consultation_at = models.DateTimeField(_("征求意见时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("对标技术方案")
        verbose_name_plural = _("对标技术方案")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("benchmarking:scheme_detail", args=[self.pk])


class SchemeStandard(models.Model):
    """A benchmark standard of a scheme, in the class the scheme uses it as."""

    scheme = models.ForeignKey(BenchmarkScheme, on_delete=models.CASCADE, related_name="scheme_standards")
    standard = models.ForeignKey(
        AdvancedStandard, verbose_name=_("对标标准"), on_delete=models.PROTECT, related_name="+"
    )
    benchmark_class = models.CharField(_("类别"), max_length=20, choices=BenchmarkClass.choices)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("方案对标标准")
        verbose_name_plural = _("方案对标标准")
        ordering = ["scheme", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "standard"], name="scheme_standard_unique")]

    def __str__(self) -> str:
        return f"{self.standard.number}({self.get_benchmark_class_display()})"


class SchemeIndicator(models.Model):
    """An indicator the scheme compares; core indicators decide the level."""

    scheme = models.ForeignKey(BenchmarkScheme, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("指标"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, blank=True, default="")
    core = models.BooleanField(_("核心指标"), default=False)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("方案比对指标")
        verbose_name_plural = _("方案比对指标")
        ordering = ["scheme", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name_key"], name="scheme_indicator_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ResultState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    VERIFIED = "verified", _("已达标验证")


class BenchmarkResult(Stamped):
    """One enterprise's benchmarking of one disclosed standard (对标结果), with its level and, later, its
    verification (达标) by an institution or a regulator on a test report."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="benchmark_results",
    )
    region_code = models.CharField(
        _("行政区划代码"), max_length=6, db_index=True, validators=[validate_region_code]
    )
    disclosure = models.ForeignKey(
        "standards.Disclosure",
        verbose_name=_("企业执行的标准"),
        on_delete=models.PROTECT,
        related_name="benchmark_results",
    )
    product = models.ForeignKey(
        "standards.Product",
        verbose_name=_("产品"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scheme = models.ForeignKey(
        BenchmarkScheme,
        verbose_name=_("对标技术方案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="results",
    )
    standards = models.ManyToManyField(AdvancedStandard, verbose_name=_("对标标准"), related_name="+")
    state = models.CharField(
        _("状态"), max_length=16, choices=ResultState.choices, default=ResultState.DRAFT, db_index=True
    )
    level = models.CharField(
        _("对标水平"), max_length=24, choices=Level.choices, default=Level.NOT_REACHED, db_index=True
    )
    level_reason = models.TextField(_("判定理由"), blank=True)
    rules_version = models.CharField(_("判定规则版本"), max_length=64)
    rules = models.JSONField(_("判定规则"), default=dict)
    extra_indicators = models.JSONField(_("对标标准未涉及的企业指标"), default=list, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    verified_by = models.ForeignKey(
        "core.User",
        verbose_name=_("验证人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verifier_name = models.CharField(_("验证单位"), max_length=200, blank=True)
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    verification_note = models.TextField(_("验证意见"), blank=True)
    test_report = models.FileField(_("检测报告"), upload_to="benchmarking/reports/%Y/%m/", blank=True)
    test_report_name = models.CharField(_("检测报告文件名"), max_length=255, blank=True)
    test_report_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        "core.User",
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("对标结果")
        verbose_name_plural = _("对标结果")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["state", "level", "region_code"], name="benchmark_result_counts")]

    def __str__(self) -> str:
        return f"{self.disclosure.standard_number} {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("benchmarking:result_detail", args=[self.pk])


class ResultItem(models.Model):
    """The verdict on one indicator of one benchmark standard, as the engine decided it or as edited later by
    the enterprise with evidence (edited=True)."""

    result = models.ForeignKey(BenchmarkResult, on_delete=models.CASCADE, related_name="items")
    benchmark_standard = models.ForeignKey(
        AdvancedStandard, verbose_name=_("对标标准"), on_delete=models.PROTECT, related_name="+"
    )
    benchmark_number = models.CharField(_("对标标准号"), max_length=120)
    benchmark_class = models.CharField(_("类别"), max_length=20, choices=BenchmarkClass.choices)
    indicator = models.CharField(_("指标"), max_length=200)
    # the synonym-aware key of the indicator: one edit updates every benchmark's row of that indicator
    indicator_key = models.CharField(max_length=200, db_index=True, blank=True, default="")
    core = models.BooleanField(_("核心指标"), default=False)
    benchmark_requirement = models.CharField(_("对标要求"), max_length=300)
    benchmark_unit = models.CharField(_("对标单位"), max_length=32, blank=True)
    enterprise_indicator = models.CharField(_("企业指标"), max_length=200, blank=True)
    enterprise_requirement = models.CharField(_("企业要求"), max_length=300, blank=True)
    enterprise_unit = models.CharField(_("企业单位"), max_length=32, blank=True)
    verdict = models.CharField(_("比对结论"), max_length=16, choices=Verdict.choices)
    reason = models.TextField(_("理由"), blank=True)
    caveat = models.TextField(_("提示"), blank=True)
    alignment = models.CharField(_("对应方式"), max_length=16, blank=True)
    candidate = models.CharField(_("待确认的对应指标"), max_length=200, blank=True)
    edited = models.BooleanField(_("企业已修改"), default=False)
    evidence = models.FileField(_("证明材料"), upload_to="benchmarking/evidence/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("证明材料文件名"), max_length=255, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    evidence_note = models.TextField(_("证明说明"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("对标比对项")
        verbose_name_plural = _("对标比对项")
        ordering = ["result", "position", "id"]

    def __str__(self) -> str:
        return f"{self.benchmark_number} {self.indicator} {self.get_verdict_display()}"

    @property
    def standard(self) -> str:
        """The name the level roll-up (engine.roll_up) groups items by."""
        return self.benchmark_number


# --- the 对标达标 campaign: pilot cities, trainings, rankings (docs/campaign.md) ---------------------------------


class PilotBatch(Stamped):
    """A batch of pilot cities (试点城市) of the 百城千业万企对标达标 campaign, as announced: 第N批."""

    number = models.PositiveSmallIntegerField(_("批次"))
    title = models.CharField(_("名称"), max_length=200)
    announced_on = models.DateField(_("公布日期"), null=True, blank=True)
    source = models.CharField(_("依据文件"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "core.User",
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("试点城市批次")
        verbose_name_plural = _("试点城市批次")
        ordering = ["-number", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number", "is_demo"], name="pilot_batch_unique_number")
        ]

    def __str__(self) -> str:
        return _("第%(n)d批 %(title)s") % {"n": self.number, "title": self.title}

    def get_absolute_url(self) -> str:
        return reverse("benchmarking:campaign_pilot_detail", args=[self.pk])


class PilotCity(models.Model):
    """A city (地级市, 直辖市 or 县级市) of a pilot batch, by its current GB/T 2260 code."""

    batch = models.ForeignKey(
        PilotBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="cities"
    )
    region_code = models.CharField(_("行政区划代码"), max_length=6, validators=[validate_region_code])
    name = models.CharField(_("城市"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("试点城市")
        verbose_name_plural = _("试点城市")
        ordering = ["batch", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "region_code"], name="pilot_city_unique_per_batch")
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("benchmarking:campaign_pilot_detail", args=[self.batch_id])


class Training(Stamped):
    """A training of the campaign (对标达标培训) held in a region, with the registered enterprises trained: "enterprises
    trained" counts distinct enterprises, so each is a row of the registry, not a number typed per training."""

    title = models.CharField(_("培训名称"), max_length=200)
    region_code = models.CharField(
        _("举办地行政区划代码"), max_length=6, db_index=True, validators=[validate_region_code]
    )
    held_on = models.DateField(_("举办日期"), db_index=True)
    organiser = models.CharField(_("主办单位"), max_length=200)
    participants = models.PositiveIntegerField(_("参训人数"), default=0)
    enterprises = models.ManyToManyField(
        "registry.Enterprise", verbose_name=_("参训企业"), related_name="benchmark_trainings", blank=True
    )
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        "core.User",
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("对标达标培训")
        verbose_name_plural = _("对标达标培训")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("benchmarking:campaign_training_edit", args=[self.pk])


class RankingSource(models.TextChoices):
    COMPUTED = "computed", _("按本平台数据计算")
    IMPORTED = "imported", _("导入国家平台发布的排名")


class RankingSnapshot(Stamped):
    """The ranking of pilot cities on one day: computed from this platform's data over the cities of a pilot batch,
    or imported from the table the national platform publishes. Snapshots of the same source, key, batch (and demo
    flag) form a series; a city's movement is between consecutive snapshots of its series."""

    as_of = models.DateField(_("排名日期"), db_index=True)
    key = models.CharField(_("排名口径"), max_length=32)
    source = models.CharField(_("来源"), max_length=16, choices=RankingSource.choices)
    batch = models.ForeignKey(
        PilotBatch,
        verbose_name=_("试点城市批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="snapshots",
    )
    title = models.CharField(_("名称"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        "core.User",
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("试点城市排名")
        verbose_name_plural = _("试点城市排名")
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key", "batch", "is_demo", "as_of"],
                condition=models.Q(batch__isnull=False),
                name="ranking_snapshot_unique_day_batch",
            ),
            models.UniqueConstraint(
                fields=["source", "key", "is_demo", "as_of"],
                condition=models.Q(batch__isnull=True),
                name="ranking_snapshot_unique_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.key} {self.as_of:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return f"{reverse('benchmarking:campaign')}?snapshot={self.pk}"

    def series(self) -> models.QuerySet:
        """The snapshots of this one's series (itself included), oldest first."""
        return RankingSnapshot.objects.filter(
            source=self.source, key=self.key, batch_id=self.batch_id, is_demo=self.is_demo
        ).order_by("as_of", "id")


class RankingRow(models.Model):
    """One city's place in a ranking, with the figures it was ranked by (those the source gives)."""

    snapshot = models.ForeignKey(
        RankingSnapshot, verbose_name=_("排名"), on_delete=models.CASCADE, related_name="rows"
    )
    region_code = models.CharField(_("行政区划代码"), max_length=6, validators=[validate_region_code])
    region_name = models.CharField(_("城市"), max_length=64, blank=True)
    rank = models.PositiveIntegerField(_("排名"))
    value = models.DecimalField(_("排名依据值"), max_digits=14, decimal_places=4, null=True, blank=True)
    enterprises = models.PositiveIntegerField(_("参与对标企业数"), null=True, blank=True)
    schemes = models.PositiveIntegerField(_("使用对标方案数"), null=True, blank=True)
    results = models.PositiveIntegerField(_("对标结果数"), null=True, blank=True)
    verified = models.PositiveIntegerField(_("达标验证数"), null=True, blank=True)
    trainings = models.PositiveIntegerField(_("培训场次"), null=True, blank=True)
    trained = models.PositiveIntegerField(_("培训企业数"), null=True, blank=True)

    class Meta:
        verbose_name = _("试点城市排名行")
        verbose_name_plural = _("试点城市排名行")
        ordering = ["snapshot", "rank", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "region_code"], name="ranking_row_unique_city")
        ]

    def __str__(self) -> str:
        return f"{self.rank} {self.region_code} {self.region_name}"

    def get_absolute_url(self) -> str:
        return self.snapshot.get_absolute_url()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.rank is not None and self.rank < 1:
            raise ValidationError({"rank": _("排名应为不小于 1 的整数")})

    # The snapshot's columns, as the import file shows them on every row.
    @property
    def as_of(self):
        return self.snapshot.as_of if self.snapshot_id else None

"""Staged imports: one session per uploaded file, one row per data row, kept until every row is settled."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    ENTERPRISES = "enterprises", _("企业")
    INSTITUTIONS = "institutions", _("技术机构")
    EXPERTS = "experts", _("专家")
    CATALOGUE = "catalogue", _("标准目录")


class SessionStatus(models.TextChoices):
    VALIDATED = "validated", _("已校验,待提交")
    COMMITTED = "committed", _("已全部提交")
    PARTIAL = "partial", _("部分提交,有待修正的行")


class RowStatus(models.TextChoices):
    PENDING = "pending", _("待提交")
    CREATED = "created", _("已新增")
    UPDATED = "updated", _("已更新")
    UNCHANGED = "unchanged", _("无变化")
    ERROR = "error", _("有错误")


class RowAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("更新")
    NONE = "", _("无")


class ImportSession(models.Model):
    kind = models.CharField(_("导入类型"), max_length=16, choices=ImportKind.choices)
    original_filename = models.CharField(_("文件名"), max_length=255)
    file_format = models.CharField(_("文件格式"), max_length=8)
    encoding = models.CharField(_("编码"), max_length=32, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.VALIDATED
    )
    created_by = models.ForeignKey(
        # Staging data only: the audit log, not the session, is the record of what was written.
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # The file's header row as typed, and the model field each header was matched to ("" for unknown headers).
    headers = models.JSONField(_("表头"), default=list)
    header_fields = models.JSONField(_("表头对应字段"), default=list)
    unknown_headers = models.JSONField(_("未识别的列"), default=list)
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    pending_count = models.PositiveIntegerField(_("待提交"), default=0)
    error_count = models.PositiveIntegerField(_("错误"), default=0)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_filename}"

    def get_absolute_url(self) -> str:
        return reverse("imports:session_detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        """What was imported, also for the kinds apps register (the field's choices list only the registry's)."""
        from .columns import spec_for

        try:
            return spec_for(self.kind).verbose_name
        except LookupError:
            return self.get_kind_display()

    @property
    def format_label(self) -> str:
        return f"{self.file_format.upper()} · {self.encoding}" if self.encoding else self.file_format.upper()


class ImportRow(models.Model):
    session = models.ForeignKey(
        ImportSession, verbose_name=_("导入批次"), on_delete=models.CASCADE, related_name="rows"
    )
    row_number = models.PositiveIntegerField(_("行号"))  # as the spreadsheet shows it: the header is row 1
    values = models.JSONField(_("原始值"), default=dict)  # model field → the text in the file
    status = models.CharField(_("状态"), max_length=16, choices=RowStatus.choices, default=RowStatus.PENDING)
    action = models.CharField(_("操作"), max_length=8, choices=RowAction.choices, blank=True)
    errors = models.JSONField(_("错误"), default=list)  # [{"field": ..., "message": ...}]
    object_id = models.PositiveBigIntegerField(_("记录编号"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入行")
        verbose_name_plural = _("导入行")
        ordering = ["session", "row_number"]
        constraints = [models.UniqueConstraint(fields=["session", "row_number"], name="import_row_unique")]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.row_number}"

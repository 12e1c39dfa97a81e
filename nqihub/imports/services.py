"""Staged import and export of enterprises, institutions and experts.

    stage_upload()   read the file, match its headers, validate every row with the registry's ModelForm (as the
                     importing user, so the messages are the edit page's), store the session and its rows
    commit_session() write every valid row through the registry services (scope check + audit event per row),
                     all of them in one transaction; rows that fail validation stay in the session as errors
    resubmit_row()   validate and commit one corrected row
    export_rows()    the rows a user may view, filtered like the list page, in the columns the importer reads

A row's natural key decides create or update: enterprises by USCC; institutions by USCC, else by (name, region
code); experts by (name, affiliation). Re-importing the same file therefore updates (or leaves unchanged) instead
of duplicating.
"""

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from nqihub.core.audit import record_event
from nqihub.core.models import Role
from nqihub.core.records import fold_input
from nqihub.core.regions import region_name
from nqihub.core.scoping import Action, can, reach, restrict

from .columns import ERROR_COLUMN, KindSpec, spec_for
from .models import ImportRow, ImportSession, RowAction, RowStatus, SessionStatus
from .readers import FileError, Table, read_table

__all__ = ["FileError", "CommitFailed", "stage_upload", "commit_session", "resubmit_row", "export_rows"]


class CommitFailed(Exception):
    """An unexpected failure while committing: the transaction was rolled back, nothing of it was written."""


# --- permissions


def can_import(user, spec: KindSpec) -> bool:
    if reach(user, spec.model, Action.ADD) is None:
        return False
    return spec.allowed is None or spec.allowed(user)


def ensure_can_import(user, spec: KindSpec) -> None:
    if not can_import(user, spec):
        raise PermissionDenied(_("您的角色无权导入%(kind)s") % {"kind": spec.verbose_name})


def sessions_visible_to(user) -> models.QuerySet:
    """Import sessions are visible to the user who uploaded them, and to the platform administrator."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ImportSession.objects.none()
    sessions = ImportSession.objects.select_related("created_by")
    if user.role == Role.ADMIN:
        return sessions
    return sessions.filter(created_by=user)


# --- headers


def map_headers(spec: KindSpec, table: Table) -> tuple[list[str], list[str]]:
    """The model field of each header ("" when not imported) and the headers not recognised."""
    fields: list[str] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        column = spec.match_header(header) if header else None
        if column is None:
            fields.append("")
            if header and not spec.is_ignored_header(header):
                unknown.append(header)
            elif not header and any(len(cells) > index and cells[index].strip() for _n, cells in table.rows):
                unknown.append(_("第 %(n)d 列(没有表头)") % {"n": index + 1})
            continue
        if column.field in seen:
            raise FileError(
                _("“%(a)s”和“%(b)s”两列都对应“%(label)s”,请只保留其中一列")
                % {"a": seen[column.field], "b": header, "label": column.header}
            )
        seen[column.field] = header
        fields.append(column.field)
    missing = [spec.label(f) for f in spec.required_fields if f not in seen]
    if missing:
        raise FileError(
            _("缺少必需的列:%(missing)s。文件第 1 行的表头为:%(found)s")
            % {"missing": "、".join(missing), "found": "、".join(h for h in table.headers if h) or _("(空)")}
        )
    return fields, unknown


# --- one row


def prepare(spec: KindSpec, values: Mapping[str, Any]) -> dict[str, str]:
    """Cell texts → form data: folded like every typed value (full-width, dashes, spaces), choices as codes."""
    data = fold_input({k: "" if v is None else str(v) for k, v in values.items()})
    for name, value in data.items():
        column = spec.by_field.get(name)
        if column is not None and column.choices is not None:
            data[name] = column.normalise_choice(value)
    return data


def _text(value) -> str:
    return "" if value is None else str(value)


def stored_values(spec: KindSpec, obj: models.Model) -> dict[str, str]:
    return {f: _text(getattr(obj, f)) for f in spec.form_class._meta.fields}


def find_existing(spec: KindSpec, data: Mapping[str, str]) -> models.Model | None:
    """The stored row the natural key of `data` names, in any jurisdiction (scope is checked afterwards)."""
    return spec.lookup(spec.model, data)


def natural_keys(spec: KindSpec, data: Mapping[str, str]) -> list[tuple[str, ...]]:
    """The keys that must not repeat inside one file (each names the fields it is made of)."""
    return spec.keys(data)


def duplicate_error(spec: KindSpec, key: tuple[str, ...], other_row: int) -> dict[str, str]:
    fields = key[0].split("|")
    what = _("和").join(spec.label(f) for f in fields)
    return {
        "field": fields[0],
        "message": _("与第 %(row)d 行重复(%(what)s相同)") % {"row": other_row, "what": what},
    }


def _error_list(exc: ValidationError) -> list[dict[str, str]]:
    found = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                found.append({"field": "" if name == "__all__" else name, "message": str(message)})
    else:
        found.extend({"field": "", "message": str(m)} for m in exc.messages)
    return found


def _out_of_scope(user, obj) -> dict[str, str]:
    code = getattr(obj, "region_code", "") or ""
    place = f"{code} {region_name(code)}".strip()
    mine = (
        f"{user.region_code} {region_name(user.region_code)}".strip()
        if getattr(user, "region_code", "")
        else ""
    )
    if mine:
        message = _("行政区划代码 %(code)s 不在您的管辖范围(%(mine)s)内") % {"code": place, "mine": mine}
    else:
        message = _("行政区划代码 %(code)s 超出您的管辖范围") % {"code": place}
    return {"field": "region_code", "message": message}


@dataclass
class RowCheck:
    """The outcome of validating one row: errors, or what committing it would do."""

    form: forms.ModelForm
    errors: list[dict[str, str]] = field(default_factory=list)
    action: str = RowAction.NONE  # create / update / "" (valid and unchanged)
    existing: models.Model | None = None
    cleaned: dict[str, Any] = field(default_factory=dict)
    keys: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_row(spec: KindSpec, user, values: Mapping[str, Any]) -> RowCheck:
    """Validate one row exactly as the registry's edit page would, as `user`, and decide create or update.

    Fields without a column in the file keep their stored values on update (and are empty on create).
    Errors come in column order."""
    check = _validate_row(spec, user, values)
    order = {c.field: i for i, c in enumerate(spec.columns)}
    check.errors.sort(key=lambda e: order.get(e["field"], len(order)))
    return check


def _validate_row(spec: KindSpec, user, values: Mapping[str, Any]) -> RowCheck:
    data = prepare(spec, values)
    existing = find_existing(spec, data)
    original = stored_values(spec, existing) if existing is not None else {}
    form = spec.form_class(data={**original, **data}, instance=existing, user=user)
    check = RowCheck(form=form, existing=existing, keys=natural_keys(spec, data))
    if existing is not None and not can(user, Action.CHANGE, spec.model, existing):
        fields = check.keys[0][0].split("|") if check.keys else [spec.key_fields[0]]
        check.errors.append(
            {
                "field": fields[0],
                "message": _("已有相同%(key)s的%(kind)s登记在您的管辖范围以外,无权更新")
                % {"key": _("和").join(spec.label(f) for f in fields), "kind": spec.verbose_name},
            }
        )
        return check
    if not form.is_valid():
        for name, errors in form.errors.as_data().items():
            for error in errors:
                for message in error.messages:
                    check.errors.append({"field": "" if name == "__all__" else name, "message": str(message)})
        return check
    check.cleaned = {name: form.cleaned_data[name] for name in form.fields}
    obj = form.instance
    if not can(user, Action.CHANGE if existing is not None else Action.ADD, spec.model, obj):
        check.errors.append(_out_of_scope(user, obj))
        return check
    if existing is None:
        check.action = RowAction.CREATE
    elif any(_text(original.get(k)) != _text(v) for k, v in check.cleaned.items()):
        check.action = RowAction.UPDATE
    return check


# --- staging


def _row_values(fields: list[str], cells: list[str]) -> dict[str, str]:
    return {f: (cells[i].strip() if i < len(cells) else "") for i, f in enumerate(fields) if f}


def stage_upload(user, kind: str, filename: str, data: bytes) -> ImportSession:
    """Read and validate a file; returns the stored session (nothing is written to the registry yet).

    Raises FileError when the file itself cannot be imported, PermissionDenied when the user may not import."""
    spec = spec_for(kind)
    ensure_can_import(user, spec)
    table = read_table(data, filename)
    fields, unknown = map_headers(spec, table)
    # Validation only reads: it runs before the (short) transaction that stores the session.
    session = ImportSession(
        kind=spec.slug,
        original_filename=(filename or "")[:255],
        file_format=table.format,
        encoding=table.encoding,
        created_by=user,
        headers=table.headers,
        header_fields=fields,
        unknown_headers=unknown,
    )
    seen: dict[tuple[str, ...], int] = {}
    rows: list[ImportRow] = []
    for number, cells in table.rows:
        values = _row_values(fields, cells)
        if not any(values.values()):
            continue  # only a 序号 or an unknown column filled: not a record
        check = validate_row(spec, user, values)
        errors = list(check.errors)
        for key in check.keys:
            if key in seen:
                errors.append(duplicate_error(spec, key, seen[key]))
            else:
                seen[key] = number
        rows.append(
            ImportRow(
                row_number=number,
                values=values,
                errors=errors,
                status=RowStatus.ERROR if errors else RowStatus.PENDING,
                action="" if errors else check.action,
                object_id=check.existing.pk if check.existing is not None else None,
            )
        )
    with transaction.atomic():
        session.save()
        for row in rows:
            row.session = session
        ImportRow.objects.bulk_create(rows, batch_size=1000)
        refresh_counts(session)
    return session


def refresh_counts(session: ImportSession) -> ImportSession:
    counts = dict(session.rows.values_list("status").annotate(n=Count("id")).order_by())
    session.row_count = sum(counts.values())
    session.created_count = counts.get(RowStatus.CREATED, 0)
    session.updated_count = counts.get(RowStatus.UPDATED, 0)
    session.unchanged_count = counts.get(RowStatus.UNCHANGED, 0)
    session.pending_count = counts.get(RowStatus.PENDING, 0)
    session.error_count = counts.get(RowStatus.ERROR, 0)
    if session.committed_at is None:
        session.status = SessionStatus.VALIDATED
    elif session.error_count or session.pending_count:
        session.status = SessionStatus.PARTIAL
    else:
        session.status = SessionStatus.COMMITTED
    session.save()
    return session


# --- committing


def _write(spec: KindSpec, user, check: RowCheck) -> models.Model:
    services = import_module(spec.services_module)
    if check.action == RowAction.CREATE:
        return getattr(services, spec.create_service)(user, dict(check.cleaned))
    return getattr(services, spec.update_service)(user, check.existing, dict(check.cleaned))


def _commit_row(spec: KindSpec, user, row: ImportRow, check: RowCheck | None = None) -> None:
    """Write one validated row (inside the caller's transaction). Expected refusals — a validation error or a
    scope refusal from the service — roll back to a savepoint and leave the row as an error; anything else
    propagates and aborts the caller's transaction."""
    check = check or validate_row(spec, user, row.values)
    row.errors = list(check.errors)
    if check.ok and check.action == RowAction.NONE:
        row.status, row.action, row.object_id = RowStatus.UNCHANGED, "", check.existing.pk
    elif check.ok:
        try:
            with transaction.atomic():
                obj = _write(spec, user, check)
        except ValidationError as exc:
            row.errors = _error_list(exc)
        except PermissionDenied as exc:
            row.errors = [{"field": "region_code", "message": str(exc) or _("超出您的管辖范围")}]
        else:
            row.status = RowStatus.CREATED if check.action == RowAction.CREATE else RowStatus.UPDATED
            row.action, row.object_id = check.action, obj.pk
    if row.errors:
        row.status, row.action = RowStatus.ERROR, ""
    row.save(update_fields=["values", "status", "action", "errors", "object_id"])


def commit_session(session: ImportSession, user) -> ImportSession:
    """Commit every pending row of the session in ONE transaction. Rows that no longer validate become errors
    (the others still commit); an unexpected failure rolls everything back and raises CommitFailed."""
    spec = spec_for(session.kind)
    ensure_can_import(user, spec)
    try:
        with transaction.atomic():
            # Lock the session: a second "commit" clicked at the same time waits, then finds nothing pending.
            session = ImportSession.objects.select_for_update().get(pk=session.pk)
            for row in session.rows.filter(status=RowStatus.PENDING).order_by("row_number"):
                _commit_row(spec, user, row)
            session.committed_at = timezone.now()
            refresh_counts(session)
    except Exception as exc:
        session.refresh_from_db()
        raise CommitFailed(_("提交失败,本次没有写入任何数据:%(reason)s") % {"reason": exc}) from exc
    return session


def other_keys(spec: KindSpec, session: ImportSession, exclude_row: ImportRow) -> dict[tuple[str, ...], int]:
    """Natural keys of the session's other rows that are (or will be) written, → their row number."""
    found: dict[tuple[str, ...], int] = {}
    others = session.rows.exclude(pk=exclude_row.pk).exclude(status=RowStatus.ERROR).order_by("row_number")
    for number, values in others.values_list("row_number", "values"):
        for key in natural_keys(spec, prepare(spec, values)):
            found.setdefault(key, number)
    return found


def resubmit_row(session: ImportSession, row: ImportRow, user, values: Mapping[str, Any]) -> RowCheck:
    """Validate a corrected row and, when it is valid, commit it on its own (one transaction). The row keeps the
    corrected values either way; the returned check carries the bound form and any errors."""
    spec = spec_for(session.kind)
    ensure_can_import(user, spec)
    try:
        with transaction.atomic():
            row.values = {k: _text(v) for k, v in values.items()}
            check = validate_row(spec, user, row.values)
            taken = other_keys(spec, session, row)
            check.errors.extend(duplicate_error(spec, key, taken[key]) for key in check.keys if key in taken)
            _commit_row(spec, user, row, check)
            if row.status != RowStatus.ERROR and session.committed_at is None:
                session.committed_at = timezone.now()
            refresh_counts(session)
    except Exception as exc:
        session.refresh_from_db()
        row.refresh_from_db()
        raise CommitFailed(_("提交失败,本次没有写入任何数据:%(reason)s") % {"reason": exc}) from exc
    return check


# --- reporting


def error_list(session: ImportSession) -> list[dict[str, Any]]:
    found = []
    for number, errors in session.rows.filter(status=RowStatus.ERROR).values_list("row_number", "errors"):
        found.extend(
            {"row": number, "field": e.get("field", ""), "message": e.get("message", "")} for e in errors
        )
    return found


def summary(session: ImportSession, *, planned: bool = False) -> dict[str, Any]:
    """The result object the CLI prints with --json and the web page shows.

    With planned=True (a dry run, or a session not committed yet) "created"/"updated"/"unchanged" count what
    committing would do."""
    if planned:
        actions = dict(
            session.rows.filter(status=RowStatus.PENDING)
            .values_list("action")
            .annotate(n=Count("id"))
            .order_by()
        )
        created, updated, unchanged = (
            actions.get(a, 0) for a in (RowAction.CREATE, RowAction.UPDATE, RowAction.NONE)
        )
    else:
        created, updated, unchanged = session.created_count, session.updated_count, session.unchanged_count
    return {
        "created": created,
        "updated": updated,
        "errors": error_list(session),
        "unchanged": unchanged,
        "pending": session.pending_count,
        "session": session.pk,
        "unknown_columns": list(session.unknown_headers),
    }


def planned_counts(session: ImportSession) -> dict[str, int]:
    data = summary(session, planned=True)
    return {k: data[k] for k in ("created", "updated", "unchanged")}


def error_report_columns(session: ImportSession) -> list[tuple[str, str]]:
    """(header as in the file, field) of the imported columns, in the file's order."""
    return [(h, f) for h, f in zip(session.headers, session.header_fields, strict=False) if f]


def column_labels(session: ImportSession) -> dict[str, str]:
    """field → the header as the file spelled it (else the standard header), for messages about a column."""
    spec = spec_for(session.kind)
    labels = {c.field: c.header for c in spec.columns}
    labels.update({f: h for h, f in error_report_columns(session)})
    return labels


def _describe(labels: Mapping[str, str], errors: list[dict[str, str]]) -> str:
    parts = []
    for error in errors:
        label = labels.get(error["field"], error["field"]) if error.get("field") else ""
        parts.append(f"{label}:{error['message']}" if label else error["message"])
    return ";".join(parts)


def error_report(session: ImportSession) -> bytes:
    """An xlsx of the rows still in error, in the file's columns plus 错误说明, to fix and upload again."""
    columns = error_report_columns(session)
    labels = column_labels(session)
    rows = []
    for row in session.rows.filter(status=RowStatus.ERROR).order_by("row_number"):
        rows.append([row.values.get(f, "") for _h, f in columns] + [_describe(labels, row.errors)])
    return _xlsx([h for h, _f in columns] + [ERROR_COLUMN], rows, title=_("错误报告"))


# --- export


def export_queryset(
    spec: KindSpec, user, query: Mapping[str, Any] | None = None, request=None
) -> models.QuerySet:
    """The rows `user` may view, filtered like the list page (an invalid filter is ignored, as the list does)."""
    rows = restrict(spec.model.objects.all(), user, Action.VIEW)
    filterset = spec.filterset_class(query or None, queryset=rows, request=request)
    if filterset.is_bound and filterset.is_valid():
        rows = filterset.qs
    return rows.order_by(*(spec.model._meta.ordering or []), "pk")


def export_table(spec: KindSpec, rows: Iterable[models.Model]) -> tuple[list[str], Iterable[list[str]]]:
    headers = [c.header for c in spec.columns]
    return headers, ([c.export_value(getattr(obj, c.field)) for c in spec.columns] for obj in rows)


def _xlsx(headers: list[str], rows: Iterable[list[str]], title: str = "") -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])
    bold = Font(bold=True)

    def cells(values, font=None):
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # always text: no formula, no number losing a leading zero
            if font is not None:
                cell.font = font
            out.append(cell)
        return out

    sheet.append(cells(headers, bold))
    for values in rows:
        sheet.append(cells(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_safe(value: str) -> str:
    # Spreadsheet formula injection: a cell starting with = + - @ would run as a formula; the reader undoes this.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def _csv(headers: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for values in rows:
        writer.writerow([_csv_safe(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel on Chinese Windows reads it as UTF-8


def export_rows(
    spec: KindSpec,
    user,
    fmt: str,
    query: Mapping[str, Any] | None = None,
    request=None,
    template: bool = False,
) -> tuple[bytes, int]:
    """(file bytes, row count) of an export in `fmt` ('xlsx' or 'csv'); template=True writes the headers only."""
    rows = [] if template else list(export_queryset(spec, user, query, request))
    headers, values = export_table(spec, rows)
    content = _xlsx(headers, values, title=spec.verbose_name) if fmt == "xlsx" else _csv(headers, values)
    if not template:
        record_event(
            user,
            f"{spec.model._meta.model_name}.export",
            object_type=spec.model._meta.label_lower,
            object_repr=_("导出%(kind)s %(n)d 条") % {"kind": spec.verbose_name, "n": len(rows)},
            after={"format": fmt, "rows": len(rows), "filter": {k: v for k, v in (query or {}).items()}},
        )
    return content, len(rows)


# --- the command line


def command_user(username: str | None = None):
    """The account a CLI import or export acts as: --user, else the first active platform administrator."""
    from nqihub.core.models import User

    if username:
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise LookupError(_("用户 %(name)s 不存在或已停用") % {"name": username})
        return user
    user = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if user is None:
        raise LookupError(_("没有可用的平台管理员账号:请用 --user 指定导入人,或先创建一个平台管理员"))
    return user

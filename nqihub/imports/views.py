"""Import and export pages. Thin: they check scope, call nqihub.imports.services and render.

Every view declares `scope_model` (the registry model it imports or exports; Enterprise on the class, replaced by
the model of the kind in the URL or of the session once the role is known to reach imports at all).
"""

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from nqihub.core.scoping import Action, reach
from nqihub.core.views_base import ScopedMixin
from nqihub.registry.models import Enterprise

from . import services
from .columns import KINDS, spec_for
from .models import ImportRow, RowStatus
from .readers import FileError, check_size, human_size, max_rows, max_upload_bytes

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "csv": "text/csv; charset=utf-8"}


def _commit_failed_message(request) -> str:
    return _("提交失败,本次没有写入任何数据。请稍后重试;如问题持续,请将请求编号 %(id)s 告知平台管理员") % {
        "id": getattr(request, "request_id", "")
    }


def _download(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv,.txt"}),
    )


def importable_kinds(user) -> list:
    """The kinds this user may import: an expert imports the advanced-standard database, not enterprises."""
    return [spec for spec in KINDS.values() if services.can_import(user, spec)]


class ImportMixin(ScopedMixin):
    """Import pages: the role must be able to add the kind's records; the kind comes from the URL or session.

    The declared scope model (Enterprise) is replaced by the model of the first kind the role may import, then by
    the kind of the session, so a role that imports anything reaches the list and its own sessions."""

    scope_model = Enterprise
    scope_action = Action.ADD

    def resolve(self, request, **kwargs):
        """Return the KindSpec of this request (404 when unknown); may load more (the session, the row)."""
        return None

    def dispatch(self, request, *args, **kwargs):
        # Only a role that reaches imports at all gets as far as loading a session (else 403 / login, not 404).
        kinds = importable_kinds(request.user)
        if kinds:
            self.use(kinds[0])
            self.use(self.resolve(request, **kwargs))
        return super().dispatch(request, *args, **kwargs)

    def use(self, spec) -> None:
        if spec is not None:
            self.spec = spec
            self.scope_model = spec.model


class KindMixin(ImportMixin):
    """The kind is in the URL: it decides the model whose grants apply (an institution's staff may export
    institutions, not enterprises)."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.use(spec_for(kwargs["kind"]))
        except LookupError:
            raise Http404(_("没有这种导入类型")) from None
        if (
            self.scope_action == Action.ADD
            and request.user.is_authenticated
            and not services.can_import(request.user, self.spec)
        ):
            raise PermissionDenied(_("您的角色无权导入%(kind)s") % {"kind": self.spec.verbose_name})
        return super(ImportMixin, self).dispatch(request, *args, **kwargs)


class SessionMixin(ImportMixin):
    def resolve(self, request, **kwargs):
        self.session = get_object_or_404(services.sessions_visible_to(request.user), pk=kwargs["pk"])
        return spec_for(self.session.kind)


class SessionList(ImportMixin, TemplateView):
    template_name = "imports/session_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = Paginator(services.sessions_visible_to(self.request.user), 25).get_page(
            self.request.GET.get("page")
        )
        ctx.update(page=page, sessions=page.object_list, kinds=importable_kinds(self.request.user), query="")
        return ctx


class SessionCreate(KindMixin, View):
    template_name = "imports/session_create.html"

    def render(self, form, status=200):
        ctx = {
            "form": form,
            "spec": self.spec,
            "columns": self.spec.columns,
            "required": {self.spec.by_field[f].header for f in self.spec.required_fields},
            "max_size": human_size(max_upload_bytes()),
            "max_rows": max_rows(),
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        return self.render(UploadForm())

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_size(upload.size)
                session = services.stage_upload(request.user, self.spec.slug, upload.name, upload.read())
            except FileError as exc:
                form.add_error("file", str(exc))
            else:
                if session.row_count == 0:
                    messages.warning(request, _("文件中没有数据行"))
                return HttpResponseRedirect(session.get_absolute_url())
        return self.render(form, status=400)


class SessionDetail(SessionMixin, TemplateView):
    template_name = "imports/session_detail.html"
    errors_per_page = 100

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        session, spec = self.session, self.spec
        error_rows = session.rows.filter(status=RowStatus.ERROR).order_by("row_number")
        page = Paginator(error_rows, self.errors_per_page).get_page(self.request.GET.get("page"))
        labels = services.column_labels(session)
        lines = []
        for row in page.object_list:
            for error in row.errors or [{"field": "", "message": ""}]:
                lines.append(
                    {
                        "row": row,
                        "field": error.get("field", ""),
                        "message": error.get("message", ""),
                        "label": labels.get(error["field"], error["field"]) if error.get("field") else "",
                    }
                )
        ctx.update(
            session=session,
            spec=spec,
            page=page,
            error_lines=lines,
            planned=services.planned_counts(session),
            query="",
        )
        return ctx


class SessionCommit(SessionMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            session = services.commit_session(self.session, request.user)
        except services.CommitFailed:
            logger.exception("import session %s: commit failed and was rolled back", self.session.pk)
            messages.error(request, _commit_failed_message(request))
            return HttpResponseRedirect(self.session.get_absolute_url())
        text = _("提交完成:新增 %(c)d 条,更新 %(u)d 条,无变化 %(n)d 条") % {
            "c": session.created_count,
            "u": session.updated_count,
            "n": session.unchanged_count,
        }
        if session.error_count:
            text += _(";%(e)d 行有错误,请修正后重新提交") % {"e": session.error_count}
        messages.success(request, text)
        return HttpResponseRedirect(session.get_absolute_url())


class RowEdit(SessionMixin, View):
    template_name = "imports/row_form.html"

    def resolve(self, request, **kwargs):
        spec = super().resolve(request, **kwargs)
        self.row = get_object_or_404(
            ImportRow,
            session=self.session,
            pk=kwargs["row_id"],
            status__in=[RowStatus.ERROR, RowStatus.PENDING],
        )
        return spec

    def render(self, check, status=200):
        form = check.form
        form_messages = {(name, message) for name, errors in form.errors.items() for message in errors}
        other = [e for e in check.errors if (e["field"] or "__all__", e["message"]) not in form_messages]
        ctx = {
            "session": self.session,
            "row": self.row,
            "spec": self.spec,
            "form": form,
            "other_errors": [dict(e, label=self.spec.label(e["field"]) if e["field"] else "") for e in other],
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        return self.render(services.validate_row(self.spec, request.user, self.row.values))

    def post(self, request, *args, **kwargs):
        names = list(self.spec.form_class(user=request.user).fields)
        values = {name: request.POST.get(name, "") for name in names}
        try:
            check = services.resubmit_row(self.session, self.row, request.user, values)
        except services.CommitFailed:
            logger.exception(
                "import session %s row %s: commit failed and was rolled back", self.session.pk, self.row.pk
            )
            messages.error(request, _commit_failed_message(request))
            return HttpResponseRedirect(self.session.get_absolute_url())
        if self.row.status == RowStatus.ERROR:
            return self.render(check, status=400)
        done = {
            RowStatus.CREATED: _("已新增"),
            RowStatus.UPDATED: _("已更新"),
            RowStatus.UNCHANGED: _("无变化"),
        }
        messages.success(
            request, _("第 %(row)d 行%(what)s") % {"row": self.row.row_number, "what": done[self.row.status]}
        )
        return HttpResponseRedirect(self.session.get_absolute_url())


class ErrorReport(SessionMixin, View):
    def get(self, request, *args, **kwargs):
        content = services.error_report(self.session)
        return _download(content, "xlsx", f"import-{self.session.pk}-errors.xlsx")


class Export(KindMixin, View):
    scope_action = Action.VIEW

    def get(self, request, *args, **kwargs):
        fmt = kwargs["fmt"]
        if fmt not in CONTENT_TYPES:
            raise Http404(_("不支持的导出格式"))
        if (
            reach(request.user, self.spec.model, Action.VIEW) is None
        ):  # pragma: no cover - dispatch checked it
            raise PermissionDenied
        query = request.GET.copy()
        template = query.pop("template", None) is not None
        query.pop("page", None)
        content, _count = services.export_rows(
            self.spec, request.user, fmt, query, request=request, template=template
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"{self.spec.slug}-template.{fmt}" if template else f"{self.spec.slug}-{stamp}.{fmt}"
        return _download(content, fmt, name)

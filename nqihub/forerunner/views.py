"""Pages of the forerunner subsystem (企业标准"领跑者"): thin views over nqihub.forerunner.services.

- Public: key areas, published schemes, rankings per core indicator with tiers and the composite, notices
  (anyone may object there), published lists, xlsx exports of rankings and lists.
- The platform administrator: key areas.
- Evaluators (staff of a 标准化 / 认证认可 institution): their schemes — indicators and tiers, publishing, running
  the ranking, the shortlist, notices and objections, publishing the list.
- Enterprises: their shortlisted standards — commitment letter and evidence upload, submission.

Everything works without JavaScript: every change is a POST form with CSRF, and a refused one re-shows its page
with the reasons (status 400).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from nqihub.core.scoping import Action, can, reach, restrict
from nqihub.core.views_base import PublicPage, ScopedDetailView, ScopedMixin

from . import exports, forms, ratelimit, selectors, services
from .models import (
    EntryDocument,
    EntryState,
    EvaluationScheme,
    ForerunnerList,
    KeyArea,
    Notice,
    Objection,
    SchemeIndicator,
    SchemeState,
    ShortlistEntry,
)

PAGE_SIZE = 25


def _errors(exc: ValidationError) -> list[str]:
    return exc.messages


def _attach(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class PublicView(View):
    """A public page that also accepts a POST (the objection form)."""

    public_page = True


# --- public pages --------------------------------------------------------------------------------------------


class Home(PublicPage):
    template_name = "forerunner/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            areas=selectors.key_areas(),
            schemes=selectors.published_schemes()[:50],
            notices=selectors.public_notices().filter(state=Notice.State.OPEN)[:20],
            lists=selectors.published_lists()[:20],
            can_add_area=reach(user, KeyArea, Action.ADD) is not None,
            can_evaluate=reach(user, EvaluationScheme, Action.ADD) is not None,
            has_entries=reach(user, ShortlistEntry, Action.CHANGE) is not None,
        )
        return ctx


class KeyAreaDetail(PublicPage):
    template_name = "forerunner/key_area.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        area = get_object_or_404(KeyArea, pk=self.kwargs["pk"])
        ctx.update(
            area=area,
            schemes=selectors.published_schemes().filter(key_area=area),
            can_change=can(self.request.user, Action.CHANGE, KeyArea, area),
        )
        return ctx


class SchemeDetail(PublicPage):
    template_name = "forerunner/scheme.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        scheme = get_object_or_404(selectors.published_schemes(), pk=self.kwargs["pk"])
        ctx.update(
            scheme=scheme,
            indicators=selectors.indicators_by_role(scheme),
            runs=scheme.runs.order_by("-computed_at", "-id")[:10],
            notices=scheme.notices.order_by("-starts_on", "-id"),
            lists=scheme.lists.order_by("-published_at", "-id"),
            can_manage=can(self.request.user, Action.CHANGE, EvaluationScheme, scheme),
        )
        return ctx


class RankingDetail(PublicPage):
    """Per core indicator its tiers (counts; a tier opens its members, in no order), and the composite."""

    template_name = "forerunner/ranking.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        run = get_object_or_404(selectors.public_runs(), pk=self.kwargs["pk"])
        indicator_id, level = self.request.GET.get("indicator", ""), self.request.GET.get("level", "")
        chosen = next((i for i in run.indicators if i["id"] == indicator_id), None)
        tier = None
        if chosen is not None and level.isdigit():
            tier = next((t for t in chosen["tiers"] if t["level"] == int(level)), None)
        if tier is not None:
            rows = selectors.tier_members(run, chosen["id"], tier["level"])
        else:
            chosen = None
            rows = selectors.composite(run)
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        names = {i["id"]: i for i in run.indicators}
        for entry in page.object_list:
            entry.cells = [
                {
                    "value": exports.number_text(entry.values.get(i["id"])),
                    "tier": next(
                        (t["name"] for t in i["tiers"] if t["level"] == entry.levels.get(i["id"])), ""
                    ),
                }
                for i in run.indicators
            ]
        ctx.update(
            run=run,
            scheme=run.scheme,
            chosen=chosen,
            tier=tier,
            page=page,
            rows=page.object_list,
            query=query.urlencode(),
            names=names,
            excluded=run.candidates - run.eligible,
        )
        return ctx


class RankingExport(PublicView):
    def get(self, request, pk):
        run = get_object_or_404(selectors.public_runs(), pk=pk)
        content = exports.ranking_xlsx(run)
        response = HttpResponse(content, content_type=exports.XLSX)
        response["Content-Disposition"] = content_disposition_header(True, exports.ranking_filename(run))
        return response


class NoticeDetail(PublicView):
    """The notice (公示) of a scheme's entries; while it is open anyone may object, leaving a contact."""

    template_name = "forerunner/notice.html"

    def notice(self) -> Notice:
        return get_object_or_404(selectors.public_notices(), pk=self.kwargs["pk"])

    def render(self, notice, form=None, status=200):
        entries = list(selectors.notice_entries(notice))
        open_entries = [e for e in entries if e.state == EntryState.IN_NOTICE]
        accepts = notice.accepts_objections()
        if form is None and accepts and open_entries:
            form = forms.ObjectionForm(entries=open_entries)
        ctx = {
            "notice": notice,
            "scheme": notice.scheme,
            "entries": entries,
            "accepts": accepts,
            "form": form if accepts else None,
            "objection_counts": dict(
                notice.objections.values_list("state").annotate(n=Count("id")).values_list("state", "n")
            ),
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, pk):
        return self.render(self.notice())

    def post(self, request, pk):
        notice = self.notice()
        entries = [e for e in selectors.notice_entries(notice) if e.state == EntryState.IN_NOTICE]
        form = forms.ObjectionForm(request.POST, entries=entries)
        if not notice.accepts_objections():
            form.add_error(None, _("不在公示期内,不能提出异议"))
            return self.render(notice, form, status=400)
        if form.is_valid():
            entry = next(e for e in entries if e.pk == form.cleaned_data["entry"])
            try:
                services.file_objection(request.user, notice, entry, form.cleaned_data)
            except ValidationError as exc:
                _attach(form, exc)
            except ratelimit.RateLimited as exc:
                form.add_error(None, exc.message)
                response = self.render(notice, form, status=429)
                response["Retry-After"] = str(exc.retry_after)
                return response
            else:
                messages.success(request, _("异议已提交,评估机构将核实处理并与您联系"))
                return HttpResponseRedirect(notice.get_absolute_url())
        return self.render(notice, form, status=400)


class ListDetail(PublicPage):
    template_name = "forerunner/list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        listing = get_object_or_404(
            ForerunnerList.objects.select_related("scheme__key_area"), pk=self.kwargs["pk"]
        )
        ctx.update(
            listing=listing,
            scheme=listing.scheme,
            entries=selectors.list_entries(listing),
            valid=listing.is_valid_on(),
            today=timezone.localdate(),
        )
        return ctx


class ListExport(PublicView):
    def get(self, request, pk):
        listing = get_object_or_404(ForerunnerList, pk=pk)
        response = HttpResponse(exports.list_xlsx(listing), content_type=exports.XLSX)
        response["Content-Disposition"] = content_disposition_header(True, exports.list_filename(listing))
        return response


# --- key areas (platform administrator) ------------------------------------------------------------------------


class FormPage(ScopedMixin, View):
    """One form that writes through a service; validation errors stay on the form (status 400)."""

    template_name = "forerunner/form.html"
    form_class = None
    title = ""
    multipart = False

    def get_object(self):
        return None

    def initial(self, obj) -> dict:
        return {}

    def make_form(self, obj, data=None, files=None):
        return self.form_class(data=data, files=files, initial=self.initial(obj))

    def cancel_url(self, obj) -> str:
        return obj.get_absolute_url() if obj is not None else reverse("forerunner:home")

    def render(self, form, obj, status=200):
        ctx = {
            "form": form,
            "object": obj,
            "title": self.title,
            "multipart": self.multipart,
            "cancel_url": self.cancel_url(obj),
            "version": getattr(obj, "updated_at", None).isoformat()
            if getattr(obj, "updated_at", None)
            else "",
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render(self.make_form(obj), obj)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.make_form(obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                saved = self.save(form, obj)
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("已保存"))
                return HttpResponseRedirect(self.success_url(saved))
        return self.render(form, obj, status=400)

    def success_url(self, saved) -> str:
        return saved.get_absolute_url()


class KeyAreaCreate(FormPage):
    scope_model = KeyArea
    scope_action = Action.ADD
    form_class = forms.KeyAreaForm
    title = gettext_lazy("新增重点领域")

    def initial(self, obj):
        return {"year": timezone.localdate().year}

    def save(self, form, obj):
        return services.create_key_area(self.request.user, form.cleaned_data)


class KeyAreaEdit(FormPage):
    scope_model = KeyArea
    scope_action = Action.CHANGE
    form_class = forms.KeyAreaForm
    title = gettext_lazy("编辑重点领域")

    def get_object(self):
        return get_object_or_404(self.scoped(Action.CHANGE), pk=self.kwargs["pk"])

    def initial(self, obj):
        return {f: getattr(obj, f) for f in ("year", "name", "category_codes", "description")}

    def save(self, form, obj):
        return services.update_key_area(
            self.request.user, obj, form.cleaned_data, self.request.POST.get("version") or None
        )


# --- evaluators: schemes -------------------------------------------------------------------------------------


class SchemeManageList(ScopedMixin, View):
    """The evaluator's own schemes, drafts included."""

    scope_model = EvaluationScheme
    scope_action = Action.CHANGE

    def get(self, request):
        rows = (
            self.scoped(Action.CHANGE)
            .select_related("key_area")
            .annotate(entry_count=Count("entries"))
            .order_by("-created_at", "-id")
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        ctx = {
            "page": page,
            "rows": page.object_list,
            "can_add": can(request.user, Action.ADD, EvaluationScheme)
            and getattr(request.user.institution, "kind", "") in services.evaluator_kinds(),
        }
        return render(request, "forerunner/manage_list.html", ctx)


class SchemeCreate(FormPage):
    scope_model = EvaluationScheme
    scope_action = Action.ADD
    form_class = forms.SchemeForm
    title = gettext_lazy("新建评估方案")

    def initial(self, obj):
        return {
            "weight_comprehensiveness": 20,
            "weight_advancedness": 60,
            "weight_conformity": 20,
            "top_n": 5,
            "validity_months": 12,
            "notice_days": 10,
        }

    def cancel_url(self, obj):
        return reverse("forerunner:scheme_manage_list")

    def save(self, form, obj):
        try:
            return services.create_scheme(self.request.user, form.cleaned_data)
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None


class SchemeMixin(ScopedMixin):
    """Pages on one of the evaluator's own schemes: another's is not found (404)."""

    scope_model = EvaluationScheme
    scope_action = Action.CHANGE

    def get_scheme(self) -> EvaluationScheme:
        return get_object_or_404(
            self.scoped(Action.CHANGE).select_related("key_area", "evaluator"), pk=self.kwargs["pk"]
        )


def manage_context(request, scheme: EvaluationScheme, **extra) -> dict:
    entries = list(
        scheme.entries.select_related("disclosure", "enterprise", "notice").order_by("-score", "id")
    )
    open_notice = scheme.notices.filter(state=Notice.State.OPEN).first()
    objections = (
        list(open_notice.objections.select_related("entry__disclosure", "entry__enterprise"))
        if open_notice
        else []
    )
    today = timezone.localdate()
    ctx = {
        "scheme": scheme,
        "indicators": selectors.indicators_by_role(scheme),
        "problems": services.scheme_problems(scheme) if scheme.state == SchemeState.DRAFT else [],
        "editable": scheme.state == SchemeState.DRAFT,
        "runs": scheme.runs.order_by("-computed_at", "-id")[:10],
        "entries": entries,
        # Entries held 待复核 go into no notice and no list: counted apart.
        "counts": {
            **{
                state: sum(1 for e in entries if e.shown_state == state and not e.pending_recheck)
                for state in EntryState.values
            },
            "pending": sum(1 for e in entries if e.pending_recheck and e.shown_state != EntryState.EXPIRED),
        },
        "open_notice": open_notice,
        "objections": objections,
        "resolve_form": forms.ResolveForm(),
        "notice_form": forms.NoticeForm(
            initial={"starts_on": today, "ends_on": today + datetime.timedelta(days=scheme.notice_days)}
        ),
        "list_form": forms.ListForm(),
        "lists": scheme.lists.order_by("-published_at"),
        "notices": scheme.notices.order_by("-starts_on", "-id"),
        "errors": [],
        "today": today,
    }
    ctx.update(extra)
    return ctx


class SchemeManage(SchemeMixin, View):
    def get(self, request, pk):
        scheme = self.get_scheme()
        return render(request, "forerunner/manage.html", manage_context(request, scheme))


class SchemeEdit(SchemeMixin, FormPage):
    form_class = forms.SchemeForm
    title = gettext_lazy("编辑评估方案")

    def get_object(self):
        return self.get_scheme()

    def cancel_url(self, obj):
        return reverse("forerunner:scheme_manage", args=[obj.pk])

    def initial(self, obj):
        return {f: getattr(obj, f) for f in services.SCHEME_FIELDS}

    def save(self, form, obj):
        return services.update_scheme(
            self.request.user, obj, form.cleaned_data, self.request.POST.get("version") or None
        )

    def success_url(self, saved):
        return reverse("forerunner:scheme_manage", args=[saved.pk])


class IndicatorAdd(SchemeMixin, FormPage):
    form_class = forms.IndicatorForm
    title = gettext_lazy("添加评估指标")

    def get_object(self):
        self.scheme = self.get_scheme()
        return None

    def cancel_url(self, obj):
        return reverse("forerunner:scheme_manage", args=[self.scheme.pk])

    def save(self, form, obj):
        services.add_indicator(self.request.user, self.scheme, form.service_data())
        return self.scheme

    def success_url(self, saved):
        return reverse("forerunner:scheme_manage", args=[saved.pk])


class IndicatorEdit(IndicatorAdd):
    title = gettext_lazy("编辑评估指标")

    def get_object(self):
        self.scheme = self.get_scheme()
        return get_object_or_404(SchemeIndicator.objects.filter(scheme=self.scheme), pk=self.kwargs["item"])

    def initial(self, obj):
        return forms.IndicatorForm.initial_for(obj)

    def save(self, form, obj):
        services.update_indicator(self.request.user, obj, form.service_data())
        return self.scheme


class SchemeAction(SchemeMixin, View):
    """A POST on the scheme's page; a refusal re-shows the page with the reasons (400)."""

    http_method_names = ["post"]

    def perform(self, scheme):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        scheme = self.get_scheme()
        try:
            message = self.perform(scheme)
        except ValidationError as exc:
            scheme.refresh_from_db()
            return self.refused(scheme, exc)
        except PermissionDenied as exc:
            scheme.refresh_from_db()
            return self.refused(scheme, ValidationError(str(exc)))
        messages.success(request, message)
        return HttpResponseRedirect(reverse("forerunner:scheme_manage", args=[scheme.pk]))

    def refused(self, scheme, exc, **extra):
        ctx = manage_context(self.request, scheme, errors=_errors(exc), **extra)
        return render(self.request, "forerunner/manage.html", ctx, status=400)


class IndicatorDelete(SchemeAction):
    def perform(self, scheme):
        indicator = get_object_or_404(SchemeIndicator.objects.filter(scheme=scheme), pk=self.kwargs["item"])
        services.remove_indicator(self.request.user, indicator)
        return _("已删除指标:%(n)s") % {"n": indicator.name}


class SchemePublish(SchemeAction):
    def perform(self, scheme):
        services.publish_scheme(self.request.user, scheme)
        return _("评估方案已发布")


class RankingRunView(SchemeAction):
    def perform(self, scheme):
        run = services.run_ranking(self.request.user, scheme)
        return _("排行已计算:参评 %(c)d 项,符合入榜条件 %(e)d 项,入围 %(s)d 项") % {
            "c": run.candidates,
            "e": run.eligible,
            "s": run.shortlisted,
        }


class NoticeStart(SchemeAction):
    def perform(self, scheme):
        form = forms.NoticeForm(self.request.POST)
        if not form.is_valid():
            self.form = form
            raise ValidationError(
                [f"{form.fields[f].label}:{e}" for f, errs in form.errors.items() for e in errs]
            )
        notice = services.start_notice(
            self.request.user, scheme, form.cleaned_data["starts_on"], form.cleaned_data["ends_on"]
        )
        return _("已开始公示,共 %(n)d 项") % {"n": notice.entries.count()}


class ListPublish(SchemeAction):
    def perform(self, scheme):
        form = forms.ListForm(self.request.POST)
        title = form.cleaned_data["title"] if form.is_valid() else ""
        listing = services.publish_list(self.request.user, scheme, title=title)
        return _("已发布名单“%(t)s”,有效期至 %(d)s") % {
            "t": listing.title,
            "d": listing.valid_until.isoformat(),
        }


class NoticeClose(ScopedMixin, View):
    scope_model = Notice
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, pk):
        notice = get_object_or_404(self.scoped(Action.CHANGE).select_related("scheme"), pk=pk)
        try:
            services.close_notice(request.user, notice)
        except ValidationError as exc:
            ctx = manage_context(request, notice.scheme, errors=_errors(exc))
            return render(request, "forerunner/manage.html", ctx, status=400)
        messages.success(request, _("公示已结束"))
        return HttpResponseRedirect(reverse("forerunner:scheme_manage", args=[notice.scheme_id]))


class ObjectionResolve(ScopedMixin, View):
    scope_model = Objection
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, pk):
        objection = get_object_or_404(self.scoped(Action.CHANGE).select_related("entry__scheme"), pk=pk)
        scheme = objection.entry.scheme
        form = forms.ResolveForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("请选择处理结果并填写处理意见"))
            services.resolve_objection(
                request.user,
                objection,
                upheld=form.cleaned_data["decision"] == "upheld",
                resolution=form.cleaned_data["resolution"],
            )
        except ValidationError as exc:
            ctx = manage_context(request, scheme, errors=_errors(exc))
            return render(request, "forerunner/manage.html", ctx, status=400)
        messages.success(request, _("异议已处理"))
        return HttpResponseRedirect(reverse("forerunner:scheme_manage", args=[scheme.pk]))


# --- enterprises: shortlisted standards --------------------------------------------------------------------------


class MyEntries(ScopedMixin, View):
    """The shortlisted standards the user acts on: its enterprise's (enterprise staff) or its schemes' (evaluator)."""

    scope_model = ShortlistEntry
    scope_action = Action.CHANGE

    def get(self, request):
        rows = (
            self.scoped(Action.CHANGE)
            .select_related("scheme", "disclosure", "enterprise")
            .order_by("-created_at", "-id")
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "forerunner/entries.html", {"page": page, "rows": page.object_list})


def entry_context(request, entry: ShortlistEntry, **extra) -> dict:
    user = request.user
    ctx = {
        "object": entry,
        "entry": entry,
        "documents": restrict(entry.documents.all(), user, Action.VIEW),
        "can_upload": entry.state == EntryState.SHORTLISTED
        and can(user, Action.ADD, EntryDocument, EntryDocument(entry=entry)),
        "missing": services.missing_for_commitment(entry) if entry.state == EntryState.SHORTLISTED else [],
        "upload_form": forms.UploadForm(),
        "can_manage": can(user, Action.CHANGE, EvaluationScheme, entry.scheme),
        "errors": [],
    }
    ctx.update(extra)
    return ctx


class EntryDetail(ScopedDetailView):
    scope_model = ShortlistEntry
    template_name = "forerunner/entry.html"

    def scoped(self, action=None):
        return (
            super().scoped(action).select_related("scheme__key_area", "disclosure", "enterprise", "listing")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(entry_context(self.request, ctx["object"]))
        return ctx


class EntryAction(ScopedMixin, View):
    scope_model = ShortlistEntry
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def refused(self, entry, **extra):
        return render(
            self.request, "forerunner/entry.html", entry_context(self.request, entry, **extra), status=400
        )

    def get_entry(self):
        return get_object_or_404(
            self.scoped(Action.CHANGE).select_related("scheme", "disclosure", "enterprise"),
            pk=self.kwargs["pk"],
        )


class EntryUpload(EntryAction):
    def post(self, request, pk):
        entry = self.get_entry()
        form = forms.UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.upload_document(
                    request.user, entry, form.cleaned_data["kind"], form.cleaned_data["file"]
                )
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("材料已上传"))
                return HttpResponseRedirect(entry.get_absolute_url())
        return self.refused(entry, upload_form=form)


class EntryCommit(EntryAction):
    def post(self, request, pk):
        entry = self.get_entry()
        try:
            services.submit_commitment(request.user, entry)
        except ValidationError as exc:
            return self.refused(entry, errors=_errors(exc))
        messages.success(request, _("已提交承诺书和证明材料,等待评估机构公示"))
        return HttpResponseRedirect(entry.get_absolute_url())


class DocumentDownload(ScopedMixin, View):
    scope_model = EntryDocument

    def get(self, request, pk):
        document = get_object_or_404(self.scoped(), pk=pk)
        try:
            handle = document.file.open("rb")
        except OSError:
            raise Http404(_("文件不存在")) from None
        return FileResponse(handle, as_attachment=True, filename=document.name)


class DocumentDelete(ScopedMixin, View):
    scope_model = EntryDocument
    scope_action = Action.DELETE
    http_method_names = ["post"]

    def post(self, request, pk):
        document = get_object_or_404(self.scoped(Action.DELETE).select_related("entry"), pk=pk)
        entry = document.entry
        try:
            services.remove_document(request.user, document)
        except ValidationError as exc:
            return render(
                request,
                "forerunner/entry.html",
                entry_context(request, entry, errors=_errors(exc)),
                status=400,
            )
        messages.success(request, _("材料已删除"))
        return HttpResponseRedirect(entry.get_absolute_url())

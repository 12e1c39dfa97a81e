"""Pages of benchmarking (对标达标): thin views over nqihub.benchmarking.services.

- everybody: the landing page with the counts per region, the advanced-standard database (search by product, ICS
  and number), published schemes, published and verified results with their printable report;
- experts, standardisation institutions, the administrator: maintain the database, author schemes and move them
  草稿 → 征求意见 → 已发布;
- enterprise staff: 新建对标 (pick a current disclosure → pick a scheme or standards → the comparison table → edit
  a value with evidence → publish);
- institution staff and regulators: verify a published result on a test report (达标).

Everything works without JavaScript: every action is a POST form with CSRF.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from nqihub.core.models import Role
from nqihub.core.records import EditConflict
from nqihub.core.regions import jurisdiction_prefix, region_name
from nqihub.core.scoping import Action, can, reach, restrict
from nqihub.core.views_base import PublicPage, ScopedDetailView, ScopedFormView, ScopedListView, ScopedMixin
from nqihub.standards.models import Disclosure, DisclosureState

from . import filters, forms, report, services
from .models import (
    AdvancedIndicator,
    AdvancedStandard,
    BenchmarkResult,
    BenchmarkScheme,
    ResultItem,
    ResultState,
    SchemeIndicator,
    SchemeStandard,
    SchemeState,
)

is_author = services.is_author


def _errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class AuthorMixin:
    """Pages that write the database or a scheme: refused (403) to institution staff of other kinds too."""

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and reach(request.user, self.scope_model, self.scope_action) is not None
        ):
            services.require_author(request.user)
        return super().dispatch(request, *args, **kwargs)


# --- landing page and counts ----------------------------------------------------------------------------------


def _region_param(request) -> str:
    code = (request.GET.get("region") or "").strip()
    return code if code.isdigit() and len(code) == 6 else ""


class Home(PublicPage):
    """What 对标达标 is, the counts "X家企业的Y项标准达到国际先进水平" (for a region with ?region=), and the actions
    the visitor's role has."""

    template_name = "benchmarking/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        region = _region_param(self.request)
        prefix = jurisdiction_prefix(region) if region else ""
        digits = {0: 2, 2: 4}.get(len(prefix), 6)
        by_region = services.international_counts_by_region(prefix, digits=digits)
        for row in by_region:
            row["name"] = region_name(row["region_code"])
        ctx.update(
            region=region,
            region_label=region_name(region) if region else _("全国"),
            counts=services.international_counts(prefix),
            levels=services.level_counts(prefix),
            by_region=by_region,
            standard_count=AdvancedStandard.objects.count(),
            scheme_count=BenchmarkScheme.objects.filter(state=SchemeState.PUBLISHED).count(),
            can_benchmark=reach(user, BenchmarkResult, Action.ADD) is not None,
            can_author=is_author(user),
            can_verify=getattr(user, "role", None) in (Role.INSTITUTION, Role.REGULATOR),
        )
        return ctx


# --- the advanced-standard database ----------------------------------------------------------------------------


class StandardList(ScopedListView):
    scope_model = AdvancedStandard
    filterset_class = filters.AdvancedStandardFilter
    template_name = "benchmarking/standard_list.html"
    export_kind = "advanced"

    def scoped(self, action=None):
        return (
            super()
            .scoped(action)
            .annotate(indicator_count=Count("indicators", distinct=True))
            .order_by("benchmark_class", "normalized_number")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_author"] = is_author(self.request.user)
        return ctx


def _standard_context(request, standard: AdvancedStandard, form=None) -> dict:
    author = is_author(request.user)
    return {
        "object": standard,
        "indicators": standard.indicators.all(),
        "schemes": services.schemes_visible_to(request.user).filter(scheme_standards__standard=standard),
        "can_author": author,
        "form": form or (forms.IndicatorForm() if author else None),
    }


class StandardDetail(ScopedDetailView):
    scope_model = AdvancedStandard
    template_name = "benchmarking/standard_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_standard_context(self.request, ctx["object"]))
        return ctx


class StandardCreate(AuthorMixin, ScopedFormView):
    scope_model = AdvancedStandard
    form_class = forms.AdvancedStandardForm
    create_service = services.create_advanced_standard
    update_service = services.update_advanced_standard


class StandardIndicatorAdd(AuthorMixin, ScopedMixin, View):
    scope_model = AdvancedIndicator
    scope_action = Action.ADD
    http_method_names = ["post"]

    def post(self, request, pk):
        standard = get_object_or_404(
            restrict(AdvancedStandard.objects.all(), request.user, Action.CHANGE), pk=pk
        )
        form = forms.IndicatorForm(request.POST)
        if form.is_valid():
            try:
                services.add_advanced_indicator(request.user, standard, form.cleaned_data)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已添加指标“%(n)s”") % {"n": form.cleaned_data["name"]})
                return HttpResponseRedirect(standard.get_absolute_url())
        ctx = _standard_context(request, standard, form)
        return render(request, "benchmarking/standard_detail.html", ctx, status=400)


class StandardIndicatorEdit(AuthorMixin, ScopedMixin, View):
    """Correct one indicator of an advanced standard (a typo in the requirement, the unit, the core mark)."""

    scope_model = AdvancedIndicator
    scope_action = Action.CHANGE
    template_name = "core/form.html"

    def row(self, pk, indicator) -> AdvancedIndicator:
        return get_object_or_404(self.scoped().select_related("standard"), pk=indicator, standard_id=pk)

    def render(self, row, form, version, status=200):
        ctx = {"form": form, "object": row, "model_meta": AdvancedIndicator._meta, "version": version}
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, pk, indicator):
        row = self.row(pk, indicator)
        form = forms.IndicatorForm(initial={f: getattr(row, f) for f in services.INDICATOR_FIELDS})
        return self.render(row, form, row.updated_at.isoformat())

    def post(self, request, pk, indicator):
        row = self.row(pk, indicator)
        form = forms.IndicatorForm(request.POST)
        version = request.POST.get("version") or None
        if form.is_valid():
            try:
                services.update_advanced_indicator(request.user, row, form.cleaned_data, version)
            except EditConflict as exc:
                form.add_error(None, exc)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已修改指标“%(n)s”") % {"n": form.cleaned_data["name"]})
                return HttpResponseRedirect(row.standard.get_absolute_url())
        return self.render(row, form, version or "", status=400)


class StandardIndicatorRemove(AuthorMixin, ScopedMixin, View):
    scope_model = AdvancedIndicator
    scope_action = Action.DELETE
    http_method_names = ["post"]

    def post(self, request, pk, indicator):
        row = get_object_or_404(self.scoped(), pk=indicator, standard_id=pk)
        services.remove_advanced_indicator(request.user, row)
        messages.success(request, _("已删除指标“%(n)s”") % {"n": row.name})
        return HttpResponseRedirect(reverse("benchmarking:standard_detail", args=[pk]))


# --- schemes ----------------------------------------------------------------------------------------------------


class SchemeList(ScopedListView):
    scope_model = BenchmarkScheme
    filterset_class = filters.SchemeFilter
    template_name = "benchmarking/scheme_list.html"

    def scoped(self, action=None):
        return (
            services.schemes_visible_to(self.request.user)
            .annotate(standard_count=Count("scheme_standards", distinct=True))
            .order_by("-published_at", "-id")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_author"] = is_author(self.request.user)
        return ctx


def _scheme_context(request, scheme: BenchmarkScheme, standard_form=None, indicator_form=None) -> dict:
    editable = (
        scheme.state != SchemeState.PUBLISHED
        and is_author(request.user)
        and can(request.user, Action.CHANGE, BenchmarkScheme, scheme)
    )
    rows = list(scheme.scheme_standards.select_related("standard").prefetch_related("standard__indicators"))
    compared = services.scheme_inputs(scheme)
    for row, inputs in zip(rows, compared, strict=True):
        row.compared = inputs.indicators
    return {
        "object": scheme,
        "rows": rows,
        "indicators": scheme.indicators.all(),
        "editable": editable,
        "standard_form": standard_form or (forms.SchemeStandardForm() if editable else None),
        "indicator_form": indicator_form or (forms.SchemeIndicatorForm() if editable else None),
        "can_benchmark": scheme.state == SchemeState.PUBLISHED
        and reach(request.user, BenchmarkResult, Action.ADD) is not None,
        "result_count": scheme.results.filter(state__in=services.PUBLIC_RESULT_STATES).count(),
    }


class SchemeDetail(ScopedMixin, View):
    scope_model = BenchmarkScheme

    def get(self, request, pk):
        scheme = get_object_or_404(services.schemes_visible_to(request.user), pk=pk)
        return render(request, "benchmarking/scheme_detail.html", _scheme_context(request, scheme))


class SchemeCreate(AuthorMixin, ScopedFormView):
    scope_model = BenchmarkScheme
    form_class = forms.SchemeForm
    create_service = services.create_scheme
    update_service = services.update_scheme


class SchemeChange(AuthorMixin, ScopedMixin, View):
    """POST actions on a scheme the user may edit; a scheme out of reach is 404."""

    scope_model = BenchmarkScheme
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def scheme(self, pk) -> BenchmarkScheme:
        return get_object_or_404(self.scoped(Action.CHANGE), pk=pk)

    def done(self, scheme, message):
        messages.success(self.request, message)
        return HttpResponseRedirect(scheme.get_absolute_url())

    def refused(self, scheme, exc: ValidationError, **forms_):
        if not forms_:
            for message in exc.messages:
                messages.error(self.request, message)
            return HttpResponseRedirect(scheme.get_absolute_url())
        form = next(iter(forms_.values()))
        _errors(form, exc)
        ctx = _scheme_context(self.request, scheme, **forms_)
        return render(self.request, "benchmarking/scheme_detail.html", ctx, status=400)


class SchemeStandardAdd(SchemeChange):
    def post(self, request, pk):
        scheme = self.scheme(pk)
        form = forms.SchemeStandardForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "benchmarking/scheme_detail.html",
                _scheme_context(request, scheme, standard_form=form),
                status=400,
            )
        try:
            row = services.add_scheme_standard(
                request.user,
                scheme,
                form.cleaned_data["standard"],
                form.cleaned_data["benchmark_class"] or None,
            )
        except ValidationError as exc:
            return self.refused(scheme, exc, standard_form=form)
        return self.done(scheme, _("已加入对标标准 %(n)s") % {"n": row.standard.number})


class SchemeStandardRemove(SchemeChange):
    def post(self, request, pk, row):
        scheme = self.scheme(pk)
        found = get_object_or_404(SchemeStandard, pk=row, scheme=scheme)
        try:
            services.remove_scheme_standard(request.user, found)
        except ValidationError as exc:
            return self.refused(scheme, exc)
        return self.done(scheme, _("已移除对标标准"))


class SchemeIndicatorAdd(SchemeChange):
    def post(self, request, pk):
        scheme = self.scheme(pk)
        form = forms.SchemeIndicatorForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "benchmarking/scheme_detail.html",
                _scheme_context(request, scheme, indicator_form=form),
                status=400,
            )
        try:
            services.add_scheme_indicator(request.user, scheme, form.cleaned_data)
        except ValidationError as exc:
            return self.refused(scheme, exc, indicator_form=form)
        return self.done(scheme, _("已加入比对指标“%(n)s”") % {"n": form.cleaned_data["name"]})


class SchemeIndicatorRemove(SchemeChange):
    def post(self, request, pk, row):
        scheme = self.scheme(pk)
        found = get_object_or_404(SchemeIndicator, pk=row, scheme=scheme)
        try:
            services.remove_scheme_indicator(request.user, found)
        except ValidationError as exc:
            return self.refused(scheme, exc)
        return self.done(scheme, _("已移除比对指标"))


class SchemeTransition(SchemeChange):
    """POST action=consult (草稿 → 征求意见) or action=publish (征求意见 → 已发布)."""

    def post(self, request, pk):
        scheme = self.scheme(pk)
        action = request.POST.get("action")
        steps = {
            "consult": (services.open_consultation, _("方案已发布征求意见稿")),
            "publish": (services.publish_scheme, _("方案已发布")),
        }
        if action not in steps:
            return self.refused(scheme, ValidationError(_("未知的操作")))
        service, message = steps[action]
        try:
            service(request.user, scheme)
        except ValidationError as exc:
            return self.refused(scheme, exc)
        return self.done(scheme, message)


# --- results ----------------------------------------------------------------------------------------------------


def _results(queryset):
    return queryset.select_related("enterprise", "disclosure", "scheme", "verified_by")


class ResultList(ScopedListView):
    """Published and verified results (public); enterprise staff see their own drafts too, regulators their
    jurisdiction's results."""

    scope_model = BenchmarkResult
    filterset_class = filters.ResultFilter
    template_name = "benchmarking/result_list.html"

    def scoped(self, action=None):
        return _results(super().scoped(action)).order_by("-published_at", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            can_benchmark=reach(user, BenchmarkResult, Action.ADD) is not None,
            can_verify=getattr(user, "role", None) in (Role.INSTITUTION, Role.REGULATOR),
        )
        return ctx


class ResultDetail(ScopedDetailView):
    scope_model = BenchmarkResult
    template_name = "benchmarking/result_detail.html"

    def scoped(self, action=None):
        return _results(super().scoped(action))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        result = ctx["object"]
        user = self.request.user
        owner = (
            user.is_authenticated
            and user.role == Role.ENTERPRISE
            and can(user, Action.CHANGE, BenchmarkResult, result)
        )
        ctx.update(
            groups=report.grouped_items(result),
            counts=report.verdict_counts(result),
            number=report.document_number(result),
            can_edit=owner and result.state == ResultState.DRAFT,
            can_verify=result.state == ResultState.PUBLISHED and services.can_verify(user, result),
            disclosure_visible=can(user, Action.VIEW, Disclosure, result.disclosure),
        )
        return ctx


class ResultNew(ScopedMixin, View):
    """新建对标. Step 1: pick one of the enterprise's current disclosures (GET ?disclosure=). Step 2: pick a published
    scheme (those for the disclosure's products first) or standards from the database; POST compares and opens the
    draft result (step 3: the comparison table)."""

    scope_model = BenchmarkResult
    scope_action = Action.ADD
    template_name = "benchmarking/result_new.html"

    def disclosures(self):
        return (
            restrict(Disclosure.objects.all(), self.request.user, Action.VIEW)
            .filter(state=DisclosureState.DISCLOSED, enterprise_id=self.request.user.enterprise_id)
            .prefetch_related("products", "indicators")
            .order_by("standard_number")
        )

    def schemes(self, disclosure):
        published = BenchmarkScheme.objects.filter(state=SchemeState.PUBLISHED).order_by("title")
        if disclosure is None:
            return published, False
        codes = {p.category_code for p in disclosure.products.all()}
        matching = [s.pk for s in published if any(code.startswith(s.category_code) for code in codes)]
        if matching:
            return published.filter(pk__in=matching), True
        return published, False

    def render(self, form, disclosure, status=200):
        schemes, matched = self.schemes(disclosure)
        ctx = {
            "form": form,
            "disclosure": disclosure,
            "disclosures": self.disclosures(),
            "schemes": schemes,
            "matched": matched,
        }
        return render(self.request, self.template_name, ctx, status=status)

    def make_form(self, disclosure, data=None):
        schemes, _matched = self.schemes(disclosure)
        initial = {"disclosure": disclosure} if disclosure is not None else {}
        return forms.NewResultForm(data, disclosures=self.disclosures(), schemes=schemes, initial=initial)

    def chosen(self, value):
        if not value:
            return None
        return get_object_or_404(self.disclosures(), pk=value) if str(value).isdigit() else None

    def get(self, request):
        disclosure = self.chosen(request.GET.get("disclosure"))
        initial_scheme = request.GET.get("scheme")
        form = self.make_form(disclosure)
        if initial_scheme and initial_scheme.isdigit():
            form.initial["scheme"] = int(initial_scheme)
        return self.render(form, disclosure)

    def post(self, request):
        disclosure = self.chosen(request.POST.get("disclosure"))
        form = self.make_form(disclosure, request.POST)
        if not form.is_valid():
            return self.render(form, disclosure, status=400)
        data = form.cleaned_data
        product = data["disclosure"].products.first()
        try:
            result = services.start_result(
                request.user,
                data["disclosure"],
                scheme=data.get("scheme"),
                standards=[] if data.get("scheme") else list(data.get("standards") or []),
                product=product,
            )
        except ValidationError as exc:
            _errors(form, exc)
            return self.render(form, disclosure, status=400)
        messages.success(
            request,
            _("比对完成:%(level)s。请核对各项结论,必要时修改数值并附证明材料,然后发布。")
            % {"level": result.get_level_display()},
        )
        return HttpResponseRedirect(result.get_absolute_url())


class EnterpriseOnly:
    """Writes on a result: enterprise staff of its enterprise only (institutions and regulators only verify)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role != Role.ENTERPRISE:
            raise PermissionDenied(_("只有企业用户可以修改本企业的对标结果"))
        return super().dispatch(request, *args, **kwargs)


class ItemEdit(EnterpriseOnly, ScopedMixin, View):
    """Edit the enterprise's value of one indicator, with evidence (a PDF/DOCX or a note)."""

    scope_model = ResultItem
    scope_action = Action.CHANGE
    template_name = "benchmarking/item_edit.html"

    def item(self, pk) -> ResultItem:
        # Only a draft's values change: a published result's items have no edit page.
        drafts = self.scoped(Action.CHANGE).filter(result__state=ResultState.DRAFT)
        return get_object_or_404(drafts.select_related("result__disclosure", "result__enterprise"), pk=pk)

    def render(self, item, form, status=200):
        related = item.result.items.filter(indicator_key=item.indicator_key) if item.indicator_key else [item]
        ctx = {"item": item, "result": item.result, "form": form, "related": related}
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, pk):
        item = self.item(pk)
        form = forms.ItemEditForm(
            initial={
                "requirement": item.enterprise_requirement,
                "unit": item.enterprise_unit or item.benchmark_unit,
            }
        )
        return self.render(item, form)

    def post(self, request, pk):
        item = self.item(pk)
        form = forms.ItemEditForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(item, form, status=400)
        try:
            services.edit_item(
                request.user,
                item,
                requirement=form.cleaned_data["requirement"],
                unit=form.cleaned_data["unit"],
                evidence=form.cleaned_data.get("evidence"),
                evidence_note=form.cleaned_data["evidence_note"],
            )
        except ValidationError as exc:
            _errors(form, exc)
            return self.render(item, form, status=400)
        messages.success(request, _("已修改“%(n)s”并重新比对") % {"n": item.indicator})
        return HttpResponseRedirect(f"{item.result.get_absolute_url()}#item-{item.pk}")


class ItemConfirm(EnterpriseOnly, ScopedMixin, View):
    """POST: accept an item's fuzzy candidate as the same indicator."""

    scope_model = ResultItem
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, pk):
        item = get_object_or_404(self.scoped(Action.CHANGE), pk=pk)
        try:
            services.confirm_candidate(request.user, item)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("已确认“%(a)s”即“%(b)s”") % {"a": item.candidate, "b": item.indicator}
            )
        return HttpResponseRedirect(item.result.get_absolute_url())


class ResultPublish(EnterpriseOnly, ScopedMixin, View):
    scope_model = BenchmarkResult
    scope_action = Action.CHANGE
    http_method_names = ["post"]

    def post(self, request, pk):
        result = get_object_or_404(self.scoped(Action.CHANGE), pk=pk)
        try:
            services.publish_result(request.user, result)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("对标结果已发布"))
        return HttpResponseRedirect(result.get_absolute_url())


class ResultDiscard(EnterpriseOnly, ScopedMixin, View):
    """POST: the enterprise discards one of its drafts (a published result is never discarded)."""

    scope_model = BenchmarkResult
    scope_action = Action.DELETE
    http_method_names = ["post"]

    def post(self, request, pk):
        result = get_object_or_404(self.scoped(Action.DELETE), pk=pk)
        try:
            services.discard_result(request.user, result)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(result.get_absolute_url())
        messages.success(request, _("已放弃对标结果草稿"))
        return HttpResponseRedirect(reverse("benchmarking:result_list"))


class ResultVerify(ScopedMixin, View):
    """达标验证: institution staff and regulators (of the result's region) upload the test report of a published
    result and mark it verified."""

    scope_model = BenchmarkResult
    scope_action = Action.CHANGE
    template_name = "benchmarking/result_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role not in (Role.INSTITUTION, Role.REGULATOR):
            raise PermissionDenied(_("只有技术机构或监管人员可以验证对标结果"))
        return super().dispatch(request, *args, **kwargs)

    def result(self, pk) -> BenchmarkResult:
        visible = restrict(BenchmarkResult.objects.all(), self.request.user, Action.VIEW)
        return get_object_or_404(_results(visible & self.scoped(Action.CHANGE)), pk=pk)

    def render(self, result, form, status=200):
        ctx = {"result": result, "form": form, "groups": report.grouped_items(result)}
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, pk):
        return self.render(self.result(pk), forms.VerifyForm())

    def post(self, request, pk):
        result = self.result(pk)
        form = forms.VerifyForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(result, form, status=400)
        try:
            services.verify_result(
                request.user, result, form.cleaned_data["test_report"], form.cleaned_data["note"]
            )
        except ValidationError as exc:
            _errors(form, exc)
            return self.render(result, form, status=400)
        messages.success(request, _("已验证达标"))
        return HttpResponseRedirect(result.get_absolute_url())


class ResultReport(ScopedMixin, View):
    scope_model = BenchmarkResult

    def get(self, request, pk):
        result = get_object_or_404(_results(self.scoped()), pk=pk)
        return HttpResponse(report.render_html(result, toolbar=True, request=request))


class ResultReportPdf(ScopedMixin, View):
    scope_model = BenchmarkResult

    def get(self, request, pk):
        result = get_object_or_404(_results(self.scoped()), pk=pk)
        response = HttpResponse(report.render_pdf(result), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, report.report_filename(result))
        return response


def _file_response(field, name: str):
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = "application/pdf" if field.name.endswith(".pdf") else None
    return FileResponse(
        handle, as_attachment=True, filename=name or field.name.rsplit("/", 1)[-1], content_type=content_type
    )


class TestReportFile(ScopedMixin, View):
    """The verification's test report, for whoever reads the result."""

    scope_model = BenchmarkResult

    def get(self, request, pk):
        result = get_object_or_404(self.scoped(), pk=pk)
        return _file_response(result.test_report, result.test_report_name)


class EvidenceFile(ScopedMixin, View):
    """The evidence the enterprise attached to an edited value, for whoever reads the result."""

    scope_model = ResultItem

    def get(self, request, pk):
        item = get_object_or_404(self.scoped(), pk=pk)
        return _file_response(item.evidence, item.evidence_name)


def nav_items(user) -> list:
    """Menu entries (nqihub.core.navigation): enterprise staff benchmark their standards; a regulator reads its
    jurisdiction's results."""
    from nqihub.core.navigation import NavItem
    from nqihub.core.scoping import Reach

    if reach(user, BenchmarkResult, Action.ADD) is not None:
        return [NavItem(_("我的对标"), reverse("benchmarking:result_list"))]
    if reach(user, BenchmarkResult, Action.VIEW) is Reach.JURISDICTION:
        return [NavItem(_("辖区对标结果"), reverse("benchmarking:result_list"))]
    return []

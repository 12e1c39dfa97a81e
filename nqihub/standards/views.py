"""Pages of the enterprise self-declaration (企业标准自我声明公开): thin views over nqihub.standards.services.

Enterprise staff see their own disclosures in every state and fill in drafts; regulators, institutions, experts,
the administrator and the public read the disclosures made public (regulators within their jurisdiction).
Everything works without JavaScript: choosing a catalogue standard is a GET search form, every change is a
POST form with CSRF, and a refused change re-shows its form with the reason next to the field.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from nqihub.core.scoping import Action, can, restrict
from nqihub.core.views_base import ScopedDetailView, ScopedListView, ScopedMixin
from nqihub.engines import stdnum
from nqihub.engines.text import fold_text

from . import documents, forms, services
from .models import (
    CatalogueStandard,
    CommitmentRole,
    Disclosure,
    DisclosureKind,
    DisclosureState,
    Indicator,
    Product,
)

CATALOGUE_RESULTS = 20
# What the requirement engine read an indicator as (nqihub.engines.requirements kinds), for the detail page.
REQUIREMENT_KINDS = {
    "max": gettext_lazy("上限"),
    "min": gettext_lazy("下限"),
    "range": gettext_lazy("范围"),
    "absent": gettext_lazy("不得检出"),
    "sampling_plan": gettext_lazy("采样方案"),
    "qualitative": gettext_lazy("定性要求"),
    "reference": gettext_lazy("引用标准"),
    "not_applicable": gettext_lazy("不适用"),
}


def search_catalogue(query: str, limit: int = CATALOGUE_RESULTS) -> list[CatalogueStandard]:
    """Catalogue standards an enterprise may declare, matching a typed number (any spelling: full-width,
    no spaces, without the year) or a piece of the title; current editions first."""
    text = fold_text(query or "")[:200]
    if not text:
        return []
    folded = stdnum.fold(text)
    parsed = stdnum.parse(text)
    condition = Q(title_zh__icontains=text) | Q(normalized_number__icontains=folded)
    if parsed.ok:
        condition |= Q(normalized_number=parsed.normalized) | Q(base_number=parsed.normalized)
    rows = (
        CatalogueStandard.objects.filter(condition, family__in=services.EXTERNAL_FAMILIES)
        .select_related("replaced_by")
        .order_by("normalized_number")[: limit * 3]
    )
    declarable = set(services.DECLARABLE_STATUSES)
    return sorted(rows, key=lambda r: (r.status not in declarable, r.normalized_number))[:limit]


def _catalogue_results(query: str) -> list[dict]:
    return [{"standard": row, "problem": services.catalogue_problem(row)} for row in search_catalogue(query)]


def _attach_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def version_history(disclosure: Disclosure, user) -> list[Disclosure]:
    """The versions of this disclosure's chain the user may see, newest first."""
    chain = [disclosure]
    seen = {disclosure.pk}
    current = disclosure
    while current.previous_id and current.previous_id not in seen:
        current = Disclosure.objects.get(pk=current.previous_id)
        chain.append(current)
        seen.add(current.pk)
    current = disclosure
    while (
        following := Disclosure.objects.filter(previous_id=current.pk).first()
    ) and following.pk not in seen:
        chain.insert(0, following)
        seen.add(following.pk)
        current = following
    visible = set(
        restrict(Disclosure.objects.filter(pk__in=seen), user, Action.VIEW).values_list("pk", flat=True)
    )
    return [d for d in chain if d.pk in visible]


# --- reading ------------------------------------------------------------------------------------------------


class DisclosureList(ScopedListView):
    """Enterprise staff: their workspace (every state). Others: the public disclosures they may read."""

    scope_model = Disclosure
    filterset_class = forms.DisclosureFilter
    template_name = "standards/disclosure/list.html"

    def scoped(self, action=None):
        return (
            super()
            .scoped(action)
            .select_related("enterprise", "catalogue_standard")
            .annotate(product_count=Count("products", distinct=True))
            # Drafts (not yet disclosed) first, then the newest disclosures; the same on SQLite and PostgreSQL.
            .order_by(F("disclosed_at").desc(nulls_first=True), "-id")
        )


class DisclosureDetail(ScopedDetailView):
    scope_model = Disclosure
    template_name = "standards/disclosure/detail.html"

    def scoped(self, action=None):
        return super().scoped(action).select_related("enterprise", "catalogue_standard", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        d = ctx["object"]
        editable = ctx["can_change"] and d.state == DisclosureState.DRAFT
        indicators = list(d.indicators.all())
        for indicator in indicators:
            kind = (indicator.parsed or {}).get("kind")
            indicator.kind_label = REQUIREMENT_KINDS.get(kind, kind or "")
        ctx.update(
            products=list(d.products.all()),
            indicators=indicators,
            history=version_history(d, self.request.user),
            editable=editable,
            can_revise=ctx["can_change"]
            and d.state == DisclosureState.DISCLOSED
            and not Disclosure.objects.filter(previous=d).exists(),
            can_abolish=ctx["can_change"] and d.state == DisclosureState.DISCLOSED,
            commitment_role=(
                CommitmentRole(d.commitment_signatory_role).label
                if d.commitment_signatory_role in CommitmentRole.values
                else d.commitment_signatory_role
            ),
        )
        if editable:
            legal = d.enterprise.legal_representative
            ctx.update(
                missing=services.missing_for_disclosure(d),
                product_form=forms.ProductForm(auto_id="id_product_%s"),
                indicator_form=forms.IndicatorForm(auto_id="id_indicator_%s"),
                document_form=forms.DocumentForm(),
                commitment_form=forms.CommitmentForm(initial={"signatory": legal} if legal else None),
            )
        return ctx


class DisclosureDocument(ScopedMixin, View):
    """The stored text of a disclosure, for whoever may read the disclosure."""

    scope_model = Disclosure

    def get(self, request, pk):
        d = get_object_or_404(self.scoped(), pk=pk)
        if not d.document or d.document_type not in documents.CONTENT_TYPES:
            raise Http404(_("该声明没有上传标准文本"))
        try:
            handle = d.document.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404(_("标准文本文件不存在")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=d.document_name or f"standard.{d.document_type}",
            content_type=documents.CONTENT_TYPES[d.document_type],
        )


# --- creating -----------------------------------------------------------------------------------------------


class DisclosureCreate(ScopedMixin, View):
    """Choose the kind: a catalogue standard (search by number or title, then pick) or an own standard (typed)."""

    scope_model = Disclosure
    scope_action = Action.ADD
    template_name = "standards/disclosure/create.html"

    def enterprise(self):
        enterprise = getattr(self.request.user, "enterprise", None)
        if enterprise is None:
            raise PermissionDenied(_("您的账号没有绑定企业,不能填报标准声明"))
        return enterprise

    def render(self, *, search_form=None, own_form=None, pick_errors=(), status=200):
        search_form = search_form or forms.CatalogueSearchForm(self.request.GET or None)
        query = search_form.cleaned_data.get("q", "") if search_form.is_valid() else ""
        ctx = {
            "search_form": search_form,
            "query": query,
            "results": _catalogue_results(query) if query else [],
            "own_form": own_form or forms.OwnStandardForm(),
            "pick_errors": pick_errors,
            "action_url": reverse("standards:disclosure_create"),
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request):
        self.enterprise()
        return self.render()

    def post(self, request):
        enterprise = self.enterprise()
        if request.POST.get("kind") == DisclosureKind.EXTERNAL:
            pick = forms.PickStandardForm(request.POST)
            if not pick.is_valid():
                return self.render(pick_errors=[_("请从检索结果中选取一个标准")], status=400)
            try:
                d = services.start_disclosure(
                    request.user, enterprise, catalogue_standard=pick.cleaned_data["catalogue_standard"]
                )
            except ValidationError as exc:
                return self.render(pick_errors=exc.messages, status=400)
        else:
            own = forms.OwnStandardForm(request.POST)
            if not own.is_valid():
                return self.render(own_form=own, status=400)
            try:
                d = services.start_disclosure(
                    request.user, enterprise, kind=DisclosureKind.ENTERPRISE, **own.cleaned_data
                )
            except ValidationError as exc:
                _attach_errors(own, exc)
                return self.render(own_form=own, status=400)
        messages.success(request, _("已创建草稿:%(d)s") % {"d": d})
        return HttpResponseRedirect(d.get_absolute_url())


# --- changing a draft ---------------------------------------------------------------------------------------


class DraftMixin(ScopedMixin):
    """Pages that change one of the user's own disclosures: another enterprise's is not found (404)."""

    scope_model = Disclosure
    scope_action = Action.CHANGE
    item_model: type[Product] | type[Indicator] | None = None  # a row of the disclosure named by <item>

    def dispatch(self, request, *args, **kwargs):
        # Rows are resolved only for roles that may change disclosures at all (others: 403 / login first).
        if can(request.user, Action.CHANGE, Disclosure):
            self.disclosure = get_object_or_404(
                self.scoped(Action.CHANGE).select_related("enterprise", "catalogue_standard"), pk=kwargs["pk"]
            )
            self.item = (
                get_object_or_404(
                    self.item_model.objects.filter(disclosure=self.disclosure), pk=kwargs["item"]
                )
                if self.item_model
                else None
            )
        return super().dispatch(request, *args, **kwargs)


class DraftFormView(DraftMixin, View):
    """One form that changes a draft through a service; errors stay on the form (status 400)."""

    form_class = None
    template_name = "standards/disclosure/form.html"
    title = ""
    multipart = False

    def initial(self) -> dict:
        return {}

    def make_form(self, data=None, files=None):
        return self.form_class(data=data, files=files, initial=self.initial())

    def save(self, form):
        raise NotImplementedError

    def context(self) -> dict:
        return {}

    def render(self, form, status=200):
        ctx = {
            "form": form,
            "object": self.disclosure,
            "item": self.item,
            "title": self.title,
            "multipart": self.multipart,
            **self.context(),
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        if self.disclosure.state != DisclosureState.DRAFT:
            messages.warning(request, _("只有草稿可以修改;如需变更请先修订(生成新版本)"))
            return HttpResponseRedirect(self.disclosure.get_absolute_url())
        return self.render(self.make_form())

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.save(form)
            except ValidationError as exc:
                _attach_errors(form, exc)
            else:
                messages.success(request, _("已保存"))
                return HttpResponseRedirect(self.disclosure.get_absolute_url())
        return self.render(form, status=400)


class DisclosureEdit(DraftFormView):
    """An own standard's number, title and 明示 statement; for an external one the statement, and another
    catalogue standard (a new edition) picked through the same search as on the create page."""

    title = gettext_lazy("编辑标准信息")

    def make_form(self, data=None, files=None):
        if self.disclosure.is_own_standard:
            return forms.OwnStandardForm(data=data, initial=self.initial())
        return forms.ExternalDraftForm(data=data, initial=self.initial())

    def initial(self):
        d = self.disclosure
        return {"number": d.standard_number, "title": d.title, "explicit_statement": d.explicit_statement}

    def context(self):
        if self.disclosure.is_own_standard:
            return {}
        search = forms.CatalogueSearchForm(self.request.GET or None)
        query = search.cleaned_data.get("q", "") if search.is_valid() else ""
        return {
            "search_form": search,
            "query": query,
            "results": _catalogue_results(query) if query else [],
            "action_url": self.request.path,
            "pick_errors": getattr(self, "pick_errors", []),
        }

    def post(self, request, *args, **kwargs):
        if "catalogue_standard" not in request.POST:
            return super().post(request, *args, **kwargs)
        pick = forms.PickStandardForm(request.POST)
        try:
            if not pick.is_valid():
                raise ValidationError(_("请从检索结果中选取一个标准"))
            services.update_draft(
                request.user, self.disclosure, {"catalogue_standard": pick.cleaned_data["catalogue_standard"]}
            )
        except ValidationError as exc:
            self.pick_errors = exc.messages
            return self.render(self.make_form(), status=400)
        messages.success(request, _("已改为声明执行 %(n)s") % {"n": self.disclosure.standard_number})
        return HttpResponseRedirect(self.disclosure.get_absolute_url())

    def save(self, form):
        data = dict(form.cleaned_data)
        services.update_draft(
            self.request.user, self.disclosure, data, self.request.POST.get("version") or None
        )


class ProductAdd(DraftFormView):
    form_class = forms.ProductForm
    title = gettext_lazy("添加产品")

    def save(self, form):
        services.add_product(self.request.user, self.disclosure, form.cleaned_data)


class ProductEdit(DraftFormView):
    form_class = forms.ProductForm
    item_model = Product
    title = gettext_lazy("编辑产品")

    def initial(self):
        return {f: getattr(self.item, f) for f in services.PRODUCT_FIELDS}

    def save(self, form):
        services.update_product(self.request.user, self.item, form.cleaned_data)


class IndicatorAdd(DraftFormView):
    form_class = forms.IndicatorForm
    title = gettext_lazy("添加技术指标")

    def save(self, form):
        services.add_indicator(self.request.user, self.disclosure, form.cleaned_data)


class IndicatorEdit(DraftFormView):
    form_class = forms.IndicatorForm
    item_model = Indicator
    title = gettext_lazy("编辑技术指标")

    def initial(self):
        return {f: getattr(self.item, f) for f in services.INDICATOR_FIELDS}

    def save(self, form):
        services.update_indicator(self.request.user, self.item, form.cleaned_data)


class DocumentUpload(DraftFormView):
    form_class = forms.DocumentForm
    title = gettext_lazy("上传标准文本")
    multipart = True

    def context(self):
        return {"max_size": documents.human_size(documents.max_upload_bytes())}

    def save(self, form):
        services.attach_document(self.request.user, self.disclosure, form.cleaned_data["document"])


class CommitmentSign(DraftFormView):
    form_class = forms.CommitmentForm
    title = gettext_lazy("签署承诺书")

    def initial(self):
        legal = self.disclosure.enterprise.legal_representative
        return {"signatory": legal} if legal else {}

    def save(self, form):
        data = form.cleaned_data
        services.sign_commitment(self.request.user, self.disclosure, data["signatory"], data["role"])


# --- actions: GET shows a confirmation, POST does it ---------------------------------------------------------


class DisclosureAction(DraftMixin, View):
    template_name = "standards/disclosure/confirm.html"
    title = ""
    question = ""
    button = ""
    danger = False

    def perform(self):
        """Run the service; return the page to go to next."""
        raise NotImplementedError

    def extra(self) -> dict:
        return {}

    def render(self, errors=(), status=200):
        ctx = {
            "object": self.disclosure,
            "item": self.item,
            "title": self.title,
            "question": self.question,
            "button": self.button,
            "danger": self.danger,
            "errors": errors,
            **self.extra(),
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        try:
            target = self.perform()
        except ValidationError as exc:
            return self.render(errors=exc.messages, status=400)
        return HttpResponseRedirect(target)


class DisclosureDisclose(DisclosureAction):
    title = gettext_lazy("公开标准声明")
    question = gettext_lazy(
        "公开后,该标准声明将在平台上向社会公开,状态为“现行有效”,不能再修改(可修订或废止)。"
    )
    button = gettext_lazy("确认公开")

    def extra(self):
        draft = self.disclosure.state == DisclosureState.DRAFT
        return {"missing": services.missing_for_disclosure(self.disclosure) if draft else []}

    def perform(self):
        d = services.disclose(self.request.user, self.disclosure)
        messages.success(self.request, _("已公开:%(d)s,状态为现行有效") % {"d": d})
        return d.get_absolute_url()


class DisclosureRevise(DisclosureAction):
    title = gettext_lazy("修订标准声明")
    question = gettext_lazy(
        "将生成新版本草稿,复制现有的产品和指标;新版本公开后,本版本变为“已修订”,历史版本保留可查。"
    )
    button = gettext_lazy("生成修订草稿")

    def perform(self):
        d = services.revise(self.request.user, self.disclosure)
        messages.success(self.request, _("已生成版本 %(v)d 的修订草稿") % {"v": d.version})
        return d.get_absolute_url()


class DisclosureAbolish(DisclosureAction):
    title = gettext_lazy("废止标准声明")
    question = gettext_lazy("废止后,该声明仍公开可查,状态为“废止”,表示本企业不再执行该标准。此操作不能撤销。")
    button = gettext_lazy("确认废止")
    danger = True

    def perform(self):
        d = services.abolish(self.request.user, self.disclosure)
        messages.success(self.request, _("已废止:%(d)s") % {"d": d})
        return d.get_absolute_url()


class DisclosureDiscard(DisclosureAction):
    title = gettext_lazy("删除草稿")
    question = gettext_lazy("删除这份尚未公开的草稿及其产品、指标和上传的文本。此操作不能撤销。")
    button = gettext_lazy("确认删除")
    danger = True

    def perform(self):
        services.discard_draft(self.request.user, self.disclosure)
        messages.success(self.request, _("草稿已删除"))
        return reverse("standards:disclosure_list")


class DocumentRemove(DisclosureAction):
    title = gettext_lazy("删除标准文本")
    question = gettext_lazy("删除已上传的标准文本?")
    button = gettext_lazy("确认删除")
    danger = True

    def perform(self):
        services.remove_document(self.request.user, self.disclosure)
        messages.success(self.request, _("标准文本已删除"))
        return self.disclosure.get_absolute_url()


class ProductRemove(DisclosureAction):
    item_model = Product
    title = gettext_lazy("删除产品")
    question = gettext_lazy("从该声明中删除这个产品?")
    button = gettext_lazy("确认删除")
    danger = True

    def perform(self):
        services.remove_product(self.request.user, self.item)
        messages.success(self.request, _("已删除产品:%(p)s") % {"p": self.item})
        return self.disclosure.get_absolute_url()


class IndicatorRemove(DisclosureAction):
    item_model = Indicator
    title = gettext_lazy("删除技术指标")
    question = gettext_lazy("从该声明中删除这项指标?")
    button = gettext_lazy("确认删除")
    danger = True

    def perform(self):
        services.remove_indicator(self.request.user, self.item)
        messages.success(self.request, _("已删除指标:%(i)s") % {"i": self.item.name})
        return self.disclosure.get_absolute_url()

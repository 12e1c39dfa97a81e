"""Public search pages and API: anonymous, JavaScript-free, crawlable.

Every disclosure shown here is loaded either from the search index (which only ever holds published
disclosures) and then through `restrict()` as the public, or directly through `restrict()` as the public —
whoever is logged in, these pages show what the public sees, and never a draft.
"""

from dataclasses import dataclass
from functools import lru_cache

from django import forms
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from nqihub.core.models import Industry, Region
from nqihub.core.regions import region_name
from nqihub.core.views_base import PublicPage
from nqihub.engines.search_text import MAX_QUERY_LENGTH, facet_value
from nqihub.engines.text import fold_identifier
from nqihub.registry.models import Enterprise

from .models import Disclosure, DisclosureState, Indicator, Product, StandardFamily
from .search import (
    COUNT_LIMIT,
    MAX_PAGE_SIZE,
    MAX_RESULTS,
    PAGE_SIZE,
    SearchRequest,
    SearchResults,
    SearchStatus,
    public_disclosures,
    search_disclosures,
)

_PRODUCTS = Prefetch("products", queryset=Product.objects.order_by("position", "id"))
_INDICATORS = Prefetch("indicators", queryset=Indicator.objects.order_by("position", "id"))


# --- the form shared by the page and the API ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _region_choices() -> tuple:
    provinces = Region.objects.filter(is_active=True, level="province").order_by("code")
    cities = Region.objects.filter(is_active=True, level="prefecture").order_by("code")
    by_province: dict[str, list] = {}
    for city in cities:
        by_province.setdefault(city.code[:2], []).append((city.code[:4], f"— {city.name}"))
    return tuple((p.name, [(p.code[:2], p.name), *by_province.get(p.code[:2], [])]) for p in provinces)


@lru_cache(maxsize=1)
def _industry_choices() -> tuple:
    divisions: dict[str, list] = {}
    for node in Industry.objects.filter(level=2).order_by("code"):
        divisions.setdefault(node.section, []).append((node.code, f"— {node.code} {node.name}"))
    return tuple(
        (f"{s.code} {s.name}", [(s.code, f"{s.code} {s.name}"), *divisions.get(s.code, [])])
        for s in Industry.objects.filter(level=1).order_by("code")
    )


def _choices(loader):
    # Reference data may be loaded after the first request: an empty list is not kept.
    found = loader()
    if not found:
        loader.cache_clear()
    return [("", _("全部")), *found]


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("关键词"), required=False, max_length=MAX_QUERY_LENGTH)
    region = forms.CharField(label=gettext_lazy("地区"), required=False, max_length=6)
    industry = forms.CharField(label=gettext_lazy("行业"), required=False, max_length=4)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=SearchStatus.choices, initial=SearchStatus.CURRENT
    )
    family = forms.ChoiceField(
        label=gettext_lazy("标准类别"),
        required=False,
        choices=[("", gettext_lazy("全部")), *StandardFamily.choices],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    page_size = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"class": "form-control", "placeholder": _("企业名称、统一社会信用代码、产品、标准号或标准名称")}
        )
        self.fields["region"].widget = forms.Select(choices=_choices(_region_choices))
        self.fields["industry"].widget = forms.Select(choices=_choices(_industry_choices))
        for name in ("region", "industry", "status", "family"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean_region(self) -> str:
        value = self.cleaned_data["region"].strip()
        if value and facet_value("region", value) is None:
            raise forms.ValidationError(_("地区应为 2、4 或 6 位行政区划代码"))
        return value

    def clean_industry(self) -> str:
        value = self.cleaned_data["industry"].strip().upper()
        if value and facet_value("industry", value) is None:
            raise forms.ValidationError(_("行业应为国民经济行业分类的门类字母或 2–4 位代码"))
        return value

    def search_request(self) -> SearchRequest:
        """The request for the valid fields (an invalid filter is left out, and shown with its error)."""
        data = self.cleaned_data if self.is_bound else {}
        return SearchRequest(
            q=data.get("q") or "",
            region=data.get("region") or "",
            industry=data.get("industry") or "",
            status=data.get("status") or SearchStatus.CURRENT,
            family=data.get("family") or "",
            page=data.get("page") or 1,
            page_size=data.get("page_size") or PAGE_SIZE,
        )


def run_search(params) -> tuple[SearchForm, SearchResults]:
    form = SearchForm(params)
    form.is_valid()
    return form, search_disclosures(form.search_request())


def region_label(code: str) -> str:
    """Province, city and county names of a region code (cached look-ups)."""
    if not code or len(code) != 6:
        return code or ""
    parts = [code[:2] + "0000", code[:4] + "00", code]
    return " ".join(dict.fromkeys(n for n in (region_name(c) for c in parts) if n)) or code


# --- pages ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    """Where a page of results sits: previous and next links (the page count is not always known)."""

    number: int
    has_next: bool
    has_previous: bool

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class SearchPage(PublicPage):
    template_name = "standards/search/search.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, results = run_search(self.request.GET)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            form=form,
            results=results,
            hits=[(hit, region_label(hit.disclosure.region_code)) for hit in results.hits],
            page=_Page(results.page, results.has_next, results.has_previous),
            query=query.urlencode(),
            max_results=MAX_RESULTS,
        )
        return ctx


class EnterprisePage(PublicPage):
    """An enterprise as the public sees it: every standard it has disclosed, with products, indicators and
    test methods (原料配比、检验方法一目了然)."""

    template_name = "standards/search/enterprise.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        enterprise = get_object_or_404(Enterprise, uscc=fold_identifier(self.kwargs["uscc"]))
        disclosures = list(
            public_disclosures()
            .filter(enterprise=enterprise, state__in=[DisclosureState.DISCLOSED, DisclosureState.ABOLISHED])
            .select_related("catalogue_standard")
            .prefetch_related(_PRODUCTS, _INDICATORS)
            .order_by("-disclosed_at", "-id")
        )
        if not disclosures:
            # Only enterprises that have disclosed something have a public page.
            raise Http404(_("该企业没有公开的标准"))
        ctx.update(
            enterprise=enterprise,
            region=region_label(enterprise.region_code),
            industry=Industry.objects.filter(code=enterprise.industry_code).first(),
            current=[d for d in disclosures if d.state == DisclosureState.DISCLOSED],
            abolished=[d for d in disclosures if d.state == DisclosureState.ABOLISHED],
        )
        return ctx


class DisclosurePage(PublicPage):
    template_name = "standards/search/disclosure.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        disclosure = get_object_or_404(
            public_disclosures()
            .select_related("enterprise", "catalogue_standard")
            .prefetch_related(_PRODUCTS, _INDICATORS),
            pk=self.kwargs["pk"],
        )
        ctx.update(
            disclosure=disclosure,
            region=region_label(disclosure.region_code),
            versions=list(_published_versions(disclosure)),
        )
        return ctx


def _published_versions(disclosure: Disclosure):
    """Every published version of the same standard declaration, newest first."""
    chain = [disclosure]
    seen = {disclosure.pk}
    cursor = disclosure
    # Bounded walks: a chain longer than this is not a real revision history.
    for _step in range(100):
        following = public_disclosures().filter(previous=cursor).first()
        if following is None or following.pk in seen:
            break
        chain.insert(0, following)
        seen.add(following.pk)
        cursor = following
    cursor = disclosure
    for _step in range(100):
        if cursor.previous_id is None or cursor.previous_id in seen:
            break
        earlier = public_disclosures().filter(pk=cursor.previous_id).first()
        if earlier is None:
            break
        chain.append(earlier)
        seen.add(earlier.pk)
        cursor = earlier
    return chain if len(chain) > 1 else []


# --- API ------------------------------------------------------------------------------------------------------


def hit_json(hit, site: str) -> dict:
    """One result as the API returns it; `site` is the scheme and host the links start with."""
    d = hit.disclosure
    e = d.enterprise
    return {
        "id": d.pk,
        "standard_number": d.standard_number,
        "normalized_number": d.normalized_number,
        "title": d.title,
        "state": d.state,
        "state_display": d.get_state_display(),
        "kind": d.kind,
        "version": d.version,
        "disclosed_at": d.disclosed_at.isoformat() if d.disclosed_at else None,
        "matched_in": hit.tier or None,
        "matched_in_display": str(hit.matched_in),
        "enterprise": {
            "name": e.name,
            "uscc": e.uscc,
            "region_code": d.region_code,
            "region_name": region_label(d.region_code),
            "url": site + reverse("search:enterprise", args=[e.uscc]),
        },
        "products": [{"name": p.name, "model": p.model} for p in d.products.all()],
        "url": site + reverse("search:disclosure", args=[d.pk]),
        "is_demo": d.is_demo or e.is_demo,
    }


_SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q", OpenApiTypes.STR, description="企业名称、统一社会信用代码、产品、标准号或标准名称中的词"
    ),
    OpenApiParameter("region", OpenApiTypes.STR, description="行政区划代码前缀(2、4 或 6 位)"),
    OpenApiParameter("industry", OpenApiTypes.STR, description="国民经济行业分类门类字母或 2–4 位代码"),
    OpenApiParameter(
        "status", OpenApiTypes.STR, enum=SearchStatus.values, description="默认 current(现行有效)"
    ),
    OpenApiParameter("family", OpenApiTypes.STR, enum=StandardFamily.values, description="标准类别"),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1–{MAX_PAGE_SIZE},默认 {PAGE_SIZE}"),
]


class SearchApi(APIView):
    """Public search of disclosed enterprise standards (the same search as the /search/ page)."""

    public_endpoint = True
    authentication_classes: list = []  # public data: no session, so no CSRF or login state involved

    @extend_schema(
        operation_id="public_search",
        parameters=_SEARCH_PARAMETERS,
        responses=inline_serializer(
            "PublicSearchResults",
            {
                "count": serializers.IntegerField(help_text=f"命中条数,{COUNT_LIMIT} 条以内为精确值"),
                "count_exact": serializers.BooleanField(help_text=f"false 表示超过 {COUNT_LIMIT} 条"),
                "page": serializers.IntegerField(),
                "page_size": serializers.IntegerField(),
                "num_pages": serializers.IntegerField(
                    allow_null=True, help_text="count_exact 为 false 时为 null"
                ),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "query": serializers.DictField(),
                "results": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        form, results = run_search(request.query_params)
        if form.errors:
            return Response({field: list(errors) for field, errors in form.errors.items()}, status=400)

        site = request.build_absolute_uri("/").removesuffix("/")

        def page_url(number: int) -> str:
            params = request.query_params.copy()
            params["page"] = str(number)
            return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

        return Response(
            {
                "count": results.count,
                "count_exact": results.count_exact,
                "page": results.page,
                "page_size": results.page_size,
                "num_pages": results.num_pages,
                "next": page_url(results.page + 1) if results.has_next else None,
                "previous": page_url(results.page - 1) if results.has_previous else None,
                "query": {"terms": list(results.query.terms), "numbers": list(results.query.numbers)},
                "results": [hit_json(hit, site) for hit in results.hits],
            }
        )

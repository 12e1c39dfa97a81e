"""One FilterSet per model, used by the list pages and the API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nqihub.core.filters import StyledFilterSet
from nqihub.core.regions import jurisdiction_prefix
from nqihub.engines.text import fold_identifier, fold_text

from .models import (
    CreditRiskGrade,
    Enterprise,
    EnterpriseScale,
    Expert,
    Institution,
    InstitutionKind,
    RegulatorUnit,
)


class OrganisationFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")
    region = django_filters.CharFilter(label=_("行政区划代码"), method="filter_region")
    search_fields: tuple[str, ...] = ("name",)
    identifier_fields: tuple[str, ...] = ()

    def filter_q(self, queryset, name, value):
        text = fold_text(value)
        if not text:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": text})
        for field in self.identifier_fields:
            condition |= Q(**{f"{field}__startswith": fold_identifier(value)})
        return queryset.filter(condition)

    def filter_region(self, queryset, name, value):
        code = fold_identifier(value)
        try:
            return queryset.filter(region_code__startswith=jurisdiction_prefix(code))
        except ValueError:
            return queryset.filter(region_code__startswith=code)


class EnterpriseFilter(OrganisationFilter):
    search_fields = ("name", "address", "legal_representative")
    identifier_fields = ("uscc",)
    industry = django_filters.CharFilter(
        label=_("行业代码"), field_name="industry_code", lookup_expr="startswith"
    )
    scale = django_filters.ChoiceFilter(label=_("企业规模"), choices=EnterpriseScale.choices)
    credit_risk_grade = django_filters.ChoiceFilter(label=_("信用风险分类"), choices=CreditRiskGrade.choices)

    class Meta:
        model = Enterprise
        fields = ["q", "region", "industry", "scale", "credit_risk_grade"]


class InstitutionFilter(OrganisationFilter):
    identifier_fields = ("uscc", "cma_number", "cnas_number")
    kind = django_filters.ChoiceFilter(label=_("机构类型"), choices=InstitutionKind.choices)

    class Meta:
        model = Institution
        fields = ["q", "region", "kind"]


class ExpertFilter(OrganisationFilter):
    search_fields = ("name", "specialties", "affiliation", "title")

    class Meta:
        model = Expert
        fields = ["q", "region"]


class RegulatorUnitFilter(OrganisationFilter):
    class Meta:
        model = RegulatorUnit
        fields = ["q", "region"]

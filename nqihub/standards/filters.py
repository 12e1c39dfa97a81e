import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nqihub.core.filters import StyledFilterSet
from nqihub.engines import stdnum
from nqihub.engines.text import fold_text

from .models import CatalogueStandard, CatalogueStatus, StandardFamily, StandardNature


class CatalogueFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("标准号或名称"), method="filter_q")
    family = django_filters.ChoiceFilter(label=_("标准类别"), choices=StandardFamily.choices)
    nature = django_filters.ChoiceFilter(label=_("标准性质"), choices=StandardNature.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CatalogueStatus.choices)

    class Meta:
        model = CatalogueStandard
        fields = ["q", "family", "nature", "status"]

    def filter_q(self, queryset, name, value):
        text = fold_text(value)
        if not text:
            return queryset
        parsed = stdnum.parse(text)
        if parsed.ok:
            std = parsed.standard
            if std.year is None:  # "GB/T 1.1" finds every edition
                return queryset.filter(base_number=f"{std.code} {std.number}")
            return queryset.filter(normalized_number=std.normalized)
        return queryset.filter(
            Q(title_zh__icontains=value.strip())
            | Q(title_en__icontains=text)
            | Q(normalized_number__icontains=text.upper())
        )

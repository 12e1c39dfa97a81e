"""Disclosure statistics of a jurisdiction: enterprises that disclosed, valid standards, products covered.

"全市已有553家企业公开有效标准2052项,覆盖产品2689种" is one aggregate query over the disclosures the caller may see,
valid on a given day: disclosed on or before it, not abolished by then, and not yet superseded by a disclosed
newer version. Counting from timestamps (not the current state) lets any past day be asked about.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nqihub.core.regions import jurisdiction_prefix, region_name, subregions
from nqihub.core.scoping import Action, restrict

from .models import Disclosure


@dataclass(frozen=True)
class DisclosureFigures:
    region_code: str
    region_name: str
    as_of: datetime.date
    enterprises: int
    standards: int
    products: int

    def sentence(self) -> str:
        """The figures as a work report words them (in the active language)."""
        return _("%(region)s已有%(e)d家企业公开有效标准%(s)d项,覆盖产品%(p)d种") % {
            "region": self.region_name,
            "e": self.enterprises,
            "s": self.standards,
            "p": self.products,
        }


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def valid_on(queryset: QuerySet, day: datetime.date) -> QuerySet:
    """The disclosures of `queryset` that were in force (现行有效) at the end of `day` (Asia/Shanghai)."""
    end = _end_of(day)
    return queryset.filter(disclosed_at__lt=end).filter(
        Q(abolished_at__isnull=True) | Q(abolished_at__gte=end),
        Q(next_version__isnull=True)
        | Q(next_version__disclosed_at__isnull=True)
        | Q(next_version__disclosed_at__gte=end),
    )


def _scoped(user, region_code: str) -> QuerySet:
    queryset = restrict(Disclosure.objects.all(), user, Action.VIEW)
    return queryset.filter(region_code__startswith=jurisdiction_prefix(region_code))


_AGGREGATES = {
    "enterprises": Count("enterprise", distinct=True),
    "standards": Count("id", distinct=True),
    "products": Count("products", distinct=True),
}


def disclosure_figures(user, region_code: str, as_of: datetime.date | None = None) -> DisclosureFigures:
    """The three figures for one region (a province, city or county code) as one query."""
    as_of = as_of or timezone.localdate()
    totals = valid_on(_scoped(user, region_code), as_of).aggregate(**_AGGREGATES)
    return DisclosureFigures(region_code, region_name(region_code), as_of, **totals)


def figures_by_subregion(
    user, region_code: str, as_of: datetime.date | None = None
) -> list[DisclosureFigures]:
    """The same figures for each division directly below `region_code` (one grouped query)."""
    as_of = as_of or timezone.localdate()
    children = subregions(region_code)
    if not children:
        return []
    length = len(jurisdiction_prefix(children[0].code))
    from django.db.models.functions import Left

    rows = (
        valid_on(_scoped(user, region_code), as_of)
        .annotate(part=Left("region_code", length))
        .values("part")
        .annotate(**_AGGREGATES)
    )
    by_part = {row["part"]: row for row in rows}
    result = []
    for child in children:
        row = by_part.get(jurisdiction_prefix(child.code), {})
        result.append(
            DisclosureFigures(
                child.code,
                child.name,
                as_of,
                row.get("enterprises", 0),
                row.get("standards", 0),
                row.get("products", 0),
            )
        )
    return result


def new_disclosures_by_month(user, region_code: str, year: int) -> list[tuple[int, int]]:
    """How many disclosures were made public in each month of `year` (first versions and revisions alike)."""
    from django.db.models.functions import ExtractMonth

    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    rows = (
        _scoped(user, region_code)
        .filter(disclosed_at__gte=start, disclosed_at__lt=end)
        .annotate(month=ExtractMonth("disclosed_at"))
        .values("month")
        .annotate(n=Count("id"))
    )
    counts = {row["month"]: row["n"] for row in rows}
    return [(month, counts.get(month, 0)) for month in range(1, 13)]

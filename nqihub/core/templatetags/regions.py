from django import template

from nqihub.core import regions
from nqihub.core.models import Industry

register = template.Library()


@register.filter
def region_name(code: str) -> str:
    return regions.region_name(code)


@register.filter
def region_path(code: str) -> str:
    return regions.region_path(code) if code else ""


@register.filter
def industry_name(code: str) -> str:
    industry = Industry.objects.filter(code=code).first() if code else None
    return industry.name if industry else ""

"""The regulator's disclosure statistics page and its API (/api/v1/statistics/disclosures)."""

import datetime

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from rest_framework.response import Response
from rest_framework.views import APIView

from nqihub.core.models import Role
from nqihub.core.regions import check_region_code, in_jurisdiction

from .models import Disclosure
from .statistics import disclosure_figures, figures_by_subregion, new_disclosures_by_month

READERS = {Role.REGULATOR, Role.ADMIN}


def resolve_request(user, params) -> tuple[str, datetime.date]:
    """The region and day asked for, checked: a regulator may only ask about its own jurisdiction."""
    role = getattr(user, "role", None)
    default = user.region_code if role == Role.REGULATOR else settings.HOME_REGION_CODE
    region = (params.get("region") or default).strip()
    check = check_region_code(region)
    if not check.ok:
        raise ValueError(check.message)
    if role == Role.REGULATOR and not in_jurisdiction(region, user.region_code):
        raise PermissionDenied(_("只能查看本辖区(%(code)s)的统计") % {"code": user.region_code})
    day_text = params.get("date") or ""
    try:
        day = datetime.date.fromisoformat(day_text) if day_text else timezone.localdate()
    except ValueError:
        raise ValueError(_("日期“%(v)s”无法识别,应为 YYYY-MM-DD") % {"v": day_text}) from None
    return region, day


class DisclosureStatistics(TemplateView):
    scope_model = Disclosure
    template_name = "standards/statistics.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.role not in READERS:
            raise PermissionDenied(_("统计页面仅对监管人员开放"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        try:
            region, day = resolve_request(self.request.user, self.request.GET)
        except ValueError as exc:
            ctx["error"] = str(exc)
            region, day = resolve_request(self.request.user, {})
        ctx.update(
            figures=disclosure_figures(self.request.user, region, day),
            by_region=figures_by_subregion(self.request.user, region, day),
            months=new_disclosures_by_month(self.request.user, region, day.year),
            region=region,
            day=day,
        )
        return ctx


class DisclosureStatisticsAPI(APIView):
    """GET ?region=450300&date=2026-11-21 → {region_code, region_name, as_of, enterprises, standards, products,
    sentence, by_region: [...]} over the disclosures valid that day. Regulators (own jurisdiction) and admin."""

    scope_model = Disclosure

    def get(self, request):
        if not request.user.is_authenticated or request.user.role not in READERS:
            raise PermissionDenied(_("统计接口仅对监管人员开放"))
        try:
            region, day = resolve_request(request.user, request.query_params)
        except ValueError as exc:
            return Response({"detail": str(exc)}, status=400)
        figures = disclosure_figures(request.user, region, day)
        return Response(
            {
                **_figures_dict(figures),
                "sentence": figures.sentence(),
                "by_region": [_figures_dict(f) for f in figures_by_subregion(request.user, region, day)],
            }
        )


def _figures_dict(figures) -> dict:
    return {
        "region_code": figures.region_code,
        "region_name": figures.region_name,
        "as_of": figures.as_of.isoformat(),
        "enterprises": figures.enterprises,
        "standards": figures.standards,
        "products": figures.products,
    }

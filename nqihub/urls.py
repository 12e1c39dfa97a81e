from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import APIRootView, DefaultRouter

from nqihub.core import api_views as core_api
from nqihub.registry import api as registry_api


class PublicAPIRootView(APIRootView):
    """The API's index lists the endpoints; what each returns is scoped by that endpoint."""

    public_endpoint = True


class Router(DefaultRouter):
    APIRootView = PublicAPIRootView


router = Router()
router.register("regions", core_api.RegionViewSet, basename="region")
router.register("industries", core_api.IndustryViewSet, basename="industry")
router.register("ccs", core_api.CCSViewSet, basename="ccs")
router.register("ics", core_api.ICSViewSet, basename="ics")
router.register("audit-events", core_api.AuditEventViewSet, basename="auditevent")
router.register("enterprises", registry_api.EnterpriseViewSet, basename="enterprise")
router.register("institutions", registry_api.InstitutionViewSet, basename="institution")
router.register("experts", registry_api.ExpertViewSet, basename="expert")
router.register("regulator-units", registry_api.RegulatorUnitViewSet, basename="regulatorunit")


class PublicSchemaView(SpectacularAPIView):
    public_endpoint = True


class PublicDocsView(SpectacularSwaggerView):
    public_endpoint = True


def public_view(view):
    """Mark a framework view as deliberately public for the permission-matrix test."""
    view.public_page = True
    return view


urlpatterns = [
    path("", include("nqihub.core.urls")),
    path("", include("nqihub.registry.urls")),
    path("imports/", include("nqihub.imports.urls")),
    path("", include("nqihub.standards.urls")),
    path("", include("nqihub.standards.search_urls")),
    path("", include("nqihub.standards.catalogue_urls")),
    path("", include("nqihub.standards.statistics_urls")),
    path("", include("nqihub.review.urls")),
    path("", include("nqihub.forerunner.urls")),
    path("", include("nqihub.benchmarking.urls")),
    path("i18n/setlang/", public_view(set_language), name="set_language"),
    path("api/schema/", PublicSchemaView.as_view(), name="api-schema"),
    path("api/docs/", PublicDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include(router.urls)),
]

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import catalogue_views as views

app_name = "catalogue"

router = SimpleRouter()
router.register("api/v1/catalogue", views.CatalogueViewSet, basename="api")

urlpatterns = [
    path("catalogue/", views.CatalogueList.as_view(), name="list"),
    path("catalogue/new/", views.CatalogueForm.as_view(), name="create"),
    path("catalogue/<int:pk>/", views.CatalogueDetail.as_view(), name="detail"),
    path("catalogue/<int:pk>/edit/", views.CatalogueForm.as_view(), name="edit"),
    *router.urls,
]

"""Enterprise self-declaration (企业标准自我声明公开): pages under /disclosures/, the API under /api/v1/disclosures/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "standards"

router = SimpleRouter()
router.register("api/v1/disclosures", api.DisclosureViewSet, basename="disclosure-api")

urlpatterns = [
    path("disclosures/", views.DisclosureList.as_view(), name="disclosure_list"),
    path("disclosures/new/", views.DisclosureCreate.as_view(), name="disclosure_create"),
    path("disclosures/<int:pk>/", views.DisclosureDetail.as_view(), name="disclosure_detail"),
    path("disclosures/<int:pk>/edit/", views.DisclosureEdit.as_view(), name="disclosure_edit"),
    path("disclosures/<int:pk>/products/new/", views.ProductAdd.as_view(), name="disclosure_product_add"),
    path(
        "disclosures/<int:pk>/products/<int:item>/edit/",
        views.ProductEdit.as_view(),
        name="disclosure_product_edit",
    ),
    path(
        "disclosures/<int:pk>/products/<int:item>/delete/",
        views.ProductRemove.as_view(),
        name="disclosure_product_delete",
    ),
    path(
        "disclosures/<int:pk>/indicators/new/", views.IndicatorAdd.as_view(), name="disclosure_indicator_add"
    ),
    path(
        "disclosures/<int:pk>/indicators/<int:item>/edit/",
        views.IndicatorEdit.as_view(),
        name="disclosure_indicator_edit",
    ),
    path(
        "disclosures/<int:pk>/indicators/<int:item>/delete/",
        views.IndicatorRemove.as_view(),
        name="disclosure_indicator_delete",
    ),
    path("disclosures/<int:pk>/document/", views.DocumentUpload.as_view(), name="disclosure_document_upload"),
    path(
        "disclosures/<int:pk>/document/delete/",
        views.DocumentRemove.as_view(),
        name="disclosure_document_delete",
    ),
    path(
        "disclosures/<int:pk>/document/download/",
        views.DisclosureDocument.as_view(),
        name="disclosure_document",
    ),
    path("disclosures/<int:pk>/commitment/", views.CommitmentSign.as_view(), name="disclosure_commitment"),
    path("disclosures/<int:pk>/disclose/", views.DisclosureDisclose.as_view(), name="disclosure_disclose"),
    path("disclosures/<int:pk>/revise/", views.DisclosureRevise.as_view(), name="disclosure_revise"),
    path("disclosures/<int:pk>/abolish/", views.DisclosureAbolish.as_view(), name="disclosure_abolish"),
    path("disclosures/<int:pk>/discard/", views.DisclosureDiscard.as_view(), name="disclosure_discard"),
    *router.urls,
]

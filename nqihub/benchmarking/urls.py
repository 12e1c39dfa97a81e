"""Benchmarking (对标达标): pages under /benchmarking/, the API under /api/v1/benchmarking/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, campaign_urls, views

app_name = "benchmarking"

router = SimpleRouter()
router.register("api/v1/benchmarking/standards", api.AdvancedStandardViewSet, basename="standard-api")
router.register("api/v1/benchmarking/schemes", api.SchemeViewSet, basename="scheme-api")
router.register("api/v1/benchmarking/results", api.ResultViewSet, basename="result-api")

urlpatterns = [
    path("benchmarking/", views.Home.as_view(), name="home"),
    # the advanced-standard database
    path("benchmarking/standards/", views.StandardList.as_view(), name="standard_list"),
    path("benchmarking/standards/new/", views.StandardCreate.as_view(), name="standard_create"),
    path("benchmarking/standards/<int:pk>/", views.StandardDetail.as_view(), name="standard_detail"),
    path("benchmarking/standards/<int:pk>/edit/", views.StandardCreate.as_view(), name="standard_edit"),
    path(
        "benchmarking/standards/<int:pk>/indicators/",
        views.StandardIndicatorAdd.as_view(),
        name="standard_indicator_add",
    ),
    path(
        "benchmarking/standards/<int:pk>/indicators/<int:indicator>/edit/",
        views.StandardIndicatorEdit.as_view(),
        name="standard_indicator_edit",
    ),
    path(
        "benchmarking/standards/<int:pk>/indicators/<int:indicator>/remove/",
        views.StandardIndicatorRemove.as_view(),
        name="standard_indicator_remove",
    ),
    # schemes
    path("benchmarking/schemes/", views.SchemeList.as_view(), name="scheme_list"),
    path("benchmarking/schemes/new/", views.SchemeCreate.as_view(), name="scheme_create"),
    path("benchmarking/schemes/<int:pk>/", views.SchemeDetail.as_view(), name="scheme_detail"),
    path("benchmarking/schemes/<int:pk>/edit/", views.SchemeCreate.as_view(), name="scheme_edit"),
    path(
        "benchmarking/schemes/<int:pk>/standards/",
        views.SchemeStandardAdd.as_view(),
        name="scheme_standard_add",
    ),
    path(
        "benchmarking/schemes/<int:pk>/standards/<int:row>/remove/",
        views.SchemeStandardRemove.as_view(),
        name="scheme_standard_remove",
    ),
    path(
        "benchmarking/schemes/<int:pk>/indicators/",
        views.SchemeIndicatorAdd.as_view(),
        name="scheme_indicator_add",
    ),
    path(
        "benchmarking/schemes/<int:pk>/indicators/<int:row>/remove/",
        views.SchemeIndicatorRemove.as_view(),
        name="scheme_indicator_remove",
    ),
    path("benchmarking/schemes/<int:pk>/state/", views.SchemeTransition.as_view(), name="scheme_transition"),
    # results
    path("benchmarking/results/", views.ResultList.as_view(), name="result_list"),
    path("benchmarking/results/new/", views.ResultNew.as_view(), name="result_new"),
    path("benchmarking/results/<int:pk>/", views.ResultDetail.as_view(), name="result_detail"),
    path("benchmarking/results/<int:pk>/publish/", views.ResultPublish.as_view(), name="result_publish"),
    path("benchmarking/results/<int:pk>/discard/", views.ResultDiscard.as_view(), name="result_discard"),
    path("benchmarking/results/<int:pk>/verify/", views.ResultVerify.as_view(), name="result_verify"),
    path("benchmarking/results/<int:pk>/report/", views.ResultReport.as_view(), name="result_report"),
    path(
        "benchmarking/results/<int:pk>/report.pdf", views.ResultReportPdf.as_view(), name="result_report_pdf"
    ),
    path(
        "benchmarking/results/<int:pk>/test-report/",
        views.TestReportFile.as_view(),
        name="result_test_report",
    ),
    path("benchmarking/items/<int:pk>/edit/", views.ItemEdit.as_view(), name="item_edit"),
    path("benchmarking/items/<int:pk>/confirm/", views.ItemConfirm.as_view(), name="item_confirm"),
    path("benchmarking/items/<int:pk>/evidence/", views.EvidenceFile.as_view(), name="item_evidence"),
    path("api/v1/benchmarking/counts/", api.CountsView.as_view(), name="counts-api"),
    *router.urls,
    *campaign_urls.urlpatterns,  # the campaign: statistics, rankings, trainings, pilot batches
]

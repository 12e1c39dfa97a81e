"""URLs of the 对标达标 campaign, spliced into nqihub.benchmarking.urls (namespace "benchmarking")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import campaign_api as api
from . import campaign_views as views

router = SimpleRouter()
router.register(
    "api/v1/benchmarking/campaign/rankings", api.RankingSnapshotViewSet, basename="campaign-ranking-api"
)
router.register(
    "api/v1/benchmarking/campaign/trainings", api.TrainingViewSet, basename="campaign-training-api"
)
router.register(
    "api/v1/benchmarking/campaign/pilot-batches", api.PilotBatchViewSet, basename="campaign-pilot-api"
)

urlpatterns = [
    path("benchmarking/campaign/", views.Dashboard.as_view(), name="campaign"),
    path("benchmarking/campaign/counts.xlsx", views.CountsExport.as_view(), name="campaign_counts_xlsx"),
    path("benchmarking/campaign/ranking.xlsx", views.RankingExport.as_view(), name="campaign_ranking_xlsx"),
    path(
        "benchmarking/campaign/snapshots/new/",
        views.SnapshotCreate.as_view(),
        name="campaign_snapshot_create",
    ),
    path(
        "benchmarking/campaign/snapshots/<int:pk>/delete/",
        views.SnapshotDelete.as_view(),
        name="campaign_snapshot_delete",
    ),
    path("benchmarking/campaign/trainings/", views.TrainingList.as_view(), name="campaign_training_list"),
    path(
        "benchmarking/campaign/trainings/new/", views.TrainingForm.as_view(), name="campaign_training_create"
    ),
    path(
        "benchmarking/campaign/trainings/<int:pk>/",
        views.TrainingForm.as_view(),
        name="campaign_training_edit",
    ),
    path("benchmarking/campaign/pilots/", views.PilotList.as_view(), name="campaign_pilot_list"),
    path("benchmarking/campaign/pilots/new/", views.PilotCreate.as_view(), name="campaign_pilot_create"),
    path("benchmarking/campaign/pilots/<int:pk>/", views.PilotDetail.as_view(), name="campaign_pilot_detail"),
    path(
        "benchmarking/campaign/pilots/<int:pk>/cities/<int:city>/remove/",
        views.PilotCityRemove.as_view(),
        name="campaign_pilot_city_remove",
    ),
    path("api/v1/benchmarking/campaign/counts/", api.CountsView.as_view(), name="campaign-counts-api"),
    *router.urls,
]

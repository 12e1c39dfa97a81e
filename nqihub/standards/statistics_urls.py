from django.urls import path

from . import statistics_views as views

app_name = "stats"

urlpatterns = [
    path("statistics/disclosures/", views.DisclosureStatistics.as_view(), name="disclosures"),
    path("api/v1/statistics/disclosures", views.DisclosureStatisticsAPI.as_view(), name="disclosures-api"),
]

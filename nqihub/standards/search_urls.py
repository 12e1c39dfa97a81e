from django.urls import path

from . import search_views

app_name = "search"

urlpatterns = [
    path("search/", search_views.SearchPage.as_view(), name="search"),
    path("public/enterprises/<str:uscc>/", search_views.EnterprisePage.as_view(), name="enterprise"),
    path("public/disclosures/<int:pk>/", search_views.DisclosurePage.as_view(), name="disclosure"),
    path("api/v1/public/search", search_views.SearchApi.as_view(), name="api"),
]

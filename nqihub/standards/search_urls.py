from django.urls import path  # noqa: F401  (patterns are added by this area's views)

app_name = "search"

urlpatterns: list = []

from django.urls import path  # noqa: F401  (patterns are added by the views of this app)

app_name = "standards"

urlpatterns: list = []

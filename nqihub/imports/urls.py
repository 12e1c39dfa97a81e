from django.urls import path

from . import views

app_name = "imports"

urlpatterns: list = [
    path("", views.SessionList.as_view(), name="session_list"),
    path("new/<str:kind>/", views.SessionCreate.as_view(), name="session_create"),
    path("<int:pk>/", views.SessionDetail.as_view(), name="session_detail"),
    path("<int:pk>/commit/", views.SessionCommit.as_view(), name="session_commit"),
    path("<int:pk>/rows/<int:row_id>/", views.RowEdit.as_view(), name="row_edit"),
    path("<int:pk>/errors.xlsx", views.ErrorReport.as_view(), name="error_report"),
    path("export/<str:kind>/<str:fmt>/", views.Export.as_view(), name="export"),
]

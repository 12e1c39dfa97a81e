"""Forerunner (企业标准"领跑者") pages under /forerunner/ and the public API under /api/v1/forerunner/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "forerunner"

router = SimpleRouter()
router.register("api/v1/forerunner/schemes", api.SchemeViewSet, basename="scheme-api")
router.register("api/v1/forerunner/lists", api.ListViewSet, basename="list-api")
router.register("api/v1/forerunner/notices", api.NoticeViewSet, basename="notice-api")

P = "forerunner/"
urlpatterns = [
    # public
    path(P, views.Home.as_view(), name="home"),
    path(f"{P}areas/<int:pk>/", views.KeyAreaDetail.as_view(), name="key_area_detail"),
    path(f"{P}schemes/<int:pk>/", views.SchemeDetail.as_view(), name="scheme_detail"),
    path(f"{P}rankings/<int:pk>/", views.RankingDetail.as_view(), name="ranking_detail"),
    path(f"{P}rankings/<int:pk>/export.xlsx", views.RankingExport.as_view(), name="ranking_export"),
    path(f"{P}notices/<int:pk>/", views.NoticeDetail.as_view(), name="notice_detail"),
    path(f"{P}lists/<int:pk>/", views.ListDetail.as_view(), name="list_detail"),
    path(f"{P}lists/<int:pk>/export.xlsx", views.ListExport.as_view(), name="list_export"),
    # the platform administrator
    path(f"{P}areas/new/", views.KeyAreaCreate.as_view(), name="key_area_create"),
    path(f"{P}areas/<int:pk>/edit/", views.KeyAreaEdit.as_view(), name="key_area_edit"),
    # evaluators
    path(f"{P}manage/", views.SchemeManageList.as_view(), name="scheme_manage_list"),
    path(f"{P}manage/new/", views.SchemeCreate.as_view(), name="scheme_create"),
    path(f"{P}manage/<int:pk>/", views.SchemeManage.as_view(), name="scheme_manage"),
    path(f"{P}manage/<int:pk>/edit/", views.SchemeEdit.as_view(), name="scheme_edit"),
    path(f"{P}manage/<int:pk>/indicators/new/", views.IndicatorAdd.as_view(), name="indicator_add"),
    path(
        f"{P}manage/<int:pk>/indicators/<int:item>/edit/",
        views.IndicatorEdit.as_view(),
        name="indicator_edit",
    ),
    path(
        f"{P}manage/<int:pk>/indicators/<int:item>/delete/",
        views.IndicatorDelete.as_view(),
        name="indicator_delete",
    ),
    path(f"{P}manage/<int:pk>/publish/", views.SchemePublish.as_view(), name="scheme_publish"),
    path(f"{P}manage/<int:pk>/rank/", views.RankingRunView.as_view(), name="ranking_run"),
    path(f"{P}manage/<int:pk>/notice/", views.NoticeStart.as_view(), name="notice_start"),
    path(f"{P}manage/<int:pk>/list/", views.ListPublish.as_view(), name="list_publish"),
    path(f"{P}manage/notices/<int:pk>/close/", views.NoticeClose.as_view(), name="notice_close"),
    path(
        f"{P}manage/objections/<int:pk>/resolve/", views.ObjectionResolve.as_view(), name="objection_resolve"
    ),
    # enterprises (and the evaluator, for its schemes' entries)
    path(f"{P}entries/", views.MyEntries.as_view(), name="my_entries"),
    path(f"{P}entries/<int:pk>/", views.EntryDetail.as_view(), name="entry_detail"),
    path(f"{P}entries/<int:pk>/upload/", views.EntryUpload.as_view(), name="entry_upload"),
    path(f"{P}entries/<int:pk>/commit/", views.EntryCommit.as_view(), name="entry_commit"),
    path(f"{P}documents/<int:pk>/", views.DocumentDownload.as_view(), name="document_download"),
    path(f"{P}documents/<int:pk>/delete/", views.DocumentDelete.as_view(), name="document_delete"),
    *router.urls,
]

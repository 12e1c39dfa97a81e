"""Automated standard review: pages under /review/ (a disclosure's self-check under /disclosures/), the API
under /api/v1/reviews/ and /api/v1/disclosures/<id>/review/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "review"

router = SimpleRouter()
router.register("api/v1/reviews", api.ReviewViewSet, basename="review-api")

urlpatterns = [
    path("review/", views.ReviewHome.as_view(), name="home"),
    path("review/upload/", views.UploadReview.as_view(), name="upload"),
    path("review/reviews/", views.ReviewList.as_view(), name="list"),
    path("review/reviews/<int:pk>/", views.ReviewDetail.as_view(), name="detail"),
    path("review/reviews/<int:pk>/report/", views.ReviewReport.as_view(), name="report"),
    path("review/reviews/<int:pk>/report.pdf", views.ReviewReportPdf.as_view(), name="report_pdf"),
    path("review/batches/", views.BatchList.as_view(), name="batch_list"),
    path("review/batches/<int:pk>/", views.BatchDetail.as_view(), name="batch_detail"),
    path("disclosures/<int:pk>/review/", views.DisclosureReview.as_view(), name="disclosure_review"),
    path(
        "api/v1/disclosures/<int:pk>/review/",
        api.DisclosureReviewView.as_view(),
        name="disclosure-review-api",
    ),
    *router.urls,
]

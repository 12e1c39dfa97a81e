"""REST API of review results: `/api/v1/reviews/` (list, scoped like the pages), `/api/v1/reviews/<id>/` (with
its findings, references and indicators), and `POST /api/v1/disclosures/<id>/review/`, which reviews one
disclosure version and stores the result (a self-check when enterprise staff ask)."""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from nqihub.core.api import ScopedViewSetMixin
from nqihub.core.models import Role
from nqihub.core.scoping import Action, restrict
from nqihub.standards.models import Disclosure

from . import forms, report, services
from .models import Finding, Review


class FindingSerializer(serializers.ModelSerializer):
    check_title = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["check_id", "check_title", "dimension", "severity", "message", "message_en", "location"]
        read_only_fields = fields

    def get_check_title(self, obj) -> str:
        return str(report.CHECK_TITLES.get(obj.check_id, ""))


class ReviewSerializer(serializers.ModelSerializer):
    standard_number = serializers.CharField(source="disclosure.standard_number", read_only=True, default="")
    title = serializers.CharField(source="disclosure.title", read_only=True, default="")
    version = serializers.IntegerField(source="disclosure.version", read_only=True, default=None)
    enterprise = serializers.IntegerField(source="disclosure.enterprise_id", read_only=True, default=None)
    enterprise_name = serializers.CharField(source="disclosure.enterprise.name", read_only=True, default="")
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    disposition_display = serializers.CharField(source="get_disposition_display", read_only=True)
    finding_count = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    report_url = serializers.SerializerMethodField()
    report_pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "disclosure",
            "standard_number",
            "title",
            "version",
            "enterprise",
            "enterprise_name",
            "region_code",
            "self_check",
            "batch",
            "document_name",
            "outcome",
            "outcome_display",
            "disposition",
            "disposition_display",
            "checked_on",
            "created_at",
            "finding_count",
            "is_demo",
            "url",
            "report_url",
            "report_pdf_url",
        ]
        read_only_fields = fields

    def _absolute(self, name: str, obj) -> str:
        url = reverse(name, args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_url(self, obj) -> str:
        return self._absolute("review:detail", obj)

    def get_report_url(self, obj) -> str:
        return self._absolute("review:report", obj)

    def get_report_pdf_url(self, obj) -> str:
        return self._absolute("review:report_pdf", obj)


class ReviewDetailSerializer(ReviewSerializer):
    findings = FindingSerializer(many=True, read_only=True)

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "references", "indicators", "findings"]
        read_only_fields = fields


def _reviews():
    return Review.objects.select_related("disclosure__enterprise").annotate(finding_count=Count("findings"))


class ReviewViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """审查结果 / review results, newest first."""

    scope_model = Review
    filterset_class = forms.ReviewFilter

    def base_queryset(self):
        queryset = _reviews().order_by("-created_at", "-id")
        return queryset if self.action == "list" else queryset.prefetch_related("findings")

    def get_serializer_class(self):
        return ReviewSerializer if self.action == "list" else ReviewDetailSerializer


class DisclosureReviewView(APIView):
    """Review one disclosure version now: enterprise staff self-check their own (any state), a regulator reviews a
    disclosed one of its jurisdiction. 201 with the stored review; 404 for a disclosure the caller cannot see."""

    scope_model = Review

    @extend_schema(request=None, responses={201: ReviewDetailSerializer})
    def post(self, request, pk):
        visible = restrict(Disclosure.objects.all(), request.user, Action.VIEW)
        disclosure = get_object_or_404(visible, pk=pk)
        review = services.review_disclosure(
            request.user, disclosure, self_check=request.user.role == Role.ENTERPRISE
        )
        review = _reviews().prefetch_related("findings").get(pk=review.pk)
        data = ReviewDetailSerializer(review, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

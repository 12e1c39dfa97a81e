"""REST API of benchmarking, read-only (writes go through the pages' services):

/api/v1/benchmarking/standards/      the advanced-standard database with indicators (search: ?q=, ?ics=, …)
/api/v1/benchmarking/schemes/        schemes the caller reads (published and under consultation; own drafts)
/api/v1/benchmarking/results/        results the caller reads, with their items
/api/v1/benchmarking/counts/         "X家企业的Y项标准达到国际先进水平" overall and per division (?region=)
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from nqihub.core.api import ScopedViewSetMixin
from nqihub.core.regions import jurisdiction_prefix, region_name

from . import filters, services
from .models import (
    AdvancedIndicator,
    AdvancedStandard,
    BenchmarkResult,
    BenchmarkScheme,
    ResultItem,
    SchemeIndicator,
    SchemeStandard,
)


class AdvancedIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdvancedIndicator
        fields = ["name", "requirement", "unit", "core", "parsed"]
        read_only_fields = fields


class AdvancedStandardSerializer(serializers.ModelSerializer):
    benchmark_class_display = serializers.CharField(source="get_benchmark_class_display", read_only=True)
    indicators = AdvancedIndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = AdvancedStandard
        fields = [
            "id",
            "number",
            "normalized_number",
            "benchmark_class",
            "benchmark_class_display",
            "title",
            "title_en",
            "ics_code",
            "product",
            "category_codes",
            "source",
            "is_demo",
            "indicators",
        ]
        read_only_fields = fields


class SchemeStandardSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="standard.number", read_only=True)
    title = serializers.CharField(source="standard.title", read_only=True)

    class Meta:
        model = SchemeStandard
        fields = ["standard", "number", "title", "benchmark_class"]
        read_only_fields = fields


class SchemeIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchemeIndicator
        fields = ["name", "core", "note"]
        read_only_fields = fields


class SchemeSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    standards = SchemeStandardSerializer(source="scheme_standards", many=True, read_only=True)
    indicators = SchemeIndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = BenchmarkScheme
        fields = [
            "id",
            "title",
            "product",
            "category_code",
            "committee",
            "summary",
            "state",
            "state_display",
            "consultation_at",
            "published_at",
            "is_demo",
            "standards",
            "indicators",
        ]
        read_only_fields = fields


class ResultItemSerializer(serializers.ModelSerializer):
    verdict_display = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = ResultItem
        fields = [
            "id",
            "benchmark_number",
            "benchmark_class",
            "indicator",
            "core",
            "benchmark_requirement",
            "benchmark_unit",
            "enterprise_indicator",
            "enterprise_requirement",
            "enterprise_unit",
            "verdict",
            "verdict_display",
            "reason",
            "caveat",
            "alignment",
            "candidate",
            "edited",
            "evidence_name",
            "evidence_note",
        ]
        read_only_fields = fields


class ResultSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    standard_number = serializers.CharField(source="disclosure.standard_number", read_only=True)
    standard_title = serializers.CharField(source="disclosure.title", read_only=True)
    scheme_title = serializers.CharField(source="scheme.title", read_only=True, default="")
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    items = ResultItemSerializer(many=True, read_only=True)

    class Meta:
        model = BenchmarkResult
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "region_code",
            "disclosure",
            "standard_number",
            "standard_title",
            "scheme",
            "scheme_title",
            "state",
            "state_display",
            "level",
            "level_display",
            "level_reason",
            "rules_version",
            "published_at",
            "verifier_name",
            "verified_at",
            "test_report_name",
            "is_demo",
            "items",
        ]
        read_only_fields = fields


class AdvancedStandardViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """国际先进标准 / the advanced-standard database."""

    scope_model = AdvancedStandard
    serializer_class = AdvancedStandardSerializer
    filterset_class = filters.AdvancedStandardFilter

    def base_queryset(self):
        return AdvancedStandard.objects.prefetch_related("indicators").order_by(
            "benchmark_class", "normalized_number"
        )


class SchemeViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """对标技术方案 / benchmark schemes."""

    scope_model = BenchmarkScheme
    serializer_class = SchemeSerializer
    filterset_class = filters.SchemeFilter

    def check_object_permissions(self, request, obj):
        """The queryset is the scope (published schemes and the drafts the caller may edit): a draft its author
        reads is not refused by the row check, which knows only the published ones."""

    def get_queryset(self):
        return (
            services.schemes_visible_to(self.request.user)
            .prefetch_related("scheme_standards__standard", "indicators")
            .order_by("-published_at", "-id")
        )


class ResultViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """对标结果 / benchmark results with their items."""

    scope_model = BenchmarkResult
    serializer_class = ResultSerializer
    filterset_class = filters.ResultFilter

    def base_queryset(self):
        return (
            BenchmarkResult.objects.select_related("enterprise", "disclosure", "scheme")
            .prefetch_related("items")
            .order_by("-published_at", "-id")
        )


class CountsView(APIView):
    """达到国际先进水平的企业和标准数(已发布和已验证的对标结果), overall and per division of a region."""

    public_endpoint = True

    @extend_schema(
        parameters=[OpenApiParameter("region", str, description="6 位行政区划代码")], responses=dict
    )
    def get(self, request):
        region = (request.query_params.get("region") or "").strip()
        prefix = jurisdiction_prefix(region) if region.isdigit() and len(region) == 6 else ""
        digits = {0: 2, 2: 4}.get(len(prefix), 6)
        counts = services.international_counts(prefix)
        by_region = services.international_counts_by_region(prefix, digits=digits)
        return Response(
            {
                "region": region if prefix else "",
                "enterprises": counts["enterprises"],
                "standards": counts["standards"],
                "sentence": f"{counts['enterprises']}家企业的{counts['standards']}项标准达到国际先进水平",
                "levels": services.level_counts(prefix),
                "by_region": [{**row, "name": region_name(row["region_code"])} for row in by_region],
            }
        )

"""REST API of the 对标达标 campaign, read-only (writes go through the pages' services), for regulators (their
jurisdiction) and the platform administrator:

/api/v1/benchmarking/campaign/counts/          the six counts of a region and per division (?region=&date=&level=&key=)
/api/v1/benchmarking/campaign/rankings/        ranking snapshots (?key=&source=&batch=&since=); a detail has its rows
                                               with each city's previous rank and movement
/api/v1/benchmarking/campaign/trainings/       trainings held in the caller's jurisdiction, with the enterprises
/api/v1/benchmarking/campaign/pilot-batches/   pilot batches with their cities
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from nqihub.core.api import ScopedViewSetMixin

from . import campaign
from .campaign_filters import PilotBatchFilter, RankingSnapshotFilter, TrainingFilter
from .campaign_views import resolve_query
from .models import PilotBatch, PilotCity, RankingRow, RankingSnapshot, Training


class CountsView(APIView):
    """对标达标统计: participating enterprises, schemes used, results published and verified, trainings held and
    enterprises trained, of a region and per province / city / county inside it, on a day."""

    scope_model = (
        RankingSnapshot  # regulators and the administrator; the region is checked against the caller
    )

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, description="6 位行政区划代码(平台管理员可留空:全国)"),
            OpenApiParameter("date", str, description="截至日期 YYYY-MM-DD(默认今天)"),
            OpenApiParameter("level", str, description="分组:province / city / county"),
            OpenApiParameter("key", str, description="排名口径,如 results、enterprises、verified、composite"),
        ],
        responses=dict,
    )
    def get(self, request):
        query = resolve_query(request.user, request.query_params)
        if query.errors:
            return Response({"detail": ";".join(query.errors)}, status=400)
        total = campaign.campaign_figures(request.user, query.region, query.day)
        rows = campaign.figures_by_division(request.user, query.region, query.day, query.digits)
        ranked = campaign.rank_figures(rows, campaign.ranking_key(query.key))
        return Response(
            {
                "region_code": query.region,
                "region_name": total.region_name,
                "as_of": query.day.isoformat(),
                "level": query.level,
                "key": query.key,
                **total.counts(),
                "by_region": [row.as_dict() for row in ranked],
            }
        )


class RankingRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = RankingRow
        fields = ["region_code", "region_name", "rank", "value", *campaign.METRICS]
        read_only_fields = fields


class RankingSnapshotSerializer(serializers.ModelSerializer):
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    key_display = serializers.SerializerMethodField()
    batch_title = serializers.SerializerMethodField()

    class Meta:
        model = RankingSnapshot
        fields = [
            "id",
            "as_of",
            "key",
            "key_display",
            "source",
            "source_display",
            "batch",
            "batch_title",
            "title",
            "note",
            "is_demo",
        ]
        read_only_fields = fields

    def get_key_display(self, obj) -> str:
        return campaign.key_label(obj.key)

    def get_batch_title(self, obj) -> str:
        return str(obj.batch) if obj.batch_id else ""


class RankingSnapshotDetailSerializer(RankingSnapshotSerializer):
    rows = serializers.SerializerMethodField()

    class Meta(RankingSnapshotSerializer.Meta):
        fields = [*RankingSnapshotSerializer.Meta.fields, "rows"]
        read_only_fields = fields

    def get_rows(self, obj) -> list[dict]:
        lines = campaign.ranking_table(obj)
        return [
            {
                **RankingRowSerializer(line.row).data,
                "previous_rank": line.previous,
                "movement": line.change.direction if line.change is not None else None,
                "change": line.change.delta if line.change is not None else None,
                "movement_text": line.movement_text,
            }
            for line in lines
        ]


class RankingSnapshotViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """试点城市排名 / rankings of pilot cities."""

    scope_model = RankingSnapshot
    filterset_class = RankingSnapshotFilter

    def get_serializer_class(self):
        return RankingSnapshotDetailSerializer if self.action == "retrieve" else RankingSnapshotSerializer

    def base_queryset(self):
        return RankingSnapshot.objects.select_related("batch").order_by("-as_of", "-id")


class TrainingSerializer(serializers.ModelSerializer):
    enterprises = serializers.SerializerMethodField()
    enterprise_count = serializers.SerializerMethodField()

    class Meta:
        model = Training
        fields = [
            "id",
            "title",
            "region_code",
            "held_on",
            "organiser",
            "participants",
            "enterprise_count",
            "enterprises",
            "note",
            "is_demo",
        ]
        read_only_fields = fields

    def get_enterprises(self, obj) -> list[dict]:
        return [
            {"id": e.pk, "name": e.name, "uscc": e.uscc, "region_code": e.region_code}
            for e in obj.enterprises.all()
        ]

    def get_enterprise_count(self, obj) -> int:
        return len(obj.enterprises.all())


class TrainingViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """对标达标培训 / trainings, with the enterprises trained."""

    scope_model = Training
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter

    def base_queryset(self):
        return Training.objects.prefetch_related("enterprises").order_by("-held_on", "-id")


class PilotCitySerializer(serializers.ModelSerializer):
    class Meta:
        model = PilotCity
        fields = ["region_code", "name"]
        read_only_fields = fields


class PilotBatchSerializer(serializers.ModelSerializer):
    cities = PilotCitySerializer(many=True, read_only=True)

    class Meta:
        model = PilotBatch
        fields = ["id", "number", "title", "announced_on", "source", "is_demo", "cities"]
        read_only_fields = fields


class PilotBatchViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """试点城市批次 / pilot batches with their cities."""

    scope_model = PilotBatch
    serializer_class = PilotBatchSerializer
    filterset_class = PilotBatchFilter

    def base_queryset(self):
        return PilotBatch.objects.prefetch_related("cities").order_by("-number", "-id")

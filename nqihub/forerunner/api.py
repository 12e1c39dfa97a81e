"""Public REST API of the forerunner subsystem: published evaluation schemes with their indicators and latest
ranking summary, and published lists with their entries (`/api/v1/forerunner/…`). Read-only: everything here is
public by the rules of nqihub.forerunner.scopes."""

from rest_framework import serializers, viewsets

from . import selectors
from .models import EvaluationScheme, ForerunnerList, SchemeIndicator, ShortlistEntry


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchemeIndicator
        fields = [
            "id",
            "role",
            "name",
            "requirement",
            "requirement_source",
            "unit",
            "direction",
            "tiers",
            "weight",
        ]
        read_only_fields = fields


class SchemeSerializer(serializers.ModelSerializer):
    key_area = serializers.CharField(source="key_area.name", read_only=True)
    year = serializers.IntegerField(source="key_area.year", read_only=True)
    evaluator = serializers.CharField(source="evaluator.name", read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)
    latest_ranking = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationScheme
        fields = [
            "id",
            "title",
            "year",
            "key_area",
            "category_code",
            "product_standard",
            "evaluator",
            "weight_comprehensiveness",
            "weight_advancedness",
            "weight_conformity",
            "top_n",
            "threshold",
            "validity_months",
            "published_at",
            "indicators",
            "latest_ranking",
            "is_demo",
        ]
        read_only_fields = fields

    def get_latest_ranking(self, obj) -> dict | None:
        run = selectors.latest_run(obj)
        if run is None:
            return None
        return {
            "id": run.pk,
            "computed_at": run.computed_at,
            "candidates": run.candidates,
            "eligible": run.eligible,
            "tiered": run.tiered,
            "shortlisted": run.shortlisted,
            "indicators": run.indicators,
        }


class ListEntrySerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.name", read_only=True)
    standard_number = serializers.CharField(source="disclosure.standard_number", read_only=True)
    title = serializers.CharField(source="disclosure.title", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = ShortlistEntry
        fields = [
            "enterprise",
            "standard_number",
            "title",
            "score",
            "state",
            "state_display",
            "valid_until",
            "reason",
        ]
        read_only_fields = fields


class ListSerializer(serializers.ModelSerializer):
    scheme = serializers.CharField(source="scheme.title", read_only=True)
    entries = ListEntrySerializer(many=True, read_only=True)

    class Meta:
        model = ForerunnerList
        fields = ["id", "title", "scheme", "published_at", "valid_from", "valid_until", "entries", "is_demo"]
        read_only_fields = fields


class SchemeViewSet(viewsets.ReadOnlyModelViewSet):
    """领跑者评估方案 / published forerunner evaluation schemes (public)."""

    public_endpoint = True
    serializer_class = SchemeSerializer

    def get_queryset(self):
        return selectors.published_schemes().prefetch_related("indicators")


class ListViewSet(viewsets.ReadOnlyModelViewSet):
    """领跑者名单 / published forerunner lists with their entries (public)."""

    public_endpoint = True
    serializer_class = ListSerializer

    def get_queryset(self):
        return selectors.published_lists()

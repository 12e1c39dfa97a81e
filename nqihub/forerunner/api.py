"""Public REST API of the forerunner subsystem (`/api/v1/forerunner/…`): published evaluation schemes with their
indicators and latest ranking summary, published lists with their entries, and notices (公示) with their entries —
everything here is public by the rules of nqihub.forerunner.scopes. The one write is the public's: an objection to
an entry of an open notice (`POST …/notices/<id>/objections/`), rate-limited like the page (HTTP 429)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import ratelimit, selectors, services
from .models import EntryState, EvaluationScheme, ForerunnerList, Notice, SchemeIndicator, ShortlistEntry


@extend_schema_serializer(component_name="ForerunnerIndicator")  # the standards API has an "Indicator"
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


@extend_schema_serializer(component_name="ForerunnerScheme")  # benchmarking has a "Scheme" too
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
    """An entry as the public pages show it: `state` is 已过有效期 ("expired") once its validity is over, even
    before the daily expiry has stored it; `pending_recheck` marks a standard revised and not yet reviewed."""

    enterprise = serializers.CharField(source="enterprise.name", read_only=True)
    standard_number = serializers.CharField(source="disclosure.standard_number", read_only=True)
    title = serializers.CharField(source="disclosure.title", read_only=True)
    version = serializers.IntegerField(source="disclosure.version", read_only=True)
    state = serializers.ChoiceField(source="shown_state", choices=EntryState.choices, read_only=True)
    state_display = serializers.CharField(source="shown_state_display", read_only=True)
    pending_recheck = serializers.BooleanField(read_only=True)

    class Meta:
        model = ShortlistEntry
        fields = [
            "enterprise",
            "standard_number",
            "title",
            "version",
            "score",
            "state",
            "state_display",
            "pending_recheck",
            "recheck_since",
            "valid_until",
            "reason",
        ]
        read_only_fields = fields


class ListSerializer(serializers.ModelSerializer):
    scheme = serializers.CharField(source="scheme.title", read_only=True)
    valid = serializers.SerializerMethodField()
    entries = ListEntrySerializer(many=True, read_only=True)

    class Meta:
        model = ForerunnerList
        fields = [
            "id",
            "title",
            "scheme",
            "published_at",
            "valid_from",
            "valid_until",
            "valid",
            "expired_at",
            "entries",
            "is_demo",
        ]
        read_only_fields = fields

    def get_valid(self, obj) -> bool:
        return obj.is_valid_on()


class NoticeEntrySerializer(ListEntrySerializer):
    class Meta(ListEntrySerializer.Meta):
        fields = ["id", *ListEntrySerializer.Meta.fields]
        read_only_fields = fields


class NoticeSerializer(serializers.ModelSerializer):
    scheme_id = serializers.IntegerField(read_only=True)
    scheme = serializers.CharField(source="scheme.title", read_only=True)
    accepts_objections = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "scheme_id",
            "scheme",
            "starts_on",
            "ends_on",
            "state",
            "accepts_objections",
            "entries",
            "is_demo",
        ]
        read_only_fields = fields

    def get_accepts_objections(self, obj) -> bool:
        return obj.accepts_objections()

    @extend_schema_field(NoticeEntrySerializer(many=True))
    def get_entries(self, obj) -> list[dict]:
        return NoticeEntrySerializer(selectors.notice_entries(obj), many=True).data


class ObjectionInputSerializer(serializers.Serializer):
    entry = serializers.IntegerField(help_text="公示中的入围记录 id(notices 的 entries[].id)")
    name = serializers.CharField(max_length=64, help_text="异议人(姓名或单位)")
    contact = serializers.CharField(max_length=100, help_text="手机号码、电话或电子邮箱,不公开")
    reason = serializers.CharField(max_length=5000, help_text="异议的事实和理由")


class ObjectionCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    detail = serializers.CharField()


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


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """领跑者公示 / forerunner notices with their entries (public); anyone objects to an entry while one is open."""

    public_endpoint = True
    serializer_class = NoticeSerializer

    def get_queryset(self):
        return selectors.public_notices().order_by("-starts_on", "-id")

    @extend_schema(
        request=ObjectionInputSerializer,
        responses={201: ObjectionCreatedSerializer, 400: None, 429: None},
        description="提出异议 / file an objection. 400 names each field; 429 when one source (client address, or "
        "account) has filed FORERUNNER_OBJECTION_RATE objections to this notice (Retry-After in seconds).",
    )
    @action(detail=True, methods=["post"])
    def objections(self, request, pk=None):
        notice = self.get_object()
        data = ObjectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = (
            notice.entries.filter(pk=data.validated_data["entry"], state=EntryState.IN_NOTICE)
            .select_related("disclosure", "enterprise")
            .first()
        )
        if entry is None:
            raise serializers.ValidationError({"entry": [_("该标准不在本次公示中")]})
        try:
            objection = services.file_objection(request.user, notice, entry, data.validated_data)
        except ratelimit.RateLimited as exc:
            return Response(
                {"detail": exc.message, "code": "throttled"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(exc.retry_after)},
            )
        return Response(
            {"id": objection.pk, "detail": _("异议已提交,评估机构将核实处理并与您联系")},
            status=status.HTTP_201_CREATED,
        )

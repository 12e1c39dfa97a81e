from rest_framework import serializers

from .api import ScopedReadOnlyViewSet
from .models import AuditEvent, CCSCategory, ICSCode, Industry, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "level",
            "parent_code",
            "path",
            "is_active",
            "status",
            "start_year",
            "end_year",
            "successor_codes",
        ]


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["code", "name", "level", "parent_code", "section"]


class CCSSerializer(serializers.ModelSerializer):
    class Meta:
        model = CCSCategory
        fields = ["code", "name", "level", "parent_code", "note"]


class ICSSerializer(serializers.ModelSerializer):
    class Meta:
        model = ICSCode
        fields = ["code", "name", "title_fr", "level", "parent_code", "scope"]


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor_username",
            "actor_role",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "region_code",
            "before",
            "after",
            "request_id",
            "ip_address",
        ]


class RegionViewSet(ScopedReadOnlyViewSet):
    """GB/T 2260 行政区划 (public). Filter with ?parent=450300, ?active=1, ?code=450322."""

    scope_model = Region
    serializer_class = RegionSerializer
    filterset_fields = {
        "code": ["exact"],
        "parent_code": ["exact"],
        "is_active": ["exact"],
        "level": ["exact"],
    }


class IndustryViewSet(ScopedReadOnlyViewSet):
    """GB/T 4754-2017 国民经济行业分类 (public)."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    scope_model = Industry
    serializer_class = IndustrySerializer
    filterset_fields = {"parent_code": ["exact"], "level": ["exact"], "code": ["exact", "startswith"]}


class CCSViewSet(ScopedReadOnlyViewSet):
    """中国标准文献分类 CCS (public)."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    scope_model = CCSCategory
    serializer_class = CCSSerializer
    filterset_fields = {"parent_code": ["exact"], "level": ["exact"]}


class ICSViewSet(ScopedReadOnlyViewSet):
    """International Classification for Standards (public; contains ISO Open Data, ODC-By 1.0)."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    scope_model = ICSCode
    serializer_class = ICSSerializer
    filterset_fields = {"parent_code": ["exact"], "level": ["exact"]}


class AuditEventViewSet(ScopedReadOnlyViewSet):
    """审计日志 / audit log: the auditor role only. Append-only; filter by action, object, actor or request."""

    scope_model = AuditEvent
    serializer_class = AuditEventSerializer
    filterset_fields = {
        "action": ["exact", "startswith"],
        "object_type": ["exact"],
        "object_id": ["exact"],
        "actor_username": ["exact"],
        "request_id": ["exact"],
        "region_code": ["startswith"],
    }

from rest_framework import serializers

from nqihub.core.api import FoldingSerializerMixin, ScopedModelViewSet
from nqihub.core.regions import region_name

from . import filters, services
from .models import Enterprise, Expert, Institution, RegulatorUnit


class OrganisationSerializer(FoldingSerializerMixin, serializers.ModelSerializer):
    region_name = serializers.SerializerMethodField()

    def get_region_name(self, obj) -> str:
        return region_name(obj.region_code)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        allowed = services.editable_fields(request.user, self.Meta.model) if request else None
        if allowed is not None:
            for name, field in fields.items():
                if name not in allowed:
                    field.read_only = True
        return fields


class EnterpriseSerializer(OrganisationSerializer):
    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "uscc",
            "region_code",
            "region_name",
            "industry_code",
            "scale",
            "credit_risk_grade",
            "legal_representative",
            "address",
            "contact_name",
            "contact_phone",
            "contact_email",
            "is_demo",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_demo", "created_at", "updated_at"]


class InstitutionSerializer(OrganisationSerializer):
    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "uscc",
            "kind",
            "region_code",
            "region_name",
            "cma_number",
            "cnas_number",
            "address",
            "contact_name",
            "contact_phone",
            "is_demo",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_demo", "created_at", "updated_at"]


class ExpertSerializer(OrganisationSerializer):
    class Meta:
        model = Expert
        fields = [
            "id",
            "name",
            "title",
            "specialties",
            "affiliation",
            "region_code",
            "region_name",
            "phone",
            "email",
            "is_demo",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_demo", "created_at", "updated_at"]


class RegulatorUnitSerializer(OrganisationSerializer):
    class Meta:
        model = RegulatorUnit
        fields = [
            "id",
            "name",
            "region_code",
            "region_name",
            "address",
            "contact_phone",
            "is_demo",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_demo", "created_at", "updated_at"]


class EnterpriseViewSet(ScopedModelViewSet):
    """企业 / enterprises: regulators see their jurisdiction, enterprise staff their own enterprise."""

    scope_model = Enterprise
    serializer_class = EnterpriseSerializer
    filterset_class = filters.EnterpriseFilter
    create_service = services.register_enterprise
    update_service = services.update_enterprise
    delete_service = services.remove_organisation


class InstitutionViewSet(ScopedModelViewSet):
    """技术机构 / institutions."""

    scope_model = Institution
    serializer_class = InstitutionSerializer
    filterset_class = filters.InstitutionFilter
    create_service = services.register_institution
    update_service = services.update_institution
    delete_service = services.remove_organisation


class ExpertViewSet(ScopedModelViewSet):
    """专家 / experts."""

    scope_model = Expert
    serializer_class = ExpertSerializer
    filterset_class = filters.ExpertFilter
    create_service = services.register_expert
    update_service = services.update_expert
    delete_service = services.remove_organisation


class RegulatorUnitViewSet(ScopedModelViewSet):
    """监管单位 / regulator units."""

    scope_model = RegulatorUnit
    serializer_class = RegulatorUnitSerializer
    filterset_class = filters.RegulatorUnitFilter
    create_service = services.register_regulator_unit
    update_service = services.update_regulator_unit
    delete_service = services.remove_organisation

"""Catalogue pages (public, no JavaScript needed) and API. The platform administrator edits and imports rows."""

from rest_framework import serializers

from nqihub.core.api import FoldingSerializerMixin, ScopedModelViewSet
from nqihub.core.models import CCSCategory, ICSCode
from nqihub.core.views_base import ScopedDetailView, ScopedFormView, ScopedListView

from . import catalogue
from .catalogue_forms import CatalogueStandardForm
from .filters import CatalogueFilter
from .models import CatalogueStandard


class CatalogueList(ScopedListView):
    scope_model = CatalogueStandard
    filterset_class = CatalogueFilter
    template_name = "standards/catalogue/list.html"
    export_kind = "catalogue"


class CatalogueDetail(ScopedDetailView):
    scope_model = CatalogueStandard
    template_name = "standards/catalogue/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        standard = ctx["object"]
        ctx.update(
            replacement=catalogue.replacement_of(standard),
            editions=CatalogueStandard.objects.filter(base_number=standard.base_number).order_by(
                "-issued_on"
            ),
            ccs=CCSCategory.objects.filter(code=standard.ccs_code).first(),
            ics=ICSCode.objects.filter(code=standard.ics_code).first(),
        )
        return ctx


class CatalogueForm(ScopedFormView):
    scope_model = CatalogueStandard
    form_class = CatalogueStandardForm
    create_service = catalogue.create_catalogue_standard
    update_service = catalogue.update_catalogue_standard


class CatalogueStandardSerializer(FoldingSerializerMixin, serializers.ModelSerializer):
    replacement = serializers.SerializerMethodField()

    class Meta:
        model = CatalogueStandard
        fields = [
            "id",
            "number",
            "normalized_number",
            "base_number",
            "family",
            "nature",
            "title_zh",
            "title_en",
            "status",
            "issued_on",
            "implemented_on",
            "abolished_on",
            "replaces_text",
            "replaced_by_text",
            "replacement",
            "ccs_code",
            "ics_code",
            "adoption_degree",
            "adopted_number",
            "competent_dept",
            "responsible_tc",
            "source",
            "is_demo",
        ]
        read_only_fields = ["normalized_number", "base_number", "family", "replacement", "source", "is_demo"]

    def get_replacement(self, obj) -> str | None:
        successor = catalogue.replacement_of(obj)
        return successor.normalized_number if successor else None

    def validate(self, attrs):
        # The number decides the normalised form; a clash is reported on "number", like the pages do.
        number = attrs.get("number") or getattr(self.instance, "number", "")
        try:
            normalized = catalogue.number_fields(number)["normalized_number"]
        except Exception as exc:  # a Django ValidationError from number_fields
            raise serializers.ValidationError(getattr(exc, "message_dict", {"number": [str(exc)]})) from None
        clash = CatalogueStandard.objects.filter(normalized_number=normalized)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"number": [f"{normalized} 已在标准目录中"]})
        return attrs


class CatalogueViewSet(ScopedModelViewSet):
    """标准目录 / standards catalogue: everyone reads; the platform administrator writes. ?q= takes a number
    in any spelling (gb/t1.1-2020) or words of the title; filters family, nature, status."""

    scope_model = CatalogueStandard
    serializer_class = CatalogueStandardSerializer
    filterset_class = CatalogueFilter
    create_service = catalogue.create_catalogue_standard
    update_service = catalogue.update_catalogue_standard
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

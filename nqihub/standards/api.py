"""REST API of enterprise self-declarations: `/api/v1/disclosures/`.

Reads are scoped like the pages (enterprise staff: their own, drafts included; regulators: the public ones of their
jurisdiction; everyone else: the public ones). Enterprise staff create drafts (POST to the list) and change them
through sub-routes (`products/`, `indicators/`, `document/`, `commitment/`) and state actions (`disclose/`,
`revise/`, `abolish/`, `discard/`), each a call of nqihub.standards.services; a PATCH of the detail updates the
draft's standard. Products and indicators are nested read-only in the detail.
"""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from nqihub.core.api import ScopedViewSetMixin
from nqihub.core.regions import region_name

from . import forms, services
from .models import CommitmentRole, Disclosure, DisclosureKind, Indicator, Product


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "model", "category_code", "specification", "gtin", "common_name", "position"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "name", "requirement", "unit", "test_method", "parsed", "position"]
        read_only_fields = fields


class DisclosureSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    region_name = serializers.SerializerMethodField()
    family = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "region_code",
            "region_name",
            "kind",
            "family",
            "catalogue_standard",
            "standard_number",
            "normalized_number",
            "title",
            "state",
            "version",
            "previous",
            "document_url",
            "document_name",
            "document_type",
            "document_sha256",
            "explicit_statement",
            "commitment_signatory",
            "commitment_signatory_role",
            "committed_at",
            "disclosed_at",
            "abolished_at",
            "is_demo",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_region_name(self, obj) -> str:
        return region_name(obj.region_code)

    def get_family(self, obj) -> str:
        return obj.family

    def get_document_url(self, obj) -> str:
        if not obj.document:
            return ""
        url = reverse("standards:disclosure_document", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class DisclosureDetailSerializer(DisclosureSerializer):
    products = ProductSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(DisclosureSerializer.Meta):
        fields = [*DisclosureSerializer.Meta.fields, "products", "indicators"]
        read_only_fields = fields


class DisclosureCreateSerializer(serializers.Serializer):
    """A new draft: `catalogue_standard` (id) or the exact catalogue `number` for an external standard; for an own
    standard `kind` "enterprise", `number` and `title`."""

    kind = serializers.ChoiceField(choices=DisclosureKind.choices, required=False)
    catalogue_standard = serializers.IntegerField(required=False, min_value=1)
    number = serializers.CharField(required=False, max_length=200, allow_blank=True)
    title = serializers.CharField(required=False, max_length=300, allow_blank=True)
    explicit_statement = serializers.CharField(required=False, max_length=5000, allow_blank=True)


class DisclosureUpdateSerializer(serializers.Serializer):
    catalogue_standard = serializers.IntegerField(required=False, min_value=1)
    number = serializers.CharField(required=False, max_length=200)
    title = serializers.CharField(required=False, max_length=300)
    explicit_statement = serializers.CharField(required=False, max_length=5000, allow_blank=True)


class ProductInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    model = serializers.CharField(max_length=200)
    category_code = serializers.CharField(max_length=20)
    specification = serializers.CharField(max_length=200, required=False, allow_blank=True)
    gtin = serializers.CharField(max_length=40, required=False, allow_blank=True)
    common_name = serializers.CharField(max_length=200, required=False, allow_blank=True)


class IndicatorInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    requirement = serializers.CharField(max_length=300)
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True)
    test_method = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DocumentInputSerializer(serializers.Serializer):
    document = serializers.FileField()


class CommitmentInputSerializer(serializers.Serializer):
    signatory = serializers.CharField(max_length=64)
    role = serializers.ChoiceField(choices=CommitmentRole.choices)


class DisclosureViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """标准自我声明 / enterprise standard self-declarations."""

    scope_model = Disclosure
    filterset_class = forms.DisclosureFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def base_queryset(self):
        queryset = Disclosure.objects.select_related("enterprise", "catalogue_standard")
        if self.action != "list":
            queryset = queryset.prefetch_related("products", "indicators")
        return queryset

    def get_serializer_class(self):
        return DisclosureSerializer if self.action == "list" else DisclosureDetailSerializer

    def _detail(self, disclosure, code=status.HTTP_200_OK):
        disclosure = self.base_queryset().get(pk=disclosure.pk)
        return Response(
            DisclosureDetailSerializer(disclosure, context=self.get_serializer_context()).data, code
        )

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=DisclosureCreateSerializer, responses={201: DisclosureDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(DisclosureCreateSerializer)
        enterprise = getattr(request.user, "enterprise", None)
        if enterprise is None:
            raise PermissionDenied(_("您的账号没有绑定企业,不能填报标准声明"))
        disclosure = services.start_disclosure(request.user, enterprise, **data)
        return self._detail(disclosure, status.HTTP_201_CREATED)

    @extend_schema(request=DisclosureUpdateSerializer, responses=DisclosureDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        disclosure = self.get_object()
        data = self._input(DisclosureUpdateSerializer)
        version = request.headers.get("If-Unmodified-Version") or None
        return self._detail(services.update_draft(request.user, disclosure, data, version))

    @extend_schema(request=ProductInputSerializer, responses={201: DisclosureDetailSerializer})
    @action(detail=True, methods=["post"])
    def products(self, request, pk=None):
        disclosure = self.get_object()
        services.add_product(request.user, disclosure, self._input(ProductInputSerializer))
        return self._detail(disclosure, status.HTTP_201_CREATED)

    @extend_schema(request=IndicatorInputSerializer, responses={201: DisclosureDetailSerializer})
    @action(detail=True, methods=["post"])
    def indicators(self, request, pk=None):
        disclosure = self.get_object()
        services.add_indicator(request.user, disclosure, self._input(IndicatorInputSerializer))
        return self._detail(disclosure, status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": DocumentInputSerializer}, responses=DisclosureDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def document(self, request, pk=None):
        disclosure = self.get_object()
        data = self._input(DocumentInputSerializer)
        return self._detail(services.attach_document(request.user, disclosure, data["document"]))

    @extend_schema(request=CommitmentInputSerializer, responses=DisclosureDetailSerializer)
    @action(detail=True, methods=["post"])
    def commitment(self, request, pk=None):
        disclosure = self.get_object()
        data = self._input(CommitmentInputSerializer)
        return self._detail(
            services.sign_commitment(request.user, disclosure, data["signatory"], data["role"])
        )

    @extend_schema(request=None, responses=DisclosureDetailSerializer)
    @action(detail=True, methods=["post"])
    def disclose(self, request, pk=None):
        return self._detail(services.disclose(request.user, self.get_object()))

    @extend_schema(request=None, responses={201: DisclosureDetailSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        return self._detail(services.revise(request.user, self.get_object()), status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DisclosureDetailSerializer)
    @action(detail=True, methods=["post"])
    def abolish(self, request, pk=None):
        return self._detail(services.abolish(request.user, self.get_object()))

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        services.discard_draft(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

"""API building blocks: scoped viewsets that write through services, folded input, readable errors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .records import EditConflict, StillReferenced, fold_input
from .scoping import action_for_method, restrict


class FoldingSerializerMixin:
    """Typed strings are folded (full-width, dashes, spaces) before the model's validators see them."""

    def to_internal_value(self, data):
        if hasattr(data, "items"):
            data = fold_input({k: v for k, v in data.items()})
        return super().to_internal_value(data)


class ScopedViewSetMixin:
    scope_model = None
    create_service = None
    update_service = None
    delete_service = None

    def get_queryset(self):
        base = getattr(self, "base_queryset", None)
        queryset = base() if base else self.scope_model.objects.all()
        return restrict(queryset, self.request.user, action_for_method(self.request.method))

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(self.request.user, dict(serializer.validated_data))

    def perform_update(self, serializer):
        version = self.request.headers.get("If-Unmodified-Version") or None
        serializer.instance = type(self).update_service(
            self.request.user, serializer.instance, dict(serializer.validated_data), version
        )

    def perform_destroy(self, instance):
        type(self).delete_service(self.request.user, instance)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedCreateListRetrieveViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    pass


def exception_handler(exc, context):
    """Model validation raised inside a service becomes a 400 naming each field; an edit conflict or a row
    still referenced elsewhere a 409."""
    if isinstance(exc, EditConflict | StillReferenced):
        return Response({"detail": exc.messages[0], "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = serializers.ValidationError(detail)
    return drf_exception_handler(exc, context)

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form carries Tabler's classes (the same FilterSet serves the API)."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)
        return form


class AuditEventFilter(StyledFilterSet):
    action = django_filters.CharFilter(label=_("动作"), lookup_expr="startswith")
    actor_username = django_filters.CharFilter(label=_("操作人账号"))
    object_type = django_filters.CharFilter(label=_("对象类型"))
    request_id = django_filters.CharFilter(label=_("请求编号"))
    since = django_filters.DateFilter(label=_("起始日期"), field_name="occurred_at", lookup_expr="date__gte")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor_username", "object_type", "request_id", "since"]

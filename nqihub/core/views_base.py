"""Base views: every page that shows or changes scoped rows derives from these, so scoping cannot be forgotten.

A view declares `scope_model` (rows go through `restrict()`) or `public_page = True`; the permission-matrix test
checks that every URL does one of the two.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .records import EditConflict
from .scoping import Action, can, reach, restrict


class ScopedMixin:
    scope_model: type[models.Model]
    scope_action = Action.VIEW

    def dispatch(self, request, *args, **kwargs):
        if reach(request.user, self.scope_model, self.scope_action) is None:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied(_("您的角色无权访问此页面"))
        return super().dispatch(request, *args, **kwargs)

    def scoped(self, action: Action | None = None) -> models.QuerySet:
        return restrict(self.scope_model.objects.all(), self.request.user, action or self.scope_action)


class PublicPage(TemplateView):
    public_page = True


class ScopedListView(ScopedMixin, TemplateView):
    """A list with a django-filter FilterSet (the same one the API uses), pagination and an xlsx/CSV export link."""

    filterset_class = None
    paginate_by = 25
    export_kind: str = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        queryset = self.scoped()
        filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        page = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            filterset=filterset,
            page=page,
            rows=page.object_list,
            total=page.paginator.count,
            query=query.urlencode(),
            model_meta=self.scope_model._meta,
            can_add=can(self.request.user, Action.ADD, self.scope_model),
            export_kind=self.export_kind,
        )
        return ctx


class ScopedDetailView(ScopedMixin, TemplateView):
    def get_object(self):
        return get_object_or_404(self.scoped(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.get_object()
        ctx.update(
            object=obj,
            model_meta=self.scope_model._meta,
            can_change=can(self.request.user, Action.CHANGE, self.scope_model, obj),
        )
        return ctx


class ScopedFormView(ScopedMixin, View):
    """Create (no pk) or edit (pk) one row through a service function; validation errors stay on the form."""

    form_class: type[forms.ModelForm]
    template_name = "core/form.html"
    create_service = None
    update_service = None

    @property
    def scope_action(self):  # type: ignore[override]
        return Action.CHANGE if "pk" in self.kwargs else Action.ADD

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.scoped(Action.CHANGE), pk=self.kwargs["pk"])

    def make_form(self, obj, data=None):
        form = self.form_class(data=data, instance=obj, user=self.request.user)
        return form

    def render(self, form, obj, status=200):
        from django.shortcuts import render

        ctx = {
            "form": form,
            "object": obj,
            "model_meta": self.scope_model._meta,
            "version": obj.updated_at.isoformat() if obj is not None and hasattr(obj, "updated_at") else "",
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render(self.make_form(obj), obj)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.make_form(obj, request.POST)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.changed_or_all_fields()}
            try:
                if obj is None:
                    saved = type(self).create_service(request.user, data)
                else:
                    saved = type(self).update_service(
                        request.user, obj, data, request.POST.get("version") or None
                    )
            except EditConflict as exc:
                form.add_error(None, exc)
            except ValidationError as exc:
                _attach_errors(form, exc)
            else:
                messages.success(request, _("已保存"))
                return HttpResponseRedirect(saved.get_absolute_url())
        return self.render(form, obj, status=400)


def _attach_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)

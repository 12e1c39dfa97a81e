from django.contrib.auth import views as auth_views
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, ReferenceDataset
from .navigation import SUBSYSTEMS
from .views_base import PublicPage, ScopedListView


class HomePage(PublicPage):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["subsystems"] = SUBSYSTEMS
        return ctx


class AboutPage(PublicPage):
    template_name = "core/about.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["datasets"] = ReferenceDataset.objects.all()
        return ctx


class ComingPage(PublicPage):
    """A subsystem not built yet says so plainly — no made-up figures."""

    template_name = "core/coming.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        subsystem = next((s for s in SUBSYSTEMS if s.slug == self.kwargs["slug"] and not s.url_name), None)
        if subsystem is None:
            raise Http404(_("没有这个子系统"))
        ctx["subsystem"] = subsystem
        return ctx


class LoginPage(auth_views.LoginView):
    public_page = True
    template_name = "core/login.html"
    redirect_authenticated_user = True


class LogoutPage(auth_views.LogoutView):
    public_page = True


class AuditLog(ScopedListView):
    scope_model = AuditEvent
    template_name = "core/audit_log.html"
    paginate_by = 50

    @property
    def filterset_class(self):
        from .filters import AuditEventFilter

        return AuditEventFilter

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nqihub.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        from . import scopes  # noqa: F401  (registers the audit log's scope)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "nqihub.registry"
    label = "registry"
    verbose_name = _("主体名录")

    def ready(self) -> None:
        from . import scopes  # noqa: F401  (registers the scoping rules of this app's models)

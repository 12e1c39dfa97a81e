from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarkingConfig(AppConfig):
    name = "nqihub.benchmarking"
    label = "benchmarking"
    verbose_name = _("对标达标")

    def ready(self) -> None:
        from nqihub.imports.columns import register_kind

        from . import scopes  # noqa: F401  (registers the scoping rules of this app's models)
        from .advanced_import import ADVANCED

        register_kind(ADVANCED)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForerunnerConfig(AppConfig):
    name = "nqihub.forerunner"
    label = "forerunner"
    verbose_name = _("企业标准领跑者")

    def ready(self) -> None:
        from . import scopes  # noqa: F401  (registers the scoping rules of this app's models)

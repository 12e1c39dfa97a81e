from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "nqihub.review"
    label = "review"
    verbose_name = _("标准自查审查")

    def ready(self) -> None:
        from . import scopes  # noqa: F401  (registers the scoping rules of this app's models)

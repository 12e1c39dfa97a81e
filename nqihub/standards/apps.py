from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "nqihub.standards"
    label = "standards"
    verbose_name = _("企业标准公开")

    def ready(self) -> None:
        from nqihub.core.reference import register_dataset
        from nqihub.imports.columns import register_kind

        from . import scopes  # noqa: F401  (registers the scoping rules of this app's models)
        from .catalogue_import import CATALOGUE
        from .reference import CATALOGUE_SAMPLE

        register_dataset(CATALOGUE_SAMPLE)
        register_kind(CATALOGUE)

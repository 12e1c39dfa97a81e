from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "nqihub.review"
    label = "review"
    verbose_name = _("标准自查审查")

    def ready(self) -> None:
        from nqihub.core.reference import register_dataset
        from nqihub.imports.columns import register_kind

        from . import scopes  # noqa: F401  (registers the scoping rules of this app's models)
        from .limit_import import LIMITS
        from .reference import DATASETS as LIMIT_DATASETS

        for dataset in LIMIT_DATASETS:
            register_dataset(dataset)
        register_kind(LIMITS)

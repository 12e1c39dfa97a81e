from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarkingConfig(AppConfig):
    name = "nqihub.benchmarking"
    label = "benchmarking"
    verbose_name = _("对标达标")

    def ready(self) -> None:
        from nqihub.imports.columns import register_kind

        from . import checks, scopes  # noqa: F401  (registers the system checks and this app's scoping rules)
        from .advanced_import import ADVANCED
        from .campaign_import import RANKING

        register_kind(ADVANCED)
        # importing the ranking kind registers the campaign's system check too (campaign.check_settings)
        register_kind(RANKING)

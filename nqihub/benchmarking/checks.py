"""System checks: a deployment's 对标 level rules (settings.BENCHMARK_LEVEL_RULES) are checked when the server
starts, not first when an enterprise benchmarks."""

from django.conf import settings
from django.core.checks import Error, register

from .engine import RulesError, check_rules


@register()
def level_rules(app_configs=None, **kwargs) -> list[Error]:
    rules = getattr(settings, "BENCHMARK_LEVEL_RULES", None) or {}
    if not isinstance(rules, dict):
        return [Error("BENCHMARK_LEVEL_RULES must be a JSON object", id="benchmarking.E001")]
    try:
        check_rules(rules)
    except RulesError as exc:
        return [
            Error(
                f"BENCHMARK_LEVEL_RULES (NQIHUB_BENCHMARK_LEVEL_RULES) 达标判定规则有误 / invalid: {exc}",
                id="benchmarking.E001",
            )
        ]
    return []

"""Reads of the forerunner subsystem: what the public pages show (published schemes, rankings, notices, lists)
and the per-tier listings. Everything here is public by the rules of nqihub.forerunner.scopes; management pages
read through `restrict()` instead."""

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import (
    PUBLIC_STATES,
    EvaluationScheme,
    ForerunnerList,
    IndicatorRole,
    KeyArea,
    Notice,
    RankingEntry,
    RankingRun,
    SchemeIndicator,
    SchemeState,
    ShortlistEntry,
)


def key_areas() -> QuerySet[KeyArea]:
    return KeyArea.objects.annotate(
        published=Count("schemes", filter=Q(schemes__state=SchemeState.PUBLISHED))
    ).order_by("-year", "name")


def published_schemes() -> QuerySet[EvaluationScheme]:
    return (
        EvaluationScheme.objects.filter(state=SchemeState.PUBLISHED)
        .select_related("key_area", "evaluator")
        .order_by("-key_area__year", "title", "id")
    )


def indicators_by_role(scheme: EvaluationScheme) -> dict[str, list[SchemeIndicator]]:
    grouped: dict[str, list[SchemeIndicator]] = {role: [] for role in IndicatorRole.values}
    for indicator in scheme.indicators.order_by("position", "id"):
        grouped[indicator.role].append(indicator)
    return grouped


def latest_run(scheme: EvaluationScheme) -> RankingRun | None:
    return scheme.runs.order_by("-computed_at", "-id").first()


def public_runs() -> QuerySet[RankingRun]:
    return RankingRun.objects.filter(scheme__state=SchemeState.PUBLISHED).select_related("scheme__key_area")


def tier_members(run: RankingRun, indicator_id: str, level: int) -> QuerySet[RankingEntry]:
    """The standards in one tier of one core indicator — by standard number: there is no order inside a tier."""
    return RankingEntry.objects.filter(run=run, eligible=True, **{f"levels__{indicator_id}": level}).order_by(
        "standard_number", "enterprise_name", "id"
    )


def composite(run: RankingRun) -> QuerySet[RankingEntry]:
    """The eligible standards by composite score (the shortlist decision), then the ones not admitted."""
    return RankingEntry.objects.filter(run=run).order_by("-eligible", "position", "standard_number", "id")


def public_entries() -> QuerySet[ShortlistEntry]:
    return ShortlistEntry.objects.filter(state__in=PUBLIC_STATES).select_related(
        "disclosure", "enterprise", "scheme"
    )


def public_notices() -> QuerySet[Notice]:
    return Notice.objects.filter(scheme__state=SchemeState.PUBLISHED).select_related("scheme__key_area")


def notice_entries(notice: Notice) -> QuerySet[ShortlistEntry]:
    return (
        notice.entries.filter(state__in=PUBLIC_STATES)
        .select_related("disclosure", "enterprise")
        .order_by("enterprise__name", "id")
    )


def published_lists() -> QuerySet[ForerunnerList]:
    return ForerunnerList.objects.select_related("scheme__key_area", "scheme__evaluator").prefetch_related(
        Prefetch(
            "entries",
            queryset=ShortlistEntry.objects.select_related("disclosure", "enterprise").order_by(
                "-score", "id"
            ),
        )
    )


def list_entries(listing: ForerunnerList) -> QuerySet[ShortlistEntry]:
    """Every entry the list published, those removed since included (shown as removed, with the reason)."""
    return (
        ShortlistEntry.objects.filter(listing=listing)
        .select_related("disclosure", "enterprise")
        .order_by("state", "-score", "id")
    )

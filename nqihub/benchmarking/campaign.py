"""The 对标达标 campaign's figures and rankings (docs/campaign.md): the reads. Writes are in campaign_services.py,
the arithmetic and wording of ranks in campaign_engine.py (no Django).

    campaign_figures(user, region, day)              the six counts of a region ("" = the whole country)
    figures_by_division(user, region, day, digits)   the same per province (2) / city (4) / county (6) inside it
    figures_of_cities(codes, day)                    per pilot city over everything the platform holds (snapshots)
    ranking_keys(), ranking_key(slug)                the keys: built in, plus settings.BENCHMARK_RANKING_KEYS
    ranking_table(snapshot, home)                    a snapshot's rows with the previous rank and the movement
    home_history(snapshot, home)                     the home city's rank in every snapshot of the series

The counts on a day (the end of that day, Asia/Shanghai), from timestamps, so any past day can be asked about:
参与对标企业 distinct enterprises with a result published by then; 使用对标方案 distinct schemes of those results;
对标结果 those results; 达标验证 those verified by then; 培训场次 trainings held in the region by then; 培训企业 distinct
enterprises of the region trained by then (at a training anywhere). Each family of counts is one grouped query.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Left
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nqihub.core.models import Region, Role
from nqihub.core.regions import jurisdiction_prefix, region_name
from nqihub.core.scoping import Action, restrict
from nqihub.registry.models import Enterprise

from . import campaign_engine as engine
from .models import (
    BenchmarkResult,
    RankingRow,
    RankingSnapshot,
    RankingSource,
    ResultState,
    Training,
)

METRICS = engine.METRICS
METRIC_LABELS = {
    "enterprises": gettext_lazy("参与对标企业"),
    "schemes": gettext_lazy("使用对标方案"),
    "results": gettext_lazy("对标结果"),
    "verified": gettext_lazy("达标验证"),
    "trainings": gettext_lazy("培训场次"),
    "trained": gettext_lazy("培训企业"),
}
METRIC_UNITS = {
    "enterprises": gettext_lazy("家"),
    "schemes": gettext_lazy("个"),
    "results": gettext_lazy("个"),
    "verified": gettext_lazy("个"),
    "trainings": gettext_lazy("场"),
    "trained": gettext_lazy("家"),
}
KEY_LABELS = {
    "results": gettext_lazy("按对标结果数"),
    "enterprises": gettext_lazy("按参与对标企业数"),
    "verified": gettext_lazy("按达标验证数"),
    "composite": gettext_lazy("按综合得分(参与企业、对标结果、达标验证、培训企业加权)"),
}
NATIONAL_KEY = "national"  # the key of an imported table: the national platform's own method
DEFAULT_KEY = "results"
# digits of a region code prefix → the level of the divisions grouped by it
LEVELS = {2: "province", 4: "city", 6: "county"}
LEVEL_DIGITS = {level: digits for digits, level in LEVELS.items()}
LEVEL_LABELS = {
    "province": gettext_lazy("按省"),
    "city": gettext_lazy("按市"),
    "county": gettext_lazy("按县(区)"),
}
_REGION_LEVEL = {2: "province", 4: "prefecture", 6: "county"}


# --- ranking keys ------------------------------------------------------------------------------------------------


def ranking_keys() -> dict[str, engine.RankingKey]:
    """The built-in keys, with those of settings.BENCHMARK_RANKING_KEYS added (or replacing a built-in one)."""
    keys = dict(engine.BUILTIN_KEYS)
    for slug, config in (getattr(settings, "BENCHMARK_RANKING_KEYS", None) or {}).items():
        try:
            keys[slug] = engine.key_from_config(slug, config)
        except engine.RankingKeyError as exc:
            raise ImproperlyConfigured(f"BENCHMARK_RANKING_KEYS: {exc}") from None
    return keys


def default_key() -> str:
    slug = getattr(settings, "BENCHMARK_RANKING_KEY", None) or DEFAULT_KEY
    if slug not in ranking_keys():
        raise ImproperlyConfigured(
            f"BENCHMARK_RANKING_KEY {slug!r} is not a ranking key (one of {sorted(ranking_keys())})"
        )
    return slug


def ranking_key(slug: str | None) -> engine.RankingKey:
    """The key named ``slug`` (the configured default when empty); ValueError for an unknown one."""
    keys = ranking_keys()
    slug = slug or default_key()
    if slug not in keys:
        raise ValueError(_("未知的排名口径“%(k)s”") % {"k": slug})
    return keys[slug]


def key_label(slug: str) -> str:
    if slug == NATIONAL_KEY:
        return _("国家平台发布的排名")
    config = (getattr(settings, "BENCHMARK_RANKING_KEYS", None) or {}).get(slug)
    if isinstance(config, dict) and config.get("label"):
        return str(config["label"])
    return str(KEY_LABELS.get(slug, slug))


def key_choices() -> list[tuple[str, str]]:
    return [(slug, key_label(slug)) for slug in ranking_keys()]


@register()
def check_settings(app_configs=None, **kwargs) -> list:
    """System check: the ranking keys of the settings are usable and the default is one of them."""
    try:
        default_key()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="benchmarking.E002")]
    return []


# --- counts -------------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The counts of one region on a day, and its place when ranked by a key."""

    region_code: str
    region_name: str
    enterprises: int = 0
    schemes: int = 0
    results: int = 0
    verified: int = 0
    trainings: int = 0
    trained: int = 0
    rank: int | None = None
    value: float | None = None

    def counts(self) -> dict[str, int]:
        return {m: getattr(self, m) for m in METRICS}

    @property
    def values(self) -> list[int]:
        """The counts in the order of METRICS (the columns of the tables)."""
        return [getattr(self, m) for m in METRICS]

    @property
    def cells(self) -> list[tuple[str, int]]:
        return [(m, getattr(self, m)) for m in METRICS]

    def sentence(self, day: datetime.date) -> str:
        """The figures as a work report words them (in the active language)."""
        return _(
            "截至%(day)s,%(region)s参与对标企业%(enterprises)d家,使用对标方案%(schemes)d个,总对标结果%(results)d个"
            "(其中达标验证%(verified)d个);举办培训%(trainings)d场,培训企业%(trained)d家"
        ) % {"day": date_format(day), "region": self.region_name, **self.counts()}

    def as_dict(self) -> dict[str, Any]:
        return {
            "region_code": self.region_code,
            "region_name": self.region_name,
            **self.counts(),
            "rank": self.rank,
            "value": self.value,
        }


def end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _scoped(queryset: QuerySet, user) -> QuerySet:
    # user None: everything the platform holds (a snapshot ranks pilot cities whoever takes it)
    return queryset if user is None else restrict(queryset, user, Action.VIEW)


def _families(user, day: datetime.date) -> list[tuple[QuerySet, dict]]:
    """(rows, aggregates) of each family of counts; every family's rows carry region_code."""
    end = end_of(day)
    results = BenchmarkResult.objects.filter(
        state__in=(ResultState.PUBLISHED, ResultState.VERIFIED), published_at__lt=end
    )
    return [
        (
            _scoped(results, user),
            {
                "enterprises": Count("enterprise", distinct=True),
                "schemes": Count("scheme", distinct=True),
                "results": Count("id"),
                "verified": Count("id", filter=Q(verified_at__lt=end)),
            },
        ),
        (_scoped(Training.objects.filter(held_on__lte=day), user), {"trainings": Count("id")}),
        (
            _scoped(Enterprise.objects.filter(benchmark_trainings__held_on__lte=day), user),
            {"trained": Count("id", distinct=True)},
        ),
    ]


def _counts(user, day: datetime.date, length: int, prefix: str = "", parts=None) -> dict[str, dict[str, int]]:
    """part of the region code (its first ``length`` digits; "" when length is 0) → counts, for the rows whose
    code starts with ``prefix`` (and whose part is one of ``parts`` when given). One query per family."""
    found: dict[str, dict[str, int]] = {}
    for rows, aggregates in _families(user, day):
        if prefix:
            rows = rows.filter(region_code__startswith=prefix)
        if not length:
            totals = rows.order_by().aggregate(**aggregates)
            found.setdefault("", {}).update({k: v or 0 for k, v in totals.items()})
            continue
        grouped = rows.annotate(part=Left("region_code", length))
        if parts is not None:
            grouped = grouped.filter(part__in=list(parts))
        for row in grouped.values("part").annotate(**aggregates).order_by():
            found.setdefault(row["part"], {}).update({k: row[k] or 0 for k in aggregates})
    return found


def _prefix(region_code: str) -> str:
    return jurisdiction_prefix(region_code) if region_code else ""


def display_name(code: str) -> str:
    """The region's name; a code no division has (a municipality's 1101 00) is named after its province."""
    if not code:
        return _("全国")
    name = region_name(code)
    if name:
        return name
    parent = region_name(code[:2] + "0000")
    return f"{parent}{code}" if parent else code


def campaign_figures(user, region_code: str, day: datetime.date) -> Figures:
    """The six counts of one region ("" for the whole country), as ``user`` may see them."""
    counts = _counts(user, day, 0, _prefix(region_code)).get("", {})
    return Figures(region_code, display_name(region_code), **counts)


def divisions(prefix: str, digits: int) -> dict[str, str]:
    """code → name of the current divisions of a level (``digits`` 2 / 4 / 6) inside a region prefix."""
    if len(prefix) >= digits:
        code = prefix[:digits].ljust(6, "0")
        return {code: display_name(code)}
    rows = Region.objects.filter(is_active=True, level=_REGION_LEVEL[digits], code__startswith=prefix)
    return dict(rows.order_by("code").values_list("code", "name"))


def figures_by_division(user, region_code: str, day: datetime.date, digits: int) -> list[Figures]:
    """The counts per province (2), city (4) or county (6) inside a region, every current division listed (zeros
    too) and any other code the data holds (a retired county's results stay counted under its old code)."""
    prefix = _prefix(region_code)
    digits = max(digits, len(prefix))
    counts = _counts(user, day, digits, prefix)
    named = divisions(prefix, digits)
    for part in counts:
        code = part.ljust(6, "0")
        if code not in named:
            named[code] = display_name(code)
    return [Figures(code, name, **counts.get(code[:digits], {})) for code, name in sorted(named.items())]


def figures_of_cities(codes: list[str], day: datetime.date, user=None) -> dict[str, Figures]:
    """code → counts of each city (any level: a municipality's whole province, a county-level city alone) over
    everything the platform holds (``user`` None) or what ``user`` may see. One query per family and code length."""
    by_length: dict[int, dict[str, str]] = {}
    for code in codes:
        prefix = _prefix(code)
        by_length.setdefault(len(prefix), {})[prefix] = code
    found = {code: Figures(code, display_name(code)) for code in codes}
    for length, prefixes in by_length.items():
        for part, counts in _counts(user, day, length, parts=prefixes).items():
            for metric, value in counts.items():
                setattr(found[prefixes[part]], metric, value)
    return found


def rank_figures(rows: list[Figures], key: engine.RankingKey) -> list[Figures]:
    """Set rank and value of each row by ``key`` (in place) and return them in rank order."""
    by_code = {row.region_code: row for row in rows}
    ordered = []
    for ranked in engine.rank(((row.region_code, row.counts()) for row in rows), key):
        row = by_code[ranked.code]
        row.rank, row.value = ranked.rank, ranked.value
        ordered.append(row)
    return ordered


# --- rankings -----------------------------------------------------------------------------------------------------


def home_city(user) -> str:
    """The city whose rank the dashboard follows: a city or county regulator's city, else HOME_REGION_CODE."""
    code = getattr(user, "region_code", "") if getattr(user, "role", None) == Role.REGULATOR else ""
    if code and len(jurisdiction_prefix(code)) >= 4:
        city = code[:4] + "00"
        if Region.objects.filter(code=city, is_active=True).exists():
            return city
        return code[:2] + "0000"  # a district of a municipality: the municipality is the pilot city
    return settings.HOME_REGION_CODE


def snapshots() -> QuerySet:
    return RankingSnapshot.objects.select_related("batch")


def default_snapshot() -> RankingSnapshot | None:
    """The one the dashboard opens on: real before demo, the national table before a computed one, the latest."""
    imported_first = Case(
        When(source=RankingSource.IMPORTED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return snapshots().order_by("is_demo", imported_first, "-as_of", "-id").first()


def series_label(snapshot: RankingSnapshot) -> str:
    if snapshot.source == RankingSource.IMPORTED:
        label = _("国家平台发布的排名(导入)")
    else:
        label = _("%(batch)s · %(key)s(本平台数据)") % {
            "batch": snapshot.batch or _("试点城市"),
            "key": key_label(snapshot.key),
        }
    return f"{label}{_('(示例)')}" if snapshot.is_demo else label


def latest_of_each_series() -> list[RankingSnapshot]:
    """The latest snapshot of every series, for the series picker."""
    seen: set[tuple] = set()
    found = []
    for snapshot in snapshots().order_by("-as_of", "-id"):
        series = (snapshot.source, snapshot.key, snapshot.batch_id, snapshot.is_demo)
        if series not in seen:
            seen.add(series)
            found.append(snapshot)
    return found


def previous_snapshot(snapshot: RankingSnapshot) -> RankingSnapshot | None:
    return snapshot.series().filter(as_of__lt=snapshot.as_of).order_by("-as_of", "-id").first()


@dataclass
class RankingLine:
    row: RankingRow
    change: engine.Movement | None  # None: the first snapshot of its series, nothing to compare with
    is_home: bool = False

    @property
    def previous(self) -> int | None:
        return self.change.before if self.change is not None else None

    @property
    def movement_text(self) -> str:
        return movement_text(self.change)

    @property
    def values(self) -> list[int | None]:
        return [getattr(self.row, m) for m in METRICS]

    @property
    def name(self) -> str:
        return self.row.region_name or display_name(self.row.region_code)


def movement_text(change: engine.Movement | None) -> str:
    """由第43位升至第19位(上升24位), in the active language."""
    if change is None:
        return ""
    values = {"before": change.before, "after": change.after, "delta": abs(change.delta or 0)}
    if change.direction == "up":
        return _("由第%(before)d位升至第%(after)d位(上升%(delta)d位)") % values
    if change.direction == "down":
        return _("由第%(before)d位降至第%(after)d位(下降%(delta)d位)") % values
    if change.direction == "same":
        return _("保持第%(after)d位") % values
    if change.direction == "new":
        return _("首次进入排名,第%(after)d位") % values
    return ""


def bulletin_phrase(before: int, after: int) -> str:
    """由四十余位跃升至第十九位 in Chinese; "from 40-odd up to 19th" in English (numerals are the language's)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return (
        engine.bulletin_zh(before, after) if language.startswith("zh") else engine.bulletin_en(before, after)
    )


def ranking_table(snapshot: RankingSnapshot, home: str = "") -> list[RankingLine]:
    """The snapshot's rows in rank order, each with its rank in the previous snapshot of the series."""
    previous = previous_snapshot(snapshot)
    before = dict(previous.rows.values_list("region_code", "rank")) if previous is not None else {}
    return [
        RankingLine(
            row,
            engine.movement(before.get(row.region_code), row.rank) if previous is not None else None,
            is_home=row.region_code == home,
        )
        for row in snapshot.rows.order_by("rank", "region_code")
    ]


@dataclass
class HomeHistory:
    """The home city's rank over a series: one point per snapshot (None where it is absent)."""

    region_code: str
    region_name: str
    points: list[tuple[RankingSnapshot, int | None, int]] = field(
        default_factory=list
    )  # (snapshot, rank, of n)

    @property
    def ranked(self) -> list[tuple[RankingSnapshot, int, int]]:
        return [(s, r, n) for s, r, n in self.points if r is not None]

    @property
    def latest_change(self) -> engine.Movement | None:
        ranked = self.ranked
        if len(ranked) < 2:
            return None
        return engine.movement(ranked[-2][1], ranked[-1][1])

    @property
    def movement_text(self) -> str:
        change = self.latest_change
        return movement_text(change) if change is not None else ""

    @property
    def bulletin(self) -> str:
        """在全国60个试点城市中的排名由四十余位跃升至第十九位: from the first snapshot of the series to the last."""
        ranked = self.ranked
        if len(ranked) < 2:
            return ""
        first, last = ranked[0], ranked[-1]
        values = {"n": last[2], "phrase": bulletin_phrase(first[1], last[1])}
        if last[0].source == RankingSource.IMPORTED:
            return _("在全国%(n)d个试点城市中的排名%(phrase)s") % values
        return _("在本平台有数据的%(n)d个试点城市中的排名%(phrase)s") % values

    @property
    def within_province(self) -> int | None:
        ranked = self.ranked
        if not ranked:
            return None
        rows = ranked[-1][0].rows.values_list("region_code", "rank")
        return engine.position_within(rows, self.region_code, self.region_code[:2])


def home_history(snapshot: RankingSnapshot, home: str) -> HomeHistory:
    series = list(snapshot.series().filter(as_of__lte=snapshot.as_of))
    ranks = dict(
        RankingRow.objects.filter(snapshot__in=series, region_code=home).values_list("snapshot_id", "rank")
    )
    sizes = dict(
        RankingRow.objects.filter(snapshot__in=series)
        .values("snapshot_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("snapshot_id", "n")
    )
    return HomeHistory(home, display_name(home), [(s, ranks.get(s.pk), sizes.get(s.pk, 0)) for s in series])

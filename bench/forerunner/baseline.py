"""The baseline of the forerunner benchmark: the ranking as it was computed before the indicator-value table
(`nqihub.standards.models_values.IndicatorValue`) — `compute_ranking` and `store_ranking` of
nqihub/forerunner/services.py and `rank` / `rank_indicator` of nqihub/forerunner/engine.py as of commit bc5d586,
kept here verbatim (the helpers that did not change are imported) so that every run times both on the same data
and checks that they agree.

It read every core indicator's row of the category from the indicator table and decoded its parsed JSON (once
per distinct JSON text), read the candidates one row each with their latest review as "outcome:id", and ranked
with a Python step (and a dataclass) per candidate and indicator. Nothing of it is used by the application.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Exists, OuterRef, Subquery, TextField
from django.db.models import Value as V
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Concat

from nqihub.core.audit import record_event
from nqihub.forerunner import engine
from nqihub.forerunner.models import RankingEntry, RankingRun, ShortlistEntry
from nqihub.forerunner.services import (
    BASELINE_FAMILIES,
    Candidate,
    ComputedRanking,
    _actor,
    _indicator_summary,
    _matched_names,
    _worse,
    category_disclosures,
    core_indicators,
    exclusion_reason,
    scheme_weights,
)
from nqihub.review.models import Finding, Review, Severity
from nqihub.standards.models import DisclosureState, Indicator, Product


def candidate_pool(scheme):
    latest = (
        Review.objects.filter(disclosure=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .annotate(tag=Concat("outcome", V(":"), Cast("id", CharField())))
    )
    return category_disclosures(scheme).annotate(latest_review=Subquery(latest.values("tag")[:1]))


def reference_findings(scheme) -> set[int]:
    return set(
        Finding.objects.filter(check_id="C2", review__disclosure__state=DisclosureState.DISCLOSED)
        .exclude(severity=Severity.INFO)
        .filter(
            Exists(
                Product.objects.filter(
                    disclosure=OuterRef("review__disclosure_id"), category_code=scheme.category_code
                )
            )
        )
        .values_list("review_id", flat=True)
    )


_PARSED_KEYS = ("kind", "min", "max", "min_inclusive", "max_inclusive", "unit")


def _parsed_rows(indicators) -> Iterator[tuple[int, str, Any]]:
    if connection.vendor == "postgresql":
        fields = {f"p_{k}": KT(f"parsed__{k}") for k in _PARSED_KEYS}
        rows = indicators.annotate(**fields).values_list("disclosure_id", "name", *fields)
        for disclosure_id, name, *parts in rows.iterator(chunk_size=5000):
            yield disclosure_id, name, tuple(parts)
        return
    rows = indicators.annotate(parsed_text=Cast("parsed", TextField())).values_list(
        "disclosure_id", "name", "parsed_text"
    )
    for disclosure_id, name, text in rows.iterator(chunk_size=5000):
        yield disclosure_id, name, text or None


def _flag(value) -> bool | None:
    if value is None:
        return None
    return value in (True, 1, "true", "1")


def _parsed_dict(parsed) -> dict[str, Any] | None:
    if isinstance(parsed, str):
        return json.loads(parsed)
    data = dict(zip(_PARSED_KEYS, parsed, strict=True))
    data["min_inclusive"], data["max_inclusive"] = _flag(data["min_inclusive"]), _flag(data["max_inclusive"])
    return data


def compute_ranking(scheme) -> ComputedRanking:
    """`nqihub.forerunner.services.compute_ranking` before the indicator-value table."""
    started = time.perf_counter()
    indicators = core_indicators(scheme)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _compute_ranking(scheme, indicators, started)


def _compute_ranking(scheme, indicators, started: float) -> ComputedRanking:
    pool = candidate_pool(scheme)
    stale_references = reference_findings(scheme)
    rows = pool.values_list("pk", "catalogue_standard__family", "latest_review").order_by("pk")
    candidates: dict[int, Candidate] = {}
    reasons: dict[tuple, str] = {}
    for pk, family, latest in rows.iterator(chunk_size=5000):
        outcome, _sep, review_id = (latest or "").partition(":")
        c2 = bool(review_id) and int(review_id) in stale_references
        why = (family in BASELINE_FAMILIES, outcome, c2)
        if why not in reasons:
            reasons[why] = exclusion_reason(family or "", outcome or None, c2)
        candidates[pk] = Candidate(pk, reasons[why], engine.CONFORMITY.get(outcome, 0.0))
    read_candidates = time.perf_counter()
    ids = category_disclosures(scheme).values("pk")
    in_pool = Indicator.objects.filter(disclosure_id__in=ids).order_by()
    names = list(in_pool.values_list("name", flat=True).distinct())
    matched = _matched_names(names, indicators)
    by_key = {str(i.key): i for i in indicators}
    eligible = {pk: c.conformity for pk, c in candidates.items() if not c.exclusion}
    values: dict[str, dict[int, engine.Value]] = {key: {} for key in by_key}
    if matched:
        decoded: dict[tuple, engine.Value | None] = {}
        for disclosure_id, name, parsed in _parsed_rows(in_pool.filter(name__in=list(matched))):
            if disclosure_id not in eligible or parsed is None:
                continue
            key = matched[name]
            try:
                value = decoded[key, parsed]
            except KeyError:
                value = decoded[key, parsed] = engine.declared_value(_parsed_dict(parsed), by_key[key])
            if value is None:
                continue
            bucket = values[key]
            known = bucket.get(disclosure_id)
            bucket[disclosure_id] = value if known is None else _worse(known, value, by_key[key].direction)
    read_values = time.perf_counter()
    result = rank(indicators, values, eligible, scheme_weights(scheme))
    threshold = float(scheme.threshold) if scheme.threshold is not None else None
    shortlist = engine.select_shortlist(result.scores, top_n=scheme.top_n, threshold=threshold)
    done = time.perf_counter()
    timings = {
        "candidates": read_candidates - started,
        "values": read_values - read_candidates,
        "engine": done - read_values,
    }
    return ComputedRanking(
        scheme, indicators, list(candidates.values()), values, result, shortlist, done - started, timings
    )


# --- the engine's ranking as of bc5d586 -------------------------------------------------------------------------

Key = Any


def _sort_keys(keys: Iterable[Key]) -> tuple[Key, ...]:
    keys = list(keys)
    try:
        return tuple(sorted(keys))
    except TypeError:  # keys of mixed types: by type name first
        return tuple(sorted(keys, key=lambda k: (type(k).__name__, k)))


def rank_indicator(
    indicator: engine.CoreIndicator, values: Mapping[Key, engine.Value | None], candidates: Iterable[Key] = ()
) -> engine.IndicatorRanking:
    present = {key: value for key, value in values.items() if value is not None}
    missing = _sort_keys({*candidates, *values} - set(present))
    distinct = set(present.values())
    if len(distinct) <= 1:
        reason = "所有披露值相同,该指标不排名" if present else "没有可排名的披露值"
        return engine.IndicatorRanking(
            indicator, False, reason, (), dict.fromkeys(present, 0), (), (), missing
        )
    levels: dict[Key, int] = {}
    by_level: dict[int, list[Key]] = {}
    below: list[Key] = []
    failing: list[Key] = []
    level_of: dict[engine.Value, int] = {}
    failing_values: set[engine.Value] = set()
    for value in distinct:
        if not engine.meets_requirement(value, indicator):
            failing_values.add(value)
            level_of[value] = 0
        else:
            level_of[value] = engine.tier_of(value, indicator)
    for key, value in present.items():
        level = level_of[value]
        levels[key] = level
        if level:
            by_level.setdefault(level, []).append(key)
        elif value in failing_values:
            failing.append(key)
        else:
            below.append(key)
    tiers = tuple(
        engine.TierMembers(tier, _sort_keys(by_level.get(tier.level, ())))
        for tier in reversed(indicator.tiers)
    )
    return engine.IndicatorRanking(
        indicator, True, "", tiers, levels, _sort_keys(below), _sort_keys(failing), missing
    )


@dataclass(slots=True)
class CandidateScore:
    key: Key
    comprehensiveness: float
    advancedness: float
    conformity: float
    score: float
    levels: Mapping[Key, int] = field(default_factory=dict)
    tiered: bool | None = None

    def __post_init__(self) -> None:
        if self.tiered is None:
            self.tiered = any(self.levels.values())


def rank(
    indicators: Sequence[engine.CoreIndicator],
    values: Mapping[Key, Mapping[Key, engine.Value | None]],
    conformity: Mapping[Key, float],
    weights: engine.Weights,
) -> engine.Ranking:
    candidates = list(conformity)
    empty: Mapping[Key, engine.Value | None] = {}
    rankings = tuple(
        rank_indicator(
            ind, {c: v for c, v in values.get(ind.key, empty).items() if c in conformity}, candidates
        )
        for ind in indicators
    )
    ranked_weight = sum(r.indicator.weight for r in rankings if r.ranked)
    parts = [
        (
            r.indicator.key,
            r.levels,
            r.indicator.weight / r.indicator.top_level / ranked_weight if r.ranked and ranked_weight else 0.0,
        )
        for r in rankings
    ]
    total = weights.total or 1.0
    w_comp, w_adv, w_conf = (
        100 * w / total for w in (weights.comprehensiveness, weights.advancedness, weights.conformity)
    )
    n_core = len(indicators) or 1
    level_maps = [indicator_levels for _key, indicator_levels, _worth in parts]
    combinations: dict[tuple, tuple] = {}
    scores = []
    for c in _sort_keys(candidates):
        signature = (*[m.get(c) for m in level_maps], conformity[c])
        found = combinations.get(signature)
        if found is None:
            disclosed = 0
            levels = {}
            advanced = 0.0
            for (key, _levels, worth), level in zip(parts, signature, strict=False):
                if level is None:
                    levels[key] = 0
                    continue
                disclosed += 1
                levels[key] = level
                advanced += level * worth
            comprehensive = disclosed / n_core
            conform = float(conformity[c])
            score = round(w_comp * comprehensive + w_adv * advanced + w_conf * conform, 6)
            found = combinations[signature] = (
                comprehensive,
                advanced,
                conform,
                score,
                levels,
                any(levels.values()),
            )
        scores.append(CandidateScore(c, *found))
    scores.sort(key=attrgetter("score"), reverse=True)
    return engine.Ranking(rankings, tuple(scores))


# --- storing a run as of bc5d586 ------------------------------------------------------------------------------


def insert_rows(model, rows: list[dict[str, Any]], batch: int = 2000) -> None:
    """Insert plain rows with executemany: `bulk_create` spends ~100 µs of Python per row building model
    instances and SQL, which for the 100 000 entries of a ranking was ten seconds. JSON fields are encoded here."""
    if not rows:
        return
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in rows[0]]
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    postgres = connection.vendor == "postgresql"
    placeholders = ", ".join(
        "CAST(%s AS jsonb)" if postgres and f.attname in json_fields else "%s" for f in fields
    )
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({placeholders})"
    )
    names = [f.attname for f in fields]
    quoted = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if postgres:  # COPY: a tenth of the time of executemany for a ranking's 100 000 rows
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            json.dumps(row[n], ensure_ascii=False) if n in json_fields else row[n]
                            for n in names
                        ]
                    )
            return
        for start in range(0, len(rows), batch):
            cursor.executemany(
                sql,
                [
                    [json.dumps(row[n], ensure_ascii=False) if n in json_fields else row[n] for n in names]
                    for row in rows[start : start + batch]
                ],
            )


def store_ranking(actor, computed: ComputedRanking) -> RankingRun:
    """Store a computed ranking: the run, one entry per candidate, and new shortlist entries."""
    scheme = computed.scheme
    scores = {s.key: (n, s) for n, s in enumerate(computed.result.scores, start=1)}
    shortlisted = set(computed.shortlist)
    run = RankingRun.objects.create(
        scheme=scheme,
        computed_by=_actor(actor),
        candidates=len(computed.candidates),
        eligible=len(scores),
        tiered=sum(1 for _, s in scores.values() if s.tiered),
        shortlisted=len(shortlisted),
        indicators=_indicator_summary(computed),
        duration_ms=round(computed.seconds * 1000),
        is_demo=scheme.is_demo,
    )
    details = {
        pk: rest
        for pk, *rest in category_disclosures(scheme)
        .values_list("pk", "enterprise_id", "enterprise__name", "standard_number", "title", "region_code")
        .order_by()
        .iterator(chunk_size=5000)
    }
    rows = []
    for c in computed.candidates:
        if c.disclosure_id not in details:  # no longer disclosed since the computation
            continue
        _enterprise, enterprise_name, number, title, _region = details[c.disclosure_id]
        position, score = scores.get(c.disclosure_id, (None, None))
        values = {
            k: own[c.disclosure_id].amount for k, own in computed.values.items() if c.disclosure_id in own
        }
        rows.append(
            {
                "run_id": run.pk,
                "disclosure_id": c.disclosure_id,
                "enterprise_name": enterprise_name[:200],
                "standard_number": number,
                "title": title[:300],
                "eligible": not c.exclusion,
                "exclusion": c.exclusion[:200],
                "values": values,
                "levels": score.levels if score else {},
                "comprehensiveness": score.comprehensiveness if score else 0.0,
                "advancedness": score.advancedness if score else 0.0,
                "conformity": score.conformity if score else 0.0,
                "score": score.score if score else 0.0,
                "position": position,
                "shortlisted": c.disclosure_id in shortlisted,
            }
        )
    insert_rows(RankingEntry, rows)
    existing = set(ShortlistEntry.objects.filter(scheme=scheme).values_list("disclosure_id", flat=True))
    created = []
    for disclosure_id in computed.shortlist:
        if disclosure_id in existing:
            continue
        if disclosure_id not in details:
            continue
        enterprise_id, _name, _number, _title, region_code = details[disclosure_id]
        score = scores[disclosure_id][1]
        created.append(
            ShortlistEntry(
                scheme=scheme,
                run=run,
                disclosure_id=disclosure_id,
                enterprise_id=enterprise_id,
                region_code=region_code,
                score=score.score,
                levels=dict(score.levels),
                is_demo=scheme.is_demo,
            )
        )
    ShortlistEntry.objects.bulk_create(created)
    record_event(
        actor,
        "rankingrun.create",
        run,
        region_code=scheme.region_code,
        after={
            "scheme": scheme.pk,
            "candidates": run.candidates,
            "eligible": run.eligible,
            "tiered": run.tiered,
            "shortlisted": run.shortlisted,
            "new_entries": len(created),
        },
    )
    return run

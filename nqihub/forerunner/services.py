"""Every write of the forerunner subsystem (企业标准"领跑者", DOMAIN.md §6), and the ranking computation.

Each public write is one transaction: it checks the actor's scope with `nqihub.core.scoping.can`, validates,
saves and records its audit event. Errors are `ValidationError`s in Chinese, keyed by form field where there
is one. The flow:

    key area (admin) → scheme (evaluator: draft → published, rules of nqihub.forerunner.engine)
    → run_ranking: every disclosed standard of the category; entry prerequisites; tiers; composite; shortlist
    → enterprise: upload_document (承诺书 + 证明材料) → submit_commitment
    → evaluator: start_notice (committed entries only) → anyone: file_objection → resolve_objection
    → close_notice → publish_list (valid for the scheme's validity months)
    → expire_lists (daily, `nqihub forerunner-expire`): listed entries past the validity become 已过有效期
    → recheck_listed(disclosure): an entry leaves when its standard is abolished or revised below its tier; a
      revision that keeps its tiers is followed but waits for its review (待复核)
    → recheck_reviewed(review): a review of the standard decides — 不符合 (or a C2 finding) removes the entry,
      otherwise a 待复核 entry counts again.
Objections from the public are rate-limited per client address and notice (nqihub.forerunner.ratelimit).
"""

import calendar
import datetime
import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import filterfalse, islice, repeat
from operator import itemgetter
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, StringAgg, Subquery, TextField
from django.db.models import Value as V
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from nqihub.core.audit import record_event, snapshot
from nqihub.core.context import current as request_context
from nqihub.core.models import Industry
from nqihub.core.records import EditConflict, fold_input
from nqihub.core.scoping import Action, can
from nqihub.engines import stdnum
from nqihub.engines.alignment import match_names
from nqihub.engines.text import fold_text
from nqihub.registry.models import InstitutionKind
from nqihub.review.alignment import confirmed_pairs
from nqihub.review.models import Finding, LimitRequirement, Outcome, Review, Severity
from nqihub.standards import documents
from nqihub.standards.models import Disclosure, DisclosureState, IndicatorValue, Product, StandardFamily

from . import engine, ratelimit
from .models import (
    ACTIVE_STATES,
    DocumentKind,
    EntryDocument,
    EntryState,
    EvaluationScheme,
    ForerunnerList,
    IndicatorRole,
    KeyArea,
    Notice,
    Objection,
    RankingEntry,
    RankingRun,
    SchemeIndicator,
    SchemeState,
    ShortlistEntry,
)

# Third-party evaluators (评估机构) are standardisation bodies and certification bodies among the institutions.
DEFAULT_EVALUATOR_KINDS = (InstitutionKind.STANDARDISATION, InstitutionKind.CERTIFICATION)
DEFAULT_TIER_NAMES = ("先进", "领先", "领跑")
# Indicator names are matched as the review matches them: same name, synonym or a confirmed pair, never a guess.
TRUSTED_MATCHES = ("same name", "synonym", "confirmed")
# Standards of these families are the baseline a forerunner beats; they are not ranked.
BASELINE_FAMILIES = (StandardFamily.NATIONAL, StandardFamily.INDUSTRY, StandardFamily.LOCAL)
SCHEME_FIELDS = (
    "key_area",
    "title",
    "category_code",
    "product_standard",
    "weight_comprehensiveness",
    "weight_advancedness",
    "weight_conformity",
    "top_n",
    "threshold",
    "validity_months",
    "notice_days",
)
INDICATOR_FIELDS = (
    "role",
    "name",
    "requirement",
    "requirement_source",
    "unit",
    "direction",
    "weight",
    "note",
)


def evaluator_kinds() -> tuple[str, ...]:
    return tuple(getattr(settings, "FORERUNNER_EVALUATOR_KINDS", DEFAULT_EVALUATOR_KINDS))


def tier_names() -> tuple[str, ...]:
    return tuple(getattr(settings, "FORERUNNER_TIER_NAMES", DEFAULT_TIER_NAMES))


def _refuse(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _require(actor, action: Action, model, obj, message: str = "") -> None:
    if not can(actor, action, model, obj):
        raise _refuse(message or _("无权对该记录执行此操作(超出角色或管辖范围)"))


def _changed(before: dict, after: dict) -> bool:
    return {k: v for k, v in before.items() if k != "updated_at"} != {
        k: v for k, v in after.items() if k != "updated_at"
    }


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the last day of the month when it has no such day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# --- key areas -----------------------------------------------------------------------------------------------


def _key_area_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = fold_input({k: data[k] for k in ("year", "name", "category_codes", "description") if k in data})
    errors: dict[str, str] = {}
    if "category_codes" in values:
        codes = [c.strip() for c in str(values["category_codes"]).replace("，", ",").split(",") if c.strip()]
        known = set(Industry.objects.filter(code__in=codes, level=4).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if not codes:
            errors["category_codes"] = _("请至少填写一个产品分类(GB/T 4754-2017 小类代码)")
        elif unknown:
            errors["category_codes"] = _("不是 GB/T 4754-2017 的小类代码:%(c)s") % {"c": "、".join(unknown)}
        values["category_codes"] = ",".join(dict.fromkeys(codes))
    if "year" in values and not (2018 <= int(values["year"] or 0) <= 2100):
        errors["year"] = _("年度应在 2018 年(领跑者制度实施)之后")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def create_key_area(actor, data: Mapping[str, Any]) -> KeyArea:
    """A year's key area (重点领域) with its GB/T 4754 product categories; the platform administrator's task."""
    area = KeyArea(**_key_area_values(data))
    _require(actor, Action.ADD, KeyArea, area, _("只有平台管理员可以设置重点领域"))
    area.full_clean()
    area.save()
    record_event(actor, "keyarea.create", area, after=snapshot(area))
    return area


@transaction.atomic
def update_key_area(actor, area: KeyArea, data: Mapping[str, Any], version: str | None = None) -> KeyArea:
    locked = KeyArea.objects.select_for_update().get(pk=area.pk)
    _require(actor, Action.CHANGE, KeyArea, locked, _("只有平台管理员可以修改重点领域"))
    if version and locked.updated_at.isoformat() != version:
        raise EditConflict(_("该记录已被他人修改,请刷新后重新编辑"), code="edit_conflict")
    before = snapshot(locked)
    for key, value in _key_area_values(data).items():
        setattr(locked, key, value)
    locked.full_clean()
    locked.save()
    if _changed(before, snapshot(locked)):
        record_event(actor, "keyarea.update", locked, before=before, after=snapshot(locked))
    return locked


# --- schemes -----------------------------------------------------------------------------------------------


def _scheme_values(data: Mapping[str, Any], key_area: KeyArea | None) -> dict[str, Any]:
    values = fold_input({k: data[k] for k in SCHEME_FIELDS if k in data})
    errors: dict[str, str] = {}
    if "key_area" in values and not isinstance(values["key_area"], KeyArea):
        found = (
            KeyArea.objects.filter(pk=values["key_area"]).first()
            if str(values["key_area"]).isdigit()
            else None
        )
        if found is None:
            errors["key_area"] = _("请选择重点领域")
        values["key_area"] = found
    area = values.get("key_area") or key_area
    code = values.get("category_code")
    if area is not None and code is not None and code not in area.categories:
        errors["category_code"] = _("产品分类 %(c)s 不在重点领域“%(a)s”的范围内(%(codes)s)") % {
            "c": code or "—",
            "a": area.name,
            "codes": "、".join(area.categories),
        }
    if errors:
        raise ValidationError(errors)
    return values


def _evaluator_institution(actor):
    institution = getattr(actor, "institution", None)
    if institution is None or institution.kind not in evaluator_kinds():
        raise _refuse(_("只有标准化或认证认可类技术机构(第三方评估机构)可以制定领跑者评估方案"))
    return institution


@transaction.atomic
def create_scheme(actor, data: Mapping[str, Any]) -> EvaluationScheme:
    """A draft evaluation scheme (评估方案) of the actor's institution for one category of a key area."""
    institution = _evaluator_institution(actor)
    values = _scheme_values(data, None)
    scheme = EvaluationScheme(
        evaluator=institution, region_code=institution.region_code, created_by=_actor(actor), **values
    )
    _require(actor, Action.ADD, EvaluationScheme, scheme)
    scheme.full_clean()
    scheme.save()
    record_event(actor, "evaluationscheme.create", scheme, after=snapshot(scheme))
    return scheme


def _locked_scheme(actor, scheme: EvaluationScheme | int) -> EvaluationScheme:
    pk = scheme.pk if isinstance(scheme, EvaluationScheme) else scheme
    locked = EvaluationScheme.objects.select_for_update().select_related("key_area", "evaluator").get(pk=pk)
    _require(actor, Action.CHANGE, EvaluationScheme, locked, _("只有制定该方案的评估机构可以操作"))
    return locked


def _require_draft(scheme: EvaluationScheme) -> None:
    if scheme.state != SchemeState.DRAFT:
        raise ValidationError(_("评估方案已发布,不能再修改"), code="not_draft")


def _require_published(scheme: EvaluationScheme) -> None:
    if scheme.state != SchemeState.PUBLISHED:
        raise ValidationError(_("评估方案尚未发布"), code="not_published")


@transaction.atomic
def update_scheme(
    actor, scheme: EvaluationScheme, data: Mapping[str, Any], version: str | None = None
) -> EvaluationScheme:
    locked = _locked_scheme(actor, scheme)
    _require_draft(locked)
    if version and locked.updated_at.isoformat() != version:
        raise EditConflict(_("该记录已被他人修改,请刷新后重新编辑"), code="edit_conflict")
    before = snapshot(locked)
    values = _scheme_values({"category_code": locked.category_code, **data}, locked.key_area)
    for key, value in values.items():
        setattr(locked, key, value)
    locked.full_clean()
    locked.save()
    if _changed(before, snapshot(locked)):
        record_event(actor, "evaluationscheme.update", locked, before=before, after=snapshot(locked))
    return locked


def parse_tiers(bounds: Mapping[str, Any]) -> list[dict[str, str]]:
    """Tiers from the form: {tier name: bound text}, blanks skipped, kept in the order of `tier_names()`."""
    tiers = []
    for name in tier_names():
        text = fold_text(str(bounds.get(name) or ""))
        if text:
            tiers.append({"name": name, "bound": text})
    return tiers


def _indicator_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = fold_input({k: data[k] for k in INDICATOR_FIELDS if k in data})
    errors: dict[str, str] = {}
    if not values.get("name"):
        errors["name"] = _("请填写指标名称")
    if values.get("role") not in IndicatorRole.values:
        errors["role"] = _("请选择指标类别")
    if "tiers" in data:
        values["tiers"] = list(data["tiers"])
    if values.get("role") == IndicatorRole.CORE:
        if not values.get("requirement"):
            errors["requirement"] = _("核心指标须填写国家或行业标准的要求(如 ≤0.8 mg/L)")
        if not values.get("tiers"):
            errors["tiers"] = _("核心指标至少需要一个档位的界限")
        for tier in values.get("tiers", []):
            if engine._decimal(tier.get("bound")) is None:
                errors["tiers"] = _("档位“%(n)s”的界限“%(b)s”不是数值") % {
                    "n": tier.get("name"),
                    "b": tier.get("bound"),
                }
    else:
        values["tiers"] = []
        values["direction"] = ""
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def add_indicator(actor, scheme: EvaluationScheme, data: Mapping[str, Any]) -> SchemeIndicator:
    """A 基础, 核心 or 创新 indicator of a draft scheme; a core one with its requirement and tier bounds."""
    locked = _locked_scheme(actor, scheme)
    _require_draft(locked)
    position = (locked.indicators.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    indicator = SchemeIndicator(scheme=locked, position=position, **_indicator_values(data))
    indicator.full_clean()
    indicator.save()
    record_event(
        actor, "schemeindicator.create", indicator, region_code=locked.region_code, after=snapshot(indicator)
    )
    return indicator


@transaction.atomic
def update_indicator(actor, indicator: SchemeIndicator, data: Mapping[str, Any]) -> SchemeIndicator:
    locked_scheme = _locked_scheme(actor, indicator.scheme_id)
    _require_draft(locked_scheme)
    locked = SchemeIndicator.objects.select_for_update().get(pk=indicator.pk)
    before = snapshot(locked)
    merged = {f: getattr(locked, f) for f in INDICATOR_FIELDS} | {"tiers": locked.tiers} | dict(data)
    for key, value in _indicator_values(merged).items():
        setattr(locked, key, value)
    locked.full_clean()
    locked.save()
    if _changed(before, snapshot(locked)):
        record_event(
            actor,
            "schemeindicator.update",
            locked,
            region_code=locked_scheme.region_code,
            before=before,
            after=snapshot(locked),
        )
    return locked


@transaction.atomic
def remove_indicator(actor, indicator: SchemeIndicator) -> None:
    locked_scheme = _locked_scheme(actor, indicator.scheme_id)
    _require_draft(locked_scheme)
    before = snapshot(indicator)
    indicator.delete()
    record_event(
        actor,
        "schemeindicator.delete",
        object_type=SchemeIndicator._meta.label_lower,
        object_id=str(before["id"]),
        object_repr=str(indicator)[:255],
        region_code=locked_scheme.region_code,
        before=before,
    )


def indicator_key(pk: int) -> str:
    """The key of a core indicator in rankings' JSON: not a bare number, which JSON paths read as an index."""
    return f"c{pk}"


def indicator_specs(scheme: EvaluationScheme) -> list[engine.IndicatorSpec]:
    return [
        engine.IndicatorSpec(
            key=indicator_key(i.pk),
            name=i.name,
            requirement=i.requirement,
            unit=i.unit,
            direction=i.direction,
            tiers=tuple((t.get("name", ""), t.get("bound", "")) for t in i.tiers),
            weight=i.weight,
        )
        for i in scheme.indicators.filter(role=IndicatorRole.CORE).order_by("position", "id")
    ]


def scheme_weights(scheme: EvaluationScheme) -> engine.Weights:
    return engine.Weights(
        float(scheme.weight_comprehensiveness),
        float(scheme.weight_advancedness),
        float(scheme.weight_conformity),
    )


def product_standard_gradeable(scheme: EvaluationScheme) -> list[str]:
    """The quantifiable (max / min / range) indicators of the scheme's product standard, when a limit table of it
    is loaded (nqihub.review limit tables); empty otherwise."""
    parsed = stdnum.parse(scheme.product_standard) if scheme.product_standard.strip() else None
    if parsed is None or not parsed.ok:
        return []
    rows = LimitRequirement.objects.filter(table__normalized_number=parsed.normalized).values_list(
        "indicator", "parsed"
    )
    quantifiable = (
        name for name, p in rows if p and p.get("ok") and p.get("kind") in engine.QUANTIFIABLE_KINDS
    )
    return list(dict.fromkeys(quantifiable))


def scheme_problems(scheme: EvaluationScheme) -> list[engine.SchemeProblem]:
    """Every rule the scheme breaks (empty: it may be published and ranked)."""
    specs = indicator_specs(scheme)
    _, problems = engine.check_scheme(specs)
    gradeable = product_standard_gradeable(scheme)
    core_names = [spec.name for spec in specs]
    coverage = engine.check_coverage(
        core_names,
        gradeable,
        standard=scheme.product_standard,
        confirmed=confirmed_pairs(core_names, gradeable) if gradeable else None,
    )
    threshold = float(scheme.threshold) if scheme.threshold is not None else None
    return [
        *problems,
        *coverage,
        *engine.check_weights(scheme_weights(scheme)),
        *engine.check_selection(scheme.top_n, threshold),
    ]


def core_indicators(scheme: EvaluationScheme) -> list[engine.CoreIndicator]:
    """The scheme's validated core indicators; ValidationError listing every problem otherwise."""
    built, problems = engine.check_scheme(indicator_specs(scheme))
    if problems:
        raise ValidationError([p.message for p in problems], code="scheme_invalid")
    return built


@transaction.atomic
def publish_scheme(actor, scheme: EvaluationScheme) -> EvaluationScheme:
    """Publish a draft scheme that obeys every rule (≥ 3 quantifiable core indicators, tiers, weights, shortlist
    rule); it becomes public and can be ranked."""
    locked = _locked_scheme(actor, scheme)
    _require_draft(locked)
    problems = scheme_problems(locked)
    if problems:
        raise ValidationError([p.message for p in problems], code="scheme_invalid")
    before = snapshot(locked)
    locked.state = SchemeState.PUBLISHED
    locked.published_at = timezone.now()
    locked.save()
    record_event(actor, "evaluationscheme.publish", locked, before=before, after=snapshot(locked))
    return locked


# --- ranking -------------------------------------------------------------------------------------------------


class Candidate(NamedTuple):  # a ranking makes one per standard of the category
    disclosure_id: int
    exclusion: str = ""  # why it cannot enter the ranking; empty when it can
    conformity: float = 0.0


@dataclass
class ComputedRanking:
    scheme: EvaluationScheme
    indicators: list[engine.CoreIndicator]
    candidates: list[Candidate]
    values: dict[str, dict[int, engine.Value]]  # core indicator key → disclosure id → value
    result: engine.Ranking
    shortlist: list[int]
    seconds: float
    # Where the time went: reading the candidates, reading their values, the engine.
    timings: dict[str, float] = field(default_factory=dict)


def category_disclosures(scheme: EvaluationScheme):
    """Every disclosed (现行有效) standard with a product in the scheme's category: the candidates."""
    return Disclosure.objects.filter(
        state=DisclosureState.DISCLOSED,
        pk__in=Product.objects.filter(category_code=scheme.category_code).values("disclosure_id"),
    )


def _ids(text: str | None) -> list[int]:
    """The ids a grouped query aggregated as "1,5,9", decoded by `str.split` and `int` without a Python step each."""
    return list(map(int, text.split(","))) if text else []


def _latest_review(disclosure: str = "pk"):
    """The reviews of the outer query's disclosure, latest first (`review.services.latest_review` order)."""
    return Review.objects.filter(disclosure=OuterRef(disclosure)).order_by("-created_at", "-id")


def candidate_groups(scheme: EvaluationScheme):
    """The candidates grouped by what decides their entry but the C2 check — the family of the standard and the
    outcome of its latest review — each group with its disclosures' ids ("1,5,9"): one query, a few rows."""
    return (
        category_disclosures(scheme)
        .annotate(
            standard_family=F("catalogue_standard__family"),
            latest_outcome=Subquery(_latest_review().values("outcome")[:1]),
        )
        .values("standard_family", "latest_outcome")
        .annotate(ids=StringAgg(Cast("pk", TextField()), delimiter=V(",")))
        .values_list("standard_family", "latest_outcome", "ids")
        .order_by()
    )


def stale_reference_candidates(scheme: EvaluationScheme) -> set[int]:
    """The candidates whose latest review found a normative reference not current (C2, not merely a hint)."""
    in_category = Product.objects.filter(
        disclosure=OuterRef("review__disclosure_id"), category_code=scheme.category_code
    )
    return set(
        Finding.objects.filter(check_id="C2", review__disclosure__state=DisclosureState.DISCLOSED)
        .exclude(severity=Severity.INFO)
        .filter(Exists(in_category))
        .filter(review_id=Subquery(_latest_review("review__disclosure_id").values("pk")[:1]))
        .values_list("review__disclosure_id", flat=True)
    )


def value_names(scheme: EvaluationScheme) -> list[str]:
    """The distinct indicator names with a numeric bound among the category's standards in force, in name order.
    Found by stepping through the `indicatorvalue_ranking` index from one name to the next (a loose index scan:
    one look-up per distinct name) rather than reading all of the category's rows, as DISTINCT would."""
    meta = IndicatorValue._meta
    quote = connection.ops.quote_name
    table, category, name = (
        quote(meta.db_table),
        quote(meta.get_field("category_code").column),
        quote(meta.get_field("name").column),
    )
    sql = (
        f"WITH RECURSIVE found (name) AS ("
        f"SELECT MIN({name}) FROM {table} WHERE {category} = %s "
        f"UNION ALL SELECT (SELECT MIN(v.{name}) FROM {table} v WHERE v.{category} = %s AND v.{name} > found.name) "
        f"FROM found WHERE found.name IS NOT NULL"
        f") SELECT name FROM found WHERE name IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [scheme.category_code, scheme.category_code])
        return [found for (found,) in cursor.fetchall()]


VALUE_COLUMNS = ("name", "unit", "upper", "upper_strict", "lower", "lower_strict")


def value_groups(scheme: EvaluationScheme, names: list[str]):
    """The bounds the category's standards in force declare for these indicator names, grouped by the bounds
    (a category's standards repeat a few values), each group with its disclosures' ids ("1,5,9"): one narrow
    query that the `indicatorvalue_ranking` index answers alone."""
    return (
        IndicatorValue.objects.filter(category_code=scheme.category_code, name__in=names)
        .values(*VALUE_COLUMNS)
        .annotate(ids=StringAgg(Cast("disclosure_id", TextField()), delimiter=V(",")))
        .values_list(*VALUE_COLUMNS, "ids")
        .order_by()
    )


def exclusion_reason(family: str, outcome: str | None, reference_finding: bool) -> str:
    """Why a disclosed standard cannot enter the ranking (入榜要求), or "" when it can: a formally compliant
    standard — reviewed, the latest review not 不符合, its normative references current (no C2 finding)."""
    if family in BASELINE_FAMILIES:
        return _("执行国家、行业或地方标准,不参与排名")
    if outcome is None:
        return _("尚未经过标准审查")
    if outcome == Outcome.NONCONFORMING:
        return _("最近一次审查结论为不符合")
    if reference_finding:
        return _("规范性引用文件不现行(审查发现 C2)")
    return ""


def _matched_names(names: list[str], indicators: list[engine.CoreIndicator]) -> dict[str, str]:
    """Disclosed indicator name → core indicator key, for names that are the same indicator."""
    confirmed = confirmed_pairs([i.name for i in indicators], names)
    found: dict[str, str] = {}
    for name in names:
        for indicator in indicators:
            match = match_names(indicator.name, name, confirmed=confirmed)
            if match is not None and match.reason in TRUSTED_MATCHES:
                found[name] = str(indicator.key)
                break
    return found


def _worse(a: engine.Value, b: engine.Value, direction: str) -> engine.Value:
    if direction == "lower":
        return a if (a.amount, a.strict is False) >= (b.amount, b.strict is False) else b
    return a if (a.amount, a.strict) <= (b.amount, b.strict) else b


def compute_ranking(scheme: EvaluationScheme) -> ComputedRanking:
    """Rank every disclosed standard of the scheme's category (reads only; nothing is stored)."""
    started = time.perf_counter()
    indicators = core_indicators(scheme)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One-shot queries: compiling them with JIT took longer (0.4 s) than running them.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _compute_ranking(scheme, indicators, started)


def _compute_ranking(
    scheme: EvaluationScheme, indicators: list[engine.CoreIndicator], started: float
) -> ComputedRanking:
    candidates = _candidates(scheme)
    eligible = {c.disclosure_id: c.conformity for c in candidates if not c.exclusion}
    read_candidates = time.perf_counter()
    values = _values(scheme, indicators, eligible)
    read_values = time.perf_counter()
    result = engine.rank(indicators, values, eligible, scheme_weights(scheme))
    threshold = float(scheme.threshold) if scheme.threshold is not None else None
    shortlist = engine.select_shortlist(result.scores, top_n=scheme.top_n, threshold=threshold)
    done = time.perf_counter()
    timings = {
        "candidates": read_candidates - started,
        "values": read_values - read_candidates,
        "engine": done - read_values,
    }
    return ComputedRanking(scheme, indicators, candidates, values, result, shortlist, done - started, timings)


def _candidates(scheme: EvaluationScheme) -> list[Candidate]:
    """Every candidate with the reason it cannot enter the ranking ("" when it can), by disclosure id. The
    database groups them by family and latest outcome; each group's reason is decided once and handed to its
    members without a Python step per candidate."""
    stale = stale_reference_candidates(scheme)
    make = partial(tuple.__new__, Candidate)
    candidates: list[Candidate] = []
    for family, outcome, ids in candidate_groups(scheme):
        members = _ids(ids)
        conformity = engine.CONFORMITY.get(outcome, 0.0)
        flagged = stale.intersection(members)
        if flagged:
            why = exclusion_reason(family or "", outcome, True)
            candidates.extend(map(make, zip(flagged, repeat(why), repeat(conformity))))
            members = filterfalse(flagged.__contains__, members)
        why = exclusion_reason(family or "", outcome, False)
        candidates.extend(map(make, zip(members, repeat(why), repeat(conformity))))
    candidates.sort(key=itemgetter(0))
    return candidates


def _values(
    scheme: EvaluationScheme, indicators: list[engine.CoreIndicator], eligible: Mapping[int, float]
) -> dict[str, dict[int, engine.Value]]:
    """Core indicator key → eligible disclosure id → its declared value (`engine.declared_value`), from the
    indicator-value table: the disclosed names matched once each, then one grouped query; each distinct bound
    is converted once and handed to all of its disclosures at once."""
    by_key = {str(i.key): i for i in indicators}
    declared: dict[str, list[tuple[engine.Value, list[int]]]] = {key: [] for key in by_key}
    matched = _matched_names(value_names(scheme), indicators)
    if matched:
        for name, unit, upper, upper_strict, lower, lower_strict, ids in value_groups(scheme, list(matched)):
            indicator = by_key[matched[name]]
            if indicator.direction == "lower":
                value = engine.bound_value(upper, bool(upper_strict), unit, indicator)
            else:
                value = engine.bound_value(lower, bool(lower_strict), unit, indicator)
            if value is not None:
                declared[matched[name]].append((value, _ids(ids)))
    values: dict[str, dict[int, engine.Value]] = {}
    for key, groups in declared.items():
        bucket: dict[int, engine.Value] = {}
        for value, members in groups:
            bucket.update(dict.fromkeys(members, value))
        if len(bucket) < sum(len(members) for _value, members in groups):
            # A standard with two rows for one indicator (e.g. per product type) is held to its weaker value.
            direction, bucket = by_key[key].direction, {}
            for value, members in groups:
                for disclosure_id in members:
                    known = bucket.get(disclosure_id)
                    bucket[disclosure_id] = value if known is None else _worse(known, value, direction)
        for disclosure_id in bucket.keys() - eligible.keys():  # excluded from the ranking
            del bucket[disclosure_id]
        values[key] = bucket
    return values


def _indicator_summary(computed: ComputedRanking) -> list[dict[str, Any]]:
    summary = []
    for ranking in computed.result.indicators:
        ind = ranking.indicator
        summary.append(
            {
                "id": str(ind.key),
                "name": ind.name,
                "unit": ind.unit.display,
                "direction": ind.direction,
                "requirement": ind.requirement.input,
                "ranked": ranking.ranked,
                "reason": ranking.reason,
                "tiers": [
                    {
                        "level": t.tier.level,
                        "name": t.tier.name,
                        "bound": t.tier.bound,
                        "text": ind.tier_text(t.tier),
                        "count": len(t.members),
                    }
                    for t in ranking.tiers
                ]
                or [
                    {"level": t.level, "name": t.name, "bound": t.bound, "text": ind.tier_text(t), "count": 0}
                    for t in reversed(ind.tiers)
                ],
                "below": len(ranking.below),
                "failing": len(ranking.failing),
                "missing": len(ranking.missing),
            }
        )
    return summary


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence[Any]], batch: int = 2000) -> None:
    """Insert plain rows (tuples in the order of ``fields``; JSON fields as JSON text) with COPY on PostgreSQL and
    executemany elsewhere: `bulk_create` spends ~100 µs of Python per row building model instances and SQL,
    which for the 100 000 entries of a ranking was ten seconds."""
    columns = [model._meta.get_field(name.removesuffix("_id")).column for name in fields]
    quote = connection.ops.quote_name
    table, quoted = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: a tenth of the time of executemany
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
        rows = iter(rows)
        while chunk := list(islice(rows, batch)):
            cursor.executemany(sql, chunk)


ENTRY_FIELDS = (
    "run_id",
    "disclosure_id",
    "enterprise_name",
    "standard_number",
    "title",
    "eligible",
    "exclusion",
    "values",
    "levels",
    "comprehensiveness",
    "advancedness",
    "conformity",
    "score",
    "position",
    "shortlisted",
)


def _entry_rows(
    run: RankingRun,
    computed: ComputedRanking,
    details: Mapping[int, tuple],
    scores: Mapping[int, tuple[int, engine.CandidateScore]],
    shortlisted: set[int],
) -> Iterator[tuple]:
    """One RankingEntry row per candidate still disclosed, in `ENTRY_FIELDS` order. Candidates share their
    values and levels with many others, so each distinct mapping is encoded as JSON once."""
    keys = list(computed.values)
    ids = [c.disclosure_id for c in computed.candidates]
    # Per candidate, its value of each core indicator (None: none), gathered in C one indicator at a time.
    columns = [map(own.get, ids) for own in computed.values.values()]
    declared_values = zip(*columns, strict=True) if columns else repeat(())
    values_json: dict[tuple, str] = {}
    levels_json: dict[int, str] = {}  # by id(): a combination's levels mapping is one object (engine.rank)
    run_id, unscored = run.pk, (None, None)
    for c, declared in zip(computed.candidates, declared_values, strict=False):  # repeat(()) is endless
        found = details.get(c.disclosure_id)
        if found is None:  # no longer disclosed since the computation
            continue
        _enterprise, enterprise_name, number, title, _region = found
        values = values_json.get(declared)
        if values is None:
            values = values_json[declared] = json.dumps(
                {key: value.amount for key, value in zip(keys, declared, strict=True) if value is not None},
                ensure_ascii=False,
            )
        position, score = scores.get(c.disclosure_id, unscored)
        if score is None:
            levels, numbers = "{}", (0.0, 0.0, 0.0, 0.0)
        else:
            levels = levels_json.get(id(score.levels))
            if levels is None:
                levels = levels_json[id(score.levels)] = json.dumps(dict(score.levels), ensure_ascii=False)
            numbers = (score.comprehensiveness, score.advancedness, score.conformity, score.score)
        yield (
            run_id,
            c.disclosure_id,
            enterprise_name[:200],
            number,
            title[:300],
            not c.exclusion,
            c.exclusion[:200],
            values,
            levels,
            *numbers,
            position,
            c.disclosure_id in shortlisted,
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
    }
    insert_rows(RankingEntry, ENTRY_FIELDS, _entry_rows(run, computed, details, scores, shortlisted))
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


@transaction.atomic
def run_ranking(actor, scheme: EvaluationScheme) -> RankingRun:
    """Rank every disclosed standard of a published scheme's category and shortlist the best (audited)."""
    locked = _locked_scheme(actor, scheme)
    _require_published(locked)
    if not can(actor, Action.ADD, RankingRun, RankingRun(scheme=locked)):
        raise _refuse(_("只有制定该方案的评估机构可以计算排行"))
    return store_ranking(actor, compute_ranking(locked))


# --- shortlist: commitment and evidence ------------------------------------------------------------------------


def _locked_entry(actor, entry: ShortlistEntry | int, message: str = "") -> ShortlistEntry:
    pk = entry.pk if isinstance(entry, ShortlistEntry) else entry
    locked = (
        ShortlistEntry.objects.select_for_update()
        .select_related("scheme", "disclosure", "enterprise")
        .get(pk=pk)
    )
    _require(actor, Action.CHANGE, ShortlistEntry, locked, message)
    return locked


def _require_state(entry: ShortlistEntry, *states: str) -> None:
    if entry.state not in states:
        raise ValidationError(
            _("该入围记录当前状态为“%(s)s”,不能执行此操作") % {"s": entry.get_state_display()},
            code="bad_state",
        )


def _display_name(name: str, kind: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:200] or _('材料')}.{kind}"


@transaction.atomic
def upload_document(actor, entry: ShortlistEntry, kind: str, uploaded_file) -> EntryDocument:
    """The enterprise's commitment letter (承诺书) or a piece of evidence: PDF or DOCX, checked by content."""
    locked = _locked_entry(actor, entry, _("只有入围企业可以上传承诺书和证明材料"))
    if not can(actor, Action.ADD, EntryDocument, EntryDocument(entry=locked)):
        raise _refuse(_("只有入围企业可以上传承诺书和证明材料"))
    _require_state(locked, EntryState.SHORTLISTED)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("请选择材料类型")})
    try:
        checked = documents.check_document(documents.read_upload(uploaded_file))
    except documents.DocumentRefused as exc:
        raise ValidationError({"file": str(exc)}) from None
    document = EntryDocument(
        entry=locked,
        kind=kind,
        name=_display_name(getattr(uploaded_file, "name", ""), checked.kind),
        file_type=checked.kind,
        sha256=checked.sha256,
        size=checked.size,
        uploaded_by=_actor(actor),
    )
    document.file.save(f"{checked.sha256[:24]}.{checked.kind}", ContentFile(checked.data), save=False)
    stored = document.file.name
    try:
        document.save()
    except Exception:
        document.file.storage.delete(stored)
        raise
    record_event(
        actor, "entrydocument.create", document, region_code=locked.region_code, after=snapshot(document)
    )
    return document


@transaction.atomic
def remove_document(actor, document: EntryDocument) -> None:
    locked = _locked_entry(actor, document.entry_id, _("只有入围企业可以删除自己上传的材料"))
    _require(actor, Action.DELETE, EntryDocument, document, _("只有入围企业可以删除自己上传的材料"))
    _require_state(locked, EntryState.SHORTLISTED)
    before = snapshot(document)
    name = document.file.name
    document.delete()
    record_event(
        actor,
        "entrydocument.delete",
        object_type=EntryDocument._meta.label_lower,
        object_id=str(before["id"]),
        object_repr=str(document)[:255],
        region_code=locked.region_code,
        before=before,
    )
    transaction.on_commit(lambda: EntryDocument._meta.get_field("file").storage.delete(name))


def missing_for_commitment(entry: ShortlistEntry) -> list[str]:
    kinds = set(entry.documents.values_list("kind", flat=True))
    missing = []
    if DocumentKind.COMMITMENT not in kinds:
        missing.append(_("须上传由法定代表人或授权人签署的承诺书"))
    if DocumentKind.EVIDENCE not in kinds:
        missing.append(_("须上传至少一份证明材料(如检验报告)"))
    return missing


@transaction.atomic
def submit_commitment(actor, entry: ShortlistEntry) -> ShortlistEntry:
    """The enterprise confirms its commitment and evidence; the entry can then go to public notice."""
    locked = _locked_entry(actor, entry, _("只有入围企业可以提交承诺"))
    if actor is None or getattr(actor, "enterprise_id", None) != locked.enterprise_id:
        raise _refuse(_("只有入围企业可以提交承诺"))
    _require_state(locked, EntryState.SHORTLISTED)
    missing = missing_for_commitment(locked)
    if missing:
        raise ValidationError(missing, code="incomplete")
    before = snapshot(locked)
    locked.state = EntryState.COMMITTED
    locked.committed_at = timezone.now()
    locked.save()
    record_event(actor, "shortlistentry.commit", locked, before=before, after=snapshot(locked))
    return locked


# --- public notice and objections ------------------------------------------------------------------------------


def _evaluator_of(actor, scheme: EvaluationScheme) -> None:
    if getattr(actor, "institution_id", None) != scheme.evaluator_id or not can(
        actor, Action.CHANGE, EvaluationScheme, scheme
    ):
        raise _refuse(_("只有制定该方案的评估机构可以操作"))


@transaction.atomic
def start_notice(actor, scheme: EvaluationScheme, starts_on: datetime.date, ends_on: datetime.date) -> Notice:
    """Put every committed entry of the scheme on public notice (公示) from `starts_on` to `ends_on`. Entries
    without a submitted commitment stay out: commitment comes before notice."""
    locked = _locked_scheme(actor, scheme)
    _evaluator_of(actor, locked)
    _require_published(locked)
    errors: dict[str, str] = {}
    if starts_on is None:
        errors["starts_on"] = _("请填写公示开始日期")
    if ends_on is None:
        errors["ends_on"] = _("请填写公示截止日期")
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("公示截止日期不能早于开始日期")
    if errors:
        raise ValidationError(errors)
    if Notice.objects.filter(scheme=locked, state=Notice.State.OPEN).exists():
        raise ValidationError(_("该方案已有正在进行的公示,请先结束公示"), code="notice_open")
    candidates = list(
        ShortlistEntry.objects.select_for_update().filter(scheme=locked, state=EntryState.COMMITTED)
    )
    # A standard revised since its shortlisting waits for the review of the revision (待复核) before its notice.
    committed = [e for e in candidates if not e.pending_recheck]
    if not committed:
        if candidates:
            raise ValidationError(
                _("已提交承诺的 %(n)d 项入围标准已修订、待复核;修订版本经审查后才能公示")
                % {"n": len(candidates)},
                code="pending_recheck",
            )
        raise ValidationError(
            _("没有已提交承诺书和证明材料的入围标准;入围企业提交承诺后才能公示"), code="nothing_committed"
        )
    notice = Notice(
        scheme=locked, starts_on=starts_on, ends_on=ends_on, created_by=_actor(actor), is_demo=locked.is_demo
    )
    _require(actor, Action.ADD, Notice, notice)
    notice.full_clean()
    notice.save()
    ShortlistEntry.objects.filter(pk__in=[e.pk for e in committed]).update(
        state=EntryState.IN_NOTICE, notice=notice, updated_at=timezone.now()
    )
    record_event(
        actor,
        "notice.create",
        notice,
        region_code=locked.region_code,
        after={**snapshot(notice), "entries": [e.pk for e in committed]},
    )
    return notice


_PHONE = re.compile(r"^\+?[\d\- ]{7,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@transaction.atomic
def file_objection(
    actor,
    notice: Notice,
    entry: ShortlistEntry,
    data: Mapping[str, Any],
    *,
    today: datetime.date | None = None,
    ip_address: str | None = None,
) -> Objection:
    """Anyone (the public included) objects to an entry during its notice period, leaving a contact. One source
    (an account, else the client address — by default the current request's) files at most
    `FORERUNNER_OBJECTION_RATE` objections per notice: more raise `ratelimit.RateLimited` (HTTP 429)."""
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if not locked.accepts_objections(today):
        raise ValidationError(_("不在公示期内,不能提出异议"), code="notice_closed")
    source = ratelimit.source_of(actor, ip_address or request_context().ip_address)
    ratelimit.check(locked, source)
    if entry.notice_id != locked.pk or entry.state != EntryState.IN_NOTICE:
        raise ValidationError({"entry": _("该标准不在本次公示中")})
    values = {k: fold_text(str(data.get(k) or "")) for k in ("name", "contact")}
    values["reason"] = str(data.get("reason") or "").replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = _("请填写异议人姓名或单位")
    if not (_PHONE.match(values["contact"]) or _EMAIL.match(values["contact"])):
        errors["contact"] = _("请填写可以联系到您的手机号码、电话或电子邮箱")
    if len(values["reason"]) < 5:
        errors["reason"] = _("请写明异议的事实和理由")
    if errors:
        raise ValidationError(errors)
    objection = Objection(notice=locked, entry=entry, **values)
    _require(actor, Action.ADD, Objection, objection)
    objection.full_clean()
    objection.save()
    record_event(
        actor,
        "objection.create",
        objection,
        region_code=entry.region_code,
        after={"notice": locked.pk, "entry": entry.pk, "name": values["name"]},
    )
    ratelimit.count(locked, source)
    return objection


@transaction.atomic
def resolve_objection(actor, objection: Objection, *, upheld: bool, resolution: str) -> Objection:
    """The evaluator decides an objection; an upheld one takes the entry out (未通过) with the reason."""
    locked = Objection.objects.select_for_update().select_related("entry__scheme").get(pk=objection.pk)
    _require(actor, Action.CHANGE, Objection, locked, _("只有制定该方案的评估机构可以处理异议"))
    if locked.state != Objection.State.OPEN:
        raise ValidationError(_("该异议已处理"), code="resolved")
    text = str(resolution or "").strip()
    if not text:
        raise ValidationError({"resolution": _("请填写处理意见")})
    before = snapshot(locked)
    locked.state = Objection.State.UPHELD if upheld else Objection.State.DISMISSED
    locked.resolution = text
    locked.resolved_by = _actor(actor)
    locked.resolved_at = timezone.now()
    locked.save()
    record_event(
        actor,
        "objection.resolve",
        locked,
        region_code=locked.entry.region_code,
        before=before,
        after=snapshot(locked),
    )
    if upheld:
        entry = ShortlistEntry.objects.select_for_update().get(pk=locked.entry_id)
        if entry.state == EntryState.IN_NOTICE:
            entry_before = snapshot(entry)
            entry.state = EntryState.REJECTED
            entry.closed_at = timezone.now()
            entry.reason = _("公示异议成立:%(r)s") % {"r": text}
            entry.save()
            record_event(actor, "shortlistentry.reject", entry, before=entry_before, after=snapshot(entry))
    return locked


@transaction.atomic
def close_notice(actor, notice: Notice, *, today: datetime.date | None = None) -> Notice:
    """End a notice after its last day, once every objection is resolved; entries still in it pass (公示无异议)."""
    locked = Notice.objects.select_for_update().select_related("scheme").get(pk=notice.pk)
    _require(actor, Action.CHANGE, Notice, locked, _("只有制定该方案的评估机构可以结束公示"))
    if locked.state != Notice.State.OPEN:
        raise ValidationError(_("该公示已经结束"), code="closed")
    today = today or timezone.localdate()
    if today <= locked.ends_on:
        raise ValidationError(
            _("公示期至 %(d)s,期满后才能结束公示") % {"d": locked.ends_on.isoformat()}, code="not_due"
        )
    open_objections = locked.objections.filter(state=Objection.State.OPEN).count()
    if open_objections:
        raise ValidationError(
            _("还有 %(n)d 条异议未处理,处理完毕后才能结束公示") % {"n": open_objections},
            code="open_objections",
        )
    before = snapshot(locked)
    locked.state = Notice.State.CLOSED
    locked.closed_at = timezone.now()
    locked.save()
    passed = list(locked.entries.filter(state=EntryState.IN_NOTICE).values_list("pk", flat=True))
    ShortlistEntry.objects.filter(pk__in=passed).update(state=EntryState.PASSED, updated_at=timezone.now())
    record_event(
        actor,
        "notice.close",
        locked,
        region_code=locked.scheme.region_code,
        before=before,
        after={**snapshot(locked), "passed": passed},
    )
    return locked


@transaction.atomic
def publish_list(
    actor, scheme: EvaluationScheme, *, title: str = "", today: datetime.date | None = None
) -> ForerunnerList:
    """Publish the 领跑者名单 of every entry that passed its notice, valid for the scheme's validity months."""
    locked = _locked_scheme(actor, scheme)
    _evaluator_of(actor, locked)
    _require_published(locked)
    candidates = list(
        ShortlistEntry.objects.select_for_update().filter(scheme=locked, state=EntryState.PASSED)
    )
    # A standard revised since its shortlisting is listed only once the revision is reviewed (待复核).
    passed = [e for e in candidates if not e.pending_recheck]
    if not passed:
        if candidates:
            raise ValidationError(
                _("公示无异议的 %(n)d 项标准已修订、待复核;修订版本经审查后才能列入名单")
                % {"n": len(candidates)},
                code="pending_recheck",
            )
        raise ValidationError(_("没有公示无异议的入围标准,不能发布名单"), code="nothing_passed")
    today = today or timezone.localdate()
    valid_until = add_months(today, locked.validity_months) - datetime.timedelta(days=1)
    listing = ForerunnerList(
        scheme=locked,
        title=fold_text(title)
        or _("%(y)s年度%(t)s企业标准“领跑者”名单") % {"y": locked.key_area.year, "t": locked.title},
        valid_from=today,
        valid_until=valid_until,
        published_by=_actor(actor),
        is_demo=locked.is_demo,
    )
    _require(actor, Action.ADD, ForerunnerList, listing)
    listing.full_clean()
    listing.save()
    now = timezone.now()
    ShortlistEntry.objects.filter(pk__in=[e.pk for e in passed]).update(
        state=EntryState.LISTED, listing=listing, listed_at=now, valid_until=valid_until, updated_at=now
    )
    record_event(
        actor,
        "forerunnerlist.create",
        listing,
        region_code=locked.region_code,
        after={**snapshot(listing), "entries": [e.pk for e in passed]},
    )
    return listing


# --- dynamic adjustment ----------------------------------------------------------------------------------------


def _levels_of(disclosure: Disclosure, indicators: list[engine.CoreIndicator]) -> dict[str, int]:
    """The tier a (new version of a) standard reaches on each core indicator, by its own indicator table."""
    rows = list(disclosure.indicators.values_list("name", "parsed"))
    matched = _matched_names(sorted({name for name, _p in rows}), indicators)
    by_key = {str(i.key): i for i in indicators}
    values: dict[str, engine.Value] = {}
    for name, parsed in rows:
        key = matched.get(name)
        if key is None:
            continue
        value = engine.declared_value(parsed, by_key[key])
        if value is not None:
            known = values.get(key)
            values[key] = value if known is None else _worse(known, value, by_key[key].direction)
    return {key: engine.tier_of(values[key], ind) if key in values else 0 for key, ind in by_key.items()}


def _remove(actor, entry: ShortlistEntry, reason: str) -> None:
    before = snapshot(entry)
    entry.state = EntryState.REMOVED
    entry.closed_at = timezone.now()
    entry.recheck_since = None
    entry.reason = reason
    entry.save()
    record_event(actor, "shortlistentry.remove", entry, before=before, after=snapshot(entry))


def review_of_version(disclosure: Disclosure) -> Review | None:
    """The latest review (`review.services.latest_review`) of this version as disclosed. A check of the draft
    made before it was disclosed does not count: the draft could still change after it."""
    from nqihub.review.services import latest_review

    review = latest_review(disclosure)
    if review is None or disclosure.disclosed_at is None or review.created_at < disclosure.disclosed_at:
        return None
    return review


def review_exclusion(review: Review) -> str:
    """Why a review keeps a standard off a forerunner list ("" when it does not) — the entry prerequisites of the
    ranking (`exclusion_reason`): the outcome 不符合, or a normative reference not current (C2)."""
    c2 = review.findings.filter(check_id="C2").exclude(severity=Severity.INFO).exists()
    return exclusion_reason("", review.outcome, c2)


def _apply_review(actor, entry: ShortlistEntry, review: Review) -> str:
    """Let `review` of the entry's standard decide: "removed", "restored" (no longer 待复核) or "" (unchanged)."""
    why = review_exclusion(review)
    if why:
        _remove(
            actor,
            entry,
            _("标准(版本 %(v)d)经 %(d)s 审查:%(why)s")
            % {"v": entry.disclosure.version, "d": review.checked_on.isoformat(), "why": why},
        )
        return "removed"
    if entry.pending_recheck:
        before = snapshot(entry)
        entry.recheck_since = None
        entry.save()
        record_event(
            actor,
            "shortlistentry.recheck",
            entry,
            before=before,
            after={**snapshot(entry), "review": review.pk},
        )
        return "restored"
    return ""


@transaction.atomic
def recheck_listed(actor, disclosure: Disclosure) -> list[ShortlistEntry]:
    """Dynamic adjustment (动态调整), called whenever a disclosure is disclosed or abolished: an active entry
    (shortlisted … listed) leaves when its standard is abolished, or when a revision is below the tier it was
    shortlisted with on any core indicator. A revision that keeps its tiers carries the entry over to the new
    version, but the entry does not count on the strength of an unreviewed revision: it is held 待复核 until a
    review of the revision (`recheck_reviewed`) decides. An entry already past its list's validity is left alone.
    Audited; returns the entries removed."""
    ids = [disclosure.pk, *([disclosure.previous_id] if disclosure.previous_id else [])]
    entries = list(
        ShortlistEntry.objects.select_for_update()
        .filter(disclosure_id__in=ids, state__in=ACTIVE_STATES)
        .select_related("scheme", "disclosure")
    )
    removed = []
    for entry in entries:
        if entry.state_on() == EntryState.EXPIRED:
            continue
        if disclosure.state == DisclosureState.ABOLISHED and entry.disclosure_id == disclosure.pk:
            _remove(actor, entry, _("标准已废止(%(d)s)") % {"d": disclosure.standard_number})
            removed.append(entry)
            continue
        if entry.disclosure_id != disclosure.previous_id or disclosure.state != DisclosureState.DISCLOSED:
            continue
        try:
            indicators = core_indicators(entry.scheme)
        except ValidationError:
            continue
        names = {str(i.key): i.name for i in indicators}
        now_levels = _levels_of(disclosure, indicators)
        dropped = [
            key for key, level in (entry.levels or {}).items() if level and now_levels.get(key, 0) < level
        ]
        if dropped:
            _remove(
                actor,
                entry,
                _("标准修订为版本 %(v)d 后,%(names)s低于入围时的档位")
                % {"v": disclosure.version, "names": "、".join(names.get(k, k) for k in dropped)},
            )
            removed.append(entry)
            continue
        before = snapshot(entry)
        entry.disclosure = disclosure
        entry.recheck_since = timezone.now()
        entry.save()
        record_event(actor, "shortlistentry.follow_revision", entry, before=before, after=snapshot(entry))
        review = review_of_version(disclosure)
        if review is not None and _apply_review(actor, entry, review) == "removed":
            removed.append(entry)
    return removed


@transaction.atomic
def recheck_reviewed(actor, review: Review) -> dict[str, list[int]]:
    """Called when a review of a standard is stored (`review.services.review_disclosure`): the review decides the
    active entries of the reviewed version. 不符合 or a C2 finding removes them — the entry prerequisites no
    longer hold; otherwise an entry held 待复核 after a revision counts again. A review that is not the version's
    latest, or a check of a draft, changes nothing. Audited; returns {"removed": [ids], "restored": [ids]}."""
    result: dict[str, list[int]] = {"removed": [], "restored": []}
    disclosure = Disclosure.objects.filter(pk=review.disclosure_id).first()
    if disclosure is None or disclosure.state != DisclosureState.DISCLOSED:
        return result
    if review_of_version(disclosure) != review:
        return result
    entries = (
        ShortlistEntry.objects.select_for_update()
        .filter(disclosure=disclosure, state__in=ACTIVE_STATES)
        .select_related("scheme", "disclosure")
        .order_by("pk")
    )
    for entry in entries:
        if entry.state_on() == EntryState.EXPIRED:
            continue
        outcome = _apply_review(actor, entry, review)
        if outcome:
            result[outcome].append(entry.pk)
    return result


# --- validity ----------------------------------------------------------------------------------------------------


@dataclass
class Expiry:
    lists: list[int] = field(default_factory=list)  # the lists that expired now
    entries: list[int] = field(
        default_factory=list
    )  # the entries that left them (and any stray listed entry)


@transaction.atomic
def expire_lists(actor=None, *, today: datetime.date | None = None) -> Expiry:
    """Store the end of every validity that is over: a published list whose `valid_until` is before `today` gets
    its `expired_at`, and its listed entries become 已过有效期. Idempotent (an expired list is skipped), one audit
    event per list (`forerunnerlist.expire`, with its entries). Run daily by `nqihub forerunner-expire`; pages
    show the same state from the dates before it has run (`ShortlistEntry.state_on`)."""
    today = today or timezone.localdate()
    now = timezone.now()
    done = Expiry()
    due = (
        ForerunnerList.objects.select_for_update()
        .filter(expired_at__isnull=True, valid_until__lt=today)
        .order_by("valid_until", "pk")
    )
    for listing in due:
        entries = list(
            ShortlistEntry.objects.select_for_update()
            .filter(listing=listing, state=EntryState.LISTED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        ShortlistEntry.objects.filter(pk__in=entries).update(
            state=EntryState.EXPIRED,
            closed_at=now,
            recheck_since=None,
            reason=_("名单有效期已于 %(d)s 届满") % {"d": listing.valid_until.isoformat()},
            updated_at=now,
        )
        before = snapshot(listing)
        listing.expired_at = now
        listing.save(update_fields=["expired_at"])
        scheme_region = EvaluationScheme.objects.filter(pk=listing.scheme_id).values_list(
            "region_code", flat=True
        )[0]
        record_event(
            actor,
            "forerunnerlist.expire",
            listing,
            region_code=scheme_region,
            before=before,
            after={**snapshot(listing), "entries": entries},
        )
        done.lists.append(listing.pk)
        done.entries.extend(entries)
    # A listed entry past its own validity outside those lists (an entry's validity is its list's, so none is
    # expected; kept so that no listed entry outlives its date).
    for entry in ShortlistEntry.objects.select_for_update().filter(
        state=EntryState.LISTED, valid_until__lt=today
    ):
        before = snapshot(entry)
        entry.state = EntryState.EXPIRED
        entry.closed_at = now
        entry.recheck_since = None
        entry.reason = _("有效期已于 %(d)s 届满") % {"d": entry.valid_until.isoformat()}
        entry.save()
        record_event(actor, "shortlistentry.expire", entry, before=before, after=snapshot(entry))
        done.entries.append(entry.pk)
    return done

"""Every write of the forerunner subsystem (企业标准"领跑者", DOMAIN.md §6), and the ranking computation.

Each public write is one transaction: it checks the actor's scope with `nqihub.core.scoping.can`, validates,
saves and records its audit event. Errors are `ValidationError`s in Chinese, keyed by form field where there
is one. The flow:

    key area (admin) → scheme (evaluator: draft → published, rules of nqihub.forerunner.engine)
    → run_ranking: every disclosed standard of the category; entry prerequisites; tiers; composite; shortlist
    → enterprise: upload_document (承诺书 + 证明材料) → submit_commitment
    → evaluator: start_notice (committed entries only) → anyone: file_objection → resolve_objection
    → close_notice → publish_list (valid for the scheme's validity months)
    → recheck_listed(disclosure): an entry leaves when its standard is abolished or revised below its tier.
"""

import calendar
import datetime
import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import CharField, Exists, OuterRef, Subquery, TextField
from django.db.models import Value as V
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from nqihub.core.audit import record_event, snapshot
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
from nqihub.standards.models import Disclosure, DisclosureState, Indicator, Product, StandardFamily

from . import engine
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


@dataclass(slots=True)
class Candidate:
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
    return Disclosure.objects.filter(state=DisclosureState.DISCLOSED).filter(
        Exists(Product.objects.filter(disclosure=OuterRef("pk"), category_code=scheme.category_code))
    )


def candidate_pool(scheme: EvaluationScheme):
    """The candidates with their latest review as "outcome:id" (`review.services.latest_review` order) — one
    correlated subquery instead of one per column."""
    latest = (
        Review.objects.filter(disclosure=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .annotate(tag=Concat("outcome", V(":"), Cast("id", CharField())))
    )
    return category_disclosures(scheme).annotate(latest_review=Subquery(latest.values("tag")[:1]))


def reference_findings(scheme: EvaluationScheme) -> set[int]:
    """The reviews of the category's disclosed standards that found a normative reference not current (C2)."""
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


_PARSED_KEYS = ("kind", "min", "max", "min_inclusive", "max_inclusive", "unit")


def _parsed_rows(indicators) -> Iterator[tuple[int, str, Any]]:
    """(disclosure id, name, parsed requirement in a hashable form) of indicator rows, read without decoding the
    JSON of every row — which was most of a ranking's time. PostgreSQL extracts the few keys the ranking needs
    (its ->> is fast); SQLite hands over the JSON text (its json_extract is slow), decoded once per distinct text."""
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
    """The parsed requirement as `engine.declared_value` reads it, from either form `_parsed_rows` yields."""
    if isinstance(parsed, str):
        return json.loads(parsed)
    data = dict(zip(_PARSED_KEYS, parsed, strict=True))
    data["min_inclusive"], data["max_inclusive"] = _flag(data["min_inclusive"]), _flag(data["max_inclusive"])
    return data


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
    pool = candidate_pool(scheme)
    stale_references = reference_findings(scheme)
    rows = pool.values_list("pk", "catalogue_standard__family", "latest_review").order_by("pk")
    candidates: dict[int, Candidate] = {}
    reasons: dict[tuple, str] = {}  # a few distinct reasons, translated once
    for pk, family, latest in rows.iterator(chunk_size=5000):
        outcome, _sep, review_id = (latest or "").partition(":")
        c2 = bool(review_id) and int(review_id) in stale_references
        why = (family in BASELINE_FAMILIES, outcome, c2)
        if why not in reasons:
            reasons[why] = exclusion_reason(family or "", outcome or None, c2)
        candidates[pk] = Candidate(pk, reasons[why], engine.CONFORMITY.get(outcome, 0.0))
    read_candidates = time.perf_counter()
    # The candidates' ids as a subquery: the database builds the set once instead of joining every indicator row.
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
            # A category's standards repeat the same few values: each distinct one is converted once.
            try:
                value = decoded[key, parsed]
            except KeyError:
                value = decoded[key, parsed] = engine.declared_value(_parsed_dict(parsed), by_key[key])
            if value is None:
                continue
            # Two rows for one indicator (e.g. per product type): the standard is held to its weaker value.
            bucket = values[key]
            known = bucket.get(disclosure_id)
            bucket[disclosure_id] = value if known is None else _worse(known, value, by_key[key].direction)
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
    return ComputedRanking(
        scheme, indicators, list(candidates.values()), values, result, shortlist, done - started, timings
    )


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
    committed = list(
        ShortlistEntry.objects.select_for_update().filter(scheme=locked, state=EntryState.COMMITTED)
    )
    if not committed:
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
) -> Objection:
    """Anyone (the public included) objects to an entry during its notice period, leaving a contact."""
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if not locked.accepts_objections(today):
        raise ValidationError(_("不在公示期内,不能提出异议"), code="notice_closed")
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
    passed = list(ShortlistEntry.objects.select_for_update().filter(scheme=locked, state=EntryState.PASSED))
    if not passed:
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
    entry.reason = reason
    entry.save()
    record_event(actor, "shortlistentry.remove", entry, before=before, after=snapshot(entry))


@transaction.atomic
def recheck_listed(actor, disclosure: Disclosure) -> list[ShortlistEntry]:
    """Dynamic adjustment (动态调整), called whenever a disclosure is disclosed or abolished: an active entry
    (shortlisted … listed) leaves when its standard is abolished, or when a revision is below the tier it was
    shortlisted with on any core indicator; a revision that keeps its tiers carries the entry over. Audited;
    returns the entries removed."""
    ids = [disclosure.pk, *([disclosure.previous_id] if disclosure.previous_id else [])]
    entries = list(
        ShortlistEntry.objects.select_for_update()
        .filter(disclosure_id__in=ids, state__in=ACTIVE_STATES)
        .select_related("scheme", "disclosure")
    )
    removed = []
    for entry in entries:
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
        else:
            before = snapshot(entry)
            entry.disclosure = disclosure
            entry.save()
            record_event(actor, "shortlistentry.follow_revision", entry, before=before, after=snapshot(entry))
    return removed

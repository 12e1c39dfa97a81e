"""Every write of benchmarking (对标达标, DOMAIN.md §5), each one transaction with its scope check and audit event.

    advanced standards   create_advanced_standard, update_advanced_standard, add/update/remove_advanced_indicator,
                         import_advanced_indicator (a row of the staged import: the standard and one indicator)
    schemes              create_scheme, update_scheme, add/remove_scheme_standard, add/remove_scheme_indicator,
                         open_consultation (草稿 → 征求意见), publish_scheme (征求意见 → 已发布)
    results              start_result (align, compare, roll up), edit_item (a value with evidence),
                         confirm_candidate (a fuzzy pair a person accepts), publish_result, verify_result (达标)

Authors of the advanced-standard database and of schemes are experts, staff of standardisation institutions
(标准化机构; the scope rules cannot see an institution's kind, so it is checked here) and the administrator. An
enterprise benchmarks its own current (现行有效) disclosures; only a draft result changes. An institution or a
regulator of the result's region verifies a published result on a test report.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from nqihub.core.audit import record_event, snapshot
from nqihub.core.models import Role
from nqihub.core.records import EditConflict, create_record, delete_record, fold_input, update_record
from nqihub.core.scoping import Action, can, reach, restrict
from nqihub.engines import stdnum
from nqihub.engines.alignment import default_synonyms, match_names, normalize_indicator_name
from nqihub.engines.requirements import parse_requirement
from nqihub.engines.text import collapse_spaces, fold_text
from nqihub.registry.models import InstitutionKind
from nqihub.standards import documents
from nqihub.standards.models import Disclosure, DisclosureState, Product

from . import engine
from .models import (
    AdvancedIndicator,
    AdvancedStandard,
    BenchmarkClass,
    BenchmarkResult,
    BenchmarkScheme,
    Level,
    ResultItem,
    ResultState,
    SchemeIndicator,
    SchemeStandard,
    SchemeState,
)

STANDARD_FIELDS = (
    "number",
    "benchmark_class",
    "title",
    "title_en",
    "ics_code",
    "product",
    "category_codes",
    "source",
)
INDICATOR_FIELDS = ("name", "requirement", "unit", "core")
SCHEME_FIELDS = ("title", "product", "category_code", "committee", "summary")
# Which standard families each class may hold.
CLASS_FAMILIES = {
    BenchmarkClass.INTERNATIONAL: {"international"},
    BenchmarkClass.FOREIGN_ADVANCED: {"foreign"},
    BenchmarkClass.DOMESTIC_ADVANCED: {"national", "industry", "local", "group", "enterprise"},
}
PUBLIC_RESULT_STATES = (ResultState.PUBLISHED, ResultState.VERIFIED)


# --- shared steps ----------------------------------------------------------------------------------------------


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def is_author(actor) -> bool:
    """May maintain the database and author schemes (experts, standardisation institutions, the administrator)."""
    if reach(actor, AdvancedStandard, Action.ADD) is None:
        return False
    try:
        require_author(actor)
    except PermissionDenied:
        return False
    return True


def require_author(actor) -> None:
    """Experts, staff of a standardisation institution and the administrator author schemes and the database."""
    if getattr(actor, "role", None) == Role.INSTITUTION:
        institution = getattr(actor, "institution", None)
        if institution is None or institution.kind != InstitutionKind.STANDARDISATION:
            raise PermissionDenied(
                _("只有标准化机构、专家或平台管理员可以编制对标技术方案和维护国际先进标准库")
            )


def _require(actor, action: Action, model, obj=None, message: str = "") -> None:
    if not can(actor, action, model, obj):
        raise PermissionDenied(message or _("无权对该记录执行此操作(超出角色或管辖范围)"))


def _text(value: Any) -> str:
    return collapse_spaces(str(value or "").replace("\u3000", " "))


def _checked_upload(uploaded_file, field: str) -> documents.CheckedDocument:
    try:
        return documents.check_document(documents.read_upload(uploaded_file))
    except documents.DocumentRefused as exc:
        raise ValidationError({field: str(exc)}) from None


def _file_name(uploaded_file, kind: str) -> str:
    name = (getattr(uploaded_file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return (name or f"document.{kind}")[:255]


def _effective_rules(scheme: BenchmarkScheme | None) -> dict[str, Any]:
    rules: dict[str, Any] = dict(getattr(settings, "BENCHMARK_LEVEL_RULES", None) or {})
    if scheme is not None and scheme.rules:
        rules.update(scheme.rules)
    try:
        return engine.check_rules(rules)
    except engine.RulesError as exc:
        raise ValidationError({"rules": _("达标判定规则有误:%(e)s") % {"e": exc}}) from None


# --- the advanced-standard database ----------------------------------------------------------------------------


def normalize_advanced_number(number: str, benchmark_class: str | None = None) -> tuple[str, str]:
    """(display, normalised) of a benchmark standard's number; ValidationError on ``number`` when the number is
    not one or does not fit the class (an ISO standard is 国际标准, EN/ASTM/JIS 国外先进, GB/T/T/… 国内先进)."""
    text = fold_text(str(number or "")).strip()
    if not text:
        raise ValidationError({"number": _("请填写标准号")})
    parsed = stdnum.parse(text)
    if not parsed.ok:
        raise ValidationError({"number": parsed.error})
    family = parsed.standard.family
    if benchmark_class and family not in CLASS_FAMILIES.get(benchmark_class, set()):
        raise ValidationError(
            {
                "benchmark_class": _("%(n)s 不能作为%(cls)s")
                % {
                    "n": parsed.normalized,
                    "cls": BenchmarkClass(benchmark_class).label,
                }
            }
        )
    return text, parsed.normalized


def _standard_data(data: Mapping[str, Any]) -> dict[str, Any]:
    fields = fold_input({k: v for k, v in data.items() if k in STANDARD_FIELDS})
    if "number" in fields:
        fields["number"], fields["normalized_number"] = normalize_advanced_number(
            fields["number"], fields.get("benchmark_class")
        )
    if "category_codes" in fields:
        codes = [
            c for c in (p.strip() for p in str(fields["category_codes"]).replace("、", ",").split(",")) if c
        ]
        bad = [
            c for c in codes if not (c.isdigit() and 2 <= len(c) <= 4) and not (len(c) == 1 and c.isalpha())
        ]
        if bad:
            raise ValidationError(
                {"category_codes": _("产品分类应为 GB/T 4754 代码:%(c)s") % {"c": "、".join(bad)}}
            )
        fields["category_codes"] = ",".join(codes)
    return fields


@transaction.atomic
def create_advanced_standard(actor, data: Mapping[str, Any]) -> AdvancedStandard:
    require_author(actor)
    fields = _standard_data(data)
    if AdvancedStandard.objects.filter(normalized_number=fields.get("normalized_number", "")).exists():
        raise ValidationError(
            {"number": _("%(n)s 已在国际先进标准库中") % {"n": fields["normalized_number"]}}
        )
    return create_record(actor, AdvancedStandard, {**fields, "created_by": _actor(actor)})


@transaction.atomic
def update_advanced_standard(
    actor, standard: AdvancedStandard, data: Mapping[str, Any], version: str | None = None
) -> AdvancedStandard:
    require_author(actor)
    merged = {"benchmark_class": standard.benchmark_class, **{k: v for k, v in data.items()}}
    if "number" not in merged:
        merged["number"] = standard.number
    fields = _standard_data(merged)
    clash = AdvancedStandard.objects.filter(normalized_number=fields["normalized_number"]).exclude(
        pk=standard.pk
    )
    if clash.exists():
        raise ValidationError(
            {"number": _("%(n)s 已在国际先进标准库中") % {"n": fields["normalized_number"]}}
        )
    return update_record(actor, standard, fields, expected_version=version)


def _indicator_data(data: Mapping[str, Any]) -> dict[str, Any]:
    name, requirement, unit = _text(data.get("name")), _text(data.get("requirement")), _text(data.get("unit"))
    errors = {}
    if not name:
        errors["name"] = _("请填写指标名称")
    if not requirement:
        errors["requirement"] = _("请填写要求")
    parsed = parse_requirement(requirement, unit=unit or None) if requirement else None
    if parsed is not None and not parsed.ok:
        errors["requirement"] = _("要求无法解析:%(e)s") % {"e": parsed.error}
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "name_key": normalize_indicator_name(name),
        "requirement": requirement,
        "unit": unit,
        "core": bool(data.get("core")),
        "parsed": parsed.to_dict() if parsed is not None else None,
    }


def _unique_indicator(standard: AdvancedStandard, key: str, exclude: int | None = None) -> None:
    clash = standard.indicators.filter(name_key=key)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"name": _("该标准已有指标“%(n)s”") % {"n": clash.first().name}})


@transaction.atomic
def add_advanced_indicator(actor, standard: AdvancedStandard, data: Mapping[str, Any]) -> AdvancedIndicator:
    require_author(actor)
    fields = _indicator_data(data)
    _unique_indicator(standard, fields["name_key"])
    last = standard.indicators.aggregate(last=Max("position"))["last"] or 0
    return create_record(actor, AdvancedIndicator, {"standard": standard, **fields, "position": last + 1})


@transaction.atomic
def update_advanced_indicator(
    actor, indicator: AdvancedIndicator, data: Mapping[str, Any], version: str | None = None
) -> AdvancedIndicator:
    require_author(actor)
    fields = _indicator_data({**{f: getattr(indicator, f) for f in INDICATOR_FIELDS}, **data})
    _unique_indicator(indicator.standard, fields["name_key"], exclude=indicator.pk)
    return update_record(actor, indicator, fields, expected_version=version)


@transaction.atomic
def remove_advanced_indicator(actor, indicator: AdvancedIndicator) -> None:
    require_author(actor)
    _require(actor, Action.CHANGE, AdvancedStandard, indicator.standard)
    delete_record(actor, indicator)


@transaction.atomic
def import_advanced_indicator(actor, data: Mapping[str, Any]) -> AdvancedIndicator:
    """One imported row: the standard (created or updated with the row's columns) and one of its indicators."""
    standard_fields = {
        "number": data.get("standard_number"),
        "title": data.get("standard_title"),
        "benchmark_class": data.get("benchmark_class"),
        **{
            k: data[k] for k in ("title_en", "ics_code", "product", "category_codes", "source") if data.get(k)
        },
    }
    _display, normalized = normalize_advanced_number(
        standard_fields["number"], standard_fields["benchmark_class"]
    )
    standard = AdvancedStandard.objects.filter(normalized_number=normalized).first()
    if standard is None:
        if not _text(standard_fields["title"]):
            raise ValidationError({"standard_title": _("新标准须填写标准名称")})
        standard = create_advanced_standard(actor, standard_fields)
    else:
        changes = {k: v for k, v in standard_fields.items() if v and k != "number"}
        if any(str(getattr(standard, k)) != str(v) for k, v in changes.items()):
            standard = update_advanced_standard(actor, standard, changes)
    indicator_data = {f: data.get(f) for f in INDICATOR_FIELDS}
    existing = standard.indicators.filter(name_key=normalize_indicator_name(_text(data.get("name")))).first()
    if existing is not None:
        return update_advanced_indicator(actor, existing, indicator_data)
    return add_advanced_indicator(actor, standard, indicator_data)


# --- schemes ---------------------------------------------------------------------------------------------------


def schemes_visible_to(user):
    """Schemes a user reads: every published one (and those under consultation), plus the drafts they may edit."""
    return (
        restrict(BenchmarkScheme.objects.all(), user, Action.VIEW)
        | restrict(BenchmarkScheme.objects.all(), user, Action.CHANGE)
    ).distinct()


def _scheme_data(data: Mapping[str, Any]) -> dict[str, Any]:
    fields = fold_input({k: v for k, v in data.items() if k in SCHEME_FIELDS})
    code = fields.get("category_code")
    if code is not None:
        from nqihub.core.models import Industry

        if not Industry.objects.filter(code=code).exists():
            raise ValidationError({"category_code": _("“%(c)s”不是 GB/T 4754-2017 的行业代码") % {"c": code}})
    return fields


def _locked_scheme(actor, scheme: BenchmarkScheme | int) -> BenchmarkScheme:
    pk = scheme.pk if isinstance(scheme, BenchmarkScheme) else scheme
    locked = BenchmarkScheme.objects.select_for_update().get(pk=pk)
    require_author(actor)
    _require(
        actor, Action.CHANGE, BenchmarkScheme, locked, _("只有方案的编制人(或其机构)和平台管理员可以修改方案")
    )
    return locked


def _require_editable(scheme: BenchmarkScheme) -> None:
    if scheme.state == SchemeState.PUBLISHED:
        raise ValidationError(_("方案已发布,不能再修改"), code="published")


@transaction.atomic
def create_scheme(actor, data: Mapping[str, Any]) -> BenchmarkScheme:
    require_author(actor)
    fields = _scheme_data(data)
    return create_record(
        actor, BenchmarkScheme, {**fields, "authored_by": _actor(actor), "state": SchemeState.DRAFT}
    )


@transaction.atomic
def update_scheme(
    actor, scheme: BenchmarkScheme, data: Mapping[str, Any], version: str | None = None
) -> BenchmarkScheme:
    locked = _locked_scheme(actor, scheme)
    _require_editable(locked)
    return update_record(actor, locked, _scheme_data(data), expected_version=version)


def _scheme_event(actor, scheme: BenchmarkScheme, action: str, before: dict) -> None:
    scheme.save()
    record_event(actor, f"benchmarkscheme.{action}", scheme, before=before, after=snapshot(scheme))


@transaction.atomic
def add_scheme_standard(
    actor, scheme: BenchmarkScheme, standard: AdvancedStandard, benchmark_class: str | None = None
) -> SchemeStandard:
    locked = _locked_scheme(actor, scheme)
    _require_editable(locked)
    if locked.scheme_standards.filter(standard=standard).exists():
        raise ValidationError({"standard": _("方案已包含 %(n)s") % {"n": standard.number}})
    chosen = benchmark_class or standard.benchmark_class
    if chosen not in BenchmarkClass.values:
        raise ValidationError({"benchmark_class": _("未知的类别")})
    last = locked.scheme_standards.aggregate(last=Max("position"))["last"] or 0
    row = SchemeStandard.objects.create(
        scheme=locked, standard=standard, benchmark_class=chosen, position=last + 1
    )
    record_event(
        actor, "benchmarkscheme.add_standard", locked, after={"standard": standard.number, "class": chosen}
    )
    return row


@transaction.atomic
def remove_scheme_standard(actor, row: SchemeStandard) -> None:
    locked = _locked_scheme(actor, row.scheme_id)
    _require_editable(locked)
    number = row.standard.number
    row.delete()
    record_event(actor, "benchmarkscheme.remove_standard", locked, before={"standard": number})


@transaction.atomic
def add_scheme_indicator(actor, scheme: BenchmarkScheme, data: Mapping[str, Any]) -> SchemeIndicator:
    locked = _locked_scheme(actor, scheme)
    _require_editable(locked)
    name = _text(data.get("name"))
    if not name:
        raise ValidationError({"name": _("请填写指标名称")})
    key = default_synonyms().key(name)
    if locked.indicators.filter(name_key=key).exists():
        raise ValidationError({"name": _("方案已包含指标“%(n)s”") % {"n": name}})
    last = locked.indicators.aggregate(last=Max("position"))["last"] or 0
    row = SchemeIndicator.objects.create(
        scheme=locked,
        name=name,
        name_key=key,
        core=bool(data.get("core")),
        note=_text(data.get("note")),
        position=last + 1,
    )
    record_event(actor, "benchmarkscheme.add_indicator", locked, after={"indicator": name, "core": row.core})
    return row


@transaction.atomic
def remove_scheme_indicator(actor, row: SchemeIndicator) -> None:
    locked = _locked_scheme(actor, row.scheme_id)
    _require_editable(locked)
    name = row.name
    row.delete()
    record_event(actor, "benchmarkscheme.remove_indicator", locked, before={"indicator": name})


@transaction.atomic
def open_consultation(actor, scheme: BenchmarkScheme) -> BenchmarkScheme:
    """草稿 → 征求意见: the scheme must name benchmark standards and indicators, at least one of them core."""
    locked = _locked_scheme(actor, scheme)
    if locked.state != SchemeState.DRAFT:
        raise ValidationError(_("只有草稿可以发起征求意见"), code="not_draft")
    problems = []
    if not locked.scheme_standards.exists():
        problems.append(_("请至少选择一项对标标准"))
    if not locked.indicators.exists():
        problems.append(_("请至少列出一项比对指标"))
    elif not locked.indicators.filter(core=True).exists():
        problems.append(_("请至少标记一项核心指标"))
    if problems:
        raise ValidationError(problems, code="incomplete")
    before = snapshot(locked)
    locked.state, locked.consultation_at = SchemeState.CONSULTATION, timezone.now()
    _scheme_event(actor, locked, "consult", before)
    return locked


@transaction.atomic
def publish_scheme(actor, scheme: BenchmarkScheme) -> BenchmarkScheme:
    """征求意见 → 已发布: enterprises may benchmark against it from now on."""
    locked = _locked_scheme(actor, scheme)
    if locked.state != SchemeState.CONSULTATION:
        raise ValidationError(_("方案须先征求意见,再发布"), code="not_consultation")
    _effective_rules(locked)
    before = snapshot(locked)
    locked.state, locked.published_at = SchemeState.PUBLISHED, timezone.now()
    _scheme_event(actor, locked, "publish", before)
    return locked


def scheme_inputs(scheme: BenchmarkScheme) -> list[engine.BenchmarkInput]:
    """The scheme's benchmark standards as engine input: only the indicators the scheme compares, core as the
    scheme marks them (matched by name, synonym or confirmed pair; a fuzzy match is not used)."""
    from nqihub.review.alignment import confirmed_pairs

    wanted = list(scheme.indicators.all())
    inputs = []
    rows = scheme.scheme_standards.select_related("standard").prefetch_related("standard__indicators")
    for row in rows:
        indicators = list(row.standard.indicators.all())
        confirmed = confirmed_pairs([i.name for i in indicators], [w.name for w in wanted]) if wanted else {}
        chosen = []
        for indicator in indicators:
            if not wanted:
                chosen.append(_input(indicator, indicator.core))
                continue
            for target in wanted:
                found = match_names(indicator.name, target.name, confirmed=confirmed)
                if found is not None and found.reason != "fuzzy":
                    chosen.append(_input(indicator, target.core))
                    break
        inputs.append(
            engine.BenchmarkInput(row.standard.number, row.benchmark_class, tuple(chosen), row.standard.title)
        )
    return inputs


def _input(indicator: AdvancedIndicator, core: bool) -> engine.IndicatorInput:
    return engine.IndicatorInput(indicator.name, indicator.requirement, indicator.unit, core)


def standard_inputs(standards: Iterable[AdvancedStandard]) -> list[engine.BenchmarkInput]:
    """Benchmark standards picked one by one (no scheme): all their indicators, core as the database marks them."""
    return [
        engine.BenchmarkInput(
            s.number, s.benchmark_class, tuple(_input(i, i.core) for i in s.indicators.all()), s.title
        )
        for s in standards
    ]


# --- results ---------------------------------------------------------------------------------------------------


def _enterprise_inputs(disclosure: Disclosure) -> list[engine.IndicatorInput]:
    return [engine.IndicatorInput(i.name, i.requirement, i.unit) for i in disclosure.indicators.all()]


def _outcome(enterprise_rows, inputs, rules) -> engine.BenchmarkOutcome:
    from nqihub.review.alignment import confirmed_pairs

    names_b = [i.name for s in inputs for i in s.indicators]
    confirmed = confirmed_pairs([i.name for i in enterprise_rows], names_b)
    return engine.benchmark(enterprise_rows, inputs, confirmed=confirmed, rules=rules)


def _item_rows(
    result: BenchmarkResult, outcome: engine.BenchmarkOutcome, standards: dict[str, AdvancedStandard]
):
    synonyms = default_synonyms()
    return [
        ResultItem(
            result=result,
            benchmark_standard=standards[item.standard],
            benchmark_number=item.standard,
            benchmark_class=item.benchmark_class,
            indicator=item.indicator,
            indicator_key=synonyms.key(item.indicator),
            core=item.core,
            benchmark_requirement=item.benchmark_requirement,
            benchmark_unit=item.benchmark_unit,
            enterprise_indicator=item.enterprise_indicator or "",
            enterprise_requirement=item.enterprise_requirement,
            enterprise_unit=item.enterprise_unit,
            verdict=item.verdict,
            reason=item.reason,
            caveat=item.caveat or "",
            alignment=item.alignment,
            candidate=item.candidate or "",
            position=n,
        )
        for n, item in enumerate(outcome.items, start=1)
    ]


@transaction.atomic
def start_result(
    actor,
    disclosure: Disclosure,
    *,
    scheme: BenchmarkScheme | None = None,
    standards: Iterable[AdvancedStandard] = (),
    product: Product | None = None,
) -> BenchmarkResult:
    """Benchmark one of the enterprise's current disclosures against a published scheme or picked standards:
    align, compare every indicator, roll up the level. The result starts as the enterprise's draft."""
    disclosure = Disclosure.objects.select_related("enterprise").get(pk=disclosure.pk)
    result = BenchmarkResult(
        enterprise=disclosure.enterprise,
        region_code=disclosure.region_code,
        disclosure=disclosure,
        created_by=_actor(actor),
    )
    _require(actor, Action.ADD, BenchmarkResult, result, _("只有本企业的企业用户可以对本企业的标准开展对标"))
    if disclosure.state != DisclosureState.DISCLOSED:
        raise ValidationError({"disclosure": _("只能对现行有效(已公开)的标准声明开展对标")})
    if product is not None and product.disclosure_id != disclosure.pk:
        raise ValidationError({"product": _("所选产品不属于该标准声明")})
    standards = list(standards)
    if scheme is not None:
        if scheme.state != SchemeState.PUBLISHED:
            raise ValidationError({"scheme": _("只能依据已发布的对标技术方案开展对标")})
        inputs = scheme_inputs(scheme)
        picked = [row.standard for row in scheme.scheme_standards.select_related("standard")]
    elif standards:
        inputs = standard_inputs(standards)
        picked = standards
    else:
        raise ValidationError({"scheme": _("请选择对标技术方案或对标标准")})
    if not any(i.indicators for i in inputs):
        raise ValidationError({"scheme": _("对标标准中没有可比较的指标")})
    rules = _effective_rules(scheme)
    outcome = _outcome(_enterprise_inputs(disclosure), inputs, rules)
    result.scheme, result.product = scheme, product
    result.level, result.level_reason = outcome.level, outcome.level_reason
    result.rules_version, result.rules = outcome.rules_version, rules
    result.extra_indicators = list(outcome.extra)
    result.full_clean()
    result.save()
    result.standards.set(picked)
    ResultItem.objects.bulk_create(_item_rows(result, outcome, {s.number: s for s in picked}))
    record_event(
        actor, "benchmarkresult.create", result, after={**snapshot(result), "counts": outcome.counts()}
    )
    return result


def _locked_result(actor, result: BenchmarkResult | int) -> BenchmarkResult:
    pk = result.pk if isinstance(result, BenchmarkResult) else result
    locked = BenchmarkResult.objects.select_for_update().select_related("enterprise", "disclosure").get(pk=pk)
    if getattr(actor, "role", None) != Role.ENTERPRISE or not can(
        actor, Action.CHANGE, BenchmarkResult, locked
    ):
        raise PermissionDenied(_("只有本企业的企业用户可以修改对标结果"))
    return locked


def _require_draft(result: BenchmarkResult) -> None:
    if result.state != ResultState.DRAFT:
        raise ValidationError(_("对标结果已发布,不能再修改"), code="not_draft")


def _roll_up(result: BenchmarkResult) -> None:
    level, reason = engine.roll_up(result.items.all(), result.rules or {})
    result.level, result.level_reason = level, reason


@transaction.atomic
def edit_item(
    actor,
    item: ResultItem,
    *,
    requirement: str,
    unit: str = "",
    evidence=None,
    evidence_note: str = "",
    version: str | None = None,
) -> ResultItem:
    """The enterprise states its value for one indicator, with evidence (a PDF/DOCX or a note). Every benchmark's
    row of the same indicator in this result is compared again, and the level is rolled up again."""
    result = _locked_result(actor, item.result_id)
    _require_draft(result)
    if version and result.updated_at.isoformat() != version:
        raise EditConflict(_("该对标结果已被他人修改,请刷新后重新编辑"), code="edit_conflict")
    requirement, unit, note = _text(requirement), _text(unit), str(evidence_note or "").strip()
    errors = {}
    if not requirement:
        errors["requirement"] = _("请填写企业的要求")
    else:
        parsed = parse_requirement(requirement, unit=unit or None)
        if not parsed.ok:
            errors["requirement"] = _("要求无法解析:%(e)s") % {"e": parsed.error}
    if evidence is None and not note:
        errors["evidence"] = _("修改数值须附证明材料(上传文件或填写说明)")
    if errors:
        raise ValidationError(errors)
    checked = _checked_upload(evidence, "evidence") if evidence is not None else None
    stored_name = ""
    if checked is not None:
        storage = ResultItem._meta.get_field("evidence").storage
        stored_name = storage.save(
            f"benchmarking/evidence/{checked.sha256[:24]}.{checked.kind}", ContentFile(checked.data)
        )
    before = snapshot(result)
    siblings = list(result.items.filter(indicator_key=item.indicator_key or "") if item.indicator_key else [])
    rows = siblings or [ResultItem.objects.get(pk=item.pk)]
    changed = []
    for row in rows:
        row_before = snapshot(row)
        verdict, reason, _en, caveat = engine.compare_indicator(
            requirement, unit, row.benchmark_requirement, row.benchmark_unit
        )
        row.enterprise_indicator = row.enterprise_indicator or row.indicator
        row.enterprise_requirement, row.enterprise_unit = requirement, unit
        row.verdict, row.reason, row.caveat = verdict, reason, caveat or ""
        row.alignment = row.alignment or "edited"
        row.edited, row.evidence_note = True, note
        if checked is not None:
            row.evidence.name = stored_name
            row.evidence_name = _file_name(evidence, checked.kind)
            row.evidence_sha256 = checked.sha256
        row.save()
        changed.append({"id": row.pk, "before": row_before, "after": snapshot(row)})
    _roll_up(result)
    result.save()
    record_event(
        actor,
        "benchmarkresult.edit_item",
        result,
        before=before,
        after={**snapshot(result), "items": changed},
    )
    return ResultItem.objects.get(pk=item.pk)


@transaction.atomic
def confirm_candidate(actor, item: ResultItem) -> BenchmarkResult:
    """Accept the fuzzy candidate of a 缺项 item as the same indicator (stored for every later alignment), then
    compare the pair and roll up again."""
    from nqihub.review.alignment import confirm_alignment

    result = _locked_result(actor, item.result_id)
    _require_draft(result)
    item = ResultItem.objects.get(pk=item.pk)
    if not item.candidate or item.verdict != "missing":
        raise ValidationError(_("该比对项没有待确认的对应指标"))
    confirm_alignment(actor, item.candidate, item.indicator, same=True)
    mine = result.disclosure.indicators.filter(name=item.candidate).first()
    if mine is None:
        raise ValidationError(_("企业标准中已没有指标“%(n)s”") % {"n": item.candidate})
    before = snapshot(item)
    verdict, reason, _en, caveat = engine.compare_indicator(
        mine.requirement, mine.unit, item.benchmark_requirement, item.benchmark_unit
    )
    item.enterprise_indicator, item.enterprise_requirement, item.enterprise_unit = (
        mine.name,
        mine.requirement,
        mine.unit,
    )
    item.verdict, item.reason, item.caveat = verdict, reason, caveat or ""
    item.alignment, item.candidate = "confirmed", ""
    item.save()
    result.extra_indicators = [n for n in result.extra_indicators if n != mine.name]
    _roll_up(result)
    result.save()
    record_event(actor, "benchmarkresult.confirm_candidate", result, before=before, after=snapshot(item))
    return result


@transaction.atomic
def publish_result(actor, result: BenchmarkResult) -> BenchmarkResult:
    """草稿 → 已发布: the result and its level become public."""
    locked = _locked_result(actor, result)
    _require_draft(locked)
    before = snapshot(locked)
    locked.state, locked.published_at = ResultState.PUBLISHED, timezone.now()
    locked.save()
    record_event(actor, "benchmarkresult.publish", locked, before=before, after=snapshot(locked))
    return locked


@transaction.atomic
def discard_result(actor, result: BenchmarkResult) -> None:
    """Discard a draft the enterprise no longer wants: the result, its items and their evidence files go; the
    audit event keeps what it was. A published result is public record and is never discarded."""
    locked = _locked_result(actor, result)
    _require_draft(locked)
    stored = [item.evidence for item in locked.items.exclude(evidence="")]
    if locked.test_report:
        stored.append(locked.test_report)
    files = [(f.storage, f.name) for f in stored]
    delete_record(actor, locked, event="benchmarkresult.discard")

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)


def can_verify(user, result: BenchmarkResult | None = None) -> bool:
    """Institution staff and regulators (of the result's region) verify published results."""
    if getattr(user, "role", None) not in (Role.INSTITUTION, Role.REGULATOR):
        return False
    return can(user, Action.CHANGE, BenchmarkResult, result)


@transaction.atomic
def verify_result(actor, result: BenchmarkResult, test_report, note: str = "") -> BenchmarkResult:
    """已发布 → 已达标验证, on an uploaded test report (PDF or DOCX, checked by content)."""
    locked = BenchmarkResult.objects.select_for_update().get(pk=result.pk)
    if not can_verify(actor, locked):
        raise PermissionDenied(_("只有技术机构或辖区监管人员可以验证对标结果"))
    if locked.state != ResultState.PUBLISHED:
        raise ValidationError(_("只能验证已发布、尚未验证的对标结果"), code="not_published")
    if test_report is None:
        raise ValidationError({"test_report": _("请上传检测报告")})
    checked = _checked_upload(test_report, "test_report")
    before = snapshot(locked)
    locked.test_report.save(f"{checked.sha256[:24]}.{checked.kind}", ContentFile(checked.data), save=False)
    locked.test_report_name = _file_name(test_report, checked.kind)
    locked.test_report_sha256 = checked.sha256
    organisation = getattr(actor, "institution", None) if actor.role == Role.INSTITUTION else None
    locked.verifier_name = str(organisation) if organisation is not None else _regulator_name(actor)
    locked.verified_by, locked.verified_at = actor, timezone.now()
    locked.verification_note = str(note or "").strip()
    locked.state = ResultState.VERIFIED
    locked.save()
    record_event(actor, "benchmarkresult.verify", locked, before=before, after=snapshot(locked))
    return locked


def _regulator_name(actor) -> str:
    from nqihub.registry.models import RegulatorUnit

    unit = RegulatorUnit.objects.filter(region_code=actor.region_code).order_by("pk").first()
    return unit.name if unit is not None else _("市场监督管理局(%(code)s)") % {"code": actor.region_code}


# --- counts ----------------------------------------------------------------------------------------------------


def _public_international(region_prefix: str = ""):
    rows = BenchmarkResult.objects.filter(state__in=PUBLIC_RESULT_STATES, level=Level.INTERNATIONAL)
    return rows.filter(region_code__startswith=region_prefix) if region_prefix else rows


def international_counts(region_prefix: str = "") -> dict[str, int]:
    """ "X家企业的Y项标准达到国际先进水平": enterprises and their standards with a published or verified result at
    the international level, in a region (a code prefix; empty for everywhere). One query."""
    counted = _public_international(region_prefix).aggregate(
        enterprises=Count("enterprise", distinct=True), standards=Count("disclosure", distinct=True)
    )
    return {"enterprises": counted["enterprises"] or 0, "standards": counted["standards"] or 0}


def international_counts_by_region(region_prefix: str = "", digits: int = 4) -> list[dict[str, Any]]:
    """The same counts per division (``digits`` 2: province, 4: city, 6: county) inside a region, in one query."""
    rows = (
        _public_international(region_prefix)
        .annotate(division=Substr("region_code", 1, digits))
        .values("division")
        .annotate(
            enterprises=Count("enterprise", distinct=True), standards=Count("disclosure", distinct=True)
        )
        .order_by("-standards", "division")
    )
    return [
        {
            "region_code": r["division"].ljust(6, "0"),
            "enterprises": r["enterprises"],
            "standards": r["standards"],
        }
        for r in rows
    ]


def level_counts(region_prefix: str = "") -> dict[str, int]:
    """Published and verified results per level in a region."""
    rows = BenchmarkResult.objects.filter(state__in=PUBLIC_RESULT_STATES)
    if region_prefix:
        rows = rows.filter(region_code__startswith=region_prefix)
    counted = dict(rows.order_by().values_list("level").annotate(n=Count("id")))
    verified = rows.filter(state=ResultState.VERIFIED).count()
    return {**{level: counted.get(level, 0) for level in Level.values}, "verified": verified}


__all__ = [
    "add_advanced_indicator",
    "add_scheme_indicator",
    "add_scheme_standard",
    "can_verify",
    "confirm_candidate",
    "create_advanced_standard",
    "create_scheme",
    "edit_item",
    "import_advanced_indicator",
    "international_counts",
    "international_counts_by_region",
    "level_counts",
    "open_consultation",
    "publish_result",
    "publish_scheme",
    "remove_advanced_indicator",
    "remove_scheme_indicator",
    "remove_scheme_standard",
    "schemes_visible_to",
    "start_result",
    "update_advanced_standard",
    "update_advanced_indicator",
    "update_scheme",
    "verify_result",
]


def reimport_advanced_indicator(
    actor, indicator: AdvancedIndicator, data: Mapping[str, Any]
) -> AdvancedIndicator:
    """An imported row that names a stored indicator (same standard number and indicator name): updated."""
    return import_advanced_indicator(actor, data)

"""Every write to enterprise self-declarations (企业标准自我声明公开, DOMAIN.md §2).

Each public function is one transaction: it locks the disclosure, checks the actor's scope with
`nqihub.core.scoping.can`, validates, saves and records its audit event. Only drafts change; a disclosed
standard is revised (a new version, the old one kept as 已修订) or abolished (废止). National, industry, local
and group standards come from the catalogue and are never guessed from typed text; own enterprise standards are
typed and checked against the region's number pattern. Errors are `ValidationError`s keyed by the field the
user typed into (`number`, `catalogue_standard`, `title`, `name`, `gtin`, `document` …), in Chinese.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import ean
from stdnum import exceptions as stdnum_errors

from nqihub.core.audit import record_event, snapshot
from nqihub.core.models import Industry
from nqihub.core.records import EditConflict
from nqihub.core.scoping import Action, can
from nqihub.engines import stdnum
from nqihub.engines.requirements import parse_requirement
from nqihub.engines.text import fold_identifier, fold_text
from nqihub.registry.models import Enterprise

from . import documents
from .catalogue import replacement_of
from .indicator_values import sync_indicator_values
from .models import (
    CatalogueStandard,
    CatalogueStatus,
    CommitmentRole,
    Disclosure,
    DisclosureKind,
    DisclosureState,
    Indicator,
    Product,
    StandardFamily,
)

# The families an enterprise may declare it executes from the catalogue (the kind 执行国家、行业、地方或团体标准).
EXTERNAL_FAMILIES = frozenset(
    {StandardFamily.NATIONAL, StandardFamily.INDUSTRY, StandardFamily.LOCAL, StandardFamily.GROUP}
)
# A standard about to take effect (即将实施) may already be declared; a withdrawn one may not.
DECLARABLE_STATUSES = frozenset({CatalogueStatus.CURRENT, CatalogueStatus.UPCOMING})
PRODUCT_FIELDS = ("name", "model", "category_code", "specification", "gtin", "common_name")
INDICATOR_FIELDS = ("name", "requirement", "unit", "test_method")
GTIN_LENGTHS = (8, 12, 13, 14)
_NUMBER_MAX = 80


# --- shared steps ------------------------------------------------------------------------------------------


def _require(actor, action: Action, disclosure: Disclosure) -> None:
    if not can(actor, action, Disclosure, disclosure):
        raise PermissionDenied(_("无权对该标准声明执行此操作(只有本企业的企业用户可以填报和修改)"))


def _locked(disclosure: Disclosure | int, actor, action: Action = Action.CHANGE) -> Disclosure:
    pk = disclosure.pk if isinstance(disclosure, Disclosure) else disclosure
    locked = Disclosure.objects.select_for_update().select_related("enterprise").get(pk=pk)
    _require(actor, action, locked)
    return locked


def _require_draft(disclosure: Disclosure) -> None:
    if disclosure.state != DisclosureState.DRAFT:
        raise ValidationError(
            _("只有草稿可以修改;“%(d)s”当前状态为%(state)s,如需变更请修订(生成新版本)")
            % {"d": disclosure.standard_number, "state": disclosure.get_state_display()},
            code="not_draft",
        )


def _text(value: Any) -> str:
    """A one-line typed value: full-width folded, dashes unified, spaces collapsed (as everywhere in NQI Hub)."""
    return fold_text(str(value)) if value is not None else ""


def _prose(value: Any) -> str:
    """Several lines of prose keep their punctuation and line breaks; only the ends are trimmed."""
    return str(value or "").replace("\r\n", "\n").strip()


def _changed(before: dict, after: dict) -> bool:
    return {k: v for k, v in before.items() if k != "updated_at"} != {
        k: v for k, v in after.items() if k != "updated_at"
    }


def _sync_search(disclosure: Disclosure) -> None:
    """Keep the public search index in step with a disclosure whose state (or content) changed."""
    from nqihub.standards import search

    search.sync_search_entry(disclosure)


def _actor_or_none(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _clear_commitment(disclosure: Disclosure) -> None:
    # The commitment covers the standard as it was signed: changing its content asks for a new signature.
    disclosure.commitment_signatory = ""
    disclosure.commitment_signatory_role = ""
    disclosure.committed_at = None


def _lock_enterprise(enterprise_id: int) -> None:
    # Serialises an enterprise's own writers, so two tabs cannot declare the same standard twice at once.
    list(Enterprise.objects.select_for_update().filter(pk=enterprise_id).values_list("pk"))


def _release_file(name: str) -> None:
    """Delete a stored text once no version refers to it any more (revisions share their predecessor's file)."""
    if name and not Disclosure.objects.filter(document=name).exists():
        Disclosure._meta.get_field("document").storage.delete(name)


# --- the standard a disclosure is about ----------------------------------------------------------------------


def _withdrawn_message(standard: CatalogueStandard) -> str:
    replacement = replacement_of(standard) or standard.replaced_by
    values = {"number": standard.number, "status": standard.get_status_display()}
    if replacement is not None and replacement.status in DECLARABLE_STATUSES:
        return _("%(number)s 已%(status)s,不能再声明执行;请改为声明代替它的 %(new)s %(title)s") % {
            **values,
            "new": replacement.number,
            "title": replacement.title_zh,
        }
    if standard.replaced_by_text:
        return _("%(number)s 已%(status)s,不能再声明执行;代替标准为 %(new)s") % {
            **values,
            "new": standard.replaced_by_text,
        }
    return _("%(number)s 已%(status)s,不能再声明执行") % values


def catalogue_problem(standard: CatalogueStandard) -> str | None:
    """Why this catalogue standard cannot be declared (wrong family, withdrawn), or None when it can."""
    if standard.family not in EXTERNAL_FAMILIES:
        return _(
            "%(number)s 是%(family)s;自我声明只能执行国家标准、行业标准、地方标准、团体标准或企业标准"
        ) % {"number": standard.number, "family": standard.get_family_display()}
    if standard.status not in DECLARABLE_STATUSES:
        return _withdrawn_message(standard)
    return None


def _apply_catalogue(disclosure: Disclosure, standard: CatalogueStandard | int | str | None) -> None:
    if not isinstance(standard, CatalogueStandard):
        pk = str(standard or "").strip()
        found = CatalogueStandard.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
        if found is None:
            raise ValidationError(
                {"catalogue_standard": _("标准目录中没有这条记录(%(pk)s),请重新检索选取") % {"pk": pk[:20]}}
            )
        standard = found
    problem = catalogue_problem(standard)
    if problem:
        raise ValidationError({"catalogue_standard": problem})
    disclosure.kind = DisclosureKind.EXTERNAL
    disclosure.catalogue_standard = standard
    disclosure.standard_number = standard.number
    disclosure.normalized_number = standard.normalized_number
    disclosure.title = standard.title_zh


def _region_patterns(region_code: str) -> dict[str, str] | None:
    """The configured pattern that governs this region (longest prefix), or None for the default pattern."""
    patterns = getattr(settings, "ENTERPRISE_STANDARD_PATTERNS", None) or {}
    keys = [key for key in patterns if region_code.startswith(key)]
    if not keys:
        return None
    key = max(keys, key=len)
    return {key: patterns[key]}


def check_enterprise_number(number: str, region_code: str) -> stdnum.ParseResult:
    """Parse an own standard's number and check it against the region's pattern; ValidationError on `number`."""
    text = _text(number)
    if not text:
        raise ValidationError({"number": _("请填写企业标准编号")})
    if len(text) > _NUMBER_MAX:
        raise ValidationError({"number": _("标准编号过长(%(n)d 个字符)") % {"n": len(text)}})
    parsed = stdnum.parse(text, enterprise_patterns=_region_patterns(region_code))
    if not stdnum.fold(text).replace(" ", "").startswith("Q/"):
        plain = stdnum.parse(text)
        if plain.ok:
            raise ValidationError(
                {
                    "number": _(
                        "%(n)s 是%(family)s的编号,不是企业标准编号(应以 Q/ 开头);"
                        "国家、行业、地方、团体标准请从标准目录中选取"
                    )
                    % {"n": plain.normalized, "family": StandardFamily(plain.standard.family).label}
                }
            )
    ok, reason = stdnum.enterprise_number_matches_region(
        text, region_code, getattr(settings, "ENTERPRISE_STANDARD_PATTERNS", None) or {}
    )
    if not ok:
        raise ValidationError({"number": reason})
    if not parsed.ok:
        raise ValidationError({"number": parsed.error})
    if parsed.standard.family != "enterprise":
        raise ValidationError({"number": _("%(n)s 不是企业标准编号") % {"n": parsed.normalized}})
    return parsed


def _apply_number(disclosure: Disclosure, number: Any, kind: str | None, region_code: str) -> None:
    text = _text(number)
    if not text:
        raise ValidationError({"number": _("请填写企业标准编号,或从标准目录中选取标准")})
    looks_enterprise = stdnum.fold(text).replace(" ", "").startswith("Q/")
    if kind == DisclosureKind.ENTERPRISE or (kind is None and looks_enterprise):
        parsed = check_enterprise_number(text, region_code)
        disclosure.kind = DisclosureKind.ENTERPRISE
        disclosure.catalogue_standard = None
        disclosure.standard_number = text
        disclosure.normalized_number = parsed.normalized
        return
    # An external number typed as text: accepted only when the catalogue holds exactly that edition.
    if looks_enterprise:
        raise ValidationError({"number": _("%(n)s 是企业标准编号,请选择“执行企业标准”") % {"n": text}})
    if len(text) > _NUMBER_MAX:
        raise ValidationError({"number": _("标准编号过长(%(n)d 个字符)") % {"n": len(text)}})
    parsed = stdnum.parse(text)
    if not parsed.ok:
        raise ValidationError({"number": parsed.error})
    if parsed.standard.year is None:
        editions = list(
            CatalogueStandard.objects.filter(base_number=parsed.normalized).values_list("number", flat=True)[
                :5
            ]
        )
        message = (
            _("%(n)s 没有年代号,请选取具体版本:%(editions)s")
            % {"n": parsed.normalized, "editions": "、".join(editions)}
            if editions
            else _("%(n)s 不在标准目录中;国家、行业、地方、团体标准须从标准目录中选取")
            % {"n": parsed.normalized}
        )
        raise ValidationError({"number": message})
    standard = CatalogueStandard.objects.filter(normalized_number=parsed.normalized).first()
    if standard is None:
        raise ValidationError(
            {
                "number": _("%(n)s 不在标准目录中;国家、行业、地方、团体标准须从标准目录中选取,不能手工填写")
                % {"n": parsed.normalized}
            }
        )
    _apply_catalogue(disclosure, standard)


def _check_duplicate(disclosure: Disclosure) -> None:
    """One enterprise declares one standard once: a second draft or current disclosure of it is refused."""
    clash = Disclosure.objects.filter(
        enterprise_id=disclosure.enterprise_id,
        normalized_number=disclosure.normalized_number,
        state__in=[DisclosureState.DRAFT, DisclosureState.DISCLOSED],
    )
    if disclosure.pk:
        clash = clash.exclude(pk=disclosure.pk)
    if disclosure.previous_id:
        clash = clash.exclude(pk=disclosure.previous_id)
    other = clash.first()
    if other is not None:
        field = "number" if disclosure.is_own_standard else "catalogue_standard"
        raise ValidationError(
            {
                field: _("本企业已有 %(n)s 的声明(版本 %(v)d,%(state)s);请在原声明上继续填报或修订")
                % {"n": other.standard_number, "v": other.version, "state": other.get_state_display()}
            }
        )


# --- the disclosure -----------------------------------------------------------------------------------------


@transaction.atomic
def start_disclosure(
    actor,
    enterprise,
    *,
    kind: str | None = None,
    catalogue_standard: CatalogueStandard | int | str | None = None,
    number: str | None = None,
    title: str = "",
    explicit_statement: str = "",
) -> Disclosure:
    """A new draft. External standards come from the catalogue (a row, or the exact number of one); an own
    enterprise standard is typed (`number`, `title`) and checked against the region's pattern."""
    draft = Disclosure(
        enterprise=enterprise, region_code=enterprise.region_code, created_by=_actor_or_none(actor)
    )
    _require(actor, Action.ADD, draft)
    _lock_enterprise(enterprise.pk)
    if kind not in (None, "", *DisclosureKind.values):
        raise ValidationError({"kind": _("未知的标准类型:%(k)s") % {"k": str(kind)[:40]}})
    kind = kind or None
    if catalogue_standard not in (None, "") and kind != DisclosureKind.ENTERPRISE:
        _apply_catalogue(draft, catalogue_standard)
    elif kind == DisclosureKind.EXTERNAL and not _text(number):
        raise ValidationError({"catalogue_standard": _("请从标准目录中选取要声明执行的标准")})
    else:
        _apply_number(draft, number, kind, enterprise.region_code)
    if draft.is_own_standard:
        draft.title = _text(title)
        if not draft.title:
            raise ValidationError({"title": _("请填写企业标准名称")})
    draft.explicit_statement = _prose(explicit_statement)
    _check_duplicate(draft)
    draft.full_clean()
    draft.save()
    record_event(actor, "disclosure.create", draft, after=snapshot(draft))
    _sync_search(draft)
    return draft


DRAFT_FIELDS = {
    DisclosureKind.ENTERPRISE: {"number", "title", "explicit_statement"},
    DisclosureKind.EXTERNAL: {"catalogue_standard", "explicit_statement"},
}


@transaction.atomic
def update_draft(
    actor, disclosure: Disclosure, data: Mapping[str, Any], version: str | None = None
) -> Disclosure:
    """Change a draft's standard (own: number and title; external: the catalogue row) or its 明示 statement."""
    d = _locked(disclosure, actor)
    _require_draft(d)
    _lock_enterprise(d.enterprise_id)
    if version and d.updated_at.isoformat() != version:
        raise EditConflict(_("该声明已被他人修改,请刷新后重新编辑"), code="edit_conflict")
    refused = set(data) - DRAFT_FIELDS[d.kind]
    if refused:
        raise ValidationError(
            {
                field: _("“%(kind)s”的声明不能修改此项") % {"kind": d.get_kind_display()}
                for field in sorted(refused)
            }
        )
    before = snapshot(d)
    if "number" in data:
        _apply_number(d, data["number"], d.kind, d.region_code)
    if "catalogue_standard" in data:
        _apply_catalogue(d, data["catalogue_standard"])
    if "title" in data:
        d.title = _text(data["title"])
        if not d.title:
            raise ValidationError({"title": _("请填写企业标准名称")})
    if "explicit_statement" in data:
        d.explicit_statement = _prose(data["explicit_statement"])
    content = ("normalized_number", "title", "explicit_statement", "catalogue_standard_id")
    if any(before[f] != getattr(d, f) for f in content):
        _clear_commitment(d)
    _check_duplicate(d)
    d.full_clean()
    d.save()
    after = snapshot(d)
    if _changed(before, after):
        record_event(actor, "disclosure.update", d, before=before, after=after)
    return d


@transaction.atomic
def discard_draft(actor, disclosure: Disclosure) -> None:
    """Delete a draft that was never made public (its products and indicators go with it)."""
    d = _locked(disclosure, actor)
    _require_draft(d)
    before = snapshot(d)
    name, label = d.document.name, str(d)[:255]
    try:
        with transaction.atomic():
            d.delete()
    except ProtectedError:
        raise ValidationError(_("该草稿仍被其他记录引用,不能删除"), code="protected") from None
    record_event(
        actor,
        "disclosure.discard",
        object_type=Disclosure._meta.label_lower,
        object_id=str(before["id"]),
        object_repr=label,
        region_code=before["region_code"],
        before=before,
    )
    transaction.on_commit(lambda: _release_file(name))


# --- products -----------------------------------------------------------------------------------------------


def check_category(code: Any) -> str:
    """A GB/T 4754-2017 小类 (4-level) code, folded; ValidationError on `category_code` otherwise."""
    code = fold_identifier(str(code or ""))
    if not code:
        raise ValidationError({"category_code": _("请选择产品分类(GB/T 4754-2017 小类)")})
    industry = Industry.objects.filter(code=code).first() if len(code) <= 5 else None
    if industry is None:
        raise ValidationError(
            {"category_code": _("产品分类 %(c)s 不在 GB/T 4754-2017 国民经济行业分类中") % {"c": code[:20]}}
        )
    if industry.level != 4:
        raise ValidationError(
            {
                "category_code": _(
                    "产品分类须为 GB/T 4754-2017 的小类(4 位代码);%(c)s %(name)s 是第 %(l)d 级"
                )
                % {"c": code, "name": industry.name, "l": industry.level}
            }
        )
    return code


def check_gtin(value: Any) -> str:
    """A product barcode (GTIN-8/12/13/14) with a valid check digit, or "" when none is given."""
    code = fold_identifier(str(value or "")).replace("-", "")
    if not code:
        return ""
    if not code.isdigit():
        raise ValidationError({"gtin": _("产品条码只能由数字组成")})
    if len(code) not in GTIN_LENGTHS:
        raise ValidationError(
            {"gtin": _("产品条码应为 8、12、13 或 14 位数字(GTIN),实际为 %(n)d 位") % {"n": len(code)}}
        )
    try:
        return ean.validate(code)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError({"gtin": _("产品条码 %(c)s 校验位错误") % {"c": code}}) from None
    except stdnum_errors.ValidationError:
        raise ValidationError({"gtin": _("产品条码 %(c)s 无效") % {"c": code}}) from None


def _product_values(data: Mapping[str, Any]) -> dict[str, str]:
    values = {f: _text(data.get(f, "")) for f in PRODUCT_FIELDS}
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = _("请填写产品名称")
    if not values["model"]:
        errors["model"] = _("请填写产品型号")
    for field, check in (("category_code", check_category), ("gtin", check_gtin)):
        try:
            values[field] = check(values[field])
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return values


def _record_child(actor, verb: str, row: models.Model, disclosure: Disclosure, **kwargs) -> None:
    record_event(actor, f"{row._meta.model_name}.{verb}", row, region_code=disclosure.region_code, **kwargs)


def _next_position(queryset) -> int:
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def add_product(actor, disclosure: Disclosure, data: Mapping[str, Any]) -> Product:
    """A product made to the standard: name*, model*, category* (GB/T 4754 小类), spec, GTIN, common name."""
    d = _locked(disclosure, actor)
    _require_draft(d)
    product = Product(disclosure=d, position=_next_position(d.products), **_product_values(data))
    product.full_clean()
    product.save()
    _record_child(actor, "create", product, d, after=snapshot(product))
    return product


def _locked_child(model, row, actor) -> tuple[Disclosure, Any]:
    d = _locked(row.disclosure_id, actor)
    _require_draft(d)
    return d, model.objects.select_for_update().get(pk=row.pk)


@transaction.atomic
def update_product(actor, product: Product, data: Mapping[str, Any]) -> Product:
    d, locked = _locked_child(Product, product, actor)
    before = snapshot(locked)
    merged = {f: data.get(f, getattr(locked, f)) for f in PRODUCT_FIELDS}
    for field, value in _product_values(merged).items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    after = snapshot(locked)
    if _changed(before, after):
        _record_child(actor, "update", locked, d, before=before, after=after)
    return locked


@transaction.atomic
def remove_product(actor, product: Product) -> None:
    d, locked = _locked_child(Product, product, actor)
    before = snapshot(locked)
    locked.delete()
    record_event(
        actor,
        "product.delete",
        object_type=Product._meta.label_lower,
        object_id=str(before["id"]),
        object_repr=str(product)[:255],
        region_code=d.region_code,
        before=before,
    )


# --- indicators ---------------------------------------------------------------------------------------------


def _indicator_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {f: _text(data.get(f, "")) for f in INDICATOR_FIELDS}
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = _("请填写指标名称")
    if not values["requirement"]:
        errors["requirement"] = _("请填写技术要求(如 ≤0.5 mg/kg、不得检出、无异味)")
    if errors:
        raise ValidationError(errors)
    # Kept even when the engine cannot read it: the text is what the enterprise declared; review flags it.
    values["parsed"] = parse_requirement(values["requirement"], unit=values["unit"] or None).to_dict()
    return values


@transaction.atomic
def add_indicator(actor, disclosure: Disclosure, data: Mapping[str, Any]) -> Indicator:
    """A functional or performance indicator with its requirement (parsed) and test method."""
    d = _locked(disclosure, actor)
    _require_draft(d)
    indicator = Indicator(disclosure=d, position=_next_position(d.indicators), **_indicator_values(data))
    indicator.full_clean()
    indicator.save()
    _record_child(actor, "create", indicator, d, after=snapshot(indicator))
    _content_changed(actor, d)
    return indicator


@transaction.atomic
def update_indicator(actor, indicator: Indicator, data: Mapping[str, Any]) -> Indicator:
    d, locked = _locked_child(Indicator, indicator, actor)
    before = snapshot(locked)
    merged = {f: data.get(f, getattr(locked, f)) for f in INDICATOR_FIELDS}
    for field, value in _indicator_values(merged).items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    after = snapshot(locked)
    if _changed(before, after):
        _record_child(actor, "update", locked, d, before=before, after=after)
        _content_changed(actor, d)
    return locked


@transaction.atomic
def remove_indicator(actor, indicator: Indicator) -> None:
    d, locked = _locked_child(Indicator, indicator, actor)
    before = snapshot(locked)
    locked.delete()
    record_event(
        actor,
        "indicator.delete",
        object_type=Indicator._meta.label_lower,
        object_id=str(before["id"]),
        object_repr=str(indicator)[:255],
        region_code=d.region_code,
        before=before,
    )
    _content_changed(actor, d)


def _content_changed(actor, d: Disclosure) -> None:
    """An indicator changed: a signed commitment no longer covers the standard as it now reads."""
    if d.committed_at is None:
        return
    before = snapshot(d)
    _clear_commitment(d)
    d.save()
    record_event(actor, "disclosure.commitment_cleared", d, before=before, after=snapshot(d))


# --- the text and the commitment ----------------------------------------------------------------------------


def _require_own(d: Disclosure, field: str, message: str) -> None:
    if not d.is_own_standard:
        raise ValidationError({field: message})


def _display_name(name: str, kind: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    # The extension is the one the content proved, so a renamed file downloads as what it really is.
    return f"{stem[:200] or _('标准文本')}.{kind}"


@transaction.atomic
def attach_document(actor, disclosure: Disclosure, uploaded_file) -> Disclosure:
    """Store the standard's text (PDF or DOCX, checked by content, size-limited) with its SHA-256."""
    d = _locked(disclosure, actor)
    _require_draft(d)
    _require_own(d, "document", _("执行国家、行业、地方、团体标准的声明无需上传标准文本"))
    try:
        checked = documents.check_document(documents.read_upload(uploaded_file))
    except documents.DocumentRefused as exc:
        raise ValidationError({"document": str(exc)}) from None
    before = snapshot(d)
    old_name = d.document.name
    d.document.save(f"{checked.sha256[:24]}.{checked.kind}", ContentFile(checked.data), save=False)
    new_name = d.document.name
    try:
        d.document_name = _display_name(getattr(uploaded_file, "name", ""), checked.kind)
        d.document_type = checked.kind
        d.document_sha256 = checked.sha256
        if before["document_sha256"] != checked.sha256:
            _clear_commitment(d)
        d.full_clean()
        d.save()
        record_event(actor, "disclosure.attach_document", d, before=before, after=snapshot(d))
    except Exception:
        d.document.storage.delete(new_name)
        raise
    transaction.on_commit(lambda: _release_file(old_name))
    return d


@transaction.atomic
def remove_document(actor, disclosure: Disclosure) -> Disclosure:
    d = _locked(disclosure, actor)
    _require_draft(d)
    if not d.document:
        return d
    before = snapshot(d)
    old_name = d.document.name
    d.document = ""
    d.document_name = d.document_type = d.document_sha256 = ""
    _clear_commitment(d)
    d.save()
    record_event(actor, "disclosure.remove_document", d, before=before, after=snapshot(d))
    transaction.on_commit(lambda: _release_file(old_name))
    return d


@transaction.atomic
def sign_commitment(actor, disclosure: Disclosure, signatory: str, role: str) -> Disclosure:
    """The 承诺书 (the standard meets every mandatory standard), signed by the legal representative or an
    authorised person; a legal representative's name must match the enterprise's registration when it has one."""
    d = _locked(disclosure, actor)
    _require_draft(d)
    _require_own(d, "signatory", _("执行国家、行业、地方、团体标准的声明无需签署承诺书"))
    name = _text(signatory)
    errors: dict[str, str] = {}
    if not name:
        errors["signatory"] = _("请填写承诺人姓名")
    elif len(name) > Disclosure._meta.get_field("commitment_signatory").max_length:
        errors["signatory"] = _("承诺人姓名过长")
    if role not in CommitmentRole.values:
        errors["role"] = _("承诺人身份须为法定代表人或授权人")
    registered = _text(d.enterprise.legal_representative)
    if not errors and role == CommitmentRole.LEGAL_REPRESENTATIVE and registered and registered != name:
        errors["signatory"] = _("企业登记的法定代表人是“%(r)s”;由他人签署时请选择“授权人”") % {
            "r": registered
        }
    if errors:
        raise ValidationError(errors)
    before = snapshot(d)
    d.commitment_signatory = name
    d.commitment_signatory_role = role
    d.committed_at = timezone.now()
    d.save()
    record_event(actor, "disclosure.sign_commitment", d, before=before, after=snapshot(d))
    return d


# --- state changes ------------------------------------------------------------------------------------------


def missing_for_disclosure(d: Disclosure) -> list[str]:
    """Everything that keeps a draft from being disclosed, each item named; empty when it is complete."""
    missing: list[str] = []
    if not d.products.exists():
        missing.append(_("至少需要填写一个执行该标准的产品"))
    if d.is_own_standard:
        ok, reason = stdnum.enterprise_number_matches_region(
            d.standard_number, d.region_code, getattr(settings, "ENTERPRISE_STANDARD_PATTERNS", None) or {}
        )
        if not ok:
            missing.append(_("标准编号:%(r)s") % {"r": reason})
        indicators = list(d.indicators.all())
        if not d.document and not indicators:
            missing.append(_("须上传标准文本(PDF 或 DOCX),或填写技术指标表"))
        for indicator in indicators:
            if not indicator.test_method.strip():
                missing.append(_("指标“%(n)s”缺少检验方法") % {"n": indicator.name})
        if d.committed_at is None:
            missing.append(_("须由法定代表人或授权人签署承诺书"))
    elif d.catalogue_standard is None:
        missing.append(_("请从标准目录中选取要声明执行的标准"))
    else:
        problem = catalogue_problem(d.catalogue_standard)
        if problem:
            missing.append(problem)
    try:
        _check_duplicate(d)
    except ValidationError as exc:
        missing.extend(exc.messages)
    return missing


@transaction.atomic
def disclose(actor, disclosure: Disclosure) -> Disclosure:
    """Make a complete draft public (现行有效); the version it revises becomes 已修订."""
    d = _locked(disclosure, actor)
    _require_draft(d)
    _lock_enterprise(d.enterprise_id)
    missing = missing_for_disclosure(d)
    if missing:
        raise ValidationError(missing, code="incomplete")
    before = snapshot(d)
    d.state = DisclosureState.DISCLOSED
    d.disclosed_at = timezone.now()
    d.save()
    record_event(actor, "disclosure.disclose", d, before=before, after=snapshot(d))
    if d.previous_id:
        previous = Disclosure.objects.select_for_update().get(pk=d.previous_id)
        if previous.state == DisclosureState.DISCLOSED:
            before_previous = snapshot(previous)
            previous.state = DisclosureState.REVISED
            previous.save()
            record_event(
                actor, "disclosure.supersede", previous, before=before_previous, after=snapshot(previous)
            )
            _sync_search(previous)
            sync_indicator_values(previous)
    _sync_search(d)
    sync_indicator_values(d)
    _recheck_forerunner_lists(actor, d)
    return d


@transaction.atomic
def revise(actor, disclosure: Disclosure) -> Disclosure:
    """Start the next version of a disclosed standard: a draft copying its products and indicators. The
    commitment is not copied — the new version must be signed again."""
    d = _locked(disclosure, actor)
    if d.state != DisclosureState.DISCLOSED:
        raise ValidationError(
            _("只有现行有效的声明可以修订;“%(d)s”当前状态为%(state)s")
            % {"d": d.standard_number, "state": d.get_state_display()},
            code="not_disclosed",
        )
    following = Disclosure.objects.filter(previous=d).first()
    if following is not None:
        raise ValidationError(
            _("该声明已有修订版本(版本 %(v)d,%(state)s)")
            % {"v": following.version, "state": following.get_state_display()},
            code="already_revised",
        )
    draft = Disclosure(
        enterprise=d.enterprise,
        region_code=d.enterprise.region_code,
        kind=d.kind,
        catalogue_standard=d.catalogue_standard,
        standard_number=d.standard_number,
        normalized_number=d.normalized_number,
        title=d.title,
        version=d.version + 1,
        previous=d,
        document=d.document.name,
        document_name=d.document_name,
        document_type=d.document_type,
        document_sha256=d.document_sha256,
        explicit_statement=d.explicit_statement,
        created_by=_actor_or_none(actor),
        is_demo=d.is_demo,
    )
    _require(actor, Action.ADD, draft)
    draft.full_clean()
    draft.save()
    Product.objects.bulk_create(
        Product(disclosure=draft, **{f: getattr(p, f) for f in (*PRODUCT_FIELDS, "position")})
        for p in d.products.all()
    )
    Indicator.objects.bulk_create(
        Indicator(disclosure=draft, **{f: getattr(i, f) for f in (*INDICATOR_FIELDS, "parsed", "position")})
        for i in d.indicators.all()
    )
    record_event(actor, "disclosure.revise", draft, after=snapshot(draft))
    _sync_search(draft)
    return draft


@transaction.atomic
def abolish(actor, disclosure: Disclosure) -> Disclosure:
    """The enterprise no longer executes the standard (废止); the record stays public as abolished."""
    d = _locked(disclosure, actor)
    if d.state != DisclosureState.DISCLOSED:
        raise ValidationError(
            _("只有现行有效的声明可以废止;“%(d)s”当前状态为%(state)s")
            % {"d": d.standard_number, "state": d.get_state_display()},
            code="not_disclosed",
        )
    before = snapshot(d)
    d.state = DisclosureState.ABOLISHED
    d.abolished_at = timezone.now()
    d.save()
    record_event(actor, "disclosure.abolish", d, before=before, after=snapshot(d))
    _sync_search(d)
    sync_indicator_values(d)
    _recheck_forerunner_lists(actor, d)
    return d


def _recheck_forerunner_lists(actor, disclosure: Disclosure) -> None:
    """A revised or abolished standard may no longer earn its place on a forerunner list (dynamic removal)."""
    from nqihub.forerunner.services import recheck_listed  # the forerunner app builds on this one

    recheck_listed(actor, disclosure)

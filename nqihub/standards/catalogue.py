"""The catalogue of external standards: rows from the official catalogue's export, upserted by normalised number.

The column set is that of the national catalogue export (标准号, 中文标准名称, 英文标准名称, 标准类别/性质, 状态,
发布日期, 实施日期, 代替标准, 被代替标准, CCS, ICS, 归口单位 …); the shipped real sample uses the same fields
under English names (std_no, title_zh, …). Nothing invented is ever stored as real: rows carry their source.
"""

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nqihub.core.audit import record_event, snapshot
from nqihub.core.records import create_record, update_record
from nqihub.engines import stdnum
from nqihub.engines.text import collapse_spaces, fold_identifier, fold_text

from .models import AdoptionDegree, CatalogueStandard, CatalogueStatus, StandardNature

NATURE_WORDS = {
    "强标": StandardNature.MANDATORY,
    "强制": StandardNature.MANDATORY,
    "强制性": StandardNature.MANDATORY,
    "推标": StandardNature.RECOMMENDED,
    "推荐": StandardNature.RECOMMENDED,
    "推荐性": StandardNature.RECOMMENDED,
    "指导": StandardNature.GUIDANCE,
    "指导性": StandardNature.GUIDANCE,
    "指导性技术文件": StandardNature.GUIDANCE,
}
STATUS_WORDS = {
    "现行": CatalogueStatus.CURRENT,
    "现行有效": CatalogueStatus.CURRENT,
    "有效": CatalogueStatus.CURRENT,
    "即将实施": CatalogueStatus.UPCOMING,
    "废止": CatalogueStatus.ABOLISHED,
    "作废": CatalogueStatus.ABOLISHED,
    "被代替": CatalogueStatus.REPLACED,
    "已被代替": CatalogueStatus.REPLACED,
}
# Header of the official export (and common variants) → field; the shipped sample's English names too.
COLUMNS = {
    "number": ["标准号", "标准编号", "std_no"],
    "title_zh": ["中文标准名称", "标准名称", "中文名称", "title_zh"],
    "title_en": ["英文标准名称", "英文名称", "title_en"],
    "nature": ["标准性质", "标准类别", "类别", "category"],
    "status": ["状态", "标准状态", "status"],
    "issued_on": ["发布日期", "issue_date"],
    "implemented_on": ["实施日期", "implement_date"],
    "abolished_on": ["废止日期", "abolish_date"],
    "replaces_text": ["代替标准", "replaces"],
    "replaced_by_text": ["被代替标准", "replaced_by"],
    "ccs_code": ["CCS", "中国标准分类号", "ccs"],
    "ics_code": ["ICS", "国际标准分类号", "ics"],
    "competent_dept": ["主管部门", "competent_dept"],
    "responsible_tc": ["归口单位", "归口部门", "tc_or_admin"],
    "adoption": ["采标情况", "采用国际标准", "adopted_intl"],
}
_ADOPTION = re.compile(
    r"(?P<number>[A-Z][A-Za-z/ ]*\d[\w.:\-/ ]*?)\s*[,，(（]?\s*(?P<degree>IDT|MOD|NEQ)\b", re.I
)


def _date(value: Any, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = (
        fold_text(str(value))
        .replace("/", "-")
        .replace(".", "-")
        .replace("年", "-")
        .replace("月", "-")
        .rstrip("日")
    )
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError({field: _("日期“%(v)s”无法识别,应为 YYYY-MM-DD") % {"v": value}}) from None


def number_fields(number: str) -> dict[str, Any]:
    """What the standard number itself determines: normalised form, base number, family, nature, adoption."""
    parsed = stdnum.parse(number or "")
    if not number:
        raise ValidationError({"number": _("缺少标准号")})
    if not parsed.ok:
        raise ValidationError({"number": parsed.error})
    std = parsed.standard
    if std.family == "enterprise":
        raise ValidationError({"number": _("企业标准不属于标准目录,由企业自我声明公开")})
    fields = {
        "normalized_number": std.normalized,
        "base_number": f"{std.code} {std.number}",
        "family": std.family,
    }
    if std.adopted:
        fields["adopted_number"] = std.adopted.normalized
        fields["adoption_degree"] = AdoptionDegree.IDT
    return fields


def row_to_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """Map one export row (any recognised header) to CatalogueStandard fields; raises ValidationError by field."""
    by_header = {fold_text(str(k)).lower(): v for k, v in row.items() if k is not None}
    raw: dict[str, Any] = {}
    for field, headers in COLUMNS.items():
        for header in headers:
            value = by_header.get(header.lower())
            if value not in (None, ""):
                # Titles keep the catalogue's own punctuation; only identifiers and codes are folded later.
                raw[field] = value if isinstance(value, datetime.date) else collapse_spaces(str(value))
                break
    errors: dict[str, Any] = {}
    number = raw.get("number", "")
    try:
        derived = number_fields(number)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        derived = {}
    if not raw.get("title_zh"):
        errors["title_zh"] = _("缺少中文标准名称")
    status = STATUS_WORDS.get(fold_text(raw.get("status", "")), None)
    if status is None:
        errors["status"] = _("状态“%(v)s”无法识别(现行 / 即将实施 / 废止 / 被代替)") % {
            "v": raw.get("status", "")
        }
    if errors:
        raise ValidationError(errors)
    std = stdnum.parse(number).standard
    nature = NATURE_WORDS.get(fold_text(raw.get("nature", "")), "") or (
        std.nature if std.nature in StandardNature.values else ""
    )
    fields = {
        "number": number,
        **derived,
        "nature": nature,
        "title_zh": raw["title_zh"],
        "title_en": raw.get("title_en", ""),
        "status": status,
        "replaces_text": raw.get("replaces_text", ""),
        "replaced_by_text": raw.get("replaced_by_text", ""),
        "ccs_code": fold_identifier(raw.get("ccs_code", "")),
        "ics_code": fold_identifier(raw.get("ics_code", "")),
        "competent_dept": raw.get("competent_dept", ""),
        "responsible_tc": raw.get("responsible_tc", ""),
        "adopted_number": derived.get("adopted_number", ""),
        "adoption_degree": derived.get("adoption_degree", ""),
    }
    for field in ("issued_on", "implemented_on", "abolished_on"):
        fields[field] = _date(raw.get(field), field)
    adoption = raw.get("adoption", "")
    match = _ADOPTION.search(adoption) if adoption not in ("", "Y", "y", "是") else None
    if match:
        fields["adopted_number"] = stdnum.normalize(match["number"]) or match["number"].strip()
        fields["adoption_degree"] = match["degree"].upper()
    return fields


@transaction.atomic
def upsert_catalogue_standard(
    actor, fields: Mapping[str, Any], *, source: str
) -> tuple[CatalogueStandard, str]:
    """Create or update the row with this normalised number; returns (row, "created" | "updated" | "unchanged")."""
    existing = (
        CatalogueStandard.objects.select_for_update()
        .filter(normalized_number=fields["normalized_number"])
        .first()
    )
    if existing is None:
        row = CatalogueStandard(**fields, source=source)
        row.full_clean()
        row.save()
        record_event(actor, "cataloguestandard.create", row, after=snapshot(row))
        return row, "created"
    before = snapshot(existing)
    for key, value in fields.items():
        setattr(existing, key, value)
    existing.source = source or existing.source
    existing.full_clean()
    after = snapshot(existing)
    ignore = {"updated_at"}
    if {k: v for k, v in before.items() if k not in ignore} == {
        k: v for k, v in after.items() if k not in ignore
    }:
        return existing, "unchanged"
    existing.save()
    record_event(actor, "cataloguestandard.update", existing, before=before, after=snapshot(existing))
    return existing, "updated"


def link_editions() -> int:
    """Point every withdrawn edition at its successor: the replaced-by text when the catalogue names it, otherwise
    the newest current edition of the same standard (same code and number). Returns how many links changed."""
    changed = 0
    withdrawn = CatalogueStandard.objects.filter(
        status__in=[CatalogueStatus.ABOLISHED, CatalogueStatus.REPLACED]
    )
    for row in withdrawn:
        successor = None
        if row.replaced_by_text:
            named = stdnum.normalize(row.replaced_by_text.split(",")[0].split("，")[0])
            successor = CatalogueStandard.objects.filter(normalized_number=named).first() if named else None
        if successor is None:
            successor = (
                CatalogueStandard.objects.filter(base_number=row.base_number, status=CatalogueStatus.CURRENT)
                .exclude(pk=row.pk)
                .order_by("-issued_on", "-normalized_number")
                .first()
            )
        if successor is not None and row.replaced_by_id != successor.pk:
            CatalogueStandard.objects.filter(pk=row.pk).update(replaced_by=successor)
            changed += 1
    return changed


def replacement_of(standard: CatalogueStandard) -> CatalogueStandard | None:
    """The current standard that replaces a withdrawn one, following chains (2000 → 2009 → 2020)."""
    seen = set()
    current = standard
    while current.replaced_by_id and current.pk not in seen:
        seen.add(current.pk)
        current = current.replaced_by
    return current if current.pk != standard.pk and current.is_current else None


def create_catalogue_standard(actor, data: Mapping[str, Any]) -> CatalogueStandard:
    """Add one standard to the catalogue (platform administrator; audited)."""
    row = create_record(actor, CatalogueStandard, {**data, **number_fields(data.get("number", ""))})
    link_editions()
    return row


def update_catalogue_standard(
    actor, standard: CatalogueStandard, data: Mapping[str, Any], version: str | None = None
) -> CatalogueStandard:
    """Change one catalogue row (e.g. its status when the official catalogue withdraws it; audited)."""
    number = data.get("number", standard.number)
    row = update_record(actor, standard, {**data, **number_fields(number)}, expected_version=version)
    link_editions()
    return row

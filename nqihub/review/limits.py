"""Limit tables (限量指标表): the requirements a standard sets per indicator and product category or class.

Writes:
    load_limit_table()          replace a whole table from a shipped file (the load-reference datasets)
    create_limit_requirement()  one row from the staged importer (kind "limits"), audited
    update_limit_requirement()  one row changed through the importer, audited
Reads:
    requirements_for()          the requirement rows of a named indicator, through the alignment engine

A row is identified by (normalised standard number, indicator key, category, condition), the indicator key
being the same for every spelling of one indicator (铅(以Pb计), Pb). Every row keeps its requirement text as
written and, in ``parsed``, the requirement engine's reading (``Requirement.to_dict()``) or null when the engine
cannot read it; the reporting basis in the indicator's name (``铅(以Pb计)``) becomes the unit's note, so
comparisons see it.
"""

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from nqihub.core.audit import record_event, snapshot
from nqihub.core.records import create_record, update_record
from nqihub.core.scoping import Action, can
from nqihub.engines import stdnum
from nqihub.engines.alignment import default_synonyms, match_names, parse_indicator_name
from nqihub.engines.requirements import Requirement, parse_requirement
from nqihub.engines.text import collapse_spaces, fold_text
from nqihub.engines.units import UnitError, parse_unit
from nqihub.standards.models import CatalogueStandard

from .models import LimitRequirement, LimitTable

__all__ = [
    "LimitRow",
    "TableLoad",
    "check_requirement",
    "create_limit_requirement",
    "indicator_key",
    "indicator_names",
    "limit_table_number",
    "load_limit_table",
    "normalize_category",
    "parse_limit",
    "requirements_for",
    "tables_named",
    "update_limit_requirement",
]

_ROMAN = dict(zip(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"], "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ", strict=True))
_CLASS_RE = re.compile(r"(?:第)?(?P<numeral>[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|[IVX]+)(?:类)?")


def indicator_key(name: str) -> str:
    """The indicator part of a row's natural key: one key for every spelling of one indicator (铅(以Pb计), Pb,
    ＰＢ), so a table holds an indicator once per category and condition."""
    return default_synonyms().key(name)


def normalize_category(text: str | None) -> str:
    """A category as stored and matched: a water-quality class in any spelling (``Ⅲ``, ``III类``, ``ⅲ类``)
    becomes ``Ⅲ类``; any other category is folded text. Arabic and Chinese numerals are left alone
    (``1类`` may be a product class of another standard)."""
    folded = collapse_spaces(fold_text(text or ""))
    compact = folded.replace(" ", "")
    match = _CLASS_RE.fullmatch(compact.upper())  # upper() also maps ⅲ to Ⅲ
    if match:
        numeral = _ROMAN.get(match.group("numeral"), match.group("numeral"))
        if numeral in _ROMAN.values():
            return f"{numeral}类"
    return folded


def limit_table_number(number: str) -> str:
    """The normalised number of a limit table's standard; raises ValidationError naming the field."""
    parsed = stdnum.parse(fold_text(number or ""))
    if not number or not parsed.ok or parsed.standard is None:
        raise ValidationError(
            {"standard_number": parsed.error if number else _("缺少标准号")}, code="invalid_number"
        )
    if parsed.standard.family == "enterprise":
        raise ValidationError({"standard_number": _("企业标准不作为限量指标表")}, code="enterprise")
    if parsed.standard.year is None:
        raise ValidationError(
            {"standard_number": _("限量指标表的标准号需带年代号(如 GB 3838-2002)")}, code="no_year"
        )
    return parsed.standard.normalized


def parse_limit(requirement: str, unit: str = "", indicator: str = "") -> Requirement:
    """Read a requirement with its unit column; the basis in the indicator's name becomes the unit's note."""
    parsed = parse_requirement(requirement or "", unit=unit or None)
    basis = parse_indicator_name(indicator).basis if indicator else None
    if parsed.ok and basis and parsed.unit is not None and parsed.unit.note is None:
        parsed = dataclasses.replace(parsed, unit=dataclasses.replace(parsed.unit, note=basis))
    return parsed


def _parsed_dict(requirement: str, unit: str, indicator: str) -> dict[str, Any] | None:
    parsed = parse_limit(requirement, unit, indicator)
    return parsed.to_dict() if parsed.ok else None


def check_requirement(requirement: str, unit: str = "", indicator: str = "") -> dict[str, Any]:
    """The parsed form of a typed or imported requirement; raises ValidationError on the field at fault."""
    if unit:
        try:
            parse_unit(unit)
        except UnitError as exc:
            raise ValidationError({"unit": _("单位无法识别:%(reason)s") % {"reason": exc.reason}}) from None
    parsed = parse_limit(requirement, unit, indicator)
    if not parsed.ok:
        raise ValidationError({"requirement": parsed.error or _("无法识别的要求")})
    return parsed.to_dict()


# --- the shipped tables ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LimitRow:
    """One requirement as a file gives it."""

    indicator: str
    requirement: str
    category: str = ""
    condition: str = ""
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class TableLoad:
    table: LimitTable
    created: int
    updated: int
    unchanged: int
    removed: int

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


_ROW_FIELDS = ("indicator", "indicator_key", "category", "condition", "requirement", "unit", "note", "parsed")


def _row_key(indicator_key: str, category: str, condition: str) -> tuple[str, str, str]:
    return indicator_key, category, condition


def _row_fields(row: LimitRow) -> dict[str, Any]:
    indicator = collapse_spaces(row.indicator)
    return {
        "indicator": indicator,
        "indicator_key": indicator_key(indicator),
        "category": normalize_category(row.category),
        "condition": collapse_spaces(row.condition),
        "requirement": collapse_spaces(row.requirement),
        "unit": collapse_spaces(row.unit),
        "note": collapse_spaces(row.note),
        "parsed": _parsed_dict(row.requirement, row.unit, indicator),
    }


def _link_catalogue(table: LimitTable) -> None:
    found = CatalogueStandard.objects.filter(normalized_number=table.normalized_number).first()
    if found is not None and table.catalogue_standard_id != found.pk:
        table.catalogue_standard = found


@transaction.atomic
def load_limit_table(
    actor,
    *,
    standard_number: str,
    title: str,
    source: str,
    rows: Sequence[LimitRow],
    is_demo: bool = False,
) -> TableLoad:
    """Make the stored table equal to `rows` (upsert by indicator, category and condition; rows no longer in the
    file are removed). Audited as one ``limittable.load`` event when anything changed."""
    if actor is not None and not (
        can(actor, Action.ADD, LimitTable) and can(actor, Action.CHANGE, LimitTable)
    ):
        raise PermissionDenied(_("只有平台管理员可以维护限量指标表"))
    normalized = limit_table_number(standard_number)
    table = LimitTable.objects.select_for_update().filter(normalized_number=normalized).first()
    table_before = snapshot(table) if table is not None else None
    if table is None:
        table = LimitTable(normalized_number=normalized)
    table.standard_number, table.title, table.source, table.is_demo = standard_number, title, source, is_demo
    _link_catalogue(table)
    table.full_clean()
    table.save()

    existing = {_row_key(r.indicator_key, r.category, r.condition): r for r in table.requirements.all()}
    seen: set[tuple[str, str, str]] = set()
    new: list[LimitRequirement] = []
    changed: list[LimitRequirement] = []
    unchanged = 0
    for position, row in enumerate(rows, start=1):
        fields = {**_row_fields(row), "position": position}
        key = _row_key(fields["indicator_key"], fields["category"], fields["condition"])
        if key in seen:
            raise ValidationError(
                _("%(table)s 中“%(indicator)s”(%(category)s)出现两次")
                % {
                    "table": standard_number,
                    "indicator": row.indicator,
                    "category": fields["category"] or "—",
                }
            )
        seen.add(key)
        stored = existing.get(key)
        if stored is None:
            new.append(LimitRequirement(table=table, **fields))
        elif any(getattr(stored, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(stored, name, value)
            changed.append(stored)
        else:
            unchanged += 1
    stale = [r.pk for key, r in existing.items() if key not in seen]
    LimitRequirement.objects.filter(pk__in=stale).delete()
    LimitRequirement.objects.bulk_create(new, batch_size=500)
    LimitRequirement.objects.bulk_update(changed, [*_ROW_FIELDS, "position"], batch_size=500)
    result = TableLoad(table, len(new), len(changed), unchanged, len(stale))
    table_after = snapshot(table)
    ignore = {"updated_at", "created_at"}
    table_changed = table_before is None or {k: v for k, v in table_before.items() if k not in ignore} != {
        k: v for k, v in table_after.items() if k not in ignore
    }
    if table_changed or new or changed or stale:
        record_event(
            actor,
            "limittable.load",
            table,
            before=table_before,
            after={
                **table_after,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "removed": result.removed,
            },
        )
    return result


# --- one row through the importer -----------------------------------------------------------------------------


def _table_for(actor, data: dict[str, Any]) -> LimitTable:
    """The table a row names by its standard number, created (with the row's title) when new."""
    normalized = limit_table_number(data.get("standard_number", ""))
    title = collapse_spaces(data.get("standard_title") or "")
    table = LimitTable.objects.filter(normalized_number=normalized).first()
    if table is None:
        listed = CatalogueStandard.objects.filter(normalized_number=normalized).first()
        title = title or (listed.title_zh if listed is not None else "")
        if not title:
            raise ValidationError(
                {
                    "standard_title": _("新的限量指标表需要填写标准名称(标准目录中也没有 %(n)s)")
                    % {"n": normalized}
                }
            )
        username = actor.get_username() if getattr(actor, "is_authenticated", False) else ""
        return create_record(
            actor,
            LimitTable,
            {
                "standard_number": data["standard_number"],
                "normalized_number": normalized,
                "title": title,
                "source": _("导入(%(user)s)") % {"user": username} if username else _("导入"),
                "catalogue_standard": listed,
            },
        )
    if title and title != table.title:
        table = update_record(actor, table, {"title": title})
    return table


def _requirement_data(data: dict[str, Any]) -> dict[str, Any]:
    indicator = collapse_spaces(data.get("indicator") or "")
    requirement = collapse_spaces(data.get("requirement") or "")
    unit = collapse_spaces(data.get("unit") or "")
    return {
        "indicator": indicator,
        "indicator_key": indicator_key(indicator) if indicator else "",
        "category": normalize_category(data.get("category")),
        "condition": collapse_spaces(data.get("condition") or ""),
        "requirement": requirement,
        "unit": unit,
        "note": collapse_spaces(data.get("note") or ""),
        "parsed": check_requirement(requirement, unit, indicator),
    }


@transaction.atomic
def create_limit_requirement(actor, data: dict[str, Any]) -> LimitRequirement:
    """Add one requirement (and its table when the standard is new); platform administrator, audited."""
    fields = _requirement_data(data)
    table = _table_for(actor, data)
    last = table.requirements.aggregate(last=Max("position"))["last"] or 0
    return create_record(actor, LimitRequirement, {"table": table, **fields, "position": last + 1})


@transaction.atomic
def update_limit_requirement(
    actor, requirement: LimitRequirement, data: dict[str, Any], version: str | None = None
) -> LimitRequirement:
    """Change one requirement (its table follows the standard number); platform administrator, audited."""
    fields = _requirement_data(data)
    table = _table_for(actor, data)
    if table.pk != requirement.table_id:
        last = table.requirements.aggregate(last=Max("position"))["last"] or 0
        fields.update(table=table, position=last + 1)
    return update_record(actor, requirement, fields, expected_version=version)


# --- reads ------------------------------------------------------------------------------------------------------


def tables_named(number: str | LimitTable) -> models.QuerySet:
    """The limit tables a standard number names: one edition, or every edition when the year is left out."""
    if isinstance(number, LimitTable):
        return LimitTable.objects.filter(pk=number.pk)
    parsed = stdnum.parse(fold_text(str(number)))
    if not parsed.ok or parsed.standard is None:
        return LimitTable.objects.none()
    normalized = parsed.standard.normalized
    if parsed.standard.year is None:
        return LimitTable.objects.filter(normalized_number__startswith=f"{normalized}-")
    return LimitTable.objects.filter(normalized_number=normalized)


def requirements_for(
    indicator_name: str, table: str | LimitTable | None = None, category: str | None = None
) -> list[LimitRequirement]:
    """The requirement rows of a named indicator, in a table (a LimitTable or a standard number) and a category.

    Names match when they are the same after normalisation, synonyms, or a confirmed pair (``铅(以Pb计)``
    finds 铅, ``六价铬`` finds 铬(六价)); fuzzy candidates are not used here until a person confirms them.
    Rows without a category apply to every category and are included.
    """
    from .alignment import confirmed_pairs

    rows = LimitRequirement.objects.select_related("table")
    if table is not None:
        rows = rows.filter(table__in=tables_named(table))
    if category is not None:
        rows = rows.filter(Q(category=normalize_category(category)) | Q(category=""))
    names = sorted(set(rows.values_list("indicator", flat=True)))
    if not names or not collapse_spaces(indicator_name or ""):
        return []
    confirmed = confirmed_pairs([indicator_name], names)
    matching = set()
    for name in names:
        found = match_names(indicator_name, name, confirmed=confirmed)
        if found is not None and found.reason != "fuzzy":
            matching.add(name)
    return list(rows.filter(indicator__in=matching).order_by("table__normalized_number", "position", "id"))


def indicator_names(tables: Iterable[LimitTable]) -> list[str]:
    """The distinct indicator names of some tables, in table order."""
    seen: dict[str, None] = {}
    for name in (
        LimitRequirement.objects.filter(table__in=list(tables))
        .order_by("table__normalized_number", "position", "id")
        .values_list("indicator", flat=True)
    ):
        seen.setdefault(name, None)
    return list(seen)

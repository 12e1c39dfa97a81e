"""Every write of the 对标达标 campaign (docs/campaign.md), each one transaction with its scope check and audit event.

    pilot batches   create_pilot_batch (with its cities), add_pilot_cities, remove_pilot_city
    trainings       create_training, update_training (the enterprises trained, named by USCC or exact name)
    rankings        take_snapshot (computed from this platform's data over a batch's cities, re-taken on the same
                    day in place), store_snapshot (rows given: the demo), import_ranking_row (one row of the
                    national platform's published table, through the staged importer)

A city is named by its current GB/T 2260 code or by its name (宜春市, 宜春); a retired code names its successor in
the error. Bad input raises ValidationError naming the field before anything is written.
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqihub.core.audit import record_event, snapshot
from nqihub.core.models import Region, RegionLevel
from nqihub.core.records import create_record, delete_record, fold_input, update_record
from nqihub.core.regions import check_region_code
from nqihub.core.scoping import Action, can, restrict
from nqihub.engines.text import collapse_spaces, fold_identifier, fold_text
from nqihub.registry.models import Enterprise

from . import campaign
from .models import PilotBatch, PilotCity, RankingRow, RankingSnapshot, RankingSource, Training

MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})  # 直辖市: a province-level pilot city
# one item a line, or separated by commas, semicolons or 、 (full-width ones too)
_SEPARATORS = re.compile(r"[\s,;、\uff0c\uff1b]+")
BATCH_FIELDS = ("number", "title", "announced_on", "source")
TRAINING_FIELDS = ("title", "region_code", "held_on", "organiser", "participants", "note")
ROW_FIGURES = ("value", *campaign.METRICS)


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _require(actor, action: Action, model, obj=None) -> None:
    if not can(actor, action, model, obj):
        raise PermissionDenied(_("无权对该记录执行此操作(超出角色或管辖范围)"))


def split_items(text: str | Iterable[str]) -> list[str]:
    """The items of a typed list: one per line, or separated by commas, semicolons, 、 or spaces."""
    if not isinstance(text, str):
        return [collapse_spaces(fold_text(str(t))) for t in text if str(t).strip()]
    return [fold_text(item) for item in _SEPARATORS.split(text) if item.strip()]


# --- cities --------------------------------------------------------------------------------------------------------


def resolve_city(text: str) -> tuple[str, str]:
    """(code, name) of a pilot city typed as a code or a name; ValidationError with the reason (a retired code
    names its successor; a name several divisions share lists their codes)."""
    text = collapse_spaces(fold_text(str(text or "")))
    if not text:
        raise ValidationError(_("请填写城市的行政区划代码或名称"))
    if text.isdigit():
        check = check_region_code(text)
        if not check.ok:
            raise ValidationError(check.message)
        region = Region.objects.filter(code=text, is_active=True).first()
    else:
        levels = [RegionLevel.PREFECTURE, RegionLevel.COUNTY, RegionLevel.PROVINCE]
        active = Region.objects.filter(is_active=True, level__in=levels)
        found = list(active.filter(name=text)) or list(active.filter(name=f"{text}市"))
        if not found:
            raise ValidationError(_("没有名为“%(n)s”的现行行政区划") % {"n": text})
        if len(found) > 1:
            codes = "、".join(f"{r.code} {r.path.replace('/', '')}" for r in found)
            raise ValidationError(
                _("“%(n)s”有多个同名行政区划(%(codes)s),请填写代码") % {"n": text, "codes": codes}
            )
        region = found[0]
    if region.level == RegionLevel.PROVINCE and region.code not in MUNICIPALITIES:
        raise ValidationError(
            _("%(code)s %(name)s 是省级行政区,不能作为试点城市(直辖市除外)")
            % {"code": region.code, "name": region.name}
        )
    return region.code, region.name


def _resolve_cities(texts: Iterable[str], field: str = "cities") -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    errors = []
    for text in texts:
        try:
            code, name = resolve_city(text)
        except ValidationError as exc:
            errors.append(f"{text}:{exc.messages[0]}")
            continue
        found.setdefault(code, name)
    if errors:
        raise ValidationError({field: errors})
    return list(found.items())


# --- pilot batches -------------------------------------------------------------------------------------------------


def _batch_data(data: Mapping[str, Any]) -> dict[str, Any]:
    fields = fold_input({k: v for k, v in data.items() if k in BATCH_FIELDS})
    if fields.get("number") is not None and str(fields["number"]).isdigit() and int(fields["number"]) < 1:
        raise ValidationError({"number": _("批次应为不小于 1 的整数")})
    return fields


@transaction.atomic
def create_pilot_batch(actor, data: Mapping[str, Any]) -> PilotBatch:
    """A batch with its cities (``data["cities"]``: codes or names, typed as a list or one text)."""
    fields = _batch_data(data)
    is_demo = bool(data.get("is_demo"))
    cities = _resolve_cities(split_items(data.get("cities") or ""))
    if fields.get("number") and PilotBatch.objects.filter(number=fields["number"], is_demo=is_demo).exists():
        raise ValidationError({"number": _("第%(n)s批试点城市已登记") % {"n": fields["number"]}})
    batch = create_record(actor, PilotBatch, {**fields, "is_demo": is_demo, "created_by": _actor(actor)})
    if cities:
        _add_cities(actor, batch, cities)
    return batch


def _add_cities(actor, batch: PilotBatch, cities: list[tuple[str, str]]) -> list[PilotCity]:
    _require(actor, Action.ADD, PilotCity)
    rows = PilotCity.objects.bulk_create(PilotCity(batch=batch, region_code=c, name=n) for c, n in cities)
    record_event(actor, "pilotbatch.add_cities", batch, after={"cities": [c for c, _n in cities]})
    return rows


@transaction.atomic
def add_pilot_cities(actor, batch: PilotBatch, cities: str | Iterable[str]) -> list[PilotCity]:
    locked = PilotBatch.objects.select_for_update().get(pk=batch.pk)
    _require(actor, Action.CHANGE, PilotBatch, locked)
    items = split_items(cities)
    if not items:
        raise ValidationError({"cities": _("请填写要加入的城市(行政区划代码或名称)")})
    resolved = _resolve_cities(items)
    present = set(locked.cities.values_list("region_code", flat=True))
    twice = [f"{c} {n}" for c, n in resolved if c in present]
    if twice:
        raise ValidationError({"cities": _("已在本批次中:%(c)s") % {"c": "、".join(twice)}})
    return _add_cities(actor, locked, resolved)


@transaction.atomic
def remove_pilot_city(actor, city: PilotCity) -> None:
    delete_record(actor, city)


# --- trainings -----------------------------------------------------------------------------------------------------


def resolve_enterprises(actor, items: str | Iterable[str]) -> list[Enterprise]:
    """The enterprises named (统一社会信用代码 or exact name) among those ``actor`` may see; ValidationError on
    ``enterprises`` listing every one not found."""
    visible = restrict(Enterprise.objects.all(), actor, Action.VIEW)
    found: dict[int, Enterprise] = {}
    missing = []
    for item in (
        split_items(items) if isinstance(items, str) else [str(i).strip() for i in items if str(i).strip()]
    ):
        code = fold_identifier(item)
        match = None
        if len(code) == 18 and code.isalnum():
            match = visible.filter(uscc=code).first()
        if match is None:
            match = visible.filter(name=collapse_spaces(item)).first()
        if match is None:
            missing.append(item)
        else:
            found.setdefault(match.pk, match)
    if missing:
        raise ValidationError(
            {"enterprises": _("未找到这些企业(或不在您的管辖范围内):%(e)s") % {"e": "、".join(missing)}}
        )
    return list(found.values())


def split_enterprise_list(text: str) -> list[str]:
    """A typed list of enterprises: one a line (commas, semicolons and 、 separate too; names keep their spaces)."""
    return [collapse_spaces(fold_text(i)) for i in re.split(r"[\r\n,;、\uff0c\uff1b]+", text) if i.strip()]


def _enterprise_items(data: Mapping[str, Any]) -> list[str] | None:
    value = data.get("enterprises")
    if value is None:
        return None
    return split_enterprise_list(value) if isinstance(value, str) else [str(v) for v in value]


def _training_data(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in TRAINING_FIELDS}


def _check_day(day, field: str = "held_on") -> None:
    if isinstance(day, datetime.date) and day > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天")})


def _enterprise_ids(training: Training) -> list[int]:
    return sorted(training.enterprises.values_list("pk", flat=True))


@transaction.atomic
def create_training(actor, data: Mapping[str, Any]) -> Training:
    """A training held in the actor's jurisdiction, with the enterprises trained (``data["enterprises"]``)."""
    fields = fold_input(_training_data(data))
    items = _enterprise_items(data) or []
    training = Training(**fields, is_demo=bool(data.get("is_demo")), created_by=_actor(actor))
    _require(actor, Action.ADD, Training, training)
    training.full_clean()
    _check_day(training.held_on)
    enterprises = resolve_enterprises(actor, items)
    training.save()
    training.enterprises.set(enterprises)
    record_event(
        actor,
        "training.create",
        training,
        after={**snapshot(training), "enterprises": _enterprise_ids(training)},
    )
    return training


@transaction.atomic
def update_training(
    actor, training: Training, data: Mapping[str, Any], version: str | None = None
) -> Training:
    items = _enterprise_items(data)
    enterprises = resolve_enterprises(actor, items) if items is not None else None
    held_on = data.get("held_on")
    _check_day(held_on)
    before = _enterprise_ids(training)
    updated = update_record(actor, training, _training_data(data), expected_version=version)
    if enterprises is not None and sorted(e.pk for e in enterprises) != before:
        updated.enterprises.set(enterprises)
        record_event(
            actor,
            "training.set_enterprises",
            updated,
            before={"enterprises": before},
            after={"enterprises": _enterprise_ids(updated)},
        )
    return updated


# --- ranking snapshots ---------------------------------------------------------------------------------------------


def _row_summary(rows: Iterable[RankingRow]) -> list[list]:
    return [[r.region_code, r.rank, str(r.value) if r.value is not None else None] for r in rows]


def _validate_rows(rows: list[dict[str, Any]]) -> None:
    codes = {r["region_code"] for r in rows}
    active = set(Region.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True))
    unknown = sorted(codes - active)
    if unknown:
        raise ValidationError({"rows": _("不是现行行政区划代码:%(c)s") % {"c": "、".join(unknown)}})
    if len(codes) != len(rows):
        raise ValidationError({"rows": _("同一城市在排名中出现了多次")})
    if any(int(r["rank"]) < 1 for r in rows):
        raise ValidationError({"rows": _("排名应为不小于 1 的整数")})


@transaction.atomic
def store_snapshot(
    actor,
    *,
    as_of: datetime.date,
    key: str,
    source: str,
    rows: list[dict[str, Any]],
    batch: PilotBatch | None = None,
    title: str = "",
    note: str = "",
    is_demo: bool = False,
) -> RankingSnapshot:
    """A ranking with its rows (dicts of RankingRow fields); an existing snapshot of the same series and day has
    its rows replaced (a daily task re-run the same day leaves one snapshot, with the latest figures)."""
    _require(actor, Action.ADD, RankingSnapshot)
    _validate_rows(rows)
    existing = (
        RankingSnapshot.objects.select_for_update()
        .filter(source=source, key=key, batch=batch, is_demo=is_demo, as_of=as_of)
        .first()
    )
    if existing is not None:
        _require(actor, Action.CHANGE, RankingSnapshot, existing)
        before = {**snapshot(existing), "rows": _row_summary(existing.rows.all())}
        existing.rows.all().delete()
        existing.title, existing.note = title or existing.title, note or existing.note
        existing.full_clean()
        existing.save()
        made, action = existing, "rankingsnapshot.retake"
    else:
        made = RankingSnapshot(
            as_of=as_of,
            key=key,
            source=source,
            batch=batch,
            title=title,
            note=note,
            is_demo=is_demo,
            created_by=_actor(actor),
        )
        made.full_clean()
        made.save()
        before, action = None, "rankingsnapshot.create"
    RankingRow.objects.bulk_create(RankingRow(snapshot=made, **row) for row in rows)
    record_event(
        actor, action, made, before=before, after={**snapshot(made), "rows": _row_summary(made.rows.all())}
    )
    return made


@transaction.atomic
def take_snapshot(
    actor, batch: PilotBatch, key: str | None = None, as_of: datetime.date | None = None
) -> RankingSnapshot:
    """Rank the cities of a pilot batch by a key over this platform's data on a day (default today)."""
    _require(actor, Action.ADD, RankingSnapshot)
    as_of = as_of or timezone.localdate()
    _check_day(as_of, "as_of")
    try:
        ranking_key = campaign.ranking_key(key)
    except ValueError as exc:
        raise ValidationError({"key": str(exc)}) from None
    codes = list(batch.cities.values_list("region_code", flat=True))
    if not codes:
        raise ValidationError({"batch": _("%(b)s还没有试点城市") % {"b": batch}})
    figures = campaign.rank_figures(list(campaign.figures_of_cities(codes, as_of).values()), ranking_key)
    rows = [
        {
            "region_code": f.region_code,
            "region_name": f.region_name,
            "rank": f.rank,
            "value": Decimal(str(f.value)),
            **f.counts(),
        }
        for f in figures
    ]
    label = campaign.key_label(ranking_key.slug)
    return store_snapshot(
        actor,
        as_of=as_of,
        key=ranking_key.slug,
        source=RankingSource.COMPUTED,
        batch=batch,
        rows=rows,
        title=f"{batch} · {label}",
        note=_("按本平台截至%(d)s的数据计算;本平台之外的数据不在其中。") % {"d": as_of.isoformat()},
        is_demo=batch.is_demo,
    )


@transaction.atomic
def delete_snapshot(actor, made: RankingSnapshot) -> None:
    """Remove a snapshot and its rows (an import under a wrong day, say); the audit event keeps the rows."""
    locked = RankingSnapshot.objects.select_for_update().get(pk=made.pk)
    _require(actor, Action.DELETE, RankingSnapshot, locked)
    before = {**snapshot(locked), "rows": _row_summary(locked.rows.all())}
    pk, label = locked.pk, str(locked)
    locked.delete()
    record_event(
        actor,
        "rankingsnapshot.delete",
        object_type=RankingSnapshot._meta.label_lower,
        object_id=str(pk),
        object_repr=label[:255],
        before=before,
    )


def imported_snapshot(actor, as_of: datetime.date) -> RankingSnapshot:
    """The snapshot an imported national table's rows of one day belong to (created on the first row)."""
    found = RankingSnapshot.objects.filter(
        source=RankingSource.IMPORTED, key=campaign.NATIONAL_KEY, batch=None, is_demo=False, as_of=as_of
    ).first()
    if found is not None:
        return found
    return create_record(
        actor,
        RankingSnapshot,
        {
            "as_of": as_of,
            "key": campaign.NATIONAL_KEY,
            "source": RankingSource.IMPORTED,
            "title": _("国家平台发布的试点城市排名"),
            "note": _("由国家平台发布的排名表导入"),
            "created_by": _actor(actor),
        },
    )


@transaction.atomic
def import_ranking_row(actor, data: Mapping[str, Any]) -> RankingRow:
    """One row of the national table: its day's snapshot (created on the first row), then the city's row,
    created or updated (importing the same table again changes nothing)."""
    as_of = data.get("as_of")
    if not isinstance(as_of, datetime.date):
        raise ValidationError({"as_of": _("请填写排名日期")})
    parent = imported_snapshot(actor, as_of)
    fields = {
        "region_code": data.get("region_code"),
        "region_name": data.get("region_name") or "",
        "rank": data.get("rank"),
        **{f: data.get(f) for f in ROW_FIGURES},
    }
    existing = parent.rows.filter(region_code=fields["region_code"]).first()
    if existing is not None:
        return update_record(actor, existing, fields)
    return create_record(actor, RankingRow, {"snapshot": parent, **fields})


def reimport_ranking_row(actor, row: RankingRow, data: Mapping[str, Any]) -> RankingRow:
    return import_ranking_row(actor, data)

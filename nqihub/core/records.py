"""Audited writes of one row: the building blocks every app's services.py uses.

Each helper runs in one transaction: it checks the actor's scope (before and after the change, so a row cannot
be moved out of the actor's jurisdiction), validates the whole row, saves, and appends the audit event.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from nqihub.engines.text import collapse_spaces, fold_identifier, fold_text

from .audit import record_event, snapshot
from .scoping import Action, can

# Identifiers are folded to half-width upper case without spaces; contact fields are folded text; names, titles
# and addresses keep what was typed (official names use full-width punctuation such as （）), trimmed only.
IDENTIFIER_FIELDS = frozenset(
    {"uscc", "region_code", "industry_code", "cma_number", "cnas_number", "gtin", "category_code"}
)
FOLDED_TEXT_FIELDS = frozenset({"contact_phone", "phone", "contact_email", "email", "standard_number"})


class EditConflict(ValidationError):
    """Someone else saved the row after the form was opened (optimistic locking on updated_at)."""


def fold_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """Fold typed identifiers (full-width, dashes, spaces, case) and trim every other string."""
    folded: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str):
            if key in IDENTIFIER_FIELDS:
                value = fold_identifier(value)
            elif key in FOLDED_TEXT_FIELDS:
                value = fold_text(value)
            else:
                value = collapse_spaces(value.replace("\u3000", " "))
        folded[key] = value
    return folded


def _empty_to_null(model: type[models.Model], data: dict[str, Any]) -> dict[str, Any]:
    # An optional unique identifier left blank must be stored as NULL, or two blanks would collide.
    for key, value in data.items():
        if value == "":
            try:
                field = model._meta.get_field(key)
            except FieldDoesNotExist:
                continue
            if field.null:
                data[key] = None
    return data


def _event_name(model: type[models.Model], verb: str) -> str:
    return f"{model._meta.model_name}.{verb}"


def _require(actor, action: Action, model: type[models.Model], obj: models.Model) -> None:
    if not can(actor, action, model, obj):
        raise PermissionDenied(_("无权对该记录执行此操作(超出角色或管辖范围)"))


@transaction.atomic
def create_record[M: models.Model](actor, model: type[M], data: Mapping[str, Any], *, event: str = "") -> M:
    obj = model(**_empty_to_null(model, fold_input(data)))
    _require(actor, Action.ADD, model, obj)
    obj.full_clean()
    obj.save()
    record_event(actor, event or _event_name(model, "create"), obj, after=snapshot(obj))
    return obj


@transaction.atomic
def update_record[M: models.Model](
    actor,
    obj: M,
    data: Mapping[str, Any],
    *,
    event: str = "",
    expected_version: str | None = None,
    allowed_fields: Iterable[str] | None = None,
) -> M:
    """Apply `data` to `obj`. `expected_version` is the updated_at the editor saw; a newer one means a conflict."""
    model = type(obj)
    locked = model.objects.select_for_update().get(pk=obj.pk)
    _require(actor, Action.CHANGE, model, locked)
    if (
        expected_version
        and hasattr(locked, "updated_at")
        and locked.updated_at.isoformat() != expected_version
    ):
        raise EditConflict(_("该记录已被他人修改,请刷新后重新编辑"), code="edit_conflict")
    before = snapshot(locked)
    data = _empty_to_null(model, fold_input(data))
    if allowed_fields is not None:
        refused = set(data) - set(allowed_fields)
        if refused:
            raise PermissionDenied(_("无权修改字段:%(f)s") % {"f": "、".join(sorted(refused))})
    for key, value in data.items():
        setattr(locked, key, value)
    _require(actor, Action.CHANGE, model, locked)
    locked.full_clean()
    locked.save()
    after = snapshot(locked)
    if {k: v for k, v in before.items() if k != "updated_at"} != {
        k: v for k, v in after.items() if k != "updated_at"
    }:
        record_event(actor, event or _event_name(model, "update"), locked, before=before, after=after)
    return locked


class StillReferenced(ValidationError):
    """The row is still used elsewhere (an account, a disclosure …) and is kept."""


@transaction.atomic
def delete_record(actor, obj: models.Model, *, event: str = "") -> None:
    model = type(obj)
    _require(actor, Action.DELETE, model, obj)
    before = snapshot(obj)
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as exc:
        users = "、".join(sorted({str(o) for o in exc.protected_objects})[:5])
        raise StillReferenced(
            _("%(obj)s 仍被其他记录引用(%(refs)s),不能删除") % {"obj": obj, "refs": users}, code="protected"
        ) from None
    record_event(
        actor,
        event or _event_name(model, "delete"),
        object_type=model._meta.label_lower,
        object_id=str(before.get("id", "")),
        object_repr=str(obj)[:255],
        region_code=before.get("region_code", "") or "",
        before=before,
    )

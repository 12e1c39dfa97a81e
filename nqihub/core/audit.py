"""Audit events: every service function that writes calls `record_event` inside its transaction."""

import datetime
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from .context import current
from .models import AuditEvent


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # an empty one has no url, so test the type, not attributes
        return value.name or None
    return value


def snapshot(obj: models.Model, exclude: tuple[str, ...] = ("password",)) -> dict[str, Any]:
    """The concrete field values of a row, JSON-ready, for the before/after of an event."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _json_value(getattr(obj, field.attname))
    return data


def record_event(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
) -> AuditEvent:
    """Append one event; the request id and client address come from the current request or command context."""
    ctx = current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
        region_code = region_code or getattr(obj, "region_code", "") or ""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        actor_role=getattr(actor, "role", "") if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        region_code=region_code,
        before=before,
        after=after,
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
    )


def changed_fields(before: dict, after: dict) -> dict[str, tuple[Any, Any]]:
    return {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}

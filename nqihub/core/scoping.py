"""Role and jurisdiction scoping — the one place that decides who may see or change which rows.

Every scoped model registers a `ScopeRule` saying, per action and role, whether the role reaches all rows,
the rows in its jurisdiction (region-code prefix), or its own organisation's rows. Views and API endpoints
load rows only through `restrict()` and check writes with `can()`; a view or endpoint that declares no scope
is refused (fail closed), and the permission-matrix test fails for any URL missing from its table.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter

from django.db import models
from django.db.models import Q
from rest_framework.permissions import BasePermission

from .regions import jurisdiction_prefix

PUBLIC = "public"  # the anonymous visitor (公众) — not a stored role


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"


class Reach(StrEnum):
    ALL = "all"  # every row (platform admin; public data for the public)
    JURISDICTION = "jurisdiction"  # rows whose region code starts with the user's jurisdiction prefix
    OWN = "own"  # rows of the user's own enterprise / institution / expert profile


@dataclass(frozen=True)
class ScopeRule:
    grants: Mapping[Action, Mapping[str, Reach]]
    region_field: str = "region_code"
    # role → (lookup path on the row, attribute of the user) that must be equal for Reach.OWN;
    # a path may cross relations ("disclosure__enterprise_id")
    own: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # role → an extra condition on the rows that role may VIEW (e.g. the public and regulators never see
    # an enterprise's drafts); PUBLIC is a role key here too
    view_filters: Mapping[str, Q] = field(default_factory=dict)


_RULES: dict[type[models.Model], ScopeRule] = {}


def register(model: type[models.Model], rule: ScopeRule) -> None:
    _RULES[model] = rule


def rule_for(model: type[models.Model]) -> ScopeRule:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(
            f"{model._meta.label} has no scope rule: register one in its app's scopes.py"
        ) from None


def role_of(user) -> str:
    if user is None or not user.is_authenticated:
        return PUBLIC
    return user.role


def reach(user, model: type[models.Model], action: Action) -> Reach | None:
    """How far `user` reaches for `action` on `model`, or None if not at all."""
    role = role_of(user)
    if role != PUBLIC and not user.is_active:
        return None
    found = rule_for(model).grants.get(action, {}).get(role)
    if found is Reach.JURISDICTION and not getattr(user, "region_code", ""):
        return None  # a regulator account not bound to a region sees nothing rather than everything
    return found


def _own_value(user, rule: ScopeRule):
    row_attr, user_attr = rule.own[role_of(user)]
    return row_attr, getattr(user, user_attr, None)


def restrict(queryset: models.QuerySet, user, action: Action = Action.VIEW) -> models.QuerySet:
    """The rows of `queryset` that `user` may act on; empty when the role has no grant."""
    model = queryset.model
    rule = rule_for(model)
    how = reach(user, model, action)
    if how is None:
        return queryset.none()
    extra = rule.view_filters.get(role_of(user)) if action is Action.VIEW else None
    if extra is not None:
        queryset = queryset.filter(extra)
    if how is Reach.ALL:
        return queryset
    if how is Reach.JURISDICTION:
        return queryset.filter(**{f"{rule.region_field}__startswith": jurisdiction_prefix(user.region_code)})
    row_attr, value = _own_value(user, rule)
    if value is None:
        return queryset.none()
    return queryset.filter(**{row_attr: value})


def can(user, action: Action, model: type[models.Model], obj: models.Model | None = None) -> bool:
    """Whether `user` may do `action` on `model` at all (obj None) or on this row (saved or about to be)."""
    how = reach(user, model, action)
    if how is None:
        return False
    if obj is None:
        return True
    rule = rule_for(model)
    extra = rule.view_filters.get(role_of(user)) if action is Action.VIEW else None
    if extra is not None and obj.pk is not None and not model.objects.filter(extra, pk=obj.pk).exists():
        return False
    if how is Reach.ALL:
        return True
    if how is Reach.JURISDICTION:
        code = _path_value(obj, rule.region_field) or ""
        return code.startswith(jurisdiction_prefix(user.region_code))
    row_attr, value = _own_value(user, rule)
    return value is not None and _path_value(obj, row_attr) == value


def _path_value(obj: models.Model, path: str):
    """The value of a lookup path on an instance: "region_code", "disclosure__enterprise_id"."""
    return attrgetter(path.replace("__", "."))(obj)


def scoped_models() -> list[type[models.Model]]:
    return list(_RULES)


# --- API

_METHOD_ACTIONS = {
    "GET": Action.VIEW,
    "HEAD": Action.VIEW,
    "OPTIONS": Action.VIEW,
    "POST": Action.ADD,
    "PUT": Action.CHANGE,
    "PATCH": Action.CHANGE,
    "DELETE": Action.DELETE,
}


def action_for_method(method: str) -> Action:
    return _METHOD_ACTIONS.get(method.upper(), Action.CHANGE)


class ScopedPermission(BasePermission):
    """DRF's default permission: an endpoint must declare `scope_model` (checked against its rule) or
    `public_endpoint = True`; anything else is refused, so a new endpoint cannot leak by omission."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "public_endpoint", False):
            return True
        model = getattr(view, "scope_model", None)
        if model is None:
            return False
        return reach(request.user, model, action_for_method(request.method)) is not None

    def has_object_permission(self, request, view, obj) -> bool:
        if getattr(view, "public_endpoint", False):
            return True
        return can(request.user, action_for_method(request.method), type(obj), obj)

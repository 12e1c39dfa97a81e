"""Scope of the core app's own rows: the audit log is for the auditor alone (separation of duties)."""

from .models import AuditEvent, Role
from .scoping import Action, Reach, ScopeRule, register

register(AuditEvent, ScopeRule(grants={Action.VIEW: {Role.AUDITOR: Reach.ALL}}))

# Reference data is public: anyone may read regions and classifications; nobody edits them through the web
# (they are replaced by `nqihub load-reference`).
from .models import CCSCategory, ICSCode, Industry, Region  # noqa: E402
from .scoping import PUBLIC  # noqa: E402

_EVERYONE = {role: Reach.ALL for role in [PUBLIC, *Role.values]}
for _model in (Region, Industry, CCSCategory, ICSCode):
    register(_model, ScopeRule(grants={Action.VIEW: _EVERYONE}, region_field="code"))

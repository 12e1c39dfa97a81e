"""Who may see and change which organisations (see nqihub.core.scoping)."""

from nqihub.core.models import Role
from nqihub.core.scoping import Action, Reach, ScopeRule, register

from .models import Enterprise, Expert, Institution, RegulatorUnit

A, J, O = Reach.ALL, Reach.JURISDICTION, Reach.OWN

register(
    Enterprise,
    ScopeRule(
        grants={
            Action.VIEW: {Role.ADMIN: A, Role.REGULATOR: J, Role.ENTERPRISE: O},
            Action.ADD: {Role.ADMIN: A, Role.REGULATOR: J},
            Action.CHANGE: {Role.ADMIN: A, Role.REGULATOR: J, Role.ENTERPRISE: O},
            Action.DELETE: {Role.ADMIN: A},
        },
        own={Role.ENTERPRISE: ("pk", "enterprise_id")},
    ),
)
register(
    Institution,
    ScopeRule(
        grants={
            Action.VIEW: {Role.ADMIN: A, Role.REGULATOR: J, Role.INSTITUTION: O},
            Action.ADD: {Role.ADMIN: A, Role.REGULATOR: J},
            Action.CHANGE: {Role.ADMIN: A, Role.REGULATOR: J, Role.INSTITUTION: O},
            Action.DELETE: {Role.ADMIN: A},
        },
        own={Role.INSTITUTION: ("pk", "institution_id")},
    ),
)
register(
    Expert,
    ScopeRule(
        grants={
            Action.VIEW: {Role.ADMIN: A, Role.REGULATOR: J, Role.EXPERT: O},
            Action.ADD: {Role.ADMIN: A, Role.REGULATOR: J},
            Action.CHANGE: {Role.ADMIN: A, Role.REGULATOR: J, Role.EXPERT: O},
            Action.DELETE: {Role.ADMIN: A},
        },
        own={Role.EXPERT: ("pk", "expert_id")},
    ),
)
register(
    RegulatorUnit,
    ScopeRule(
        grants={
            Action.VIEW: {Role.ADMIN: A, Role.REGULATOR: J},
            Action.ADD: {Role.ADMIN: A},
            Action.CHANGE: {Role.ADMIN: A},
            Action.DELETE: {Role.ADMIN: A},
        },
    ),
)

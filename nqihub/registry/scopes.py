"""Who may see and change which organisations (see nqihub.core.scoping)."""

from nqihub.core.models import Role
from nqihub.core.scoping import Action, Reach, ScopeRule, register

from .models import Enterprise, Expert, Institution, RegulatorUnit

ALL, JUR, OWN = Reach.ALL, Reach.JURISDICTION, Reach.OWN

register(
    Enterprise,
    ScopeRule(
        grants={
            Action.VIEW: {Role.ADMIN: ALL, Role.REGULATOR: JUR, Role.ENTERPRISE: OWN},
            Action.ADD: {Role.ADMIN: ALL, Role.REGULATOR: JUR},
            Action.CHANGE: {Role.ADMIN: ALL, Role.REGULATOR: JUR, Role.ENTERPRISE: OWN},
            Action.DELETE: {Role.ADMIN: ALL},
        },
        own={Role.ENTERPRISE: ("pk", "enterprise_id")},
    ),
)
register(
    Institution,
    ScopeRule(
        grants={
            Action.VIEW: {Role.ADMIN: ALL, Role.REGULATOR: JUR, Role.INSTITUTION: OWN},
            Action.ADD: {Role.ADMIN: ALL, Role.REGULATOR: JUR},
            Action.CHANGE: {Role.ADMIN: ALL, Role.REGULATOR: JUR, Role.INSTITUTION: OWN},
            Action.DELETE: {Role.ADMIN: ALL},
        },
        own={Role.INSTITUTION: ("pk", "institution_id")},
    ),
)
register(
    Expert,
    ScopeRule(
        grants={
            Action.VIEW: {Role.ADMIN: ALL, Role.REGULATOR: JUR, Role.EXPERT: OWN},
            Action.ADD: {Role.ADMIN: ALL, Role.REGULATOR: JUR},
            Action.CHANGE: {Role.ADMIN: ALL, Role.REGULATOR: JUR, Role.EXPERT: OWN},
            Action.DELETE: {Role.ADMIN: ALL},
        },
        own={Role.EXPERT: ("pk", "expert_id")},
    ),
)
register(
    RegulatorUnit,
    ScopeRule(
        grants={
            Action.VIEW: {Role.ADMIN: ALL, Role.REGULATOR: JUR},
            Action.ADD: {Role.ADMIN: ALL},
            Action.CHANGE: {Role.ADMIN: ALL},
            Action.DELETE: {Role.ADMIN: ALL},
        },
    ),
)

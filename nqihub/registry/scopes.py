"""Who may see and change which organisations (see nqihub.core.scoping)."""

from nqihub.core.models import Role
from nqihub.core.scoping import Action, Reach, ScopeRule, register

from .models import Enterprise, Expert, Institution, RegulatorUnit


def organisation_rule(own_role: str, user_link: str) -> ScopeRule:
    """Admin: everything; a regulator: its jurisdiction; the organisation's own staff: their own row (view and
    change); only the admin deletes."""
    everyone_else = {Role.ADMIN: Reach.ALL, Role.REGULATOR: Reach.JURISDICTION}
    return ScopeRule(
        grants={
            Action.VIEW: {**everyone_else, own_role: Reach.OWN},
            Action.ADD: everyone_else,
            Action.CHANGE: {**everyone_else, own_role: Reach.OWN},
            Action.DELETE: {Role.ADMIN: Reach.ALL},
        },
        own={own_role: ("pk", user_link)},
    )


register(Enterprise, organisation_rule(Role.ENTERPRISE, "enterprise_id"))
register(Institution, organisation_rule(Role.INSTITUTION, "institution_id"))
register(Expert, organisation_rule(Role.EXPERT, "expert_id"))
register(
    RegulatorUnit,
    ScopeRule(
        grants={
            Action.VIEW: {Role.ADMIN: Reach.ALL, Role.REGULATOR: Reach.JURISDICTION},
            Action.ADD: {Role.ADMIN: Reach.ALL},
            Action.CHANGE: {Role.ADMIN: Reach.ALL},
            Action.DELETE: {Role.ADMIN: Reach.ALL},
        }
    ),
)

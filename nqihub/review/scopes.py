"""Who may see review results and limit tables (see nqihub.core.scoping).

Limit tables are reference data everyone reads. A review of a disclosure is seen by the enterprise that owns it
(its self-checks included) and by the regulators of its region (never an enterprise's self-checks, which are
its own working results like its drafts); batches by the regulators who run them.
"""

from django.db.models import Q

from nqihub.core.models import Role
from nqihub.core.scoping import PUBLIC, Action, Reach, ScopeRule, register

from .models import ConfirmedAlignment, LimitRequirement, LimitTable, Review, ReviewBatch

ALL, JUR, OWN = Reach.ALL, Reach.JURISDICTION, Reach.OWN
EVERYONE = {role: ALL for role in [PUBLIC, *Role.values]}

for _model in (LimitTable, LimitRequirement):
    register(
        _model,
        ScopeRule(
            grants={
                Action.VIEW: EVERYONE,
                Action.ADD: {Role.ADMIN: ALL},
                Action.CHANGE: {Role.ADMIN: ALL},
                Action.DELETE: {Role.ADMIN: ALL},
            }
        ),
    )
register(
    ConfirmedAlignment,
    ScopeRule(
        grants={
            Action.VIEW: {Role.ADMIN: ALL, Role.REGULATOR: ALL, Role.EXPERT: ALL, Role.ENTERPRISE: ALL},
            Action.ADD: {Role.ADMIN: ALL, Role.REGULATOR: ALL, Role.EXPERT: ALL, Role.ENTERPRISE: ALL},
        }
    ),
)
register(
    Review,
    ScopeRule(
        grants={
            Action.VIEW: {Role.ADMIN: ALL, Role.REGULATOR: JUR, Role.ENTERPRISE: OWN},
            Action.ADD: {Role.REGULATOR: JUR, Role.ENTERPRISE: OWN},
        },
        own={Role.ENTERPRISE: ("disclosure__enterprise_id", "enterprise_id")},
        # An enterprise's self-checks are its working results, like its drafts: only the enterprise sees them.
        view_filters={Role.REGULATOR: Q(self_check=False), Role.ADMIN: Q(self_check=False)},
    ),
)
register(
    ReviewBatch,
    ScopeRule(
        grants={Action.VIEW: {Role.ADMIN: ALL, Role.REGULATOR: JUR}, Action.ADD: {Role.REGULATOR: JUR}}
    ),
)

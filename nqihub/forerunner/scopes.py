"""Who may see and change forerunner rows (see nqihub.core.scoping).

Key areas, published schemes, rankings, notices and lists are public: the point of the 领跑者 system is to publish
them. A scheme in draft is seen only by its evaluator (staff of the institution that files it) and the platform
administrator. A shortlisted standard is public from its notice on; before that only its enterprise, the
evaluator and the administrator see it. Commitment letters and evidence are seen by the enterprise that uploads
them, the evaluator and the administrator; objections (they carry the objector's contact) by the evaluator and
the administrator. Anyone, the public included, may file an objection. The administrator maintains key areas;
evaluators write their own schemes and everything that follows from them; enterprises upload their commitments.
"""

from django.db.models import Q

from nqihub.core.models import Role
from nqihub.core.scoping import PUBLIC, Action, Reach, ScopeRule, register

from .models import (
    PUBLIC_STATES,
    EntryDocument,
    EvaluationScheme,
    ForerunnerList,
    KeyArea,
    Notice,
    Objection,
    RankingEntry,
    RankingRun,
    SchemeIndicator,
    SchemeState,
    ShortlistEntry,
)

ALL, OWN = Reach.ALL, Reach.OWN
EVERYONE = {role: ALL for role in [PUBLIC, *Role.values]}
# Roles that read only what is public; the evaluator and the administrator read more.
READERS = [PUBLIC, Role.ENTERPRISE, Role.EXPERT, Role.REGULATOR, Role.AUDITOR]
EVALUATOR = {Role.INSTITUTION: OWN}


def _evaluator(path: str) -> dict:
    return {Role.INSTITUTION: (path, "institution_id")}


register(
    KeyArea,
    ScopeRule(
        grants={Action.VIEW: EVERYONE, Action.ADD: {Role.ADMIN: ALL}, Action.CHANGE: {Role.ADMIN: ALL}}
    ),
)

_SCHEME_VIEW = {**{role: ALL for role in READERS}, Role.INSTITUTION: OWN, Role.ADMIN: ALL}
register(
    EvaluationScheme,
    ScopeRule(
        grants={Action.VIEW: _SCHEME_VIEW, Action.ADD: EVALUATOR, Action.CHANGE: EVALUATOR},
        own=_evaluator("evaluator_id"),
        view_filters={role: Q(state=SchemeState.PUBLISHED) for role in READERS},
    ),
)
register(
    SchemeIndicator,
    ScopeRule(
        grants={
            Action.VIEW: _SCHEME_VIEW,
            Action.ADD: EVALUATOR,
            Action.CHANGE: EVALUATOR,
            Action.DELETE: EVALUATOR,
        },
        region_field="scheme__region_code",
        own=_evaluator("scheme__evaluator_id"),
        view_filters={role: Q(scheme__state=SchemeState.PUBLISHED) for role in READERS},
    ),
)
# Rankings, notices and lists exist only for published schemes, so they are public from the start.
for _model in (RankingRun, Notice, ForerunnerList):
    register(
        _model,
        ScopeRule(
            grants={Action.VIEW: EVERYONE, Action.ADD: EVALUATOR, Action.CHANGE: EVALUATOR},
            region_field="scheme__region_code",
            own=_evaluator("scheme__evaluator_id"),
        ),
    )
register(RankingEntry, ScopeRule(grants={Action.VIEW: EVERYONE}, region_field="run__scheme__region_code"))

_ENTRY_OWNERS = {Role.ENTERPRISE: OWN, Role.INSTITUTION: OWN}
register(
    ShortlistEntry,
    ScopeRule(
        grants={
            Action.VIEW: {
                **{role: ALL for role in READERS if role != Role.ENTERPRISE},
                **_ENTRY_OWNERS,
                Role.ADMIN: ALL,
            },
            Action.CHANGE: _ENTRY_OWNERS,
        },
        own={
            Role.ENTERPRISE: ("enterprise_id", "enterprise_id"),
            Role.INSTITUTION: ("scheme__evaluator_id", "institution_id"),
        },
        view_filters={role: Q(state__in=PUBLIC_STATES) for role in READERS if role != Role.ENTERPRISE},
    ),
)
register(
    EntryDocument,
    ScopeRule(
        grants={
            Action.VIEW: {**_ENTRY_OWNERS, Role.ADMIN: ALL},
            Action.ADD: {Role.ENTERPRISE: OWN},
            Action.DELETE: {Role.ENTERPRISE: OWN},
        },
        region_field="entry__region_code",
        own={
            Role.ENTERPRISE: ("entry__enterprise_id", "enterprise_id"),
            Role.INSTITUTION: ("entry__scheme__evaluator_id", "institution_id"),
        },
    ),
)
register(
    Objection,
    ScopeRule(
        grants={
            Action.VIEW: {Role.INSTITUTION: OWN, Role.ADMIN: ALL},
            Action.ADD: EVERYONE,
            Action.CHANGE: EVALUATOR,
        },
        region_field="entry__region_code",
        own=_evaluator("entry__scheme__evaluator_id"),
    ),
)

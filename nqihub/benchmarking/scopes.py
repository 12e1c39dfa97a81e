"""Who may see and change benchmarking rows (see nqihub.core.scoping).

The advanced-standard database is reference data everybody reads; experts, institution staff and the administrator
maintain it (services.require_author narrows institutions to standardisation institutions). A scheme under
consultation (征求意见) or published is read by everybody, a draft only by those who may edit it: its author, the
author's institution, the administrator. A result is its enterprise's working draft until published; published and
verified results are public, regulators reading those of their jurisdiction. Institution staff and regulators (of
the result's region) have CHANGE on results only to verify them (达标): services allow them nothing else.
"""

from django.db.models import Q

from nqihub.core.models import Role
from nqihub.core.scoping import PUBLIC, Action, Reach, ScopeRule, register

from .models import (
    AdvancedIndicator,
    AdvancedStandard,
    BenchmarkResult,
    BenchmarkScheme,
    ResultItem,
    ResultState,
    SchemeIndicator,
    SchemeStandard,
    SchemeState,
)

ALL, JUR, OWN = Reach.ALL, Reach.JURISDICTION, Reach.OWN
EVERYONE = {role: ALL for role in [PUBLIC, *Role.values]}
AUTHORS = {Role.ADMIN: ALL, Role.EXPERT: ALL, Role.INSTITUTION: ALL}

for _model in (AdvancedStandard, AdvancedIndicator):
    register(
        _model,
        ScopeRule(
            grants={
                Action.VIEW: EVERYONE,
                Action.ADD: AUTHORS,
                Action.CHANGE: AUTHORS,
                Action.DELETE: AUTHORS if _model is AdvancedIndicator else {Role.ADMIN: ALL},
            }
        ),
    )


def _scheme_rule(prefix: str = "") -> ScopeRule:
    not_draft = Q(**{f"{prefix}state__in": [SchemeState.CONSULTATION, SchemeState.PUBLISHED]})
    authoring = {Role.ADMIN: ALL, Role.EXPERT: OWN, Role.INSTITUTION: OWN}
    return ScopeRule(
        grants={
            Action.VIEW: EVERYONE,
            Action.ADD: authoring,
            Action.CHANGE: authoring,
            Action.DELETE: authoring,
        },
        own={
            Role.EXPERT: (f"{prefix}authored_by_id", "id"),
            Role.INSTITUTION: (f"{prefix}authored_by__institution_id", "institution_id"),
        },
        # Drafts are read through CHANGE (services.schemes_visible_to), by those who may edit them.
        view_filters={role: not_draft for role in [PUBLIC, *Role.values] if role != Role.ADMIN},
    )


register(BenchmarkScheme, _scheme_rule())
register(SchemeStandard, _scheme_rule("scheme__"))
register(SchemeIndicator, _scheme_rule("scheme__"))


def _result_rule(prefix: str = "") -> ScopeRule:
    public = Q(**{f"{prefix}state__in": [ResultState.PUBLISHED, ResultState.VERIFIED]})
    return ScopeRule(
        grants={
            Action.VIEW: {
                PUBLIC: ALL,
                Role.ENTERPRISE: OWN,
                Role.INSTITUTION: ALL,
                Role.EXPERT: ALL,
                Role.REGULATOR: JUR,
                Role.ADMIN: ALL,
                Role.AUDITOR: ALL,
            },
            Action.ADD: {Role.ENTERPRISE: OWN},
            Action.CHANGE: {Role.ENTERPRISE: OWN, Role.INSTITUTION: ALL, Role.REGULATOR: JUR},
            # the enterprise discards its own drafts (services.discard_result refuses published ones)
            Action.DELETE: {Role.ENTERPRISE: OWN},
        },
        region_field=f"{prefix}region_code",
        own={Role.ENTERPRISE: (f"{prefix}enterprise_id", "enterprise_id")},
        view_filters={role: public for role in [PUBLIC, *Role.values] if role != Role.ENTERPRISE},
    )


register(BenchmarkResult, _result_rule())
register(ResultItem, _result_rule("result__"))


# --- the campaign (对标达标 statistics and rankings, docs/campaign.md) ---------------------------------------------
# Pilot batches and rankings are comparative by nature (a city's rank means nothing without the others) and hold
# only published figures, so every regulator reads them whole, whatever its jurisdiction; regulators and the
# administrator record batches, take snapshots and import the national table; only the administrator deletes a
# batch or a ranking.
# Trainings are a bureau's own work: a regulator reads and records those held in its jurisdiction.
from .models import PilotBatch, PilotCity, RankingRow, RankingSnapshot, Training  # noqa: E402

CAMPAIGN_READERS = {Role.REGULATOR: ALL, Role.ADMIN: ALL}
for _model in (PilotBatch, PilotCity, RankingSnapshot, RankingRow):
    register(
        _model,
        ScopeRule(
            grants={
                Action.VIEW: CAMPAIGN_READERS,
                Action.ADD: CAMPAIGN_READERS,
                Action.CHANGE: CAMPAIGN_READERS,
                # a mistyped city is taken out of its batch by whoever records batches
                Action.DELETE: CAMPAIGN_READERS if _model is PilotCity else {Role.ADMIN: ALL},
            }
        ),
    )
_TRAINERS = {Role.REGULATOR: JUR, Role.ADMIN: ALL}
register(
    Training,
    ScopeRule(
        grants={action: _TRAINERS for action in (Action.VIEW, Action.ADD, Action.CHANGE, Action.DELETE)}
    ),
)

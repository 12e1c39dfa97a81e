"""Who may see and change the catalogue and disclosures (see nqihub.core.scoping).

The public reads every disclosure that has been made public (现行有效, 已修订, 废止) — the point of 自我声明公开 —
but never a draft; enterprise staff work on their own enterprise's disclosures, drafts included; regulators read
the public disclosures of their jurisdiction; the platform administrator maintains the catalogue.
"""

from django.db.models import Q

from nqihub.core.models import Role
from nqihub.core.scoping import PUBLIC, Action, Reach, ScopeRule, register

from .models import CatalogueStandard, Disclosure, DisclosureState, Indicator, Product

ALL, JUR, OWN = Reach.ALL, Reach.JURISDICTION, Reach.OWN
EVERYONE = {role: ALL for role in [PUBLIC, *Role.values]}
PUBLISHED = Q(state__in=[DisclosureState.DISCLOSED, DisclosureState.REVISED, DisclosureState.ABOLISHED])

register(
    CatalogueStandard,
    ScopeRule(
        grants={
            Action.VIEW: EVERYONE,
            Action.ADD: {Role.ADMIN: ALL},
            Action.CHANGE: {Role.ADMIN: ALL},
            Action.DELETE: {Role.ADMIN: ALL},
        }
    ),
)

_DISCLOSURE_GRANTS = {
    Action.VIEW: {
        PUBLIC: ALL,
        Role.ENTERPRISE: OWN,
        Role.REGULATOR: JUR,
        Role.ADMIN: ALL,
        Role.INSTITUTION: ALL,
        Role.EXPERT: ALL,
    },
    Action.ADD: {Role.ENTERPRISE: OWN},
    Action.CHANGE: {Role.ENTERPRISE: OWN},
}
_NOT_DRAFTS = {
    role: PUBLISHED for role in [PUBLIC, Role.REGULATOR, Role.ADMIN, Role.INSTITUTION, Role.EXPERT]
}

register(
    Disclosure,
    ScopeRule(
        grants=_DISCLOSURE_GRANTS,
        own={Role.ENTERPRISE: ("enterprise_id", "enterprise_id")},
        view_filters=_NOT_DRAFTS,
    ),
)
for _child in (Product, Indicator):
    register(
        _child,
        ScopeRule(
            grants=_DISCLOSURE_GRANTS,
            region_field="disclosure__region_code",
            own={Role.ENTERPRISE: ("disclosure__enterprise_id", "enterprise_id")},
            view_filters={role: Q(disclosure__state__in=PUBLISHED.children[0][1]) for role in _NOT_DRAFTS},
        ),
    )

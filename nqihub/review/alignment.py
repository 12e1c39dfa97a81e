"""Indicator alignment with memory: the engine's candidates, plus the pairs people have confirmed or rejected.

    align_indicators()   candidates for two lists of indicator names (nqihub.engines.alignment.align), using
                         every confirmation the user may see
    confirm_alignment()  a person's decision that two names are (or are not) one indicator; audited, reused by
                         every later alignment and by limits.requirements_for()

A decision is stored once per pair of normalised names, in sorted order, so (A, B) and (B, A) are one record and
spellings that normalise alike (铅(以Pb计) and 铅) share it. A later decision on the same pair replaces the
earlier one; the audit log keeps both.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from nqihub.core.audit import record_event, snapshot
from nqihub.core.scoping import Action, can, restrict
from nqihub.engines.alignment import Candidate, align, normalize_indicator_name, pair_key
from nqihub.engines.text import collapse_spaces

from .models import ConfirmedAlignment

__all__ = ["align_indicators", "confirm_alignment", "confirmed_pairs"]


def _visible(user) -> models.QuerySet:
    """Confirmations a user's alignments reuse; ``None`` is the system (checks, loaders): all of them."""
    rows = ConfirmedAlignment.objects.all()
    return rows if user is None else restrict(rows, user, Action.VIEW)


def confirmed_pairs(names_a: Iterable[str], names_b: Iterable[str], user=None) -> dict[tuple[str, str], bool]:
    """The stored decisions about pairs drawn from the two lists: {(key_a, key_b): same}."""
    keys = {normalize_indicator_name(n) for n in [*names_a, *names_b] if collapse_spaces(n or "")}
    if not keys:
        return {}
    rows = _visible(user).filter(key_a__in=keys, key_b__in=keys).values_list("key_a", "key_b", "same")
    return {(a, b): same for a, b, same in rows}


def align_indicators(names_a: list[str], names_b: list[str], user=None) -> list[Candidate]:
    """Candidate pairs with scores for a person to confirm, every name once (the unmatched ones are 缺项)."""
    return align(names_a, names_b, confirmed=confirmed_pairs(names_a, names_b, user))


@transaction.atomic
def confirm_alignment(actor, name_a: str, name_b: str, same: bool = True) -> ConfirmedAlignment:
    """Record that two indicator names are (``same=True``) or are not the same indicator; audited."""
    name_a, name_b = collapse_spaces(name_a or ""), collapse_spaces(name_b or "")
    missing = {f: _("缺少指标名称") for f, n in (("name_a", name_a), ("name_b", name_b)) if not n}
    if missing:
        raise ValidationError(missing)
    key_a, key_b = pair_key(name_a, name_b)
    if key_a == key_b:
        raise ValidationError(
            _("“%(a)s”与“%(b)s”规范化后是同一名称,已自动对应,无需确认") % {"a": name_a, "b": name_b}
        )
    if normalize_indicator_name(name_a) != key_a:
        name_a, name_b = name_b, name_a
    existing = ConfirmedAlignment.objects.select_for_update().filter(key_a=key_a, key_b=key_b).first()
    before = snapshot(existing) if existing is not None else None
    row = existing or ConfirmedAlignment(key_a=key_a, key_b=key_b)
    row.name_a, row.name_b, row.same = name_a, name_b, bool(same)
    row.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    # Confirming again is a new confirmation of the pair, so it needs the grant to add one.
    if not can(actor, Action.ADD, ConfirmedAlignment, row):
        raise PermissionDenied(_("您的角色无权确认指标对应关系"))
    row.full_clean()
    row.save()
    record_event(
        actor,
        "confirmedalignment.update" if existing is not None else "confirmedalignment.create",
        row,
        before=before,
        after=snapshot(row),
    )
    return row

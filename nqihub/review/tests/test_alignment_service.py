"""Indicator alignment with memory: people confirm or reject candidates, the decision is audited and reused by
later alignments and by limit-table lookups."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from nqihub.core.models import AuditEvent
from nqihub.engines.alignment import Candidate
from nqihub.review.alignment import align_indicators, confirm_alignment, confirmed_pairs
from nqihub.review.limits import indicator_names, requirements_for, tables_named
from nqihub.review.models import ConfirmedAlignment

ENTERPRISE = ["铅(以Pb计)", "2,4,6-三氯苯酚", "总砷", "细菌总数"]
BENCHMARK = ["Pb", "2,4,6-三氯酚", "砷", "菌落总数"]


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_candidates_come_from_the_engine(db):
    assert align_indicators(ENTERPRISE, BENCHMARK) == [
        Candidate("铅(以Pb计)", "Pb", 100.0, "synonym"),
        Candidate("2,4,6-三氯苯酚", "2,4,6-三氯酚", 94.1, "fuzzy"),
        Candidate("总砷", None, 0.0, "unmatched"),
        Candidate("细菌总数", "菌落总数", 100.0, "synonym"),
        Candidate(None, "砷", 0.0, "unmatched"),
    ]


def test_a_confirmed_pair_is_remembered_and_reused(world):
    expert = world.users["expert"]
    row = confirm_alignment(expert, "2,4,6-三氯苯酚", "2,4,6-三氯酚")
    assert (row.same, row.confirmed_by, row.key_a <= row.key_b) == (True, expert, True)
    event = AuditEvent.objects.get(action="confirmedalignment.create", object_id=str(row.pk))
    assert event.actor == expert and event.after["same"] is True
    # Reused by the next alignment, in either direction and under a spelling that normalises alike.
    found = align_indicators(["2,4,6-三氯苯酚 "], ["２,４,６-三氯酚"])
    assert found == [Candidate("2,4,6-三氯苯酚 ", "２,４,６-三氯酚", 100.0, "confirmed")]
    assert align_indicators(["2,4,6-三氯酚"], ["2,4,6-三氯苯酚"])[0].reason == "confirmed"
    # And by lookups in the limit tables, which never use a fuzzy candidate on their own.
    assert [(r.indicator, r.requirement) for r in requirements_for("2,4,6-三氯酚", "GB 3838-2002")] == [
        ("2,4,6-三氯苯酚", "≤0.2")
    ]


def test_a_rejected_pair_is_never_proposed_again(world):
    regulator = world.users["regulator"]
    confirm_alignment(regulator, "细菌总数", "菌落总数", same=False)
    result = align_indicators(["细菌总数"], ["菌落总数"])
    assert result == [
        Candidate("细菌总数", None, 0.0, "rejected", ("菌落总数",)),
        Candidate(None, "菌落总数", 0.0, "rejected", ("细菌总数",)),
    ]
    assert confirmed_pairs(["细菌总数"], ["菌落总数"]) == {("细菌总数", "菌落总数"): False}


def test_a_later_decision_replaces_the_earlier_one_and_both_are_audited(world):
    admin, regulator = world.users["admin"], world.users["regulator"]
    first = confirm_alignment(regulator, "砷", "总砷", same=False)
    second = confirm_alignment(admin, "总砷(以As计)", "砷", same=True)  # the other order, another spelling
    assert second.pk == first.pk and ConfirmedAlignment.objects.count() == 1
    assert (second.same, second.confirmed_by, second.name_a, second.name_b) == (
        True,
        admin,
        "总砷(以As计)",
        "砷",
    )
    update = AuditEvent.objects.get(action="confirmedalignment.update", object_id=str(first.pk))
    assert update.before["same"] is False and update.after["same"] is True
    # 砷 in an enterprise standard now finds the total-arsenic row too… and nothing in GB 3838 is 总砷.
    assert align_indicators(["总砷"], ["砷"])[0].reason == "confirmed"
    assert [r.indicator for r in requirements_for("总砷", "GB 3838-2002", "Ⅰ类")] == ["砷"]


def test_what_cannot_be_confirmed(world):
    expert = world.users["expert"]
    with pytest.raises(ValidationError, match="无需确认"):
        confirm_alignment(expert, "铅(以Pb计)", "铅")  # the same name once normalised
    with pytest.raises(ValidationError) as error:
        confirm_alignment(expert, "铅", "  ")
    assert set(error.value.message_dict) == {"name_b"}
    for role in ("public", "institution", "auditor"):
        with pytest.raises(PermissionDenied):
            confirm_alignment(world.users[role], "细菌总数", "菌落总数", same=False)
    assert ConfirmedAlignment.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="confirmedalignment.").exists()


def test_only_confirmations_a_user_may_see_are_used(world):
    confirm_alignment(world.users["expert"], "2,4,6-三氯苯酚", "2,4,6-三氯酚")
    # The institution role has no grant to view confirmations: it gets the engine's own candidate.
    seen_by = {
        role: align_indicators(["2,4,6-三氯苯酚"], ["2,4,6-三氯酚"], user=world.users[role])[0].reason
        for role in ("enterprise", "regulator", "institution")
    }
    assert seen_by == {"enterprise": "confirmed", "regulator": "confirmed", "institution": "fuzzy"}


def test_an_enterprise_list_against_a_shipped_table(reference_data):
    """The benchmarking use: an enterprise's indicators against GB/T 14848-2017; the leftovers are 缺项."""
    table_names = indicator_names(tables_named("GB/T 14848-2017"))
    assert len(table_names) == 93
    result = align_indicators(["Pb", "六价铬", "CODMn", "溶解氧"], table_names)
    pairs = {c.a: (c.b, c.reason) for c in result if c.matched}
    assert pairs == {
        "Pb": ("铅", "synonym"),
        "六价铬": ("铬(六价)", "synonym"),
        "CODMn": ("耗氧量(CODᴍₙ法,以O₂计)", "synonym"),
    }
    assert Candidate("溶解氧", None, 0.0, "unmatched") in result  # GB/T 14848 sets no dissolved oxygen
    assert sum(1 for c in result if c.a is None) == 93 - 3

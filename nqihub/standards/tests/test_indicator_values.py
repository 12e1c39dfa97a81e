"""The indicator-value table (`IndicatorValue`): what it stores of a parsed requirement, that the disclosure
services keep it in step (written on disclosure, replaced by a revision, gone on abolition), the rebuild and the
backfill of migration 0004."""

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from nqihub.engines.requirements import parse_requirement
from nqihub.standards import indicator_values, services
from nqihub.standards.indicator_values import (
    rebuild_indicator_values,
    sync_indicator_values,
    value_columns,
)
from nqihub.standards.models import Disclosure, DisclosureState, IndicatorValue

CUP = {"name": "陶瓷杯", "model": "YS-350", "category_code": "3074"}
MIGRATION = importlib.import_module("nqihub.standards.migrations.0004_indicatorvalue")

# Requirement texts as enterprises write them, each with the unit of its indicator row.
REQUIREMENTS = st.sampled_from(
    [
        ("≤0.5", "mg/L"),
        ("<0.5 mg/L", ""),
        ("≤450 μg/L", ""),
        ("≥72", "度"),
        (">72", "度"),
        ("0.1～0.3 mg/L", ""),
        ("0.1-0.3", "%"),
        ("不得检出", ""),
        ("不得检出", "mg/kg"),
        ("无异味", ""),
        ("n=5,c=2,m=100,M=1000", "CFU/g"),
        ("符合 GB 4806.1 的规定", ""),
        ("≤0.5", "furlongs per fortnight"),
        ("", ""),
    ]
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff(world):
    return world.users["enterprise"]


@pytest.fixture
def company(world):
    return world.inside["enterprise"]


def disclosed(staff, company, indicators, *, number="Q/YSTC 0001-2025", categories=("3074",)):
    d = services.start_disclosure(staff, company, kind="enterprise", number=number, title="日用陶瓷餐具")
    for n, code in enumerate(categories):
        services.add_product(staff, d, {**CUP, "model": f"YS-{n}", "category_code": code})
    for name, requirement, unit in indicators:
        services.add_indicator(
            staff, d, {"name": name, "requirement": requirement, "unit": unit, "test_method": "GB/T 3534"}
        )
    services.sign_commitment(staff, d, "李四", "authorised")
    return services.disclose(staff, d)


def rows(d) -> list[tuple]:
    return sorted(
        IndicatorValue.objects.filter(disclosure=d).values_list(
            "category_code", "name", "kind", "lower", "lower_strict", "upper", "upper_strict", "unit"
        )
    )


# --- what a row holds ----------------------------------------------------------------------------------------


def test_the_columns_of_a_parsed_requirement():
    def columns(text, unit=None):
        return value_columns(parse_requirement(text, unit=unit).to_dict())

    assert columns("≤0.5", "mg/L") == {
        "kind": "max",
        "lower": None,
        "lower_strict": False,
        "upper": 0.5,
        "upper_strict": False,
        "unit": "mg/L",
    }
    assert columns("<0.5 mg/L")["upper_strict"] is True
    assert columns(">72", "度") | {"unit": ""} == {
        "kind": "min",
        "lower": 72.0,
        "lower_strict": True,
        "upper": None,
        "upper_strict": False,
        "unit": "",
    }
    both = columns("0.1～0.3 mg/L")
    assert (both["kind"], both["lower"], both["upper"]) == ("range", 0.1, 0.3)
    # 不得检出: at most 0, in any unit.
    assert columns("不得检出", "mg/kg") == {
        "kind": "absent",
        "lower": None,
        "lower_strict": False,
        "upper": 0.0,
        "upper_strict": False,
        "unit": "",
    }
    for text in ("无异味", "符合 GB 4806.1 的规定"):
        assert columns(text) is None
    assert columns("n=5,c=2,m=100,M=1000", "CFU/g") is None
    assert value_columns(None) is None
    assert value_columns({"ok": False, "kind": "max", "max": 1.0}) is None


@given(REQUIREMENTS)
def test_the_migration_reads_a_parsed_requirement_as_the_application_does(requirement):
    text, unit = requirement
    parsed = parse_requirement(text, unit=unit or None).to_dict()
    assert MIGRATION.value_columns(parsed) == value_columns(parsed)


@given(
    st.fixed_dictionaries(
        {
            "ok": st.sampled_from([True, False]),
            "kind": st.sampled_from(["max", "min", "range", "absent", "qualitative", "sampling_plan", None]),
            "min": st.none() | st.floats(allow_nan=False, allow_infinity=False),
            "max": st.none() | st.floats(allow_nan=False, allow_infinity=False),
            "min_inclusive": st.sampled_from([True, False, None]),
            "max_inclusive": st.sampled_from([True, False, None]),
            "unit": st.sampled_from([None, "mg/L", "ug/L", "degree"]),
        }
    )
)
def test_the_migration_agrees_on_any_parsed_shape(parsed):
    assert MIGRATION.value_columns(parsed) == value_columns(parsed)


# --- kept in step by the services ----------------------------------------------------------------------------


def test_rows_are_written_when_a_standard_is_disclosed(staff, company):
    d = disclosed(
        staff,
        company,
        [("铅溶出量", "≤0.5", "mg/L"), ("白度", "≥72", "度"), ("感官", "无异味", "")],
        categories=("3074", "3073"),
    )
    assert rows(d) == [
        ("3073", "白度", "min", 72.0, False, None, False, "degree"),
        ("3073", "铅溶出量", "max", None, False, 0.5, False, "mg/L"),
        ("3074", "白度", "min", 72.0, False, None, False, "degree"),
        ("3074", "铅溶出量", "max", None, False, 0.5, False, "mg/L"),
    ]


def test_a_draft_has_no_rows(staff, company):
    d = services.start_disclosure(staff, company, kind="enterprise", number="Q/YSTC 0001-2025", title="碗")
    services.add_product(staff, d, CUP)
    services.add_indicator(staff, d, {"name": "铅溶出量", "requirement": "≤0.5 mg/L", "test_method": "X"})
    assert not IndicatorValue.objects.filter(disclosure=d).exists()
    assert sync_indicator_values(d) == 0


def test_a_revision_replaces_the_rows_when_it_is_disclosed(staff, company):
    old = disclosed(staff, company, [("铅溶出量", "≤0.5", "mg/L"), ("镉溶出量", "≤0.05", "mg/L")])
    draft = services.revise(staff, old)
    lead = draft.indicators.get(name="铅溶出量")
    services.update_indicator(staff, lead, {"requirement": "≤0.3"})
    services.remove_indicator(staff, draft.indicators.get(name="镉溶出量"))
    assert [r[1] for r in rows(old)] == ["铅溶出量", "镉溶出量"]  # the draft changes nothing yet
    assert not rows(draft)
    services.sign_commitment(staff, draft, "李四", "authorised")
    new = services.disclose(staff, draft)
    old.refresh_from_db()
    assert old.state == DisclosureState.REVISED and not rows(old)
    assert rows(new) == [("3074", "铅溶出量", "max", None, False, 0.3, False, "mg/L")]


def test_an_abolished_standard_loses_its_rows(staff, company):
    d = disclosed(staff, company, [("铅溶出量", "≤0.5", "mg/L")])
    services.abolish(staff, d)
    assert not IndicatorValue.objects.filter(disclosure=d).exists()


def test_an_external_standard_without_indicators_has_no_rows(staff, company):
    from tests.matrix.disclosures import catalogue_standard

    gb = catalogue_standard("GB 4806.4-2016", title_zh="食品安全国家标准 陶瓷制品", nature="mandatory")
    d = services.start_disclosure(staff, company, kind="external", catalogue_standard=gb)
    services.add_product(staff, d, CUP)
    d = services.disclose(staff, d)
    assert d.state == DisclosureState.DISCLOSED and not rows(d)


# --- rebuilt and backfilled ----------------------------------------------------------------------------------


def _every_row() -> list[tuple]:
    return sorted(
        IndicatorValue.objects.values_list(
            "disclosure_id",
            "category_code",
            "name",
            "kind",
            "lower",
            "lower_strict",
            "upper",
            "upper_strict",
            "unit",
        )
    )


@pytest.fixture
def several(staff, company):
    """Standards in every state: two disclosed (one with two categories), a revised one, an abolished one, a
    draft — and a disclosed one whose rows were lost (written around the services)."""
    a = disclosed(
        staff, company, [("铅溶出量", "≤0.5", "mg/L"), ("白度", "≥72", "度")], categories=("3074", "3073")
    )
    b = disclosed(
        staff,
        company,
        [("铅溶出量", "<450 μg/L", ""), ("铅溶出量", "不得检出", "")],
        number="Q/YSTC 0002-2025",
    )
    draft = services.revise(staff, b)
    services.sign_commitment(staff, draft, "李四", "authorised")
    services.disclose(staff, draft)
    c = disclosed(staff, company, [("镉溶出量", "≤0.05", "mg/L")], number="Q/YSTC 0003-2025")
    services.abolish(staff, c)
    services.start_disclosure(staff, company, kind="enterprise", number="Q/YSTC 0004-2025", title="杯")
    lost = disclosed(staff, company, [("白度", "72～80", "度")], number="Q/YSTC 0005-2025")
    IndicatorValue.objects.filter(disclosure=lost).delete()
    return a, lost


@pytest.mark.parametrize("copy_from", [5000, 0], ids=["insert", "copy"])
def test_the_rebuild_restores_what_the_services_write(several, copy_from, monkeypatch):
    monkeypatch.setattr(indicator_values, "COPY_FROM", copy_from)  # 0: COPY on PostgreSQL
    a, lost = several
    assert not IndicatorValue.objects.filter(disclosure=lost).exists()
    IndicatorValue.objects.filter(disclosure=a).update(upper=99)  # a stale row is replaced too
    written = rebuild_indicator_values(batch_size=2)
    expected = []
    for d in Disclosure.objects.filter(state=DisclosureState.DISCLOSED):
        expected.extend(rows(d))
    assert written == len(_every_row()) == len(expected) == 7
    assert IndicatorValue.objects.filter(disclosure=lost).count() == 1
    assert set(IndicatorValue.objects.values_list("disclosure__state", flat=True)) == {
        DisclosureState.DISCLOSED
    }
    before = _every_row()
    out = io.StringIO()
    call_command("rebuild_indicator_values", "--json", stdout=out)
    assert '"rows": 7' in out.getvalue()
    assert [r[1:] for r in _every_row()] == [r[1:] for r in before]


def test_the_backfill_of_the_migration_writes_the_same_rows(several):
    rebuild_indicator_values()
    expected = _every_row()
    IndicatorValue.objects.all().delete()
    MIGRATION.backfill(apps, SimpleNamespace(connection=connection))
    assert _every_row() == expected

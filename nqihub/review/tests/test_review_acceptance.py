"""The issue's acceptance case, end to end through intake, the database look-ups and the checks, and the CLI.

A generated enterprise standard citing GB/T 1.1-2009 (废止), missing chapter 3, with an indicator lacking its
test method and one looser than a mandatory limit gets 不符合 with exactly those four findings; the same
document fixed gets 符合. The catalogue rows and the GB 2762 limit row below are test data: a deployment holds
the official catalogue and imports the limit tables it has.
"""

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from nqihub.review.docgen import DocumentSpec, make_standard, standard_content
from nqihub.review.limits import LimitRow, load_limit_table
from nqihub.review.services import review_document
from nqihub.standards.models import CatalogueStandard, CatalogueStatus

BASE = DocumentSpec(number="Q/SLSP 0001—2025", title="饼干", seed=3, n_indicators=20, target_pages=20)


def _with_reference(spec: DocumentSpec, number: str, title: str) -> DocumentSpec:
    references = tuple(standard_content(spec).references) + ((number, title),)
    return replace(spec, references=references)


@pytest.fixture
def catalogue(reference_data, db):
    for number, title in standard_content(BASE).references:
        if "—" in number:  # dated references must be in the catalogue and current
            normalized = number.replace("—", "-")
            CatalogueStandard.objects.get_or_create(
                normalized_number=normalized,
                defaults={
                    "number": normalized,
                    "base_number": normalized.rsplit("-", 1)[0],
                    "family": "national",
                    "title_zh": title,
                    "status": CatalogueStatus.CURRENT,
                    "source": "测试数据",
                },
            )
    load_limit_table(
        None,
        standard_number="GB 2762-2022",
        title="食品安全国家标准 食品中污染物限量(测试数据)",
        source="测试数据",
        rows=[LimitRow(indicator="铅(以Pb计)", category="焙烤食品", requirement="≤0.5", unit="mg/kg")],
    )


def defective() -> bytes:
    spec = _with_reference(BASE, "GB/T 1.1—2009", "标准化工作导则 第1部分：标准的结构和编写")
    return make_standard(
        replace(spec, omit_chapter_3=True, defects=frozenset({"missing_method", "looser_limit"}))
    )


def fixed() -> bytes:
    return make_standard(
        _with_reference(BASE, "GB/T 1.1—2020", "标准化工作导则 第1部分：标准化文件的结构和起草规则")
    )


def test_the_defective_standard_gets_exactly_its_four_findings(catalogue):
    reading, data, result = review_document(defective(), "Q-SLSP 0001-2025.docx")
    assert result.outcome_zh == "不符合" and result.disposition == "rectify"
    assert sorted(f.check for f in result.findings) == ["C2", "C3", "C5", "C6"], [
        f.message for f in result.findings
    ]
    by = {f.check: f for f in result.findings}
    assert "GB/T 1.1" in by["C2"].message and "GB/T 1.1-2020" in by["C2"].message
    assert "铅" in by["C3"].message and "GB 2762-2022" in by["C3"].message
    assert "第3章" in by["C6"].message
    assert by["C5"].location  # where in the document
    assert {r.normalized for r in reading.references if r.normative} >= {"GB/T 1.1-2009", "GB 2762"}


def test_the_fixed_standard_conforms(catalogue):
    _, _, result = review_document(fixed(), "Q-SLSP 0001-2025.docx")
    assert result.outcome_zh == "符合", [f.message for f in result.findings]
    assert result.findings == ()


@pytest.mark.django_db(transaction=True)
def test_cli_contract(catalogue, tmp_path):
    from django.db import connection

    path = tmp_path / "standard.docx"
    path.write_bytes(defective())
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
        if connection.vendor == "postgresql"
        else f"sqlite:///{settings['NAME']}"
    )
    if connection.vendor == "sqlite" and ("memory" in settings["NAME"] or settings["NAME"] == ""):
        # The in-memory test database is invisible to a subprocess: run the command in-process instead.
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("review", str(path), "--json", stdout=out)
        payload = json.loads(out.getvalue())
    else:
        nqihub = Path(sys.executable).with_name("nqihub")
        result = subprocess.run(
            [str(nqihub), "review", str(path), "--json"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "DATABASE_URL": url},
        )
        assert result.returncode == 0, result.stderr
        payload = json.loads(result.stdout)
    assert payload["outcome"] == "不符合"
    assert sorted(f["check"] for f in payload["findings"]) == ["C2", "C3", "C5", "C6"]
    assert set(payload["findings"][0]) >= {"check", "dimension", "severity", "message", "location"}
    assert any(r["normalized"] == "GB/T 1.1-2009" for r in payload["references"])
    assert len(payload["indicators"]) >= 10

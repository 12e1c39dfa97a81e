"""The console script's contracts, run as a user runs them: `.venv/bin/nqihub …` in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NQIHUB = Path(sys.executable).with_name("nqihub")


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(NQIHUB), *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}
    )


def test_standard_number_json_contract():
    inputs = [
        "ＧＢ／Ｔ　１９００１－２０１６",
        "gb/t19001-2016",
        "GB/T 19001-2016/ISO 9001:2015",
        "DB99/T 1-2020",
        "ISO 9001:2015",
        "GB 5749-85",
        "DB33/T 2428-2022",
    ]
    result = run("standard-number", "--json", *inputs)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["input"] for line in lines] == inputs
    keys = {"input", "ok", "family", "code", "nature", "number", "year", "normalized", "error"}
    assert all(keys <= set(line) for line in lines)
    assert lines[0]["normalized"] == lines[1]["normalized"] == "GB/T 19001-2016"
    assert (
        lines[0]["nature"] == "recommended" and lines[0]["family"] == "national" and lines[0]["year"] == 2016
    )
    assert lines[2]["normalized"] == "GB/T 19001-2016" and lines[2]["adopted"] == "ISO 9001:2015"
    assert lines[3]["ok"] is False and lines[3]["error"]
    assert lines[4]["code"] == "ISO" and lines[4]["year"] == 2015 and lines[4]["family"] == "international"
    assert lines[5]["year"] == 1985 and lines[5]["nature"] == "mandatory"
    assert lines[6]["code"] == "DB33/T" and lines[6]["family"] == "local"


@pytest.mark.django_db(transaction=True)
def test_load_reference_json_reports_each_dataset():
    from django.db import connection

    if connection.vendor != "sqlite":
        # The subprocess needs its own database; on PostgreSQL the test database is the one pytest made.
        url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    else:
        url = f"sqlite:///{connection.settings_dict['NAME']}"
    if "memory" in url:
        url = "sqlite:///" + str(Path(os.environ.get("TMPDIR", "/tmp")) / f"nqihub-cli-{os.getpid()}.sqlite3")
        assert run("migrate", "-v0", env={"DATABASE_URL": url}).returncode == 0
    result = run("load-reference", "--json", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    datasets = {d["dataset"]: d["rows"] for d in json.loads(result.stdout)}
    from nqihub.core.reference import DATASETS

    assert set(datasets) == {d.name for d in DATASETS}  # every shipped dataset is loaded and reported
    expected = {
        "regions": 6824,
        "region_changes": 21455,
        "industries": 1971,
        "ccs": 1857,
        "ics": 1381,
        "gb_catalogue_sample": 5,
    }
    assert {k: datasets[k] for k in expected} == expected


def test_requirement_json_contract_on_real_texts():
    # Texts as GB 2762 / GB 3838 / GB 29921 style tables print them.
    inputs = [
        "≤0.5mg/kg",
        "(20±2)℃",
        "≥7.5 mg/L",
        "6～9",
        "n=5, c=2, m=10 CFU/g, M=100 CFU/g",
        "不得检出",
        "≤1.0×10⁴ CFU/g",
        "20 mg/100g",
    ]
    result = run("requirement", "--json", *inputs)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input"] for r in rows] == inputs
    assert (rows[0]["kind"], rows[0]["max"], rows[0]["max_inclusive"], rows[0]["unit"]) == (
        "max",
        0.5,
        True,
        "mg/kg",
    )
    assert (rows[1]["kind"], rows[1]["min"], rows[1]["max"], rows[1]["unit"]) == ("range", 18.0, 22.0, "degC")
    assert (rows[2]["kind"], rows[2]["min"], rows[2]["unit"]) == ("min", 7.5, "mg/L")
    assert (rows[3]["kind"], rows[3]["min"], rows[3]["max"], rows[3]["unit"]) == ("range", 6.0, 9.0, None)
    assert (rows[4]["kind"], rows[4]["n"], rows[4]["c"], rows[4]["m"], rows[4]["M"]) == (
        "sampling_plan",
        5,
        2,
        10,
        100,
    )
    assert rows[5]["kind"] == "absent"
    assert (rows[6]["max"], rows[6]["unit"]) == (10000.0, "CFU/g")
    assert (
        rows[7]["ok"] is False and "比较符" in rows[7]["error"]
    )  # a bare number is not guessed to be a limit


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        ("≤100μg/kg", "≤0.1mg/kg", "equal"),
        ("≤0.05 mg/kg", "≤0.1 mg/kg", "stricter"),
        ("≤20 mg/100g", "≤0.1 g/kg", "looser"),
        ("≤0.05 mg/kg", "≤0.1 mg/L", "incomparable"),
        ("≥7.5 mg/L", "≤2 mg/L", "incomparable"),
    ],
)
def test_compare_requirements_json_contract(a, b, verdict):
    result = run("compare-requirements", "--json", a, b)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["verdict"] == verdict and payload["reason"]

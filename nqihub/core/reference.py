"""Loading the reference data shipped in nqihub/core/data into the configured database.

Each dataset is one file with a checksum; a dataset whose checksum is already recorded is skipped, otherwise
its table is replaced in one transaction. Running the loader twice is therefore harmless and fast.
"""

import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction

from .models import CCSCategory, ICSCode, Industry, ReferenceDataset, Region, RegionChange

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH = 2000


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def _int_or_none(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def _regions(path: Path) -> Iterator[Region]:
    for r in _rows(path):
        yield Region(
            code=r["code"],
            name=r["name"],
            level=r["level"],
            parent_code=r["parent_code"],
            path=r["path"],
            status=r["status"],
            is_active=r["status"] == "active",
            start_year=int(r["start_year"]),
            end_year=_int_or_none(r["end_year"]),
            successor_codes=r["new_code"],
        )


def _region_changes(path: Path) -> Iterator[RegionChange]:
    for r in _rows(path):
        yield RegionChange(
            change_type=r["change_type"],
            year=_int_or_none(r["year"]),
            code=r["code"],
            name=r["name"],
            old_name=r["old_name"],
            new_name=r["new_name"],
            new_code=r["new_code"],
            source=r["source"],
        )


def _industries(path: Path) -> Iterator[Industry]:
    for r in _rows(path):
        yield Industry(
            code=r["code"],
            name=r["name"].strip(),
            level=int(r["level"]),
            parent_code=r["parent_code"],
            section=r["section"],
        )


def _ccs(paths: tuple[Path, Path, Path]) -> Iterator[CCSCategory]:
    level1, level2, level3 = paths
    for r in _rows(level1):
        yield CCSCategory(code=r["代码 / Code"], name=r["名称 / Name"], level=1, parent_code="")
    for r in _rows(level2):
        yield CCSCategory(
            code=r["代码 / Code"],
            name=r["名称 / Name"],
            level=2,
            parent_code=r["类 / Category"],
            note=r.get("注释 /Notes", "") or "",
        )
    with level3.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)  # the header repeats "代码 / Code" for the parent column, so read by position
        for code, name, parent, note in reader:
            yield CCSCategory(code=code, name=name, level=3, parent_code=parent, note=note)


def _ics(path: Path) -> Iterator[ICSCode]:
    for r in _rows(path):
        code = r["identifier"]
        yield ICSCode(
            code=code,
            name=r["titleEn"],
            title_fr=r["titleFr"],
            level=code.count(".") + 1,
            parent_code=r["parent"],
            scope=r["scopeEn"],
        )


@dataclass(frozen=True)
class Dataset:
    """One shipped file set. `build` yields rows that replace the whole table; a dataset whose rows other rows
    point at (the standards catalogue) gives `upsert` instead, which returns the number of rows it holds."""

    name: str
    files: tuple[str | Path, ...]
    model: type[models.Model]
    build: Callable | None
    source: str
    licence: str
    upsert: Callable[[list[Path]], int] | None = None

    def paths(self) -> list[Path]:
        return [f if isinstance(f, Path) else DATA_DIR / f for f in self.files]

    def present(self, rows: int) -> bool:
        count = self.model.objects.count()
        return count >= rows if self.upsert else count == rows


DATASETS = [
    Dataset(
        "regions",
        ("admin_divisions/areas.csv",),
        Region,
        lambda p: _regions(p[0]),
        "GB/T 2260 行政区划代码 1981–2025 (yescallop/areacodes via xihan123/gb2260)",
        "CC0 1.0",
    ),
    Dataset(
        "region_changes",
        ("admin_divisions/changes.csv",),
        RegionChange,
        lambda p: _region_changes(p[0]),
        "GB/T 2260 区划变更 (yescallop/areacodes via xihan123/gb2260)",
        "CC0 1.0",
    ),
    Dataset(
        "industries",
        ("classifications/gbt4754_2017_industry.csv",),
        Industry,
        lambda p: _industries(p[0]),
        "GB/T 4754-2017 国民经济行业分类 (ramwin/china-public-data)",
        "GPL-3.0 (code list: government data)",
    ),
    Dataset(
        "ccs",
        (
            "classifications/ccs_cat-level1.csv",
            "classifications/ccs_cat-level2.csv",
            "classifications/ccs_cat-level3.csv",
        ),
        CCSCategory,
        lambda p: _ccs(p),
        "中国标准文献分类 CCS (metanorma/cnccs)",
        "BSD-2-Clause",
    ),
    Dataset(
        "ics",
        ("iso_ics/ics_iso_opendata.csv",),
        ICSCode,
        lambda p: _ics(p[0]),
        "Contains ISO Open Data (ISO, https://www.iso.org/open-data.html)",
        "ODC-By 1.0",
    ),
]


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class LoadResult:
    name: str
    rows: int
    skipped: bool


def load_dataset(dataset: Dataset, force: bool = False) -> LoadResult:
    paths = dataset.paths()
    sha = _sha256(paths)
    existing = ReferenceDataset.objects.filter(name=dataset.name).first()
    if existing and existing.sha256 == sha and not force and dataset.present(existing.rows):
        return LoadResult(dataset.name, existing.rows, skipped=True)
    with transaction.atomic():
        if dataset.upsert is not None:
            rows = dataset.upsert(paths)
        else:
            dataset.model.objects.all().delete()
            objs = list(dataset.build(paths))
            dataset.model.objects.bulk_create(objs, batch_size=BATCH)
            rows = len(objs)
        ReferenceDataset.objects.update_or_create(
            name=dataset.name,
            defaults={"sha256": sha, "rows": rows, "source": dataset.source, "licence": dataset.licence},
        )
    return LoadResult(dataset.name, rows, skipped=False)


def register_dataset(dataset: Dataset) -> None:
    """Apps add their shipped datasets here from AppConfig.ready()."""
    if all(d.name != dataset.name for d in DATASETS):
        DATASETS.append(dataset)


def load_reference_data(
    force: bool = False, progress: Callable[[LoadResult], None] | None = None
) -> list[LoadResult]:
    """Load every shipped dataset; returns what was loaded or skipped."""
    from .regions import clear_region_cache

    results = []
    for dataset in DATASETS:
        result = load_dataset(dataset, force=force)
        results.append(result)
        if progress:
            progress(result)
    clear_region_cache()
    return results

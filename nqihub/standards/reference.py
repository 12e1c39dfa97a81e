"""The shipped real catalogue sample (five records of the national catalogue), registered with load-reference."""

import csv
from pathlib import Path

from nqihub.core.context import command_context
from nqihub.core.reference import Dataset

from .catalogue import link_editions, row_to_fields, upsert_catalogue_standard
from .models import CatalogueStandard

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE = "openstd.samr.gov.cn 国家标准全文公开系统 (recorded 2026-04-22)"


def load_catalogue_sample(paths: list[Path]) -> int:
    with command_context("load-reference"), paths[0].open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            upsert_catalogue_standard(None, row_to_fields(row), source=SOURCE)
    link_editions()
    return CatalogueStandard.objects.filter(source=SOURCE).count()


CATALOGUE_SAMPLE = Dataset(
    name="gb_catalogue_sample",
    files=(DATA_DIR / "gb_standards" / "openstd_sample_records.csv",),
    model=CatalogueStandard,
    build=None,
    source=SOURCE + " via relaton/relaton-gb",
    licence="factual metadata (BSD-2-Clause repository)",
    upsert=load_catalogue_sample,
)

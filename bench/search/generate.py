"""Deterministic generator of enterprises and disclosures for the search benchmark.

Same seed and N → the same rows, chunk by chunk (each chunk has its own random stream, so chunks can be made in
parallel). Region codes are the active counties of the shipped GB/T 2260 table, weighted by province; industry
codes are real GB/T 4754-2017 小类 codes of each product domain; enterprises follow a Zipf–Mandelbrot long tail
(a few make thousands of disclosures, most make one or two). Every generated name ends in (示例) and every row
is marked is_demo.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import itertools
import random
import string
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from nqihub.demo.identifiers import make_uscc
from nqihub.engines import stdnum

from .vocabulary import (
    BRAND_CHARACTERS,
    COMPANY_SUFFIXES,
    DOMAINS,
    GROUP_CODES,
    PROVINCE_WEIGHTS,
)

GENERATOR_VERSION = 5
DATA = Path(__file__).resolve().parents[2] / "nqihub" / "core" / "data"
START = datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC)
END = datetime.datetime(2026, 10, 31, tzinfo=datetime.UTC)
# Share of disclosures per standard family, and per state.
FAMILIES = (("enterprise", 55), ("national", 25), ("industry", 9), ("group", 7), ("local", 4))
STATES = (("disclosed", 90), ("abolished", 4), ("revised", 3), ("draft", 3))
DISCLOSURES_PER_ENTERPRISE = 6
ZIPF_OFFSET, ZIPF_EXPONENT = 50, 1.1


@dataclass(frozen=True)
class County:
    code: str
    city: str  # city name for enterprise names (the county's own name for municipalities' districts)


@dataclass
class GeneratedEnterprise:
    id: int
    name: str
    uscc: str
    region_code: str
    industry_code: str
    domain: int
    abbreviation: str


@dataclass
class GeneratedDisclosure:
    id: int
    enterprise: GeneratedEnterprise
    kind: str
    family: str
    number: str
    normalized: str
    title: str
    state: str
    version: int
    disclosed_at: datetime.datetime | None
    products: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, model, category, spec
    indicators: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # name, requirement, unit, method


@cache
def counties() -> tuple[tuple[County, ...], tuple[float, ...]]:
    """Active counties of the shipped table with cumulative weights by province."""
    rows = list(csv.DictReader((DATA / "admin_divisions" / "areas.csv").open(encoding="utf-8-sig")))
    found = [
        County(r["code"], r["city"] if r["city"] not in ("", "直辖", "省直辖") else r["name"])
        for r in rows
        if r["level"] == "county" and r["status"] == "active"
    ]
    weights = list(itertools.accumulate(PROVINCE_WEIGHTS.get(c.code[:2], 1.0) for c in found))
    return tuple(found), tuple(weights)


@cache
def industry_codes() -> frozenset[str]:
    path = DATA / "classifications" / "gbt4754_2017_industry.csv"
    return frozenset(r["code"] for r in csv.DictReader(path.open(encoding="utf-8-sig")) if r["level"] == "4")


def check_vocabulary() -> None:
    """Every industry code of the vocabulary is a real 小类 and every cited number parses."""
    known = industry_codes()
    for domain in DOMAINS:
        missing = [c for c in domain.industries if c not in known]
        assert not missing, f"{domain.key}: not GB/T 4754-2017 小类 codes: {missing}"
        for number, _title in domain.standards:
            assert stdnum.parse(number).ok, number


def _weighted(rng: random.Random, pairs) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def enterprise_count(n: int) -> int:
    return max(10, n // DISCLOSURES_PER_ENTERPRISE)


def make_enterprises(n: int, seed: int) -> list[GeneratedEnterprise]:
    """The enterprises behind `n` disclosures, with unique names and USCCs."""
    rng = random.Random(f"{seed}:enterprises")
    places, cumulative = counties()
    domain_weights = list(itertools.accumulate(d.weight for d in DOMAINS))
    names: set[str] = set()
    usccs: set[str] = set()
    made: list[GeneratedEnterprise] = []
    for i in range(1, enterprise_count(n) + 1):
        county = places[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        d = bisect.bisect(domain_weights, rng.random() * domain_weights[-1])
        domain = DOMAINS[d]
        for _attempt in range(50):  # bounded: a name space of millions for at most a few hundred thousand
            brand = "".join(rng.sample(BRAND_CHARACTERS, 2))
            name = f"{county.city.removesuffix('市')}{brand}{rng.choice(domain.trades)}"
            name += _weighted(rng, COMPANY_SUFFIXES) + "(示例)"
            if name not in names:
                break
        else:
            name = f"{county.city}{brand}{domain.trades[0]}{i}有限公司(示例)"
        names.add(name)
        code = make_uscc(rng, county.code)
        for _attempt in range(100):  # 10⁸ organisation codes per county: a clash is rare, a loop short
            if code not in usccs:
                break
            code = make_uscc(rng, county.code)
        usccs.add(code)
        industry = domain.industries[0] if rng.random() < 0.5 else rng.choice(domain.industries)
        abbreviation = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.choice((3, 4, 4))))
        made.append(GeneratedEnterprise(i, name, code, county.code, industry, d, abbreviation))
    return made


@cache
def _enterprise_cumulative(count: int) -> tuple[float, ...]:
    return tuple(itertools.accumulate(1.0 / (r + ZIPF_OFFSET) ** ZIPF_EXPONENT for r in range(1, count + 1)))


@cache
def _normalized(number: str) -> str:
    return stdnum.normalize(number) or number


def _moment(rng: random.Random, pk: int, n: int) -> datetime.datetime:
    """When disclosure `pk` of `n` was made public: ids grow with time, as rows are inserted over the years (so
    the table's physical order follows time, as in a real database), and more disclosures are made in recent
    years (the density grows linearly over the period). A few days' jitter keeps the two orders apart."""
    moment = START + (END - START) * (((pk - 1 + rng.random()) / n) ** 0.5)
    return min(END, max(START, moment + datetime.timedelta(hours=rng.uniform(-72, 72))))


def _product(rng: random.Random, domain, enterprise: GeneratedEnterprise, serial: int):
    name = rng.choice(domain.products)
    if rng.random() < 0.4:
        name = rng.choice(domain.variants) + name
    category = enterprise.industry_code if rng.random() < 0.7 else rng.choice(domain.industries)
    model = f"{enterprise.abbreviation}-{serial:03d}" if rng.random() < 0.7 else f"{rng.randint(1, 999)}型"
    spec = rng.choice(("", "", "500mL", "1kg", "Φ20mm", "220V 50Hz", "M8×40", "170/92A"))
    return (name, model, category, spec)


def make_disclosures(
    chunk: int, chunk_size: int, n: int, enterprises: list[GeneratedEnterprise], seed: int
) -> list[GeneratedDisclosure]:
    """Disclosures chunk*chunk_size+1 … (at most n), always the same for the same arguments."""
    rng = random.Random(f"{seed}:disclosures:{chunk}")
    cumulative = _enterprise_cumulative(len(enterprises))
    first = chunk * chunk_size + 1
    made: list[GeneratedDisclosure] = []
    for pk in range(first, min(first + chunk_size, n + 1)):
        enterprise = enterprises[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        # Mostly the enterprise's own domain; some diversify.
        domain = DOMAINS[enterprise.domain if rng.random() < 0.85 else rng.randrange(len(DOMAINS))]
        family = _weighted(rng, FAMILIES)
        year = rng.randint(2015, 2025)
        products = [
            _product(rng, domain, enterprise, rng.randint(1, 300))
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))
        ]
        main = products[0][0]
        indicator_count = 0
        if family == "enterprise":
            kind = "enterprise"
            number = f"Q/{enterprise.abbreviation} {rng.randint(1, 200):04d}-{year}"
            title = main if rng.random() < 0.8 else f"{main}企业标准"
            indicator_count = rng.randint(4, min(9, len(domain.indicators)))
        elif family in ("national", "industry"):
            kind = "external"
            number, title = rng.choice(domain.standards)
            family = "national" if number.startswith("GB") else "industry"
            indicator_count = rng.randint(2, 5) if rng.random() < 0.25 else 0
        elif family == "group":
            kind = "external"
            number = f"T/{rng.choice(GROUP_CODES)} {rng.randint(1, 9999):04d}-{year}"
            title = main
            indicator_count = rng.randint(3, 6) if rng.random() < 0.5 else 0
        else:
            kind = "external"
            number = f"DB{enterprise.region_code[:2]}/T {rng.randint(1, 3999)}-{year}"
            title = main + rng.choice(("", "生产技术规程", "质量分级"))
        indicator_count = min(indicator_count, len(domain.indicators))
        indicators = rng.sample(domain.indicators, indicator_count) if indicator_count else []
        state = _weighted(rng, STATES)
        made.append(
            GeneratedDisclosure(
                id=pk,
                enterprise=enterprise,
                kind=kind,
                family=family,
                number=number,
                normalized=_normalized(number),
                title=title,
                state=state,
                version=2 if state == "revised" or rng.random() < 0.05 else 1,
                disclosed_at=None if state == "draft" else _moment(rng, pk, n),
                products=products,
                indicators=list(indicators),
            )
        )
    return made

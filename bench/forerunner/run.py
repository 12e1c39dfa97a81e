"""Forerunner ranking at scale: N disclosed standards with core-indicator values in one product category, in a
scratch database, and the time to compute one ranking over them (target ≤ 2 s per ranking).

    .venv/bin/python -m bench forerunner [--n 100000] [--rounds 3] [--database-url URL] [--reuse] [--no-docs]

The default database is a scratch SQLite file in a temporary directory; `--database-url
postgres://postgres@127.0.0.1:5432/nqihub_bench_forerunner` uses a scratch PostgreSQL database (dropped and
created afresh unless --reuse finds the same N and seed loaded). The generated data: N own enterprise standards
of 日用陶瓷 (GB/T 4754 3074) disclosed by N/5 enterprises, each with the three core indicators of the scheme
(铅溶出量, 镉溶出量, 白度 — values drawn so that many repeat, as copied standards do), a qualitative indicator,
one product and one review (≈ 90 % 符合, 5 % 符合但有瑕疵, 4 % 不符合, 1 % with a C2 finding); plus N/10 standards
of another category that the ranking must leave out.

Timed: `nqihub.forerunner.services.compute_ranking` — the candidate query with each standard's latest review,
the value query, unit conversion and the engine's tiers, composite and shortlist — `--rounds` times after a
warm-up, the median kept; then once `store_ranking` (the run, one entry per candidate, the shortlist). Writes
bench/forerunner/RESULTS.md and the "Forerunner — ranking" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DOCS = ROOT / "docs" / "benchmarks.md"
TARGET_SECONDS = 2.0
REGION = "450321"
CATEGORY = "3074"
OTHER_CATEGORY = "1431"
SECTION_START, SECTION_END = "<!-- bench:forerunner:start -->", "<!-- bench:forerunner:end -->"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
GENERATOR_VERSION = 1
CORE = [
    ("铅溶出量", "≤0.8 mg/L", "mg/L", [("先进", "0.5"), ("领先", "0.3"), ("领跑", "0.2")]),
    ("镉溶出量", "≤0.07 mg/L", "mg/L", [("先进", "0.05"), ("领先", "0.04"), ("领跑", "0.03")]),
    ("白度", "≥65", "度", [("先进", "70"), ("领先", "75"), ("领跑", "80")]),
]


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench forerunner", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="disclosed standards in the category (100000)")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--rounds", type=int, default=3, help="timed rankings after the warm-up")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("NQIHUB_BENCH_FORERUNNER_URL", ""),
        help="scratch database (default: a temporary SQLite file, removed after the run)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep loaded data when N and seed match")
    parser.add_argument(
        "--no-docs", action="store_true", help="do not write RESULTS.md and docs/benchmarks.md"
    )
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def prepare_database(url: str, keep_if: dict, reuse: bool) -> tuple[str, bool]:
    """A scratch database URL; for PostgreSQL, drop and create it unless --reuse finds the same data."""
    if not url:
        path = Path(tempfile.mkdtemp(prefix="nqihub-bench-forerunner-")) / "bench.sqlite3"
        return f"sqlite:///{path}", False
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path)
        if reuse and path.exists():
            import sqlite3

            with sqlite3.connect(path) as conn:
                try:
                    found = conn.execute("SELECT value FROM bench_meta WHERE key = 'forerunner'").fetchone()
                except sqlite3.OperationalError:
                    found = None
            if found and json.loads(found[0]) == keep_if:
                return url, True
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        return url, False
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"the benchmark only uses a database on this machine, not {parts.hostname}")
    import psycopg

    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
    if exists and reuse:
        with psycopg.connect(url) as conn:
            found = conn.execute(
                "SELECT value FROM pg_tables t JOIN LATERAL (SELECT value FROM bench_meta "
                "WHERE key = 'forerunner') m ON true WHERE t.tablename = 'bench_meta'"
            ).fetchone()
        if found and json.loads(found[0]) == keep_if:
            return url, True
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    return url, False


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "nqihub.settings"
    os.environ.pop("NQIHUB_DEBUG", None)
    import django

    django.setup()


def _value(rng: random.Random, best: float, limit: float, step: float) -> str:
    """A limit as standards write them: on a coarse grid (many standards declare the same value), most of them at
    or near the national limit and few far better (a triangular draw with its mode at the limit)."""
    drawn = rng.triangular(min(best, limit), max(best, limit), limit)
    return f"{round(drawn / step) * step:.4g}"


def generate(n: int, seed: int) -> dict:
    """Load the benchmark data with bulk inserts; returns counts."""
    from django.db import connection, transaction

    from nqihub.engines.requirements import parse_requirement
    from nqihub.registry.models import Enterprise
    from nqihub.review.models import Finding, Review
    from nqihub.standards.models import Disclosure, Indicator, Product

    rng = random.Random(seed)
    parsed_cache: dict[tuple[str, str], dict] = {}

    def parsed(text: str, unit: str) -> dict:
        key = (text, unit)
        if key not in parsed_cache:
            parsed_cache[key] = parse_requirement(text, unit=unit or None).to_dict()
        return parsed_cache[key]

    total = n + n // 10
    n_enterprises = max(1, total // 5)
    batch = 5000
    today = time.strftime("%Y-%m-%d")
    with transaction.atomic():
        Enterprise.objects.bulk_create(
            (
                Enterprise(
                    name=f"基准陶瓷企业{i:06d}",
                    uscc=f"BENCH{i:013d}",
                    region_code=REGION,
                    industry_code=CATEGORY,
                )
                for i in range(n_enterprises)
            ),
            batch_size=batch,
        )
    enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, total, batch):
        stop = min(total, start + batch)
        with transaction.atomic():
            disclosures = Disclosure.objects.bulk_create(
                [
                    Disclosure(
                        enterprise_id=enterprise_ids[i % n_enterprises],
                        region_code=REGION,
                        kind="enterprise",
                        standard_number=f"Q/BJ{i // 10000:02d} {i % 10000:04d}-2025",
                        normalized_number=f"Q/BJ{i // 10000:02d} {i % 10000:04d}-2025",
                        title="日用陶瓷餐具" if i < n else "米粉",
                        state="disclosed",
                        disclosed_at="2025-06-01T00:00:00Z",
                    )
                    for i in range(start, stop)
                ]
            )
            products, indicators, reviews = [], [], []
            for offset, d in enumerate(disclosures):
                i = start + offset
                category = CATEGORY if i < n else OTHER_CATEGORY
                products.append(Product(disclosure=d, name="餐具", model="BJ", category_code=category))
                values = (
                    ("铅溶出量", f"≤{_value(rng, 0.1, 0.8, 0.05)}", "mg/L"),
                    ("镉溶出量", f"≤{_value(rng, 0.02, 0.07, 0.005)}", "mg/L"),
                    ("白度", f"≥{_value(rng, 88, 65, 1)}", "度"),
                    ("热稳定性", "140℃热交换一次不裂", ""),
                )
                for position, (name, text, unit) in enumerate(values):
                    indicators.append(
                        Indicator(
                            disclosure=d,
                            name=name,
                            requirement=text,
                            unit=unit,
                            test_method="GB/T 3534",
                            parsed=parsed(text, unit),
                            position=position,
                        )
                    )
                draw = rng.random()
                outcome = "conforming" if draw < 0.90 else "minor" if draw < 0.96 else "nonconforming"
                reviews.append(Review(disclosure=d, region_code=REGION, outcome=outcome, checked_on=today))
            Product.objects.bulk_create(products)
            Indicator.objects.bulk_create(indicators)
            stored = Review.objects.bulk_create(reviews)
            Finding.objects.bulk_create(
                Finding(review=r, check_id="C2", dimension="legality", severity="major", message="引用已废止")
                for r in stored
                if rng.random() < 0.01
            )
        say(f"  loaded {stop}/{total} standards")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a running database has them
    return {"standards": n, "other_category": total - n, "enterprises": n_enterprises}


def make_scheme():
    from nqihub.forerunner.models import EvaluationScheme, KeyArea, SchemeIndicator
    from nqihub.registry.models import Institution

    institution = Institution.objects.create(
        name="基准标准化研究院", kind="standardisation", region_code=REGION
    )
    area = KeyArea.objects.create(year=2026, name="日用陶瓷", category_codes=CATEGORY)
    scheme = EvaluationScheme.objects.create(
        key_area=area,
        evaluator=institution,
        region_code=REGION,
        title="日用陶瓷领跑者评估方案(基准)",
        category_code=CATEGORY,
        state="published",
        top_n=10,
    )
    for position, (name, requirement, unit, tiers) in enumerate(CORE):
        SchemeIndicator.objects.create(
            scheme=scheme,
            role="core",
            name=name,
            requirement=requirement,
            unit=unit,
            tiers=[{"name": t, "bound": b} for t, b in tiers],
            position=position,
        )
    return scheme


def mark_loaded(meta: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key varchar(64) PRIMARY KEY, value text)")
        cursor.execute("DELETE FROM bench_meta WHERE key = 'forerunner'")
        cursor.execute("INSERT INTO bench_meta VALUES ('forerunner', %s)", [json.dumps(meta)])


def time_rankings(scheme, rounds: int) -> dict:
    from nqihub.forerunner import services

    services.compute_ranking(scheme)  # warm-up: the unit registry, the synonym table, the database caches
    totals, cpu, parts = [], [], {"candidates": [], "values": [], "engine": []}
    computed = None
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        computed = services.compute_ranking(scheme)
        totals.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        for key in parts:
            parts[key].append(computed.timings[key])
    t0 = time.perf_counter()
    from django.db import transaction

    with transaction.atomic():
        run = services.store_ranking(None, computed)
    store = time.perf_counter() - t0
    return {
        "median_s": statistics.median(totals),
        "min_s": min(totals),
        "max_s": max(totals),
        "cpu_median_s": statistics.median(cpu),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "rounds": rounds,
        "parts_s": {k: statistics.median(v) for k, v in parts.items()},
        "store_s": store,
        "candidates": run.candidates,
        "eligible": run.eligible,
        "tiered": run.tiered,
        "shortlisted": run.shortlisted,
        "indicators": [
            {"name": i["name"], "ranked": i["ranked"], "tiers": {t["name"]: t["count"] for t in i["tiers"]}}
            for i in run.indicators
        ],
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs; Python {platform.python_version()}"


def report(results: dict) -> str:
    lines = [
        "## Forerunner — ranking",
        "",
        "`python -m bench forerunner [--n 100000] [--rounds 3] [--database-url URL]` — full figures in "
        "`bench/forerunner/RESULTS.md`, written by the run.",
        "",
        "**Data.** N own enterprise standards of 日用陶瓷 (GB/T 4754 3074) in one category, each with the three core "
        "indicators of the scheme (values on a coarse grid, so many repeat), a qualitative indicator, a product and "
        "a review (~90 % 符合, 6 % 瑕疵, 4 % 不符合, 1 % with a C2 finding), plus N/10 standards of another "
        "category the ranking must leave out; generated with bulk inserts into a scratch database.",
        "",
        "**What is timed.** `nqihub.forerunner.services.compute_ranking`: the candidate query (every 现行有效 "
        "standard with a product in the category, its latest review and whether that review has a C2 finding), "
        "the indicator-value query (names matched once per distinct name, values converted to the indicator's "
        "unit), and the engine (tiers per core indicator, composite, top-N shortlist). Median of the rounds after "
        "a warm-up; storing the run (one row per candidate) is timed separately.",
        "",
        f"**Results** ({time.strftime('%Y-%m-%d')}; {machine()}):",
        "",
        "| database | standards | ranking: median wall · best wall · CPU | candidates · values · engine | "
        "store run | load avg | target ≤ 2 s (median) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results["runs"]:
        parts = r["parts_s"]
        lines.append(
            f"| {r['database']} | {r['candidates']:,} | {r['median_s']:.2f} · {r['min_s']:.2f} · "
            f"{r['cpu_median_s']:.2f} s | {parts['candidates']:.2f} · {parts['values']:.2f} · {parts['engine']:.2f} s "
            f"| {r['store_s']:.1f} s | {r['load_average'][0]:.1f} | "
            f"{'**met**' if r['median_s'] <= TARGET_SECONDS else '**missed**'} |"
        )
    lines += [
        "",
        "*CPU* is the benchmark process's own time (for SQLite, which runs in process, that is all the work; for "
        "PostgreSQL the server's work is not in it). *Load avg* is the machine's one-minute load when the run "
        "ended: the two CPUs are shared with whatever else runs, and at a load above 2 the wall clock measures "
        "the queue as much as the ranking — compare CPU and the best round then.",
        "",
        "**Where the time went, and what changed.** The first run took 5.7 s (SQLite): decoding each indicator's "
        "parsed JSON (300 000 `json.loads`), an ORDER BY inherited from the model's Meta, a correlated EXISTS per "
        "indicator row, and the engine's frozen dataclasses. Now the values are read as JSON text and decoded once "
        "per distinct text (a category's standards repeat a few values), the candidates' ids are one IN "
        "(subquery), the latest review is one correlated subquery (`outcome:id`) with the C2 findings read as a "
        "set, and the engine scores each distinct combination of levels once. On PostgreSQL the candidate query "
        "ran with JIT, whose compilation (0.4 s) cost more than the query: it runs with `SET LOCAL jit = off`. "
        "Storing the run went from 14 s (`bulk_create` of 100 000 model instances) to a few seconds with a plain "
        "`executemany` (SQLite) or COPY (PostgreSQL). What remains is reading 300 000 indicator rows and 100 000 "
        "candidates with their latest review; a further step would keep each standard's core values in a table "
        "updated on disclosure instead of reading them from the indicator table at every ranking.",
        "",
    ]
    return "\n".join(lines)


def _wrapped(markdown: str, width: int = 110) -> str:
    """Paragraphs wrapped like the rest of docs/ (tables, headings and blank lines left alone)."""
    lines = []
    for line in markdown.splitlines():
        if line.startswith(("|", "#")) or not line.strip():
            lines.append(line)
        else:
            lines.extend(textwrap.wrap(line, width=width, break_on_hyphens=False, break_long_words=False))
    return "\n".join(lines) + "\n"


def write_docs(results: dict) -> None:
    section = _wrapped(report(results))
    detail = [
        "# Forerunner ranking benchmark",
        "",
        section.replace("## Forerunner — ranking", "## Summary"),
        "## Every run",
        "",
        "```json",
        json.dumps(results, ensure_ascii=False, indent=2),
        "```",
        "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(detail), encoding="utf-8")
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    block = f"{SECTION_START}\n{section}{SECTION_END}\n"
    if SECTION_START in text and SECTION_END in text:
        head, rest = text.split(SECTION_START, 1)
        text = head + block + rest.split(SECTION_END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    DOCS.write_text(text, encoding="utf-8")


def previous_results() -> list[dict]:
    path = HERE / "RESULTS.md"
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    if "```json" not in text:
        return []
    try:
        return json.loads(text.split("```json", 1)[1].split("```", 1)[0])["runs"]
    except (ValueError, KeyError):
        return []


def main(argv: list[str]) -> int:
    args = arguments(argv)
    meta = {"n": args.n, "seed": args.seed, "generator": GENERATOR_VERSION}
    url, kept = prepare_database(args.database_url, meta, args.reuse)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from nqihub.forerunner.models import EvaluationScheme

    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    say(f"forerunner benchmark: {args.n} standards, {database}")
    if not kept:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        counts = generate(args.n, args.seed)
        make_scheme()
        mark_loaded(meta)
        say(f"  generated {counts} in {time.perf_counter() - t0:.0f} s")
    scheme = EvaluationScheme.objects.get(title="日用陶瓷领跑者评估方案(基准)")
    result = time_rankings(scheme, args.rounds)
    result["database"] = database
    say(
        f"  ranking: median {result['median_s']:.2f} s (candidates {result['parts_s']['candidates']:.2f}, "
        f"values {result['parts_s']['values']:.2f}, engine {result['parts_s']['engine']:.2f}; "
        f"CPU {result['cpu_median_s']:.2f}); "
        f"store {result['store_s']:.1f} s; {result['eligible']} eligible, {result['shortlisted']} shortlisted"
    )
    if not args.no_docs:
        runs = [r for r in previous_results() if r.get("database") != database] + [result]
        write_docs({"target_s": TARGET_SECONDS, "runs": runs})
        say(f"  wrote {HERE / 'RESULTS.md'} and {DOCS}")
    if not args.database_url:  # the scratch SQLite file of this run
        import shutil

        connection.close()
        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
    return 0 if result["median_s"] <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Public search at scale: load N generated disclosures into a scratch PostgreSQL database, time a fixed query mix
through the API layer, time a plain ILIKE scan of the same data in the same run, record plans, write the figures
to docs/benchmarks.md.

    .venv/bin/python -m bench search --n 1000000
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/nqihub_bench_search"
TARGET_P95_MS = 50.0
TARGET_RATIO = 20.0
TARGET_N = 1_000_000
SECTION_START, SECTION_END = "<!-- bench:search:start -->", "<!-- bench:search:end -->"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench search", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="disclosures to generate (default 100000)")
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--database-url", default=os.environ.get("NQIHUB_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of the query mix through the API")
    parser.add_argument("--baseline-rounds", type=int, default=1, help="rounds of the ILIKE baseline")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="generator processes")
    parser.add_argument("--reuse", action="store_true", help="keep the loaded data if N and seed match")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def prepare_database(url: str, keep_if: dict | None) -> bool:
    """Make sure the scratch database exists; keep it when it holds exactly `keep_if` (N, seed, generator
    version), otherwise drop and create it afresh. Returns whether the loaded data were kept."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"the benchmark only uses a database on this machine, not {parts.hostname}")
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
    if exists and keep_if is not None:
        with psycopg.connect(url) as conn:
            found = conn.execute(
                "SELECT value FROM pg_tables t JOIN LATERAL (SELECT value FROM bench_meta WHERE key = 'search') m "
                "ON true WHERE t.tablename = 'bench_meta'"
            ).fetchone()
        if found and json.loads(found[0]) == keep_if:
            return True
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    say(f"  created database {name}")
    return False


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqihub.settings")
    os.environ.pop("NQIHUB_DEBUG", None)
    import django

    django.setup()


def _mark_loaded(url: str, meta: dict, timings: dict) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)")
        conn.execute(
            "INSERT INTO bench_meta VALUES ('search', %s), ('search_load', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(meta), json.dumps(timings)],
        )


def _previous_load(url: str) -> dict:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT value FROM bench_meta WHERE key = 'search_load'").fetchone()
    return json.loads(row[0]) if row else {}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(values: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(values, 50), 1),
        "p95_ms": round(percentile(values, 95), 1),
        "p99_ms": round(percentile(values, 99), 1),
        "max_ms": round(max(values), 1) if values else 0.0,
        "mean_ms": round(statistics.fmean(values), 1) if values else 0.0,
        "samples": len(values),
    }


def time_api(mix, rounds: int, seed: int) -> tuple[list[dict], list[float]]:
    from django.test import Client

    client = Client()
    for _label, params in mix:  # warm-up: caches as a running site has them
        assert client.get("/api/v1/public/search", params).status_code == 200
    rng = random.Random(seed)
    per_query: dict[int, list[float]] = {i: [] for i in range(len(mix))}
    counts: dict[int, int] = {}
    for _round in range(rounds):
        order = list(range(len(mix)))
        rng.shuffle(order)
        for i in order:
            t0 = time.perf_counter()
            response = client.get("/api/v1/public/search", mix[i][1])
            per_query[i].append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.content[:300]
            body = response.json()
            counts[i] = f"{body['count']:,}" + ("" if body["count_exact"] else "+")
    rows = [
        {"kind": mix[i][0], "params": mix[i][1], "count": counts[i], **summary(per_query[i])}
        for i in range(len(mix))
    ]
    return rows, [ms for values in per_query.values() for ms in values]


def baseline_pattern(params: dict) -> str:
    from nqihub.engines.search_text import parse_query

    parsed = parse_query(params["q"])
    text = parsed.numbers[0].lower() if parsed.numbers else parsed.text
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def time_baseline(url: str, mix, rounds: int) -> tuple[list[dict], list[float]]:
    """The same questions as a plain ILIKE scan over one denormalised text per disclosure: the count and the
    newest page in one statement (what the API answers), without any API overhead."""
    from .load import ILIKE_TABLE

    sql = (
        f"SELECT disclosure_id, count(*) OVER () FROM {ILIKE_TABLE} "
        "WHERE state = ANY(%s) AND haystack ILIKE %s "
        "ORDER BY disclosed_at DESC, disclosure_id DESC LIMIT %s OFFSET %s"
    )
    rows, everything = [], []
    with psycopg.connect(url) as conn:
        conn.execute(f"SELECT count(*) FROM {ILIKE_TABLE} WHERE haystack ILIKE '%%示例%%'")  # warm-up scan
        for label, params in mix:
            states = ["disclosed", "abolished"] if params.get("status") == "all" else ["disclosed"]
            page = int(params.get("page", 1))
            samples, count = [], 0
            for _round in range(rounds):
                t0 = time.perf_counter()
                found = conn.execute(sql, [states, baseline_pattern(params), 20, (page - 1) * 20]).fetchall()
                samples.append((time.perf_counter() - t0) * 1000)
                count = found[0][1] if found else 0
            rows.append({"kind": label, "params": params, "count": count, **summary(samples)})
            everything += samples
    return rows, everything


def explain(params_list: list[dict]) -> str:
    """EXPLAIN ANALYZE of the statements one API call runs against the index table."""
    from django.db import connection, transaction
    from django.test import Client

    from nqihub.standards import search

    out = []
    for params in params_list:
        captured: list[tuple[str, list]] = []

        def record(execute, sql, params_, many, context, captured=captured):
            if search.TABLE in sql and "set_config" not in sql:
                captured.append((sql, list(params_ or [])))
            return execute(sql, params_, many, context)

        with connection.execute_wrapper(record):
            Client().get("/api/v1/public/search", params)
        out.append(f"### q={params}\n")
        for sql, sql_params in captured:
            with transaction.atomic(), connection.cursor() as cursor:
                search._PostgresIndex().prepare()
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, sql_params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                transaction.set_rollback(True)
            out.append(
                f"```\n-- {cursor.db.ops.last_executed_query(cursor, sql, sql_params)[:300]}\n{plan}\n```\n"
            )
    return "\n".join(out)


def check_plans(mix) -> dict:
    """Every PostgreSQL plan (walk, quarters, whole index) must give the answer the cost-based choice gives."""
    from nqihub.standards import search

    def answer(params):
        r = search.search_disclosures(search.SearchRequest(**params))
        return (r.count, r.count_exact, r.has_next, [(h.disclosure.pk, h.tier) for h in r.hits])

    differences = []
    try:
        for _label, params in mix:
            search._PostgresIndex.force = None
            expected = answer(params)
            for plan in ("walk", "periods", "index"):
                search._PostgresIndex.force = plan
                if answer(params) != expected:
                    differences.append({"params": params, "plan": plan})
    finally:
        search._PostgresIndex.force = None
    return {"queries": len(mix), "plans": 3, "differences": differences}


def time_maintenance(samples: int = 20) -> dict:
    """sync_search_entry on the loaded table: what disclosing one standard adds to its transaction."""
    from django.db import transaction

    from nqihub.standards.models import Disclosure
    from nqihub.standards.search import sync_search_entry

    ids = list(
        Disclosure.objects.filter(state="disclosed")
        .order_by("id")
        .values_list("id", flat=True)[: samples * 50 : 50]
    )
    timings = []
    for pk in ids:
        with transaction.atomic():
            disclosure = Disclosure.objects.select_related("enterprise").get(pk=pk)
            t0 = time.perf_counter()
            sync_search_entry(disclosure)
            timings.append((time.perf_counter() - t0) * 1000)
            transaction.set_rollback(True)
    return summary(timings)


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    cpu = ""
    if Path("/proc/cpuinfo").exists():
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in line
            ),
            "",
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
        cursor.execute("SHOW shared_buffers")
        (shared_buffers,) = cursor.fetchone()
        cursor.execute("SHOW autovacuum")
        (autovacuum,) = cursor.fetchone()
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('standards_searchentry')), "
            "pg_size_pretty(pg_relation_size('searchentry_tokens_current') "
            "+ pg_relation_size('searchentry_tokens_abolished')), "
            "pg_size_pretty(pg_total_relation_size('bench_search_ilike'))"
        )
        table_size, gin_size, ilike_size = cursor.fetchone()
    return {
        "nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or os.cpu_count(),
        "ram_gib": round(total_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": version,
        "shared_buffers": shared_buffers,
        "autovacuum": autovacuum,
        "index_table_size": table_size,
        "gin_index_size": gin_size,
        "ilike_table_size": ilike_size,
    }


def run(argv: list[str] | None = None) -> dict:
    args = arguments(argv)
    from . import generate

    say(f"search benchmark: N={args.n}, database {urlsplit(args.database_url).path.lstrip('/')}")
    meta = {"n": args.n, "seed": args.seed, "version": generate.GENERATOR_VERSION}
    kept = prepare_database(args.database_url, meta if args.reuse else None)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from nqihub.core.reference import load_reference_data

    from . import load
    from .queries import query_mix

    if kept:
        say("  data already loaded (--reuse)")
        timings = _previous_load(args.database_url)
    else:
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        load_reference_data()
        timings = {"migrate_reference_s": round(time.monotonic() - started, 1)}
        timings |= load.load(args.database_url, args.n, args.seed, args.workers, say)
        timings["total_load_s"] = round(time.monotonic() - started, 1)
        _mark_loaded(args.database_url, meta, timings)
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM standards_searchentry")
        (indexed,) = cursor.fetchone()
    mix = query_mix()
    say(f"  {indexed} indexed disclosures; {len(mix)} queries × {args.rounds} rounds through the API")
    load_before = os.getloadavg()[0]
    api_rows, api_all = time_api(mix, args.rounds, args.seed)
    load_after = os.getloadavg()[0]
    say(f"  API: {summary(api_all)}")
    say(f"  ILIKE baseline: {len(mix)} queries × {args.baseline_rounds} rounds")
    base_rows, base_all = time_baseline(args.database_url, mix, args.baseline_rounds)
    say(f"  ILIKE: {summary(base_all)}")
    api, base = summary(api_all), summary(base_all)
    result = {
        "date": datetime.date.today().isoformat(),
        "n": args.n,
        "seed": args.seed,
        "indexed": indexed,
        "machine": machine() | {"load_average": [round(load_before, 2), round(load_after, 2)]},
        "load": timings,
        "api": api,
        "ilike": base,
        "ratio_p95": round(base["p95_ms"] / api["p95_ms"], 1) if api["p95_ms"] else None,
        "ratio_p50": round(base["p50_ms"] / api["p50_ms"], 1) if api["p50_ms"] else None,
        "by_kind": by_kind(api_rows, base_rows),
        "queries": [
            {**a, "ilike_p50_ms": b["p50_ms"], "ilike_count": b["count"]}
            for a, b in zip(api_rows, base_rows, strict=True)
        ],
        "maintenance": time_maintenance(),
        "plan_check": check_plans(mix),
        "passed": {
            "p95": api["p95_ms"] <= TARGET_P95_MS,
            "ratio": bool(api["p95_ms"]) and base["p95_ms"] / api["p95_ms"] >= TARGET_RATIO,
        },
    }
    plans = explain([{"q": "铅"}, {"q": "GB 4806.4-2016"}, {"q": "陶瓷", "page": 3}])
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"search-{args.n}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    (RESULTS / f"search-{args.n}-plans.md").write_text(plans)
    say(f"  results: bench/results/search-{args.n}.json, plans: bench/results/search-{args.n}-plans.md")
    if not args.no_docs:
        write_docs(result)
        say("  docs/benchmarks.md updated")
    return result


def by_kind(api_rows: list[dict], base_rows: list[dict]) -> list[dict]:
    kinds: dict[str, tuple[list, list]] = {}
    for a, b in zip(api_rows, base_rows, strict=True):
        pair = kinds.setdefault(a["kind"], ([], []))
        pair[0].append(a["p95_ms"])
        pair[1].append(b["p50_ms"])
    return [
        {
            "kind": k,
            "queries": len(a),
            "api_worst_p95_ms": round(max(a), 1),
            "ilike_worst_ms": round(max(b), 1),
        }
        for k, (a, b) in kinds.items()
    ]


def _verdict(ok: bool) -> str:
    return "达标 pass" if ok else "未达标 fail"


def render(result: dict) -> str:
    m, api, base, load_ = result["machine"], result["api"], result["ilike"], result["load"]
    at_target = result["n"] >= TARGET_N
    lines = [
        SECTION_START,
        "## Public search (公开检索)",
        "",
        f"Run {result['date']} with `.venv/bin/python -m bench search --n {result['n']}` (seed {result['seed']});",
        "written by the benchmark itself — rerun it rather than editing these figures.",
        "",
        f"- Machine: `nproc` = {m['nproc']}, RAM {m['ram_gib']} GiB, {m['cpu'] or 'CPU unknown'}; "
        f"PostgreSQL {m['postgresql']} (shared_buffers {m['shared_buffers']}, autovacuum {m['autovacuum']}; "
        "the load ends with VACUUM ANALYZE), "
        f"Python {m['python']}. 1-minute load average before / after the timed API rounds: "
        f"{m['load_average'][0]} / {m['load_average'][1]} (the machine is shared; above {m['nproc']} means "
        "other work competed for the cores).",
        f"- Data: {result['n']:,} generated disclosures ({result['indexed']:,} published, so indexed), "
        f"index table {m['index_table_size']} with its GIN index {m['gin_index_size']}; ILIKE table "
        f"{m['ilike_table_size']}.",
        f"- Load: generate + tokenize + COPY {load_.get('generate_tokenize_copy_s', '—')} s, GIN build "
        f"{load_.get('gin_index_build_s', '—')} s, VACUUM ANALYZE {load_.get('vacuum_analyze_s', '—')} s, "
        f"total {load_.get('total_load_s', '—')} s.",
        f"- Query mix: {len(result['queries'])} queries (1-, 2- and 4-character words, standard numbers, "
        "enterprise names and USCCs, traditional characters, filters, deep pages), each "
        f"{api['samples'] // max(len(result['queries']), 1)} times through the API (`GET /api/v1/public/search`, "
        "Django test client: URL routing, middleware, DRF, JSON with 20 results) after one warm-up round.",
        "- Baseline, same run, same data: one `ILIKE '%…%'` statement per query over a denormalised text of "
        "every disclosure (number, enterprise, USCC, title, products, indicators), count and newest page "
        "together, timed at the database (no API overhead, so the ratio is conservative).",
        "",
        "| | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|",
        f"| search API | {api['p50_ms']} ms | {api['p95_ms']} ms | {api['p99_ms']} ms | {api['max_ms']} ms |",
        f"| ILIKE scan | {base['p50_ms']} ms | {base['p95_ms']} ms | {base['p99_ms']} ms | {base['max_ms']} ms |",
        f"| ratio | {result['ratio_p50']}× | {result['ratio_p95']}× | | |",
        "",
        f"Targets at {TARGET_N:,} disclosures: p95 ≤ {TARGET_P95_MS:.0f} ms — "
        + (_verdict(result["passed"]["p95"]) if at_target else f"not applicable at N={result['n']:,}")
        + f"; at least {TARGET_RATIO:.0f}× faster than ILIKE at p95 — "
        + (_verdict(result["passed"]["ratio"]) if at_target else f"not applicable at N={result['n']:,}")
        + ".",
        "",
        f"Index maintenance: `sync_search_entry` of one disclosure on this table: p50 "
        f"{result['maintenance']['p50_ms']} ms, p95 {result['maintenance']['p95_ms']} ms (GIN index with "
        "fastupdate off: each of the disclosure's ~180 tokens goes straight into the index).",
        "",
        f"Plan check: each of the {result['plan_check']['queries']} queries answered with every PostgreSQL plan "
        "forced in turn (walk, quarter by quarter, whole index) — "
        + (
            "identical answers (count, next page, ids and tiers)."
            if not result["plan_check"]["differences"]
            else f"{len(result['plan_check']['differences'])} DIFFERENCES, see the JSON results."
        ),
        "",
        "| kind | queries | API worst p95 | ILIKE worst |",
        "|---|---:|---:|---:|",
        *[
            f"| {k['kind']} | {k['queries']} | {k['api_worst_p95_ms']} ms | {k['ilike_worst_ms']} ms |"
            for k in result["by_kind"]
        ],
        "",
        "<details><summary>Every query</summary>",
        "",
        "| kind | query | matches (API: exact up to 200) | API p50 | API p95 | ILIKE matches | ILIKE |",
        "|---|---|---:|---:|---:|---:|---:|",
        *[
            f"| {q['kind']} | `{json.dumps(q['params'], ensure_ascii=False)}` | {q['count']} | {q['p50_ms']} ms "
            f"| {q['p95_ms']} ms | {q['ilike_count']:,} | {q['ilike_p50_ms']} ms |"
            for q in result["queries"]
        ],
        "",
        "</details>",
        SECTION_END,
    ]
    return "\n".join(lines)


def write_docs(result: dict) -> None:
    section = render(result)
    if DOCS.exists():
        text = DOCS.read_text()
    else:
        text = "# Benchmarks\n\nMeasured figures, each section written by its benchmark under `bench/`.\n\n"
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOCS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    result = run(argv)
    return 0 if result["n"] < TARGET_N or all(result["passed"].values()) else 1

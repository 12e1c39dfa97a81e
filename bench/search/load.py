"""Loading generated rows into the real tables of a scratch PostgreSQL database with COPY.

Secondary indexes (the GIN index included) are dropped before the load and rebuilt after it, foreign-key
triggers are off during COPY (the generator's keys are consistent by construction), and one COPY stream per
table runs on its own connection while worker processes generate and tokenize chunks in parallel. Search
tokens come from the same code path as `sync_search_entry` (`search_document` → `index_tokens`).
"""

from __future__ import annotations

import datetime
import multiprocessing
import time
from collections.abc import Callable

import psycopg
from django.db import models

from nqihub.engines.search_text import fold_search, index_tokens
from nqihub.registry.models import Enterprise
from nqihub.standards.models import Disclosure, Indicator, Product, SearchEntry
from nqihub.standards.search import search_document

from . import generate

CHUNK = 5000
ILIKE_TABLE = "bench_search_ilike"
LOADED_MODELS = (Enterprise, Disclosure, Product, Indicator, SearchEntry)
_NOW = datetime.datetime.now(datetime.UTC)
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

# Set in the parent before the worker pool forks.
_ENTERPRISES: list[generate.GeneratedEnterprise] = []
_SEED = 0
_N = 0


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_ESCAPES)
    return text


def _encode(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, list):  # search tokens → tsvector text: every lexeme quoted (none holds a quote)
        return _escape("'" + "' '".join(value) + "'") if value else ""
    return _escape(str(value))


def _columns(model: type[models.Model], with_pk: bool = True) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]


def _row(fields: list[models.Field], values: dict) -> str:
    cells = []
    for f in fields:
        if f.attname in values:
            value = values[f.attname]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = _NOW
        else:
            value = f.get_default()
            if value == "" and f.null and not isinstance(f, models.CharField | models.TextField):
                value = None
        cells.append(_encode(value))
    return "\t".join(cells) + "\n"


COPY_FIELDS = {
    Enterprise: _columns(Enterprise),
    Disclosure: _columns(Disclosure),
    Product: _columns(Product, with_pk=False),
    Indicator: _columns(Indicator, with_pk=False),
    SearchEntry: _columns(SearchEntry),
}


def copy_statement(model: type[models.Model]) -> str:
    columns = ", ".join(f.column for f in COPY_FIELDS[model])
    return f"COPY {model._meta.db_table} ({columns}) FROM STDIN"


def enterprise_rows(enterprises: list[generate.GeneratedEnterprise]) -> str:
    fields = COPY_FIELDS[Enterprise]
    return "".join(
        _row(
            fields,
            {
                "id": e.id,
                "name": e.name,
                "uscc": e.uscc,
                "region_code": e.region_code,
                "industry_code": e.industry_code,
                "is_demo": True,
            },
        )
        for e in enterprises
    )


_MODEL_ENTERPRISES: dict[int, Enterprise] = {}


def _model_enterprise(e: generate.GeneratedEnterprise) -> Enterprise:
    found = _MODEL_ENTERPRISES.get(e.id)
    if found is None:
        found = Enterprise(
            id=e.id, name=e.name, uscc=e.uscc, region_code=e.region_code, industry_code=e.industry_code
        )
        _MODEL_ENTERPRISES[e.id] = found
    return found


def chunk_rows(chunk: int) -> dict[str, str]:
    """COPY text of one chunk of disclosures for every table, and of the ILIKE baseline table."""
    out = {"disclosure": [], "product": [], "indicator": [], "entry": [], "ilike": []}
    for g in generate.make_disclosures(chunk, CHUNK, _N, _ENTERPRISES, _SEED):
        values = {
            "id": g.id,
            "enterprise_id": g.enterprise.id,
            "region_code": g.enterprise.region_code,
            "kind": g.kind,
            "standard_number": g.number,
            "normalized_number": g.normalized,
            "title": g.title,
            "state": g.state,
            "version": g.version,
            "disclosed_at": g.disclosed_at,
            "abolished_at": g.disclosed_at + datetime.timedelta(days=365) if g.state == "abolished" else None,
            "is_demo": True,
        }
        out["disclosure"].append(_row(COPY_FIELDS[Disclosure], values))
        products = []
        for position, (name, model, category, spec) in enumerate(g.products):
            product = {
                "disclosure_id": g.id,
                "name": name,
                "model": model,
                "category_code": category,
                "specification": spec,
                "position": position,
            }
            out["product"].append(_row(COPY_FIELDS[Product], product))
            products.append(Product(**product))
        indicators = []
        for position, (name, requirement, unit, method) in enumerate(g.indicators):
            indicator = {
                "disclosure_id": g.id,
                "name": name,
                "requirement": requirement,
                "unit": unit,
                "test_method": method,
                "position": position,
            }
            out["indicator"].append(_row(COPY_FIELDS[Indicator], indicator))
            indicators.append(Indicator(**indicator))
        if g.state not in ("disclosed", "abolished"):
            continue
        disclosure = Disclosure(**values)
        disclosure.enterprise = _model_enterprise(g.enterprise)
        tokens = index_tokens(search_document(disclosure, products, indicators))
        out["entry"].append(
            _row(
                COPY_FIELDS[SearchEntry],
                {
                    "disclosure_id": g.id,
                    "disclosed_at": g.disclosed_at,
                    "tokens": tokens,
                    "is_abolished": g.state == "abolished",
                },
            )
        )
        haystack = " ".join(
            [g.number, g.normalized, g.enterprise.uscc, g.enterprise.name, g.title]
            + [" ".join(p[:2]) + " " + p[3] for p in g.products]
            + [f"{i[0]} {i[3]}" for i in g.indicators]
        )
        out["ilike"].append(
            "\t".join(_encode(v) for v in (g.id, g.disclosed_at, g.state, fold_search(haystack))) + "\n"
        )
    return {table: "".join(lines) for table, lines in out.items()}


def _secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes that back no constraint (so they can be dropped and rebuilt)."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
        ORDER BY i.relname
        """,
        [tables],
    )
    return cursor.fetchall()


def load(url: str, n: int, seed: int, workers: int, say: Callable[[str], None]) -> dict:
    """Empty the tables, load n disclosures and their enterprises, rebuild the indexes; returns timings."""
    global _ENTERPRISES, _SEED, _N
    generate.check_vocabulary()
    timings: dict[str, float] = {}
    started = time.monotonic()
    _ENTERPRISES = generate.make_enterprises(n, seed)
    _SEED, _N = seed, n
    timings["enterprises_generated_s"] = round(time.monotonic() - started, 1)
    tables = [m._meta.db_table for m in LOADED_MODELS]
    with psycopg.connect(url, autocommit=True) as admin:
        cur = admin.cursor()
        cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cur.execute(f"DROP TABLE IF EXISTS {ILIKE_TABLE}")
        cur.execute(
            f"CREATE TABLE {ILIKE_TABLE} (disclosure_id bigint PRIMARY KEY, disclosed_at timestamptz, "
            "state varchar(16) NOT NULL, haystack text NOT NULL)"
        )
        indexes = _secondary_indexes(cur, tables)
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    say(f"  {len(_ENTERPRISES)} enterprises; dropped {len(indexes)} secondary indexes for the load")

    streams = {
        "disclosure": copy_statement(Disclosure),
        "product": copy_statement(Product),
        "indicator": copy_statement(Indicator),
        "entry": copy_statement(SearchEntry),
        "ilike": f"COPY {ILIKE_TABLE} (disclosure_id, disclosed_at, state, haystack) FROM STDIN",
    }
    connections = {key: psycopg.connect(url) for key in streams}
    started = time.monotonic()
    try:
        for conn in connections.values():
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET synchronous_commit = off")
        with connections["disclosure"].cursor().copy(copy_statement(Enterprise)) as copy:
            copy.write(enterprise_rows(_ENTERPRISES))
        copies = {key: connections[key].cursor().copy(sql) for key, sql in streams.items()}
        entered = {key: c.__enter__() for key, c in copies.items()}
        chunks = range((n + CHUNK - 1) // CHUNK)
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            for done, rows in enumerate(pool.imap(chunk_rows, chunks), start=1):
                for key, text in rows.items():
                    entered[key].write(text)
                if done % 20 == 0 or done == len(chunks):
                    say(f"  loaded {min(done * CHUNK, n)} / {n} ({time.monotonic() - started:.0f}s)")
        for c in copies.values():
            c.__exit__(None, None, None)
        for conn in connections.values():
            conn.commit()
    finally:
        for conn in connections.values():
            conn.close()
    timings["generate_tokenize_copy_s"] = round(time.monotonic() - started, 1)

    with psycopg.connect(url, autocommit=True) as admin:
        cur = admin.cursor()
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        for name, definition in indexes:
            t0 = time.monotonic()
            cur.execute(definition)
            seconds = round(time.monotonic() - t0, 1)
            if name.startswith("searchentry_tokens_"):
                timings["gin_index_build_s"] = round(timings.get("gin_index_build_s", 0) + seconds, 1)
            say(f"  index {name}: {seconds}s")
        t0 = time.monotonic()
        for table in ("registry_enterprise", "standards_disclosure"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        timings["other_indexes_s"] = round(time.monotonic() - t0, 1)
        t0 = time.monotonic()
        for table in [*tables, ILIKE_TABLE]:
            cur.execute(f"VACUUM (FREEZE, ANALYZE) {table}")
        timings["vacuum_analyze_s"] = round(time.monotonic() - t0, 1)
    return timings

"""Review throughput on one core: intake (read + references + indicator tables + structure facts) of a
generated corpus of enterprise standards, 20, 30 and 40 pages, 10–40 indicators, as DOCX and PDF.

    python -m bench review [--docx-per-size 5] [--pdf-per-size 1] [--rounds 3] [--corpus DIR] [--out FILE]

The corpus is generated once into a directory (a temporary one unless --corpus is given, which is then reused),
the process is pinned to one CPU, every document is timed `--rounds` times after a warm-up and its median kept.
Writes the figures to bench/review/RESULTS.md (or --out). `review_one(path, review=…)` is the hook for the
review checks: pass a callable taking the intake result and its cost is timed with the rest.

Then the whole review path of every DOCX — `nqihub.review.services.review_document`: intake, the look-ups over
the catalogue and the limit tables, the checks C1–C8 — over a migrated SQLite scratch database holding the
reference data (`--no-full` skips it; `--profile` adds where its time goes, by cProfile).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from nqihub.engines.stdnum import normalize
from nqihub.review.docgen import DocumentSpec, make_standard, standard_content
from nqihub.review.intake import (
    Document,
    IndicatorRow,
    Reference,
    StructureFacts,
    extract_indicator_tables,
    extract_references,
    read_document,
    structure_facts,
)

HERE = Path(__file__).resolve().parent
SIZES = (20, 30, 40)
INDICATORS = (10, 20, 30, 40)
TARGET_DOCX_PER_SECOND = 10
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Intake:
    """What the review checks get: the document and everything extracted from it."""

    document: Document
    references: list[Reference]
    indicators: list[IndicatorRow]
    facts: StructureFacts


Review = Callable[[Intake], object]


@dataclass(frozen=True)
class CorpusItem:
    path: Path
    spec: DocumentSpec
    expected_indicators: int
    expected_references: frozenset[str]


def intake(path: Path, *, isolate: bool = False) -> Intake:
    """The whole intake of one file, as the review runs it."""
    document = read_document(path.read_bytes(), path.name, max_bytes=MAX_BYTES, isolate=isolate)
    return Intake(
        document, extract_references(document), extract_indicator_tables(document), structure_facts(document)
    )


def review_one(path: Path, review: Review | None = None, *, isolate: bool = False) -> float:
    """Seconds to take one standard through intake and then `review` (the checks; none by default)."""
    started = time.perf_counter()
    result = intake(path, isolate=isolate)
    if review is not None:
        review(result)
    return time.perf_counter() - started


def build_corpus(
    directory: Path, docx_per_size: int, pdf_per_size: int, seed: int = 2026
) -> list[CorpusItem]:
    """Generate (or reuse, when the manifest matches) the corpus: every size with 10–40 indicators in turn."""
    manifest = directory / "manifest.json"
    wanted = {
        "docx_per_size": docx_per_size,
        "pdf_per_size": pdf_per_size,
        "seed": seed,
        "sizes": list(SIZES),
    }
    specs: list[DocumentSpec] = []
    n = 0
    for pages in SIZES:
        for fmt, count in (("docx", docx_per_size), ("pdf", pdf_per_size)):
            for _ in range(count):
                specs.append(
                    DocumentSpec(
                        format=fmt,
                        target_pages=pages,
                        n_indicators=INDICATORS[n % len(INDICATORS)],
                        seed=seed + n,
                        number=f"Q/SLSP {n + 1:04d}—2025",
                    )
                )
                n += 1
    reuse = manifest.exists() and json.loads(manifest.read_text()) == wanted
    items = []
    for index, spec in enumerate(specs):
        path = directory / f"standard-{index:03d}-{spec.target_pages}p-{spec.n_indicators}i.{spec.format}"
        if not (reuse and path.exists()):
            path.write_bytes(make_standard(spec))
        content = standard_content(spec)
        items.append(
            CorpusItem(
                path,
                spec,
                len(content.indicators),
                frozenset(normalize(number) or number for number, _ in content.references),
            )
        )
    manifest.write_text(json.dumps(wanted))
    return items


def _pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


@dataclass
class Measurement:
    item: CorpusItem
    pages: int
    seconds: float  # wall clock
    cpu: float  # CPU time of this process: the per-core cost, whatever else runs on the machine
    read: float
    extract: float
    indicators_found: int
    references_found: int
    references_expected_found: int


def measure(item: CorpusItem, rounds: int) -> Measurement:
    """Median of `rounds` timed runs after one warm-up; the split between reading and extracting."""
    result = intake(item.path)  # warm-up: file cache, lazy imports, the unit registry
    totals, reads, cpus = [], [], []
    for _ in range(rounds):
        cpu_started = time.process_time()
        started = time.perf_counter()
        document = read_document(item.path.read_bytes(), item.path.name, max_bytes=MAX_BYTES, isolate=False)
        read_done = time.perf_counter()
        extract_references(document)
        extract_indicator_tables(document)
        structure_facts(document)
        totals.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
        reads.append(read_done - started)
    total, read = statistics.median(totals), statistics.median(reads)
    normative = {r.normalized for r in result.references if r.normative}
    return Measurement(
        item,
        result.document.pages,
        total,
        statistics.median(cpus),
        read,
        total - read,
        len(result.indicators),
        len(normative),
        len(normative & item.expected_references),
    )


def isolation_cost(items: Sequence[CorpusItem], rounds: int) -> dict[str, tuple[float, float]]:
    """Median seconds per document in process and in an isolated child process (forkserver), per format."""
    out: dict[str, tuple[float, float]] = {}
    for fmt in ("docx", "pdf"):
        chosen = [i for i in items if i.spec.format == fmt][:3]
        if not chosen:
            continue
        for item in chosen:
            review_one(item.path, isolate=True)  # starts the fork server
        inside = [review_one(i.path) for i in chosen for _ in range(rounds)]
        isolated = [review_one(i.path, isolate=True) for i in chosen for _ in range(rounds)]
        out[fmt] = (statistics.median(inside), statistics.median(isolated))
    return out


# --- the whole review path: intake + look-ups + checks, over a scratch database -------------------------------


def setup_review_database(directory: Path) -> str:
    """Django on a fresh SQLite file in `directory`: migrated, the reference data loaded, the demo catalogue rows
    (so the generated standards' dated reference is found current) and GB 2762's lead limit (so C3 compares
    one). Returns the database path."""
    import django
    from django.apps import apps

    if apps.ready:
        raise RuntimeError(
            "Django is already set up in this process: run `python -m bench review` on its own"
        )
    path = directory / "review-bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "nqihub.settings"
    os.environ.pop("NQIHUB_DEBUG", None)
    django.setup()
    from django.core.management import call_command

    from nqihub.core.reference import load_reference_data
    from nqihub.demo.standards import ensure_demo_catalogue
    from nqihub.review.limits import LimitRow, load_limit_table

    call_command("migrate", verbosity=0, interactive=False)
    load_reference_data()
    ensure_demo_catalogue()
    load_limit_table(
        None,
        standard_number="GB 2762-2022",
        title="食品安全国家标准 食品中污染物限量(基准测试数据)",
        source="基准测试数据,非官方限量表",
        rows=[LimitRow(indicator="铅(以Pb计)", category="焙烤食品", requirement="≤0.5", unit="mg/kg")],
    )
    return str(path)


@dataclass
class FullMeasurement:
    item: CorpusItem
    seconds: float  # wall clock of the whole path
    cpu: float  # CPU time of the whole path
    intake_cpu: float  # of which reading the document (services.read_standard)
    checks_cpu: float  # of which the review input, the look-ups and the checks
    outcome: str
    findings: int


def measure_full(item: CorpusItem, rounds: int) -> FullMeasurement:
    """Medians over `rounds` of the path `review_document` takes (what the CLI and the upload self-check run),
    timed in its two steps: reading the document, then the look-ups and checks."""
    from nqihub.review.services import input_from_document, read_standard, review_document, run_checks

    _, _, result = review_document(item.path.read_bytes(), item.path.name)  # warm-up
    walls, cpus, reads, checks = [], [], [], []
    for _ in range(rounds):
        cpu_started = time.process_time()
        started = time.perf_counter()
        reading = read_standard(item.path.read_bytes(), item.path.name)
        cpu_read = time.process_time()
        run_checks(input_from_document(reading))
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
        reads.append(cpu_read - cpu_started)
        checks.append(time.process_time() - cpu_read)
    return FullMeasurement(
        item,
        statistics.median(walls),
        statistics.median(cpus),
        statistics.median(reads),
        statistics.median(checks),
        result.outcome,
        len(result.findings),
    )


def profile_full(items: Sequence[CorpusItem], top: int = 15) -> list[tuple[str, float, float]]:
    """(function, own seconds, cumulative seconds) of the whole path over `items`, by cumulative time."""
    import cProfile
    import pstats

    from nqihub.review.services import review_document

    profiler = cProfile.Profile()
    profiler.enable()
    for item in items:
        review_document(item.path.read_bytes(), item.path.name)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = []
    for (filename, line, function), (_, _, own, cumulative, _) in stats.items():
        where = f"{Path(filename).name}:{line}({function})" if line else function
        rows.append((where, own, cumulative))
    rows.sort(key=lambda row: row[2], reverse=True)
    return rows[:top]


def _per_format(measurements: Sequence[Measurement], fmt: str) -> list[Measurement]:
    return [m for m in measurements if m.item.spec.format == fmt]


def report(
    measurements: Sequence[Measurement],
    isolation: dict[str, tuple[float, float]],
    pinned: str,
    args: argparse.Namespace,
    full: Sequence[FullMeasurement] = (),
    profile: Sequence[tuple[str, float, float]] = (),
) -> str:
    """The RESULTS.md text."""
    lines = [
        "# Standard review — intake and the whole review path",
        "",
        f"Generated by `{' '.join(['python -m bench review', *args.argv])}` on {time.strftime('%Y-%m-%d')}.",
        "",
        f"Machine: {_cpu_model()}, {os.cpu_count()} CPUs, {pinned}; Python {platform.python_version()}, "
        f"python-docx {metadata.version('python-docx')}, pdfplumber {metadata.version('pdfplumber')} "
        f"(pdfminer.six {metadata.version('pdfminer.six')}).",
        "",
        "Per document: `read_document` (in process) + `extract_references` + `extract_indicator_tables` + "
        f"`structure_facts`; median of {args.rounds} runs after a warm-up (PDF: at most 2). The look-ups and "
        "checks are added in the last section (whole review path). *Per core* is the CPU time of the one "
        "pinned process; the wall clock also counts waiting for the CPU when other work shares the machine.",
        "",
        "## Throughput per core",
        "",
        "| format | documents | pages (mean) | indicators (mean) | CPU ms per standard "
        "| standards/s per core | wall ms per standard | read share |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for fmt in ("docx", "pdf"):
        group = _per_format(measurements, fmt)
        if not group:
            continue
        seconds = statistics.mean(m.seconds for m in group)
        cpu = statistics.mean(m.cpu for m in group)
        lines.append(
            f"| {fmt.upper()} | {len(group)} | {statistics.mean(m.pages for m in group):.1f} | "
            f"{statistics.mean(m.item.expected_indicators for m in group):.1f} | {cpu * 1000:.1f} | "
            f"{1 / cpu:.1f} | {seconds * 1000:.1f} | {statistics.mean(m.read / m.seconds for m in group):.0%} |"
        )
    docx = _per_format(measurements, "docx")
    if docx:
        rate = 1 / statistics.mean(m.cpu for m in docx)
        wall = 1 / statistics.mean(m.seconds for m in docx)
        verdict = "met" if rate >= TARGET_DOCX_PER_SECOND else "NOT met"
        lines += [
            "",
            f"Target ≥ {TARGET_DOCX_PER_SECOND} DOCX standards/s per core: **{verdict}** "
            f"({rate:.1f}/s on CPU time; {wall:.1f}/s on this run's wall clock).",
        ]
    lines += [
        "",
        "## Time against document size",
        "",
        "| target pages | format | actual pages (mean) | CPU ms per standard | CPU ms per page "
        "| wall ms | read / extract wall ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for pages in SIZES:
        for fmt in ("docx", "pdf"):
            group = [m for m in _per_format(measurements, fmt) if m.item.spec.target_pages == pages]
            if not group:
                continue
            seconds = statistics.mean(m.seconds for m in group)
            cpu = statistics.mean(m.cpu for m in group)
            actual = statistics.mean(m.pages for m in group)
            lines.append(
                f"| {pages} | {fmt.upper()} | {actual:.1f} | {cpu * 1000:.1f} | {cpu * 1000 / actual:.2f} | "
                f"{seconds * 1000:.1f} | {statistics.mean(m.read for m in group) * 1000:.1f} / "
                f"{statistics.mean(m.extract for m in group) * 1000:.1f} |"
            )
    found = sum(m.indicators_found for m in measurements)
    expected = sum(m.item.expected_indicators for m in measurements)
    refs_ok = sum(m.references_expected_found for m in measurements)
    refs_expected = sum(len(m.item.expected_references) for m in measurements)
    lines += [
        "",
        "## Extraction against the generator's ground truth",
        "",
        f"Indicator rows found {found} of {expected}; chapter 2 references found {refs_ok} of {refs_expected}.",
    ]
    if isolation:
        lines += [
            "",
            "## Cost of isolation (parse in a child process that a timeout can stop)",
            "",
            "| format | in process ms | isolated ms | overhead ms |",
            "|---|---|---|---|",
        ]
        for fmt, (inside, isolated) in isolation.items():
            lines.append(
                f"| {fmt.upper()} | {inside * 1000:.1f} | {isolated * 1000:.1f} | {(isolated - inside) * 1000:+.1f} |"
            )
        lines += [
            "",
            "`read_document(isolate=None)` isolates every PDF and any DOCX over 8 MiB unpacked; a small DOCX is "
            "parsed in process (its cost is bounded by the ZIP checks).",
        ]
    if full:
        lines += full_report(full, profile)
    return "\n".join(lines) + "\n"


def full_report(
    full: Sequence[FullMeasurement],
    profile: Sequence[tuple[str, float, float]],
) -> list[str]:
    """The section on the whole review path of the DOCX corpus."""
    cpu = statistics.mean(f.cpu for f in full)
    wall = statistics.mean(f.seconds for f in full)
    reading = statistics.mean(f.intake_cpu for f in full)
    checks = statistics.mean(f.checks_cpu for f in full)
    rate = 1 / cpu
    verdict = "met" if rate >= TARGET_DOCX_PER_SECOND else "NOT met"
    outcomes = sorted({f.outcome for f in full})
    lines = [
        "",
        "## Whole review path (DOCX): intake + look-ups + checks C1–C8",
        "",
        "`nqihub.review.services.review_document` per document — what `nqihub review` and the upload self-check "
        "run — over a migrated SQLite scratch database with the reference data, the demo catalogue rows and one "
        "GB 2762 limit row (benchmark data), so C2 looks every dated reference up and C3 compares a limit. "
        "Same corpus, same pinned core, median of the same number of runs.",
        "",
        "| documents | CPU ms per standard | of which intake | of which look-ups + checks "
        "| standards/s per core | wall ms per standard |",
        "|---|---|---|---|---|---|",
        f"| {len(full)} | {cpu * 1000:.1f} | {reading * 1000:.1f} | {checks * 1000:.1f} | "
        f"{rate:.1f} | {wall * 1000:.1f} |",
        "",
        f"Target ≥ {TARGET_DOCX_PER_SECOND} DOCX standards/s per core on the whole path: **{verdict}** "
        f"({rate:.1f}/s on CPU time; {1 / wall:.1f}/s on this run's wall clock). Outcomes: {', '.join(outcomes)}; "
        f"{statistics.mean(f.findings for f in full):.1f} findings per standard on average.",
    ]
    if profile:
        lines += [
            "",
            "### Where the time goes (cProfile over the DOCX corpus, by cumulative time)",
            "",
            "| function | own s | cumulative s |",
            "|---|---|---|",
            *(f"| `{where}` | {own:.3f} | {cumulative:.3f} |" for where, own, cumulative in profile),
        ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench review", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--docx-per-size", type=int, default=5, help="DOCX documents per page size (default 5)"
    )
    parser.add_argument("--pdf-per-size", type=int, default=1, help="PDF documents per page size (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per document (default 3)")
    parser.add_argument("--corpus", type=Path, help="directory for the generated corpus (kept and reused)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where to write the figures")
    parser.add_argument("--no-isolation", action="store_true", help="skip measuring the child-process cost")
    parser.add_argument(
        "--no-full", action="store_true", help="skip the whole review path (intake + checks over a database)"
    )
    parser.add_argument("--profile", action="store_true", help="profile the whole path (cProfile)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    args.argv = list(argv) if argv is not None else sys.argv[1:]
    if min(args.docx_per_size, args.pdf_per_size) < 0 or args.rounds < 1:
        parser.error("counts must not be negative and --rounds at least 1")

    pinned = _pin_to_one_core()
    with tempfile.TemporaryDirectory(prefix="nqihub-review-bench-") as scratch:
        directory = args.corpus or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        items = build_corpus(directory, args.docx_per_size, args.pdf_per_size)
        print(
            f"corpus: {len(items)} documents in {directory} ({time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        measurements = []
        for item in items:
            rounds = args.rounds if item.spec.format == "docx" else max(1, min(args.rounds, 2))
            measurement = measure(item, rounds)
            measurements.append(measurement)
            print(
                f"  {item.path.name}: {measurement.pages} pages, {measurement.indicators_found} indicators, "
                f"{measurement.cpu * 1000:.1f} ms CPU, {measurement.seconds * 1000:.1f} ms wall",
                flush=True,
            )
        isolation = {} if args.no_isolation else isolation_cost(items, rounds=args.rounds)
        full: list[FullMeasurement] = []
        profile: list[tuple[str, float, float]] = []
        docx = [i for i in items if i.spec.format == "docx"]
        if docx and not args.no_full:
            started = time.perf_counter()
            database = setup_review_database(Path(scratch))
            print(f"review database: {database} ({time.perf_counter() - started:.1f} s)", flush=True)
            for item in docx:
                measurement = measure_full(item, args.rounds)
                full.append(measurement)
                print(
                    f"  {item.path.name}: whole path {measurement.cpu * 1000:.1f} ms CPU, "
                    f"{measurement.seconds * 1000:.1f} ms wall, {measurement.outcome}",
                    flush=True,
                )
            rate = 1 / statistics.mean(f.cpu for f in full)
            if args.profile or rate < TARGET_DOCX_PER_SECOND:
                profile = profile_full(docx)
    text = report(measurements, isolation, pinned, args, full, profile)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Reviewing standards: a document (CLI, self-check before disclosure) or a disclosure (regulators, batches).

Intake reads the document (nqihub.review.intake), this module builds the plain `ReviewInput` with look-ups over
the catalogue and the limit tables, runs the checks (nqihub.review.checks), and stores the result per version.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqihub.core.audit import record_event
from nqihub.core.scoping import Action, can, restrict
from nqihub.engines import stdnum
from nqihub.engines.requirements import parse_requirement
from nqihub.standards.catalogue import replacement_of
from nqihub.standards.models import CatalogueStandard, CatalogueStatus, Disclosure, DisclosureState

from . import checks, intake
from .alignment import align_indicators
from .models import Finding, LimitRequirement, LimitTable, Review, ReviewBatch

PRODUCT_ROLES = {
    "要求": "requirements",
    "试验方法": "test_methods",
    "检验规则": "inspection_rules",
    "标志、包装、运输和贮存": "marking",
}


# --- look-ups over the database


def catalogue_lookup(check_date: datetime.date) -> checks.CatalogueLookup:
    """The catalogue as the checks see it on `check_date` (an upcoming standard counts as current once in force)."""

    def look(normalized: str) -> checks.CatalogueEntry | None:
        row = CatalogueStandard.objects.filter(normalized_number=normalized).first()
        if row is None:
            return None
        status = row.status
        if status == CatalogueStatus.UPCOMING and row.implemented_on and row.implemented_on <= check_date:
            status = CatalogueStatus.CURRENT
        successor = (
            replacement_of(row) if status in (CatalogueStatus.ABOLISHED, CatalogueStatus.REPLACED) else None
        )
        return checks.CatalogueEntry(
            row.normalized_number,
            row.title_zh,
            status,
            successor.normalized_number if successor else "",
            successor.title_zh if successor else "",
        )

    return look


def _nature(table: LimitTable) -> str:
    if table.catalogue_standard_id and table.catalogue_standard.nature:
        return table.catalogue_standard.nature
    parsed = stdnum.parse(table.normalized_number)
    return parsed.standard.nature or "" if parsed.ok else ""


@lru_cache(maxsize=4096)
def _requirement(text: str, unit: str):
    return parse_requirement(text, unit=unit or None)


def applicable_tables(cited: list[str], industry_codes: list[str]) -> list[LimitTable]:
    """Limit tables that apply: those of standards the document cites (any edition when cited undated), and
    those declared for the products' industry codes."""
    exact: set[str] = set()
    editions: list[str] = []
    for number in cited:
        parsed = stdnum.parse(number)
        if not parsed.ok:
            continue
        std = parsed.standard
        if std.year:
            exact.add(std.normalized)
        else:
            editions.append(f"{std.normalized}-")
    if not (exact or editions or industry_codes):
        return []
    # One query for all of them: a deployment holds tens of limit tables, a standard cites tens of standards,
    # and a query per citation was 40 % of a review's time (bench/review).
    tables = []
    for table in LimitTable.objects.select_related("catalogue_standard"):
        prefixes = [p.strip() for p in table.industry_codes.replace("，", ",").split(",") if p.strip()]
        if (
            table.normalized_number in exact
            or table.normalized_number.startswith(tuple(editions))
            or any(code.startswith(p) for p in prefixes for code in industry_codes)
        ):
            tables.append(table)
    return tables


def limits_lookup(tables: list[LimitTable], names: list[str]) -> checks.LimitLookup:
    """Requirements of the applicable tables for each indicator name of the standard, aligned once (same name,
    synonym or a confirmed pair — never an unconfirmed fuzzy guess)."""
    if not tables or not names:
        return lambda name: ()
    rows = list(LimitRequirement.objects.filter(table__in=tables).select_related("table"))
    table_names = sorted({r.indicator for r in rows})
    matched: dict[str, set[str]] = {}
    for candidate in align_indicators(names, table_names):
        if candidate.a and candidate.b and candidate.reason in ("same name", "synonym", "confirmed"):
            matched.setdefault(candidate.a, set()).add(candidate.b)
    by_name: dict[str, list[checks.LimitRef]] = {}
    natures = {t.pk: _nature(t) for t in tables}
    for row in rows:
        for name, targets in matched.items():
            if row.indicator in targets:
                requirement = _requirement(row.requirement, row.unit)
                if requirement.ok:
                    by_name.setdefault(name, []).append(
                        checks.LimitRef(
                            row.table.standard_number,
                            natures[row.table_id],
                            row.indicator,
                            row.category,
                            requirement,
                        )
                    )
    return lambda name: by_name.get(name, ())


# --- building the input


@dataclass
class DocumentReading:
    document: intake.Document
    references: list[intake.Reference]
    indicators: list[intake.IndicatorRow]
    structure: intake.StructureFacts


def read_standard(data: bytes, filename: str) -> DocumentReading:
    """Intake of one DOCX or PDF; raises intake.IntakeError with a clear message for unreadable input."""
    document = intake.read_document(
        data,
        filename,
        max_bytes=settings.MAX_UPLOAD_BYTES,
        timeout_s=getattr(settings, "REVIEW_PARSE_TIMEOUT_S", 20),
    )
    return DocumentReading(
        document,
        intake.extract_references(document),
        intake.extract_indicator_tables(document),
        intake.structure_facts(document),
    )


def _structure(facts: intake.StructureFacts, product_standard: bool) -> checks.StructureIn:
    return checks.StructureIn(
        has_foreword=facts.has_foreword,
        drafting_rules_edition=facts.drafting_rules,
        chapters=dict(facts.chapter_titles),
        product_standard=product_standard,
        cover_number=facts.cover.normalized or facts.cover.number or None,
        product_chapters={
            title: facts.chapters.get(role) is not None for title, role in PRODUCT_ROLES.items()
        },
    )


def _references(reading: DocumentReading) -> list[checks.ReferenceIn]:
    return [
        checks.ReferenceIn(
            r.text, r.normalized, r.normative, r.dated, str(r.locations[0]) if r.locations else ""
        )
        for r in reading.references
    ]


def input_from_document(
    reading: DocumentReading, *, region_code: str = "", check_date=None
) -> checks.ReviewInput:
    facts = reading.structure
    indicators = [
        checks.IndicatorIn(row.name, row.requirement, row.unit, row.test_method, row.grade, str(row.location))
        for row in reading.indicators
    ]
    return checks.ReviewInput(
        number=facts.cover.normalized or facts.cover.number,
        title=facts.cover.title,
        region_code=region_code,
        references=_references(reading),
        indicators=indicators,
        structure=_structure(
            facts, product_standard=bool(indicators) or facts.chapters.get("requirements") is not None
        ),
        check_date=check_date or timezone.localdate(),
        enterprise_patterns=getattr(settings, "ENTERPRISE_STANDARD_PATTERNS", None) or None,
        explicit_statement=facts.foreword_text if "明示" in facts.foreword_text else "",
    )


def run_checks(data: checks.ReviewInput, industry_codes: list[str] = ()) -> checks.ReviewResult:
    cited = [r.normalized for r in data.references if r.normative]
    tables = applicable_tables(cited, list(industry_codes))
    return checks.review(
        data,
        catalogue=catalogue_lookup(data.check_date),
        limits=limits_lookup(tables, [i.name for i in data.indicators]),
    )


def review_document(data: bytes, filename: str, *, region_code: str = "", check_date=None):
    """Review a DOCX/PDF against the configured database's catalogue and limit tables (nothing is stored)."""
    reading = read_standard(data, filename)
    review_input = input_from_document(reading, region_code=region_code, check_date=check_date)
    return reading, review_input, run_checks(review_input)


# --- disclosures


def _newer_undisclosed(disclosure: Disclosure) -> list[str]:
    if disclosure.is_own_standard:
        return []
    current = replacement_of(disclosure.catalogue_standard) if disclosure.catalogue_standard_id else None
    if current is None:
        return []
    declared = Disclosure.objects.filter(
        enterprise_id=disclosure.enterprise_id, catalogue_standard=current, state=DisclosureState.DISCLOSED
    ).exists()
    return [] if declared else [current.normalized_number]


def input_from_disclosure(
    disclosure: Disclosure, *, check_date=None, read_text: bool = True
) -> tuple[checks.ReviewInput, list[str]]:
    """The review input of a disclosure: its own indicator table (what is disclosed), products, completeness,
    and — when the text was uploaded and `read_text` — the document's references and structure."""
    check_date = check_date or timezone.localdate()
    reading = None
    if disclosure.document and read_text:
        try:
            with disclosure.document.open("rb") as fh:
                content = fh.read()
        except OSError:
            raise intake.IntakeError(
                "missing_file",
                "标准文本文件不存在或无法打开",
                "the stored text file is missing or unreadable",
            ) from None
        reading = read_standard(content, disclosure.document_name or disclosure.document.name)
    indicators = [
        checks.IndicatorIn(i.name, i.requirement, i.unit, i.test_method, "", _("指标表第%(n)d行") % {"n": n})
        for n, i in enumerate(disclosure.indicators.all(), start=1)
    ]
    if not indicators and reading is not None:
        indicators = [
            checks.IndicatorIn(
                r.name, r.requirement, r.unit, r.test_method, r.category or r.grade, str(r.location)
            )
            for r in reading.indicators
        ]
    products = list(disclosure.products.all())
    entry = None
    if not disclosure.is_own_standard and disclosure.catalogue_standard_id:
        entry = catalogue_lookup(check_date)(disclosure.catalogue_standard.normalized_number)
    data = checks.ReviewInput(
        number=disclosure.normalized_number or disclosure.standard_number,
        title=disclosure.title,
        region_code=disclosure.region_code,
        products=[p.name for p in products],
        references=_references(reading) if reading else [],
        indicators=indicators if disclosure.is_own_standard else [],
        explicit_statement=disclosure.explicit_statement,
        structure=_structure(reading.structure, True) if reading else None,
        disclosure=checks.DisclosureFacts(
            has_text_or_table=bool(disclosure.document) or bool(indicators),
            commitment_signed=disclosure.committed_at is not None,
            products=len(products),
        ),
        own_standard=disclosure.is_own_standard,
        check_date=check_date,
        enterprise_patterns=getattr(settings, "ENTERPRISE_STANDARD_PATTERNS", None) or None,
        declared_entry=entry,
        newer_undisclosed=_newer_undisclosed(disclosure),
    )
    return data, sorted({p.category_code for p in products})


def _store(result: checks.ReviewResult, data: checks.ReviewInput, **fields) -> Review:
    review = Review.objects.create(
        outcome=result.outcome,
        disposition=result.disposition,
        checked_on=data.check_date,
        references=[
            {"number": r.number, "normalized": r.normalized, "normative": r.normative}
            for r in data.references
        ],
        indicators=[
            {"name": i.name, "requirement": i.requirement, "unit": i.unit, "test_method": i.test_method}
            for i in data.indicators
        ],
        **fields,
    )
    Finding.objects.bulk_create(
        [
            Finding(
                review=review,
                check_id=f.check,
                dimension=f.dimension,
                severity=f.severity,
                message=f.message,
                message_en=f.message_en,
                location=f.location[:200],
                data=f.data,
            )
            for f in result.findings
        ]
    )
    return review


def _with_unreadable_text(result: checks.ReviewResult, error: intake.IntakeError) -> checks.ReviewResult:
    finding = checks.Finding(
        "C7",
        checks.COMPLETENESS,
        checks.MAJOR,
        f"公开的标准文本无法读取:{error.zh}",
        f"the disclosed text cannot be read: {error.en}",
        "标准文本",
        {"intake_error": error.code},
    )
    # Any 完整性 finding makes the outcome 不符合 / 责令限期整改 (nqihub.review.checks.review).
    return checks.ReviewResult("nonconforming", "rectify", (*result.findings, finding))


@transaction.atomic
def review_disclosure(
    actor,
    disclosure: Disclosure,
    *,
    self_check: bool = False,
    batch: ReviewBatch | None = None,
    check_date=None,
) -> Review:
    """Review one disclosure version and store the result (audited). Enterprises self-check their own drafts;
    regulators review what is disclosed in their jurisdiction."""
    if actor is not None and not (
        can(actor, Action.VIEW, Disclosure, disclosure)
        and can(actor, Action.ADD, Review, Review(disclosure=disclosure, region_code=disclosure.region_code))
    ):
        raise PermissionDenied(_("无权审查该标准声明"))
    try:
        data, industry_codes = input_from_disclosure(disclosure, check_date=check_date)
        unreadable = None
    except intake.IntakeError as exc:
        # A stored text intake cannot read (a scan without text, a parser stopped at its time limit): review
        # what else is disclosed and say so, rather than fail a regulator's whole batch on one file.
        data, industry_codes = input_from_disclosure(disclosure, check_date=check_date, read_text=False)
        unreadable = exc
    result = run_checks(data, industry_codes)
    if unreadable is not None:
        result = _with_unreadable_text(result, unreadable)
    review = _store(
        result,
        data,
        disclosure=disclosure,
        region_code=disclosure.region_code,
        batch=batch,
        self_check=self_check,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_demo=disclosure.is_demo,
        document_name=disclosure.document_name,
    )
    record_event(
        actor,
        "review.self_check" if self_check else "review.create",
        review,
        object_repr=f"{disclosure.standard_number} {review.get_outcome_display()}",
        region_code=disclosure.region_code,
        after={"outcome": review.outcome, "findings": [f.check for f in result.findings]},
    )
    _recheck_forerunner_entries(actor, review)
    return review


def _recheck_forerunner_entries(actor, review: Review) -> None:
    """A review decides the forerunner entries of the reviewed version: 不符合 removes them from their list, and
    one held 待复核 after a revision counts again otherwise (dynamic adjustment)."""
    from nqihub.forerunner.services import recheck_reviewed  # the forerunner app builds on this one

    recheck_reviewed(actor, review)


def latest_review(disclosure: Disclosure) -> Review | None:
    return disclosure.reviews.order_by("-created_at", "-id").first()


# --- batches


def batch_queryset(region_code: str):
    from nqihub.core.regions import jurisdiction_prefix

    return Disclosure.objects.filter(
        state=DisclosureState.DISCLOSED, region_code__startswith=jurisdiction_prefix(region_code)
    )


@transaction.atomic
def start_batch_review(actor, region_code: str) -> ReviewBatch:
    """Queue a review of everything disclosed in `region_code` (within the actor's jurisdiction)."""
    batch = ReviewBatch(region_code=region_code, requested_by=actor)
    if not can(actor, Action.ADD, ReviewBatch, batch):
        raise PermissionDenied(_("只能对本辖区发起批量审查"))
    batch.total = restrict(batch_queryset(region_code), actor, Action.VIEW).count()
    batch.save()
    record_event(actor, "reviewbatch.create", batch, after={"total": batch.total})
    from .tasks import run_batch_review

    transaction.on_commit(lambda: run_batch_review.enqueue(batch.pk))
    return batch


def run_batch(batch_id: int) -> ReviewBatch:
    """Review every disclosure of the batch, counting progress as it goes (run by the task worker)."""
    batch = ReviewBatch.objects.get(pk=batch_id)
    ReviewBatch.objects.filter(pk=batch_id).update(
        status=ReviewBatch.Status.RUNNING, started_at=timezone.now()
    )
    done = 0
    try:
        for disclosure in batch_queryset(batch.region_code).order_by("pk").iterator():
            review_disclosure(batch.requested_by, disclosure, batch=batch)
            done += 1
            ReviewBatch.objects.filter(pk=batch_id).update(done=done)
    except Exception as exc:  # recorded on the batch so the regulator sees why it stopped
        ReviewBatch.objects.filter(pk=batch_id).update(
            status=ReviewBatch.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    ReviewBatch.objects.filter(pk=batch_id).update(
        status=ReviewBatch.Status.DONE, finished_at=timezone.now(), total=max(batch.total, done)
    )
    batch.refresh_from_db()
    return batch

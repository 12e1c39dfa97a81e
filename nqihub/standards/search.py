"""Public search of disclosures: keeping the index in step, and answering queries the same way on both databases.

The index (`SearchEntry`) holds one row per disclosure in state 现行有效 or 废止, with the tokens of
`nqihub.engines.search_text`. PostgreSQL stores them as a `tsvector` under a GIN index; SQLite in text under an
FTS5 table. Both answer the same boolean token queries, so a query finds the same disclosures on both, in the
same order:

1. tier — where the query's terms are found: all in the standard number / USCC (1), within number and
   enterprise name (2), within those and the title (3), anywhere incl. products and indicators (4);
2. newest first (`disclosed_at`), then the higher disclosure id.

Each tier is one token query (`k=term` tokens), so counting and paging never read more than the index and
the rows shown. On PostgreSQL a tier with many matches is paged by walking the (disclosed_at, id) B-tree
and testing each row's tokens — bounded, and used only when the counts say it ends early; otherwise the index
finds the matches and they are sorted. Sequential scans of the table are switched off for search queries.

Writers call `sync_search_entry(disclosure)` inside their own transaction whenever a disclosure's state or
content changes; `rebuild_search_index()` (`nqihub rebuild-search-index`) rebuilds everything.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Prefetch, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nqihub.core.scoping import Action, restrict
from nqihub.engines import search_text, stdnum
from nqihub.engines.search_text import ABOLISHED_FACET, TIERS, ParsedQuery, SearchDocument

from .models import Disclosure, DisclosureKind, DisclosureState, Indicator, Product, SearchEntry

__all__ = [
    "COUNT_LIMIT",
    "INDEXED_STATES",
    "MAX_PAGE_SIZE",
    "MAX_RESULTS",
    "PAGE_SIZE",
    "SearchHit",
    "SearchRequest",
    "SearchResults",
    "SearchStatus",
    "ensure_index_structures",
    "index_document",
    "rebuild_search_index",
    "remove_search_entry",
    "search_disclosures",
    "sync_enterprise_entries",
    "sync_search_entry",
]

INDEXED_STATES = (DisclosureState.DISCLOSED, DisclosureState.ABOLISHED)
PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# Deeper pages are not served (as with any search engine).
MAX_RESULTS = 1000
# Matches are counted exactly up to this many; beyond, the count says "more than" (as Elasticsearch does by
# default), so a one-character query never has to visit hundreds of thousands of rows just to count them.
COUNT_LIMIT = 10_000

TABLE = SearchEntry._meta.db_table
FTS_TABLE = f"{TABLE}_fts"
# Kept in step with migration 0002, which holds its own frozen copy.
SQLITE_STRUCTURES = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        tokens, content='{TABLE}', content_rowid='disclosure_id',
        tokenize="ascii tokenchars '=/_-.:+'", detail=none)""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (new.disclosure_id, new.tokens);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens) VALUES ('delete', old.disclosure_id, old.tokens);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens) VALUES ('delete', old.disclosure_id, old.tokens);
        INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (new.disclosure_id, new.tokens);
    END""",
]
POSTGRESQL_STRUCTURES = [
    f"CREATE INDEX IF NOT EXISTS searchentry_tokens_gin ON {TABLE} USING gin (tokens) WITH (fastupdate = off)",
    f"ALTER TABLE {TABLE} ALTER COLUMN tokens SET STATISTICS 1000",
]


class SearchStatus(TextChoices):
    CURRENT = "current", _("现行有效")
    ABOLISHED = "abolished", _("废止")
    ALL = "all", _("全部")


TIER_LABELS = {
    1: _("标准号或统一社会信用代码"),
    2: _("企业名称"),
    3: _("标准名称"),
    4: _("产品或技术指标"),
}


# --- indexing ---------------------------------------------------------------------------------------------


def _family(disclosure: Disclosure) -> str:
    if disclosure.catalogue_standard_id and disclosure.catalogue_standard:
        return disclosure.catalogue_standard.family
    if disclosure.kind == DisclosureKind.ENTERPRISE:
        return "enterprise"
    parsed = stdnum.parse(disclosure.normalized_number or disclosure.standard_number).standard
    return parsed.family if parsed else ""


def search_document(
    disclosure: Disclosure, products: Sequence[Product], indicators: Sequence[Indicator]
) -> SearchDocument:
    """What search sees of a disclosure (its enterprise, standard, products and indicators), by field."""
    enterprise = disclosure.enterprise
    numbers = [n for n in dict.fromkeys([disclosure.standard_number, disclosure.normalized_number]) if n]
    details: list[str] = []
    industries = {enterprise.industry_code} if enterprise.industry_code else set()
    for product in products:
        details += [product.name, product.model, product.specification, product.common_name, product.gtin]
        if product.category_code:
            industries.add(product.category_code)
    for indicator in indicators:
        details += [indicator.name, indicator.test_method]
    facets = search_text.region_facets(disclosure.region_code or enterprise.region_code)
    for code in sorted(industries):
        facets += search_text.industry_facets(code)
    family = _family(disclosure)
    if family:
        facets.append(search_text.family_facet(family))
    if disclosure.state == DisclosureState.ABOLISHED:
        facets.append(ABOLISHED_FACET)
    return SearchDocument(
        numbers=numbers,
        identifiers=[enterprise.uscc],
        names=[enterprise.name],
        titles=[disclosure.title],
        details=[text for text in details if text],
        facets=sorted(set(facets)),
    )


def index_document(disclosure: Disclosure) -> list[str]:
    """The tokens a disclosure is indexed under, from its saved products and indicators."""
    products = list(Product.objects.filter(disclosure_id=disclosure.pk).order_by("position", "id"))
    indicators = list(Indicator.objects.filter(disclosure_id=disclosure.pk).order_by("position", "id"))
    return search_text.index_tokens(search_document(disclosure, products, indicators))


def _sort_time(disclosure: Disclosure):
    return disclosure.disclosed_at or disclosure.updated_at or disclosure.created_at or timezone.now()


def sync_search_entry(disclosure: Disclosure) -> None:
    """Index a disclosure that is 现行有效 or 废止, and remove it from the index in any other state (a draft; a
    version superseded by a newer one, which is indexed instead). Call inside the writer's transaction, after
    the disclosure's new state (saved or not) and its products and indicators are set."""
    if disclosure.pk is None:
        return
    if disclosure.state not in INDEXED_STATES:
        remove_search_entry(disclosure.pk)
        return
    SearchEntry.objects.update_or_create(
        disclosure_id=disclosure.pk,
        defaults={"disclosed_at": _sort_time(disclosure), "tokens": index_document(disclosure)},
    )


def remove_search_entry(disclosure_id: int) -> None:
    """Take a disclosure out of public search."""
    SearchEntry.objects.filter(disclosure_id=disclosure_id).delete()


def sync_enterprise_entries(enterprise) -> int:
    """Re-index the published disclosures of an enterprise whose name, USCC, region or industry changed."""
    disclosures = Disclosure.objects.filter(enterprise=enterprise, state__in=INDEXED_STATES)
    return _index_batch(list(disclosures.select_related("enterprise", "catalogue_standard")))


def _index_batch(disclosures: list[Disclosure]) -> int:
    if not disclosures:
        return 0
    ids = [d.pk for d in disclosures]
    products: dict[int, list[Product]] = {}
    indicators: dict[int, list[Indicator]] = {}
    for product in Product.objects.filter(disclosure_id__in=ids).order_by("position", "id"):
        products.setdefault(product.disclosure_id, []).append(product)
    for indicator in Indicator.objects.filter(disclosure_id__in=ids).order_by("position", "id"):
        indicators.setdefault(indicator.disclosure_id, []).append(indicator)
    now = timezone.now()
    entries = [
        SearchEntry(
            disclosure_id=d.pk,
            disclosed_at=_sort_time(d),
            tokens=search_text.index_tokens(
                search_document(d, products.get(d.pk, []), indicators.get(d.pk, []))
            ),
            indexed_at=now,
        )
        for d in disclosures
    ]
    SearchEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["disclosure"],
        update_fields=["disclosed_at", "tokens", "indexed_at"],
    )
    return len(entries)


def ensure_index_structures() -> None:
    """Create the full-text structures the migration made, if missing (an SQLite table rebuild by a later
    migration drops the FTS triggers)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'searchentry_tokens_gin'")
            statements = [] if cursor.fetchone() else POSTGRESQL_STRUCTURES
        else:
            statements = SQLITE_STRUCTURES if connection.vendor == "sqlite" else []
        for statement in statements:
            cursor.execute(statement)


def rebuild_search_index(batch_size: int = 1000, progress=None) -> int:
    """Re-index every published disclosure and drop every other entry; returns the number indexed."""
    ensure_index_structures()
    SearchEntry.objects.exclude(disclosure__state__in=INDEXED_STATES).delete()
    published = Disclosure.objects.filter(state__in=INDEXED_STATES).select_related(
        "enterprise", "catalogue_standard"
    )
    done, last_id = 0, 0
    while True:
        with transaction.atomic():
            batch = list(published.filter(pk__gt=last_id).order_by("pk")[:batch_size])
            done += _index_batch(batch)
        if not batch:
            break
        last_id = batch[-1].pk
        if progress:
            progress(done)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {TABLE}")
    return done


# --- querying ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchRequest:
    """A public search as typed: free text and the filters (all optional), and the page wanted."""

    q: str = ""
    region: str = ""  # GB/T 2260 code prefix: 2 (province), 4 (city) or 6 (county) digits
    industry: str = ""  # GB/T 4754 section letter or 2–4 digit code (enterprise industry or product category)
    status: str = SearchStatus.CURRENT
    family: str = ""  # StandardFamily value
    page: int = 1
    page_size: int = PAGE_SIZE


@dataclass(frozen=True)
class SearchHit:
    disclosure: Disclosure
    tier: int

    @property
    def matched_in(self):
        """Where the query's terms were found (empty when only filters were given)."""
        return TIER_LABELS.get(self.tier, "")


@dataclass
class SearchResults:
    request: SearchRequest
    query: ParsedQuery
    # Exact up to COUNT_LIMIT; beyond it `count` is COUNT_LIMIT and `count_exact` False ("more than").
    count: int = 0
    count_exact: bool = True
    page: int = 1
    page_size: int = PAGE_SIZE
    hits: list[SearchHit] = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        reachable = min(self.count, MAX_RESULTS)
        return max(1, math.ceil(reachable / self.page_size))

    @property
    def truncated(self) -> bool:
        """More matches than pages serve."""
        return self.count > MAX_RESULTS or not self.count_exact

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def searched(self) -> bool:
        """False when there was nothing to search for (no terms and no filter)."""
        return bool(_positive_facets(self.request) or not self.query.is_empty)


@dataclass(frozen=True)
class _TokenQuery:
    """All of `required`, none of `excluded`, and not all of `excluded_group`."""

    required: tuple[str, ...]
    excluded: tuple[str, ...] = ()
    excluded_group: tuple[str, ...] = ()

    def tsquery(self) -> str:
        parts = [_lexeme(t) for t in self.required] + [f"!{_lexeme(t)}" for t in self.excluded]
        if self.excluded_group:
            parts.append("!(" + " & ".join(_lexeme(t) for t in self.excluded_group) + ")")
        return " & ".join(parts)

    def fts5(self) -> str:
        text = "(" + " AND ".join(_phrase(t) for t in self.required) + ")"
        excluded = [_phrase(t) for t in self.excluded]
        if self.excluded_group:
            excluded.append("(" + " AND ".join(_phrase(t) for t in self.excluded_group) + ")")
        if excluded:
            text += " NOT (" + " OR ".join(excluded) + ")"
        return text


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _positive_facets(request: SearchRequest) -> list[str]:
    facets = []
    for kind in ("region", "industry", "family"):
        value = getattr(request, kind)
        token = search_text.facet_value(kind, value) if value else None
        if token:
            facets.append(token)
    if request.status == SearchStatus.ABOLISHED:
        facets.append(ABOLISHED_FACET)
    return facets


@dataclass(frozen=True)
class _Tier:
    matching: _TokenQuery  # all terms within the fields ranked 1..k (cumulative)
    exactly: _TokenQuery  # tier k and not a better one


def _tier_queries(request: SearchRequest, parsed: ParsedQuery) -> list[_Tier]:
    facets = _positive_facets(request)
    excluded = (ABOLISHED_FACET,) if request.status not in (SearchStatus.ABOLISHED, SearchStatus.ALL) else ()
    if parsed.is_empty:
        # Filters only: one tier, everything that passes them.
        only = _TokenQuery(tuple(facets), excluded)
        return [_Tier(only, only)]
    cumulative = [
        _TokenQuery(tuple(search_text.tier_terms(parsed.terms, k)) + tuple(facets), excluded)
        for k in range(1, TIERS + 1)
    ]
    return [
        _Tier(q, q if k == 0 else _TokenQuery(q.required, q.excluded, cumulative[k - 1].required))
        for k, q in enumerate(cumulative)
    ]


def search_disclosures(request: SearchRequest) -> SearchResults:
    """Run a public search: the number of matches (exact up to COUNT_LIMIT) and one page of published
    disclosures, most relevant first. Same results on SQLite and PostgreSQL."""
    parsed = search_text.parse_query(request.q)
    page_size = max(1, min(int(request.page_size or PAGE_SIZE), MAX_PAGE_SIZE))
    results = SearchResults(request=request, query=parsed, page_size=page_size)
    if not results.searched:
        return results
    tiers = _tier_queries(request, parsed)
    backend = _backend()
    with transaction.atomic():
        backend.prepare()
        total = backend.count(tiers[-1].matching, COUNT_LIMIT + 1)
        results.count, results.count_exact = min(total, COUNT_LIMIT), total <= COUNT_LIMIT
        results.page = max(1, min(int(request.page or 1), results.num_pages))
        skip = (results.page - 1) * page_size
        need = min(page_size, MAX_RESULTS - skip)
        ranked: list[tuple[int, int]] = []
        for tier, query in enumerate(tiers, start=1):
            if need <= 0:
                break
            ids = backend.fetch(query.exactly, skip, need)
            if ids:
                ranked += [(pk, 0 if parsed.is_empty else tier) for pk in ids]
                need -= len(ids)
                skip = 0
            elif skip:
                # This tier ends before the page starts: how many of the rows to skip it held.
                skip -= backend.count(query.exactly, skip)
    results.hits = _hits(ranked)
    return results


def _hits(ranked: list[tuple[int, int]]) -> list[SearchHit]:
    """The disclosures of the ranked ids, loaded as the public may see them (never a draft)."""
    if not ranked:
        return []
    rows = restrict(
        Disclosure.objects.filter(pk__in=[pk for pk, _ in ranked], state__in=INDEXED_STATES)
        .select_related("enterprise", "catalogue_standard")
        .prefetch_related(Prefetch("products", queryset=Product.objects.order_by("position", "id"))),
        AnonymousUser(),
        Action.VIEW,
    )
    by_id = {d.pk: d for d in rows}
    return [SearchHit(by_id[pk], tier) for pk, tier in ranked if pk in by_id]


# --- database backends ------------------------------------------------------------------------------------


class _SqliteIndex:
    """FTS5 answers the token queries; SQLite deployments are small enough to sort the matches of a tier."""

    def prepare(self) -> None:
        pass

    def count(self, query: _TokenQuery, cap: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)",
                [query.fts5(), cap],
            )
            return cursor.fetchone()[0]

    def fetch(self, query: _TokenQuery, skip: int, need: int) -> list[int]:
        sql = (
            f"SELECT e.disclosure_id FROM {TABLE} e WHERE e.disclosure_id IN "
            f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
            "ORDER BY e.disclosed_at DESC, e.disclosure_id DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [query.fts5(), need, skip])
            return [row[0] for row in cursor.fetchall()]


class _TokenStatistics:
    """How common each token is, from the planner's statistics of the tokens column (refreshed by ANALYZE and
    autovacuum), to choose how to answer a query. Cached per process for a few minutes."""

    REFRESH_SECONDS = 300
    _cached: tuple[float, _TokenStatistics | None] = (0.0, None)

    def __init__(self, rows: int, frequencies: dict[str, float], floor: float):
        self.rows, self.frequencies, self.floor = rows, frequencies, floor

    @classmethod
    def current(cls) -> _TokenStatistics | None:
        loaded_at, stats = cls._cached
        if time.monotonic() - loaded_at < cls.REFRESH_SECONDS:
            return stats
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.reltuples::bigint, s.most_common_elems::text::text[], s.most_common_elem_freqs "
                "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname AND s.attname = 'tokens' "
                "WHERE c.oid = %s::regclass",
                [TABLE],
            )
            row = cursor.fetchone()
        stats = None
        if row and row[0] > 0 and row[1]:
            rows, elements, freqs = row
            # The last three numbers are the minimum and maximum frequency and the share of empty values.
            stats = cls(rows, dict(zip(elements, freqs, strict=False)), freqs[-3] / 2)
        cls._cached = (time.monotonic(), stats)
        return stats

    def share(self, query: _TokenQuery) -> float:
        """Estimated share of rows matching (tokens taken as independent, like the planner does)."""
        share = 1.0
        for token in query.required:
            share *= self.frequencies.get(token, self.floor)
        for token in query.excluded:
            share *= 1.0 - self.frequencies.get(token, self.floor)
        return share


class _PostgresIndex:
    """The GIN index answers the token queries. A query matching a large share of the table is not read
    through the index at all: walking the newest rows in result order (the B-tree on disclosed_at, id) and
    testing each row's tokens finds a page of them, or proves there are more than the cap, after a bounded
    number of rows. Which way is cheaper follows from the planner's token statistics; a walk that falls short
    hands over to the index, so the plan only ever changes the time taken, never the answer."""

    # Measured at 1M rows (docs/search.md): testing one row met on the walk costs about as much as reading
    # this many index entries into a bitmap, or as fetching this fraction of a matched row.
    WALK_ROW = 20.0  # cost of one walked row, in index entries
    FETCH_ROW = 20.0  # cost of fetching (and sorting) one matched row, in index entries
    WALK_SAFETY = 2.0  # walk this many times the expected distance before giving up
    WALK_MAX = 40_000
    # None: choose by cost; "walk" / "index": force one (tests compare both).
    force: str | None = None

    def prepare(self) -> None:
        # The search table must never be read sequentially; JIT compilation costs more than these queries.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true), "
                "set_config('work_mem', '32MB', true)"
            )

    def _walk_length(
        self, query: _TokenQuery, wanted: int, index_cost: Callable[[float], float]
    ) -> int | None:
        """Rows to walk to find `wanted` matches, if that is cheaper than `index_cost`; else None."""
        if self.force is not None:
            return self.WALK_MAX if self.force == "walk" else None
        stats = _TokenStatistics.current()
        if stats is None:
            return None
        share = stats.share(query)
        if share <= 0:
            return None
        length = math.ceil(wanted / share * self.WALK_SAFETY)
        if length > self.WALK_MAX or length * self.WALK_ROW >= index_cost(stats.rows * share):
            return None
        return length

    def count(self, query: _TokenQuery, cap: int) -> int:
        walk = self._walk_length(query, cap, lambda matches: matches + min(matches, cap) * self.FETCH_ROW)
        if walk is not None:
            found = self._one(
                f"SELECT count(*) FROM (SELECT 1 FROM (SELECT tokens FROM {TABLE} "
                "ORDER BY disclosed_at DESC, disclosure_id DESC LIMIT %s) walked "
                "WHERE tokens @@ %s::tsquery LIMIT %s) capped",
                [walk, query.tsquery(), cap],
            )
            if found >= cap:
                return found
        return self._one(
            f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE tokens @@ %s::tsquery LIMIT %s) capped",
            [query.tsquery(), cap],
        )

    def fetch(self, query: _TokenQuery, skip: int, need: int) -> list[int]:
        walk = self._walk_length(query, skip + need, lambda matches: matches * (1 + self.FETCH_ROW))
        if walk is not None:
            # The newest `walk` rows in result order straight from the B-tree, each tested against the query.
            ids = self._ids(
                f"SELECT disclosure_id FROM (SELECT disclosure_id, disclosed_at, tokens FROM {TABLE} "
                "ORDER BY disclosed_at DESC, disclosure_id DESC LIMIT %s) walked WHERE tokens @@ %s::tsquery "
                "ORDER BY disclosed_at DESC, disclosure_id DESC LIMIT %s OFFSET %s",
                [walk, query.tsquery(), need, skip],
            )
            if len(ids) == need:
                return ids
        return self._ids(
            f"WITH matched AS MATERIALIZED (SELECT disclosure_id, disclosed_at FROM {TABLE} "
            "WHERE tokens @@ %s::tsquery) SELECT disclosure_id FROM matched "
            "ORDER BY disclosed_at DESC, disclosure_id DESC LIMIT %s OFFSET %s",
            [query.tsquery(), need, skip],
        )

    @staticmethod
    def _one(sql: str, params: list) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    @staticmethod
    def _ids(sql: str, params: list) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]


_BACKENDS = {"sqlite": _SqliteIndex, "postgresql": _PostgresIndex}


def _backend():
    try:
        return _BACKENDS[connection.vendor]()
    except KeyError:
        raise NotImplementedError(f"public search does not support {connection.vendor}") from None


def public_disclosures():
    """Disclosures as the public sees them (no drafts), for the public pages."""
    return restrict(Disclosure.objects.all(), AnonymousUser(), Action.VIEW)

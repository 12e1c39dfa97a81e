"""Public search of disclosures: keeping the index in step, and answering queries the same way on both databases.

The index (`SearchEntry`) holds one row per disclosure in state 现行有效 or 废止, with the tokens of
`nqihub.engines.search_text`. PostgreSQL stores them as a `tsvector` under partial GIN indexes; SQLite as text
under an FTS5 table. Both answer the same boolean token queries, so a query finds the same disclosures on both,
in the same order:

1. tier — where the query's terms are found: all in the standard number / USCC (1), within number and
   enterprise name (2), within those and the title (3), anywhere incl. products and indicators (4);
2. newest first (`disclosed_at`), then the higher disclosure id.

Each tier is one token query (`k=term` tokens). Matches are counted exactly up to COUNT_LIMIT ("more than"
beyond) and listed tier by tier up to the requested page, so no query reads more than a bounded part of the
index. On PostgreSQL the way each step is read (walking the newest rows, reading quarter by quarter, or reading
the index) is chosen from the planner's token statistics; every way gives the same answer. Sequential scans of
the table are switched off for search queries. See docs/search.md.

Writers call `sync_search_entry(disclosure)` inside their own transaction whenever a disclosure's state or
content changes; `rebuild_search_index()` (`nqihub rebuild-search-index`) rebuilds everything.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

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
    "public_disclosures",
    "rebuild_search_index",
    "remove_search_entry",
    "search_disclosures",
    "search_document",
    "sync_enterprise_entries",
    "sync_search_entry",
]

INDEXED_STATES = (DisclosureState.DISCLOSED, DisclosureState.ABOLISHED)
PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# Deeper pages are not served (as with any search engine).
MAX_RESULTS = 1000
# Matches are counted exactly up to this many; beyond, the count says "more than" and pages go on while there
# is a next one (as search engines do), so a one-character query never visits hundreds of thousands of rows
# just to count them. See docs/search.md for the cost behind the figure.
COUNT_LIMIT = 200

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
    f"CREATE INDEX IF NOT EXISTS searchentry_tokens_current ON {TABLE} USING gin (tokens) "
    "WITH (fastupdate = off) WHERE NOT is_abolished",
    f"CREATE INDEX IF NOT EXISTS searchentry_tokens_abolished ON {TABLE} USING gin (tokens) "
    "WITH (fastupdate = off) WHERE is_abolished",
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
    facets.append(search_text.period_facet(_sort_time(disclosure)))
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
        defaults={
            "disclosed_at": _sort_time(disclosure),
            "tokens": index_document(disclosure),
            "is_abolished": disclosure.state == DisclosureState.ABOLISHED,
        },
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
            is_abolished=d.state == DisclosureState.ABOLISHED,
        )
        for d in disclosures
    ]
    SearchEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["disclosure"],
        update_fields=["disclosed_at", "tokens", "indexed_at", "is_abolished"],
    )
    return len(entries)


def ensure_index_structures() -> None:
    """Create the full-text structures the migration made, if missing (an SQLite table rebuild by a later
    migration drops the FTS triggers)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'searchentry_tokens_current'")
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
    # Keyset batches over the ids; disclosures published meanwhile are indexed by their own sync.
    for _batch in range(math.ceil(published.count() / batch_size) + 1):
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
    has_next: bool = False

    @property
    def num_pages(self) -> int | None:
        """Pages of results, when the count is exact; otherwise pages go on while `has_next`."""
        if not self.count_exact:
            return None
        return max(1, math.ceil(min(self.count, MAX_RESULTS) / self.page_size))

    @property
    def last_page(self) -> int:
        """The deepest page that may be asked for."""
        return self.num_pages or max(1, math.ceil(MAX_RESULTS / self.page_size))

    @property
    def truncated(self) -> bool:
        """More matches than the pages serve."""
        return self.count > MAX_RESULTS or (not self.count_exact and not self.has_next and self.hits != [])

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def searched(self) -> bool:
        """False when there was nothing to search for (no terms and no filter)."""
        return bool(_positive_facets(self.request) or not self.query.is_empty)


@dataclass(frozen=True)
class _TokenQuery:
    """All tokens of `groups`, among the disclosures in `status`. A group is one searched word (a CJK word's
    bigrams, which occur together) or one filter; the grouping only serves to estimate how common a match is."""

    groups: tuple[tuple[str, ...], ...]
    status: str = SearchStatus.CURRENT

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for group in self.groups for t in group))

    def tsquery(self) -> str:
        """The terms as a tsquery of quoted lexemes (the status is a column on PostgreSQL)."""
        return " & ".join(_lexeme(t) for t in self.required)

    def sql_status(self) -> str:
        return {SearchStatus.CURRENT: "NOT is_abolished", SearchStatus.ABOLISHED: "is_abolished"}.get(
            self.status, "(is_abolished OR NOT is_abolished)"
        )

    def fts5(self) -> str:
        """The terms and the status as an FTS5 query of quoted tokens."""
        terms = " AND ".join(_phrase(t) for t in self.required)
        if self.status == SearchStatus.CURRENT:
            return f"({terms}) NOT {_phrase(ABOLISHED_FACET)}"
        if self.status == SearchStatus.ABOLISHED:
            return f"{terms} AND {_phrase(ABOLISHED_FACET)}"
        return terms


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
    return facets


def _tier_queries(request: SearchRequest, parsed: ParsedQuery) -> list[tuple[int, _TokenQuery]]:
    """(tier k, the query for all terms within the fields ranked 1..k; the last: anywhere), for each tier that
    can match; with filters only, (0, the query for everything that passes them)."""
    facets = tuple((facet,) for facet in _positive_facets(request))
    status = request.status if request.status in SearchStatus.values else SearchStatus.CURRENT
    if parsed.is_empty:
        return [(0, _TokenQuery(facets, status))]
    return [
        (
            k,
            _TokenQuery(
                tuple(tuple(search_text.tier_terms(word, k)) for word in parsed.words) + facets, status
            ),
        )
        for k in range(1, TIERS + 1)
        if search_text.tier_can_match(parsed.terms, k)
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
    requested = max(1, min(int(request.page or 1), math.ceil(MAX_RESULTS / page_size)))
    # The result list up to one row past the requested page (which tells whether there is a next one).
    wanted = min(requested * page_size + 1, MAX_RESULTS)
    backend = _backend()
    with transaction.atomic():
        backend.prepare()
        total, ranked = backend.rank(tiers, COUNT_LIMIT + 1, wanted)
    results.count, results.count_exact = min(total, COUNT_LIMIT), total <= COUNT_LIMIT
    results.page = max(1, min(requested, results.last_page))
    start = (results.page - 1) * page_size
    results.has_next = len(ranked) > start + page_size and start + page_size < MAX_RESULTS
    ranked = ranked[start : start + page_size]
    results.hits = _hits(ranked)
    return results


# What a result shows (the card, the API); everything else of a disclosure is on its own page.
HIT_FIELDS = (
    "standard_number",
    "normalized_number",
    "title",
    "state",
    "kind",
    "version",
    "disclosed_at",
    "region_code",
    "is_demo",
    "enterprise__name",
    "enterprise__uscc",
    "enterprise__region_code",
    "enterprise__is_demo",
)


def _hits(ranked: list[tuple[int, int]]) -> list[SearchHit]:
    """The disclosures of the ranked ids, loaded as the public may see them (never a draft)."""
    if not ranked:
        return []
    products = Product.objects.order_by("position", "id").only("disclosure_id", "name", "model")
    rows = restrict(
        Disclosure.objects.filter(pk__in=[pk for pk, _ in ranked], state__in=INDEXED_STATES)
        .select_related("enterprise")
        .only(*HIT_FIELDS)
        .prefetch_related(Prefetch("products", queryset=products)),
        AnonymousUser(),
        Action.VIEW,
    )
    by_id = {d.pk: d for d in rows}
    return [SearchHit(by_id[pk], tier) for pk, tier in ranked if pk in by_id]


# --- database backends ------------------------------------------------------------------------------------


class _Index:
    """What both databases do: count the matches up to a cap, then list them tier by tier."""

    def rank(
        self, tiers: list[tuple[int, _TokenQuery]], cap: int, wanted: int
    ) -> tuple[int, list[tuple[int, int]]]:
        """min(matches, cap), and the first `wanted` (disclosure id, tier) in result order."""
        total = self.count(tiers[-1][1], cap)
        return total, self.ranked(tiers, min(wanted, total) if total < cap else wanted)

    def ranked(self, tiers: list[tuple[int, _TokenQuery]], wanted: int) -> list[tuple[int, int]]:
        # Tier k's rows are those of the cumulative query k not already listed; a tier is only left once
        # exhausted, so the list then holds all of query k-1.
        ranked: list[tuple[int, int]] = []
        for tier, query in tiers:
            if len(ranked) >= wanted:
                break
            ids = self.fetch(query, [pk for pk, _ in ranked], wanted - len(ranked))
            ranked += [(pk, tier) for pk in ids]
        return ranked

    def count(self, query: _TokenQuery, cap: int) -> int:
        raise NotImplementedError

    def fetch(self, query: _TokenQuery, listed: list[int], need: int) -> list[int]:
        raise NotImplementedError


class _SqliteIndex(_Index):
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

    def fetch(self, query: _TokenQuery, listed: list[int], need: int) -> list[int]:
        """The newest `need` matches that are not `listed`."""
        sql = (
            f"SELECT e.disclosure_id FROM {TABLE} e WHERE e.disclosure_id IN "
            f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
            "AND e.disclosure_id NOT IN (SELECT value FROM json_each(%s)) "
            "ORDER BY e.disclosed_at DESC, e.disclosure_id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [query.fts5(), json.dumps(listed), need])
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
            # For a tsvector, the frequencies are followed by their minimum and maximum; a token below the
            # list is taken at half the minimum, as the planner does.
            stats = cls(rows, dict(zip(elements, freqs, strict=False)), freqs[len(elements)] / 2)
        cls._cached = (time.monotonic(), stats)
        return stats

    def period_cost(self, matches: float, wanted: int, statement: float, fetch_row: float) -> float:
        """Cost of reading `matches` (spread over time like the table) one quarter at a time, newest first,
        until `wanted` are found: each quarter is a statement that reads the query's index entries and fetches
        its own matches."""
        periods = sorted(
            ((token, freq) for token, freq in self.frequencies.items() if token.startswith("t=")),
            reverse=True,
        )
        cost, found = 0.0, 0.0
        for _token, freq in periods[: _PostgresIndex.PERIOD_STEPS]:
            in_period = matches * freq
            cost += statement + min(matches, self.rows * freq) + in_period * fetch_row
            found += in_period
            if found >= wanted:
                return cost
        return math.inf

    def known(self, query: _TokenQuery) -> bool:
        """Whether every word and filter of the query has a token the statistics list."""
        return all(any(token in self.frequencies for token in group) for group in query.groups)

    def share(self, query: _TokenQuery) -> float:
        """Estimated share of rows matching: the tokens of one word occur together (its rarest decides),
        different words and filters independently."""
        share = 1.0
        for group in query.groups:
            share *= min(self.frequencies.get(token, self.floor) for token in group)
        abolished = self.frequencies.get(ABOLISHED_FACET, self.floor)
        if query.status == SearchStatus.CURRENT:
            share *= 1.0 - abolished
        elif query.status == SearchStatus.ABOLISHED:
            share *= abolished
        return share


class _PostgresIndex(_Index):
    """The GIN index answers the token queries. A query matching a large share of the table is not read
    through the index at all: walking the newest rows in result order (the B-tree on disclosed_at, id) and
    testing each row's tokens finds a page of them, or proves there are more than the cap, after a bounded
    number of rows. Which way is cheaper follows from the planner's token statistics; a walk that falls short
    hands over to the index, so the plan only ever changes the time taken, never the answer."""

    # Costs in units of one GIN index entry read into a bitmap, measured with bench/search at 1M rows
    # (docs/search.md).
    WALK_ROW = 8.0  # cost of one walked row, in index entries
    FETCH_ROW = 25.0  # cost of fetching (and sorting) one matched row, in index entries
    WALK_SAFETY = 2.5  # walk this many times the expected distance before giving up
    WALK_MAX = 20_000
    STATEMENT = 2000.0  # cost of one more statement (a round trip), in index entries
    PERIOD_STEPS = 6  # quarters read one by one before the rest is read at once
    # None: choose by cost; "walk" / "index" / "periods": force one (tests compare them).
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
        expected = wanted / share  # rows walked until `wanted` matches, if they are spread evenly
        length = math.ceil(expected * self.WALK_SAFETY)
        if length > self.WALK_MAX or expected * self.WALK_ROW >= index_cost(stats.rows * share):
            return None
        return length

    def rank(
        self, tiers: list[tuple[int, _TokenQuery]], cap: int, wanted: int
    ) -> tuple[int, list[tuple[int, int]]]:
        union = tiers[-1][1]
        if self._count_walk(union, cap) is None:
            # Few matches expected: read up to `cap` of them through the index and rank them in one statement.
            total, ranked = self._small(tiers, cap, wanted)
            if total < cap:
                return total, ranked
            return total, self.ranked(tiers, wanted)
        return super().rank(tiers, cap, wanted)

    def _small(
        self, tiers: list[tuple[int, _TokenQuery]], cap: int, wanted: int
    ) -> tuple[int, list[tuple[int, int]]]:
        union = tiers[-1][1]
        better = [(tier, query) for tier, query in tiers[:-1]]
        tier_of = "CASE " + " ".join(f"WHEN tokens @@ %s::tsquery THEN {tier}" for tier, _ in better)
        tier_of = f"{tier_of} ELSE {tiers[-1][0]} END" if better else str(tiers[-1][0])
        sql = (
            f"WITH matched AS MATERIALIZED (SELECT disclosure_id, disclosed_at, tokens FROM {TABLE} "
            f"WHERE {self._matching(union)} LIMIT %s) "
            f"SELECT count(*) OVER (), disclosure_id, {tier_of} AS tier FROM matched "
            "ORDER BY tier, disclosed_at DESC, disclosure_id DESC LIMIT %s"
        )
        params = [*self._matching_params(union), cap, *(q.tsquery() for _, q in better), wanted]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return (rows[0][0] if rows else 0), [(pk, tier) for _, pk, tier in rows]

    def _count_walk(self, query: _TokenQuery, cap: int) -> int | None:
        return self._walk_length(query, cap, lambda matches: matches + min(matches, cap) * self.FETCH_ROW)

    def count(self, query: _TokenQuery, cap: int) -> int:
        walk = self._count_walk(query, cap)
        if walk is not None:
            found = self._one(
                f"SELECT count(*) FROM (SELECT 1 FROM (SELECT tokens, is_abolished FROM {TABLE} "
                "ORDER BY disclosed_at DESC, disclosure_id DESC LIMIT %s) walked "
                f"WHERE {query.sql_status()} AND tokens @@ %s::tsquery LIMIT %s) capped",
                [walk, query.tsquery(), cap],
            )
            if found >= cap:
                return found
        return self._one(
            f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {self._matching(query)} LIMIT %s) capped",
            [*self._matching_params(query), cap],
        )

    def fetch(self, query: _TokenQuery, listed: list[int], need: int) -> list[int]:
        """The newest `need` matches that are not `listed`: by walking, by reading the matches one quarter at a
        time (newest first), or by reading them all — whichever the statistics say costs least."""
        walk, plan = self._fetch_plan(query, len(listed) + need)
        if walk is not None:
            # The newest `walk` rows in result order straight from the B-tree, each tested against the query.
            ids = self._ids(
                f"SELECT disclosure_id FROM (SELECT disclosure_id, disclosed_at, tokens, is_abolished FROM {TABLE} "
                "ORDER BY disclosed_at DESC, disclosure_id DESC LIMIT %s) walked "
                f"WHERE {query.sql_status()} AND tokens @@ %s::tsquery AND disclosure_id <> ALL(%s) "
                "ORDER BY disclosed_at DESC, disclosure_id DESC LIMIT %s",
                [walk, query.tsquery(), listed, need],
            )
            if len(ids) == need:
                return ids
        if plan == "periods":
            return self._fetch_by_period(query, listed, need)
        return self._fetch_all(query, listed, need)

    def _fetch_plan(self, query: _TokenQuery, wanted: int) -> tuple[int | None, str]:
        """(rows to walk first, or None; then "periods" or "index")."""
        if self.force is not None:
            return (self.WALK_MAX, "index") if self.force == "walk" else (None, self.force)
        stats = _TokenStatistics.current()
        if stats is None:
            return None, "index"
        if not stats.known(query):
            # A token rarer than any the statistics list: few matches, read them all.
            return None, "index"
        share = stats.share(query)
        matches = stats.rows * share
        costs = {
            "index": self.STATEMENT + matches * (1 + self.FETCH_ROW),
            "periods": stats.period_cost(matches, wanted, self.STATEMENT, self.FETCH_ROW),
        }
        plan = min(costs, key=costs.get)
        walk = self._walk_length(query, wanted, lambda _matches: costs[plan])
        return walk, plan

    def _fetch_all(self, query: _TokenQuery, listed: list[int], need: int) -> list[int]:
        return self._ids(
            f"WITH matched AS MATERIALIZED (SELECT disclosure_id, disclosed_at FROM {TABLE} "
            f"WHERE ({self._matching(query)}) AND disclosure_id <> ALL(%s)) SELECT disclosure_id FROM matched "
            "ORDER BY disclosed_at DESC, disclosure_id DESC LIMIT %s",
            [*self._matching_params(query), listed, need],
        )

    def _fetch_by_period(self, query: _TokenQuery, listed: list[int], need: int) -> list[int]:
        # Quarters partition the result order, so once the quarters read hold `need` rows, the newest `need`
        # of them are the answer.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT max(disclosed_at), min(disclosed_at) FROM {TABLE}")
            newest, oldest = cursor.fetchone()
        if newest is None:
            return []
        found: list[tuple] = []
        for step, period in enumerate(search_text.periods_between(newest, oldest)):
            if step == self.PERIOD_STEPS:
                # Sparser than the statistics said: read the rest in one go.
                return self._fetch_all(query, listed, need)
            in_period = replace(query, groups=(*query.groups, (period,)))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT disclosed_at, disclosure_id FROM {TABLE} "
                    f"WHERE ({self._matching(in_period)}) AND disclosure_id <> ALL(%s)",
                    [*self._matching_params(in_period), listed],
                )
                found += cursor.fetchall()
            if len(found) >= need:
                break
        found.sort(reverse=True)
        return [pk for _moment, pk in found[:need]]

    @staticmethod
    def _matching(query: _TokenQuery) -> str:
        """The query as conditions each partial GIN index can answer (both, OR-ed, for every status)."""
        if query.status in (SearchStatus.CURRENT, SearchStatus.ABOLISHED):
            return f"{query.sql_status()} AND tokens @@ %s::tsquery"
        return "(NOT is_abolished AND tokens @@ %s::tsquery) OR (is_abolished AND tokens @@ %s::tsquery)"

    @staticmethod
    def _matching_params(query: _TokenQuery) -> list[str]:
        single = query.status in (SearchStatus.CURRENT, SearchStatus.ABOLISHED)
        return [query.tsquery()] * (1 if single else 2)

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

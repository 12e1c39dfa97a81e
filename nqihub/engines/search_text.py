"""The one tokenizer of public search, used for indexing and for querying, on SQLite and on PostgreSQL.

Text is folded first (`fold_search`: `fold_text`, traditional → simplified with OpenCC, lower case). Then:

- a document's CJK runs give every character (unigram) and every pair of neighbours (bigram), so any 1- or
  2-character query and any partial word matches; a query's CJK runs are segmented with jieba and each word
  becomes its bigrams (or the character itself when it is one character long), all ANDed — `陶瓷铅` finds a
  title with 陶瓷 and an indicator with 铅;
- other text gives lower-case alphanumeric words (`led`, `304`, a USCC);
- standard numbers, wherever they are recognised (`nqihub.engines.stdnum`), give one token for the normalised
  number and one for the number without its year, so `gb/t19001-2016`, `ＧＢ／Ｔ　１９００１－２０１６` and
  `GB/T 19001—2016` are the token `gb/t_19001-2016` and `GB/T 19001` finds every edition (`gb/t_19001`).

Relevance comes from where a token is found: fields rank number/USCC (1) > enterprise name (2) > title (3) >
products and indicators (4). A document carries each token `t` once plain and, for every rank k from the
best field the token occurs in up to 3, as `k=t`; a query's "tier k" (all its terms within fields ranked
1..k) is then the conjunction of `k=t`, which both databases answer from their full-text index alone.
Filters are tokens too (`r=4503`, `i=307`, `f=national`, `s=abolished`), and so is the quarter a document is
ordered by (`t=2026q3`). Tokens never contain spaces,
quotes or backslashes, and only plain tokens can lack a `=`, so the kinds never collide.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from nqihub.engines import stdnum
from nqihub.engines.text import fold_text

__all__ = [
    "ABOLISHED_FACET",
    "FIELD_BODY",
    "FIELD_NAME",
    "FIELD_NUMBER",
    "FIELD_TITLE",
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_TERMS",
    "TIERS",
    "ParsedQuery",
    "SearchDocument",
    "family_facet",
    "fold_search",
    "index_tokens",
    "industry_facets",
    "number_tokens",
    "parse_query",
    "period_facet",
    "periods_between",
    "region_facets",
    "text_terms",
    "tier_can_match",
    "tier_terms",
]

# Field ranks: a match in a lower-numbered field is more relevant.
FIELD_NUMBER, FIELD_NAME, FIELD_TITLE, FIELD_BODY = 1, 2, 3, 4
TIERS = 4
ABOLISHED_FACET = "s=abolished"

# Bounds on the work one query or one document can cause.
MAX_QUERY_LENGTH = 100
MAX_QUERY_TERMS = 24
_MAX_DOCUMENT_TOKENS = 6000
_MAX_NUMBER_PIECES = 4

_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_PIECES = re.compile(rf"[{_CJK}]+|[^\s{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
_WORDS = re.compile(r"[^\W_]+")
_NUMBER_TEXT = re.compile(r"[A-Z0-9][A-Z0-9 /.\-:+_]*")
_NUMBER_EDGE = re.compile(r"^[^0-9a-z]+|[^0-9a-z]+$")
# Words dropped from a query that has others: function words and the legal forms of company names, which
# match almost every row and so narrow nothing.
_QUERY_STOP_WORDS = frozenset(
    [*"的和与及或之等其以用", "有限公司", "有限责任", "有限责任公司", "股份有限公司", "股份", "公司", "有限"]
)
# Words of the field that jieba's general dictionary splits badly (铅溶出量 → 铅/溶/出/量); a query word is
# matched through its bigrams, so these only decide where a typed run of characters is cut.
_DOMAIN_WORDS = (
    "溶出量 迁移量 总迁移量 高锰酸钾消耗量 重金属 总砷 无机砷 总汞 甲基汞 菌落总数 大肠菌群 霉菌 酵母 "
    "致病菌 沙门氏菌 金黄色葡萄球菌 单核细胞增生李斯特氏菌 黄曲霉毒素 苯并芘 过氧化值 酸价 水分 灰分 "
    "蛋白质 脂肪 可溶性固形物 总酸 氨基酸态氮 亚硝酸盐 二氧化硫 甲醛 游离甲醛 吸水率 热稳定性 抗热震性 "
    "拉伸强度 断裂伸长率 维卡软化温度 绝缘电阻 泄漏电流 电气强度 耐电压 输入功率 能效等级 色牢度 "
    "耐摩擦色牢度 耐水色牢度 检验方法 试验方法 感官要求 理化指标 微生物指标 净含量 标签标识 日用陶瓷 "
    "陶瓷餐具 不锈钢 保温杯 饮用水 饮用天然矿泉水 包装饮用水 食品接触 企业标准"
).split()


@cache
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@cache
def _convertible() -> frozenset[str]:
    """The characters OpenCC t2s actually changes: text without any of them converts to itself (most text is
    simplified already), so the conversion is skipped."""
    # opencc-python-reimplemented keeps its dictionaries as (max_len, min_len, {source: target}) tuples, some
    # grouped in lists. Should that private layout change, the set is empty and every text is converted.
    found: set[str] = set()
    pending = list(getattr(_t2s(), "_dict_chain_data", None) or [])
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, tuple) and len(item) == 3 and isinstance(item[2], dict):
            for source, target in item[2].items():
                target = target.split(" ")[0]  # a character may list alternatives; the first is used
                if len(source) != len(target):
                    found.update(source)
                else:
                    found.update(a for a, b in zip(source, target, strict=True) if a != b)
    return frozenset(found)


def fold_search(text: str) -> str:
    """The folding applied to every indexed and every queried text: `fold_text`, traditional → simplified,
    lower case."""
    folded = fold_text(text or "")
    convertible = _convertible()
    if not convertible or any(ch in convertible for ch in folded):
        folded = _t2s().convert(folded)
    return folded.lower()


@cache
def _segmenter():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word in _DOMAIN_WORDS:
        tokenizer.add_word(word)
    return tokenizer


def _ngrams(run: str) -> list[str]:
    return list(run) + [run[i : i + 2] for i in range(len(run) - 1)]


def _query_ngrams(word: str) -> list[str]:
    return [word] if len(word) == 1 else [word[i : i + 2] for i in range(len(word) - 1)]


def _number_token(normalized: str) -> str:
    # An enterprise number (Q/…) has no national format, so its spacing is the enterprise's whim: Q/YSTC 0001
    # and Q/YSTC0001 are one number. Elsewhere a space separates code and number (GB/T 1.1 ≠ GB/T1.1 never occurs).
    if normalized.startswith("Q/"):
        return normalized.lower().replace(" ", "")
    return normalized.lower().replace(" ", "_")


def number_tokens(standard: stdnum.StandardNumber) -> list[str]:
    """The tokens of a parsed standard number: the normalised number and the number without year or
    amendments (every edition), for the primary number and for an identically adopted one."""
    tokens: list[str] = []
    for std in (standard, standard.adopted):
        if std is None:
            continue
        bare = dataclasses.replace(std, year=None, amendments=(), year_suffix="", adopted=None)
        for text in (std.normalized, stdnum.render(bare)):
            token = _number_token(text)
            if token not in tokens:
                tokens.append(token)
    return tokens


def _parse_number(text: str) -> stdnum.StandardNumber | None:
    text = _NUMBER_EDGE.sub("", text)
    if not text or not text[0].isalpha():
        return None
    return stdnum.parse(text).standard


def _scan(folded: str) -> Iterable[tuple[str, object]]:
    """Split folded text into ("cjk", run), ("number", StandardNumber) and ("words", text) pieces, in order.

    Consecutive non-CJK pieces (at most four) that together read as a standard number become one number,
    longest first: `gb/t 19001—2016` is one piece sequence `gb/t`, `19001-2016`."""
    pieces = _PIECES.findall(folded)
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if _IS_CJK.match(piece):
            yield "cjk", piece
            i += 1
            continue
        run_end = i
        while (
            run_end < len(pieces) and run_end - i < _MAX_NUMBER_PIECES and not _IS_CJK.match(pieces[run_end])
        ):
            run_end += 1
        for j in range(run_end, i, -1):
            standard = _parse_number(" ".join(pieces[i:j]))
            if standard is not None:
                yield "number", standard
                for consumed in pieces[i:j]:
                    yield "number-words", consumed
                i = j
                break
        else:
            yield "words", piece
            i += 1


def text_terms(text: str, *, is_number: bool = False) -> list[str]:
    """The plain index terms of a document's text: CJK unigrams and bigrams, words, standard-number tokens.
    `is_number` marks a standard-number field: its text gives a normalised token even when it does not parse."""
    return list(_text_terms(text, is_number))


# Indicator names, test methods and product names repeat across many documents: a rebuild meets each once.
@lru_cache(maxsize=8192)
def _text_terms(text: str, is_number: bool) -> tuple[str, ...]:
    folded = fold_search(text)
    terms: list[str] = []
    parsed_any = False
    for kind, value in _scan(folded):
        if kind == "cjk":
            terms.extend(_ngrams(value))
        elif kind == "number":
            parsed_any = True
            terms.extend(number_tokens(value))
        else:
            terms.extend(_WORDS.findall(value))
    if is_number and not parsed_any:
        # An enterprise number in a region's own format, or a code stdnum does not know: the folded text
        # (spaces as "_") is still one exact token, if it is made of what numbers are made of.
        plain = stdnum.fold(folded)
        if _NUMBER_TEXT.fullmatch(plain) and any(c.isdigit() for c in plain):
            terms.append(_number_token(plain))
    return tuple(terms)


@dataclass(frozen=True)
class SearchDocument:
    """What one disclosure shows to search, by field. Texts are as typed; folding happens here."""

    numbers: Sequence[str] = ()  # standard numbers (own and adopted), normalised forms welcome as well
    identifiers: Sequence[str] = ()  # USCC and other codes searched exactly
    names: Sequence[str] = ()  # enterprise name
    titles: Sequence[str] = ()  # standard title
    details: Sequence[str] = ()  # product names, models, specifications, barcodes; indicators, test methods
    facets: Sequence[str] = ()  # filter tokens: region_facets(), industry_facets(), family_facet(), …


def index_tokens(document: SearchDocument) -> list[str]:
    """Every token stored for a document: plain terms, tier-marked terms (`k=term`) and facets, sorted."""
    best: dict[str, int] = {}

    def add(terms: Iterable[str], rank: int) -> None:
        for term in terms:
            if best.get(term, TIERS + 1) > rank:
                best[term] = rank

    for number in document.numbers:
        add(text_terms(number, is_number=True), FIELD_NUMBER)
    for identifier in document.identifiers:
        add(_WORDS.findall(fold_search(identifier)), FIELD_NUMBER)
    for rank, texts in ((FIELD_NAME, document.names), (FIELD_TITLE, document.titles)):
        for text in texts:
            add(text_terms(text), rank)
    for text in document.details:
        add(text_terms(text), FIELD_BODY)
    tokens = set(document.facets)
    for term, rank in best.items():
        tokens.add(term)
        tokens.update(f"{tier}={term}" for tier in range(rank, TIERS))
    return sorted(tokens)[:_MAX_DOCUMENT_TOKENS]


def tier_terms(terms: Sequence[str], tier: int) -> list[str]:
    """The tokens that find documents holding all `terms` within the fields ranked 1..tier (tier 4: anywhere)."""
    if not 1 <= tier <= TIERS:
        raise ValueError(f"tier must be 1..{TIERS}")
    return list(terms) if tier == TIERS else [f"{tier}={term}" for term in terms]


def tier_can_match(terms: Sequence[str], tier: int) -> bool:
    """Whether documents can hold all `terms` within the fields ranked 1..tier: the number field (tier 1) holds
    no CJK text, so a query with a CJK term has no tier-1 match and need not ask."""
    return tier != FIELD_NUMBER or not any(_IS_CJK.search(term) for term in terms)


def region_facets(region_code: str) -> list[str]:
    """Filter tokens of a GB/T 2260 code: province, city and county prefixes (`r=45`, `r=4503`, `r=450321`)."""
    code = (region_code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return []
    return [f"r={code[:n]}" for n in (2, 4, 6) if n == 2 or code[n - 2 : n] != "00"]


# GB/T 4754-2017: the section (门类) of each division (大类) code range.
_SECTIONS = (
    ("A", 1, 5),
    ("B", 6, 12),
    ("C", 13, 43),
    ("D", 44, 46),
    ("E", 47, 50),
    ("F", 51, 52),
    ("G", 53, 60),
    ("H", 61, 62),
    ("I", 63, 65),
    ("J", 66, 69),
    ("K", 70, 70),
    ("L", 71, 72),
    ("M", 73, 75),
    ("N", 76, 79),
    ("O", 80, 82),
    ("P", 83, 83),
    ("Q", 84, 85),
    ("R", 86, 90),
    ("S", 91, 96),
    ("T", 97, 97),
)


def industry_section(code: str) -> str | None:
    """The GB/T 4754 section letter of a 2- to 4-digit industry code, or None."""
    if len(code) < 2 or not code[:2].isdigit():
        return None
    division = int(code[:2])
    return next((letter for letter, low, high in _SECTIONS if low <= division <= high), None)


def industry_facets(code: str) -> list[str]:
    """Filter tokens of a GB/T 4754 code: its section letter and each digit prefix (`i=C`, `i=30`, `i=307`…)."""
    code = (code or "").strip().upper()
    if not code.isdigit() or not 2 <= len(code) <= 4:
        return []
    section = industry_section(code)
    prefixes = [f"i={code[:n]}" for n in range(2, len(code) + 1)]
    return ([f"i={section.lower()}"] if section else []) + prefixes


def period_facet(moment: datetime.datetime) -> str:
    """The token of the calendar quarter (UTC) a document is ordered by, e.g. `t=2026q3`: search reads a large
    set of matches one quarter at a time, newest first, instead of all at once."""
    moment = moment.astimezone(datetime.UTC) if moment.tzinfo else moment
    return f"t={moment.year}q{(moment.month - 1) // 3 + 1}"


def periods_between(newest: datetime.datetime, oldest: datetime.datetime) -> list[str]:
    """The quarter tokens from `newest` back to `oldest`, newest first (at most 400: a century)."""
    newest = newest.astimezone(datetime.UTC) if newest.tzinfo else newest
    oldest = oldest.astimezone(datetime.UTC) if oldest.tzinfo else oldest
    year, quarter = newest.year, (newest.month - 1) // 3 + 1
    last = (oldest.year, (oldest.month - 1) // 3 + 1)
    found: list[str] = []
    for _step in range(400):
        found.append(f"t={year}q{quarter}")
        if (year, quarter) <= last:
            break
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return found


def family_facet(family: str) -> str:
    """The filter token of a standard family (`national`, `enterprise`, …)."""
    return f"f={family}"


def facet_value(kind: str, value: str) -> str | None:
    """The filter token for a value typed into a filter (region code prefix, industry code or section, family),
    or None when the value cannot be one."""
    value = (value or "").strip()
    if kind == "region":
        return f"r={value}" if value.isdigit() and len(value) in (2, 4, 6) else None
    if kind == "industry":
        if len(value) == 1 and value.isalpha() and value.upper() in {s for s, _, _ in _SECTIONS}:
            return f"i={value.lower()}"
        return f"i={value}" if value.isdigit() and 2 <= len(value) <= 4 else None
    if kind == "family":
        return family_facet(value) if re.fullmatch(r"[a-z]{2,16}", value) else None
    raise ValueError(f"unknown facet kind {kind!r}")


@dataclass(frozen=True)
class ParsedQuery:
    """A query as search uses it: the words every match must hold, each as its terms (a CJK word's bigrams,
    which belong together), and the standard numbers it recognised."""

    text: str
    words: tuple[tuple[str, ...], ...]
    numbers: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        """Every term of every word, once, in order."""
        return tuple(dict.fromkeys(term for word in self.words for term in word))

    @property
    def is_empty(self) -> bool:
        return not self.words


def parse_query(text: str) -> ParsedQuery:
    """Turn typed text into search terms (ANDed): a standard number becomes its number token (the edition when
    a year is given, every edition otherwise), CJK words from jieba their bigrams (one character: itself),
    other words themselves. Function words and company forms (有限公司…) are dropped when there is more."""
    folded = fold_search((text or "")[:MAX_QUERY_LENGTH])
    words: list[tuple[str, ...]] = []
    stop: list[bool] = []
    numbers: list[str] = []
    for kind, value in _scan(folded):
        if kind == "number":
            numbers.append(value.normalized)
            words.append((_number_token(value.normalized),))
            stop.append(False)
        elif kind == "cjk":
            for word in _segmenter().lcut(value):
                words.append(tuple(_query_ngrams(word)))
                stop.append(word in _QUERY_STOP_WORDS)
        elif kind == "words":
            for word in _WORDS.findall(value):
                words.append((word,))
                stop.append(False)
    kept = [w for w, s in zip(words, stop, strict=True) if not s] or words
    unique: list[tuple[str, ...]] = []
    count = 0
    for word in dict.fromkeys(kept):
        if count + len(word) > MAX_QUERY_TERMS:
            break
        unique.append(word)
        count += len(word)
    return ParsedQuery(text=folded, words=tuple(unique), numbers=tuple(numbers))

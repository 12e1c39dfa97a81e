"""Standard numbers (标准编号): grammar, validation and the normalised form used for matching.

Families (DOMAIN.md §1): national `GB`, `GB/T`, `GB/Z`; industry (a code from `INDUSTRY_CODES`, then `/T`
or `/Z`); local `DB` + province or city code; group `T/…`; enterprise `Q/…` (pattern configurable per
region); metrology `JJG`, `JJF`; international `ISO`, `IEC`, `ITU-T`…; foreign `EN`, `BS`, `DIN`, `ASTM`,
`JIS`, `UL`, `ANSI`, `NF`, `AS`, `CSA`, `IEEE`, `SAE`.

Normalised display form — the key every match uses; display keeps the original text:

- code, one space, number: `GB/T 1.1`, `ISO/IEC 27001`, `JIS C 8105-1`, `T/ZZB 0001`;
- Chinese families (national, industry, local, group, enterprise, metrology) then `-year` with four digits,
  so `GB 5749-85` becomes `GB 5749-1985`; a mandatory local standard is `DB31 199-2018` (no slash); an
  enterprise number keeps its slash and its own spacing: `Q/GLHX 0001-2024`;
- ISO, IEC, EN, BS, DIN, NF, JIS, AS and CSA then `:year` (`ISO 9001:2015`); DIN adds its month
  (`DIN EN ISO 9001:2015-11`); amendments follow as `/Amd 1:2024`, `/Cor 1:2009`, `+A1:2018`, `/AC:2014`;
- ASTM keeps its own `-YY` and edition letter (`ASTM D638-14`, year 2014); IEEE and ANSI `-year`;
  SAE `_YYYYMM`; UL and ITU numbers carry no year.

An identical adoption written after the primary number (`GB/T 19001-2016/ISO 9001:2015`) is not part of the
normalised form: it is parsed into `StandardNumber.adopted` and appended by `render`.

Enterprise patterns (`enterprise_patterns`, a mapping region-code prefix → regex) are matched in full against
the folded text with the spaces around `/`, `-`, `:` and `.` removed, e.g. `Q/330106 ABC 0001-2024`; a
pattern may name the groups `number` and `year`, otherwise the year is what follows the last hyphen. A
pattern that is not a valid regex is a configuration error and raises `re.error`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal, NoReturn

from nqihub.engines.text import fold_text

__all__ = [
    "CHINESE_FAMILIES",
    "DEFAULT_ENTERPRISE_PATTERN",
    "INDUSTRY_CODES",
    "PROVINCE_CODES",
    "Family",
    "Nature",
    "ParseResult",
    "StandardNumber",
    "enterprise_number_matches_region",
    "fold",
    "normalize",
    "parse",
    "render",
    "same_standard",
]

Family = Literal[
    "national", "industry", "local", "group", "enterprise", "metrology", "international", "foreign"
]
Nature = Literal["mandatory", "recommended", "guidance", "group", "enterprise"]

CHINESE_FAMILIES: frozenset[str] = frozenset(
    {"national", "industry", "local", "group", "enterprise", "metrology"}
)

# 行业标准代号 as published by SAC (国家标准化管理委员会): the 67 codes of its list of approved industry
# standard codes, checked in part against reproductions of that list (e.g.
# https://m.food12331.com/knowledge/quality/59758.html, http://shorologe.com/newsshow.aspx?id=169), plus
# the codes assigned after it for fire and rescue (XF), emergency management (YJ) and mine safety (KA).
# `DB` really is the seismology code; a local standard is told apart because its region code follows `DB`.
INDUSTRY_CODES: Mapping[str, str] = MappingProxyType(
    {
        "AQ": "安全生产",
        "BB": "包装",
        "CB": "船舶",
        "CH": "测绘",
        "CJ": "城镇建设",
        "CY": "新闻出版",
        "DA": "档案",
        "DB": "地震",
        "DL": "电力",
        "DZ": "地质矿产",
        "EJ": "核工业",
        "FZ": "纺织",
        "GA": "公共安全",
        "GH": "供销合作",
        "GM": "密码",
        "GY": "广播电影电视",
        "HB": "航空",
        "HG": "化工",
        "HJ": "环境保护",
        "HS": "海关",
        "HY": "海洋",
        "JB": "机械",
        "JC": "建材",
        "JG": "建筑工业",
        "JR": "金融",
        "JT": "交通",
        "JY": "教育",
        "LB": "旅游",
        "LD": "劳动和劳动安全",
        "LS": "粮食",
        "LY": "林业",
        "MH": "民用航空",
        "MT": "煤炭",
        "MZ": "民政",
        "NB": "能源",
        "NY": "农业",
        "QB": "轻工",
        "QC": "汽车",
        "QJ": "航天",
        "QX": "气象",
        "RB": "认证认可",
        "SB": "商业",
        "SC": "水产",
        "SF": "司法",
        "SH": "石油化工",
        "SJ": "电子",
        "SL": "水利",
        "SN": "出入境检验检疫",
        "SW": "税务",
        "SY": "石油天然气",
        "TB": "铁路运输",
        "TD": "土地管理",
        "TY": "体育",
        "WB": "物资管理",
        "WH": "文化",
        "WJ": "兵工民品",
        "WM": "外经贸",
        "WS": "卫生",
        "WW": "文物保护",
        "XB": "稀土",
        "YB": "黑色冶金",
        "YC": "烟草",
        "YD": "通信",
        "YS": "有色冶金",
        "YY": "医药",
        "YZ": "邮政",
        "ZY": "中医药",
        "XF": "消防救援",
        "YJ": "应急管理",
        "KA": "矿山安全",
    }
)

# First two digits of GB/T 2260 region codes: the provinces, autonomous regions and municipalities.
PROVINCE_CODES: frozenset[str] = frozenset(
    [str(n) for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47))]
    + [str(n) for n in (*range(50, 55), *range(61, 66), 71, 81, 82)]
)

# Used when no region prescribes its own format: `Q/` + enterprise code (letters and digits, runs joined by
# a space, dot or slash) ending in a digit sequence, `-`, four-digit year. The lookahead demands a letter or
# separator so that a bare `Q/0001-2024`, which names no enterprise, is refused.
DEFAULT_ENTERPRISE_PATTERN = (
    r"Q/(?=[A-Z0-9 ./]*[A-Z ./])(?P<number>[A-Z0-9]+(?:[ ./][A-Z0-9]+)*)(?<=\d)-(?P<year>\d{4})"
)

# Longer than any real number with an adoption and amendments; bounds the work a hostile string can cause.
_MAX_LENGTH = 160
_EARLIEST_CHINESE_YEAR = 1950
_EARLIEST_FOREIGN_YEAR = 1900
_NATURE_BY_SUFFIX: Mapping[str, Nature] = MappingProxyType(
    {"": "mandatory", "T": "recommended", "Z": "guidance"}
)
_ZERO_WIDTH = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff"}
_DASH_RUN = re.compile(r"-{2,}")
_DISALLOWED = re.compile(r"[^A-Z0-9 /.\-:+_]")
_AROUND_SEPARATOR = re.compile(r" ?([/\-:.+_]) ?")
_LEADING_CODE = re.compile(r"[A-Z]+(?:-[A-Z])?")


@dataclass(frozen=True, slots=True)
class StandardNumber:
    """One parsed standard number; `normalized` is its matching key."""

    family: Family
    code: str
    nature: Nature | None
    number: str
    year: int | None
    amendments: tuple[str, ...] = ()
    # What a scheme writes after the year: ASTM's edition letter ("a"), DIN's or SAE's month ("11").
    year_suffix: str = ""
    adopted: StandardNumber | None = None

    @property
    def normalized(self) -> str:
        """The normalised primary number, without any identical adoption."""
        return render(self, adoption=False)


@dataclass(frozen=True, slots=True)
class ParseResult:
    """The outcome of `parse`: a standard number, or the reason the text is not one."""

    input: str
    standard: StandardNumber | None
    error: str | None

    @property
    def ok(self) -> bool:
        """True when the text is a valid standard number."""
        return self.standard is not None

    @property
    def normalized(self) -> str | None:
        """The normalised primary number, or None for invalid text."""
        return self.standard.normalized if self.standard else None

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of the CLI contract: the fields above plus `adopted` and `amendments`."""
        std = self.standard
        return {
            "input": self.input,
            "ok": std is not None,
            "family": std.family if std else None,
            "code": std.code if std else None,
            "nature": std.nature if std else None,
            "number": std.number if std else None,
            "year": std.year if std else None,
            "normalized": std.normalized if std else None,
            "error": self.error,
            "adopted": std.adopted.normalized if std and std.adopted else None,
            "amendments": list(std.amendments) if std else [],
        }


class _Rejected(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def _reject(zh: str, en: str) -> NoReturn:
    raise _Rejected(zh, en)


def _this_year() -> int:
    return datetime.date.today().year


# --- folding -------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Full-width → half-width, dash variants → `-`, whitespace runs → one space, invisible characters
    dropped, upper case: the folding applied before parsing and for search."""
    folded = fold_text(text.translate(_ZERO_WIDTH))
    # A Chinese dash (破折号) is typed as two em dashes, which fold to two hyphens.
    return _DASH_RUN.sub("-", folded).upper()


def _compact(folded: str) -> str:
    # Spaces around separators carry no meaning ("GB 2762 - 2022", "ISO 9001 : 2015"); spaces between
    # words do ("JIS C 8105", "DB31 199-2018"), so only the former go.
    return _AROUND_SEPARATOR.sub(r"\1", folded)


# --- years ---------------------------------------------------------------------------------------------


def _chinese_year(raw: str) -> int:
    if len(raw) == 2:
        # Two-digit years belong to standards issued before the four-digit rule of the 1990s.
        year = 1900 + int(raw)
        if year < _EARLIEST_CHINESE_YEAR:
            _reject(
                f"两位年代号 '{raw}' 即 {year} 年，早于 {_EARLIEST_CHINESE_YEAR} 年",
                f"two-digit year '{raw}' means {year}, before {_EARLIEST_CHINESE_YEAR}",
            )
        return year
    if len(raw) != 4:
        _reject(
            f"年代号 '{raw}' 应为 4 位数字（旧标准为 2 位）",
            f"year '{raw}' must have 4 digits (2 in old standards)",
        )
    return _checked_year(int(raw), _EARLIEST_CHINESE_YEAR)


def _checked_year(year: int, earliest: int) -> int:
    latest = _this_year() + 1
    if year < earliest:
        _reject(f"年代号 {year} 早于 {earliest} 年", f"year {year} is before {earliest}")
    if year > latest:
        _reject(f"年代号 {year} 晚于 {latest} 年", f"year {year} is after {latest}")
    return year


def _foreign_year(raw: str) -> int:
    if len(raw) != 4:
        _reject(f"年份 '{raw}' 应为 4 位数字", f"year '{raw}' must have 4 digits")
    return _checked_year(int(raw), _EARLIEST_FOREIGN_YEAR)


def _two_digit_year(raw: str) -> int:
    if len(raw) == 4:
        return _foreign_year(raw)
    if len(raw) != 2:
        _reject(f"年份 '{raw}' 应为 2 位或 4 位数字", f"year '{raw}' must have 2 or 4 digits")
    short = int(raw)
    # ASTM and CSA print two digits; a year not yet reached this century must be last century's.
    return (2000 if short <= _this_year() % 100 else 1900) + short


# --- Chinese families ----------------------------------------------------------------------------------

_CHINESE_TAIL = re.compile(r" ?(?P<number>\d+(?:\.\d+)*)(?:-(?P<year>\d+))?")


def _chinese_tail(code: str, rest: str) -> tuple[str, int | None]:
    if not any(ch.isdigit() for ch in rest):
        _reject(f"{code} 后缺少标准顺序号", f"{code} is not followed by a sequence number")
    match = _CHINESE_TAIL.fullmatch(rest)
    if match is None:
        _reject(f"无法识别 {code} 后的 '{rest.strip()}'", f"cannot read '{rest.strip()}' after {code}")
    return match["number"], _chinese_year(match["year"]) if match["year"] else None


def _suffix(code: str, rest: str) -> tuple[str, str]:
    """Split `/T` or `/Z` off the text after a code; return (suffix letter or "", remaining text)."""
    if not rest.startswith("/"):
        return "", rest
    match = re.match(r"/([A-Z]*)", rest)
    assert match is not None
    letters = match[1]
    if letters not in ("T", "Z"):
        _reject(f"未知的标准代号 '{code}/{letters}'", f"unknown standard code '{code}/{letters}'")
    return letters, rest[match.end() :]


def _coded(family: Family, code: str, rest: str) -> StandardNumber:
    letter, rest = _suffix(code, rest)
    full_code = f"{code}/{letter}" if letter else code
    number, year = _chinese_tail(full_code, rest)
    return StandardNumber(family, full_code, _NATURE_BY_SUFFIX[letter], number, year)


_LOCAL = re.compile(r" ?(?P<region>\d+)(?P<separator>/[A-Z]*| )(?P<rest>.*)")


def _parse_db(text: str) -> StandardNumber:
    rest = text[2:]
    if rest.startswith("/"):
        # `DB/T`: the seismology industry code. Its mandatory form (`DB 15-2009`) is refused rather than
        # guessed, since it reads just as well as a local number with the region code forgotten.
        return _coded("industry", "DB", rest)
    match = _LOCAL.fullmatch(rest)
    if match is None:
        _reject(
            "地方标准编号应为 DB + 行政区划代码 + '/' 或 '/T' + 顺序号，如 DB33/T 2428-2022",
            "a local standard number is DB + region code + '/' or '/T' + sequence, e.g. DB33/T 2428-2022",
        )
    region = match["region"]
    if len(region) not in (2, 4):
        _reject(
            f"行政区划代码 '{region}' 应为 2 位（省级）或 4 位（设区的市）",
            f"region code '{region}' must have 2 digits (province) or 4 (city)",
        )
    if region[:2] not in PROVINCE_CODES:
        _reject(f"不存在的省级行政区划代码 '{region[:2]}'", f"no province has the code '{region[:2]}'")
    if len(region) == 4 and region.endswith("00"):
        _reject(f"'{region}' 不是设区的市的代码", f"'{region}' is not a city code")
    letter = match["separator"].removeprefix("/").strip()
    if letter not in _NATURE_BY_SUFFIX:
        _reject(f"未知的标准代号 'DB{region}/{letter}'", f"unknown standard code 'DB{region}/{letter}'")
    code = f"DB{region}/{letter}" if letter else f"DB{region}"
    number, year = _chinese_tail(code, match["rest"])
    return StandardNumber("local", code, _NATURE_BY_SUFFIX[letter], number, year)


# A code with digits or hyphens must be followed by a space; without one, the code is the letters only.
_GROUP = re.compile(
    r"T/(?:(?P<spaced>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*) |(?P<bare>[A-Z]+(?:-[A-Z]+)*))(?P<rest>.*)"
)


def _parse_group(text: str) -> StandardNumber:
    match = _GROUP.fullmatch(text)
    if match is None:
        _reject(
            "团体标准编号应为 T/ + 团体代号 + 顺序号，如 T/ZZB 0001-2016",
            "a group standard number is T/ + group code + sequence, e.g. T/ZZB 0001-2016",
        )
    code = f"T/{match['spaced'] or match['bare']}"
    number, year = _chinese_tail(code, match["rest"])
    return StandardNumber("group", code, "group", number, year)


def _as_regex(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    # re.compile keeps its own cache, so configured patterns are compiled once.
    return pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)


def _enterprise_from(text: str, match: re.Match[str]) -> StandardNumber:
    groups = match.groupdict()
    if groups.get("number") is not None:
        number, raw_year = groups["number"], groups.get("year")
    else:
        # A regional pattern without named groups: the year is whatever follows the last hyphen.
        body = text.removeprefix("Q/")
        head, dash, tail = body.rpartition("-")
        number, raw_year = (head, tail) if dash and tail.isdigit() else (body, None)
    year = _chinese_year(raw_year) if raw_year else None
    return StandardNumber("enterprise", "Q", "enterprise", number.strip(), year)


def _parse_enterprise(text: str, patterns: Mapping[str, str | re.Pattern[str]] | None) -> StandardNumber:
    regexes = (
        [_as_regex(DEFAULT_ENTERPRISE_PATTERN)]
        if patterns is None
        else [_as_regex(p) for p in patterns.values()]
    )
    for regex in regexes:
        match = regex.fullmatch(text)
        if match is not None:
            return _enterprise_from(text, match)
    _reject(
        f"企业标准编号 '{text}' 不符合规定格式（Q/ + 企业代号 + 顺序号 + '-' + 年代号）",
        f"enterprise standard number '{text}' does not match the prescribed pattern "
        "(Q/ + enterprise code + sequence + '-' + year)",
    )


# --- international and foreign -------------------------------------------------------------------------

_Dating = Literal["colon", "din", "astm", "dash", "sae", "as", "csa", "none"]


@dataclass(frozen=True, slots=True)
class _Scheme:
    family: Family
    number: str
    dating: _Dating
    canonical: Callable[[re.Match[str]], str] | None = None


def _jis_number(match: re.Match[str]) -> str:
    return f"{match['division']} {match['digits']}"


def _nf_number(match: re.Match[str]) -> str:
    return f"{match['division']} {match['digits']}" if match["division"] else match["digits"]


def _ieee_number(match: re.Match[str]) -> str:
    return match["digits"]


def _csa_number(match: re.Match[str]) -> str:
    return f"{match['main']} No. {match['part']}" if match["part"] else match["main"]


_ISO_NUMBER = r"\d+(?:-\d+)*"
_ISO_SCHEME = _Scheme("international", _ISO_NUMBER, "colon")
_EN_SCHEME = _Scheme("foreign", _ISO_NUMBER, "colon")
_DIN_SCHEME = _Scheme("foreign", _ISO_NUMBER, "din")

_SCHEMES: Mapping[str, _Scheme] = MappingProxyType(
    {
        **dict.fromkeys(
            [
                "ISO",
                "IEC",
                "ISO/IEC",
                "ISO/TS",
                "ISO/TR",
                "ISO/PAS",
                "ISO/IEC TS",
                "ISO/IEC TR",
                "ISO/IEC/IEEE",
                "ISO/ASTM",
                "IEC TS",
                "IEC TR",
                "IEC/TS",
                "IEC/TR",
            ],
            _ISO_SCHEME,
        ),
        "ITU-T": _Scheme("international", r"[A-Z]\.\d+(?:\.\d+)*", "none"),
        "ITU-R": _Scheme("international", r"[A-Z]{1,3}\.\d+(?:\.\d+)*(?:-\d+)?", "none"),
        **dict.fromkeys(
            [
                "EN",
                "EN ISO",
                "EN IEC",
                "BS",
                "BS EN",
                "BS EN ISO",
                "BS EN IEC",
                "BS ISO",
                "BS IEC",
                "NF EN",
                "NF EN ISO",
                "AS/NZS ISO",
            ],
            _EN_SCHEME,
        ),
        **dict.fromkeys(["DIN", "DIN EN", "DIN EN ISO", "DIN EN IEC", "DIN ISO"], _DIN_SCHEME),
        "NF": _Scheme("foreign", r"(?:(?P<division>[A-Z]) ?)?(?P<digits>\d+(?:-\d+)*)", "colon", _nf_number),
        "JIS": _Scheme("foreign", r"(?P<division>[A-Z]) ?(?P<digits>\d+(?:-\d+)*)", "colon", _jis_number),
        "ASTM": _Scheme("foreign", r"[A-Z]\d+M?(?:/[A-Z]\d+M?)?", "astm"),
        "UL": _Scheme("foreign", r"\d+[A-Z]?(?:-\d+)*", "none"),
        "ANSI": _Scheme("foreign", r"[A-Z]*\d+(?:\.\d+)*", "dash"),
        "IEEE": _Scheme("foreign", r"(?:STD ?)?(?P<digits>\d+(?:\.\d+)*)", "dash", _ieee_number),
        "SAE": _Scheme("foreign", r"[A-Z]{1,3}\d+(?:/\d+)*", "sae"),
        **dict.fromkeys(["AS", "AS/NZS"], _Scheme("foreign", r"\d+(?:\.\d+)*", "as")),
        "CSA": _Scheme(
            "foreign", r"(?P<main>[A-Z]\d+(?:\.\d+)*)(?: ?NO\. ?(?P<part>\d+(?:-\d+)*))?", "csa", _csa_number
        ),
    }
)

# How each dating style continues after the number; `tail` must then be empty or amendments.
_DATING_SYNTAX: Mapping[_Dating, str] = MappingProxyType(
    {
        "colon": r"(?::(?P<year>\d+))?",
        "din": r"(?::(?P<year>\d+)(?:-(?P<month>\d+))?)?",
        "astm": r"(?:-(?P<year>\d+)(?P<letter>[A-Z])?)?",
        "dash": r"(?:-(?P<year>\d+))?",
        "sae": r"(?:_(?P<year>\d{4})(?P<month>\d{2}))?",
        "as": r"(?:[:-](?P<year>\d+))?",
        "csa": r"(?::(?P<year>\d+))?",
        "none": "",
    }
)


def _code_regex(code: str) -> re.Pattern[str]:
    words = r" ?".join(re.escape(word) for word in code.split(" "))
    return re.compile(rf"{words}(?=[ \d]|$)")


# Longest first, so that `BS EN ISO` wins over `BS EN` and `BS`.
_CODE_REGEXES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, _code_regex(code)) for code in sorted(_SCHEMES, key=len, reverse=True)
)
_BODY_REGEXES: Mapping[str, re.Pattern[str]] = MappingProxyType(
    {
        code: re.compile(rf" ?(?P<number>{scheme.number}){_DATING_SYNTAX[scheme.dating]}(?P<tail>.*)")
        for code, scheme in _SCHEMES.items()
    }
)
_AMENDMENT = re.compile(r"[/+](?P<kind>AMD|COR|AC|A)\.? ?(?P<n>\d+)?:(?P<year>\d+)")


def _foreign_code(text: str) -> tuple[str, int] | None:
    """The international or foreign code `text` starts with, and where its number begins."""
    for code, regex in _CODE_REGEXES:
        match = regex.match(text)
        if match is not None:
            return code, match.end()
    return None


def _amendments(code: str, tail: str) -> tuple[str, ...]:
    found: list[str] = []
    position = 0
    while position < len(tail):
        match = _AMENDMENT.match(tail, position)
        if match is None:
            _reject(
                f"无法识别 {code} 编号后的 '{tail[position:]}'",
                f"cannot read '{tail[position:]}' after the {code} number",
            )
        kind, n, year = match["kind"], match["n"], _foreign_year(match["year"])
        if n is None and kind != "AC":
            _reject(f"修正案 '{match[0]}' 缺少序号", f"amendment '{match[0]}' has no number")
        found.append(
            {"AMD": f"Amd {n}", "COR": f"Cor {n}", "A": f"A{n}"}.get(kind, f"AC{n or ''}") + f":{year}"
        )
        position = match.end()
    return tuple(found)


def _parse_foreign(code: str, rest: str) -> StandardNumber:
    scheme = _SCHEMES[code]
    if not rest.strip():
        _reject(f"{code} 后缺少标准编号", f"{code} is not followed by a number")
    match = _BODY_REGEXES[code].fullmatch(rest)
    if match is None:
        _reject(f"无法识别 {code} 后的 '{rest.strip()}'", f"cannot read '{rest.strip()}' after {code}")
    number = scheme.canonical(match) if scheme.canonical else match["number"]
    groups = match.groupdict()
    raw_year, suffix = groups.get("year"), ""
    year: int | None = None
    if raw_year is not None:
        year = _two_digit_year(raw_year) if scheme.dating in ("astm", "csa") else _foreign_year(raw_year)
        if groups.get("letter"):
            suffix = groups["letter"].lower()
        if groups.get("month"):
            suffix = groups["month"]
            if not 1 <= int(suffix) <= 12:
                _reject(f"月份 '{suffix}' 无效", f"month '{suffix}' is not valid")
    tail = match["tail"]
    amendments: tuple[str, ...] = ()
    if tail:
        if year is None or scheme.dating not in ("colon", "din"):
            _reject(f"无法识别 {code} 编号后的 '{tail}'", f"cannot read '{tail}' after the {code} number")
        amendments = _amendments(code, tail)
    return StandardNumber(scheme.family, code, None, number, year, amendments, suffix)


# --- dispatch ------------------------------------------------------------------------------------------


def _unknown_code(text: str) -> NoReturn:
    match = _LEADING_CODE.match(text)
    if match is None:
        _reject("缺少标准代号", "the standard code is missing")
    token = match[0]
    head, last = token[:-1], token[-1]
    if last in "TZ" and (head == "GB" or head in INDUSTRY_CODES):
        _reject(
            f"未知的标准代号 '{token}'（是否应为 '{head}/{last}'？）",
            f"unknown standard code '{token}' (did you mean '{head}/{last}'?)",
        )
    _reject(f"未知的标准代号 '{token}'", f"unknown standard code '{token}'")


def _parse_single(text: str, patterns: Mapping[str, str | re.Pattern[str]] | None) -> StandardNumber:
    if text.startswith("Q/"):
        return _parse_enterprise(text, patterns)
    if text.startswith("T/"):
        return _parse_group(text)
    token_match = re.match(r"[A-Z]+", text)
    token = token_match[0] if token_match else ""
    if token == "GB":
        return _coded("national", "GB", text[2:])
    if token == "DB":
        return _parse_db(text)
    if token in ("JJG", "JJF"):
        number, year = _chinese_tail(token, text[3:])
        return StandardNumber("metrology", token, None, number, year)
    if token in INDUSTRY_CODES:
        return _coded("industry", token, text[2:])
    found = _foreign_code(text)
    if found is not None:
        return _parse_foreign(found[0], text[found[1] :])
    _unknown_code(text)


def _parse_adoption(text: str, patterns: Mapping[str, str | re.Pattern[str]] | None) -> StandardNumber | None:
    """`GB/T 19001-2016/ISO 9001:2015`: a Chinese number, `/`, the international number it adopts."""
    for index, char in enumerate(text):
        if char != "/" or not text[:index][-1:].isdigit() or _foreign_code(text[index + 1 :]) is None:
            continue
        primary = _parse_single(text[:index], patterns)
        if primary.family not in CHINESE_FAMILIES:
            return None
        try:
            adopted = _parse_single(text[index + 1 :], None)
        except _Rejected as exc:
            _reject(f"所采用的标准编号无效：{exc.zh}", f"the adopted number is invalid: {exc.en}")
        return replace(primary, adopted=adopted)
    return None


def _parse(text: str, patterns: Mapping[str, str | re.Pattern[str]] | None) -> StandardNumber:
    if not isinstance(text, str):
        _reject("标准编号应为文本", "a standard number must be text")
    folded = fold(text)
    if not folded:
        _reject("标准编号为空", "the standard number is empty")
    if len(folded) > _MAX_LENGTH:
        _reject(
            f"文本过长（超过 {_MAX_LENGTH} 个字符），不是标准编号",
            f"text longer than {_MAX_LENGTH} characters is not a standard number",
        )
    stray = _DISALLOWED.search(folded)
    if stray is not None:
        _reject(
            f"含有标准编号中不应出现的字符 '{stray[0]}'",
            f"contains the character '{stray[0]}', which no standard number has",
        )
    compact = _compact(folded)
    return _parse_adoption(compact, patterns) or _parse_single(compact, patterns)


# --- public API ----------------------------------------------------------------------------------------


def parse(
    text: str, *, enterprise_patterns: Mapping[str, str | re.Pattern[str]] | None = None
) -> ParseResult:
    """Parse a typed standard number, never guessing; bad text gives a result with a reason, not an exception.
    With `enterprise_patterns`, a `Q/` number must match one of them (add `DEFAULT_ENTERPRISE_PATTERN` to keep it)."""
    try:
        standard = _parse(text, enterprise_patterns)
    except _Rejected as exc:
        return ParseResult(text, None, str(exc))
    return ParseResult(text, standard, None)


def normalize(
    text: str, *, enterprise_patterns: Mapping[str, str | re.Pattern[str]] | None = None
) -> str | None:
    """The normalised form of a standard number (the matching key), or None if `text` is not one."""
    return parse(text, enterprise_patterns=enterprise_patterns).normalized


def render(parsed: StandardNumber | ParseResult, *, adoption: bool = True) -> str:
    """Canonical text of a parsed number: the normalised form, plus `/` and the identical adoption if any."""
    standard = parsed.standard if isinstance(parsed, ParseResult) else parsed
    if standard is None:
        raise ValueError(f"cannot render an invalid standard number: {parsed}")
    text = _render_primary(standard)
    if adoption and standard.adopted is not None:
        text += "/" + render(standard.adopted)
    return text


def _render_primary(std: StandardNumber) -> str:
    if std.family == "enterprise":
        return f"Q/{std.number}" + (f"-{std.year}" if std.year is not None else "")
    if std.family in CHINESE_FAMILIES:
        return f"{std.code} {std.number}" + (f"-{std.year}" if std.year is not None else "")
    scheme = _SCHEMES.get(std.code)
    if scheme is None:
        raise ValueError(f"unknown standard code {std.code!r}")
    text = f"{std.code} {std.number}"
    if std.year is None:
        return text
    if scheme.dating == "none":
        raise ValueError(f"{std.code} numbers carry no year")
    dated = {
        "astm": f"-{std.year % 100:02d}{std.year_suffix}",
        "dash": f"-{std.year}",
        "sae": f"_{std.year}{std.year_suffix}",
        "din": f":{std.year}" + (f"-{std.year_suffix}" if std.year_suffix else ""),
    }.get(scheme.dating, f":{std.year}")
    amendments = "".join(("+" if re.fullmatch(r"A\d+:\d+", a) else "/") + a for a in std.amendments)
    return text + dated + amendments


def same_standard(a: str | StandardNumber, b: str | StandardNumber) -> bool:
    """True when both name the same standard (same code and number), whatever the year or edition."""
    first = a if isinstance(a, StandardNumber) else parse(a).standard
    second = b if isinstance(b, StandardNumber) else parse(b).standard
    if first is None or second is None:
        return False
    return (first.code, first.number.replace(" ", "")) == (second.code, second.number.replace(" ", ""))


def enterprise_number_matches_region(
    number: str, region_code: str, patterns: Mapping[str, str | re.Pattern[str]] | None
) -> tuple[bool, str]:
    """Check an enterprise number against the pattern of the region (longest matching code prefix wins,
    `DEFAULT_ENTERPRISE_PATTERN` when none does); return (ok, bilingual reason)."""
    if not region_code.isdigit():
        return False, f"行政区划代码 '{region_code}' 应为数字 / region code '{region_code}' must be digits"
    text = _compact(fold(number))
    if not text.startswith("Q/"):
        return (
            False,
            f"'{number}' 不是企业标准编号（应以 Q/ 开头）/ '{number}' is not an enterprise number (Q/…)",
        )
    configured = patterns or {}
    prefixes = [key for key in configured if region_code.startswith(key)]
    if prefixes:
        key = max(prefixes, key=len)
        regex = _as_regex(configured[key])
        where_zh, where_en = f"地区 {key or '（默认）'}", f"region {key or '(default)'}"
    else:
        regex, where_zh, where_en = _as_regex(DEFAULT_ENTERPRISE_PATTERN), "默认", "the default"
    match = regex.fullmatch(text)
    if match is None:
        return False, (
            f"'{text}' 不符合{where_zh}的企业标准编号格式 / '{text}' does not match {where_en} enterprise number pattern"
        )
    try:
        _enterprise_from(text, match)
    except _Rejected as exc:
        return False, str(exc)
    return (
        True,
        f"'{text}' 符合{where_zh}的企业标准编号格式 / '{text}' matches {where_en} enterprise number pattern",
    )

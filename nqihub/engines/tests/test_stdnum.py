"""Standard-number grammar: real numbers of every family, sloppy typing, refusals, and properties."""

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nqihub.engines.stdnum import (
    DEFAULT_ENTERPRISE_PATTERN,
    INDUSTRY_CODES,
    PROVINCE_CODES,
    StandardNumber,
    enterprise_number_matches_region,
    fold,
    normalize,
    parse,
    render,
    same_standard,
)

THIS_YEAR = datetime.date.today().year

# (input, family, code, nature, number, year, normalized) — real, published numbers only.
REAL_NUMBERS = [
    # national 国家标准
    ("GB 2762-2022", "national", "GB", "mandatory", "2762", 2022, "GB 2762-2022"),
    ("GB 2763-2021", "national", "GB", "mandatory", "2763", 2021, "GB 2763-2021"),
    ("GB 2760-2014", "national", "GB", "mandatory", "2760", 2014, "GB 2760-2014"),
    ("GB/T 1.1-2020", "national", "GB/T", "recommended", "1.1", 2020, "GB/T 1.1-2020"),
    ("GB/T 1.1-2009", "national", "GB/T", "recommended", "1.1", 2009, "GB/T 1.1-2009"),
    ("GB 4806.1-2016", "national", "GB", "mandatory", "4806.1", 2016, "GB 4806.1-2016"),
    ("GB/T 19001-2016", "national", "GB/T", "recommended", "19001", 2016, "GB/T 19001-2016"),
    ("GB/T 24001-2016", "national", "GB/T", "recommended", "24001", 2016, "GB/T 24001-2016"),
    ("GB/T 45001-2020", "national", "GB/T", "recommended", "45001", 2020, "GB/T 45001-2020"),
    ("GB 5749-2022", "national", "GB", "mandatory", "5749", 2022, "GB 5749-2022"),
    ("GB 5749-85", "national", "GB", "mandatory", "5749", 1985, "GB 5749-1985"),
    ("GB 50016-2014", "national", "GB", "mandatory", "50016", 2014, "GB 50016-2014"),
    ("GB 7718-2011", "national", "GB", "mandatory", "7718", 2011, "GB 7718-2011"),
    ("GB 28050-2011", "national", "GB", "mandatory", "28050", 2011, "GB 28050-2011"),
    ("GB 14881-2013", "national", "GB", "mandatory", "14881", 2013, "GB 14881-2013"),
    ("GB 4943.1-2022", "national", "GB", "mandatory", "4943.1", 2022, "GB 4943.1-2022"),
    ("GB 4706.1-2005", "national", "GB", "mandatory", "4706.1", 2005, "GB 4706.1-2005"),
    ("GB 6675.1-2014", "national", "GB", "mandatory", "6675.1", 2014, "GB 6675.1-2014"),
    ("GB/T 2589-2020", "national", "GB/T", "recommended", "2589", 2020, "GB/T 2589-2020"),
    ("GB 17167-2006", "national", "GB", "mandatory", "17167", 2006, "GB 17167-2006"),
    ("GB/T 2260-2007", "national", "GB/T", "recommended", "2260", 2007, "GB/T 2260-2007"),
    ("GB/Z 20986-2007", "national", "GB/Z", "guidance", "20986", 2007, "GB/Z 20986-2007"),
    ("GB 2762", "national", "GB", "mandatory", "2762", None, "GB 2762"),
    # industry 行业标准
    ("QB/T 1333-2018", "industry", "QB/T", "recommended", "1333", 2018, "QB/T 1333-2018"),
    ("JB/T 10391-2008", "industry", "JB/T", "recommended", "10391", 2008, "JB/T 10391-2008"),
    ("YY 0505-2012", "industry", "YY", "mandatory", "0505", 2012, "YY 0505-2012"),
    ("YY/T 0287-2017", "industry", "YY/T", "recommended", "0287", 2017, "YY/T 0287-2017"),
    ("YY/T 0316-2016", "industry", "YY/T", "recommended", "0316", 2016, "YY/T 0316-2016"),
    ("NY/T 391-2021", "industry", "NY/T", "recommended", "391", 2021, "NY/T 391-2021"),
    ("HJ 2.2-2018", "industry", "HJ", "mandatory", "2.2", 2018, "HJ 2.2-2018"),
    ("JT/T 808-2019", "industry", "JT/T", "recommended", "808", 2019, "JT/T 808-2019"),
    ("GA 36-2018", "industry", "GA", "mandatory", "36", 2018, "GA 36-2018"),
    ("DL/T 448-2016", "industry", "DL/T", "recommended", "448", 2016, "DL/T 448-2016"),
    ("GM/T 0004-2012", "industry", "GM/T", "recommended", "0004", 2012, "GM/T 0004-2012"),
    ("SJ/T 11363-2006", "industry", "SJ/T", "recommended", "11363", 2006, "SJ/T 11363-2006"),
    ("WS/T 367-2012", "industry", "WS/T", "recommended", "367", 2012, "WS/T 367-2012"),
    ("SL 252-2017", "industry", "SL", "mandatory", "252", 2017, "SL 252-2017"),
    # local 地方标准
    ("DB33/T 2428-2022", "local", "DB33/T", "recommended", "2428", 2022, "DB33/T 2428-2022"),
    ("DB1403/T 22-2023", "local", "DB1403/T", "recommended", "22", 2023, "DB1403/T 22-2023"),
    ("DB31/ 199-2018", "local", "DB31", "mandatory", "199", 2018, "DB31 199-2018"),
    ("DB31/199-2018", "local", "DB31", "mandatory", "199", 2018, "DB31 199-2018"),
    # group 团体标准
    ("T/ZZB 0001-2016", "group", "T/ZZB", "group", "0001", 2016, "T/ZZB 0001-2016"),
    ("T/CNIA 0004-2018", "group", "T/CNIA", "group", "0004", 2018, "T/CNIA 0004-2018"),
    # enterprise 企业标准 (the shapes DOMAIN.md and the research notes give)
    ("Q/GLHX 0001-2024", "enterprise", "Q", "enterprise", "GLHX 0001", 2024, "Q/GLHX 0001-2024"),
    (
        "Q/320583 ABC 001-2023",
        "enterprise",
        "Q",
        "enterprise",
        "320583 ABC 001",
        2023,
        "Q/320583 ABC 001-2023",
    ),
    ("Q/ABCDE0001—2008", "enterprise", "Q", "enterprise", "ABCDE0001", 2008, "Q/ABCDE0001-2008"),
    # metrology 计量技术法规
    ("JJG 1036-2008", "metrology", "JJG", None, "1036", 2008, "JJG 1036-2008"),
    ("JJG 596-2012", "metrology", "JJG", None, "596", 2012, "JJG 596-2012"),
    ("JJF 1059.1-2012", "metrology", "JJF", None, "1059.1", 2012, "JJF 1059.1-2012"),
    ("JJF 1001-2011", "metrology", "JJF", None, "1001", 2011, "JJF 1001-2011"),
    ("JJF 1033-2023", "metrology", "JJF", None, "1033", 2023, "JJF 1033-2023"),
    # international
    ("ISO 9001:2015", "international", "ISO", None, "9001", 2015, "ISO 9001:2015"),
    ("ISO 14001:2015", "international", "ISO", None, "14001", 2015, "ISO 14001:2015"),
    ("ISO 22000:2018", "international", "ISO", None, "22000", 2018, "ISO 22000:2018"),
    ("ISO 13485:2016", "international", "ISO", None, "13485", 2016, "ISO 13485:2016"),
    ("ISO 50001:2018", "international", "ISO", None, "50001", 2018, "ISO 50001:2018"),
    ("ISO 8601-1:2019", "international", "ISO", None, "8601-1", 2019, "ISO 8601-1:2019"),
    ("ISO/IEC 17025:2017", "international", "ISO/IEC", None, "17025", 2017, "ISO/IEC 17025:2017"),
    ("ISO/IEC 17020:2012", "international", "ISO/IEC", None, "17020", 2012, "ISO/IEC 17020:2012"),
    ("ISO/IEC 17065:2012", "international", "ISO/IEC", None, "17065", 2012, "ISO/IEC 17065:2012"),
    ("ISO/IEC 27001:2022", "international", "ISO/IEC", None, "27001", 2022, "ISO/IEC 27001:2022"),
    ("ISO/TS 16949:2009", "international", "ISO/TS", None, "16949", 2009, "ISO/TS 16949:2009"),
    ("ISO/TR 10013:2021", "international", "ISO/TR", None, "10013", 2021, "ISO/TR 10013:2021"),
    ("ISO/PAS 45005:2020", "international", "ISO/PAS", None, "45005", 2020, "ISO/PAS 45005:2020"),
    ("IEC 60335-1:2020", "international", "IEC", None, "60335-1", 2020, "IEC 60335-1:2020"),
    ("IEC 61000-4-2:2008", "international", "IEC", None, "61000-4-2", 2008, "IEC 61000-4-2:2008"),
    ("ITU-T H.264", "international", "ITU-T", None, "H.264", None, "ITU-T H.264"),
    ("ISO 9001:2015/Amd 1:2024", "international", "ISO", None, "9001", 2015, "ISO 9001:2015/Amd 1:2024"),
    (
        "IEC 60335-1:2010+AMD1:2013+AMD2:2016",
        "international",
        "IEC",
        None,
        "60335-1",
        2010,
        "IEC 60335-1:2010/Amd 1:2013/Amd 2:2016",
    ),
    # foreign
    ("EN 71-1:2014", "foreign", "EN", None, "71-1", 2014, "EN 71-1:2014"),
    ("EN 71-1:2014+A1:2018", "foreign", "EN", None, "71-1", 2014, "EN 71-1:2014+A1:2018"),
    ("EN ISO 13485:2016", "foreign", "EN ISO", None, "13485", 2016, "EN ISO 13485:2016"),
    ("BS EN ISO 9001:2015", "foreign", "BS EN ISO", None, "9001", 2015, "BS EN ISO 9001:2015"),
    ("BS 7671:2018", "foreign", "BS", None, "7671", 2018, "BS 7671:2018"),
    ("DIN EN ISO 9001:2015-11", "foreign", "DIN EN ISO", None, "9001", 2015, "DIN EN ISO 9001:2015-11"),
    ("ASTM D638-14", "foreign", "ASTM", None, "D638", 2014, "ASTM D638-14"),
    ("ASTM F963-17", "foreign", "ASTM", None, "F963", 2017, "ASTM F963-17"),
    ("ASTM A36/A36M-19", "foreign", "ASTM", None, "A36/A36M", 2019, "ASTM A36/A36M-19"),
    ("JIS C 8105-1:2010", "foreign", "JIS", None, "C 8105-1", 2010, "JIS C 8105-1:2010"),
    ("JIS Q 9001:2015", "foreign", "JIS", None, "Q 9001", 2015, "JIS Q 9001:2015"),
    ("UL 94", "foreign", "UL", None, "94", None, "UL 94"),
    ("UL 1642", "foreign", "UL", None, "1642", None, "UL 1642"),
    ("UL 508A", "foreign", "UL", None, "508A", None, "UL 508A"),
    ("ANSI Z87.1-2020", "foreign", "ANSI", None, "Z87.1", 2020, "ANSI Z87.1-2020"),
    ("IEEE 802.11-2020", "foreign", "IEEE", None, "802.11", 2020, "IEEE 802.11-2020"),
    ("IEEE 754-2019", "foreign", "IEEE", None, "754", 2019, "IEEE 754-2019"),
    ("SAE J1939", "foreign", "SAE", None, "J1939", None, "SAE J1939"),
    ("AS/NZS 3112:2017", "foreign", "AS/NZS", None, "3112", 2017, "AS/NZS 3112:2017"),
    ("AS/NZS 3000:2018", "foreign", "AS/NZS", None, "3000", 2018, "AS/NZS 3000:2018"),
    ("NF C 15-100", "foreign", "NF", None, "C 15-100", None, "NF C 15-100"),
    ("CSA Z462", "foreign", "CSA", None, "Z462", None, "CSA Z462"),
]


def test_the_real_table_is_large_and_covers_every_family():
    assert len(REAL_NUMBERS) >= 60
    assert {row[1] for row in REAL_NUMBERS} == {
        "national",
        "industry",
        "local",
        "group",
        "enterprise",
        "metrology",
        "international",
        "foreign",
    }


@pytest.mark.parametrize(("text", "family", "code", "nature", "number", "year", "normalized"), REAL_NUMBERS)
def test_real_numbers(text, family, code, nature, number, year, normalized):
    result = parse(text).to_dict()
    assert result["error"] is None
    assert result["ok"] is True
    assert (result["family"], result["code"], result["nature"]) == (family, code, nature)
    assert (result["number"], result["year"], result["normalized"]) == (number, year, normalized)
    assert result["input"] == text


def test_result_shape_is_the_cli_contract():
    assert parse("GB/T 1.1-2020").to_dict() == {
        "input": "GB/T 1.1-2020",
        "ok": True,
        "family": "national",
        "code": "GB/T",
        "nature": "recommended",
        "number": "1.1",
        "year": 2020,
        "normalized": "GB/T 1.1-2020",
        "error": None,
        "adopted": None,
        "amendments": [],
    }
    failed = parse("XY/T 123-2020").to_dict()
    assert failed["ok"] is False
    assert {key for key, value in failed.items() if value not in (None, [])} == {"input", "ok", "error"}


def test_amendments_are_kept_as_a_list():
    assert parse("ISO 9001:2015/Amd 1:2024").to_dict()["amendments"] == ["Amd 1:2024"]
    assert parse("IEC 60335-1:2010+AMD1:2013+AMD2:2016").to_dict()["amendments"] == [
        "Amd 1:2013",
        "Amd 2:2016",
    ]
    assert parse("EN 71-1:2014+A1:2018").to_dict()["amendments"] == ["A1:2018"]


@pytest.mark.parametrize(
    ("text", "primary", "adopted"),
    [
        ("GB/T 19001-2016/ISO 9001:2015", "GB/T 19001-2016", "ISO 9001:2015"),
        ("YY/T 0287-2017/ISO 13485:2016", "YY/T 0287-2017", "ISO 13485:2016"),
        ("GB/T 19001—2016 / ISO 9001：2015", "GB/T 19001-2016", "ISO 9001:2015"),
    ],
)
def test_identical_adoption_exposes_the_adopted_number(text, primary, adopted):
    result = parse(text)
    assert result.to_dict()["normalized"] == primary
    assert result.to_dict()["adopted"] == adopted
    assert result.standard.adopted.family == "international"
    assert render(result) == f"{primary}/{adopted}"


SLOPPY = [
    ("ＧＢ／Ｔ　１９００１－２０１６", "GB/T 19001-2016"),
    ("gb/t19001-2016", "GB/T 19001-2016"),
    ("GB／T 19001-2016", "GB/T 19001-2016"),
    ("GB/T 1.1—2020", "GB/T 1.1-2020"),
    ("GB/T 1.1–2020", "GB/T 1.1-2020"),
    ("GB/T1.1—2020", "GB/T 1.1-2020"),
    ("GB/T 1.1——2020", "GB/T 1.1-2020"),
    ("GB2762-2022", "GB 2762-2022"),
    ("GB 2762 - 2022", "GB 2762-2022"),
    ("  GB   2762-2022  ", "GB 2762-2022"),
    ("GB 2762－2022", "GB 2762-2022"),
    ("GB 2762﹣2022", "GB 2762-2022"),
    ("GB 2762−2022", "GB 2762-2022"),
    ("GB\u00a02762-2022", "GB 2762-2022"),
    ("GB\u200b 2762-2022", "GB 2762-2022"),
    ("GB / T 19001 - 2016", "GB/T 19001-2016"),
    ("qb/t 1333-2018", "QB/T 1333-2018"),
    ("db33/t 2428-2022", "DB33/T 2428-2022"),
    ("DB33 / T 2428—2022", "DB33/T 2428-2022"),
    ("t/zzb 0001-2016", "T/ZZB 0001-2016"),
    ("T/ZZB0001-2016", "T/ZZB 0001-2016"),
    ("Q/GLHX 0001—2024", "Q/GLHX 0001-2024"),
    ("q / glhx 0001 - 2024", "Q/GLHX 0001-2024"),
    ("jjf 1059.1—2012", "JJF 1059.1-2012"),
    ("iso 9001 : 2015", "ISO 9001:2015"),
    ("ｉｓｏ　９００１：２０１５", "ISO 9001:2015"),
    ("ISO/IEC 27001：2022", "ISO/IEC 27001:2022"),
    ("ISO / IEC 17025:2017", "ISO/IEC 17025:2017"),
    ("ISO9001:2015", "ISO 9001:2015"),
    ("iec 60335–1:2020", "IEC 60335-1:2020"),
    ("astm d638-14", "ASTM D638-14"),
    ("jis c8105-1:2010", "JIS C 8105-1:2010"),
    ("bs en iso 9001:2015", "BS EN ISO 9001:2015"),
    ("itu-t h.264", "ITU-T H.264"),
    ("GB 5749—85", "GB 5749-1985"),
]


@pytest.mark.parametrize(("text", "normalized"), SLOPPY)
def test_sloppy_typing_normalizes(text, normalized):
    assert normalize(text) == normalized


ERRORS = [
    ("", "empty"),
    ("   \u3000 ", "empty"),
    ("XY/T 123-2020", "未知的标准代号 'XY' / unknown standard code 'XY'"),
    ("JJ 1036-2008", "unknown standard code 'JJ'"),
    ("GBT 19001-2016", "did you mean 'GB/T'?"),
    ("GB/A 1-2000", "unknown standard code 'GB/A'"),
    ("GB", "GB is not followed by a sequence number"),
    ("GB/T", "GB/T is not followed by a sequence number"),
    ("GB/T ABC", "GB/T is not followed by a sequence number"),
    ("GB 2762 2022", "cannot read '2762 2022' after GB"),
    ("GB 2762-202", "must have 4 digits"),
    ("GB 2762-1949", "year 1949 is before 1950"),
    (f"GB 2762-{THIS_YEAR + 2}", f"year {THIS_YEAR + 2} is after {THIS_YEAR + 1}"),
    ("GB 5749-05", "means 1905, before 1950"),
    ("DB99/T 1-2020", "no province has the code '99'"),
    ("DB20/T 1-2020", "no province has the code '20'"),
    ("DB331/T 1-2020", "region code '331' must have 2 digits"),
    ("DB3300/T 1-2020", "'3300' is not a city code"),
    ("DB31199-2018", "a local standard number is DB + region code"),
    ("DB 2428-2022", "a local standard number is DB + region code"),
    ("T/ 0001-2016", "a group standard number is T/ + group code"),
    ("Q/0001-2024", "does not match the prescribed pattern"),
    ("Q/GLHX 0001", "does not match the prescribed pattern"),
    ("《GB 2762-2022》", "contains the character '《'"),
    ("GB 2762-2022（修改单）", "contains the character '('"),
    ("国标 2762", "contains the character '国'"),
    ("2762-2022", "the standard code is missing"),
    ("ISO", "ISO is not followed by a number"),
    ("ISO 9001:15", "year '15' must have 4 digits"),
    ("ISO 9001:1899", "year 1899 is before 1900"),
    ("ISO 9001:2015/Amd", "cannot read '/AMD' after the ISO number"),
    ("DIN EN ISO 9001:2015-13", "month '13' is not valid"),
    ("ITU-T H.264:2019", "cannot read"),
    ("GB/T 19001-2016/ISO 9001:15", "the adopted number is invalid: year '15' must have 4 digits"),
    ("GB 2762-2022" * 20, "longer than"),
]


@pytest.mark.parametrize(("text", "reason"), ERRORS)
def test_invalid_input_is_refused_with_a_reason(text, reason):
    result = parse(text)
    assert not result.ok
    assert result.standard is None and result.normalized is None
    assert reason in result.error
    zh, _, en = result.error.partition(" / ")
    assert re.search(r"[\u4e00-\u9fff]", zh), "the reason starts in Chinese"
    assert re.search(r"[a-z]{3,}", en), "the reason ends in English"
    assert normalize(text) is None


def test_every_province_prefix_is_accepted_and_nothing_else():
    for prefix in (f"{n:02d}" for n in range(100)):
        assert parse(f"DB{prefix}/T 1-2020").ok is (prefix in PROVINCE_CODES), prefix
    assert len(PROVINCE_CODES) == 34


def test_industry_codes_are_the_official_list_not_any_two_letters():
    assert {"QB", "JB", "HG", "YY", "NY", "SN", "SB", "CJ", "DL", "FZ", "GA", "JT"} <= set(INDUSTRY_CODES)
    assert not {"GB", "JJ", "XY", "ZZ"} & set(INDUSTRY_CODES)
    assert parse("ZZ/T 1-2020").error.endswith("unknown standard code 'ZZ'")


def test_db_with_a_suffix_is_the_seismology_industry_code():
    # Grammar illustration: `DB/T` is the 地震 industry code, `DB` + region the local one.
    result = parse("DB/T 15-2009").to_dict()
    assert (result["family"], result["code"], result["nature"]) == ("industry", "DB/T", "recommended")
    assert parse("DB15/T 15-2009").to_dict()["family"] == "local"


def test_two_digit_years_are_nineteen_hundreds_for_chinese_numbers():
    assert parse("GB 5749-85").standard.year == 1985
    assert parse("JJG 52-99").standard.year == 1999


def test_astm_two_digit_years_pivot_on_the_current_year():
    this, last_century = THIS_YEAR % 100, (THIS_YEAR % 100 + 1) % 100
    assert parse(f"ASTM D638-{this:02d}").standard.year == 2000 + this
    assert parse(f"ASTM D638-{last_century:02d}").standard.year == 1900 + last_century
    assert parse("ASTM D638-2014").standard.normalized == "ASTM D638-14"
    assert parse("ASTM E84-19b").standard.normalized == "ASTM E84-19b"


def test_normalized_form_uses_the_family_year_separator():
    assert normalize("AS 1170.4-2007") == "AS 1170.4:2007"
    assert normalize("IEEE Std 802.3-2018") == "IEEE 802.3-2018"
    assert normalize("SAE J3016_202104") == "SAE J3016_202104"
    assert normalize("CSA C22.2 No. 60335-1:16") == "CSA C22.2 No. 60335-1:2016"
    assert normalize("EN 60335-1:2012/AC:2014") == "EN 60335-1:2012/AC:2014"


def test_fold_alone_is_the_character_folding():
    assert fold("ＧＢ／Ｔ　１９００１－２０１６") == "GB/T 19001-2016"
    assert fold(" gb/t 1.1——2020 ") == "GB/T 1.1-2020"
    assert fold("GB 2762 - 2022") == "GB 2762 - 2022"
    assert fold("陶瓷\u200b砖") == "陶瓷砖"


def test_same_standard_ignores_year_but_not_code_or_number():
    assert same_standard("GB/T 1.1-2020", "GB/T 1.1-2009")
    assert same_standard("GB 5749-85", "gb5749—2022")
    assert same_standard(parse("ISO 9001:2015").standard, "ISO 9001:2015/Amd 1:2024")
    assert not same_standard("GB 2828-1987", "GB/T 2828-1987")
    assert not same_standard("GB/T 1.1-2020", "GB/T 1.2-2020")
    assert not same_standard("GB/T 1.1-2020", "not a number")


def test_render_refuses_invalid_results_and_optionally_drops_adoption():
    with pytest.raises(ValueError):
        render(parse("XY 1-2020"))
    adopted = parse("GB/T 19001-2016/ISO 9001:2015")
    assert render(adopted, adoption=False) == "GB/T 19001-2016"


# --- enterprise patterns per region ----------------------------------------------------------------

# Illustrative regional rules (configuration, not a published format): Zhejiang demands the 6-digit county
# code first; Beijing a two-letter area code and a three-digit sequence, with named groups omitted.
REGIONAL = {
    "33": r"Q/(?P<number>33\d{4} [A-Z]{2,8} \d{3,4})-(?P<year>\d{4})",
    "11": r"Q/[A-Z]{2} ?[A-Z]{3} \d{3}-\d{4}",
    "": DEFAULT_ENTERPRISE_PATTERN,
}


def test_enterprise_number_checked_against_its_region():
    ok, reason = enterprise_number_matches_region("Q/330106 ABC 0001-2024", "330106", REGIONAL)
    assert ok, reason
    assert "region 33" in reason
    ok, reason = enterprise_number_matches_region("Q/GLHX 0001-2024", "330106", REGIONAL)
    assert not ok
    assert "does not match region 33" in reason
    assert enterprise_number_matches_region("Q/DQ ABC 001-2020", "110105", REGIONAL)[0]
    ok, reason = enterprise_number_matches_region("Q/GLHX 0001-2024", "450300", REGIONAL)
    assert ok and "(default)" in reason


def test_enterprise_region_check_without_configuration_uses_the_default():
    assert enterprise_number_matches_region("Q/GLHX 0001-2024", "450300", None)[0]
    ok, reason = enterprise_number_matches_region("GB 2762-2022", "450300", None)
    assert not ok and "not an enterprise number" in reason
    ok, reason = enterprise_number_matches_region("Q/GLHX 0001-2024", "45-03", None)
    assert not ok and "must be digits" in reason
    ok, reason = enterprise_number_matches_region("Q/GLHX 0001-1900", "450300", None)
    assert not ok and "before 1950" in reason


def test_parse_with_enterprise_patterns_accepts_only_configured_formats():
    only_zhejiang = {"33": REGIONAL["33"]}
    result = parse("Q/330106 ABC 0001-2024", enterprise_patterns=only_zhejiang)
    assert (result.standard.number, result.standard.year) == ("330106 ABC 0001", 2024)
    assert not parse("Q/GLHX 0001-2024", enterprise_patterns=only_zhejiang).ok
    beijing = parse("Q/DQ ABC 001-2020", enterprise_patterns={"11": REGIONAL["11"]})
    assert (beijing.standard.number, beijing.standard.year) == ("DQ ABC 001", 2020)
    assert parse("Q/GLHX 0001-2024", enterprise_patterns=REGIONAL).ok


# --- properties ------------------------------------------------------------------------------------

chinese_years = st.one_of(st.none(), st.integers(1950, THIS_YEAR + 1))
chinese_numbers = st.from_regex(r"[0-9]{1,5}(\.[0-9]{1,2}){0,2}", fullmatch=True)
suffixes = st.sampled_from(["", "T", "Z"])
natures = {"": "mandatory", "T": "recommended", "Z": "guidance"}


def _with_suffix(code, suffix):
    return f"{code}/{suffix}" if suffix else code


@st.composite
def national(draw):
    suffix = draw(suffixes)
    return StandardNumber(
        "national", _with_suffix("GB", suffix), natures[suffix], draw(chinese_numbers), draw(chinese_years)
    )


@st.composite
def industry(draw):
    code = draw(st.sampled_from(sorted(INDUSTRY_CODES)))
    # The seismology code is only accepted with a suffix (see test_invalid_input: `DB 2428-2022`).
    suffix = draw(st.sampled_from(["T", "Z"]) if code == "DB" else suffixes)
    return StandardNumber(
        "industry", _with_suffix(code, suffix), natures[suffix], draw(chinese_numbers), draw(chinese_years)
    )


@st.composite
def local(draw):
    region = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    region += draw(st.sampled_from(["", "01", "03", "12", "99"]))
    suffix = draw(suffixes)
    return StandardNumber(
        "local",
        _with_suffix(f"DB{region}", suffix),
        natures[suffix],
        draw(chinese_numbers),
        draw(chinese_years),
    )


@st.composite
def group(draw):
    code = draw(st.from_regex(r"[A-Z][A-Z0-9]{1,5}(-[A-Z0-9]{1,3})?", fullmatch=True))
    return StandardNumber("group", f"T/{code}", "group", draw(chinese_numbers), draw(chinese_years))


@st.composite
def enterprise(draw):
    number = draw(st.from_regex(r"[A-Z][A-Z0-9]{1,6}( [A-Z0-9]{1,6})? [0-9]{3,4}", fullmatch=True))
    return StandardNumber("enterprise", "Q", "enterprise", number, draw(st.integers(1950, THIS_YEAR + 1)))


@st.composite
def metrology(draw):
    return StandardNumber(
        "metrology", draw(st.sampled_from(["JJG", "JJF"])), None, draw(chinese_numbers), draw(chinese_years)
    )


iso_numbers = st.from_regex(r"[1-9][0-9]{0,5}(-[1-9][0-9]{0,2}){0,2}", fullmatch=True)
foreign_years = st.integers(1900, THIS_YEAR + 1)


@st.composite
def international(draw):
    code = draw(
        st.sampled_from(["ISO", "IEC", "ISO/IEC", "ISO/TS", "ISO/TR", "ISO/PAS", "ISO/IEC TS", "IEC TS"])
    )
    year = draw(st.one_of(st.none(), foreign_years))
    amendments = ()
    if year is not None:
        amendments = tuple(
            draw(
                st.lists(
                    st.builds(
                        lambda kind, n, y: f"{kind} {n}:{y}",
                        st.sampled_from(["Amd", "Cor"]),
                        st.integers(1, 9),
                        foreign_years,
                    ),
                    max_size=2,
                )
            )
        )
    return StandardNumber("international", code, None, draw(iso_numbers), year, amendments)


@st.composite
def european(draw):
    code = draw(
        st.sampled_from(["EN", "EN ISO", "BS", "BS EN", "BS EN ISO", "NF EN", "DIN", "DIN EN", "DIN EN ISO"])
    )
    year = draw(st.one_of(st.none(), foreign_years))
    month, amendments = "", ()
    if year is not None and code.startswith("DIN"):
        month = draw(st.sampled_from(["", "01", "06", "11", "12"]))
    if year is not None:
        amendments = tuple(
            draw(st.lists(st.builds(lambda n, y: f"A{n}:{y}", st.integers(1, 12), foreign_years), max_size=2))
        )
    return StandardNumber("foreign", code, None, draw(iso_numbers), year, amendments, month)


@st.composite
def astm(draw):
    pivot = THIS_YEAR % 100
    year = draw(st.one_of(st.none(), st.integers(1901 + pivot, 2000 + pivot)))
    letter = draw(st.sampled_from(["", "a", "b"])) if year is not None else ""
    designation = draw(st.from_regex(r"[A-Z][1-9][0-9]{0,4}", fullmatch=True))
    return StandardNumber("foreign", "ASTM", None, designation, year, (), letter)


@st.composite
def jis(draw):
    number = draw(st.from_regex(r"[A-Z] [1-9][0-9]{3}(-[1-9]){0,1}", fullmatch=True))
    return StandardNumber("foreign", "JIS", None, number, draw(st.one_of(st.none(), foreign_years)))


standard_numbers = st.one_of(
    national(),
    industry(),
    local(),
    group(),
    enterprise(),
    metrology(),
    international(),
    european(),
    astm(),
    jis(),
)


@st.composite
def adopted_numbers(draw):
    primary = draw(st.one_of(national(), industry()))
    return StandardNumber(**{**_fields(primary), "adopted": draw(international())})


def _fields(std):
    return {name: getattr(std, name) for name in StandardNumber.__dataclass_fields__}


@given(st.one_of(standard_numbers, adopted_numbers()))
def test_render_then_parse_round_trips_the_fields(std):
    result = parse(render(std))
    assert result.error is None
    assert result.standard == std


DASH_VARIANTS = ["-", "\u2014", "\u2013", "\u2012", "\u2015", "\u2212", "\ufe63", "\uff0d", "\u2014\u2014"]
SPACES = ["", " ", "  ", "\u3000", "\u00a0"]


@st.composite
def sloppy_variants(draw, std):
    """The canonical text as a person or a spreadsheet might type it; its meaning is unchanged."""
    text = render(std)
    out = []
    for char in text:
        if char in "/-:":
            piece = draw(st.sampled_from(DASH_VARIANTS)) if char == "-" else char
            out.append(draw(st.sampled_from(SPACES)) + piece + draw(st.sampled_from(SPACES)))
        else:
            out.append(char)
    text = "".join(out)
    widths = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    text = "".join(
        chr(ord(c) + 0xFEE0) if wide and "!" <= c <= "~" else c for c, wide in zip(text, widths, strict=True)
    )
    return draw(st.sampled_from([text, text.lower(), text.upper(), f"  {text}\t"]))


@given(standard_numbers.flatmap(lambda std: st.tuples(st.just(std), sloppy_variants(std))))
def test_sloppy_variants_give_the_same_normalized_form(pair):
    std, typed = pair
    assert normalize(typed) == std.normalized


@given(standard_numbers.flatmap(sloppy_variants))
def test_normalize_is_idempotent(typed):
    once = normalize(typed)
    assert once is not None
    assert normalize(once) == once


@given(st.one_of(national(), industry(), metrology(), international()))
def test_the_space_after_the_code_may_be_missing(std):
    squeezed = std.code + render(std)[len(std.code) + 1 :]
    assert normalize(squeezed) == std.normalized


@given(st.text(max_size=40))
def test_parse_never_raises_and_never_half_succeeds(text):
    result = parse(text)
    assert result.ok is (result.error is None)
    if result.ok:
        assert normalize(result.normalized) == result.normalized


def test_non_text_is_refused_not_raised():
    result = parse(None)  # type: ignore[arg-type]
    assert not result.ok and "must be text" in result.error

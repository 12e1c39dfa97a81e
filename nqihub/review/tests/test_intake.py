"""Document intake: structure, references and indicator tables from real DOCX and PDF files, and every kind of
bad upload refused with a clear bilingual message."""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import time
import zipfile
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nqihub.engines.stdnum import normalize
from nqihub.review import intake
from nqihub.review.docgen import DocumentSpec, make_standard, standard_content
from nqihub.review.intake import (
    IntakeError,
    extract_indicator_tables,
    extract_references,
    find_standard_numbers,
    read_document,
    structure_facts,
)
from nqihub.review.tests.conftest import (
    SMALL,
    add_table,
    docx_bytes,
    encrypted_pdf,
    html_pdf,
    set_declared_size,
    zip_bytes,
)

MB = 1024 * 1024


def read(data: bytes, name: str = "standard.docx", **kwargs) -> intake.Document:
    kwargs.setdefault("max_bytes", 20 * MB)
    kwargs.setdefault("isolate", False)
    return read_document(data, name, **kwargs)


def refused(data: bytes, name: str, **kwargs) -> IntakeError:
    with pytest.raises(IntakeError) as caught:
        read(data, name, **kwargs)
    return caught.value


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- structure ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_chapters_clauses_and_annexes_are_found(parsed, fmt):
    doc, content = parsed(replace(SMALL, format=fmt))

    chapters = {h.number: compact(h.text) for h in doc.headings() if h.level == 1 and h.number.isdigit()}
    assert chapters == {number: compact(title) for number, title in content.chapters.items()}
    assert {"4.1", "4.2", "5.2", "6.4", "7.1"} <= set(doc.clauses)
    assert doc.clauses["2"].title == "规范性引用文件"
    annexes = [h for h in doc.headings() if h.level == 1 and h.number.isalpha()]
    assert annexes and annexes[0].number == "A" and annexes[0].text.endswith("的测定")
    assert doc.kind == fmt and "本文件规定了" in doc.text


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_structure_facts_of_a_well_formed_standard(parsed, fmt):
    facts = structure_facts(parsed(replace(SMALL, format=fmt))[0])

    assert facts.has_foreword and facts.has_contents
    assert (
        facts.drafting_edition == "2020" and facts.drafting_exact and facts.drafting_rules == "GB/T 1.1-2020"
    )
    assert {role: (c.number, compact(c.title)) for role, c in facts.chapters.items() if c} == {
        "scope": ("1", "范围"),
        "normative_references": ("2", "规范性引用文件"),
        "terms": ("3", "术语和定义"),
        "requirements": ("4", "要求"),
        "test_methods": ("5", "试验方法"),
        "inspection_rules": ("6", "检验规则"),
        "marking": ("7", "标志、包装、运输和贮存"),
    }
    cover = facts.cover
    assert (cover.normalized, cover.title, cover.enterprise) == (
        "Q/SLSP 0001-2025",
        "饼干",
        "示例食品有限公司",
    )
    assert (cover.published, cover.implemented) == ("2025-03-01", "2025-04-01")
    assert normalize(cover.replaces) == "Q/SLSP 0001-2020"
    assert "示例" in facts.foreword_text and "饼干" not in facts.foreword_text.splitlines()


def test_structure_facts_report_defects(parsed):
    spec = replace(SMALL, defects=frozenset({"drafting_rules_2009"}), omit_chapter_3=True)
    facts = structure_facts(parsed(spec)[0])
    assert facts.drafting_edition == "2009" and not facts.drafting_exact
    assert facts.drafting_sentence.startswith("本标准按照GB/T 1.1-2009")
    assert facts.chapters["terms"] is None
    assert facts.chapters["requirements"].number == "3"

    facts = structure_facts(parsed(replace(SMALL, defects=frozenset({"no_foreword"})))[0])
    assert not facts.has_foreword and facts.drafting_edition is None


def test_word_numbered_headings_without_numbers_in_the_text():
    def build(document):
        from docx.enum.style import WD_STYLE_TYPE

        chapter = document.styles.add_style("章标题", WD_STYLE_TYPE.PARAGRAPH)
        clause = document.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph("范围", style="Heading 1")
        document.add_paragraph("本文件规定了示例产品的要求。")
        document.add_paragraph("规范性引用文件", style=chapter)
        document.add_paragraph("GB/T 191 包装储运图示标志")
        document.add_paragraph("要求", style="Heading 1")
        document.add_paragraph("原料要求", style=clause)
        document.add_paragraph("感官要求", style=clause)

    doc = read(docx_bytes(build))
    assert [(h.number, h.text) for h in doc.headings()] == [
        ("1", "范围"),
        ("2", "规范性引用文件"),
        ("3", "要求"),
        ("3.1", "原料要求"),
        ("3.2", "感官要求"),
    ]
    assert [r.normalized for r in extract_references(doc) if r.normative] == ["GB/T 191"]


def test_page_counts(parsed, small_pdf):
    import pdfplumber

    pdf = parsed(replace(SMALL, format="pdf"))[0]
    with pdfplumber.open(io.BytesIO(small_pdf[0])) as opened:
        assert pdf.pages == len(opened.pages) and not pdf.pages_estimated
    docx = parsed(replace(SMALL, format="docx"))[0]
    assert docx.pages_estimated and abs(docx.pages - pdf.pages) <= max(1, pdf.pages // 4)
    assert docx.clauses["1"].page < docx.clauses["7"].page


# --- references -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_references_normative_and_in_the_body(parsed, fmt):
    doc, content = parsed(replace(SMALL, format=fmt))
    references = extract_references(doc)
    by_number = {r.normalized: r for r in references}

    normative = [r.normalized for r in references if r.normative]
    assert normative == [normalize(number) for number, _ in content.references]
    assert set(by_number) >= {normalize(n) for n in content.body_references}
    # Dated in chapter 2, undated in 7.1.2: two references, each as written.
    dated, undated = by_number["GB/T 191-2008"], by_number["GB/T 191"]
    assert dated.normative and dated.dated and dated.year == 2008 and dated.title == "包装储运图示标志"
    assert not undated.normative and not undated.dated and undated.locations[0].clause == "7.1.2"
    # Cited in chapter 2 and in the method chapter: one reference, every place kept.
    lead = by_number["GB 5009.12"]
    assert lead.normative and [loc.section for loc in lead.locations][:1] == ["normative"]
    assert {loc.clause.split(".")[0] for loc in lead.locations} >= {"2", "4", "5"}
    # In the foreword only, with its 《》 title; in an annex only.
    rules = by_number["GB/T 1.1-2020"]
    assert (
        not rules.normative
        and rules.title.startswith("标准化工作导则")
        and rules.locations[0].section == "foreword"
    )
    assert not by_number["GB/T 6682"].normative and by_number["GB/T 6682"].locations[0].clause.startswith(
        "A."
    )
    # The document's own number and the edition it replaces are not references.
    assert not any(r.normalized.startswith("Q/SLSP") for r in references)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("应符合ＧＢ／Ｔ　１９１－２００８的规定", ["GB/T 191-2008"]),
        (
            "本文件按照GB/T 1.1—2020《标准化工作导则 第1部分：标准化文件的结构和起草规则》的规定起草",
            ["GB/T 1.1-2020"],
        ),
        ("标志应符合GB/T\n191—2008的规定", ["GB/T 191-2008"]),
        ("按 GB 5009.12 - 2017 第一法", ["GB 5009.12-2017"]),
        ("质量管理体系符合GB/T 19001—2016/ISO 9001:2015", ["GB/T 19001-2016"]),
        ("GB 5749-85 已废止", ["GB 5749-1985"]),
        (
            "见DB33/T 2428—2022、T/ZZB 0001-2016和QB/T 1234",
            ["DB33/T 2428-2022", "T/ZZB 0001-2016", "QB/T 1234"],
        ),
        ("按GB 4789.2、GB 4789.3和JJF 1070检验", ["GB 4789.2", "GB 4789.3", "JJF 1070"]),
        ("生产许可证SC10533010600012，菌落总数 CFU/g，pH 7，表1，LD50，ISO 9001:2015", ["ISO 9001:2015"]),
        ("QB 2686、QB2686-2005和GB2762", ["QB 2686", "QB 2686-2005", "GB 2762"]),
    ],
)
def test_find_standard_numbers(text, expected):
    assert [m.result.normalized for m in find_standard_numbers(text)] == expected


def test_adoption_is_kept_and_title_read_from_the_brackets():
    mentions = find_standard_numbers("GB/T 19001—2016/ISO 9001:2015《质量管理体系 要求》")
    assert mentions[0].result.standard.adopted.normalized == "ISO 9001:2015"


def test_a_number_split_over_a_pdf_line_break():
    import pdfplumber

    # Paragraphs with ever longer Chinese text before the number, so that the line wraps inside it in some.
    citing = [
        f"<p>{'示例产品包装储运图示标志的要求' * 3}{'本' * pad}应符合GB/T 191—2008《包装储运图示标志》的规定。</p>"
        for pad in range(28, 42)
    ]
    data = html_pdf(
        "<h1>1　范围</h1><p>本文件规定了示例产品的要求。</p>"
        "<h1>2　规范性引用文件</h1><p>下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。</p>"
        "<p>GB 2760　食品安全国家标准 食品添加剂使用标准</p>"
        "<h1>3　要求</h1>" + "".join(citing)
    )
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        lines = [line["text"] for line in pdf.pages[0].extract_text_lines()]
    assert any(re.search(r"GB(?:/T?)?$|191—$", line) for line in lines), "no line broke inside the number"

    doc = read(data, "split.pdf")
    references = {r.normalized: r for r in extract_references(doc)}
    assert set(references) == {"GB 2760", "GB/T 191-2008"} and references["GB 2760"].normative
    split = references["GB/T 191-2008"]
    assert not split.normative and split.title == "包装储运图示标志"
    assert len(split.locations) == len(citing) and {loc.clause for loc in split.locations} == {"3"}


# --- indicator tables -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_indicator_tables_of_a_generated_standard(parsed, fmt):
    doc, content = parsed(replace(SMALL, format=fmt))
    rows = extract_indicator_tables(doc)

    got = [(compact(r.name), r.requirement, r.unit, r.test_method) for r in rows]
    want = [(compact(i.name), i.requirement, i.unit, i.method) for i in content.indicators]
    assert got == want
    assert all(r.parsed["ok"] for r in rows), [r for r in rows if not r.parsed["ok"]]
    lead = next(r for r in rows if r.name == "铅(以Pb计)")
    # The limit table writes "铅(以Pb计)/(mg/kg)  ≤ | 0.2": unit from the name, operator from the name cell.
    assert (lead.parsed["kind"], lead.parsed["max"], lead.parsed["unit"]) == ("max", 0.2, "mg/kg")
    assert lead.location.clause.startswith("4.") and lead.category == "污染物限量"
    plan = next(r for r in rows if r.name == "菌落总数")
    assert (plan.parsed["kind"], plan.parsed["n"], plan.parsed["c"], plan.parsed["m"], plan.parsed["M"]) == (
        "sampling_plan",
        5,
        2,
        1e4,
        1e5,
    )
    assert plan.method_standards == ("GB 4789.2",)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_grade_columns_and_a_unit_column(parsed, fmt):
    spec = DocumentSpec(
        product="ceramic",
        title="陶瓷砖",
        enterprise="示例陶瓷有限公司",
        number="Q/TCZ 0002—2024",
        replaces=None,
        n_indicators=8,
        target_pages=3,
        classes=("优等品", "合格品"),
        unit_in_header=False,
        seed=2,
        format=fmt,
    )
    doc, content = parsed(spec)
    rows = extract_indicator_tables(doc)
    assert [(compact(r.name), r.grade, r.requirement, r.unit) for r in rows] == [
        (compact(i.name), i.grade, i.requirement, i.unit) for i in content.indicators
    ]
    water = {r.grade: r.parsed for r in rows if r.name == "吸水率"}
    assert water["优等品"]["max"] == 0.4 and water["合格品"]["max"] == 0.5
    assert water["合格品"]["unit"] == "%"


def test_hand_made_tables_merged_cells_units_and_limits():
    def build(document):
        document.add_paragraph("4　要求")
        document.add_paragraph("表1　理化指标")
        add_table(
            document,
            [
                ("项 目", "指 标", "", "检验方法"),
                ("", "一等品", "合格品", ""),
                ("水分/%", "≤12.0", "≤14.0", "GB 5009.3"),
                ("蛋白质/(g/100g)", "≥10.0", "≥8.0", "GB 5009.5"),
                ("贮存温度/℃", "(20±2)", "(20±2)", "—"),
            ],
            merges=[(0, 0, 1, 0), (0, 1, 0, 2), (0, 3, 1, 3)],
        )
        document.add_paragraph("表2　污染物限量")
        document.add_paragraph("单位为毫克每千克")
        add_table(
            document,
            [
                ("项目", "限量", "检验方法"),
                ("铅(以Pb计)", "0.2", "GB 5009.12"),
                ("总砷(以As计)", "0.5", "GB 5009.11"),
            ],
        )
        document.add_paragraph("表3　微生物限量")
        add_table(
            document,
            [
                ("项目", "采样方案及限量", "", "", "", "检验方法"),
                ("", "n", "c", "m", "M", ""),
                ("菌落总数/(CFU/g)", "5", "2", "10⁴", "10⁵", "GB 4789.2"),
                ("霉菌/(CFU/g)", "≤50", "", "", "", "GB 4789.15"),
            ],
            merges=[(0, 0, 1, 0), (0, 1, 0, 4), (0, 5, 1, 5), (3, 1, 3, 4)],
        )
        document.add_paragraph("表4　检验项目")
        add_table(
            document, [("序号", "检验项目", "要求的章条号", "试验方法的章条号"), ("1", "水分", "4.2", "5.2")]
        )

    rows = extract_indicator_tables(read(docx_bytes(build)))
    summary = [
        (r.name, r.grade, r.parsed["kind"], r.parsed["min"], r.parsed["max"], r.parsed["unit"]) for r in rows
    ]
    assert summary == [
        ("水分", "一等品", "max", None, 12.0, "%"),
        ("水分", "合格品", "max", None, 14.0, "%"),
        ("蛋白质", "一等品", "min", 10.0, None, "g/100g"),
        ("蛋白质", "合格品", "min", 8.0, None, "g/100g"),
        ("贮存温度", "一等品", "range", 18.0, 22.0, "degC"),
        ("贮存温度", "合格品", "range", 18.0, 22.0, "degC"),
        # "限量" header: a bare value is a maximum; the unit comes from "单位为毫克每千克" above the table.
        ("铅(以Pb计)", "", "max", None, 0.2, "mg/kg"),
        ("总砷(以As计)", "", "max", None, 0.5, "mg/kg"),
        ("菌落总数", "", "sampling_plan", None, None, "CFU/g"),
        ("霉菌", "", "max", None, 50.0, "CFU/g"),
    ]
    assert rows[0].test_method == "GB 5009.3" and rows[4].test_method == "—"
    assert rows[-1].category == "微生物限量"


def test_methods_linked_from_the_test_method_chapter(parsed):
    spec = replace(SMALL, method_column=False, defects=frozenset({"missing_method"}))
    doc, content = parsed(spec)
    rows = extract_indicator_tables(doc)
    missing = next(i.name for i in content.indicators if not i.method)

    without = [r.name for r in rows if not r.test_method]
    assert without == [missing]
    for row, truth in zip(rows, content.indicators, strict=True):
        if row.name == missing:
            continue
        assert row.method_source == "clause" and row.method_clause.startswith("5.")
        if truth.method.startswith("GB"):
            assert row.method_standards == (normalize(truth.method),), row
    sensory = next(r for r in rows if r.category == "感官要求")
    assert sensory.method_clause == "5.1" and "白色瓷盘" in sensory.test_method


def test_method_cell_pointing_to_a_clause():
    def build(document):
        document.add_paragraph("4　要求")
        add_table(document, [("项目", "指标", "检验方法"), ("铅(以Pb计)/(mg/kg)", "≤0.2", "见6.3")])
        document.add_paragraph("5　标志")
        document.add_paragraph("6　试验方法")
        document.add_paragraph("6.1　水分　按GB 5009.3规定的方法测定。")
        document.add_paragraph("6.2　灰分　按GB 5009.4规定的方法测定。")
        document.add_paragraph("6.3　铅　按GB 5009.12规定的方法测定。")

    (row,) = extract_indicator_tables(read(docx_bytes(build)))
    assert (row.test_method, row.method_clause, row.method_standards) == ("见6.3", "6.3", ("GB 5009.12",))


# --- bad input --------------------------------------------------------------------------------------------------


def assert_bilingual(error: IntakeError) -> None:
    assert re.search(r"[\u4e00-\u9fff]", error.zh) and re.search(r"[a-z]{3}", error.en)
    assert str(error) == error.message == f"{error.zh} / {error.en}"


def test_random_bytes_named_pdf():
    error = refused(os.urandom(4096), "standard.pdf")
    assert error.code == "unsupported_type" and "%PDF-" in error.en and ".pdf" in error.zh
    assert_bilingual(error)


@pytest.mark.parametrize(
    ("data", "name", "code", "words"),
    [
        (b"", "a.pdf", "empty_file", "empty"),
        ("企业标准正文".encode(), "a.docx", "unsupported_type", "plain text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "scan.png", "unsupported_type", "PNG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.doc", "legacy_doc", ".doc"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            "x.docx",
            "encrypted",
            "encrypted",
        ),
    ],
)
def test_wrong_content_types(data, name, code, words):
    error = refused(data, name)
    assert error.code == code and words in error.en
    assert_bilingual(error)


def test_file_over_the_size_limit():
    error = refused(b"%PDF-1.7\n" + bytes(2 * MB), "big.pdf", max_bytes=1 * MB)
    assert error.code == "too_large" and "1.0 MB" in error.en and "2.0 MB" in error.zh
    assert_bilingual(error)


def test_encrypted_pdf_is_refused_and_an_unlocked_one_is_read():
    error = refused(encrypted_pdf(b"secret"), "locked.pdf")
    assert error.code == "encrypted" and "password" in error.en
    assert_bilingual(error)
    # Encrypted with only an owner password (copy protection): anyone can open it, so it is read.
    doc = read(encrypted_pdf(b""), "protected.pdf")
    assert "Q/SLSP 0001-2025" in doc.text


def test_truncated_and_malformed_pdfs(small_pdf):
    data = small_pdf[0]
    cut = refused(data[: len(data) // 2], "cut.pdf")
    assert cut.code == "malformed_pdf" and "%%EOF" in cut.en
    garbage = refused(b"%PDF-1.7\n" + os.urandom(5000) + b"\n%%EOF\n", "garbage.pdf")
    assert garbage.code == "malformed_pdf" and "damaged" in garbage.en
    for error in (cut, garbage):
        assert_bilingual(error)


def test_a_pdf_without_text():
    error = refused(html_pdf("<div style='height: 50mm; border: 1pt solid black'></div>"), "scan.pdf")
    assert error.code == "no_text" and "OCR" in error.en


def test_docx_zip_bombs():
    ratio = refused(
        zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(40 * MB)}), "b.docx"
    )
    assert ratio.code == "zip_bomb" and "word/document.xml" in ratio.en
    honest = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    declared = refused(set_declared_size(honest, "word/document.xml", 4_000_000_000), "b.docx")
    assert declared.code == "zip_bomb" and "declares" in declared.en
    members = refused(zip_bytes({f"word/media/{n}.png": b"x" for n in range(1200)}), "b.docx")
    assert members.code == "zip_bomb" and "1200 members" in members.en
    for error in (ratio, declared, members):
        assert_bilingual(error)


def test_a_member_inflating_past_its_declared_size_is_refused():
    document = b"<w:document>" + b" " * 200_000 + b"</w:document>"
    lying = set_declared_size(
        zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": document}),
        "word/document.xml",
        1000,
    )
    error = refused(lying, "lying.docx")
    assert error.code in ("malformed_docx", "zip_bomb")
    assert_bilingual(error)


def test_archives_that_are_not_word_documents(small_docx):
    excel = refused(
        zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), "x.docx"
    )
    assert excel.code == "not_docx" and "Excel" in excel.en
    plain = refused(zip_bytes({"readme.txt": b"hello"}), "x.docx")
    assert plain.code == "not_docx" and "word/document.xml" in plain.en
    # A .docm: the same package with the macro-enabled content type.
    members = {}
    with zipfile.ZipFile(io.BytesIO(small_docx[0])) as archive:
        for info in archive.infolist():
            members[info.filename] = archive.read(info.filename)
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"document.main+xml", b"document.macroEnabled.main+xml"
    )
    macro = refused(zip_bytes(members), "x.docx")
    assert macro.code == "macro"
    members["word/document.xml"] = b"<w:document><unclosed>"
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(b".macroEnabled", b"")
    damaged = refused(zip_bytes(members), "x.docx")
    assert damaged.code == "malformed_docx" and "damaged" in damaged.en
    for error in (excel, plain, macro, damaged):
        assert_bilingual(error)


def test_an_empty_docx():
    error = refused(docx_bytes(lambda document: None), "empty.docx")
    assert error.code == "no_text" and "no readable text" in error.en
    assert_bilingual(error)


# Under pytest-xdist the worker runs threads, and fork() warns about them; the child only sleeps here.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_parser_that_hangs_is_stopped(monkeypatch, small_docx):
    def hang(package):
        time.sleep(60)

    # "fork" lets the child see the patched parser; the default forkserver child imports a clean module.
    monkeypatch.setattr(intake, "START_METHOD", "fork")
    monkeypatch.setattr(intake, "_read_docx", hang)
    started = time.monotonic()
    with pytest.raises(IntakeError) as caught:
        read_document(small_docx[0], "slow.docx", max_bytes=20 * MB, timeout_s=1, isolate=True)
    assert caught.value.code == "timeout" and "1 s" in caught.value.en
    assert time.monotonic() - started < 10
    assert not [p for p in multiprocessing.active_children() if p.name == "nqihub-intake"]
    assert_bilingual(caught.value)


def test_the_default_child_process_is_stopped_too(small_pdf):
    # A real parse through the fork server that cannot finish in 5 ms: stopped, nothing left running.
    with pytest.raises(IntakeError) as caught:
        read_document(small_pdf[0], "standard.pdf", max_bytes=20 * MB, timeout_s=0.005)
    assert caught.value.code == "timeout"
    assert not [p for p in multiprocessing.active_children() if p.name == "nqihub-intake"]


def test_isolated_parse_in_a_child_process(parsed, small_pdf, small_docx):
    isolated = read_document(small_pdf[0], "standard.pdf", max_bytes=20 * MB)  # PDFs are isolated by default
    assert isolated.blocks == parsed(replace(SMALL, format="pdf"))[0].blocks
    docx = read_document(small_docx[0], "standard.docx", max_bytes=20 * MB, isolate=True)
    assert docx.blocks == parsed(replace(SMALL, format="docx"))[0].blocks


def test_the_name_does_not_decide_the_type(small_docx):
    doc = read(small_docx[0], "standard.pdf")
    assert doc.kind == "docx"


# --- the generator --------------------------------------------------------------------------------------------


def test_docgen_is_deterministic_and_marked_as_example():
    spec = replace(SMALL, target_pages=2, n_indicators=10)
    assert make_standard(spec) == make_standard(spec)
    assert standard_content(spec).indicators != standard_content(replace(spec, seed=8)).indicators
    assert "示例" in spec.enterprise
    with pytest.raises(ValueError, match="unknown defects"):
        DocumentSpec(defects=frozenset({"typo"}))


def test_docgen_defects_are_in_the_document(parsed):
    doc, _ = parsed(replace(SMALL, defects=frozenset({"looser_limit", "withdrawn_reference"})))
    lead = next(r for r in extract_indicator_tables(doc) if r.name == "铅(以Pb计)")
    assert lead.parsed["max"] == 1.0
    assert "GB 2760-2011" in {r.normalized for r in extract_references(doc) if r.normative}


# --- properties -------------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("GB/TQZDJFISOEC 0123456789.-—－：:《》、，\n标准ＧＢ／Ｔ")))
def test_found_numbers_are_valid_and_located(text):
    for mention in find_standard_numbers(text):
        assert mention.result.ok
        assert text[mention.start : mention.end] == mention.text


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    st.binary(max_size=3000),
)
def test_any_bytes_are_read_or_refused_with_a_reason(head, body):
    data = head + body + (b"\n%%EOF\n" if head.startswith(b"%PDF") else b"")
    try:
        document = read(data, "upload.pdf")
    except IntakeError as error:
        assert error.code and error.zh and error.en
    else:
        assert document.text.strip()


def test_pages_recorded_by_word_are_counted_not_estimated():
    def build(document):
        from docx.oxml import OxmlElement

        document.add_paragraph("1　范围")
        for n in range(3):
            paragraph = document.add_paragraph(f"第{n + 1}段。")
            if n:  # Word marks the run that opens each new page
                paragraph.runs[0]._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))

    doc = read(docx_bytes(build))
    assert (doc.pages, doc.pages_estimated) == (3, False)
    assert [b.page for b in doc.blocks] == [1, 1, 2, 3]

"""Document intake for the automated review (issue items 4 and 7): DOCX and PDF → headings, clauses, tables,
normative references, indicator tables and the structure facts the GB/T 1.1 checks need.

No Django here (plain Python, python-docx, pdfplumber), so a worker or a child process can run it.

- `read_document(data, filename, max_bytes=…)` decides the type by content, guards against hostile files
  (size, zip bombs, encryption, damage) and returns a `Document`; every refusal is an `IntakeError` with a
  bilingual message naming the reason. Parsing may run in a child process that is stopped after `timeout_s`.
- `extract_references(doc)`: every standard number, through `nqihub.engines.stdnum`, with chapter 2
  (规范性引用文件) marked normative.
- `extract_indicator_tables(doc)`: the rows of the indicator tables (name, requirement, unit, method) with
  their parsed requirement, for the enterprise to confirm before disclosure.
- `structure_facts(doc)`: cover items, foreword and drafting-rules sentence, the chapters GB/T 1.1 expects.

Reading never writes anything: a refused or stopped file leaves no trace and harms nothing already stored.
"""

from __future__ import annotations

import functools
import io
import multiprocessing
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from nqihub.engines.requirements import parse_requirement
from nqihub.engines.stdnum import INDUSTRY_CODES, ParseResult, parse, same_standard
from nqihub.engines.text import fold_dashes, fold_text, fold_width
from nqihub.engines.units import UnitError, parse_unit

__all__ = [
    "ChapterFact",
    "Clause",
    "CoverFacts",
    "Document",
    "Heading",
    "IndicatorRow",
    "IntakeError",
    "Location",
    "Paragraph",
    "Reference",
    "StandardMention",
    "StructureFacts",
    "Table",
    "extract_indicator_tables",
    "extract_references",
    "find_standard_numbers",
    "read_document",
    "structure_facts",
    "text_width",
]

# --- limits ----------------------------------------------------------------------------------------------

# A DOCX is a ZIP; these bound what opening it may cost. Real 40-page standards have ~20 members and under
# 2 MiB unpacked (pictures aside), so the bounds leave a wide margin while refusing bombs.
MAX_ZIP_MEMBERS = 1000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# Deflate tops out near 1030:1; XML of a real document packs 5–20:1. Only members over 1 MiB are judged.
MAX_COMPRESSION_RATIO = 200
MAX_PDF_PAGES = 2000
# Above this much unpacked DOCX content the parse runs in a child process even when the caller did not ask.
ISOLATE_DOCX_ABOVE = 8 * 1024 * 1024
# Address-space cap of the child process (bytes); a hostile file then fails with MemoryError, not the host.
CHILD_MEMORY_LIMIT = 3 * 1024 * 1024 * 1024
# How child processes start: "forkserver" forks from a clean server that preloaded this module, which is
# cheap per call and safe in threaded hosts; tests switch to "fork" to see their monkeypatches.
START_METHOD = "forkserver"

# The layout model of a page (A4, 165 mm text width, 10.5 pt type, 1.5 line spacing): a page estimate for
# DOCX, which stores no pages. docgen lays out generated standards with the same figures.
CHARS_PER_LINE = 44
LINES_PER_PAGE = 50


class IntakeError(ValueError):
    """A document that cannot be read; `code` names the reason for programs, `zh` / `en` for people."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.code, self.zh, self.en = code, zh, en

    def __reduce__(self) -> tuple[Any, ...]:
        return IntakeError, (self.code, self.zh, self.en)

    @property
    def message(self) -> str:
        """The bilingual message shown to the user."""
        return f"{self.zh} / {self.en}"


# --- the document ----------------------------------------------------------------------------------------

Section = Literal["cover", "contents", "foreword", "normative", "body", "bibliography"]


@dataclass(frozen=True, slots=True)
class Heading:
    """A chapter, clause or annex title; `number` is "" for 前言, 引言, 参考文献 and the like."""

    level: int
    number: str
    text: str
    page: int
    clause: str = ""
    section: Section = "body"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Running text; `number` is set when the paragraph is a titleless clause ("4.1.1 原料应符合…")."""

    text: str
    page: int
    number: str = ""
    clause: str = ""
    section: Section = "body"
    style: str = ""  # "toc" for table-of-contents entries


@dataclass(frozen=True, slots=True)
class Table:
    """A table as a grid of cell texts; merged cells repeat their text in every position they cover."""

    rows: tuple[tuple[str, ...], ...]
    page: int
    caption: str = ""
    unit_note: str = ""
    clause: str = ""
    section: Section = "body"


Block = Heading | Paragraph | Table


@dataclass(frozen=True, slots=True)
class Clause:
    """A numbered chapter, clause or annex with its title ("" for a titleless clause) and where it starts."""

    number: str
    title: str
    block: int
    page: int


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was found: clause number (or section name), page, and block index."""

    clause: str
    page: int
    section: Section
    block: int

    def __str__(self) -> str:
        where = self.clause or {"cover": "封面", "contents": "目次", "foreword": "前言"}.get(self.section, "")
        return f"{where} 第{self.page}页".strip()


@dataclass
class Document:
    """A read document: ordered blocks, all text, clauses by number; `pages` is estimated for DOCX unless
    Word recorded its page breaks."""

    kind: Literal["docx", "pdf"]
    filename: str
    pages: int
    pages_estimated: bool
    blocks: list[Block]
    clauses: dict[str, Clause]
    text: str

    def headings(self) -> list[Heading]:
        """The headings in document order."""
        return [b for b in self.blocks if isinstance(b, Heading)]

    def tables(self) -> list[Table]:
        """The tables in document order."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (blocks tagged by type)."""
        return {
            "kind": self.kind,
            "filename": self.filename,
            "pages": self.pages,
            "pages_estimated": self.pages_estimated,
            "blocks": [{"type": type(b).__name__.lower(), **asdict(b)} for b in self.blocks],
            "clauses": {k: asdict(v) for k, v in self.clauses.items()},
        }


# --- reading: type detection and guards ----------------------------------------------------------------


def read_document(
    data: bytes,
    filename: str,
    *,
    max_bytes: int,
    timeout_s: float = 20,
    isolate: bool | None = None,
) -> Document:
    """Read a DOCX or PDF (decided by content, not by name) into a `Document`, or raise `IntakeError`.

    `isolate=True` parses in a child process stopped after `timeout_s`; `None` isolates every PDF and any
    DOCX over `ISOLATE_DOCX_ABOVE` unpacked (a small DOCX parses in bounded time once the ZIP is checked).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("data must be bytes")
    data = bytes(data)
    if not data:
        raise IntakeError("empty_file", "文件为空", "the file is empty")
    if len(data) > max_bytes:
        raise IntakeError(
            "too_large",
            f"文件大小 {_size(len(data))} 超过上限 {_size(max_bytes)}",
            f"the file is {_size(len(data))}, over the {_size(max_bytes)} limit",
        )
    kind = _sniff(data, filename)
    unpacked = _inspect_docx(data) if kind == "docx" else 0
    if isolate is None:
        isolate = kind == "pdf" or unpacked > ISOLATE_DOCX_ABOVE
    if isolate:
        return _parse_isolated(kind, data, filename, timeout_s)
    return _parse(kind, data, filename)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} B"


_MAGIC_NAMES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG", "PNG 图片", "a PNG image"),
    (b"\xff\xd8\xff", "JPEG 图片", "a JPEG image"),
    (b"GIF8", "GIF 图片", "a GIF image"),
    (b"{\\rtf", "RTF 文档", "an RTF document"),
    (b"Rar!", "RAR 压缩包", "a RAR archive"),
    (b"7z\xbc\xaf", "7z 压缩包", "a 7z archive"),
    (b"\x1f\x8b", "gzip 压缩包", "a gzip archive"),
    (b"<!DOCTYPE html", "网页 (HTML)", "an HTML page"),
    (b"<html", "网页 (HTML)", "an HTML page"),
)


def _sniff(data: bytes, filename: str) -> Literal["docx", "pdf"]:
    # A PDF may carry junk before its header; readers accept it within the first 1 KiB.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise IntakeError(
                "encrypted",
                "Word 文档已加密（需要密码才能打开），请上传未加密的文件",
                "the Word document is encrypted (a password is needed to open it); upload an unencrypted file",
            )
        raise IntakeError(
            "legacy_doc",
            "旧版 Word 97-2003 (.doc) 文件不受理，请另存为 .docx 或 PDF 后上传",
            "legacy Word 97-2003 (.doc) files are not accepted; save as .docx or PDF and upload again",
        )
    head = data[:64].lstrip()
    what_zh, what_en = "未知格式", "an unknown format"
    for magic, zh, en in _MAGIC_NAMES:
        if head[: len(magic)].lower() == magic.lower():
            what_zh, what_en = zh, en
            break
    else:
        if _looks_like_text(data[:4096]):
            what_zh, what_en = "纯文本", "plain text"
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "pdf":
        raise IntakeError(
            "unsupported_type",
            f"文件名以 .pdf 结尾，但内容不是 PDF（缺少 %PDF- 文件头，看起来是{what_zh}）",
            f"the name ends in .pdf but the content is not a PDF (no %PDF- header; it looks like {what_en})",
        )
    if suffix == "docx":
        raise IntakeError(
            "unsupported_type",
            f"文件名以 .docx 结尾，但内容不是 DOCX（不是 ZIP 压缩包，看起来是{what_zh}）",
            f"the name ends in .docx but the content is not a DOCX (not a ZIP archive; it looks like {what_en})",
        )
    raise IntakeError(
        "unsupported_type",
        f"不支持的文件类型（{what_zh}）：仅受理 DOCX 和 PDF",
        f"unsupported file type ({what_en}): only DOCX and PDF are accepted",
    )


def _looks_like_text(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_OTHER_OFFICE = (
    ("xl/workbook.xml", "Excel 工作簿", "an Excel workbook"),
    ("ppt/presentation.xml", "PowerPoint 演示文稿", "a PowerPoint presentation"),
    ("content.xml", "OpenDocument 文档", "an OpenDocument file"),
)
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_WORD_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_CHUNK = 64 * 1024


def _inspect_docx(data: bytes) -> int:
    """Check the ZIP directory (no inflating yet): member count, declared sizes and ratios, the Word parts.
    Returns the declared unpacked size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _damaged_docx(exc) from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise IntakeError(
            "zip_bomb",
            f"DOCX 压缩包含 {len(infos)} 个成员，超过上限 {MAX_ZIP_MEMBERS}，疑似压缩炸弹",
            f"the DOCX archive has {len(infos)} members, over the limit of {MAX_ZIP_MEMBERS} (suspected zip bomb)",
        )
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise _bomb(f"声明解压后共 {_size(declared)}", f"it declares {_size(declared)} unpacked")
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise _bomb(
                f"成员 {info.filename} 压缩比 {info.file_size // max(info.compress_size, 1)}:1",
                f"member {info.filename} is compressed {info.file_size // max(info.compress_size, 1)}:1",
            )
    names = {info.filename for info in infos}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        for member, zh, en in _OTHER_OFFICE:
            if member in names:
                raise IntakeError(
                    "not_docx",
                    f"压缩包中没有 word/document.xml，不是 Word 文档（看起来是{zh}）",
                    f"the archive has no word/document.xml: not a Word document (it looks like {en})",
                )
        raise IntakeError(
            "not_docx",
            "ZIP 压缩包中没有 word/document.xml 或 [Content_Types].xml，不是 Word 文档",
            "the ZIP archive lacks word/document.xml or [Content_Types].xml: not a Word document",
        )
    return declared


def _inflate_docx(data: bytes) -> bytes:
    """The package repacked without compression, after inflating every member in bounded chunks and checking
    it against its declared size: a member that lies about its size cannot make python-docx inflate
    gigabytes (zipfile inflates a whole member at once). Then the content types: a macro-enabled or
    non-Word package is refused."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    out = io.BytesIO()
    total = 0
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as repacked:
            for info in infos:
                if info.is_dir():
                    continue
                chunks: list[bytes] = []
                size = 0
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > info.file_size or total > MAX_UNCOMPRESSED_BYTES:
                            raise _bomb(
                                f"成员 {info.filename} 实际解压超出声明",
                                f"member {info.filename} inflates past its size",
                            )
                        chunks.append(chunk)
                repacked.writestr(info.filename, b"".join(chunks))
    except IntakeError:
        raise
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError) as exc:
        # RuntimeError: a member encrypted with a ZIP password; BadZipFile: a bad CRC or header.
        raise _damaged_docx(exc) from None
    content_types = _read_member(out.getvalue(), "[Content_Types].xml")
    if b"macroEnabled" in content_types:
        raise IntakeError(
            "macro",
            "启用宏的 Word 文档 (.docm) 不受理，请另存为 .docx",
            "macro-enabled Word documents (.docm) are not accepted; save as .docx",
        )
    if _WORD_MAIN.encode() not in content_types and _WORD_TEMPLATE.encode() not in content_types:
        raise IntakeError(
            "not_docx",
            "内容类型声明中没有 Word 文档正文，不是 DOCX 文件",
            "the content types declare no Word main document: not a DOCX file",
        )
    return out.getvalue()


def _read_member(package: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return archive.read(name)


def _bomb(zh: str, en: str) -> IntakeError:
    return IntakeError(
        "zip_bomb",
        f"DOCX 解压后过大（{zh}，上限 {_size(MAX_UNCOMPRESSED_BYTES)}），疑似压缩炸弹",
        f"the DOCX unpacks too large ({en}; the limit is {_size(MAX_UNCOMPRESSED_BYTES)}): suspected zip bomb",
    )


def _damaged_docx(exc: BaseException) -> IntakeError:
    return IntakeError(
        "malformed_docx",
        f"DOCX 文件已损坏，无法打开（{_reason(exc)}）",
        f"the DOCX file is damaged and cannot be opened ({_reason(exc)})",
    )


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


# --- isolation ---------------------------------------------------------------------------------------------


def _parse_isolated(kind: str, data: bytes, filename: str, timeout_s: float) -> Document:
    context = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        multiprocessing.set_forkserver_preload([__name__, "docx", "pdfplumber"])
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_main,
        args=(kind, data, filename, sender),
        daemon=not multiprocessing.current_process().daemon,
        name="nqihub-intake",
    )
    process.start()
    sender.close()
    finished = False
    try:
        if not receiver.poll(timeout_s):
            raise IntakeError(
                "timeout",
                f"文档解析超过 {timeout_s:g} 秒，已停止；文件可能过于复杂或已损坏",
                f"parsing took longer than {timeout_s:g} s and was stopped; the file may be too complex or damaged",
            )
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):
            raise IntakeError(
                "parser_crashed",
                "解析进程意外退出（可能超出内存限制），文件无法读取",
                "the parser process exited unexpectedly (possibly over its memory limit); the file cannot be read",
            ) from None
        finished = True
    finally:
        receiver.close()
        if finished:
            process.join(2)
        if process.is_alive():
            process.terminate()
            process.join(1)
            if process.is_alive():
                process.kill()
                process.join()
        process.close()
    if status == "ok":
        return payload
    raise IntakeError(*payload)


def _child_main(kind: str, data: bytes, filename: str, sender: Any) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_LIMIT, CHILD_MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platform without rlimits
        pass
    try:
        result: tuple[str, Any] = ("ok", _parse(kind, data, filename))
    except IntakeError as exc:
        result = ("error", (exc.code, exc.zh, exc.en))
    except MemoryError:
        result = (
            "error",
            (
                "too_complex",
                "文档解析所需内存超出限制",
                "parsing the document needs more memory than allowed",
            ),
        )
    sender.send(result)
    sender.close()


def _parse(kind: str, data: bytes, filename: str) -> Document:
    try:
        if kind == "pdf":
            items, pages, estimated = _read_pdf(data)
        else:
            items, pages, estimated = _read_docx(data)
        document = _assemble(kind, filename, items, pages, estimated)  # type: ignore[arg-type]
    except (IntakeError, MemoryError):
        raise
    except Exception as exc:
        # A file shaped in a way no reader here foresaw: still a clear refusal, with the cause chained for logs.
        raise IntakeError(
            "unreadable",
            f"文档无法解析（{type(exc).__name__}：{_reason(exc)}）",
            f"the document cannot be parsed ({type(exc).__name__}: {_reason(exc)})",
        ) from exc
    if not re.search(r"\w", document.text):
        raise IntakeError(
            "no_text",
            "文档中没有可读取的文字" + ("（扫描件需先进行文字识别）" if kind == "pdf" else ""),
            "the document has no readable text"
            + (" (a scanned PDF needs OCR first)" if kind == "pdf" else ""),
        )
    return document


# --- raw items from the readers ------------------------------------------------------------------------------


@dataclass(slots=True)
class _RawText:
    text: str
    page: int
    style_level: int | None = None  # heading level from a Word style
    style: str = ""  # "toc", "title"


@dataclass(slots=True)
class _RawTable:
    rows: list[list[str]]
    page: int
    columns: list[float] = field(default_factory=list)  # left edge of each column (PDF only)


_Raw = _RawText | _RawTable


# --- DOCX ----------------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_TAGS = (f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen", f"{_W}lastRenderedPageBreak")
_STYLE_LEVEL = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
# Style names of the SAC standard-drafting template (TCS) and common enterprise templates.
_TEMPLATE_LEVELS = {
    "章标题": 1,
    "一级条标题": 2,
    "二级条标题": 3,
    "三级条标题": 4,
    "四级条标题": 5,
    "五级条标题": 6,
    "附录章标题": 2,
    "附录一级条标题": 3,
    "附录二级条标题": 4,
    "前言、引言标题": 1,
    "参考文献、索引标题": 1,
    "目次、标准名称标题": 1,
}


def _read_docx(data: bytes) -> tuple[list[_Raw], int, bool]:
    import docx

    package = _inflate_docx(data)
    try:
        word = docx.Document(io.BytesIO(package))
    except Exception as exc:  # XMLSyntaxError, KeyError of a missing part, PackageNotFoundError…
        raise _damaged_docx(exc) from None
    styles: dict[str, str] = {}
    for style in word.styles.element.iterchildren(f"{_W}style"):
        name = style.find(f"{_W}name")
        styles[style.get(f"{_W}styleId", "")] = name.get(f"{_W}val", "") if name is not None else ""
    reader = _DocxReader(styles)
    reader.walk(word.element.body)
    return reader.items, reader.page_count(), not reader.rendered_breaks


_P, _T, _TAB, _BR, _CR, _HYPHEN, _RENDERED = (
    f"{_W}{n}" for n in ("p", "t", "tab", "br", "cr", "noBreakHyphen", "lastRenderedPageBreak")
)
_TBL, _TR, _TC, _SDT, _SDT_CONTENT = (f"{_W}{n}" for n in ("tbl", "tr", "tc", "sdt", "sdtContent"))
_PPR, _PSTYLE, _OUTLINE, _PAGE_BREAK_BEFORE, _SECT_PR = (
    f"{_W}{n}" for n in ("pPr", "pStyle", "outlineLvl", "pageBreakBefore", "sectPr")
)
_TCPR, _GRID_SPAN, _VMERGE, _TRPR, _GRID_BEFORE = (
    f"{_W}{n}" for n in ("tcPr", "gridSpan", "vMerge", "trPr", "gridBefore")
)
_VAL, _TYPE = f"{_W}val", f"{_W}type"
_WRAPPERS = (f"{_W}customXml", f"{_W}ins", f"{_W}smartTag")


class _DocxReader:
    """One pass over the body in document order; tag names are precomputed because this loop is most of the
    cost of a DOCX intake."""

    def __init__(self, styles: dict[str, str]) -> None:
        self.styles = styles
        self.items: list[_Raw] = []
        self.page = 1
        self.lines = 0.0
        self.rendered_breaks = 0

    def page_count(self) -> int:
        return self.page

    def _advance(self, lines: float) -> None:
        if self.rendered_breaks:
            return  # Word recorded where its pages break; no estimate needed
        self.lines += lines
        while self.lines > LINES_PER_PAGE:
            self.page += 1
            self.lines -= LINES_PER_PAGE

    def _new_page(self) -> None:
        if not self.rendered_breaks:
            self.page += 1
            self.lines = 0.0

    def walk(self, body: Any) -> None:
        for element in body.iterchildren():
            tag = element.tag
            if tag == _P:
                self.paragraph(element)
            elif tag == _TBL:
                self.table(element)
            elif tag == _SDT:
                content = element.find(_SDT_CONTENT)
                if content is not None:
                    self.walk(content)
            elif tag in _WRAPPERS:
                self.walk(element)

    def paragraph(self, p: Any) -> None:
        style_name = ""
        outline: int | None = None
        section_break = False
        ppr = p.find(_PPR)
        if ppr is not None:
            for prop in ppr:
                tag = prop.tag
                if tag == _PSTYLE:
                    style_id = prop.get(_VAL, "")
                    style_name = self.styles.get(style_id, style_id)
                elif tag == _PAGE_BREAK_BEFORE:
                    self._new_page()
                elif tag == _OUTLINE and prop.get(_VAL, "9").isdigit():
                    outline = int(prop.get(_VAL, "9")) + 1
                elif tag == _SECT_PR:
                    section_break = True
        parts: list[str] = []
        first_page = self.page  # a paragraph running over a page break belongs to the page it starts on
        for node in p.iter(_T, _TAB, _BR, _CR, _HYPHEN, _RENDERED):
            tag = node.tag
            if tag == _T:
                if not parts:
                    first_page = self.page
                parts.append(node.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag == _HYPHEN:
                parts.append("-")
            elif tag == _RENDERED:
                if self.items or parts:
                    # Word saved where its pages broke: count them instead of estimating.
                    self.rendered_breaks += 1
                    self.page = self.rendered_breaks + 1
            elif node.get(_TYPE) == "page":
                self._flush(parts, style_name, outline, first_page)
                parts = []
                self._new_page()
            else:
                parts.append("\n")
        self._flush(parts, style_name, outline, first_page)
        if section_break:
            self._new_page()  # a section break starts a new page in every standard template

    def _flush(self, parts: list[str], style_name: str, outline: int | None, page: int) -> None:
        text = "".join(parts).strip()
        if not text:
            return
        level: int | None = None
        style = ""
        if style_name:
            lowered = style_name.lower()
            if match := _STYLE_LEVEL.match(style_name):
                level = int(match[1])
            elif style_name in _TEMPLATE_LEVELS:
                level = _TEMPLATE_LEVELS[style_name]
            elif lowered.startswith("toc") or style_name.startswith("目录"):
                style = "toc"
            elif lowered in ("title", "subtitle"):
                style = "title"
        if level is None and not style and outline is not None and outline <= 6:
            level = outline
        self.items.append(_RawText(text, page, level, style))
        self._advance(text_width(text) // CHARS_PER_LINE + 1.1)

    def table(self, tbl: Any) -> None:
        rows: list[list[str]] = []
        above: dict[int, str] = {}
        for tr in _children(tbl, _TR):
            row: list[str] = []
            trpr = tr.find(_TRPR)
            if trpr is not None:
                before = trpr.find(_GRID_BEFORE)
                if before is not None and before.get(_VAL, "0").isdigit():
                    row.extend([""] * min(int(before.get(_VAL, "0")), 64))
            for tc in _children(tr, _TC):
                span, merge = 1, None
                tcpr = tc.find(_TCPR)
                if tcpr is not None:
                    for prop in tcpr:
                        if prop.tag == _GRID_SPAN and prop.get(_VAL, "1").isdigit():
                            span = max(1, min(int(prop.get(_VAL, "1")), 64))
                        elif prop.tag == _VMERGE:
                            merge = prop.get(_VAL, "continue")
                column = len(row)
                text = above.get(column, "") if merge == "continue" else _cell_text(tc)
                for offset in range(span):
                    row.append(text)
                    above[column + offset] = text
            rows.append(row)
        if rows:
            self.items.append(_RawTable(rows, self.page))
            cell_width = max(4.0, CHARS_PER_LINE / max(len(r) for r in rows) - 2)
            self._advance(2 + sum(1.3 + max(map(text_width, r), default=0) // cell_width for r in rows))


def _cell_text(tc: Any) -> str:
    # Cell paragraphs joined like wrapped lines; tabs and breaks inside a cell are rare enough to ignore.
    return _join_lines("".join(p.itertext(_T, _HYPHEN)) for p in tc.iter(_P))


def _children(element: Any, tag: str) -> Iterator[Any]:
    """Direct children with `tag`, looking through content controls and custom XML wrappers."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag == _SDT or child.tag == _WRAPPERS[0]:
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _children(inner, tag)


def text_width(text: str) -> float:
    """Printed width of `text` in Chinese characters, the page estimate's unit: Latin letters and digits count
    about half. (UTF-8 takes three bytes for CJK and one for ASCII, so this counts without a Python loop.)"""
    wide = (len(text.encode("utf-8")) - len(text)) / 2
    return wide + 0.55 * (len(text) - wide)


# --- PDF -----------------------------------------------------------------------------------------------------


def _read_pdf(data: bytes) -> tuple[list[_Raw], int, bool]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if b"%%EOF" not in data[-2048:]:
        # pdfminer would quietly read what it can of a cut-off file; a partial standard is worse than none.
        raise IntakeError(
            "malformed_pdf",
            "PDF 文件不完整（缺少文件结尾标记 %%EOF），可能在上传或保存时被截断",
            "the PDF is incomplete (no %%EOF end marker); it may have been cut off while uploading or saving",
        )
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = pdf.pages
            if len(pages) > MAX_PDF_PAGES:
                raise IntakeError(
                    "too_many_pages",
                    f"PDF 有 {len(pages)} 页，超过上限 {MAX_PDF_PAGES} 页",
                    f"the PDF has {len(pages)} pages, over the limit of {MAX_PDF_PAGES}",
                )
            lines, tables = [], []
            for number, page in enumerate(pages, 1):
                page_lines, page_tables = _pdf_page(page, number)
                lines.append(page_lines)
                tables.append(page_tables)
                page.close()  # frees the page's layout objects
            page_count = len(pages)
            if not page_count:
                raise IntakeError("no_text", "PDF 没有任何页面", "the PDF has no pages")
    except IntakeError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # pdfminer raises many types (PSEOF, PDFSyntaxError, KeyError…) on damage
        # pdfplumber wraps pdfminer's errors in PdfminerException(original).
        causes = [exc, *(a for a in exc.args if isinstance(a, BaseException)), exc.__cause__, exc.__context__]
        if any(isinstance(c, PDFPasswordIncorrect) for c in causes):
            raise _encrypted() from None
        unsupported = next((c for c in causes if isinstance(c, PDFEncryptionError)), None)
        if unsupported is not None:
            raise IntakeError(
                "encrypted",
                f"PDF 已加密且加密方式无法处理（{_reason(unsupported)}），请上传未加密的文件",
                f"the PDF is encrypted in a way that cannot be read ({_reason(unsupported)}); "
                "upload an unencrypted file",
            ) from None
        cause = next((c for c in causes[1:] if c is not None), exc)
        raise IntakeError(
            "malformed_pdf",
            f"PDF 文件已损坏或格式不正确，无法读取（{_reason(cause)}）",
            f"the PDF is damaged or malformed and cannot be read ({_reason(cause)})",
        ) from None
    return _pdf_flow(lines, tables), page_count, False


def _encrypted() -> IntakeError:
    return IntakeError(
        "encrypted",
        "PDF 已加密（需要密码才能打开），请上传未加密的文件",
        "the PDF is encrypted (a password is needed to open it); upload an unencrypted file",
    )


@dataclass(slots=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    size: float
    page: int
    height: float
    width: float


def _pdf_page(page: Any, number: int) -> tuple[list[_Line], list[tuple[float, list[list[str]], list[float]]]]:
    found = page.find_tables()
    boxes = [table.bbox for table in found]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    lines = [
        _Line(
            line["text"],
            line["x0"],
            line["x1"],
            line["top"],
            line["bottom"] - line["top"],
            number,
            page.height,
            page.width,
        )
        for line in text_page.extract_text_lines(return_chars=False)
        if line["text"].strip()
    ]
    tables = [(table.bbox[1], *_pdf_table_grid(page, table)) for table in found]
    return lines, tables


def _pdf_table_grid(page: Any, table: Any) -> tuple[list[list[str]], list[float]]:
    """The table's grid with merged cells filled, and the left edge of each column. pdfplumber reports a
    merged cell once and None elsewhere; a merged cell whose borders it missed (one broken by a page break)
    leaves a run of uncovered positions in a column, whose text is read from that region of the page."""
    texts = table.extract()
    rows = table.rows
    if not texts:
        return [], []
    width = max(len(r) for r in texts)
    col_x: list[float | None] = [None] * width
    for row in rows:
        for j, cell in enumerate(row.cells[:width]):
            if cell is not None and col_x[j] is None:
                col_x[j] = cell[0]
    right_edges = [next((x for x in col_x[j + 1 :] if x is not None), table.bbox[2]) for j in range(width)]
    cell_text: list[tuple[tuple[float, float, float, float], str]] = []
    for i, row in enumerate(rows):
        for j, cell in enumerate(row.cells[:width]):
            if cell is not None and j < len(texts[i]):
                cell_text.append((cell, texts[i][j] or ""))
    grid: list[list[str | None]] = []
    for i, row in enumerate(rows):
        out: list[str | None] = []
        top = row.bbox[1]
        for j in range(width):
            value = texts[i][j] if j < len(texts[i]) else None
            if value is None and col_x[j] is not None:
                x = col_x[j]
                for (x0, y0, x1, y1), text in cell_text:
                    if x0 <= x + 1 < x1 and y0 <= top + 1 < y1:
                        value = text
                        break
            out.append(None if value is None else _join_lines(value.split("\n")))
        grid.append(out)
    for j in range(width):
        i = 0
        while i < len(grid):
            if grid[i][j] is not None or col_x[j] is None:
                i += 1
                continue
            end = i
            while end + 1 < len(grid) and grid[end + 1][j] is None:
                end += 1
            region = (col_x[j], rows[i].bbox[1], right_edges[j], rows[end].bbox[3])
            text = _join_lines((page.crop(region, strict=False).extract_text() or "").split("\n"))
            for k in range(i, end + 1):
                grid[k][j] = text
            i = end + 1
    columns = [x if x is not None else table.bbox[0] for x in col_x]
    return [[cell or "" for cell in row] for row in grid], columns


_PAGE_NUMBER = re.compile(r"^(?:[-—\s]*)(?:\d{1,4}|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+|[IVXLivxl]{1,6})(?:[-—\s]*)$")


def _pdf_flow(
    pages: list[list[_Line]], tables: list[list[tuple[float, list[list[str]], list[float]]]]
) -> list[_Raw]:
    """Drop running headers and page numbers, join wrapped lines into paragraphs, interleave tables."""
    repeated = _running_lines(pages)
    bodies = [
        [
            line
            for line in lines
            if not (_in_margin(line) and (_shape(line.text) in repeated or _PAGE_NUMBER.match(line.text)))
        ]
        for lines in pages
    ]
    all_lines = [line for lines in bodies for line in lines]
    if not all_lines:
        return [
            _RawTable(grid, n, columns)
            for n, page in enumerate(tables, 1)
            for _, grid, columns in page
            if grid
        ]
    left = Counter(round(line.x0) for line in all_lines).most_common(1)[0][0]
    right = sorted(line.x1 for line in all_lines)[int(len(all_lines) * 0.95)]
    items: list[_Raw] = []
    for number, (lines, page_tables) in enumerate(zip(bodies, tables, strict=True), 1):
        events: list[tuple[float, int, object]] = [(line.top, 0, line) for line in lines]
        events += [(top, 1, (grid, columns)) for top, grid, columns in page_tables if grid]
        events.sort(key=lambda event: (event[0], event[1]))
        for _, _, payload in events:
            if isinstance(payload, _Line):
                _add_line(items, payload, left, right)
                continue
            grid, columns = payload  # type: ignore[misc]
            previous = items[-1] if items else None
            if (
                isinstance(previous, _RawTable)
                and previous.page == number - 1
                and _continue_table(previous, grid, columns)
            ):
                continue
            items.append(_RawTable(grid, number, columns))
    return items


def _continue_table(previous: _RawTable, grid: list[list[str]], columns: list[float]) -> bool:
    """Append a table that opens a page to the table that closed the previous one, aligning columns by
    their left edges; a repeated header row is dropped, and a column left empty continues the merged cell
    above it."""
    mapping: list[int] = []
    for x in columns:
        match = next((k for k, px in enumerate(previous.columns) if abs(px - x) < 3), None)
        if match is None:
            return False
        mapping.append(match)
    width = len(previous.columns)
    rows = grid[1:] if len(grid[0]) == width and grid[0] == previous.rows[0] else grid
    last = previous.rows[-1]
    missing = [k for k in range(width) if k not in mapping]
    for row in rows:
        aligned = [""] * width
        for j, cell in enumerate(row):
            aligned[mapping[j]] = cell
        for k in missing:
            aligned[k] = last[k]
        previous.rows.append(aligned)
    return True


def _in_margin(line: _Line) -> bool:
    return line.top < line.height * 0.1 or line.top > line.height * 0.9


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.replace(" ", ""))


def _running_lines(pages: list[list[_Line]]) -> set[str]:
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_shape(line.text) for line in lines if _in_margin(line)})
    return {text for text, n in counts.items() if n >= max(2, len(pages) * 0.5)}


_NEW_PARAGRAPH = re.compile(
    r"^(?:[a-z]\)|\d{1,2}\)|[-—]{1,2}(?!\d)|注\s*\d*\s*[:：]|表\s*[A-Z]?\.?\d|图\s*[A-Z]?\.?\d|附\s*录\s*[A-Z]"
    r"|[(（](?:规范性|资料性)|\d{1,2}(?:\.\d{1,2}){0,5}[ \u3000]|[A-Z]\.\d{1,2}(?:\.\d{1,2}){0,4}[ \u3000]"
    r"|(?:GB|[A-Z]{2}|DB\d+|T|Q|JJ[GF]|ISO|IEC)\s*/?\s*[A-Z]?\s*\d)"
)
_SENTENCE_END = tuple("。！？；：:;")
_CUT_NUMBER = re.compile(
    r"(?:(?<![A-Za-z])(?:GB|[A-Z]{2}|DB\d{2,4}|JJ[GF]|ISO|IEC)\s*(?:/\s*[TZ]?)?|\d\s*[-—–])$"
)


def _add_line(items: list[_Raw], line: _Line, left: float, right: float) -> None:
    previous = items[-1] if items else None
    text = line.text.strip()
    if isinstance(previous, _RawText) and previous.style == "pdfline":
        last = previous._line  # type: ignore[attr-defined]
        indented = line.x0 > left + 1.2 * line.size
        short = last.x1 < right - 2 * last.size
        ended = previous.text.rstrip().endswith(_SENTENCE_END)
        # A line that stops early inside a standard number ("…应符合GB/T" + "191—2008…") was wrapped at
        # the number's space, whatever its length.
        cut = bool(_CUT_NUMBER.search(previous.text)) and not indented
        if cut or not (indented or short or ended or _NEW_PARAGRAPH.match(text) or _toc_line(text)):
            previous.text = _join_lines([previous.text, text])
            previous._line = line  # type: ignore[attr-defined]
            return
    raw = _PdfText(text, line.page, None, "pdfline")
    raw._line = line
    items.append(raw)


@dataclass(slots=True)
class _PdfText(_RawText):
    _line: Any = None


def _join_lines(lines: Iterable[str]) -> str:
    """Join wrapped lines: Chinese text and numbers split at a line end join without a space; Latin words
    with one."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and line[0].isascii() and line[0].isalpha():
            out += " "
        out += line
    return out


# --- assembling blocks, headings and clauses ----------------------------------------------------------------

_UNNUMBERED = {
    "前言": "foreword",
    "引言": "foreword",
    "目次": "contents",
    "目录": "contents",
    "参考文献": "bibliography",
    "索引": "bibliography",
}
_NUMBERED = re.compile(
    r"^(?P<number>(?:\d{1,2}|[A-Z])(?:\.\d{1,2}){0,5})(?P<gap>[ \u3000]+|(?=[\u4e00-\u9fff]))(?P<rest>\S.*)$",
    re.S,
)
_ANNEX = re.compile(
    r"^附\s*录\s*(?P<letter>[A-Z])\s*(?:[(（]\s*(?P<kind>规范性|资料性|标准的|提示的)\s*(?:附录)?\s*[)）])?\s*(?P<title>.*)$",
    re.S,
)
_ANNEX_KIND = re.compile(r"^[(（]\s*(?:规范性|资料性|标准的|提示的)\s*(?:附录)?\s*[)）]$")
_TOC_LINE = re.compile(r"(?:[.·…‥]{3,}|\s{2,}|\t)\s*(?:\d{1,4}|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+|[IVXivx]{1,5})$")
_HEADING_MAX = 40


def _toc_line(text: str) -> bool:
    return bool(_TOC_LINE.search(text))


class _Assembler:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.clauses: dict[str, Clause] = {}
        self.section: Section = "cover"
        self.clause = ""
        self.chapter = 0  # the last numbered chapter
        self.counters: list[int] = []
        self.section_page = 1
        self.pending_annex: int | None = None  # index of an annex heading still waiting for its title
        self.cover_lines: set[str] = set()

    def add_text(self, raw: _RawText) -> None:
        text = re.sub(r"[\n\t]", " ", raw.text).strip()
        folded = fold_width(text)
        compact = re.sub(r"\s+", "", folded)
        if self.section == "contents" and raw.page > self.section_page and raw.style != "toc":
            self.section = "body"  # the contents end with their page
        if self.section == "foreword" and compact in self.cover_lines:
            self.section = "body"  # the standard's name repeated above chapter 1 ends the foreword
        if self.pending_annex is not None and self._annex_continuation(text, compact):
            return
        self.pending_annex = None
        if raw.style == "toc" or (self.section == "contents" and _toc_line(raw.text)):
            self._paragraph(text, raw.page, style="toc")
            return
        if compact in _UNNUMBERED:
            self._heading(1, "", text, raw.page, _UNNUMBERED[compact])  # type: ignore[arg-type]
            return
        if self.section == "contents" and raw.style_level is None:
            self._paragraph(text, raw.page, style="toc")
            return
        annex = _ANNEX.match(folded)
        if annex and (raw.style_level is not None or len(annex["title"]) <= _HEADING_MAX):
            self._annex(annex, raw.page)
            return
        numbered = _NUMBERED.match(folded)
        # Without a Word heading style, a number must be followed by a space ("2种以上" is not clause 2).
        if numbered and not numbered["gap"] and raw.style_level is None:
            numbered = None
        if numbered and self._plausible(numbered["number"], styled=raw.style_level is not None):
            number, rest = numbered["number"], numbered["rest"].strip()
            if raw.style_level is not None or self._is_title(rest):
                self._heading(number.count(".") + 1, number, rest, raw.page)
            else:
                self._register(number, "", raw.page)
                self._paragraph(text, raw.page, number=number)
            return
        if (
            raw.style_level is not None
            and self.section != "cover"
            or (raw.style_level == 1 and self._title_like(text))
        ):
            # A heading numbered by Word itself: the number is not in the text, so count it.
            number = self._next_number(raw.style_level)
            self._heading(raw.style_level, number, text, raw.page)
            return
        self._paragraph(text, raw.page, style="title" if raw.style == "title" else "")

    @staticmethod
    def _is_title(rest: str) -> bool:
        return len(rest) <= _HEADING_MAX and not re.search(r"[。；;，,：:]", rest) and not _toc_line(rest)

    @staticmethod
    def _title_like(text: str) -> bool:
        return len(text) <= _HEADING_MAX and "。" not in text

    def _plausible(self, number: str, *, styled: bool) -> bool:
        """A numbered line is a clause only if its number can follow the clauses seen so far; this keeps
        "5.0 g 试样…" (a wrapped line) and table-of-contents lines out."""
        parts = number.split(".")
        if any(p.isdigit() and int(p) == 0 for p in parts):
            return False
        if styled:
            return True
        if number in self.clauses:
            return False
        if len(parts) == 1:
            if not parts[0].isdigit():
                return False
            n = int(parts[0])
            # The first chapter seen may be any: an extract of a standard starts where it starts.
            return n == self.chapter + 1 or (self.chapter == 0 and n <= 20)
        parent = ".".join(parts[:-1])
        if parent not in self.clauses and not (
            parts[0].isdigit() and int(parts[0]) == self.chapter and len(parts) == 2
        ):
            return False
        last = int(parts[-1])
        siblings = [
            int(k.rsplit(".", 1)[1])
            for k in self.clauses
            if k.startswith(parent + ".") and k.count(".") == number.count(".")
        ]
        return last <= (max(siblings) if siblings else 0) + 2

    def _next_number(self, level: int) -> str:
        if level == 1:
            self.counters = [self.chapter + 1]
        else:
            while len(self.counters) < level - 1:
                self.counters.append(0)
            self.counters = self.counters[: level - 1] + [
                (self.counters[level - 1] if len(self.counters) >= level else 0) + 1
            ]
        return ".".join(str(n) for n in self.counters)

    def _annex(self, match: re.Match[str], page: int) -> None:
        letter, title = match["letter"], (match["title"] or "").strip()
        self._heading(1, letter, title, page)
        if not title or not match["kind"]:
            self.pending_annex = len(self.blocks) - 1

    def _annex_continuation(self, text: str, compact: str) -> bool:
        index = self.pending_annex
        assert index is not None
        heading = self.blocks[index]
        assert isinstance(heading, Heading)
        if _ANNEX_KIND.match(fold_width(compact)):
            return True
        if not heading.text and self._title_like(text) and not _NUMBERED.match(fold_width(text)):
            self.blocks[index] = Heading(
                heading.level, heading.number, text, heading.page, heading.clause, heading.section
            )
            self.clauses[heading.number] = Clause(heading.number, text, index, heading.page)
            self.pending_annex = None
            return True
        return False

    def _heading(self, level: int, number: str, text: str, page: int, section: Section | None = None) -> None:
        if section is not None:
            self.section, self.section_page = section, page
            self.clause = ""
        elif level == 1 and number:
            folded = re.sub(r"\s+", "", text)
            if "规范性引用文件" in folded or "引用标准" in folded:
                self.section = "normative"
            elif "参考文献" in folded:
                self.section = "bibliography"
            else:
                self.section = "body"
        elif self.section in ("cover", "contents", "foreword") and number:
            self.section = "body"
        if number:
            self._register(number, text, page)
            if level == 1 and number.isdigit():
                self.chapter = int(number)
                self.counters = [self.chapter]
            elif number[0].isdigit():
                self.counters = [int(p) for p in number.split(".")]
        self.blocks.append(Heading(level, number, text, page, self.clause, self.section))
        if number:
            self.clauses[number] = Clause(number, text, len(self.blocks) - 1, page)

    def _register(self, number: str, title: str, page: int) -> None:
        self.clause = number
        if number not in self.clauses:
            self.clauses[number] = Clause(number, title, len(self.blocks), page)

    def _paragraph(self, text: str, page: int, *, number: str = "", style: str = "") -> None:
        if self.section == "cover":
            if page > 1:
                self.section = "body"  # no heading after the first page: the text has no cover
            else:
                self.cover_lines.add(re.sub(r"\s+", "", fold_width(text)))
        self.blocks.append(Paragraph(text, page, number, self.clause, self.section, style))

    def add_table(self, raw: _RawTable) -> None:
        width = max((len(r) for r in raw.rows), default=0)
        rows = tuple(tuple(r + [""] * (width - len(r))) for r in raw.rows if any(c.strip() for c in r))
        if not rows:
            return
        caption, unit_note = "", ""
        for block in reversed(self.blocks[-3:]):
            if not isinstance(block, Paragraph):
                break
            folded = fold_text(block.text)
            if not unit_note and re.match(r"^单位为", folded):
                unit_note = folded
            elif re.match(r"^表\s*[A-Z]?\.?\d+", folded):
                caption = folded
                break
        self.blocks.append(Table(rows, raw.page, caption, unit_note, self.clause, self.section))


def _assemble(
    kind: Literal["docx", "pdf"], filename: str, items: Sequence[_Raw], pages: int, estimated: bool
) -> Document:
    assembler = _Assembler()
    for item in items:
        if isinstance(item, _RawTable):
            assembler.add_table(item)
        else:
            assembler.add_text(item)
    blocks = assembler.blocks
    text = "\n".join(
        " | ".join(" | ".join(row) for row in block.rows) if isinstance(block, Table) else block.text
        for block in blocks
    )
    return Document(kind, filename, max(pages, 1), estimated, blocks, assembler.clauses, text)


def _location(block: Block, index: int) -> Location:
    return Location(block.clause, block.page, block.section, index)


# --- standard numbers ------------------------------------------------------------------------------------------

_CODE = (
    r"GB\s*/\s*[TZ]|GB|JJ[GF]|DB\s*\d{2,4}\s*/\s*T|DB\s*\d{2,4}\s*/|DB\s*/\s*T|T\s*/\s*[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*"
    r"|Q\s*/\s*[A-Z0-9]+(?:[ .][A-Z]+)*"
    r"|ISO\s*/\s*IEC(?:\s+(?:TS|TR))?|ISO\s*/\s*(?:TS|TR|PAS)|ISO|IEC(?:\s*/?\s*(?:TS|TR))?"
    r"|BS\s+EN(?:\s+ISO)?|DIN\s+EN(?:\s+ISO)?|DIN|EN(?:\s+ISO)?|JIS\s*[A-Z]|ASTM\s*[A-Z]|ANSI|UL"
    r"|[A-Z]{2}\s*/\s*[TZ]|[A-Z]{2}"
)
_CANDIDATE = re.compile(
    rf"(?<![A-Za-z0-9/.])(?P<code>{_CODE})\s*(?P<number>\d{{1,5}}(?:\.\d{{1,3}})*(?:-\d{{1,3}}(?=[-:.\s]|$))?)"
    r"(?![\d])(?:\s*(?P<dash>-{1,2})\s*(?P<year>\d{4}|\d{2})(?![\d.]))?(?:\s*:\s*(?P<colon>\d{4})(?!\d))?"
    r"(?P<adopted>\s*/\s*(?:ISO|IEC|EN)(?:\s*/\s*IEC)?\s*\d+(?:[.-]\d+)*(?:\s*:\s*\d{4})?)?"
)


_MAY_HAVE_CODE = re.compile(r"[A-ZＡ-Ｚ]{2}|[QTＱＴ]\s*[/／]")


@dataclass(frozen=True, slots=True)
class StandardMention:
    """One standard number found in a text: the text as written, where, and stdnum's parse."""

    text: str
    start: int
    end: int
    result: ParseResult


def find_standard_numbers(text: str) -> list[StandardMention]:
    """Every valid standard number in `text` (full-width, em dashes and numbers split over a line break
    allowed); candidates come from a pattern, stdnum decides which are numbers."""
    if not _MAY_HAVE_CODE.search(text):
        return []
    folded = fold_dashes(fold_width(text))  # both keep offsets: one character for one character
    found: list[StandardMention] = []
    for match in _CANDIDATE.finditer(folded):
        code = re.sub(r"\s+", "", match["code"]).upper()
        bare = code.split("/")[0]
        if (
            re.fullmatch(r"[A-Z]{2}", bare)
            and bare not in INDUSTRY_CODES
            and bare not in ("GB", "DB", "EN", "UL")
        ):
            continue
        if code.startswith("Q/") and not match["year"]:
            continue  # an enterprise number always carries its year; without one it is some other code
        if code in INDUSTRY_CODES and not match["year"] and match.end("code") == match.start("number"):
            continue  # "LD50", "SC10533…": a mandatory industry number is written with a space or a year
        candidates = [match.group(0)]
        if match["adopted"]:
            candidates.append(folded[match.start() : match.start("adopted")])
        if match["year"]:
            candidates.append(folded[match.start() : match.start("dash")])
        for candidate in candidates:
            result = parse(re.sub(r"\s+", " ", candidate).strip())
            if result.ok:
                original = text[match.start() : match.start() + len(candidate)]
                found.append(StandardMention(original, match.start(), match.start() + len(candidate), result))
                break
    return found


@dataclass(frozen=True)
class Reference:
    """A standard cited by the document: normalised number (with its year when dated), how it was first
    written, its title if given, and every place it occurs."""

    normalized: str
    text: str
    family: str
    code: str
    number: str
    year: int | None
    normative: bool
    title: str
    locations: tuple[Location, ...]
    adopted: str | None = None

    @property
    def dated(self) -> bool:
        """A dated reference names one edition; an undated one (GB/T 191) means the latest, per GB/T 1.1."""
        return self.year is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["dated"] = self.dated
        data["locations"] = [{**asdict(loc), "display": str(loc)} for loc in self.locations]
        return data


_TITLE_AFTER = re.compile(r"^\s*《(?P<title>[^》\n]{1,120})》")


def extract_references(doc: Document) -> list[Reference]:
    """Every standard number in chapter 2 (normative) and the rest of the text (not normative; cover and
    running headers excluded, and the document's own number with its earlier editions), de-duplicated by
    normalised number, chapter 2 first."""
    own_number = _cover_facts(doc).number
    own = parse(own_number).standard if own_number else None
    found: dict[str, dict[str, Any]] = {}
    for index, block in enumerate(doc.blocks):
        if block.section in ("cover", "contents"):
            continue
        texts = (
            [cell for row in block.rows for cell in dict.fromkeys(row)]
            if isinstance(block, Table)
            else [block.text]
        )
        normative = block.section == "normative"
        for text in texts:
            for mention in find_standard_numbers(text):
                standard = mention.result.standard
                assert standard is not None
                if own and same_standard(standard, own):
                    continue
                title = _title_after(text, mention, normative and isinstance(block, Paragraph))
                key = standard.normalized
                entry = found.get(key)
                location = _location(block, index)
                if entry is None:
                    found[key] = {
                        "mention": mention,
                        "normative": normative,
                        "title": title,
                        "locations": [location],
                        "order": (0 if normative else 1, index, mention.start),
                    }
                else:
                    entry["locations"].append(location)
                    if normative and not entry["normative"]:
                        entry.update(normative=True, order=(0, index, mention.start), mention=mention)
                    if title and (not entry["title"] or normative):
                        entry["title"] = title
    references = []
    for key, entry in sorted(found.items(), key=lambda item: item[1]["order"]):
        standard = entry["mention"].result.standard
        locations = sorted(entry["locations"], key=lambda loc: (loc.section != "normative", loc.block))
        references.append(
            Reference(
                normalized=key,
                text=entry["mention"].text.strip(),
                family=standard.family,
                code=standard.code,
                number=standard.number,
                year=standard.year,
                normative=entry["normative"],
                title=entry["title"],
                locations=tuple(locations),
                adopted=standard.adopted.normalized if standard.adopted else None,
            )
        )
    return references


def _title_after(text: str, mention: StandardMention, list_item: bool) -> str:
    rest = text[mention.end :]
    if match := _TITLE_AFTER.match(rest):
        return match["title"].strip()
    if list_item and not text[: mention.start].strip():
        # A chapter 2 entry: "GB 2760　食品安全国家标准 食品添加剂使用标准".
        return fold_text(rest).strip(" 。;；,，")[:200]
    return ""


# --- indicator tables ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator as the document states it, ready for the enterprise to confirm. `parsed` is
    `parse_requirement(...).to_dict()`; `grade` is the class column (一等品, Ⅰ类 …) if the table has several."""

    name: str
    requirement: str
    unit: str
    test_method: str
    location: Location
    parsed: dict[str, Any]
    grade: str = ""
    category: str = ""
    method_source: Literal["table", "clause", ""] = ""
    method_clause: str = ""
    method_standards: tuple[str, ...] = ()
    table: int = 0  # block index of the table
    row: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["location"] = {**asdict(self.location), "display": str(self.location)}
        data["method_standards"] = list(self.method_standards)
        return data


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", fold_text(text))


_NAME_LABEL = re.compile(
    r"^(?:检验|检测|试验|指标|质量|技术)?(?:项目|项目名称|名称)$|^指标名称$|^参数$|^检测参数$"
)
_REQUIREMENT_LABEL = re.compile(
    r"^(?:技术)?(?:要求|指标|指标值|技术指标|质量指标|指标要求|技术要求|限量|限值|限量值|最大限量|最高限量|标准值|标准要求|规定值|"
    r"限量指标|卫生指标|理化指标|感官要求|规格值)(?:[(（/].*)?(?:[≤≥<>])?$"
)
_GRADE_LABEL = re.compile(
    r"^(?:优等品|一等品|二等品|合格品|优级品?|一级品?|二级品?|三级品?|特级品?|特优级|"
    r"[ⅠⅡⅢⅣⅤⅥ]+[类型级]?|[IV]{1,3}[类型级]|[A-E][类级型]|[一二三四五][类级]|\d[类级型])$"
)
_UNIT_LABEL = re.compile(r"^(?:计量)?单位$")
_METHOD_LABEL = re.compile(
    r"^(?:检验|试验|检测|测试|分析|测定)方法(?:标准)?(?:/章条号|的?章条号)?$|^方法$|^检验依据$|^检测依据$|^试验方法的章条号$"
)
_PLAN_KEYS = ("n", "c", "m", "M")
_MAX_WORDS = re.compile(r"限量|限值|最大|最高|不大于|不超过|≤|<")
_MIN_WORDS = re.compile(r"最小|最低|不小于|不低于|≥|>")
_NA_UNITS = {"", "-", "--", "—", "——", "/", "无", "—/—"}


@dataclass
class _Columns:
    name: int
    category: int | None
    requirements: list[tuple[int, str, str]]  # (column, grade, header text)
    unit: int | None
    method: int | None
    plan: dict[str, int]  # sampling plan key → column
    header_rows: int


def extract_indicator_tables(doc: Document) -> list[IndicatorRow]:
    """The rows of every table whose header names an indicator and a requirement column, each with its
    parsed requirement; a missing method is looked up, by indicator name, in the 试验方法 chapter."""
    methods = _method_clauses(doc)
    rows: list[IndicatorRow] = []
    for index, block in enumerate(doc.blocks):
        if isinstance(block, Table) and block.section != "contents":
            rows.extend(_table_indicators(block, index, methods))
    return rows


def _column_roles(rows: Sequence[Sequence[str]]) -> _Columns | None:
    if len(rows) < 2:
        return None
    top = [_compact(c) for c in rows[0]]
    header_rows = 1
    second = [_compact(c) for c in rows[1]]
    if len(rows) > 2 and _is_subheader(second, top):
        header_rows = 2
    labels = [(top[j], second[j] if header_rows == 2 else "") for j in range(len(top))]
    name_columns = [j for j, (a, _) in enumerate(labels) if _NAME_LABEL.match(a)]
    if not name_columns:
        return None
    name = name_columns[-1]
    category = name_columns[0] if len(name_columns) > 1 else None
    requirements: list[tuple[int, str, str]] = []
    unit = method = None
    plan: dict[str, int] = {}
    for j, (a, b) in enumerate(labels):
        if j in name_columns:
            continue
        sub = b if b and b != a else ""
        if "采样方案" in a and sub in _PLAN_KEYS:
            plan[sub] = j
        elif _UNIT_LABEL.match(a):
            unit = j
        elif _METHOD_LABEL.match(a):
            method = j
        elif _REQUIREMENT_LABEL.match(a) or "采样方案" in a:
            requirements.append((j, sub if sub and _GRADE_LABEL.match(sub) else "", rows[0][j]))
        elif _GRADE_LABEL.match(a):
            requirements.append((j, rows[0][j].strip(), rows[0][j]))
    if not requirements and not plan:
        return None
    if plan and set(plan) >= {"n", "c", "m"}:
        requirements = [r for r in requirements if r[0] not in plan.values()]
    else:
        plan = {}
    return _Columns(name, category, requirements, unit, method, plan, header_rows)


def _is_subheader(second: Sequence[str], top: Sequence[str]) -> bool:
    differs = False
    for a, b in zip(top, second, strict=False):
        if b == a or not b:
            continue
        if b in _PLAN_KEYS or _GRADE_LABEL.match(b):
            differs = True
            continue
        return False
    return differs


_UNIT_SUFFIX = re.compile(
    r"^(?P<name>.+?)\s*/\s*(?P<unit>[(（][^()（）]+(?:[(（][^()（）]*[)）])?[^()（）]*[)）]|[^/()（）]+)$"
)
_PAREN_SUFFIX = re.compile(r"^(?P<name>.+?)\s*[(（](?P<unit>[^()（）]+)[)）]$")
_OPERATOR_SUFFIX = re.compile(r"\s*(?P<op>[≤≥<>])\s*$")


def _split_unit(name: str) -> tuple[str, str]:
    """("铅(以Pb计)/(mg/kg)") → ("铅(以Pb计)", "mg/kg"); a trailing group that is no unit stays."""
    for pattern in (_UNIT_SUFFIX, _PAREN_SUFFIX):
        match = pattern.match(name)
        if match:
            unit = match["unit"].strip()
            if unit[:1] in "(（" and unit[-1:] in ")）":
                unit = unit[1:-1].strip()
            if _is_unit(unit):
                return match["name"].strip(), unit
    return name, ""


@functools.lru_cache(maxsize=4096)
def _is_unit(text: str) -> bool:
    if not text or re.search(r"[以计]", text) or len(text) > 20:
        return False
    try:
        parse_unit(text)
    except (UnitError, ValueError, TypeError):
        return False
    return True


def _table_indicators(table: Table, index: int, methods: list[_MethodClause]) -> list[IndicatorRow]:
    roles = _column_roles(table.rows)
    if roles is None:
        return []
    category = re.sub(r"^表\s*[A-Z]?\.?\d+\s*", "", table.caption).strip()
    note_unit = ""
    if table.unit_note:
        candidate = re.sub(r"^单位为", "", table.unit_note).strip(" 。")
        note_unit = candidate if _is_unit(candidate) else ""
    header = table.rows[0]
    out: list[IndicatorRow] = []
    group = ""
    for r, row in enumerate(table.rows[roles.header_rows :], start=roles.header_rows):
        cells = [c.strip() for c in row]
        if len(set(cells)) == 1:
            group = cells[0]  # a row spanning the table names the group below it
            continue
        raw_name = cells[roles.name]
        if not raw_name or raw_name == header[roles.name]:
            continue
        operator = ""
        if match := _OPERATOR_SUFFIX.search(raw_name):
            operator, raw_name = match["op"], raw_name[: match.start()]
        name, unit = _split_unit(raw_name)
        if roles.unit is not None and cells[roles.unit] not in _NA_UNITS:
            unit = cells[roles.unit]
        row_category = group or category
        if roles.category is not None and cells[roles.category] not in (raw_name, ""):
            row_category = cells[roles.category]
        method = cells[roles.method] if roles.method is not None else ""
        entries: list[tuple[str, str, str]] = []  # (grade, requirement, header)
        if roles.plan:
            values = [cells[roles.plan[k]] for k in _PLAN_KEYS if k in roles.plan]
            if len(set(values)) == 1:
                entries.append(("", values[0], ""))
            else:
                parts = [
                    f"{k}={cells[roles.plan[k]]}"
                    for k in _PLAN_KEYS
                    if k in roles.plan and cells[roles.plan[k]] not in _NA_UNITS
                ]
                entries.append(("", ",".join(parts), ""))
        for column, grade, label in roles.requirements:
            entries.append((grade, cells[column], label))
        seen: set[tuple[str, str]] = set()
        for grade, requirement, label in entries:
            if (grade, requirement) in seen or not requirement:
                continue
            seen.add((grade, requirement))
            label_name, label_unit = _split_unit(_compact(label)) if label else ("", "")
            unit_used = unit or label_unit or note_unit
            text = requirement
            if operator and re.match(r"^[-+]?[\d.]", fold_width(requirement)):
                text = operator + requirement
            default_kind = _default_kind(label_name or label)
            parsed = parse_requirement(text, default_kind=default_kind, unit=unit_used or None)
            if not parsed.ok and unit_used and parse_requirement(text, default_kind=default_kind).ok:
                # The unit column disagrees with the text (or names no unit): keep the text's own reading.
                parsed = parse_requirement(text, default_kind=default_kind)
            out.append(
                IndicatorRow(
                    name=name,
                    requirement=text,
                    unit=unit_used,
                    test_method=method,
                    location=_location(table, index),
                    parsed=parsed.to_dict(),
                    grade=grade,
                    category=row_category,
                    method_source="table" if method else "",
                    table=index,
                    row=r,
                )
            )
    return [_with_method(row, methods) for row in out]


def _default_kind(label: str) -> Literal["max", "min"] | None:
    if _MAX_WORDS.search(label):
        return "max"
    if _MIN_WORDS.search(label):
        return "min"
    return None


# --- methods from the 试验方法 chapter --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _MethodClause:
    number: str
    key: str
    text: str


_METHOD_CHAPTER = re.compile(r"(?:试验|检验|检测|测试|分析)方法")
_NAME_NOISE = re.compile(r"[(（][^()（）]*[)）]|的?(?:测定|检验|检测|试验|测试)(?:方法)?$|的?含量$|\s+")
_CLAUSE_REF = re.compile(r"(?:见|按|按照|依据)?\s*(?P<clause>(?:\d{1,2}(?:\.\d{1,2}){1,4})|附录\s*[A-Z])")


def _name_key(name: str) -> str:
    key = fold_text(name).replace("/", "")
    previous = None
    while previous != key:
        previous, key = key, _NAME_NOISE.sub("", key)
    return key.lower()


def _method_clauses(doc: Document) -> list[_MethodClause]:
    """Clauses of the 试验方法 chapter and method annexes, keyed by the indicator name in their title."""
    out: list[_MethodClause] = []
    in_methods = False
    current: list[Any] | None = None  # [number, key, [texts]]

    def close() -> None:
        if current is not None and current[1]:
            out.append(_MethodClause(current[0], current[1], " ".join(current[2]).strip()))

    for block in doc.blocks:
        if isinstance(block, Heading) and block.level == 1:
            close()
            current = None
            in_methods = (
                bool(block.number) and block.number.isdigit() and bool(_METHOD_CHAPTER.search(block.text))
            )
            if block.number.isalpha() and re.search(r"(?:测定|检验|试验|检测)(?:方法)?$", block.text):
                out.append(_MethodClause(f"附录{block.number}", _name_key(block.text), block.text))
            continue
        if not in_methods:
            continue
        if isinstance(block, Heading):
            close()
            current = [block.number, _name_key(block.text), []]
        elif isinstance(block, Paragraph):
            if block.number:
                close()
                body = fold_text(block.text)[len(block.number) :].strip()
                name = re.split(r"[ ：:，,]|按|应按|采用|参照|依据", body, maxsplit=1)[0]
                current = [block.number, _name_key(name), [body]]
            elif current is not None:
                current[2].append(block.text)
    close()
    return out


def _with_method(row: IndicatorRow, methods: list[_MethodClause]) -> IndicatorRow:
    method, source, clause = row.test_method, row.method_source, ""
    detail = method
    if method:
        reference = _CLAUSE_REF.fullmatch(fold_text(method).rstrip("。的规定方法"))
        if reference:
            clause = re.sub(r"\s+", "", reference["clause"])
            target = next((m for m in methods if m.number == clause), None)
            if target is not None:
                detail = f"{method} {target.text}"
    else:
        key = _name_key(row.name)
        match = next((m for m in methods if m.key == key), None)
        if match is None and len(key) >= 2:
            match = next((m for m in methods if len(m.key) >= 2 and (key in m.key or m.key in key)), None)
        if match is None and row.category:
            # "5.1 感官要求" covers every row of the 感官要求 table.
            group = _name_key(row.category)
            match = next((m for m in methods if m.key == group), None)
        if match is not None:
            method, source, clause = f"{match.number} {match.text}".strip(), "clause", match.number
            detail = method
    standards = tuple(dict.fromkeys(m.result.normalized or "" for m in find_standard_numbers(detail)))
    if method == row.test_method and not clause and standards == row.method_standards:
        return row
    return replace(
        row, test_method=method, method_source=source, method_clause=clause, method_standards=standards
    )


# --- structure facts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterFact:
    """A chapter GB/T 1.1 expects, as found: its number and title."""

    number: str
    title: str
    page: int


@dataclass(frozen=True)
class CoverFacts:
    """The cover items as found ("" when absent)."""

    number: str = ""
    normalized: str = ""
    title: str = ""
    english_title: str = ""
    published: str = ""  # ISO date
    implemented: str = ""
    enterprise: str = ""
    replaces: str = ""


@dataclass(frozen=True)
class StructureFacts:
    """What the GB/T 1.1 structure check (C6) needs; `drafting_edition` is the cited year of GB/T 1.1
    ("2020", "2009", …) and `drafting_exact` says whether the sentence has the 2020 wording."""

    has_foreword: bool
    foreword_text: str
    drafting_sentence: str
    drafting_edition: str | None
    drafting_exact: bool
    chapters: dict[str, ChapterFact | None]
    chapter_titles: dict[str, str]
    cover: CoverFacts
    has_contents: bool
    annexes: dict[str, str]

    @property
    def drafting_rules(self) -> str | None:
        """The edition of GB/T 1.1 the drafting sentence cites, as a normalised number ("GB/T 1.1-2020")."""
        return f"GB/T 1.1-{self.drafting_edition}" if self.drafting_edition else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**asdict(self), "drafting_rules": self.drafting_rules}


DRAFTING_SENTENCE_2020 = (
    "本文件按照GB/T 1.1—2020《标准化工作导则 第1部分：标准化文件的结构和起草规则》的规定起草。"
)
_DRAFTING = re.compile(
    r"本(?:文件|标准|规范)(?:按照|依据|根据)\s*GB\s*/\s*T\s*1\.1\s*-{1,2}\s*(?P<year>\d{4})"
)
_CHAPTER_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("scope", re.compile(r"^范围$")),
    ("normative_references", re.compile(r"^规范性引用文件$")),
    ("terms", re.compile(r"^术语和定义$|^术语、定义")),
    ("requirements", re.compile(r"要求$|^技术指标$")),
    ("test_methods", re.compile(r"(?:试验|检验|检测|测试)方法$")),
    ("inspection_rules", re.compile(r"^检验规则$")),
    ("marking", re.compile(r"标志|包装|运输|贮存|储存")),
)
_DATE = r"(?P<y>\d{4})\s*[-.年/]\s*(?P<m>\d{1,2})\s*[-.月/]\s*(?P<d>\d{1,2})\s*日?"


def structure_facts(doc: Document) -> StructureFacts:
    """Foreword and drafting sentence, the chapters GB/T 1.1 expects (by role), annexes, and the cover."""
    foreword = [b.text for b in doc.blocks if isinstance(b, Paragraph) and b.section == "foreword"]
    has_foreword = any(
        isinstance(b, Heading) and b.section == "foreword" and _compact(b.text) in ("前言", "引言")
        for b in doc.blocks
    )
    sentence, edition = "", None
    search_in = foreword or [b.text for b in doc.blocks if isinstance(b, Paragraph)][:80]
    for text in search_in:
        folded = fold_text(text)
        match = _DRAFTING.search(folded)
        if match:
            edition = match["year"]
            end = folded.find("。", match.end())
            sentence = folded[match.start() : end + 1 if end >= 0 else len(folded)]
            break
    exact = bool(sentence) and _compact(sentence).replace("--", "-") == _compact(
        DRAFTING_SENTENCE_2020
    ).replace("--", "-")
    chapters: dict[str, ChapterFact | None] = dict.fromkeys((role for role, _ in _CHAPTER_ROLES), None)
    titles: dict[str, str] = {}
    annexes: dict[str, str] = {}
    for block in doc.blocks:
        if not isinstance(block, Heading) or block.level != 1 or not block.number:
            continue
        title = _compact(block.text)
        if block.number.isdigit():
            titles[block.number] = block.text
            for role, pattern in _CHAPTER_ROLES:
                if chapters[role] is None and pattern.search(title):
                    if role == "requirements" and "规范性" in title:
                        continue
                    chapters[role] = ChapterFact(block.number, block.text, block.page)
                    break
        else:
            annexes[block.number] = block.text
    return StructureFacts(
        has_foreword=has_foreword,
        foreword_text="\n".join(foreword),
        drafting_sentence=sentence,
        drafting_edition=edition,
        drafting_exact=exact,
        chapters=chapters,
        chapter_titles=titles,
        cover=_cover_facts(doc),
        has_contents=any(isinstance(b, Heading) and b.section == "contents" for b in doc.blocks),
        annexes=annexes,
    )


def _cover_facts(doc: Document) -> CoverFacts:
    lines = [b.text for b in doc.blocks if isinstance(b, Paragraph) and b.section == "cover"]
    number = normalized = replaces = title = english = published = implemented = enterprise = ""
    used: set[int] = set()
    for i, line in enumerate(lines):
        folded = fold_text(line)
        mentions = find_standard_numbers(line)
        if mentions and re.match(r"^\s*代\s*替", folded):
            replaces = replaces or mentions[0].text.strip()
            used.add(i)
            continue
        if (
            mentions
            and not number
            and (folded.replace(" ", "").startswith(fold_text(mentions[0].text).replace(" ", "")))
        ):
            number, normalized = mentions[0].text.strip(), mentions[0].result.normalized or ""
            used.add(i)
            continue
        if match := re.search(_DATE + r"\s*发\s*布", folded):
            published = _iso(match)
            used.add(i)
        if match := re.search(_DATE + r"\s*实\s*施", folded):
            implemented = _iso(match)
            used.add(i)
        if i in used:
            continue
        if match := re.match(r"^(?P<who>.+?)\s*发\s*布$", folded):
            enterprise = enterprise or match["who"].strip()
            used.add(i)
        elif match := re.match(r"^(?P<who>.+?)企业标准$", folded.replace(" ", "")):
            enterprise = enterprise or match["who"]
            used.add(i)
        elif re.match(r"^(?:ICS|CCS|备案号|Q/[A-Z0-9]+$)", folded.replace(" ", "")) or re.fullmatch(
            r"Q/\S+", folded
        ):
            used.add(i)
    for i, line in enumerate(lines):
        if i in used:
            continue
        folded = fold_text(line)
        if not title and re.search(r"[\u4e00-\u9fff]", folded) and "标准" != folded[-2:]:
            title = folded
        elif title and not english and re.fullmatch(r"[A-Za-z][A-Za-z ,.'()-]*", folded):
            english = folded
    return CoverFacts(number, normalized, title, english, published, implemented, enterprise, replaces)


def _iso(match: re.Match[str]) -> str:
    y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}"

"""Checking an uploaded standard text (标准文本): PDF or DOCX, recognised by its content, never by its name.

A PDF starts with `%PDF-`, ends with `%%EOF` (within the last KiB), has a `startxref` pointing into the file and
no `/Encrypt` dictionary. A DOCX is a ZIP holding `[Content_Types].xml` and `word/document.xml` whose content
type is a (macro-free) Word document; every member is read back with its CRC checked, under a bound on member
count and total uncompressed size so that a zip bomb is refused before it is inflated. Anything else — a renamed
executable, a text file, an encrypted or truncated document, an old binary .doc — is refused with a message for
the user.
"""

import hashlib
import re
import zipfile
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _

PDF, DOCX = "pdf", "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Defaults for the zip-bomb bounds; a deployment may set DOCUMENT_MAX_UNCOMPRESSED_BYTES / DOCUMENT_MAX_MEMBERS.
DEFAULT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_MEMBERS = 2000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: an encrypted OOXML package or a legacy .doc
_PDF_TAIL = 1024
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF", re.S)
_PDF_ENCRYPT = re.compile(rb"/Encrypt[\s/<\[\d]")
_PDF_XREF_TARGET = re.compile(rb"xref|\d+\s+\d+\s+obj")
_WORD_MAIN = b"wordprocessingml.document.main+xml"
_CHUNK = 64 * 1024


class DocumentRefused(ValueError):
    """The upload is not an acceptable standard text; str(error) tells the user why."""


@dataclass(frozen=True)
class CheckedDocument:
    kind: str  # PDF or DOCX
    sha256: str
    size: int
    data: bytes

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def max_upload_bytes() -> int:
    return int(settings.MAX_UPLOAD_BYTES)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def read_upload(uploaded_file) -> bytes:
    """The bytes of an uploaded file, refusing one over MAX_UPLOAD_BYTES before reading it into memory."""
    limit = max_upload_bytes()
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise DocumentRefused(
            _("文件大小 %(size)s 超过上限 %(limit)s") % {"size": human_size(size), "limit": human_size(limit)}
        )
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise DocumentRefused(_("文件大小超过上限 %(limit)s") % {"limit": human_size(limit)})
    return data


def check_document(data: bytes) -> CheckedDocument:
    """Recognise `data` as a PDF or a DOCX by its content and check it is whole and unencrypted."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise DocumentRefused(
            _("文件大小 %(size)s 超过上限 %(limit)s")
            % {"size": human_size(len(data)), "limit": human_size(limit)}
        )
    if not data:
        raise DocumentRefused(_("文件是空的"))
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        kind = PDF
    elif data.startswith(b"PK\x03\x04"):
        _check_docx(data)
        kind = DOCX
    elif data.startswith(_OLE2):
        raise DocumentRefused(
            _("这是加密的 Office 文档或旧版 Word(.doc)文件,请另存为未加密的 DOCX 或 PDF 后上传")
        )
    else:
        raise DocumentRefused(
            _("只接受 PDF 或 DOCX 格式的标准文本;该文件的内容不是其中任何一种(与文件名无关)")
        )
    return CheckedDocument(kind=kind, sha256=hashlib.sha256(data).hexdigest(), size=len(data), data=data)


def _check_pdf(data: bytes) -> None:
    tail = data[-_PDF_TAIL:]
    if b"%%EOF" not in tail:
        raise DocumentRefused(_("PDF 文件不完整(缺少文件结束标记 EOF),可能在传输中被截断"))
    matches = list(_STARTXREF.finditer(tail))
    if not matches:
        raise DocumentRefused(_("PDF 文件已损坏(缺少交叉引用表位置 startxref)"))
    offset = int(matches[-1][1])
    # Readers tolerate a slightly wrong offset, so look for the table or stream near it rather than at it.
    if offset >= len(data) or not _PDF_XREF_TARGET.search(data, max(0, offset - 64), offset + 64):
        raise DocumentRefused(_("PDF 文件已损坏(交叉引用表位置无效)"))
    if _PDF_ENCRYPT.search(data):
        raise DocumentRefused(_("PDF 文件已加密,公开的标准文本不得加密,请上传未加密的版本"))


def _check_docx(data: bytes) -> None:
    max_total = int(getattr(settings, "DOCUMENT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES))
    max_members = int(getattr(settings, "DOCUMENT_MAX_MEMBERS", DEFAULT_MAX_MEMBERS))
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise DocumentRefused(_("DOCX 文件已损坏(无法作为 ZIP 包读取)")) from None
    with archive:
        members = archive.infolist()
        if len(members) > max_members:
            raise DocumentRefused(
                _("DOCX 文件包含 %(n)d 个部件,超过上限 %(max)d") % {"n": len(members), "max": max_members}
            )
        declared = sum(info.file_size for info in members)
        if declared > max_total:
            raise DocumentRefused(
                _("DOCX 文件解压后达 %(size)s,超过上限 %(max)s,疑似压缩炸弹")
                % {"size": human_size(declared), "max": human_size(max_total)}
            )
        names = {info.filename for info in members}
        if any(info.flag_bits & 0x1 for info in members):
            raise DocumentRefused(_("DOCX 文件已加密,请上传未加密的版本"))
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise DocumentRefused(
                _("该文件是 ZIP 压缩包,但不是 Word 文档(缺少 [Content_Types].xml 或 word/document.xml)")
            )
        # Inflating every member checks its CRC; zipfile stops at the declared size, which is bounded above.
        contents: dict[str, bytes] = {}
        for info in members:
            try:
                with archive.open(info) as stream:
                    kept = bytearray()
                    while chunk := stream.read(_CHUNK):
                        if info.filename in ("[Content_Types].xml", "word/document.xml"):
                            kept += chunk
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
                raise DocumentRefused(
                    _("DOCX 文件已损坏(部件 %(name)s 无法读取)") % {"name": info.filename[:80]}
                ) from None
            contents[info.filename] = bytes(kept)
    content_types = contents["[Content_Types].xml"]
    if _WORD_MAIN not in content_types:
        if b"macroEnabled" in content_types:
            raise DocumentRefused(_("不接受含宏的 Word 文档(.docm),请另存为 DOCX 或 PDF"))
        raise DocumentRefused(_("该 Office 文件不是 Word 文档(可能是 Excel 或 PowerPoint 文件)"))
    if not contents["word/document.xml"].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise DocumentRefused(_("DOCX 文件已损坏(正文 word/document.xml 不是 XML)"))

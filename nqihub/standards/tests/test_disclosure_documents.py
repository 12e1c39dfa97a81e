"""The standard text is recognised by its content: real PDFs and DOCX files pass; renamed executables, text,
encrypted, truncated, corrupt, oversized and zip-bomb files are refused with a reason."""

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nqihub.standards.documents import DocumentRefused, check_document, read_upload
from tests.matrix.disclosures import DOCX_CONTENT_TYPES, make_docx, make_pdf

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run"
)


def refused(data: bytes) -> str:
    with pytest.raises(DocumentRefused) as excinfo:
        check_document(data)
    return str(excinfo.value)


def test_a_real_pdf_is_accepted_with_its_checksum():
    import hashlib

    data = make_pdf()
    checked = check_document(data)
    assert checked.kind == "pdf" and checked.content_type == "application/pdf"
    assert checked.sha256 == hashlib.sha256(data).hexdigest() and checked.size == len(data)


def test_a_real_docx_is_accepted():
    checked = check_document(make_docx())
    assert checked.kind == "docx"
    assert checked.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (EXE, "只接受 PDF 或 DOCX"),  # an executable renamed to .pdf
        ("这是一个改了扩展名的文本文件。".encode(), "只接受 PDF 或 DOCX"),
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "加密的 Office 文档或旧版 Word"),
    ],
)
def test_content_that_is_neither_pdf_nor_docx(data, reason):
    assert reason in refused(data)


def test_a_truncated_pdf_is_refused():
    assert "不完整" in refused(make_pdf()[:-40])


def test_a_pdf_whose_cross_reference_points_nowhere_is_refused():
    data = make_pdf()
    head, _, tail = data.rpartition(b"startxref\n")
    assert "交叉引用表位置无效" in refused(head + b"startxref\n999999\n%%EOF\n")
    offset = int(tail.split(b"\n")[0])
    assert "交叉引用表位置无效" in refused(data[:offset] + b"garbage!" * 20 + data[offset + 160 :])


def test_an_encrypted_pdf_is_refused():
    data = make_pdf().replace(
        b"trailer\n<< /Size 6 /Root 1 0 R >>", b"trailer\n<< /Size 6 /Root 1 0 R /Encrypt 7 0 R >>"
    )
    assert "已加密" in refused(data)


def test_a_zip_that_is_not_a_word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "不是 Word 文档" in refused(buffer.getvalue())


def test_an_excel_package_and_a_macro_document_are_refused():
    xlsx_types = '<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
    assert "不是 Word 文档" in refused(make_docx(content_types=xlsx_types))
    docm_types = '<Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
    assert "含宏" in refused(make_docx(content_types=docm_types))


def _patch_central_directory(data: bytes, member: str, *, uncompressed: int | None = None) -> bytes:
    """Rewrite a member's uncompressed size in the central directory (what a zip bomb declares)."""
    data = bytearray(data)
    start = 0
    while (at := data.find(b"PK\x01\x02", start)) != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        name = bytes(data[at + 46 : at + 46 + name_length]).decode()
        if name == member and uncompressed is not None:
            struct.pack_into("<I", data, at + 24, uncompressed)
        start = at + 4
    return bytes(data)


def test_a_docx_declaring_a_huge_member_is_refused_before_inflating():
    bomb = _patch_central_directory(make_docx(), "word/document.xml", uncompressed=0x7FFF0000)
    assert "疑似压缩炸弹" in refused(bomb)


def test_a_real_compression_bomb_is_refused(settings):
    settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    buffer = io.BytesIO(make_docx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", b"\0" * (4 * 1024 * 1024))
    assert len(buffer.getvalue()) < 64 * 1024  # 4 MB of zeros compress to a few KB
    assert "疑似压缩炸弹" in refused(buffer.getvalue())


def test_a_member_larger_than_it_declares_is_refused_as_corrupt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("word/document.xml", "<w:document>" + "x" * 5000 + "</w:document>")
    lying = _patch_central_directory(buffer.getvalue(), "word/document.xml", uncompressed=100)
    assert "已损坏" in refused(lying)


def test_too_many_members_are_refused(settings):
    settings.DOCUMENT_MAX_MEMBERS = 5
    buffer = io.BytesIO(make_docx())
    with zipfile.ZipFile(buffer, "a") as archive:
        for n in range(5):
            archive.writestr(f"word/media/{n}.bin", b"x")
    assert "超过上限 5" in refused(buffer.getvalue())


def test_a_corrupt_docx_is_refused():
    data = bytearray(make_docx())
    # Flip bytes inside the compressed body of word/document.xml (the last member written).
    at = data.find(b"word/document.xml") + len("word/document.xml") + 5
    for i in range(at, at + 12):
        data[i] ^= 0xFF
    assert "已损坏" in refused(bytes(data))


def test_an_encrypted_zip_member_is_refused():
    data = bytearray(make_docx())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := data.find(signature, start)) != -1:
            struct.pack_into("<H", data, at + flag_at, struct.unpack_from("<H", data, at + flag_at)[0] | 1)
            start = at + 4
    assert "已加密" in refused(bytes(data))


def test_an_oversized_upload_is_refused_before_it_is_read(settings):
    settings.MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("big.pdf", make_pdf() + b"%" * 2000, content_type="application/pdf")
    with pytest.raises(DocumentRefused, match="超过上限"):
        read_upload(upload)
    assert "超过上限" in refused(make_pdf() + b"%" * 2000)


def test_read_upload_returns_the_bytes():
    data = make_docx()
    assert read_upload(SimpleUploadedFile("a.docx", data)) == data

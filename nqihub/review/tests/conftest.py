"""Fixtures of the review tests: generated standards (DOCX and PDF) and hand-made documents, good and bad."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest

from nqihub.review.docgen import DocumentSpec, make_standard, standard_content

# Small documents keep the suite fast; the benchmark covers 20–40 pages.
SMALL = DocumentSpec(n_indicators=20, target_pages=11, seed=7)


@pytest.fixture(scope="session")
def generated() -> Callable[[DocumentSpec], tuple[bytes, object]]:
    """`generated(spec)` → (file bytes, StandardContent), cached per spec for the session."""
    cache: dict[DocumentSpec, tuple[bytes, object]] = {}

    def build(spec: DocumentSpec) -> tuple[bytes, object]:
        if spec not in cache:
            cache[spec] = (make_standard(spec), standard_content(spec))
        return cache[spec]

    return build


@pytest.fixture(scope="session")
def parsed(generated):
    """`parsed(spec)` → (Document, StandardContent), read in process and cached for the session."""
    from nqihub.review.intake import read_document

    cache: dict[DocumentSpec, tuple[object, object]] = {}

    def read(spec: DocumentSpec) -> tuple[object, object]:
        if spec not in cache:
            data, content = generated(spec)
            cache[spec] = (
                read_document(data, f"standard.{spec.format}", max_bytes=50 * 2**20, isolate=False),
                content,
            )
        return cache[spec]

    return read


@pytest.fixture(scope="session")
def small_docx(generated):
    return generated(replace(SMALL, format="docx"))


@pytest.fixture(scope="session")
def small_pdf(generated):
    return generated(replace(SMALL, format="pdf"))


# --- hand-made DOCX -------------------------------------------------------------------------------------------


def docx_bytes(build: Callable[[object], None]) -> bytes:
    """A DOCX made with python-docx: `build(document)` adds the content."""
    from docx import Document

    document = Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_table(
    document, rows: Sequence[Sequence[str]], merges: Sequence[tuple[int, int, int, int]] = ()
) -> None:
    """A ruled table; `merges` are (row0, col0, row1, col1) areas merged into one cell (text from row0/col0)."""
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = "Table Grid"
    covered = {
        (r, c)
        for r0, c0, r1, c1 in merges
        for r in range(r0, r1 + 1)
        for c in range(c0, c1 + 1)
        if (r, c) != (r0, c0)
    }
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) not in covered:
                table.cell(r, c).text = text
    for r0, c0, r1, c1 in merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def set_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size a ZIP declares for `member` (local and central headers): a lying header."""
    raw = bytearray(data)
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        for match in re.finditer(re.escape(signature), bytes(raw)):
            start = match.start()
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if raw[name_at : name_at + len(name)] == name:
                raw[start + offset : start + offset + 4] = size.to_bytes(4, "little")
    return bytes(raw)


# --- hand-made PDF --------------------------------------------------------------------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(
    user_password: bytes, owner_password: bytes = b"owner", text: str = "Q/SLSP 0001-2025"
) -> bytes:
    """A one-page PDF encrypted with the PDF standard security handler (RC4, 40-bit, revision 2), built by
    hand so that no PDF-writing library is needed; an empty user password opens it without asking."""
    file_id = hashlib.md5(b"nqihub-test").digest()
    permissions = -44  # printing and copying denied
    o_key = hashlib.md5((owner_password + _PAD)[:32]).digest()[:5]
    o_entry = _rc4(o_key, (user_password + _PAD)[:32])
    key = hashlib.md5(
        (user_password + _PAD)[:32] + o_entry + permissions.to_bytes(4, "little", signed=True) + file_id
    ).digest()[:5]
    u_entry = _rc4(key, _PAD)

    def seal(number: int, data: bytes) -> bytes:
        object_key = hashlib.md5(key + number.to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]
        return _rc4(object_key, data)

    content = seal(4, f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + o_entry.hex().encode()
        + b"> /U <"
        + u_entry.hex().encode()
        + b"> /P "
        + str(permissions).encode()
        + b" >>",
    ]
    return _assemble_pdf(
        objects,
        trailer_extra=b"/Encrypt 6 0 R /ID [<"
        + file_id.hex().encode()
        + b"> <"
        + file_id.hex().encode()
        + b">]",
    )


def _assemble_pdf(objects: Sequence[bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R " + trailer_extra + b" >>\n"
    )
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def html_pdf(body: str) -> bytes:
    """A PDF rendered by WeasyPrint from an HTML fragment, in the font the generated standards use."""
    from weasyprint import HTML

    page = (
        "<html><head><meta charset='utf-8'><style>@page { size: A4; margin: 25mm 20mm 20mm 25mm }"
        "body { font-family: 'Noto Sans CJK SC'; font-size: 10.5pt; line-height: 1.5 }"
        "p { margin: 0; text-indent: 2em; text-align: justify } h1, h2 { font-size: 10.5pt; margin: 0.4em 0 }"
        "td { border: 0.75pt solid black; padding: 1mm } table { border-collapse: collapse; width: 100% }"
        f"</style></head><body>{body}</body></html>"
    )
    return HTML(string=page).write_pdf()

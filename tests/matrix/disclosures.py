"""Permission-matrix rows of the enterprise self-declaration pages and API (nqihub.standards.urls).

Each check builds four disclosures — the inside enterprise's published one and draft, the outside enterprise's
published one and draft — and compares what every role gets with the expectations written out here by hand
(independently of nqihub/standards/scopes.py): the public and every reading role see published disclosures,
never drafts; a regulator only its county's; enterprise staff their own enterprise's in every state; only
enterprise staff change anything, and only their own drafts.
"""

import tempfile
from dataclasses import dataclass, field

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from .kinds import Endpoint, login

Y, N = True, False
ROWS_ORDER = ("in_pub", "in_draft", "out_pub", "out_draft")
# role → which of (inside published, inside draft, outside published, outside draft) it reads; None: no access.
SEE = {
    "public": (Y, N, Y, N),
    "enterprise": (Y, Y, N, N),
    "institution": (Y, N, Y, N),
    "expert": (Y, N, Y, N),
    "regulator": (Y, N, N, N),
    "admin": (Y, N, Y, N),
    "auditor": None,
}
# Only enterprise staff write, and only their own enterprise's drafts.
WRITERS = {"enterprise"}
TITLES = {
    "in_pub": "矩阵阳朔公开标准",
    "in_draft": "矩阵阳朔草稿标准",
    "out_pub": "矩阵临桂公开标准",
    "out_draft": "矩阵临桂草稿标准",
}


# --- builders shared with the disclosure tests ---------------------------------------------------------------


def catalogue_standard(number: str = "GB/T 1.1-2020", **fields):
    """The catalogue row with this number (the shipped sample has GB/T 1.1-2000/2009/2020), created if missing."""
    from nqihub.engines import stdnum
    from nqihub.standards.models import CatalogueStandard

    parsed = stdnum.parse(number).standard
    defaults = {
        "number": number,
        "base_number": f"{parsed.code} {parsed.number}",
        "family": parsed.family,
        "nature": parsed.nature or "",
        "title_zh": "标准化工作导则 第1部分:标准化文件的结构和起草规则",
        "status": "current",
    } | fields
    row, _ = CatalogueStandard.objects.get_or_create(normalized_number=parsed.normalized, defaults=defaults)
    return row


def disclosure(enterprise, *, state="disclosed", title="测试企业标准", number="Q/YSTC 0001-2025", **fields):
    """A disclosure row written directly (not through the services), with one product and one indicator."""
    from nqihub.standards.models import Disclosure

    published = state != "draft"
    d = Disclosure.objects.create(
        enterprise=enterprise,
        region_code=enterprise.region_code,
        kind=fields.pop("kind", "enterprise"),
        standard_number=number,
        normalized_number=number,
        title=title,
        state=state,
        disclosed_at=timezone.now() if published else None,
        **fields,
    )
    d.products.create(name=f"{title}产品", model="M-1", category_code="3074")
    d.indicators.create(name="铅溶出量", requirement="≤0.5 mg/L", test_method="GB/T 3534")
    return d


def world_disclosures(world) -> dict:
    """Four disclosures: inside / outside enterprise × published / draft (numbers differ per row)."""
    rows = {}
    for key, enterprise, state, n in (
        ("in_pub", world.inside["enterprise"], "disclosed", 1),
        ("in_draft", world.inside["enterprise"], "draft", 2),
        ("out_pub", world.outside["enterprise"], "disclosed", 3),
        ("out_draft", world.outside["enterprise"], "draft", 4),
    ):
        rows[key] = disclosure(enterprise, state=state, title=TITLES[key], number=f"Q/MTX 000{n}-2025")
    return rows


def make_pdf(text: str = "Q/YSTC 0001-2025") -> bytes:
    """A small valid one-page PDF, written by hand with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)


def make_docx(
    paragraphs=("Q/YSTC 0001-2025 日用陶瓷餐具", "1 范围"), *, content_types=DOCX_CONTENT_TYPES
) -> bytes:
    """A minimal valid Word document (the three parts Word itself needs), built with zipfile."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", DOCX_RELS),
            ("word/document.xml", document),
        ):
            # A fixed timestamp: the same paragraphs always give the same bytes (and the same SHA-256).
            archive.writestr(
                zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def _attach(d, name="standard.pdf"):
    from django.core.files.base import ContentFile

    d.document.save(name, ContentFile(make_pdf()), save=False)
    d.document_name, d.document_type = name, "pdf"
    d.save()


# --- helpers -------------------------------------------------------------------------------------------------


def _denied(response, role, api=False) -> bool:
    if role == "public" and not api:
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code == 403


def _sees(role) -> dict[str, bool] | None:
    grants = SEE[role]
    return None if grants is None else dict(zip(ROWS_ORDER, grants, strict=True))


# --- row kinds -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisclosureList(Endpoint):
    def check(self, client, world, role, name):
        world_disclosures(world)
        login(client, world, role)
        response = client.get(reverse(name))
        sees = _sees(role)
        if sees is None:
            assert _denied(response, role), response.status_code
            return
        assert response.status_code == 200
        html = response.content.decode()
        for key, visible in sees.items():
            assert (TITLES[key] in html) == visible, (key, visible)


@dataclass(frozen=True)
class DisclosureRead(Endpoint):
    """The detail page and the text download: 200 for a row the role reads, 404 for one it does not."""

    document: bool = False

    def check(self, client, world, role, name):
        with override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nqihub-matrix-")):
            rows = world_disclosures(world)
            if self.document:
                for d in rows.values():
                    _attach(d)
            login(client, world, role)
            sees = _sees(role)
            for key, d in rows.items():
                response = client.get(reverse(name, args=[d.pk]))
                if sees is None:
                    assert _denied(response, role), (key, response.status_code)
                    continue
                assert response.status_code == (200 if sees[key] else 404), (key, response.status_code)
                if sees[key] and not self.document:
                    assert TITLES[key] in response.content.decode()
                if sees[key] and self.document:
                    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@dataclass(frozen=True)
class DisclosureCreate(Endpoint):
    def check(self, client, world, role, name):
        from nqihub.standards.models import Disclosure

        login(client, world, role)
        response = client.get(reverse(name))
        data = {"kind": "enterprise", "number": "Q/MTXN 0009-2025", "title": "矩阵新建企业标准"}
        posted = client.post(reverse(name), data)
        created = Disclosure.objects.filter(title="矩阵新建企业标准")
        if role in WRITERS:
            assert response.status_code == 200
            assert posted.status_code == 302, posted.status_code
            assert created.get().enterprise == world.inside["enterprise"]
            assert created.get().state == "draft"
        else:
            assert _denied(response, role), response.status_code
            assert _denied(posted, role), posted.status_code
            assert not created.exists()


@dataclass(frozen=True)
class DraftPage(Endpoint):
    """A page that changes a draft: the owner's staff open it on their draft (200) and get 404 on another
    enterprise's; every other role is refused. `bad` is a POST that must be refused with 400, changing nothing
    (None: the POST succeeds with a redirect, e.g. deleting a row)."""

    item: str = ""  # "product" / "indicator": the URL names a row of the disclosure
    bad: dict | None = field(default_factory=dict)

    def url(self, name, d):
        if self.item == "product":
            return reverse(name, args=[d.pk, d.products.get().pk])
        if self.item == "indicator":
            return reverse(name, args=[d.pk, d.indicators.get().pk])
        return reverse(name, args=[d.pk])

    def check(self, client, world, role, name):
        from nqihub.core.models import AuditEvent
        from nqihub.standards.models import Disclosure

        rows = world_disclosures(world)
        login(client, world, role)
        inside, outside = rows["in_draft"], rows["out_draft"]
        events = AuditEvent.objects.count()
        for d in (inside, outside):
            url = self.url(name, d)
            got, posted = client.get(url), client.post(url, self.bad or {})
            if role not in WRITERS:
                assert _denied(got, role), (d, got.status_code)
                assert _denied(posted, role), (d, posted.status_code)
            elif d is outside:
                assert got.status_code == 404 and posted.status_code == 404, (
                    got.status_code,
                    posted.status_code,
                )
            else:
                assert got.status_code == 200, got.status_code
                assert posted.status_code == (400 if self.bad is not None else 302), posted.status_code
        if role not in WRITERS or self.bad is not None:
            assert AuditEvent.objects.count() == events  # nothing was written
            assert Disclosure.objects.get(pk=outside.pk).products.count() == 1


@dataclass(frozen=True)
class ApiList(Endpoint):
    def check(self, client, world, role, name):
        from nqihub.standards.models import Disclosure

        rows = world_disclosures(world)
        login(client, world, role)
        response = client.get(reverse(name))
        sees = _sees(role)
        if sees is None:
            assert response.status_code == 403
        else:
            assert response.status_code == 200
            ids = {row["id"] for row in response.json()["results"]}
            for key, visible in sees.items():
                assert (rows[key].pk in ids) == visible, key
        payload = {"kind": "enterprise", "number": "Q/MTXA 0008-2025", "title": "矩阵接口企业标准"}
        response = client.post(reverse(name), payload, content_type="application/json")
        assert response.status_code == (201 if role in WRITERS else 403), response.content[:300]
        assert Disclosure.objects.filter(title="矩阵接口企业标准").exists() == (role in WRITERS)


@dataclass(frozen=True)
class ApiDetail(Endpoint):
    def check(self, client, world, role, name):
        rows = world_disclosures(world)
        login(client, world, role)
        sees = _sees(role)
        for key, d in rows.items():
            response = client.get(reverse(name, args=[d.pk]))
            if sees is None:
                assert response.status_code == 403
            else:
                assert response.status_code == (200 if sees[key] else 404), (key, response.status_code)
        for key, expected in (("in_draft", 200), ("out_draft", 404), ("out_pub", 404)):
            response = client.patch(
                reverse(name, args=[rows[key].pk]), {"title": "矩阵改名"}, content_type="application/json"
            )
            assert response.status_code == (expected if role in WRITERS else 403), (key, response.status_code)


@dataclass(frozen=True)
class ApiAction(Endpoint):
    """A POST sub-route on one disclosure: `inside` is what the owner gets on its own draft."""

    inside: int
    payload: dict | None = None
    on: str = "in_draft"

    def check(self, client, world, role, name):
        rows = world_disclosures(world)
        login(client, world, role)
        with override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nqihub-matrix-")):
            for key in ("out_draft", "out_pub", self.on):
                response = client.post(
                    reverse(name, args=[rows[key].pk]),
                    self.payload or {},
                    **(
                        {}
                        if self.payload and "document" in self.payload
                        else {"content_type": "application/json"}
                    ),
                )
                if role not in WRITERS:
                    expected = 403
                else:
                    expected = self.inside if key == self.on else 404
                assert response.status_code == expected, (key, response.status_code, response.content[:300])


def _pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("text.pdf", make_pdf(), content_type="application/pdf")


@dataclass(frozen=True)
class ApiDocument(ApiAction):
    def check(self, client, world, role, name):
        rows = world_disclosures(world)
        login(client, world, role)
        with override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nqihub-matrix-")):
            for key in ("out_draft", "out_pub", "in_draft"):
                response = client.post(reverse(name, args=[rows[key].pk]), {"document": _pdf_upload()})
                if role not in WRITERS:
                    expected = 403
                else:
                    expected = 200 if key == "in_draft" else 404
                assert response.status_code == expected, (key, response.status_code, response.content[:300])


P = "standards:disclosure"
ROWS: dict[str, Endpoint] = {
    f"{P}_list": DisclosureList(),
    f"{P}_detail": DisclosureRead(),
    f"{P}_document": DisclosureRead(document=True),
    f"{P}_create": DisclosureCreate(),
    f"{P}_edit": DraftPage(bad={"number": "", "title": ""}),
    f"{P}_product_add": DraftPage(bad={"name": "", "model": "", "category_code": "9999"}),
    f"{P}_product_edit": DraftPage(item="product", bad={"name": "杯", "model": "X", "gtin": "12345"}),
    f"{P}_product_delete": DraftPage(item="product", bad=None),
    f"{P}_indicator_add": DraftPage(bad={"name": "", "requirement": ""}),
    f"{P}_indicator_edit": DraftPage(item="indicator", bad={"name": "", "requirement": "≤1"}),
    f"{P}_indicator_delete": DraftPage(item="indicator", bad=None),
    f"{P}_document_upload": DraftPage(bad={}),
    f"{P}_document_delete": DraftPage(bad=None),
    f"{P}_commitment": DraftPage(bad={"signatory": "", "role": "boss"}),
    f"{P}_disclose": DraftPage(bad={}),  # the draft has no commitment: refused, each missing item named
    f"{P}_revise": DraftPage(bad={}),  # a draft cannot be revised
    f"{P}_abolish": DraftPage(bad={}),  # nor abolished
    f"{P}_discard": DraftPage(bad=None),
    f"{P}-api-list": ApiList(),
    f"{P}-api-detail": ApiDetail(),
    f"{P}-api-products": ApiAction(201, {"name": "矩阵杯", "model": "B-1", "category_code": "3074"}),
    f"{P}-api-indicators": ApiAction(
        201, {"name": "吸水率", "requirement": "≤0.5%", "test_method": "GB/T 3299"}
    ),
    f"{P}-api-document": ApiDocument(200),
    f"{P}-api-commitment": ApiAction(200, {"signatory": "张三", "role": "authorised"}),
    f"{P}-api-disclose": ApiAction(400),  # the draft has no commitment
    f"{P}-api-revise": ApiAction(201, on="in_pub"),
    f"{P}-api-abolish": ApiAction(200, on="in_pub"),
    f"{P}-api-discard": ApiAction(204),
}

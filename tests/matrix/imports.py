"""Permission-matrix rows of staged import and export: importers of enterprises are those who may add enterprises;
an expert imports the advanced-standard database only, so reaches the import pages but not enterprise imports nor
another user's session; a session is seen by its uploader (and the platform admin); an export holds exactly the
rows the role may view."""

from dataclasses import dataclass

from django.urls import reverse

from nqihub.testing import COUNTY, OTHER_COUNTY, uscc

from .kinds import ADD, VIEW, Endpoint, N, denied, login

IMPORTERS = {"regulator", "admin"}
# Roles that import some other kind: the world's expert maintains the advanced-standard database ("advanced").
OTHER_IMPORTERS = {"expert"}
EXPORT_KINDS = {"enterprise": "enterprises", "institution": "institutions", "expert": "experts"}


def _import_csv(*rows) -> bytes:
    lines = ["企业名称,统一社会信用代码,行政区划代码"] + [",".join(r) for r in rows]
    return "\n".join(lines).encode("gb18030")


@dataclass(frozen=True)
class ImportPage(Endpoint):
    """kind: list | create | session | row | commit."""

    kind: str = "session"

    def check(self, client, world, role, name):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from nqihub.core.models import Role
        from nqihub.imports.models import ImportSession
        from nqihub.imports.services import stage_upload
        from nqihub.testing import user

        session = stage_upload(
            world.users["regulator"],
            "enterprises",
            "matrix.csv",
            _import_csv(("矩阵导入企业", uscc(COUNTY), COUNTY), ("矩阵错误行", "123", COUNTY)),
        )
        args = {
            "list": [],
            "create": ["enterprises"],
            "session": [session.pk],
            "commit": [session.pk],
            "row": [session.pk, session.rows.get(row_number=3).pk],
        }[self.kind]
        url = reverse(name, args=args)
        fetch = client.post if self.kind == "commit" else client.get
        login(client, world, role)
        response = fetch(url)
        if role in OTHER_IMPORTERS:
            # the list is theirs; enterprise imports are refused; the regulator's session is not found
            expected = {"list": 200, "create": 403}.get(self.kind, 404)
            assert response.status_code == expected, response.status_code
            return
        if role not in IMPORTERS:
            assert denied(response, role), response.status_code
            return
        assert response.status_code == (302 if self.kind == "commit" else 200), response.status_code
        if self.kind == "create":  # a row outside the jurisdiction is a row error, not a write
            inside, outside = ADD["enterprise"][role]
            data = _import_csv(
                (f"矩阵导入{role}甲", uscc(COUNTY), COUNTY),
                (f"矩阵导入{role}乙", uscc(OTHER_COUNTY), OTHER_COUNTY),
            )
            response = client.post(url, {"file": SimpleUploadedFile("m.csv", data)})
            assert response.status_code == 302
            staged = ImportSession.objects.latest("pk")
            assert [r.status == "pending" for r in staged.rows.order_by("row_number")] == [inside, outside]
        if self.kind in ("session", "row", "commit"):  # another regulator of the same county: not found
            client.force_login(user(f"t_regulator_{self.kind}", Role.REGULATOR, region_code=COUNTY))
            assert fetch(url).status_code == 404


@dataclass(frozen=True)
class ExportFile(Endpoint):
    def check(self, client, world, role, name):
        login(client, world, role)
        for model, kind in EXPORT_KINDS.items():
            response = client.get(reverse(name, args=[kind, "csv"]))
            inside, outside = VIEW[model].get(role, (N, N))
            if not (inside or outside):
                assert denied(response, role), (model, response.status_code)
                continue
            assert response.status_code == 200
            text = response.content.decode("utf-8-sig")
            assert (world.inside[model].name in text) == inside, model
            assert (world.outside[model].name in text) == outside, model


ROWS = {
    "imports:session_list": ImportPage(kind="list"),
    "imports:session_create": ImportPage(kind="create"),
    "imports:session_detail": ImportPage(kind="session"),
    "imports:row_edit": ImportPage(kind="row"),
    "imports:session_commit": ImportPage(kind="commit"),
    "imports:error_report": ImportPage(kind="session"),
    "imports:export": ExportFile(),
}

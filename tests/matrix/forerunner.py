"""Permission-matrix rows of the forerunner pages and API (nqihub.forerunner.urls).

Each check builds, directly in the database: a key area; four schemes — the inside institution's published one and
draft, the outside institution's published one and draft (both institutions made 标准化 evaluators); a ranking of
each published scheme; four shortlisted standards — of the inside enterprise in the inside scheme, one still
shortlisted and one in notice, and the same two of the outside enterprise in the outside scheme; an open notice per
published scheme with one objection; a commitment letter uploaded for each shortlisted one; a list per published
scheme. What every role gets is written out here by hand (independently of nqihub/forerunner/scopes.py):

- everyone reads key areas, published schemes, rankings, notices and lists, and may object during a notice (on
  its page and through the API);
- a shortlisted standard is public from its notice on; before that its enterprise, its evaluator and the
  administrator see it; commitment letters only the enterprise, the evaluator and the administrator;
- only the administrator edits key areas; only the evaluator (staff of the institution that files the scheme)
  edits its schemes and runs everything after; only the enterprise uploads and submits its commitment.

"L" is the login redirect of the public on a page it may not open, 403 another role's refusal.
"""

import datetime
import tempfile
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from .disclosures import disclosure, make_pdf
from .kinds import Endpoint, login

L = "L"
ROLES = ("public", "enterprise", "institution", "expert", "regulator", "admin", "auditor")
READERS = ("public", "expert", "regulator", "auditor")
CORE = [
    ("铅溶出量", "≤0.8 mg/L", "mg/L", [("先进", "0.5"), ("领先", "0.3"), ("领跑", "0.2")]),
    ("镉溶出量", "≤0.07 mg/L", "mg/L", [("先进", "0.05"), ("领跑", "0.03")]),
    ("白度", "≥65", "度", [("先进", "70"), ("领先", "75"), ("领跑", "80")]),
]
TITLES = {
    "in_pub": "矩阵阳朔领跑方案",
    "in_draft": "矩阵阳朔草稿方案",
    "out_pub": "矩阵临桂领跑方案",
    "out_draft": "矩阵临桂草稿方案",
}
ENTRY_TITLES = {
    "in_short": "矩阵阳朔入围甲",
    "in_notice": "矩阵阳朔公示乙",
    "out_short": "矩阵临桂入围丙",
    "out_notice": "矩阵临桂公示丁",
}


def world_forerunner(world) -> dict:
    """The rows above; returns name → row."""
    from nqihub.forerunner.models import (
        EntryDocument,
        EntryState,
        EvaluationScheme,
        ForerunnerList,
        KeyArea,
        Notice,
        Objection,
        RankingRun,
        SchemeIndicator,
        ShortlistEntry,
    )
    from nqihub.registry.models import Institution

    inside, outside = world.inside["institution"], world.outside["institution"]
    Institution.objects.filter(pk__in=[inside.pk, outside.pk]).update(kind="standardisation")
    inside.refresh_from_db()
    world.users["institution"].institution = inside
    area = KeyArea.objects.create(year=2026, name="矩阵日用陶瓷", category_codes="3074")
    rows: dict = {"area": area}
    now, today = timezone.now(), timezone.localdate()
    for key, org, state in (
        ("in_pub", inside, "published"),
        ("in_draft", inside, "draft"),
        ("out_pub", outside, "published"),
        ("out_draft", outside, "draft"),
    ):
        scheme = EvaluationScheme.objects.create(
            key_area=area,
            evaluator=org,
            region_code=org.region_code,
            title=TITLES[key],
            category_code="3074",
            state=state,
            top_n=3,
            published_at=now if state == "published" else None,
        )
        for n, (name, requirement, unit, tiers) in enumerate(CORE):
            rows[f"ind_{key}"] = SchemeIndicator.objects.create(
                scheme=scheme,
                role="core",
                name=name,
                requirement=requirement,
                unit=unit,
                tiers=[{"name": t, "bound": b} for t, b in tiers],
                position=n,
            )
        rows[key] = scheme
    for side in ("in", "out"):
        scheme = rows[f"{side}_pub"]
        enterprise = world.inside["enterprise"] if side == "in" else world.outside["enterprise"]
        run = RankingRun.objects.create(scheme=scheme, candidates=2, eligible=2, shortlisted=2, indicators=[])
        notice = Notice.objects.create(
            scheme=scheme,
            starts_on=today - datetime.timedelta(days=1),
            ends_on=today + datetime.timedelta(days=9),
        )
        listing = ForerunnerList.objects.create(
            scheme=scheme,
            title=f"{TITLES[f'{side}_pub']}名单",
            valid_from=today,
            valid_until=today + datetime.timedelta(days=365),
        )
        rows[f"run_{side}"], rows[f"notice_{side}"], rows[f"list_{side}"] = run, notice, listing
        for n, stage in enumerate(("short", "notice")):
            key = f"{side}_{stage}"
            d = disclosure(
                enterprise, title=ENTRY_TITLES[key], number=f"Q/MTXF 00{n}{1 if side == 'in' else 2}-2025"
            )
            rows[key] = ShortlistEntry.objects.create(
                scheme=scheme,
                run=run,
                disclosure=d,
                enterprise=enterprise,
                region_code=enterprise.region_code,
                score=90 - n,
                levels={},
                state=EntryState.SHORTLISTED if stage == "short" else EntryState.IN_NOTICE,
                notice=notice if stage == "notice" else None,
            )
        rows[f"objection_{side}"] = Objection.objects.create(
            notice=notice,
            entry=rows[f"{side}_notice"],
            name="矩阵异议人",
            contact="13800000000",
            reason="矩阵异议理由",
        )
        document = EntryDocument(
            entry=rows[f"{side}_short"],
            kind="commitment",
            name="承诺书.pdf",
            file_type="pdf",
            sha256="0" * 64,
            size=1,
        )
        document.file.save("commitment.pdf", ContentFile(make_pdf()), save=True)
        rows[f"doc_{side}"] = document
    return rows


def _status(response) -> int | str:
    if response.status_code == 302 and "/accounts/login/" in response.get("Location", ""):
        return L
    return response.status_code


def _refused(role: str) -> int | str:
    return L if role == "public" else 403


@dataclass(frozen=True)
class Hit(Endpoint):
    """Requests to one URL per row; `expect` maps a role to the status per row (a role missing is refused:
    the login page for the public, 403 for the others). `data` is the POST body (None: GET)."""

    rows: tuple[str, ...]
    expect: dict = field(default_factory=dict)
    data: dict | None = None
    upload: bool = False
    args: str = "pk"  # "pk": the row's pk; "scheme_item": the indicator's scheme and the indicator

    def url(self, name, row):
        if self.args == "scheme_item":
            return reverse(name, args=[row.scheme_id, row.pk])
        return reverse(name, args=[row.pk])

    def check(self, client, world, role, name):
        with override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nqihub-matrix-")):
            rows = world_forerunner(world)
            login(client, world, role)
            expected = self.expect.get(role, (_refused(role),) * len(self.rows))
            got = []
            for key in self.rows:
                url = self.url(name, rows[key])
                if self.data is None:
                    response = client.get(url)
                else:
                    body = dict(self.data)
                    if self.upload:
                        body["file"] = SimpleUploadedFile(
                            "报告.pdf", make_pdf(), content_type="application/pdf"
                        )
                    response = client.post(url, body)
                got.append(_status(response))
            assert tuple(got) == tuple(expected), (role, self.rows, got, expected)


@dataclass(frozen=True)
class Page(Endpoint):
    """A public page or export about one row: 200 for everyone; `missing` rows are 404 for everyone."""

    rows: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    xlsx: bool = False

    def check(self, client, world, role, name):
        rows = world_forerunner(world)
        login(client, world, role)
        for key in self.rows:
            response = client.get(reverse(name, args=[rows[key].pk]))
            assert response.status_code == 200, (key, response.status_code)
            if self.xlsx:
                assert response.content.startswith(b"PK"), key
        for key in self.missing:
            assert client.get(reverse(name, args=[rows[key].pk])).status_code == 404, key


@dataclass(frozen=True)
class Home(Endpoint):
    def check(self, client, world, role, name):
        world_forerunner(world)
        login(client, world, role)
        html = client.get(reverse(name)).content.decode()
        assert TITLES["in_pub"] in html and TITLES["out_pub"] in html
        assert TITLES["in_draft"] not in html and TITLES["out_draft"] not in html


@dataclass(frozen=True)
class Listing(Endpoint):
    """A page listing rows the role acts on: `sees` maps a role to the titles it shows (others are refused)."""

    sees: dict = field(default_factory=dict)
    titles: dict = field(default_factory=dict)

    def check(self, client, world, role, name):
        world_forerunner(world)
        login(client, world, role)
        response = client.get(reverse(name))
        if role not in self.sees:
            assert _status(response) == _refused(role), response.status_code
            return
        assert response.status_code == 200
        html = response.content.decode()
        shown = {key for key, title in self.titles.items() if title in html}
        assert shown == set(self.sees[role]), (role, shown)


@dataclass(frozen=True)
class NoticePage(Endpoint):
    """Everybody reads a notice and may object to an entry in it (a valid objection is stored, 302)."""

    def check(self, client, world, role, name):
        from nqihub.forerunner.models import Objection

        rows = world_forerunner(world)
        login(client, world, role)
        notice = rows["notice_out"]
        assert client.get(reverse(name, args=[notice.pk])).status_code == 200
        before = Objection.objects.count()
        data = {
            "entry": rows["out_notice"].pk,
            "name": "张三",
            "contact": "13900000000",
            "reason": "样品与型号不符",
        }
        response = client.post(reverse(name, args=[notice.pk]), data)
        assert response.status_code == 302, response.status_code
        assert Objection.objects.count() == before + 1
        # An entry not in this notice is not a choice: refused next to the field, nothing stored.
        bad = client.post(reverse(name, args=[notice.pk]), {**data, "entry": rows["in_notice"].pk})
        assert bad.status_code == 400 and Objection.objects.count() == before + 1


@dataclass(frozen=True)
class Create(Endpoint):
    """GET the form and POST a valid row: only `role` may, and the row then exists."""

    role: str
    data: dict = field(default_factory=dict)
    model: str = ""
    lookup: dict = field(default_factory=dict)

    def check(self, client, world, role, name):
        from django.apps import apps

        rows = world_forerunner(world)
        login(client, world, role)
        data = {
            k: (rows[v[1:]].pk if isinstance(v, str) and v.startswith("@") else v)
            for k, v in self.data.items()
        }
        got, posted = client.get(reverse(name)), client.post(reverse(name), data)
        created = apps.get_model("forerunner", self.model).objects.filter(**self.lookup).exists()
        if role == self.role:
            assert got.status_code == 200 and posted.status_code == 302, (got.status_code, posted.status_code)
            assert created
        else:
            assert _status(got) == _refused(role) and _status(posted) == _refused(role)
            assert not created


@dataclass(frozen=True)
class Api(Endpoint):
    """The public API: every role reads the published rows, never a draft scheme."""

    kind: str = "scheme"
    detail: bool = False

    def check(self, client, world, role, name):
        rows = world_forerunner(world)
        login(client, world, role)
        if self.kind == "scheme":
            shown, hidden = ("in_pub", "out_pub"), ("in_draft", "out_draft")
        else:
            shown, hidden = ("list_in", "list_out"), ()
        if self.detail:
            for key in shown:
                assert client.get(reverse(name, args=[rows[key].pk])).status_code == 200
            for key in hidden:
                assert client.get(reverse(name, args=[rows[key].pk])).status_code == 404
            return
        response = client.get(reverse(name))
        assert response.status_code == 200
        ids = {row["id"] for row in response.json()["results"]}
        assert {rows[k].pk for k in shown} <= ids and not ({rows[k].pk for k in hidden} & ids)
        assert client.post(reverse(name), {}, content_type="application/json").status_code in (403, 405)


@dataclass(frozen=True)
class NoticeApi(Endpoint):
    """The public notice API: every role reads both notices with their public entries (never one still only
    shortlisted), and may object to an entry of an open notice (201); an entry not in the notice is a 400 naming
    the field, and nothing is stored."""

    kind: str = "list"  # "list", "detail" or "objections"

    def check(self, client, world, role, name):
        from django.core.cache import cache

        from nqihub.forerunner.models import Objection

        cache.clear()  # the objection rate limit counts in the cache
        rows = world_forerunner(world)
        login(client, world, role)
        notices = (rows["notice_in"], rows["notice_out"])
        if self.kind == "list":
            response = client.get(reverse(name))
            assert response.status_code == 200
            found = {row["id"]: row for row in response.json()["results"]}
            assert {n.pk for n in notices} <= set(found)
            titles = {e["title"] for n in notices for e in found[n.pk]["entries"]}
            assert titles == {ENTRY_TITLES["in_notice"], ENTRY_TITLES["out_notice"]}, titles
            assert client.post(reverse(name), {}, content_type="application/json").status_code in (403, 405)
            return
        if self.kind == "detail":
            for notice in notices:
                assert client.get(reverse(name, args=[notice.pk])).status_code == 200
            return
        before = Objection.objects.count()
        data = {
            "entry": rows["out_notice"].pk,
            "name": "张三",
            "contact": "13900000000",
            "reason": "样品与型号不符",
        }
        url = reverse(name, args=[rows["notice_out"].pk])
        response = client.post(url, data, content_type="application/json")
        assert response.status_code == 201, (response.status_code, response.content)
        bad = client.post(url, {**data, "entry": rows["in_notice"].pk}, content_type="application/json")
        assert bad.status_code == 400 and "entry" in bad.json()
        assert Objection.objects.count() == before + 1


ENTRIES = ("in_short", "in_notice", "out_short", "out_notice")
# role → which of ENTRIES its detail page shows (200) or not (404).
ENTRY_SEE = {
    "public": (404, 200, 404, 200),
    "enterprise": (200, 200, 404, 404),
    "institution": (200, 200, 404, 404),
    "expert": (404, 200, 404, 200),
    "regulator": (404, 200, 404, 200),
    "admin": (200, 200, 200, 200),
    "auditor": (404, 200, 404, 200),
}
EVALUATOR_ONLY = "institution"
P = "forerunner:"
ROWS: dict[str, Endpoint] = {
    # public pages
    f"{P}home": Home(),
    f"{P}key_area_detail": Page(rows=("area",)),
    f"{P}scheme_detail": Page(rows=("in_pub", "out_pub"), missing=("in_draft", "out_draft")),
    f"{P}ranking_detail": Page(rows=("run_in", "run_out")),
    f"{P}ranking_export": Page(rows=("run_in", "run_out"), xlsx=True),
    f"{P}notice_detail": NoticePage(),
    f"{P}list_detail": Page(rows=("list_in", "list_out")),
    f"{P}list_export": Page(rows=("list_in", "list_out"), xlsx=True),
    # the platform administrator's key areas
    f"{P}key_area_create": Create(
        role="admin",
        data={"year": 2027, "name": "矩阵新领域", "category_codes": "3074,1431"},
        model="KeyArea",
        lookup={"name": "矩阵新领域"},
    ),
    f"{P}key_area_edit": Hit(rows=("area",), expect={"admin": (200,)}),
    # evaluators
    f"{P}scheme_manage_list": Listing(sees={"institution": ("in_pub", "in_draft")}, titles=TITLES),
    f"{P}scheme_create": Create(
        role="institution",
        data={
            "key_area": "@area",
            "title": "矩阵新方案",
            "category_code": "3074",
            "weight_comprehensiveness": 20,
            "weight_advancedness": 60,
            "weight_conformity": 20,
            "top_n": 3,
            "validity_months": 12,
            "notice_days": 10,
        },
        model="EvaluationScheme",
        lookup={"title": "矩阵新方案"},
    ),
    f"{P}scheme_manage": Hit(
        rows=("in_pub", "in_draft", "out_pub", "out_draft"), expect={"institution": (200, 200, 404, 404)}
    ),
    f"{P}scheme_edit": Hit(rows=("in_draft", "out_draft"), expect={"institution": (200, 404)}),
    f"{P}indicator_add": Hit(rows=("in_draft", "out_draft"), expect={"institution": (200, 404)}),
    f"{P}indicator_edit": Hit(
        rows=("ind_in_draft", "ind_out_draft"), args="scheme_item", expect={"institution": (200, 404)}
    ),
    f"{P}indicator_delete": Hit(
        rows=("ind_out_draft", "ind_in_draft"),
        args="scheme_item",
        data={},
        expect={"institution": (404, 302)},
    ),
    f"{P}scheme_publish": Hit(rows=("out_draft", "in_draft"), data={}, expect={"institution": (404, 302)}),
    # A published scheme is ranked (302); a draft is refused on its page (400).
    f"{P}ranking_run": Hit(
        rows=("out_pub", "in_draft", "in_pub"), data={}, expect={"institution": (404, 400, 302)}
    ),
    # A notice is already open, and nothing passed a notice yet: both refused on the page (400).
    f"{P}notice_start": Hit(
        rows=("out_pub", "in_pub"),
        data={"starts_on": "2026-01-01", "ends_on": "2026-01-10"},
        expect={"institution": (404, 400)},
    ),
    f"{P}list_publish": Hit(rows=("out_pub", "in_pub"), data={}, expect={"institution": (404, 400)}),
    f"{P}notice_close": Hit(rows=("notice_out", "notice_in"), data={}, expect={"institution": (404, 400)}),
    f"{P}objection_resolve": Hit(
        rows=("objection_out", "objection_in"),
        data={"decision": "dismissed", "resolution": "异议不成立"},
        expect={"institution": (404, 302)},
    ),
    # enterprises (and evaluators) on shortlisted standards
    f"{P}my_entries": Listing(
        sees={"enterprise": ("in_short", "in_notice"), "institution": ("in_short", "in_notice")},
        titles=ENTRY_TITLES,
    ),
    f"{P}entry_detail": Hit(rows=ENTRIES, expect=ENTRY_SEE),
    # The enterprise uploads to its shortlisted standard (302) but not once it is in notice (400); the evaluator
    # reaches its schemes' entries but may not upload for the enterprise (403).
    f"{P}entry_upload": Hit(
        rows=ENTRIES,
        data={"kind": "evidence"},
        upload=True,
        expect={"enterprise": (302, 400, 404, 404), "institution": (403, 403, 404, 404)},
    ),
    # Only a commitment letter is there, no evidence: refused (400), as is an entry already in notice.
    f"{P}entry_commit": Hit(
        rows=ENTRIES,
        data={},
        expect={"enterprise": (400, 400, 404, 404), "institution": (403, 403, 404, 404)},
    ),
    f"{P}document_download": Hit(
        rows=("doc_in", "doc_out"),
        expect={"enterprise": (200, 404), "institution": (200, 404), "admin": (200, 200)},
    ),
    f"{P}document_delete": Hit(rows=("doc_out", "doc_in"), data={}, expect={"enterprise": (404, 302)}),
    # the public API
    f"{P}scheme-api-list": Api(),
    f"{P}scheme-api-detail": Api(detail=True),
    f"{P}list-api-list": Api(kind="list"),
    f"{P}list-api-detail": Api(kind="list", detail=True),
    f"{P}notice-api-list": NoticeApi(kind="list"),
    f"{P}notice-api-detail": NoticeApi(kind="detail"),
    f"{P}notice-api-objections": NoticeApi(kind="objections"),
}

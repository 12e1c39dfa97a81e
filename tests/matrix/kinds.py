"""Kinds of permission-matrix rows, and the hand-written expectations of the registry.

The expectations are written out by hand, independently of the scope rules in the apps' scopes.py, so a wrong
rule fails. Each area's rows live in a module of this package (core.py, …) as a dict named ROWS.
"""

from dataclasses import dataclass

from django.urls import reverse

from nqihub.testing import COUNTY, OTHER_COUNTY, uscc

ROLES = ["public", "enterprise", "institution", "expert", "regulator", "admin", "auditor"]
Y, N = True, False

# role → (may act on the row inside its reach, may act on the row outside it). "Inside" is the role's own
# organisation for enterprise / institution / expert staff and the county 450321 for the regulator.
VIEW = {
    "enterprise": {"enterprise": (Y, N), "regulator": (Y, N), "admin": (Y, Y)},
    "institution": {"institution": (Y, N), "regulator": (Y, N), "admin": (Y, Y)},
    "expert": {"expert": (Y, N), "regulator": (Y, N), "admin": (Y, Y)},
    "regulatorunit": {"regulator": (Y, N), "admin": (Y, Y)},
}
CHANGE = {
    "enterprise": {"enterprise": (Y, N), "regulator": (Y, N), "admin": (Y, Y)},
    "institution": {"institution": (Y, N), "regulator": (Y, N), "admin": (Y, Y)},
    "expert": {"expert": (Y, N), "regulator": (Y, N), "admin": (Y, Y)},
    "regulatorunit": {"admin": (Y, Y)},
}
# For ADD, inside / outside is the region of the new row (the regulator's county or another county).
ADD = {
    "enterprise": {"regulator": (Y, N), "admin": (Y, Y)},
    "institution": {"regulator": (Y, N), "admin": (Y, Y)},
    "expert": {"regulator": (Y, N), "admin": (Y, Y)},
    "regulatorunit": {"admin": (Y, Y)},
}
DELETE = {
    "enterprise": {"admin": (Y, Y)},
    "institution": {"admin": (Y, Y)},
    "expert": {"admin": (Y, Y)},
    "regulatorunit": {"admin": (Y, Y)},
}
AUDIT_READERS = {"auditor"}

SLUG = {
    "enterprise": "enterprise",
    "institution": "institution",
    "expert": "expert",
    "regulatorunit": "regulator_unit",
}


def new_row(model: str, region: str) -> dict:
    n = {"enterprise": 1, "institution": 2, "expert": 3, "regulatorunit": 4}[model]
    return {
        "enterprise": {"name": f"矩阵新企业{region}", "uscc": uscc(region), "region_code": region},
        "institution": {"name": f"矩阵新机构{region}", "kind": "testing", "region_code": region},
        "expert": {
            "name": f"矩阵新专家{region}",
            "affiliation": "矩阵单位",
            "specialties": "计量",
            "region_code": region,
        },
        "regulatorunit": {"name": f"矩阵新监管单位{region}{n}", "region_code": region},
    }[model]


def login(client, world, role):
    if world.users[role] is not None:
        client.force_login(world.users[role])


def denied(response, role):
    """A role without any grant: the public is sent to the login page (pages) or refused (API); others get 403."""
    if role == "public" and not response["Content-Type"].startswith("application/json"):
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code == 403


@dataclass(frozen=True)
class Endpoint:
    def check(self, client, world, role): ...


@dataclass(frozen=True)
class Public(Endpoint):
    method: str = "get"
    expect: int = 200
    expect_when_logged_in: int | None = None
    kwargs: tuple = ()

    def check(self, client, world, role, name):
        login(client, world, role)
        response = getattr(client, self.method)(reverse(name, kwargs=dict(self.kwargs)))
        expected = (
            self.expect
            if role == "public" or self.expect_when_logged_in is None
            else self.expect_when_logged_in
        )
        assert response.status_code == expected, (name, role, response.status_code)


@dataclass(frozen=True)
class ReferenceData(Endpoint):
    """Public reference data: everybody reads it; nobody writes it over the API."""

    kwargs: tuple = ()

    def check(self, client, world, role, name):
        login(client, world, role)
        url = reverse(name, kwargs=dict(self.kwargs))
        assert client.get(url).status_code == 200
        assert client.post(url, {}, content_type="application/json").status_code in (403, 405)


@dataclass(frozen=True)
class AuditOnly(Endpoint):
    detail: bool = False
    api: bool = False

    def check(self, client, world, role, name):
        from nqihub.core.audit import record_event

        event = record_event(None, "matrix.probe", world.inside["enterprise"])
        login(client, world, role)
        url = reverse(name, args=[event.pk] if self.detail else [])
        response = client.get(url, HTTP_ACCEPT="application/json") if self.api else client.get(url)
        if role in AUDIT_READERS:
            assert response.status_code == 200
            assert "matrix.probe" in response.content.decode()
        else:
            assert denied(response, role) or (role == "public" and response.status_code == 403), (
                response.status_code
            )


@dataclass(frozen=True)
class HtmlList(Endpoint):
    model: str

    def check(self, client, world, role, name):
        login(client, world, role)
        response = client.get(reverse(name))
        inside, outside = VIEW[self.model].get(role, (N, N))
        if not (inside or outside):
            assert denied(response, role), response.status_code
            return
        assert response.status_code == 200
        html = response.content.decode()
        assert (world.inside[self.model].name in html) == inside
        assert (world.outside[self.model].name in html) == outside


@dataclass(frozen=True)
class HtmlDetail(Endpoint):
    model: str
    table: str = "view"  # "view" for detail pages, "change" for edit pages

    def check(self, client, world, role, name):
        login(client, world, role)
        grants = (VIEW if self.table == "view" else CHANGE)[self.model].get(role, (N, N))
        for row, allowed in ((world.inside[self.model], grants[0]), (world.outside[self.model], grants[1])):
            response = client.get(reverse(name, args=[row.pk]))
            if not any(grants):
                assert denied(response, role), response.status_code
            else:
                assert response.status_code == (200 if allowed else 404), (row, response.status_code)
        if self.table == "change" and grants[0]:
            response = client.post(reverse(name, args=[world.inside[self.model].pk]), {"name": ""})
            assert response.status_code == 400  # the form is re-shown with the error, nothing saved


@dataclass(frozen=True)
class HtmlCreate(Endpoint):
    model: str

    def check(self, client, world, role, name):
        from nqihub.registry.models import Enterprise, Expert, Institution, RegulatorUnit

        model_class = {
            "enterprise": Enterprise,
            "institution": Institution,
            "expert": Expert,
            "regulatorunit": RegulatorUnit,
        }[self.model]
        login(client, world, role)
        grants = ADD[self.model].get(role, (N, N))
        response = client.get(reverse(name))
        if not any(grants):
            assert denied(response, role), response.status_code
            return
        assert response.status_code == 200
        for region, allowed in ((COUNTY, grants[0]), (OTHER_COUNTY, grants[1])):
            data = new_row(self.model, region)
            response = client.post(reverse(name), data)
            assert model_class.objects.filter(name=data["name"]).exists() == allowed, (
                region,
                response.status_code,
            )


@dataclass(frozen=True)
class ApiList(Endpoint):
    model: str

    def check(self, client, world, role, name):
        login(client, world, role)
        response = client.get(reverse(name))
        inside, outside = VIEW[self.model].get(role, (N, N))
        if not (inside or outside):
            assert response.status_code == 403
        else:
            assert response.status_code == 200
            ids = {row["id"] for row in response.json()["results"]}
            assert (world.inside[self.model].pk in ids) == inside
            assert (world.outside[self.model].pk in ids) == outside
        add = ADD[self.model].get(role, (N, N))
        for region, allowed in ((COUNTY, add[0]), (OTHER_COUNTY, add[1])):
            response = client.post(
                reverse(name), new_row(self.model, region), content_type="application/json"
            )
            assert response.status_code == (201 if allowed else 403), (
                region,
                response.status_code,
                response.content,
            )


@dataclass(frozen=True)
class ApiDetail(Endpoint):
    model: str

    def check(self, client, world, role, name):
        login(client, world, role)
        for table, method, payload, ok in (
            (VIEW, "get", None, 200),
            (
                CHANGE,
                "patch",
                {"address": "矩阵路1号"} if self.model != "expert" else {"phone": "13800000000"},
                200,
            ),
            (DELETE, "delete", None, 204),
        ):
            grants = table[self.model].get(role, (N, N))
            for row, allowed in (
                (world.outside[self.model], grants[1]),
                (world.inside[self.model], grants[0]),
            ):
                if (
                    method == "delete"
                    and allowed
                    and row is world.inside[self.model]
                    and self.model != "regulatorunit"
                ):
                    continue  # accounts of the world belong to the inside rows: see test_delete_referenced_row…
                url = reverse(name, args=[row.pk])
                kwargs = {"content_type": "application/json"} if payload is not None else {}
                response = (
                    getattr(client, method)(url, payload, **kwargs)
                    if payload
                    else getattr(client, method)(url)
                )
                if not any(grants):
                    expected = 403
                else:
                    expected = ok if allowed else 404
                assert response.status_code == expected, (
                    method,
                    row,
                    response.status_code,
                    response.content[:200],
                )

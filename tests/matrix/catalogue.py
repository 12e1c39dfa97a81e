"""Permission-matrix rows of the standards catalogue: everyone reads it, the platform administrator writes it."""

from dataclasses import dataclass

from django.urls import reverse

from .kinds import ROLES, Endpoint, denied, login

WRITERS = {"admin"}
assert WRITERS <= set(ROLES)


def _standard():
    from nqihub.standards.models import CatalogueStandard

    return CatalogueStandard.objects.get(normalized_number="GB/T 1.1-2020")


@dataclass(frozen=True)
class CataloguePage(Endpoint):
    kind: str  # list | detail | create | edit | api-list | api-detail

    def check(self, client, world, role, name):
        login(client, world, role)
        standard = _standard()
        args = [standard.pk] if self.kind in ("detail", "edit", "api-detail") else []
        url = reverse(name, args=args)
        response = client.get(url)
        if self.kind in ("list", "detail", "api-list", "api-detail"):
            assert response.status_code == 200
            assert "GB/T 1.1-2020" in response.content.decode()
        elif role in WRITERS:
            assert response.status_code == 200
        else:
            assert denied(response, role), response.status_code
        if self.kind == "api-list":
            payload = {"number": f"GB/T 9{ROLES.index(role)}-2020", "title_zh": "矩阵", "status": "current"}
            response = client.post(url, payload, content_type="application/json")
            assert response.status_code == (201 if role in WRITERS else 403), response.content
        if self.kind == "api-detail":
            response = client.patch(url, {"responsible_tc": "矩阵"}, content_type="application/json")
            assert response.status_code == (200 if role in WRITERS else 403), response.content


ROWS = {
    "catalogue:list": CataloguePage("list"),
    "catalogue:detail": CataloguePage("detail"),
    "catalogue:create": CataloguePage("create"),
    "catalogue:edit": CataloguePage("edit"),
    "catalogue:api-list": CataloguePage("api-list"),
    "catalogue:api-detail": CataloguePage("api-detail"),
}

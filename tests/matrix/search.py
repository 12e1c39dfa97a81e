"""Permission-matrix rows of public search: every role sees the same public answers, and never a draft.

Each check makes a published and a draft disclosure of the enterprise inside the roles' reach (whose own staff
could see the draft in their workspace) and one published disclosure outside it, then asserts that every role
finds both published ones — public means public — and that nobody, the owner included, meets the draft here.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from .kinds import Endpoint, login

WORD = "矩阵检索样品"
DRAFT_WORD = "矩阵草稿样品"


def _disclosures(world) -> dict:
    from nqihub.standards.models import Disclosure, DisclosureKind, DisclosureState
    from nqihub.standards.search import sync_search_entry

    made = {}
    for key, enterprise, title, state in (
        ("inside", world.inside["enterprise"], f"{WORD}甲", DisclosureState.DISCLOSED),
        ("outside", world.outside["enterprise"], f"{WORD}乙", DisclosureState.DISCLOSED),
        ("draft", world.inside["enterprise"], f"{WORD}{DRAFT_WORD}", DisclosureState.DRAFT),
    ):
        number = {"inside": "Q/JZ 0001-2024", "outside": "Q/JZ 0002-2024", "draft": "Q/JZ 0003-2024"}[key]
        made[key] = Disclosure.objects.create(
            enterprise=enterprise,
            region_code=enterprise.region_code,
            kind=DisclosureKind.ENTERPRISE,
            standard_number=number,
            normalized_number=number,
            title=title,
            state=state,
            disclosed_at=timezone.now() if state == DisclosureState.DISCLOSED else None,
        )
        sync_search_entry(made[key])
    return made


@dataclass(frozen=True)
class PublicSearch(Endpoint):
    """kind: "page" (search:search), "api" (search:api), "enterprise" or "disclosure" (public pages)."""

    kind: str

    def check(self, client, world, role, name):
        made = _disclosures(world)
        login(client, world, role)
        if self.kind in ("page", "api"):
            for query in (WORD, DRAFT_WORD, "Q/JZ 0003-2024", world.inside["enterprise"].uscc):
                response = client.get(reverse(name), {"q": query, "status": "all"})
                assert response.status_code == 200, (role, response.status_code)
                # the query is echoed back; the draft's full title and its page never are
                text = response.content.decode()
                assert made["draft"].title not in text, (role, query)
                assert reverse("search:disclosure", args=[made["draft"].pk]) not in text, (role, query)
                if self.kind == "api":
                    found = {row["id"] for row in response.json()["results"]}
                    assert made["draft"].pk not in found and response.json()["count"] == len(found)
            text = client.get(reverse(name), {"q": WORD}).content.decode()
            assert made["inside"].title in text and made["outside"].title in text, role
            if self.kind == "api":
                assert client.get(reverse(name), {"q": WORD}).json()["count"] == 2
                assert client.get(reverse(name), {"q": DRAFT_WORD, "status": "all"}).json()["count"] == 0
        elif self.kind == "enterprise":
            for key in ("inside", "outside"):
                enterprise = made[key].enterprise
                response = client.get(reverse(name, args=[enterprise.uscc]))
                assert response.status_code == 200, (role, key, response.status_code)
                text = response.content.decode()
                assert made[key].title in text
                assert made["draft"].title not in text
        else:
            for key, expected in (("inside", 200), ("outside", 200), ("draft", 404)):
                response = client.get(reverse(name, args=[made[key].pk]))
                assert response.status_code == expected, (role, key, response.status_code)


ROWS: dict[str, Endpoint] = {
    "search:search": PublicSearch("page"),
    "search:api": PublicSearch("api"),
    "search:enterprise": PublicSearch("enterprise"),
    "search:disclosure": PublicSearch("disclosure"),
}

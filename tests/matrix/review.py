"""Permission-matrix rows of the review pages and API (nqihub.review.urls).

Each check builds the four disclosures of tests/matrix/disclosures.py and four reviews of them — a regulator's
review of the inside enterprise's published disclosure, the inside enterprise's self-check of its draft, and the
same two outside — plus a batch inside the county and one outside. What every role gets is written out here by
hand (independently of nqihub/review/scopes.py): enterprise staff see their own enterprise's reviews, self-checks
included; a regulator sees its county's reviews but never an enterprise's self-check, and its county's batches;
the administrator reads every review but self-checks, and every batch; institutions, experts and the auditor see
nothing of the review. Only enterprise staff (their own disclosures) and regulators (published ones of their
county) review, and only regulators start batches, for their county.
"""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nqihub.testing import COUNTY, OTHER_COUNTY

from .disclosures import world_disclosures
from .kinds import Endpoint, Public, login

Y, N = True, False
REVIEWS = ("in_reg", "in_self", "out_reg", "out_self")
# role → which of (inside regulator review, inside self-check, outside regulator review, outside self-check) it
# reads; None: no access to reviews at all.
SEE = {
    "public": None,
    "enterprise": (Y, Y, N, N),
    "institution": None,
    "expert": None,
    "regulator": (Y, N, N, N),
    "admin": (Y, N, Y, N),
    "auditor": None,
}
# role → which of (inside batch, outside batch) it reads.
SEE_BATCHES = {"regulator": (Y, N), "admin": (Y, Y)}
# role → what POSTing a review of (in_pub, in_draft, out_pub, out_draft) does: True reviews it, False is 404.
REVIEWERS = {"enterprise": (Y, Y, N, N), "regulator": (Y, N, N, N)}
BATCH_STARTERS = {"regulator": (Y, N)}  # (its county, another county)


def world_reviews(world) -> tuple[dict, dict]:
    """The four disclosures and the four reviews of them, stored through the review service."""
    from nqihub.review.services import review_disclosure

    rows = world_disclosures(world)
    reviews = {
        "in_reg": review_disclosure(world.users["regulator"], rows["in_pub"]),
        "in_self": review_disclosure(world.users["enterprise"], rows["in_draft"], self_check=True),
        "out_reg": review_disclosure(None, rows["out_pub"]),
        "out_self": review_disclosure(None, rows["out_draft"], self_check=True),
    }
    return rows, reviews


def world_batches(world) -> dict:
    from nqihub.review.models import ReviewBatch

    return {
        "in": ReviewBatch.objects.create(region_code=COUNTY, requested_by=world.users["regulator"]),
        "out": ReviewBatch.objects.create(region_code=OTHER_COUNTY),
    }


def _denied(response, role, api=False) -> bool:
    if role == "public" and not api:
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code == 403


def _sees(role) -> dict[str, bool] | None:
    grants = SEE[role]
    return None if grants is None else dict(zip(REVIEWS, grants, strict=True))


@dataclass(frozen=True)
class ReviewList(Endpoint):
    api: bool = False

    def check(self, client, world, role, name):
        _, reviews = world_reviews(world)
        login(client, world, role)
        response = client.get(reverse(name))
        sees = _sees(role)
        if sees is None:
            assert _denied(response, role, self.api), response.status_code
            return
        assert response.status_code == 200
        if self.api:
            ids = {row["id"] for row in response.json()["results"]}
            shown = {key: reviews[key].pk in ids for key in REVIEWS}
        else:
            html = response.content.decode()
            shown = {key: f'href="{reviews[key].get_absolute_url()}"' in html for key in REVIEWS}
        assert shown == sees, (shown, sees)


@dataclass(frozen=True)
class ReviewRead(Endpoint):
    """The detail page, the report (HTML, PDF) and the API detail: 200 for a review the role reads, else 404."""

    kind: str = "html"  # html | pdf | api

    def check(self, client, world, role, name):
        rows, reviews = world_reviews(world)
        login(client, world, role)
        sees = _sees(role)
        for key, review in reviews.items():
            response = client.get(reverse(name, args=[review.pk]))
            if sees is None:
                assert _denied(response, role, self.kind == "api"), (key, response.status_code)
                continue
            assert response.status_code == (200 if sees[key] else 404), (key, response.status_code)
            if not sees[key]:
                continue
            if self.kind == "pdf":
                assert response.content.startswith(b"%PDF-")
            elif self.kind == "api":
                assert response.json()["id"] == review.pk
            else:
                assert review.disclosure.standard_number in response.content.decode()


@dataclass(frozen=True)
class DisclosureReview(Endpoint):
    """POST reviews one disclosure: enterprise staff their own (a self-check), a regulator a published one of its
    county; a disclosure out of reach is 404 and nothing is stored; other roles are refused."""

    api: bool = False

    def check(self, client, world, role, name):
        from nqihub.review.models import Review

        rows = world_disclosures(world)
        login(client, world, role)
        allowed = REVIEWERS.get(role)
        for key, may in zip(("in_pub", "in_draft", "out_pub", "out_draft"), allowed or (N,) * 4, strict=True):
            before = Review.objects.count()
            response = client.post(reverse(name, args=[rows[key].pk]))
            if allowed is None:
                assert _denied(response, role, self.api), (key, response.status_code)
            elif may:
                assert response.status_code == (201 if self.api else 302), (key, response.status_code)
                review = Review.objects.latest("id")
                assert review.disclosure == rows[key] and review.self_check == (role == "enterprise")
            else:
                assert response.status_code == 404, (key, response.status_code)
            assert Review.objects.count() == before + (1 if allowed and may else 0)
        if allowed is not None and not self.api:
            assert client.get(reverse(name, args=[rows["in_pub"].pk])).status_code == 405


@dataclass(frozen=True)
class Upload(Endpoint):
    """Enterprise staff, regulators and the administrator upload a document to self-check (nothing is stored);
    a file that is not a standard's text is refused next to the field."""

    def check(self, client, world, role, name):
        from nqihub.review.models import Review

        login(client, world, role)
        got = client.get(reverse(name))
        posted = client.post(
            reverse(name),
            {"document": SimpleUploadedFile("standard.docx", b"\x89PNG\r\n\x1a\n", content_type="image/png")},
        )
        if role in ("enterprise", "regulator", "admin"):
            assert got.status_code == 200
            assert posted.status_code == 400
            assert "PNG" in posted.content.decode()
        else:
            assert _denied(got, role) and _denied(posted, role), (got.status_code, posted.status_code)
        assert not Review.objects.exists()


@dataclass(frozen=True)
class BatchList(Endpoint):
    """The list shows the batches the role reads; POST starts one, only a regulator and only for its county."""

    def check(self, client, world, role, name):
        from nqihub.review.models import ReviewBatch

        batches = world_batches(world)
        login(client, world, role)
        response = client.get(reverse(name))
        sees = SEE_BATCHES.get(role)
        if sees is None:
            assert _denied(response, role), response.status_code
        else:
            assert response.status_code == 200
            html = response.content.decode()
            shown = tuple(reverse("review:batch_detail", args=[batches[k].pk]) in html for k in ("in", "out"))
            assert shown == sees, shown
        starts = BATCH_STARTERS.get(role, (N, N))
        for region, allowed in ((COUNTY, starts[0]), (OTHER_COUNTY, starts[1])):
            before = ReviewBatch.objects.count()
            response = client.post(reverse(name), {"region_code": region})
            if allowed:
                assert response.status_code == 302, response.status_code
                assert ReviewBatch.objects.latest("id").region_code == region
            elif role in BATCH_STARTERS:
                assert response.status_code == 400, response.status_code  # not a choice it has
            else:
                assert _denied(response, role), response.status_code
            assert ReviewBatch.objects.count() == before + (1 if allowed else 0)


@dataclass(frozen=True)
class BatchDetail(Endpoint):
    def check(self, client, world, role, name):
        batches = world_batches(world)
        login(client, world, role)
        sees = SEE_BATCHES.get(role)
        for key, index in (("in", 0), ("out", 1)):
            response = client.get(reverse(name, args=[batches[key].pk]))
            if sees is None:
                assert _denied(response, role), (key, response.status_code)
            else:
                assert response.status_code == (200 if sees[index] else 404), (key, response.status_code)


P = "review:"
ROWS: dict[str, Endpoint] = {
    f"{P}home": Public(),
    f"{P}upload": Upload(),
    f"{P}list": ReviewList(),
    f"{P}detail": ReviewRead(),
    f"{P}report": ReviewRead(),
    f"{P}report_pdf": ReviewRead(kind="pdf"),
    f"{P}batch_list": BatchList(),
    f"{P}batch_detail": BatchDetail(),
    f"{P}disclosure_review": DisclosureReview(),
    f"{P}review-api-list": ReviewList(api=True),
    f"{P}review-api-detail": ReviewRead(kind="api"),
    f"{P}disclosure-review-api": DisclosureReview(api=True),
}

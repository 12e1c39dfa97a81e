"""Permission-matrix rows of the 对标达标 campaign (nqihub.benchmarking.campaign_urls), written out by hand,
independently of nqihub/benchmarking/scopes.py.

- The dashboard, its counts export and the counts API: regulators (their jurisdiction: the world's county; another
  county is refused with 403) and the administrator (any region); everybody else is refused.
- Rankings and pilot batches hold only published, comparative figures: every regulator and the administrator read
  them whole (a county regulator reads the ranking of all pilot cities), take snapshots, record batches and cities;
  nobody else reads or writes them. Only the administrator deletes a ranking.
- Trainings: a regulator reads, records and edits those held in its county, not the other county's (404; a new one
  placed there is refused and not written); the administrator all of them.

Each check builds, through the services: results in the world's county and in the other county (campaign_data), a
training in each, a pilot batch (桂林, 南宁, 宜春) and two imported-style snapshots in which 桂林 rises 43 → 19.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse

from nqihub.testing import COUNTY, OTHER_COUNTY

from .kinds import Endpoint, denied, login

READERS = {"regulator", "admin"}
# role → (reads / writes the row in the world's county, the row in the other county) for trainings.
TRAININGS = {"regulator": (True, False), "admin": (True, True)}


def world_campaign(world) -> dict:
    from nqihub.benchmarking.tests.campaign_factories import campaign_data, national_ranking, pilot_batch

    made = campaign_data(world)
    made["batch"] = pilot_batch(world.users["admin"])
    made["snapshots"] = national_ranking(
        world.users["admin"], [(datetime.date(2026, 2, 28), 43), (datetime.date(2026, 3, 31), 19)]
    )
    return made


def _refused(response, role, api=False) -> bool:
    return response.status_code == 403 if api else denied(response, role)


@dataclass(frozen=True)
class CountsPage(Endpoint):
    """kind: page | xlsx | api — the county asked by region: inside for the regulator, another county outside."""

    kind: str = "page"

    def check(self, client, world, role, name):
        world_campaign(world)
        login(client, world, role)
        api = self.kind == "api"
        inside = client.get(reverse(name), {"region": COUNTY, "level": "county", "date": "2026-05-31"})
        outside = client.get(reverse(name), {"region": OTHER_COUNTY, "level": "county", "date": "2026-05-31"})
        if role not in READERS:
            assert _refused(inside, role, api) and _refused(outside, role, api), (inside.status_code,)
            return
        assert inside.status_code == 200, inside.status_code
        if self.kind == "page":
            assert 'data-testid="total-results">4<' in inside.content.decode()
        elif self.kind == "api":
            assert inside.json()["results"] == 4 and inside.json()["trained"] == 2
        else:
            assert inside.content.startswith(b"PK")  # an xlsx (zip) package
        if role == "regulator":
            assert outside.status_code == 403, outside.status_code
            if not api:
                assert "只能查看本辖区" in outside.content.decode()
        else:
            assert outside.status_code == 200
            if self.kind == "api":
                assert outside.json()["results"] == 1


@dataclass(frozen=True)
class RankingRead(Endpoint):
    """kind: xlsx | api_list | api_detail — every regulator and the administrator read the whole ranking."""

    kind: str = "xlsx"

    def check(self, client, world, role, name):
        made = world_campaign(world)
        latest = made["snapshots"][-1]
        login(client, world, role)
        api = self.kind.startswith("api")
        if self.kind == "api_detail":
            response = client.get(reverse(name, args=[latest.pk]))
        else:
            response = client.get(reverse(name), {"snapshot": latest.pk} if self.kind == "xlsx" else {})
        if role not in READERS:
            assert _refused(response, role, api), response.status_code
            return
        assert response.status_code == 200, response.status_code
        if self.kind == "api_list":
            assert {r["id"] for r in response.json()["results"]} == {s.pk for s in made["snapshots"]}
        elif self.kind == "api_detail":
            rows = {r["region_code"]: r for r in response.json()["rows"]}
            assert set(rows) == {"450300", "450100", "360900", "330100"}  # other provinces too
            assert rows["450300"]["previous_rank"] == 43
        else:
            assert response.content.startswith(b"PK")


@dataclass(frozen=True)
class SnapshotCreate(Endpoint):
    def check(self, client, world, role, name):
        from nqihub.benchmarking.models import RankingSnapshot

        made = world_campaign(world)
        login(client, world, role)
        before = RankingSnapshot.objects.count()
        got = client.get(reverse(name))
        response = client.post(
            reverse(name), {"batch": made["batch"].pk, "key": "results", "as_of": "2026-05-31"}
        )
        if role not in READERS:
            assert _refused(got, role) and _refused(response, role), response.status_code
            assert RankingSnapshot.objects.count() == before
            return
        assert got.status_code == 200 and response.status_code == 302, response.status_code
        assert RankingSnapshot.objects.filter(source="computed", batch=made["batch"]).count() == 1


@dataclass(frozen=True)
class SnapshotDelete(Endpoint):
    """Only the platform administrator removes a ranking; a regulator, who reads and takes them, is refused."""

    def check(self, client, world, role, name):
        from nqihub.benchmarking.models import RankingSnapshot

        made = world_campaign(world)
        target = made["snapshots"][0]
        login(client, world, role)
        response = client.post(reverse(name, args=[target.pk]))
        gone = not RankingSnapshot.objects.filter(pk=target.pk).exists()
        if role == "admin":
            assert response.status_code == 302 and gone
        else:
            assert _refused(response, role) and not gone, response.status_code


@dataclass(frozen=True)
class TrainingPage(Endpoint):
    """kind: list | create | edit | api_list | api_detail."""

    kind: str = "list"

    def check(self, client, world, role, name):
        from nqihub.benchmarking.models import Training

        made = world_campaign(world)
        rows = (made["training_in"], made["training_out"])
        grants = TRAININGS.get(role)
        login(client, world, role)
        api = self.kind.startswith("api")
        if self.kind in ("list", "api_list"):
            response = client.get(reverse(name))
            if grants is None:
                assert _refused(response, role, api), response.status_code
                return
            assert response.status_code == 200
            if api:
                ids = {r["id"] for r in response.json()["results"]}
                shown = tuple(t.pk in ids for t in rows)
            else:
                html = response.content.decode()
                shown = tuple(t.title in html for t in rows)
            assert shown == grants, (shown, grants)
            return
        if self.kind in ("edit", "api_detail"):
            for training, allowed in zip(rows, grants or (False, False), strict=True):
                url = reverse(name, args=[training.pk])
                got = client.get(url)
                if grants is None:
                    assert _refused(got, role, api), got.status_code
                else:
                    assert got.status_code == (200 if allowed else 404), (training, got.status_code)
                if self.kind == "edit":
                    data = {
                        "title": f"矩阵改名{training.pk}",
                        "held_on": "2026-04-10",
                        "region_code": training.region_code,
                        "organiser": training.organiser,
                        "participants": "9",
                        "enterprises": "",
                    }
                    response = client.post(url, data)
                    changed = Training.objects.filter(pk=training.pk, title=data["title"]).exists()
                    assert changed == bool(grants and allowed), (training, response.status_code)
                    if grants is None:
                        assert _refused(response, role)
            return
        # create: one in the world's county, one in the other county
        got = client.get(reverse(name))
        for region, allowed in zip((COUNTY, OTHER_COUNTY), grants or (False, False), strict=True):
            title = f"矩阵培训{region}"
            response = client.post(
                reverse(name),
                {
                    "title": title,
                    "held_on": "2026-05-01",
                    "region_code": region,
                    "organiser": "矩阵局",
                    "participants": "3",
                    "enterprises": "",
                },
            )
            created = Training.objects.filter(title=title).exists()
            assert created == allowed, (region, response.status_code)
            if grants is None:
                assert _refused(got, role) and _refused(response, role), response.status_code
            elif not allowed:
                assert response.status_code == 400  # the place is refused on the form, nothing written


@dataclass(frozen=True)
class PilotPage(Endpoint):
    """kind: list | create | detail | remove | api_list | api_detail."""

    kind: str = "list"

    def check(self, client, world, role, name):
        from nqihub.benchmarking.models import PilotBatch

        made = world_campaign(world)
        batch = made["batch"]
        login(client, world, role)
        api = self.kind.startswith("api")
        allowed = role in READERS
        if self.kind in ("list", "api_list", "api_detail", "detail"):
            args = [batch.pk] if self.kind in ("detail", "api_detail") else []
            response = client.get(reverse(name, args=args))
            if not allowed:
                assert _refused(response, role, api), response.status_code
                if self.kind == "detail":
                    assert _refused(client.post(reverse(name, args=args), {"cities": "柳州"}), role)
                    assert not batch.cities.filter(region_code="450200").exists()
                return
            assert response.status_code == 200
            assert ("测试试点城市" in response.content.decode()) if not api else response.json()
            if self.kind == "detail":
                assert client.post(reverse(name, args=args), {"cities": "柳州"}).status_code == 302
                assert batch.cities.filter(region_code="450200").exists()
            return
        if self.kind == "create":
            response = client.post(reverse(name), {"number": "4", "title": "矩阵第四批", "cities": "450300"})
            created = PilotBatch.objects.filter(title="矩阵第四批").exists()
            assert created == allowed, response.status_code
            if not allowed:
                assert _refused(response, role) and _refused(client.get(reverse(name)), role)
            return
        city = batch.cities.get(region_code="450100")
        response = client.post(reverse(name, args=[batch.pk, city.pk]))
        gone = not batch.cities.filter(pk=city.pk).exists()
        assert gone == allowed, response.status_code
        if not allowed:
            assert _refused(response, role), response.status_code


ROWS = {
    "benchmarking:campaign": CountsPage("page"),
    "benchmarking:campaign_counts_xlsx": CountsPage("xlsx"),
    "benchmarking:campaign-counts-api": CountsPage("api"),
    "benchmarking:campaign_ranking_xlsx": RankingRead("xlsx"),
    "benchmarking:campaign-ranking-api-list": RankingRead("api_list"),
    "benchmarking:campaign-ranking-api-detail": RankingRead("api_detail"),
    "benchmarking:campaign_snapshot_create": SnapshotCreate(),
    "benchmarking:campaign_snapshot_delete": SnapshotDelete(),
    "benchmarking:campaign_training_list": TrainingPage("list"),
    "benchmarking:campaign_training_create": TrainingPage("create"),
    "benchmarking:campaign_training_edit": TrainingPage("edit"),
    "benchmarking:campaign-training-api-list": TrainingPage("api_list"),
    "benchmarking:campaign-training-api-detail": TrainingPage("api_detail"),
    "benchmarking:campaign_pilot_list": PilotPage("list"),
    "benchmarking:campaign_pilot_create": PilotPage("create"),
    "benchmarking:campaign_pilot_detail": PilotPage("detail"),
    "benchmarking:campaign_pilot_city_remove": PilotPage("remove"),
    "benchmarking:campaign-pilot-api-list": PilotPage("api_list"),
    "benchmarking:campaign-pilot-api-detail": PilotPage("api_detail"),
}

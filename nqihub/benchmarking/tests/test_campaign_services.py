"""The campaign's figures and writes: the six counts per province / city / county on any day, scoped to the
regulator's jurisdiction; trainings with distinct enterprises; pilot batches named by code or name; snapshots
computed from the platform's data (re-taken in place); the national table imported as xlsx and GB18030 CSV with a
bad row; movement and the bulletin sentence; the ranking key from settings; the snapshot command."""

import datetime
import io
import json

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from nqihub.benchmarking import campaign, campaign_services
from nqihub.benchmarking.models import RankingRow, RankingSnapshot, Training
from nqihub.core.models import AuditEvent, Role
from nqihub.imports.services import commit_session, stage_upload
from nqihub.testing import COUNTY, OTHER_COUNTY, enterprise, user

from .campaign_factories import APRIL, MAY, campaign_data, national_ranking, pilot_batch

pytestmark = pytest.mark.django_db

END_MARCH, END_APRIL, END_MAY = (
    datetime.date(2026, 3, 31),
    datetime.date(2026, 4, 30),
    datetime.date(2026, 5, 31),
)
METRICS = ("enterprises", "schemes", "results", "verified", "trainings", "trained")


def counts(figures) -> tuple:
    return tuple(getattr(figures, m) for m in METRICS)


@pytest.fixture
def data(world):
    return campaign_data(world)


# --- counts ---------------------------------------------------------------------------------------------------------


def test_city_counts_on_any_day_from_the_timestamps(world, data):
    admin = world.users["admin"]
    # (enterprises, schemes, results, verified, trainings, trained)
    assert counts(campaign.campaign_figures(admin, "450300", datetime.date(2026, 3, 1))) == (0, 0, 0, 0, 0, 0)
    assert counts(campaign.campaign_figures(admin, "450300", END_MARCH)) == (2, 1, 2, 0, 0, 0)
    assert counts(campaign.campaign_figures(admin, "450300", END_APRIL)) == (2, 2, 4, 0, 2, 3)
    assert counts(campaign.campaign_figures(admin, "450300", END_MAY)) == (3, 2, 5, 1, 2, 3)
    # the draft never counts; the whole country adds 南宁's result
    assert counts(campaign.campaign_figures(admin, "", END_MAY)) == (4, 2, 6, 1, 2, 3)


def test_counts_per_county_city_and_province_list_every_division(world, data):
    admin = world.users["admin"]
    by_county = {f.region_code: f for f in campaign.figures_by_division(admin, "450300", END_MAY, 6)}
    assert counts(by_county[COUNTY]) == (2, 2, 4, 1, 1, 2)
    assert counts(by_county[OTHER_COUNTY]) == (1, 1, 1, 0, 1, 1)
    assert by_county[COUNTY].region_name == "阳朔县"
    assert counts(by_county["450305"]) == (0,) * 6  # a county without data is listed with zeros
    assert len(by_county) >= 17
    by_city = {f.region_code: f for f in campaign.figures_by_division(admin, "450000", END_MAY, 4)}
    assert counts(by_city["450300"]) == (3, 2, 5, 1, 2, 3) and by_city["450100"].results == 1
    assert by_city["450200"].results == 0
    by_province = {f.region_code: f for f in campaign.figures_by_division(admin, "", END_MAY, 2)}
    assert by_province["450000"].results == 6 and by_province["360000"].results == 0
    # a county asked by counties is itself
    assert [f.region_code for f in campaign.figures_by_division(admin, COUNTY, END_MAY, 6)] == [COUNTY]


def test_a_regulator_counts_only_its_jurisdiction(world, data):
    regulator = world.users["regulator"]  # bound to the county 450321
    mine = campaign.campaign_figures(regulator, COUNTY, END_MAY)
    assert counts(mine) == (2, 2, 4, 1, 1, 2)
    # even asked for the whole city, only the county's rows are there to count
    assert counts(campaign.campaign_figures(regulator, "450300", END_MAY)) == counts(mine)
    rows = {f.region_code: f.results for f in campaign.figures_by_division(regulator, "450300", END_MAY, 6)}
    assert rows[COUNTY] == 4 and rows[OTHER_COUNTY] == 0
    city = user("t_city_regulator", Role.REGULATOR, region_code="450300")
    assert counts(campaign.campaign_figures(city, "450300", END_MAY)) == (3, 2, 5, 1, 2, 3)


def test_enterprises_trained_are_distinct_across_trainings(world, data):
    regulator = world.users["regulator"]
    again = campaign_services.create_training(
        regulator,
        {
            "title": "第二期培训(测试)",
            "region_code": COUNTY,
            "held_on": MAY,
            "organiser": "阳朔县市场监督管理局",
            "participants": 10,
            "enterprises": [data["a"].uscc],
        },
    )
    figures = campaign.campaign_figures(world.users["admin"], "450300", END_MAY)
    assert (figures.trainings, figures.trained) == (3, 3)
    assert set(again.enterprises.all()) == {data["a"]}


def test_ranking_the_divisions_by_the_configured_key(world, data, settings):
    admin = world.users["admin"]
    rows = campaign.figures_by_division(admin, "450300", END_MAY, 6)
    ranked = campaign.rank_figures(rows, campaign.ranking_key(None))
    assert [(r.region_code, r.rank) for r in ranked[:2]] == [(COUNTY, 1), (OTHER_COUNTY, 2)]
    assert ranked[2].rank == 3 and ranked[-1].rank == 3  # the counties without data share the next rank
    settings.BENCHMARK_RANKING_KEYS = {"trained_first": {"label": "按培训企业", "weights": {"trained": 1}}}
    settings.BENCHMARK_RANKING_KEY = "trained_first"
    assert campaign.default_key() == "trained_first" and campaign.key_label("trained_first") == "按培训企业"
    assert campaign.check_settings() == []
    settings.BENCHMARK_RANKING_KEY = "nonsense"
    assert [e.id for e in campaign.check_settings()] == ["benchmarking.E002"]
    settings.BENCHMARK_RANKING_KEYS = {"bad": {"weights": {"sales": 1}}}
    assert "unknown count 'sales'" in campaign.check_settings()[0].msg


# --- trainings ------------------------------------------------------------------------------------------------------


def test_a_training_names_its_field_when_refused_and_writes_nothing(world, data):
    regulator = world.users["regulator"]
    before = Training.objects.count()
    base = {"title": "培训", "region_code": COUNTY, "held_on": APRIL, "organiser": "局", "participants": 5}
    with pytest.raises(ValidationError) as refused:
        campaign_services.create_training(
            regulator, {**base, "enterprises": f"{data['other'].uscc}\n不存在的企业"}
        )
    message = refused.value.message_dict["enterprises"][0]
    assert data["other"].uscc in message and "不存在的企业" in message  # outside the county: not found either
    with pytest.raises(ValidationError) as refused:
        campaign_services.create_training(regulator, {**base, "held_on": datetime.date(2999, 1, 1)})
    assert "held_on" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        campaign_services.create_training(regulator, {**base, "region_code": OTHER_COUNTY})
    with pytest.raises(PermissionDenied):
        campaign_services.create_training(world.users["enterprise"], base)
    assert Training.objects.count() == before


def test_editing_a_training_records_the_enterprise_change(world, data):
    training = data["training_in"]
    regulator = world.users["regulator"]
    campaign_services.update_training(
        regulator,
        training,
        {"title": "阳朔培训(改)", "enterprises": data["a"].uscc},
        training.updated_at.isoformat(),
    )
    training.refresh_from_db()
    assert training.title == "阳朔培训(改)" and list(training.enterprises.all()) == [data["a"]]
    event = AuditEvent.objects.get(action="training.set_enterprises")
    assert len(event.before["enterprises"]) == 2 and event.after["enterprises"] == [data["a"].pk]
    with pytest.raises(PermissionDenied):  # the other county's training
        campaign_services.update_training(regulator, data["training_out"], {"title": "x"})


# --- pilot batches --------------------------------------------------------------------------------------------------


def test_a_pilot_batch_takes_codes_and_names(world):
    admin = world.users["admin"]
    batch = pilot_batch(admin, cities=("450300", "宜春", "南宁市", "重庆市", "450300"))
    assert sorted(batch.cities.values_list("region_code", "name")) == [
        ("360900", "宜春市"),
        ("450100", "南宁市"),
        ("450300", "桂林市"),
        ("500000", "重庆市"),
    ]
    assert AuditEvent.objects.filter(action="pilotbatch.add_cities", object_id=str(batch.pk)).exists()
    with pytest.raises(ValidationError) as refused:
        campaign_services.add_pilot_cities(admin, batch, "450000、110103、不存在市、宜春")
    errors = refused.value.message_dict["cities"]
    assert any("省级行政区" in e for e in errors)  # 广西 is a province, not a city
    assert any("110103" in e and "110101" in e for e in errors)  # retired: names its successor
    assert any("不存在市" in e for e in errors)
    with pytest.raises(ValidationError, match="已在本批次中"):
        campaign_services.add_pilot_cities(admin, batch, "宜春")
    assert batch.cities.count() == 4
    with pytest.raises(ValidationError, match="第3批试点城市已登记"):
        pilot_batch(admin)
    with pytest.raises(PermissionDenied):
        pilot_batch(world.users["enterprise"], number=4)


# --- snapshots and movement ---------------------------------------------------------------------------------------


def test_a_snapshot_ranks_the_batch_cities_on_the_platform_data_and_is_retaken_in_place(world, data):
    regulator = world.users["regulator"]
    batch = pilot_batch(world.users["admin"])
    made = campaign_services.take_snapshot(regulator, batch, "results", END_MAY)
    rows = list(made.rows.order_by("rank"))
    assert [(r.region_code, r.rank, r.results, r.enterprises) for r in rows] == [
        (
            "450300",
            1,
            5,
            3,
        ),  # the whole city, although the regulator is a county's: a snapshot counts everything
        ("450100", 2, 1, 1),
        ("360900", 3, 0, 0),
    ]
    assert made.source == "computed" and made.batch == batch and "本平台" in made.note
    again = campaign_services.take_snapshot(regulator, batch, "results", END_MAY)
    assert again.pk == made.pk and RankingSnapshot.objects.count() == 1 and again.rows.count() == 3
    assert AuditEvent.objects.filter(action="rankingsnapshot.retake", object_id=str(made.pk)).exists()
    earlier = campaign_services.take_snapshot(regulator, batch, "results", END_MARCH)
    assert earlier.rows.get(region_code="450300").rank == 1
    lines = campaign.ranking_table(made, "450300")
    assert lines[0].is_home and lines[0].change.direction == "same"
    with pytest.raises(ValidationError) as refused:
        campaign_services.take_snapshot(regulator, batch, "nonsense", END_MAY)
    assert "key" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        campaign_services.take_snapshot(regulator, batch, "results", datetime.date(2999, 1, 1))
    assert "as_of" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        campaign_services.take_snapshot(world.users["enterprise"], batch, "results", END_MAY)


def test_movement_between_consecutive_snapshots_and_the_bulletin(world):
    admin = world.users["admin"]
    snapshots = national_ranking(
        admin,
        [
            (datetime.date(2026, 1, 31), 46),
            (datetime.date(2026, 2, 28), 43),
            (datetime.date(2026, 3, 31), 19),
        ],
    )
    latest = snapshots[-1]
    lines = {line.row.region_code: line for line in campaign.ranking_table(latest, "450300")}
    home = lines["450300"]
    assert (home.previous, home.row.rank, home.change.delta) == (43, 19, 24)
    assert home.movement_text == "由第43位升至第19位(上升24位)"
    history = campaign.home_history(latest, "450300")
    assert [r for _s, r, _n in history.points] == [46, 43, 19]
    assert history.movement_text == "由第43位升至第19位(上升24位)"
    assert history.bulletin == "在全国4个试点城市中的排名由四十余位跃升至第十九位"
    assert history.within_province == 2  # 南宁 (450100) is first in the latest table
    from django.utils import translation

    with translation.override("en"):
        assert "40-odd" in campaign.bulletin_phrase(43, 19)
    first = campaign.ranking_table(snapshots[0], "450300")
    assert all(line.change is None for line in first)  # nothing before it


# --- importing the national table ---------------------------------------------------------------------------------

HEADERS = ["排名", "城市", "行政区划代码", "参与对标企业数", "对标结果数", "得分", "排名日期"]
GOOD = [
    [1, "宜春市", "360900", 158, 363, 95.5, "2026-06-30"],
    [2, "南宁", "", 120, 300, "90.25", "2026-06-30"],
    ["第19位", "桂林市", "450300", 58, 120, 70, "2026/6/30"],
]


def _xlsx(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_national_table_imports_from_xlsx_with_a_bad_row_and_again_unchanged(world):
    regulator = world.users["regulator"]
    bad = [4, "不存在市", "", 1, 2, 3, "2026-06-30"]
    wrong_rank = ["abc", "柳州市", "450200", 1, 1, 1, "2026-06-30"]
    wrong_day = [5, "北海市", "450500", 1, 1, 1, "6月底"]
    session = stage_upload(regulator, "ranking", "全国排名.xlsx", _xlsx([*GOOD, bad, wrong_rank, wrong_day]))
    errors = {r.row_number: r.errors for r in session.rows.filter(status="error")}
    assert set(errors) == {5, 6, 7}
    assert errors[5][0]["field"] == "region_name" and "不存在市" in errors[5][0]["message"]
    assert errors[6][0]["field"] == "rank" and "abc" in errors[6][0]["message"]
    assert errors[7][0]["field"] == "as_of" and "6月底" in errors[7][0]["message"]
    commit_session(session, regulator)
    snapshot = RankingSnapshot.objects.get(
        source="imported", key="national", as_of=datetime.date(2026, 6, 30)
    )
    rows = {r.region_code: r for r in snapshot.rows.all()}
    assert set(rows) == {"360900", "450100", "450300"}  # 南宁 found by its name
    assert (rows["360900"].rank, rows["360900"].enterprises, rows["360900"].results) == (1, 158, 363)
    assert rows["450300"].rank == 19 and str(rows["450100"].value) == "90.2500"
    assert AuditEvent.objects.filter(action="rankingrow.create").count() == 3
    again = stage_upload(regulator, "ranking", "全国排名.xlsx", _xlsx(GOOD))
    assert set(again.rows.values_list("action", flat=True)) == {""}  # unchanged: nothing to write
    changed = stage_upload(
        regulator, "ranking", "全国排名.xlsx", _xlsx([[20, "桂林市", "450300", 58, 121, 70, "2026-06-30"]])
    )
    commit_session(changed, regulator)
    assert RankingRow.objects.get(snapshot=snapshot, region_code="450300").rank == 20
    assert RankingRow.objects.filter(snapshot=snapshot).count() == 3
    # a file without a day column cannot be imported at all
    from nqihub.imports.readers import FileError

    with pytest.raises(FileError, match="排名日期"):
        stage_upload(regulator, "ranking", "x.xlsx", _xlsx([[1, "宜春市"]], headers=["排名", "城市"]))


def test_the_national_table_imports_from_a_gb18030_csv(world):
    regulator = world.users["regulator"]
    text = "名次,城市名称,区划代码,参与企业数,总对标结果,日期\r\n1,宜春市,360900,158,363,2026年7月\r\n19,桂林市,450300,60,130,2026年7月\r\n"
    session = stage_upload(regulator, "ranking", "排名.csv", text.encode("gb18030"))
    assert session.encoding.lower().replace("-", "") == "gb18030" and session.error_count == 0
    commit_session(session, regulator)
    snapshot = RankingSnapshot.objects.get(source="imported", as_of=datetime.date(2026, 7, 31))
    assert dict(snapshot.rows.values_list("region_code", "rank")) == {"360900": 1, "450300": 19}
    assert snapshot.rows.get(region_code="450300").results == 130


def test_only_regulators_and_the_administrator_import_the_table(world):
    with pytest.raises(PermissionDenied):
        stage_upload(world.users["enterprise"], "ranking", "x.xlsx", _xlsx(GOOD))


# --- the command ----------------------------------------------------------------------------------------------------


def test_the_snapshot_command_for_a_daily_task(world, data):
    pilot_batch(world.users["admin"])
    out = io.StringIO()
    call_command(
        "campaign_snapshot", "--batch", "3", "--key", "results", "--date", "2026-05-31", "--json", stdout=out
    )
    payload = json.loads(out.getvalue())
    assert payload["cities"] == 3 and payload["rows"][0] == {
        "rank": 1,
        "region_code": "450300",
        "region_name": "桂林市",
        "value": 5.0,
    }
    event = AuditEvent.objects.get(action="rankingsnapshot.create")
    assert event.request_id.startswith("cli-campaign-snapshot-") and event.actor == world.users["admin"]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有这个试点城市批次"):
        call_command("campaign_snapshot", "--batch", "9")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("campaign_snapshot", "--date", "31/05/2026")


def test_a_county_regulator_sees_its_city_as_home(world):
    assert campaign.home_city(world.users["regulator"]) == "450300"
    assert campaign.home_city(world.users["admin"]) == "450300"
    assert campaign.home_city(user("t_cq", Role.REGULATOR, region_code="500101")) == "500000"
    assert enterprise  # (imported for the builders)


def test_the_administrator_deletes_a_ranking_and_the_event_keeps_its_rows(world):
    made = national_ranking(world.users["admin"], [(datetime.date(2026, 2, 28), 43)])[0]
    with pytest.raises(PermissionDenied):
        campaign_services.delete_snapshot(world.users["regulator"], made)
    campaign_services.delete_snapshot(world.users["admin"], made)
    assert not RankingSnapshot.objects.exists() and not RankingRow.objects.exists()
    event = AuditEvent.objects.get(action="rankingsnapshot.delete")
    assert ["450300", 43, None] in event.before["rows"]

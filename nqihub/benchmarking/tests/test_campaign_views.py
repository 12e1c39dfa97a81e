"""The campaign pages and API as regulators use them: the dashboard's counts table, the chart data drawn from the
same figures, the ranking with movement and the bulletin sentence, the xlsx exports opened with openpyxl, taking a
snapshot, recording trainings and pilot batches, and the read-only API — each within the user's jurisdiction."""

import datetime
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from nqihub.benchmarking.models import PilotBatch, RankingSnapshot, Training
from nqihub.core.models import Role
from nqihub.testing import COUNTY, OTHER_COUNTY, user

from .campaign_factories import APRIL, campaign_data, national_ranking, pilot_batch

pytestmark = pytest.mark.django_db

URL = reverse("benchmarking:campaign")


@pytest.fixture
def data(world):
    return campaign_data(world)


def chart_data(html: str) -> dict:
    found = re.search(r'<script id="campaign-chart-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def table_column(html: str, table: str, metric: str) -> list[int]:
    body = html.split(f'data-testid="{table}"', 1)[1].split("</tbody>", 1)[0]
    return [int(v) for v in re.findall(rf'data-metric="{metric}">(\d+)<', body)]


def test_a_county_regulator_sees_its_county_and_nothing_else(client, world, data):
    client.force_login(world.users["regulator"])
    response = client.get(URL, {"date": "2026-05-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="total-results">4<' in html and 'data-testid="total-trained">2<' in html
    assert "截至2026年5月31日,阳朔县参与对标企业2家,使用对标方案2个,总对标结果4个(其中达标验证1个)" in html
    assert table_column(html, "counts-table", "results") == [4]  # the county itself: no divisions below
    refused = client.get(URL, {"region": "450300"})
    assert refused.status_code == 403 and "只能查看本辖区" in refused.content.decode()
    bad = client.get(URL, {"date": "2026-13-01", "level": "nation", "key": "sales"})
    text = bad.content.decode()
    assert bad.status_code == 200
    for message in ("日期“2026-13-01”无法识别", "未知的分组“nation”", "未知的排名口径“sales”"):
        assert message in text


def test_the_charts_are_drawn_from_the_table_figures(client, world, data):
    client.force_login(world.users["admin"])
    html = client.get(URL, {"region": "450300", "level": "county", "date": "2026-05-31"}).content.decode()
    chart = chart_data(html)
    codes = chart["counts"]["codes"]
    assert codes[:2] == [COUNTY, OTHER_COUNTY] or set(codes[:2]) <= {COUNTY, OTHER_COUNTY} or len(codes) >= 17
    series = {s["metric"]: s["data"] for s in chart["counts"]["series"]}
    for metric in ("enterprises", "results", "verified", "trained"):
        assert series[metric] == table_column(html, "counts-table", metric), metric
    assert dict(zip(codes, series["results"], strict=True))[COUNTY] == 4
    # CSP: no inline script; ECharts and the drawing script come from this host
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert "vendor/echarts/echarts.min.js" in html and "benchmarking/campaign.js" in html
    assert "cdn" not in html.lower()


def test_the_ranking_shows_movement_and_the_bulletin(client, world, data):
    national_ranking(
        world.users["admin"],
        [
            (datetime.date(2026, 1, 31), 46),
            (datetime.date(2026, 2, 28), 43),
            (datetime.date(2026, 3, 31), 19),
        ],
    )
    client.force_login(world.users["regulator"])
    html = client.get(URL).content.decode()
    assert 'data-testid="home-movement">较上期:由第43位升至第19位(上升24位)<' in html
    assert "桂林市在全国4个试点城市中的排名由四十余位跃升至第十九位" in html
    home_row = html.split('data-testid="home-row"', 1)[1].split("</tr>", 1)[0]
    assert 'data-direction="up"' in home_row and "↑+24" in home_row
    rank = chart_data(html)["rank"]
    assert rank["data"] == [46, 43, 19] and rank["categories"][-1] == "2026-03-31"
    assert "示例" not in html.split('data-testid="ranking"', 1)[1].split("</table>", 1)[0]


def test_a_demo_ranking_is_marked_as_demo(client, world):
    from nqihub.benchmarking import campaign_services

    campaign_services.store_snapshot(
        world.users["admin"],
        as_of=datetime.date(2026, 1, 31),
        key="national",
        source="imported",
        rows=[{"region_code": "450300", "rank": 2}, {"region_code": "450100", "rank": 1}],
        title="示例排名",
        is_demo=True,
    )
    client.force_login(world.users["admin"])
    html = client.get(URL).content.decode()
    assert 'data-testid="demo-ranking"' in html and "并非真实排名" in html
    assert html.count('class="badge badge-demo ms-1">示例') >= 3  # the home summary and every row


def test_the_counts_export_opens_with_the_figures(client, world, data):
    client.force_login(world.users["admin"])
    response = client.get(
        reverse("benchmarking:campaign_counts_xlsx"),
        {"region": "450300", "level": "county", "date": "2026-05-31"},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("排名", "行政区划代码", "地区", "参与对标企业(家)")
    assert rows[0][4:] == ("使用对标方案(个)", "对标结果(个)", "达标验证(个)", "培训场次(场)", "培训企业(家)")
    by_code = {row[1]: row for row in rows[1:]}
    assert by_code[COUNTY] == (1, COUNTY, "阳朔县", 2, 2, 4, 1, 1, 2)
    assert by_code[OTHER_COUNTY][3:] == (1, 1, 1, 0, 1, 1)
    assert rows[-1] == (None, "450300", "桂林市合计", 3, 2, 5, 1, 2, 3)
    about = dict(book["说明"].iter_rows(values_only=True))
    assert about["截至日期"] == "2026-05-31" and about["分组"] == "按县(区)"
    refused = client.get(reverse("benchmarking:campaign_counts_xlsx"), {"date": "soon"})
    assert refused.status_code == 400 and "无法识别" in refused.content.decode()


def test_the_ranking_export_has_ranks_and_movement(client, world):
    snapshots = national_ranking(
        world.users["admin"], [(datetime.date(2026, 2, 28), 43), (datetime.date(2026, 3, 31), 19)]
    )
    client.force_login(world.users["regulator"])
    response = client.get(reverse("benchmarking:campaign_ranking_xlsx"), {"snapshot": snapshots[-1].pk})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "行政区划代码", "城市") and rows[0][-2:] == ("上期排名", "变化")
    home = next(r for r in rows[1:] if r[1] == "450300")
    assert (home[0], home[-2], home[-1]) == (19, 43, "由第43位升至第19位(上升24位)")
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])
    assert dict(book["说明"].iter_rows(values_only=True))["示例数据"] == "否"


def test_taking_a_snapshot_through_the_page(client, world, data):
    batch = pilot_batch(world.users["admin"])
    url = reverse("benchmarking:campaign_snapshot_create")
    client.force_login(world.users["regulator"])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"batch": batch.pk, "key": "results", "as_of": "2999-01-01"})
    assert refused.status_code == 400 and "排名日期不能晚于今天" in refused.content.decode()
    response = client.post(url, {"batch": batch.pk, "key": "enterprises", "as_of": "2026-05-31"})
    made = RankingSnapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert made.key == "enterprises" and made.rows.get(region_code="450300").rank == 1
    html = client.get(response["Location"]).content.decode()
    assert "测试试点城市" in html and "按参与对标企业数" in html


def test_recording_a_training_through_the_page(client, world, data):
    client.force_login(world.users["regulator"])
    url = reverse("benchmarking:campaign_training_create")
    form = client.get(url).content.decode()
    assert f'value="{COUNTY}"' in form  # the regulator's county is the default place
    post = {
        "title": "新一期培训",
        "held_on": "2026-05-20",
        "region_code": COUNTY,
        "organiser": "阳朔县市场监督管理局",
        "participants": "30",
        "enterprises": f"{data['a'].uscc}\n{data['other'].name}",
    }
    refused = client.post(url, post)
    assert refused.status_code == 400 and data["other"].name in refused.content.decode()
    outside = client.post(url, {**post, "region_code": OTHER_COUNTY, "enterprises": data["a"].uscc})
    assert outside.status_code == 400 and "不在您的管辖范围" in outside.content.decode()
    response = client.post(url, {**post, "enterprises": f"{data['a'].uscc}\n{data['b'].name}"})
    training = Training.objects.get(title="新一期培训")
    assert response.status_code == 302 and training.enterprises.count() == 2
    listing = client.get(reverse("benchmarking:campaign_training_list")).content.decode()
    assert (
        "新一期培训" in listing and "阳朔对标达标培训(测试)" in listing and "临桂对标达标培训" not in listing
    )
    edit = reverse("benchmarking:campaign_training_edit", args=[training.pk])
    assert data["a"].uscc in client.get(edit).content.decode()
    assert (
        client.get(reverse("benchmarking:campaign_training_edit", args=[data["training_out"].pk])).status_code
        == 404
    )


def test_recording_a_pilot_batch_and_its_cities(client, world):
    client.force_login(world.users["regulator"])
    response = client.post(
        reverse("benchmarking:campaign_pilot_create"),
        {"number": "3", "title": "第三批试点城市", "cities": "桂林市\n360900,南宁"},
    )
    batch = PilotBatch.objects.get()
    assert response.status_code == 302 and batch.cities.count() == 3
    detail = reverse("benchmarking:campaign_pilot_detail", args=[batch.pk])
    refused = client.post(detail, {"cities": "450000"})
    assert refused.status_code == 400 and "省级行政区" in refused.content.decode()
    assert client.post(detail, {"cities": "柳州"}).status_code == 302
    city = batch.cities.get(region_code="450200")
    remove = reverse("benchmarking:campaign_pilot_city_remove", args=[batch.pk, city.pk])
    assert client.post(remove).status_code == 302 and batch.cities.count() == 3
    bad = client.post(
        reverse("benchmarking:campaign_pilot_create"), {"number": "", "title": "", "cities": "x"}
    )
    assert bad.status_code == 400


def test_the_api(client, world, data):
    national_ranking(
        world.users["admin"], [(datetime.date(2026, 2, 28), 43), (datetime.date(2026, 3, 31), 19)]
    )
    client.force_login(world.users["regulator"])
    counts = client.get(reverse("benchmarking:campaign-counts-api"), {"date": "2026-05-31"}).json()
    assert (counts["region_code"], counts["results"], counts["trained"]) == (COUNTY, 4, 2)
    assert counts["by_region"] == [
        {
            "region_code": COUNTY,
            "region_name": "阳朔县",
            "enterprises": 2,
            "schemes": 2,
            "results": 4,
            "verified": 1,
            "trainings": 1,
            "trained": 2,
            "rank": 1,
            "value": 4.0,
        }
    ]
    assert client.get(reverse("benchmarking:campaign-counts-api"), {"region": "450300"}).status_code == 403
    assert client.get(reverse("benchmarking:campaign-counts-api"), {"date": "x"}).status_code == 400
    listing = client.get(reverse("benchmarking:campaign-ranking-api-list")).json()
    latest = listing["results"][0]
    detail = client.get(reverse("benchmarking:campaign-ranking-api-detail", args=[latest["id"]])).json()
    home = next(r for r in detail["rows"] if r["region_code"] == "450300")
    assert (home["rank"], home["previous_rank"], home["change"], home["movement"]) == (19, 43, 24, "up")
    trainings = client.get(reverse("benchmarking:campaign-training-api-list")).json()["results"]
    assert [t["title"] for t in trainings] == ["阳朔对标达标培训(测试)"] and trainings[0][
        "enterprise_count"
    ] == 2
    city_regulator = user("t_city", Role.REGULATOR, region_code="450300")
    client.force_login(city_regulator)
    assert len(client.get(reverse("benchmarking:campaign-training-api-list")).json()["results"]) == 2
    assert client.get(reverse("api-schema")).status_code == 200


def test_a_training_dated_by_the_form(world, data):
    assert Training.objects.filter(held_on=APRIL).count() == 2


def test_the_national_table_goes_through_the_import_pages(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users["regulator"])
    html = client.get(URL).content.decode()
    assert 'data-testid="ranking-import"' in html and 'data-testid="take-snapshot"' in html
    page = client.get(reverse("imports:session_create", args=["ranking"]))
    assert page.status_code == 200 and "排名日期" in page.content.decode()
    csv = "排名,城市,排名日期\r\n1,宜春市,2026-06-30\r\n2,不存在市,2026-06-30\r\n".encode("gb18030")
    response = client.post(
        reverse("imports:session_create", args=["ranking"]), {"file": SimpleUploadedFile("排名.csv", csv)}
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "不存在市" in detail
    client.post(response["Location"].rstrip("/") + "/commit/")
    export = client.get(reverse("imports:export", args=["ranking", "csv"]))
    text = export.content.decode("utf-8-sig")
    assert (
        text.splitlines()[0].startswith("排名日期,排名,行政区划代码,城市")
        and "2026-06-30,1,360900,宜春市" in text
    )


def test_the_administrator_reads_the_whole_country_by_province(client, world, data):
    client.force_login(world.users["admin"])
    html = client.get(URL, {"region": "", "date": "2026-05-31"}).content.decode()
    assert 'data-testid="total-results">6<' in html and "截至2026年5月31日,全国参与对标企业4家" in html
    assert 'data-code="450000"' in html and 'data-code="110000"' in html
    assert table_column(html, "counts-table", "results").count(6) == 1
    refused = client.get(URL, {"region": "", "level": "county"}).content.decode()
    assert "所选地区不能按“按县(区)”分组" in refused
    assert client.get(URL, {"region": "450300", "level": "province"}).status_code == 200

"""In the browser: a city regulator opens the 对标达标 dashboard. The bar chart (ECharts, vendored, drawn by a static
script from the page's JSON) holds exactly the figures of the counts table; the line chart holds 桂林's rank in
each snapshot on an inverted axis; the ranking says "由第43位升至第19位(上升24位)" and "由四十余位跃升至第十九位";
the counts export downloads as an xlsx with the same figures; the county level tab and the region drill-down work."""

import datetime
import io

import openpyxl
import pytest

from nqihub.benchmarking.tests.campaign_factories import campaign_data, national_ranking
from nqihub.core.models import Role
from nqihub.testing import COUNTY, OTHER_COUNTY, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Tongji2026paiming"
METRICS = ("enterprises", "results", "verified", "trained")

SERIES = """selector => {
  const chart = echarts.getInstanceByDom(document.querySelector(selector));
  const option = chart.getOption();
  return {
    series: option.series.map(s => ({id: s.id, data: s.data})),
    categories: option.xAxis[0].data,
    inverse: option.yAxis[0].inverse,
  };
}"""


def column(page, metric: str) -> list[int]:
    cells = page.locator(f"[data-testid=counts-table] tbody td[data-metric={metric}]")
    return [int(text) for text in cells.all_inner_texts()]


def test_a_regulator_reads_the_campaign_dashboard(live_server, page, screenshot, world, settings, tmp_path):
    campaign_data(world)
    national_ranking(
        world.users["admin"],
        [
            (datetime.date(2026, 1, 31), 46),
            (datetime.date(2026, 2, 28), 43),
            (datetime.date(2026, 3, 31), 19),
        ],
    )
    user(
        "guilin_tongji",
        Role.REGULATOR,
        password=PASSWORD,
        region_code="450300",
        display_name="桂林市局统计员",
    )

    page.goto(f"{live_server.url}/benchmarking/campaign/?date=2026-05-31")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "guilin_tongji")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('登录')")
    page.wait_for_url("**/benchmarking/campaign/?date=2026-05-31")

    # --- the figures, and the bar chart drawn from them
    assert page.locator("[data-testid=total-results]").inner_text() == "5"
    assert "桂林市参与对标企业3家" in page.locator("[data-testid=campaign-sentence]").inner_text()
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.querySelector('[data-chart=counts]'))"
    )
    assert page.locator("[data-chart=counts] canvas").count() >= 1
    drawn = page.evaluate(SERIES, "[data-chart=counts]")
    assert [s["id"] for s in drawn["series"]] == list(METRICS)
    for series in drawn["series"]:
        assert series["data"] == column(page, series["id"]), series["id"]
    codes = page.locator("[data-testid=counts-table] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.code)"
    )
    by_code = dict(zip(codes, column(page, "results"), strict=True))
    assert by_code[COUNTY] == 4 and by_code[OTHER_COUNTY] == 1
    assert len(drawn["categories"]) == len(codes) and "阳朔县" in drawn["categories"]

    # --- the ranking: movement, bulletin, and the line chart with rank 1 at the top
    assert page.locator("[data-testid=home-movement]").inner_text() == "较上期:由第43位升至第19位(上升24位)"
    assert (
        "在全国4个试点城市中的排名由四十余位跃升至第十九位"
        in page.locator("[data-testid=home-bulletin]").inner_text()
    )
    assert (
        page.locator("[data-testid=home-row] [data-testid=movement]").get_attribute("data-direction") == "up"
    )
    assert page.locator("[data-chart=rank] canvas").count() >= 1
    line = page.evaluate(SERIES, "[data-chart=rank]")
    assert line["series"][0]["data"] == [46, 43, 19] and line["inverse"] is True
    assert line["categories"] == ["2026-01-31", "2026-02-28", "2026-03-31"]
    screenshot("campaign-dashboard")

    # --- the export holds the table's figures
    with page.expect_download() as download:
        page.click("[data-testid=counts-xlsx]")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = {row[1]: row for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert rows[COUNTY][5] == 4 and rows[OTHER_COUNTY][5] == 1 and rows["450300"][5] == 5

    # --- drill down into the county; the city level is no longer offered there
    page.click(f"[data-testid=counts-table] tr[data-code='{COUNTY}'] a")
    page.wait_for_load_state()
    assert page.locator("[data-testid=total-results]").inner_text() == "4"
    assert page.locator("[data-testid=level-tabs] a").all_inner_texts() == ["按县(区)"]
    drawn = page.evaluate(SERIES, "[data-chart=counts]")
    assert drawn["series"][1]["data"] == [4]

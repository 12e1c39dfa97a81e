/* The 对标达标 dashboard's charts (ECharts, vendored): drawn from the JSON block #campaign-chart-data, which holds the
   same figures as the page's tables. No inline script (CSP); without JavaScript the tables remain. */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("campaign-chart-data");
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var charts = [];

    var countsBox = document.querySelector("[data-chart=counts]");
    if (countsBox && data.counts && data.counts.categories.length) {
      var counts = window.echarts.init(countsBox);
      var many = data.counts.categories.length > 8;
      counts.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 16, right: 16, top: 40, bottom: 8, containLabel: true },
        xAxis: {
          type: "category",
          data: data.counts.categories,
          axisLabel: { interval: 0, rotate: many ? 35 : 0 }
        },
        yAxis: { type: "value", minInterval: 1 },
        series: data.counts.series.map(function (s) {
          return { id: s.metric, name: s.name, type: "bar", data: s.data };
        })
      });
      charts.push(counts);
    } else if (countsBox) {
      countsBox.style.display = "none";
    }

    var rankBox = document.querySelector("[data-chart=rank]");
    if (rankBox && data.rank) {
      var rank = window.echarts.init(rankBox);
      rank.setOption({
        title: { text: data.rank.title, left: "center", textStyle: { fontSize: 14 } },
        tooltip: {
          trigger: "axis",
          formatter: function (items) {
            var item = items[0];
            var size = data.rank.sizes[item.dataIndex];
            return item.axisValue + "<br>" + item.seriesName + ": " + (item.value == null ? "—" : item.value + " / " + size);
          }
        },
        grid: { left: 16, right: 48, top: 48, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.rank.categories, boundaryGap: false },
        // rank 1 at the top: a rise goes up
        yAxis: { type: "value", inverse: true, min: 1, minInterval: 1 },
        series: [{
          id: "rank",
          name: data.rank.name,
          type: "line",
          data: data.rank.data,
          connectNulls: false,
          label: { show: true, position: "top" },
          symbolSize: 8
        }]
      });
      charts.push(rank);
    }

    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

/* CARES Kids: the dashboard's trend chart (vendored Chart.js, no CDN). The data comes from
   the <script type="application/json" id="trend-data"> block the page renders; clicking a
   bar opens the deadlines behind it. */
(function () {
  "use strict";
  var canvas = document.getElementById("trend-chart");
  var source = document.getElementById("trend-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = {met: "#198754", late: "#fd7e14", overdue: "#dc3545", open: "#0dcaf0",
                 excepted: "#6c757d"};
  var order = ["met", "late", "overdue", "open", "excepted"];
  var datasets = order.map(function (status) {
    return {type: "bar", label: data.names[status], data: data.series[status],
            backgroundColor: colours[status], stack: "deadlines", yAxisID: "y",
            status: status};
  });
  datasets.push({type: "line", label: data.names.rate, data: data.rate, yAxisID: "rate",
                 borderColor: "#0d6efd", backgroundColor: "#0d6efd", spanGaps: true,
                 tension: 0.2});
  var chart = new Chart(canvas, {
    data: {labels: data.labels, datasets: datasets},
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: {mode: "index", intersect: false},
      scales: {
        x: {stacked: true},
        y: {stacked: true, beginAtZero: true, title: {display: true, text: "#"}},
        rate: {position: "right", min: 0, max: 100, grid: {drawOnChartArea: false},
               title: {display: true, text: "%"}}
      },
      onClick: function (event) {
        var hit = chart.getElementsAtEventForMode(event, "nearest", {intersect: true}, false);
        if (!hit.length) { return; }
        var status = chart.data.datasets[hit[0].datasetIndex].status;
        if (status) { window.location.href = data.links[status][hit[0].index]; }
      }
    }
  });
  canvas.dataset.ready = "1";
  window.addEventListener("beforeprint", function () { chart.resize(); });
})();

// The 12-month trend of E and H with the two targets as dashed lines. The canvas fills its box
// (.trend-box, portal.css): a fixed height, so that on a phone the lines get the room and the
// legend goes below them in two columns instead of eating the chart.
(function () {
  var canvas = document.getElementById("trend");
  var source = document.getElementById("trend-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var targets = JSON.parse(canvas.dataset.targets || "[95, 40]");
  var flat = function (value) { return data.labels.map(function () { return value; }); };
  var narrow = function () { return window.matchMedia("(max-width: 767.98px)").matches; };
  var chart = new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: canvas.dataset.labelE || "E", data: data.e, borderColor: "#8b1a1a", backgroundColor: "#8b1a1a", spanGaps: false, tension: 0.2 },
        { label: canvas.dataset.labelH || "H", data: data.h, borderColor: "#1a5f8b", backgroundColor: "#1a5f8b", spanGaps: false, tension: 0.2 },
        { label: (canvas.dataset.labelTarget || "") + " E", data: flat(targets[0]), borderColor: "#8b1a1a", borderDash: [6, 4], pointRadius: 0, borderWidth: 1 },
        { label: (canvas.dataset.labelTarget || "") + " H", data: flat(targets[1]), borderColor: "#1a5f8b", borderDash: [6, 4], pointRadius: 0, borderWidth: 1 }
      ]
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: narrow() ? "bottom" : "top", labels: { boxWidth: narrow() ? 18 : 40, font: { size: narrow() ? 11 : 12 } } } },
      scales: {
        x: { ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 8, font: { size: narrow() ? 10 : 12 } } },
        y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } }
      }
    }
  });
  window.addEventListener("resize", function () {
    var legend = chart.options.plugins.legend;
    var position = narrow() ? "bottom" : "top";
    if (legend.position !== position) {
      legend.position = position;
      legend.labels.boxWidth = narrow() ? 18 : 40;
      legend.labels.font.size = narrow() ? 11 : 12;
      chart.options.scales.x.ticks.font.size = narrow() ? 10 : 12;
      chart.update();
    }
  });
})();

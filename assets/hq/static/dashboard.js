// Draws each <canvas data-chart="ID"> from the JSON in <script id="ID">, with Chart.js.
// Only drawing happens here: every number was computed by HQ and is in the page's tables.
"use strict";
(function () {
  function draw() {
    if (typeof Chart === "undefined") {
      return;
    }
    Chart.defaults.font.family = "system-ui, sans-serif";
    Chart.defaults.animation = false;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) {
        return;
      }
      var config = JSON.parse(source.textContent);
      config.options = config.options || {};
      config.options.responsive = true;
      config.options.maintainAspectRatio = false;
      canvas.chart = new Chart(canvas, config);
      canvas.dataset.drawn = "true";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

// Draws each <canvas data-chart="ID"> from the JSON in <script id="ID">, with Chart.js, and
// makes the actions form friendlier (a live preview, a dialog before removing). Only drawing
// and showing happen here: every number was computed by HQ and is in the page's tables, and
// every form works without this file.
"use strict";
(function () {
  // The configs' own keys (hq/dashboard/charts.py): percentAxes and sameLegendAs.
  function withPercent(config) {
    var scales = (config.options.scales = config.options.scales || {});
    (config.percentAxes || []).forEach(function (axis) {
      var scale = (scales[axis] = scales[axis] || {});
      scale.ticks = scale.ticks || {};
      scale.ticks.callback = function (value, index, ticks) {
        return Chart.Ticks.formatters.numeric.call(this, value, index, ticks) + "%";
      };
    });
    delete config.percentAxes;
  }

  function withSharedLegend(config) {
    var plugins = (config.options.plugins = config.options.plugins || {});
    var legend = (plugins.legend = plugins.legend || {});
    legend.labels = legend.labels || {};
    legend.labels.filter = function (item, data) {
      return data.datasets[item.datasetIndex].sameLegendAs === undefined;
    };
    legend.onClick = function (event, item, shown) {
      var chart = shown.chart;
      var index = item.datasetIndex;
      var visible = !chart.isDatasetVisible(index);
      chart.data.datasets.forEach(function (dataset, i) {
        if (i === index || dataset.sameLegendAs === index) {
          chart.setDatasetVisibility(i, visible);
        }
      });
      chart.update();
    };
  }

  // The configs name colours as "var(--name)" (hq/dashboard/charts.py): the stylesheet's
  // :root holds each once, and a canvas takes only the value.
  function withColours(value, style) {
    if (typeof value === "string") {
      var named = /^var\((--[a-z0-9-]+)\)$/.exec(value);
      return named ? style.getPropertyValue(named[1]).trim() || value : value;
    }
    if (Array.isArray(value)) {
      return value.map(function (item) {
        return withColours(item, style);
      });
    }
    if (value && typeof value === "object") {
      Object.keys(value).forEach(function (key) {
        value[key] = withColours(value[key], style);
      });
    }
    return value;
  }

  function draw() {
    if (typeof Chart === "undefined") {
      return;
    }
    var style = getComputedStyle(document.documentElement);
    Chart.defaults.font.family = "system-ui, sans-serif";
    Chart.defaults.color = style.getPropertyValue("--muted").trim() || Chart.defaults.color;
    Chart.defaults.animation = false;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) {
        return;
      }
      var config = withColours(JSON.parse(source.textContent), style);
      config.options = config.options || {};
      config.options.responsive = true;
      config.options.maintainAspectRatio = false;
      config.options.locale = document.documentElement.lang || undefined;
      withPercent(config);
      withSharedLegend(config);
      canvas.chart = new Chart(canvas, config);
      canvas.dataset.drawn = "true";
    });
  }

  // "U zei, wij deden: ..." as the kiosk will show it: plain text, spaces as HQ keeps them.
  function preview() {
    document.querySelectorAll("input[data-preview]").forEach(function (field) {
      var shown = document.getElementById(field.dataset.preview);
      if (!shown) {
        return;
      }
      var update = function () {
        var text = field.value.split(/\s+/).filter(Boolean).join(" ");
        shown.textContent = text ? shown.dataset.prefix + ": " + text : "";
      };
      field.addEventListener("input", update);
      update();
    });
  }

  // A "Remove" link leads to a confirmation page; with this, the question comes in place.
  function confirmRemoval() {
    var dialog = document.getElementById("confirm-remove");
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    var form = dialog.querySelector("form");
    var title = document.getElementById("confirm-title");
    document.querySelectorAll("a[data-remove]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        form.action = link.getAttribute("href");
        title.textContent = link.dataset.question;
        dialog.showModal();
      });
    });
    document.getElementById("a-keep").addEventListener("click", function (event) {
      event.preventDefault();
      dialog.close();
    });
  }

  function start() {
    draw();
    preview();
    confirmRemoval();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* A small SVG chart renderer, served by the app itself (no CDN: schools' networks are closed).
 *
 * Every chart draws the table it stands beside, so the figures on screen and in the table are
 * the same numbers:
 *   <figure class="mon-chart" data-kind="hbar|line|columns" data-table="TABLE_ID"
 *           data-target="75" data-max="100" data-unit="%">
 *     <div class="mon-chart-canvas"></div>
 *   </figure>
 *   <table id="TABLE_ID"> ... <tr data-label="Name" data-value="50.0" data-plan="60.0"> ...
 * An empty data-value draws nothing for that row (no data). The words the charts write come from
 * the page, translated: data-word-target, data-word-plan, data-word-no-data on the figure.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var LABEL_WIDTH = 48;  // room a value label takes: «100,0%» at the chart's font size

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function num(value) {
    if (value === undefined || value === null || value === "") { return null; }
    var n = parseFloat(String(value).replace(",", "."));
    return isNaN(n) ? null : n;
  }

  function fmt(n) { return n === null ? "—" : String(Math.round(n * 10) / 10).replace(".", ","); }

  /* A share as the tables write it: one decimal, «32,0». */
  function fmt1(n) { return n === null ? "—" : n.toFixed(1).replace(".", ","); }

  function readRows(table) {
    return Array.prototype.map.call(table.querySelectorAll("tr[data-label]"), function (tr) {
      return { label: tr.getAttribute("data-label"), value: num(tr.getAttribute("data-value")),
               plan: num(tr.getAttribute("data-plan")) };
    });
  }

  /* Horizontal bars in the order of the table (the server sorts them by share). A bar below the
   * target is drawn in the warning colour; the value is written just after the bar, or after the
   * plan's marker when the marker stands where the label would be, so the two never cover each
   * other; a truncated name and
   * the whole row show the full name and the figures on hover. */
  function hbar(svgWidth, rows, opts) {
    var labelWidth = Math.min(260, Math.max(120, svgWidth * 0.32)), rowH = 22, top = 24, bottom = 26;
    var valueRoom = 64, plotW = Math.max(60, svgWidth - labelWidth - valueRoom - 8);
    var height = top + rows.length * rowH + bottom, half = rowH / 2 - 3;
    var svg = el("svg", { width: svgWidth, height: height, viewBox: "0 0 " + svgWidth + " " + height });
    var x = function (v) { return labelWidth + (Math.max(0, Math.min(v, opts.max)) / opts.max) * plotW; };
    [0, 25, 50, 75, 100].forEach(function (t) {
      var tx = x(t * opts.max / 100);
      svg.appendChild(el("line", { x1: tx, x2: tx, y1: top - 4, y2: height - bottom, "class": "mon-grid" }));
      svg.appendChild(el("text", { x: tx, y: height - 8, "text-anchor": "middle", "class": "mon-axis" },
        fmt(t * opts.max / 100) + opts.unit));
    });
    rows.forEach(function (row, i) {
      var y = top + i * rowH, mid = y + rowH * 0.65, hint = row.label + ": " +
        (row.value === null ? opts.words.noData : fmt1(row.value) + opts.unit) +
        (row.plan === null ? "" : " (" + opts.words.plan + " " + fmt1(row.plan) + opts.unit + ")");
      var band = el("rect", { x: 0, y: y, width: svgWidth, height: rowH, "class": "mon-row" });
      band.appendChild(el("title", {}, hint));
      svg.appendChild(band);
      var name = el("text", { x: labelWidth - 6, y: mid, "text-anchor": "end", "class": "mon-label" },
        row.label.length > 34 ? row.label.slice(0, 33) + "…" : row.label);
      name.appendChild(el("title", {}, hint));
      svg.appendChild(name);
      var end = labelWidth;
      if (row.value !== null) {
        var below = opts.target !== null && row.value < opts.target;
        var bar = el("rect", { x: labelWidth, y: y + 3, width: Math.max(1, x(row.value) - labelWidth), height: rowH - 6,
          "class": below ? "mon-bar mon-bar-below" : "mon-bar" });
        bar.appendChild(el("title", {}, hint));
        svg.appendChild(bar);
        end = x(row.value);
      }
      if (row.plan !== null) {
        var px = x(row.plan);
        var mark = el("path", { d: "M" + px + " " + (y + 3) + " l" + half + " " + half + " l-" + half + " " + half +
          " l-" + half + " -" + half + "z", "class": "mon-plan" });
        mark.appendChild(el("title", {}, hint));
        svg.appendChild(mark);
        // Beside the bar, unless the marker sits where the label would be: then after the marker.
        if (px + half > end && px - half < end + 4 + LABEL_WIDTH) { end = px + half; }
      }
      svg.appendChild(el("text", { x: end + 4, y: mid, "class": row.value === null ? "mon-nodata" : "mon-value" },
        row.value === null ? opts.words.noData : fmt1(row.value) + opts.unit));
    });
    if (opts.target !== null) {
      var tx = x(opts.target);
      svg.appendChild(el("line", { x1: tx, x2: tx, y1: top - 8, y2: height - bottom, "class": "mon-target" }));
      svg.appendChild(el("text", { x: tx, y: top - 10, "text-anchor": "middle", "class": "mon-target-label" },
        opts.words.target + " " + fmt(opts.target) + opts.unit));
    }
    return svg;
  }

  function line(svgWidth, rows, opts) {
    var left = 44, right = 20, top = 20, bottom = 40, height = 260;
    var plotW = svgWidth - left - right, plotH = height - top - bottom;
    var svg = el("svg", { width: svgWidth, height: height, viewBox: "0 0 " + svgWidth + " " + height });
    var step = rows.length > 1 ? plotW / (rows.length - 1) : 0;
    var x = function (i) { return left + (rows.length > 1 ? i * step : plotW / 2); };
    var y = function (v) { return top + plotH - (Math.max(0, Math.min(v, opts.max)) / opts.max) * plotH; };
    [0, 25, 50, 75, 100].forEach(function (t) {
      var ty = y(t * opts.max / 100);
      svg.appendChild(el("line", { x1: left, x2: left + plotW, y1: ty, y2: ty, "class": "mon-grid" }));
      svg.appendChild(el("text", { x: left - 6, y: ty + 4, "text-anchor": "end", "class": "mon-axis" }, fmt(t * opts.max / 100)));
    });
    if (opts.target !== null) {
      svg.appendChild(el("line", { x1: left, x2: left + plotW, y1: y(opts.target), y2: y(opts.target), "class": "mon-target" }));
    }
    var points = [];
    rows.forEach(function (row, i) {
      svg.appendChild(el("text", { x: x(i), y: height - 18, "text-anchor": "middle", "class": "mon-axis" }, row.label));
      if (row.value !== null) { points.push([x(i), y(row.value), row]); }
    });
    if (points.length > 1) {
      svg.appendChild(el("polyline", { points: points.map(function (p) { return p[0] + "," + p[1]; }).join(" "), "class": "mon-line" }));
    }
    points.forEach(function (p) {
      var dot = el("circle", { cx: p[0], cy: p[1], r: 4, "class": "mon-dot" });
      dot.appendChild(el("title", {}, p[2].label + ": " + fmt(p[2].value) + opts.unit));
      svg.appendChild(dot);
      svg.appendChild(el("text", { x: p[0], y: p[1] - 8, "text-anchor": "middle", "class": "mon-value" }, fmt(p[2].value) + opts.unit));
    });
    return svg;
  }

  function columns(svgWidth, rows, opts) {
    var left = 40, right = 10, top = 20, bottom = 40, height = 240;
    var plotW = svgWidth - left - right, plotH = height - top - bottom;
    var max = Math.max(1, Math.max.apply(null, rows.map(function (r) { return r.value || 0; })));
    var svg = el("svg", { width: svgWidth, height: height, viewBox: "0 0 " + svgWidth + " " + height });
    var w = plotW / Math.max(1, rows.length);
    svg.appendChild(el("line", { x1: left, x2: left + plotW, y1: top + plotH, y2: top + plotH, "class": "mon-grid" }));
    rows.forEach(function (row, i) {
      var v = row.value || 0, h = (v / max) * plotH, bx = left + i * w;
      var bar = el("rect", { x: bx + 3, y: top + plotH - h, width: Math.max(1, w - 6), height: h, "class": "mon-bar" });
      bar.appendChild(el("title", {}, row.label + ": " + v));
      svg.appendChild(bar);
      svg.appendChild(el("text", { x: bx + w / 2, y: top + plotH - h - 4, "text-anchor": "middle", "class": "mon-value" }, String(v)));
      svg.appendChild(el("text", { x: bx + w / 2, y: height - 20, "text-anchor": "middle", "class": "mon-axis" }, row.label));
    });
    return svg;
  }

  var KINDS = { hbar: hbar, line: line, columns: columns };

  function draw(figure) {
    var table = document.getElementById(figure.getAttribute("data-table"));
    var canvas = figure.querySelector(".mon-chart-canvas");
    var kind = KINDS[figure.getAttribute("data-kind")];
    if (!table || !canvas || !kind) { return; }
    var rows = readRows(table);
    canvas.textContent = "";
    if (!rows.length) {
      canvas.appendChild(document.createTextNode("Нет данных для диаграммы."));
      return;
    }
    var opts = { target: num(figure.getAttribute("data-target")), max: num(figure.getAttribute("data-max")) || 100,
                 unit: figure.getAttribute("data-unit") || "",
                 words: { target: figure.getAttribute("data-word-target") || "",
                          plan: figure.getAttribute("data-word-plan") || "",
                          noData: figure.getAttribute("data-word-no-data") || "—" } };
    var svg = kind(Math.max(320, canvas.clientWidth || 640), rows, opts);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", figure.getAttribute("data-title") || "");
    svg.setAttribute("class", "mon-svg");
    canvas.appendChild(svg);
  }

  function drawAll() { Array.prototype.forEach.call(document.querySelectorAll("figure.mon-chart"), draw); }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); } else { drawAll(); }
  var pending;
  window.addEventListener("resize", function () { clearTimeout(pending); pending = setTimeout(drawAll, 200); });
}());

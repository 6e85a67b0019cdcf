// The training report of tinygrad_scalar: curves, decision boundary per epoch and the
// confusion matrix, drawn as SVG from the JSON element #report-data (written by
// tinygrad_scalar.train.report.TrainingReport).
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var H = D.history, epochs = H.epoch || [];
  var CLASS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
               "#7f7f7f", "#bcbd22", "#17becf"];

  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function fmt(v) {
    if (v === null || v === undefined) { return "-"; }
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) { return v.toExponential(2); }
    return String(Number(v.toPrecision(4)));
  }

  // ---------------------------------------------------------------- line charts
  function chart(id, series, yFixed) {
    var svg = document.getElementById(id);
    var box = svg.viewBox.baseVal, W = box.width, Hh = box.height;
    var L = 52, R = 12, T = 10, B = 30;
    var all = [];
    series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null) { all.push(v); } }); });
    if (!all.length || !epochs.length) {
      svg.appendChild(svgEl("text", { x: W / 2, y: Hh / 2, "text-anchor": "middle", "class": "tick" },
        "nothing recorded"));
      return;
    }
    var lo = yFixed ? yFixed[0] : Math.min.apply(null, all);
    var hi = yFixed ? yFixed[1] : Math.max.apply(null, all);
    if (hi === lo) { hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1); lo = lo - (hi - lo); }
    var e0 = epochs[0], e1 = epochs[epochs.length - 1];
    if (e1 === e0) { e1 = e0 + 1; }
    function X(e) { return L + (W - L - R) * (e - e0) / (e1 - e0); }
    function Y(v) { return T + (Hh - T - B) * (1 - (v - lo) / (hi - lo)); }
    for (var k = 0; k <= 4; k++) {
      var v = lo + (hi - lo) * k / 4;
      svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: Y(v), y2: Y(v), "class": "grid" }));
      svg.appendChild(svgEl("text", { x: L - 4, y: Y(v) + 3, "text-anchor": "end", "class": "tick" }, fmt(v)));
    }
    svg.appendChild(svgEl("line", { x1: L, x2: L, y1: T, y2: Hh - B, "class": "axis" }));
    svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: Hh - B, y2: Hh - B, "class": "axis" }));
    [e0, e1].forEach(function (e, i) {
      svg.appendChild(svgEl("text", { x: X(e), y: Hh - B + 14, "text-anchor": i ? "end" : "start",
        "class": "tick" }, String(e)));
    });
    svg.appendChild(svgEl("text", { x: (L + W - R) / 2, y: Hh - 4, "text-anchor": "middle", "class": "tick" }, "epoch"));
    series.forEach(function (s, i) {
      var pts = [];
      s.values.forEach(function (v, j) { if (v !== null) { pts.push(X(epochs[j]).toFixed(1) + "," + Y(v).toFixed(1)); } });
      var line = svgEl("polyline", { points: pts.join(" "), "class": "curve", stroke: s.color });
      line.setAttribute("data-series", s.name);
      svg.appendChild(line);
      var last = s.values[s.values.length - 1];
      svg.appendChild(svgEl("text", { x: W - R - 4, y: T + 12 + 13 * i, "text-anchor": "end",
        "class": "legend", fill: s.color }, s.name + "  " + fmt(last)));
    });
  }

  function series(names, colors) {
    var out = [];
    names.forEach(function (n, i) { if (H[n]) { out.push({ name: n, values: H[n], color: colors[i] }); } });
    return out;
  }

  // ---------------------------------------------------------------- decision boundary
  function mix(a, b, t) {
    var out = "#";
    for (var i = 1; i < 7; i += 2) {
      var x = parseInt(a.slice(i, i + 2), 16), y = parseInt(b.slice(i, i + 2), 16);
      var m = Math.round(x + (y - x) * t);
      out += (m < 16 ? "0" : "") + m.toString(16);
    }
    return out;
  }

  function boundary() {
    var panel = document.getElementById("boundary-panel");
    if (!D.frames.length || !D.bounds) {
      panel.querySelector("#boundary-controls").style.display = "none";
      var p = document.createElement("p");
      p.className = "note";
      p.textContent = D.bounds ? "drawn for classification only" : "drawn for inputs of two features only";
      panel.appendChild(p);
      document.getElementById("boundary").style.display = "none";
      return;
    }
    var svg = document.getElementById("boundary"), n = D.grid, S = 300, c = S / n;
    var b = D.bounds, cells = [];
    for (var j = 0; j < n; j++) {
      for (var i = 0; i < n; i++) {
        var r = svgEl("rect", { x: (i * c).toFixed(2), y: (j * c).toFixed(2), width: (c + 0.5).toFixed(2),
          height: (c + 0.5).toFixed(2) });
        svg.appendChild(r);
        cells.push(r);
      }
    }
    var classes = D.classes || [];
    (D.points || []).forEach(function (p) {
      var k = classes.indexOf(p[2]);
      svg.appendChild(svgEl("circle", { cx: (S * (p[0] - b[0]) / (b[1] - b[0])).toFixed(1),
        cy: (S * (1 - (p[1] - b[2]) / (b[3] - b[2]))).toFixed(1), r: 3.2,
        fill: CLASS[(k < 0 ? 0 : k) % CLASS.length], stroke: "#fff", "stroke-width": 0.8 }));
    });
    var slider = document.getElementById("frame");
    slider.max = String(D.frames.length - 1);
    function paint(f) {
      var frame = D.frames[f];
      frame.p.forEach(function (p, idx) {
        var color = Array.isArray(p) ? mix("#ffffff", CLASS[p[0] % CLASS.length], 0.15 + 0.45 * p[1])
          : mix("#ffffff", CLASS[p < 0.5 ? 0 : 1], 0.12 + 0.5 * Math.abs(p - 0.5) * 2);
        cells[idx].setAttribute("fill", color);
      });
      slider.value = String(f);
      document.getElementById("frame-label").textContent = "epoch " + frame.epoch;
      document.body.setAttribute("data-frame", String(f));
    }
    var note = document.createElement("p");
    note.className = "note";
    note.textContent = "background: the class the model predicts at each point (" +
      classes.map(function (c, k) { return ["blue", "red", "green", "orange", "purple"][k] + " " + c; })
        .slice(0, 5).join(", ") + "), paler where it is less sure; dots: the training data. " +
      "Move the slider to watch the boundary form, epoch by epoch.";
    panel.appendChild(note);
    slider.addEventListener("input", function () { paint(Number(slider.value)); });
    paint(D.frames.length - 1);
  }

  // ---------------------------------------------------------------- confusion matrix
  function confusion() {
    var box = document.getElementById("confusion"), c = D.confusion;
    if (!c) {
      box.textContent = "for classification only";
      box.className = "note";
      return;
    }
    var t = document.createElement("table");
    var head = document.createElement("tr");
    head.appendChild(document.createElement("th")).textContent = "true \\ predicted";
    c.labels.forEach(function (l) { head.appendChild(document.createElement("th")).textContent = String(l); });
    t.appendChild(head);
    var top = 0;
    c.matrix.forEach(function (row) { row.forEach(function (v) { top = Math.max(top, v); }); });
    c.matrix.forEach(function (row, i) {
      var tr = document.createElement("tr");
      tr.appendChild(document.createElement("th")).textContent = String(c.labels[i]);
      row.forEach(function (v, j) {
        var td = tr.appendChild(document.createElement("td"));
        td.textContent = String(v);
        var tint = top ? v / top : 0;
        td.style.background = mix("#ffffff", i === j ? "#2ca02c" : "#d62728", 0.6 * tint);
      });
      t.appendChild(tr);
    });
    box.appendChild(t);
    var note = document.createElement("p");
    note.className = "note";
    note.textContent = "after epoch " + c.epoch + ", on " + c.rows + " training rows" +
      (c.rows < c.of ? " (of " + c.of + ")" : "");
    box.appendChild(note);
  }

  function summary() {
    var last = epochs.length ? epochs[epochs.length - 1] : 0;
    var parts = ["epoch " + last + (D.epochs ? " of " + D.epochs : "")];
    ["loss", "accuracy", "val_loss", "val_accuracy", "lr"].forEach(function (k) {
      if (H[k] && H[k].length) { parts.push(k + " " + fmt(H[k][H[k].length - 1])); }
    });
    if (D.stopped && D.stopped !== "completed") { parts.push("(" + D.stopped + ")"); }
    document.getElementById("summary").textContent = parts.join("   \u00B7   ");
  }

  summary();
  chart("loss", series(["loss", "val_loss"], ["#1f77b4", "#ff7f0e"]));
  if (H.accuracy || H.val_accuracy) {
    chart("accuracy", series(["accuracy", "val_accuracy"], ["#2ca02c", "#d62728"]), [0, 1]);
  } else {
    document.getElementById("accuracy-panel").style.display = "none";
  }
  chart("lr", series(["lr"], ["#9467bd"]));
  boundary();
  confusion();
  document.body.setAttribute("data-ready", "yes");
}());

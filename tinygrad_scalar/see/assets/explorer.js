// The explorer page of tinygrad_scalar: plays Alpha's backward sweep on the embedded SVG.
// The data (nodes, steps, listings, Alpha versus Beta) comes from the JSON element
// #page-data, written by tinygrad_scalar.see.html.to_html.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("page-data").textContent);
  var POS = "#2166ac", NEG = "#b2182b";
  var svg = document.querySelector("#graph svg");
  var slider = document.getElementById("slider");
  var info = document.getElementById("node-info");
  var values = {}, ops = {}, edgesInto = {}, gradText = {}, shape = {};
  var lastUpdate = {}, stepOf = {}, selected = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // ---------------------------------------------------------------- the drawing
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.querySelectorAll("g.node").forEach(function (g) {
    var title = g.querySelector("title").textContent;
    if (Object.prototype.hasOwnProperty.call(D.nodes, title)) {
      values[title] = g;
      g.classList.add("value");
      g.setAttribute("data-node", title);
      shape[title] = g.querySelector("polygon, path, ellipse");
      g.querySelectorAll("text").forEach(function (t) {
        if (t.textContent.indexOf("grad ") === 0) { gradText[title] = t; }
      });
    } else if (/^n\d+op$/.test(title)) {
      var id = title.slice(0, -2);
      ops[id] = g;
      g.classList.add("op");
      g.setAttribute("data-op", id);
    }
  });
  svg.querySelectorAll("g.edge").forEach(function (g) {
    var ends = g.querySelector("title").textContent.split("->");
    if (/^n\d+op$/.test(ends[1]) && ends[0] !== ends[1].slice(0, -2)) {
      var child = ends[1].slice(0, -2);
      (edgesInto[child] = edgesInto[child] || []).push(g);
    }
  });
  D.steps.forEach(function (s, j) {
    if (s.node) { stepOf[s.node] = j; }
    s.updates.forEach(function (u) { if (u[0]) { lastUpdate[u[0]] = j; } });
  });
  var gMax = 0;
  Object.keys(D.nodes).forEach(function (id) {
    var n = D.nodes[id];
    if (!n.constant) { gMax = Math.max(gMax, Math.abs(Number(n.grad))); }
  });

  function blend(color, t) {
    var out = "#";
    for (var i = 1; i < 7; i += 2) {
      var c = parseInt(color.slice(i, i + 2), 16);
      var m = Math.round(255 + (c - 255) * t);
      out += (m < 16 ? "0" : "") + m.toString(16);
    }
    return out;
  }

  // ---------------------------------------------------------------- fit or zoom
  // A drawing that would shrink below half its size is shown at 3/4 of it instead, in a
  // pane that scrolls to follow the sweep; the "fit" button switches between the two.
  var pane = document.getElementById("graph"), zoomButton = document.getElementById("zoom");
  var box = svg.viewBox.baseVal, natW = box.width * 4 / 3, natH = box.height * 4 / 3;
  var zoomed = false;
  function setZoom(on) {
    zoomed = on;
    pane.classList.toggle("zoomed", on);
    svg.style.width = on ? (0.75 * natW) + "px" : "";
    svg.style.height = on ? (0.75 * natH) + "px" : "";
    zoomButton.textContent = on ? "fit" : "zoom";
  }
  var fitScale = Math.min((pane.clientWidth - 10) / natW, 0.6 * window.innerHeight / natH);
  setZoom(fitScale < 0.5);
  zoomButton.addEventListener("click", function () { setZoom(!zoomed); });
  function follow(id) {
    if (!zoomed || !id || !values[id]) { return; }
    var r = values[id].getBoundingClientRect(), p = pane.getBoundingClientRect();
    if (r.left < p.left || r.right > p.right) {
      pane.scrollLeft += (r.left + r.right) / 2 - (p.left + p.right) / 2;
    }
    if (r.top < p.top || r.bottom > p.bottom) {
      pane.scrollTop += (r.top + r.bottom) / 2 - (p.top + p.bottom) / 2;
    }
  }

  // ---------------------------------------------------------------- the state at a step
  function gradsAt(s) {
    var g = {};
    Object.keys(D.nodes).forEach(function (id) { g[id] = ["0.0", "0"]; });
    if (g[D.root]) { g[D.root] = ["1.0", "1"]; }
    for (var j = 0; j < s; j++) {
      D.steps[j].updates.forEach(function (u) { if (u[0]) { g[u[0]] = [u[5], u[4]]; } });
    }
    return g;
  }

  function paintNodes(s, grads) {
    var current = s > 0 ? D.steps[s - 1].node : null;
    Object.keys(values).forEach(function (id) {
      var g = values[id], n = D.nodes[id], v = Number(grads[id][0]);
      g.setAttribute("data-grad", grads[id][0]);
      g.classList.toggle("current", id === current);
      if (n.constant) { return; }
      if (gradText[id]) { gradText[id].textContent = "grad " + grads[id][1]; }
      var t = v === 0 || gMax === 0 ? 0 : 0.15 + 0.6 * Math.abs(v) / gMax;
      if (shape[id]) { shape[id].setAttribute("fill", blend(v > 0 ? POS : NEG, t)); }
      var final = (lastUpdate[id] === undefined ? 0 : lastUpdate[id] + 1) <= s;
      g.setAttribute("data-final", final ? "yes" : "no");
    });
    Object.keys(ops).forEach(function (id) { ops[id].classList.toggle("current", id === current); });
  }

  function paintEdges(s) {
    Object.keys(edgesInto).forEach(function (child) {
      var j = stepOf[child];
      edgesInto[child].forEach(function (g) {
        var used = j !== undefined && j < s;
        g.classList.toggle("pending", !used);
        g.classList.toggle("now", used && j === s - 1);
      });
    });
  }

  function fillListing(pre, lines) {
    pre.textContent = "";
    lines.forEach(function (line, i) {
      var span = el("span", "line", line);
      span.setAttribute("data-line", String(i));
      pre.appendChild(span);
    });
  }

  function markLines(pre, now, doneUpTo) {
    var first = null;
    Array.prototype.forEach.call(pre.children, function (span, i) {
      var on = now.indexOf(i) >= 0;
      span.classList.toggle("now", on);
      span.classList.toggle("done", doneUpTo !== null && i < doneUpTo && !on);
      if (on && first === null) { first = span; }
    });
    if (first) {
      var box = pre.parentNode, top = first.offsetTop - box.offsetTop;
      if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - 20) {
        box.scrollTop = Math.max(0, top - box.clientHeight / 3);
      }
    }
  }

  function paintListings(s) {
    var fwd = document.getElementById("forward"), bwd = document.getElementById("backward");
    if (s === 0) {
      markLines(fwd, [], null);
      markLines(bwd, D.rootLine === null ? [] : [D.rootLine], 0);
      return;
    }
    var step = D.steps[s - 1], node = step.node ? D.nodes[step.node] : null;
    markLines(fwd, node && node.fwd !== null ? [node.fwd] : [], null);
    markLines(bwd, step.lines, step.lines.length ? step.lines[0] : null);
  }

  function describe(s) {
    var status = document.getElementById("status");
    status.textContent = "";
    if (s === 0) {
      status.appendChild(el("b", "", "start: "));
      status.appendChild(document.createTextNode("every gradient is 0 except the output's, d " +
        D.rootName + " / d " + D.rootName + " = 1. Press \u2192 (or \u25B6) to let the last " +
        "operation pass its gradient to its inputs."));
      return;
    }
    var step = D.steps[s - 1];
    status.appendChild(el("b", "", "step " + step.k + " of " + step.of + ": "));
    status.appendChild(document.createTextNode(step.name + " (" + step.op + ") has grad " +
      step.grad + " and passes local \u00D7 grad to each input:  " +
      step.updates.map(function (u) {
        return u[1] + ": " + u[3] + " + " + u[2] + " \u00D7 " + step.grad + " = " + u[4];
      }).join(";   ")));
  }

  function show(s) {
    s = Math.max(0, Math.min(D.steps.length, s));
    slider.value = String(s);
    var grads = gradsAt(s);
    paintNodes(s, grads);
    paintEdges(s);
    paintListings(s);
    describe(s);
    document.getElementById("counter").textContent = "step " + s + " of " + D.steps.length;
    document.body.setAttribute("data-step", String(s));
    if (selected) { explainNode(selected, grads); }
    follow(s > 0 ? D.steps[s - 1].node : D.root);
  }

  // ---------------------------------------------------------------- one node's story
  function explainNode(id, grads) {
    var n = D.nodes[id];
    grads = grads || gradsAt(Number(slider.value));
    info.textContent = "";
    var head = el("div", "big");
    head.appendChild(el("b", "", n.name));
    head.appendChild(document.createTextNode("  (" + n.role + (n.op ? ", " + n.op : "") +
      ")  value " + n.data));
    info.appendChild(head);
    if (!n.constant) {
      info.appendChild(el("div", "", "gradient now " + grads[id][1] + "   (after the sweep: " +
        n.gradText + ")"));
    }
    if (n.locals.length) {
      info.appendChild(el("div", "", "local derivatives: " + n.locals.map(function (p) {
        return "d " + n.name + " / d " + p[0] + " = " + p[1];
      }).join(", ")));
    }
    if (n.paths) {
      info.appendChild(el("div", "note", "paths from the output, each a product of locals:"));
      info.appendChild(el("pre", "paths", n.paths));
    } else if (!n.constant) {
      info.appendChild(el("div", "note", "paths not listed: the graph is too big to list " +
        "them for every node; draw the part around this node with focus=..."));
    }
  }

  Object.keys(values).forEach(function (id) {
    var g = values[id];
    g.addEventListener("click", function () {
      if (selected && values[selected]) { values[selected].classList.remove("selected"); }
      selected = id;
      g.classList.add("selected");
      explainNode(id);
    });
    g.addEventListener("mouseenter", function () { explainNode(id); });
    g.addEventListener("mouseleave", function () {
      if (selected) { explainNode(selected); }
    });
  });

  // ---------------------------------------------------------------- Alpha versus Beta
  function fillCompare() {
    var box = document.getElementById("compare"), c = D.compare;
    if (!c) {
      box.appendChild(el("p", "note", "nothing to compare: the graph has no variables"));
      return;
    }
    box.appendChild(el("p", "", c.nodes + " nodes, " + c.edges + " edges, " + c.paths +
      " paths from the output to the variables"));
    var t = el("table");
    var rows = [["", "Alpha (backward)", "Beta (naive.grad)"],
      ["work", c.alphaLocals.toLocaleString("en") + " local derivatives",
        c.betaCalls.toLocaleString("en") + " recursive calls" + (c.betaSkipped ? " (not run)" : "")],
      ["largest difference", c.maxDifference === null ? "-" : c.maxDifference, ""]];
    rows.forEach(function (r, i) {
      var tr = el("tr");
      r.forEach(function (cell) { tr.appendChild(el(i ? "td" : "th", "", cell)); });
      t.appendChild(tr);
    });
    box.appendChild(t);
    var v = el("table");
    var head = el("tr");
    ["variable", "Alpha grad", "Beta grad", "paths", "Beta calls"].forEach(function (h) {
      head.appendChild(el("th", "", h));
    });
    v.appendChild(head);
    c.rows.forEach(function (r) {
      var tr = el("tr");
      [r[0], r[1], r[2] === null ? "-" : r[2], String(r[3]), String(r[4])].forEach(function (x) {
        tr.appendChild(el("td", "", x));
      });
      v.appendChild(tr);
    });
    box.appendChild(el("p", "note", "Beta walks every path; Alpha adds them up node by node."));
    box.appendChild(v);
  }

  // ---------------------------------------------------------------- controls
  var timer = null;
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    document.getElementById("play").textContent = "play";
  }
  function step(delta) { stop(); show(Number(slider.value) + delta); }
  slider.max = String(D.steps.length);
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  document.getElementById("first").addEventListener("click", function () { stop(); show(0); });
  document.getElementById("prev").addEventListener("click", function () { step(-1); });
  document.getElementById("next").addEventListener("click", function () { step(1); });
  document.getElementById("last").addEventListener("click", function () {
    stop(); show(D.steps.length);
  });
  document.getElementById("play").addEventListener("click", function () {
    if (timer !== null) { stop(); return; }
    if (Number(slider.value) >= D.steps.length) { show(0); }
    this.textContent = "pause";
    timer = setInterval(function () {
      if (Number(slider.value) >= D.steps.length) { stop(); return; }
      show(Number(slider.value) + 1);
    }, 900);
  });
  document.addEventListener("keydown", function (e) {
    if (e.target === slider) { return; }  // the slider moves itself with the arrow keys
    var keys = { ArrowRight: 1, ArrowLeft: -1 };
    if (keys[e.key]) { step(keys[e.key]); e.preventDefault(); }
    if (e.key === "Home") { stop(); show(0); e.preventDefault(); }
    if (e.key === "End") { stop(); show(D.steps.length); e.preventDefault(); }
  });

  fillListing(document.getElementById("forward"), D.forward);
  fillListing(document.getElementById("backward"), D.backward);
  document.getElementById("listing-note").textContent = D.listingNote;
  fillCompare();
  info.appendChild(el("p", "note", "Point at a node (or click it to keep it) to see its " +
    "value, gradient, local derivatives and the paths from the output."));
  show(0);
  document.body.setAttribute("data-ready", "yes");
}());

/* mkdocs-reassign: filters for the overview page's coverage map (area, "not ready"). Offline, no library.
   Without scripts the map shows every feature and the filter controls stay hidden. */
(function () {
  "use strict";

  function cellsAt(row, i) { return row.children[i]; }

  function retotal(table, rows) {
    var foot = table.tFoot && table.tFoot.rows[0];
    if (!foot) return;
    var ncols = table.tHead.rows[0].children.length;
    var most = 0, unmet = [];
    for (var i = 2; i < ncols - 1; i++) {
      var th = table.tHead.rows[0].children[i], n = 0;
      rows.forEach(function (r) {
        var td = cellsAt(r, i);
        if (!td) return;
        if (th.hasAttribute("data-key")) n += td.getAttribute("data-verdict") === "unmet" ? 1 : 0;
        else n += parseInt(td.getAttribute("data-open") || "0", 10);
      });
      cellsAt(foot, i).textContent = String(n);
      if (th.hasAttribute("data-key")) { unmet[i] = n; most = Math.max(most, n); }
    }
    unmet.forEach(function (n, i) { cellsAt(foot, i).classList.toggle("reassign-ov-most", n > 0 && n === most); });
    var ready = rows.filter(function (r) { return r.getAttribute("data-ready") === "yes"; }).length;
    cellsAt(foot, ncols - 1).textContent = ready + " of " + rows.length + " ready";
  }

  function init(root) {
    if (root.getAttribute("data-reassign-init")) return;
    root.setAttribute("data-reassign-init", "1");
    var tools = root.querySelector(".reassign-ov-tools");
    var table = root.querySelector("table.reassign-ov");
    if (!tools || !table) return;
    var area = tools.querySelector('[data-reassign-filter="area"]');
    var notReady = tools.querySelector('[data-reassign-filter="not-ready"]');
    var shown = tools.querySelector(".reassign-ov-shown");
    var all = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-feature]"));
    function apply() {
      var a = area.value, only = notReady.checked, visible = [];
      all.forEach(function (tr) {
        var on = (a === "*" || tr.getAttribute("data-area") === a) && (!only || tr.getAttribute("data-ready") === "no");
        tr.hidden = !on;
        if (on) visible.push(tr);
      });
      Array.prototype.forEach.call(table.tBodies, function (tb) {
        tb.hidden = !tb.querySelector("tr[data-feature]:not([hidden])");
      });
      shown.textContent = visible.length === all.length ? "" : "Showing " + visible.length + " of " + all.length + " features";
      retotal(table, visible);
    }
    area.addEventListener("change", apply);
    notReady.addEventListener("change", apply);
    tools.hidden = false;
    apply();
  }

  function run() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-reassign="overview"]'), init);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);  // Material's instant navigation swaps pages without a reload
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();

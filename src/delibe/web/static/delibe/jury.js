/* Jury table: a row's reasons are loaded when its « pourquoi » is opened (the table itself carries
   codes only, so that a 300-student year stays light). Without JavaScript the link leads to the page of
   the student's decisions, which shows every reason. */
(function () {
  "use strict";
  document.querySelectorAll("details.row-reasons").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open || details.dataset.loaded) return;
      details.dataset.loaded = "1";
      var body = details.querySelector(".reasons-body");
      fetch(details.dataset.url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) { body.innerHTML = html; })
        .catch(function () { details.dataset.loaded = ""; });
    });
  });
})();
/* Keyboard: the jury table is a data grid (WAI-ARIA Authoring Practices, « Grid », data grid):
   - one tab stop: Tab enters the table on the last cell used and leaves it in one more step (roving tabindex);
   - arrows move between the body's cells in four directions; Home / End go to the row's first / last cell,
     Ctrl+Home / Ctrl+End to the table's first / last cell, Page Up / Page Down ten rows up / down;
   - a cell whose only content is a link (the student's name) focuses that link: Enter follows it;
   - another cell takes the focus itself: named by its content, described as « student — column »; where it holds links
     or « pourquoi » buttons, Enter (or F2) moves into them, Tab / Shift+Tab go round them, Escape returns to
     the cell. From a link, arrow up / down go to the same link of the previous / next student.
   Without JavaScript the table stays a plain table and every link is reached by Tab. */
(function () {
  "use strict";
  var table = document.getElementById("table-jury");
  if (!table || !table.tBodies.length) return;
  var body = table.tBodies[0];
  var frame = table.closest(".jury-scroll");
  var CONTROLS = "a[href], summary, button, input, select";

  // The column headers' names, column by column: the second header row names a UE or the RCUE, the first
  // its competence (« UE1.1 (Compétence 1) »).
  var names = [];
  (function () {
    var taken = [], parts = [];
    Array.prototype.forEach.call(table.tHead ? table.tHead.rows : [], function (row, r) {
      var col = 0;
      Array.prototype.forEach.call(row.cells, function (th) {
        while (taken[r] && taken[r][col]) col++;
        var text = th.textContent.replace(/\s+/g, " ").trim();
        for (var k = 0; k < th.colSpan; k++) {
          (parts[col + k] = parts[col + k] || []).unshift(text);
          for (var d = 1; d < th.rowSpan; d++) { taken[r + d] = taken[r + d] || []; taken[r + d][col + k] = true; }
        }
        col += th.colSpan;
      });
    });
    names = parts.map(function (list) {
      var main = list[0], rest = list.slice(1).filter(function (t) { return main.indexOf(t) < 0; });
      return rest.length ? main + " (" + rest.join(", ") + ")" : main;
    });
  })();

  var rows = Array.prototype.slice.call(body.rows);
  function start(cell) {
    var col = 0;
    for (var c = cell.parentElement.firstElementChild; c && c !== cell; c = c.nextElementSibling) col += c.colSpan;
    return col;
  }
  function cellAt(row, col) {
    var at = 0, cells = row.cells;
    for (var i = 0; i < cells.length; i++) {
      if (col < at + cells[i].colSpan) return cells[i];
      at += cells[i].colSpan;
    }
    return cells[cells.length - 1];
  }
  function controls(cell) {
    return Array.prototype.filter.call(cell.querySelectorAll(CONTROLS), function (el) {
      return el.getClientRects().length > 0;
    });
  }
  function soleLink(cell) {
    var found = controls(cell);
    return found.length === 1 && found[0].tagName === "A" && cell.tagName === "TH" ? found[0] : null;
  }
  function words(el) {
    var copy = el.cloneNode(true);
    copy.querySelectorAll("details, .visually-hidden, [aria-hidden=true]").forEach(function (d) { d.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }
  // A cell is named by its content; its description says whose it is and which column (one hidden element,
  // rewritten before each cell takes the focus).
  var context = document.createElement("span");
  context.id = "jury-cellule-contexte";
  context.className = "visually-hidden";
  table.parentElement.appendChild(context);
  function label(cell) {
    var student = words(cell.parentElement.cells[0]);
    var column = names[start(cell)] || "";
    var more = controls(cell).length ? " — " + (table.dataset.gridEnter || "Entrée") : "";
    context.textContent = student + " — " + column + more;
    cell.setAttribute("aria-describedby", context.id);
  }
  var current = null;  // the element holding tabindex=0
  function target(cell) { return soleLink(cell) || cell; }
  function makeCurrent(el) {
    if (current && current !== el) current.setAttribute("tabindex", "-1");
    el.setAttribute("tabindex", "0");
    current = el;
  }
  // Keep the focused cell out from under the sticky header and the sticky name column.
  function reveal(cell) {
    if (!frame) return;
    var box = cell.getBoundingClientRect(), outer = frame.getBoundingClientRect();
    var name = cell.parentElement.cells[0].getBoundingClientRect();
    var head = table.tHead ? table.tHead.getBoundingClientRect() : null;
    if (cell !== cell.parentElement.cells[0] && box.left < name.right) frame.scrollLeft -= name.right - box.left;
    else if (box.right > outer.right) frame.scrollLeft += box.right - outer.right;
    if (head && box.top < head.bottom) frame.scrollTop -= head.bottom - box.top;
    else if (box.bottom > outer.bottom) frame.scrollTop += box.bottom - outer.bottom;
    box = cell.getBoundingClientRect();  // and the page itself, when the frame is partly off screen
    if (box.bottom > window.innerHeight) window.scrollBy(0, box.bottom - window.innerHeight + 8);
    else if (box.top < 0) window.scrollBy(0, box.top - 8);
  }
  function go(cell) {
    if (!cell) return;
    var el = target(cell);
    if (el === cell) label(cell);
    makeCurrent(el);
    el.focus({preventScroll: true});
    reveal(cell);
  }

  // Set up: a grid, one tab stop, every control inside reached from its cell.
  table.setAttribute("role", "grid");
  table.setAttribute("aria-readonly", "true");
  if (frame) frame.removeAttribute("tabindex");  // the grid itself is the tab stop now
  body.querySelectorAll(CONTROLS).forEach(function (el) { el.setAttribute("tabindex", "-1"); });
  var first = rows.length && rows[0].cells[0];
  if (first) makeCurrent(target(first));
  var help = document.getElementById("aide-clavier-jury");
  if (help) table.setAttribute("aria-describedby", help.id);
  // Links loaded into an opened « pourquoi » stay out of the Tab order too.
  new MutationObserver(function () {
    body.querySelectorAll(CONTROLS).forEach(function (el) {
      if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    });
  }).observe(body, {childList: true, subtree: true});

  body.addEventListener("focusin", function (event) {
    var cell = event.target.closest("td, th");
    if (!cell) return;
    if (event.target === cell) label(cell);
    // inside a cell, the cell stays the tab stop: Tab away and back returns to the cell
    makeCurrent(event.target === cell || event.target === soleLink(cell) ? event.target : cell);
  });
  body.addEventListener("click", function (event) {
    var cell = event.target.closest("td, th");
    if (cell && event.target === cell) go(cell);
  });

  body.addEventListener("keydown", function (event) {
    var cell = event.target.closest("td, th");
    if (!cell || event.altKey || event.metaKey) return;
    var row = cell.parentElement, r = rows.indexOf(row), col = start(cell);
    var inside = event.target !== cell && event.target !== soleLink(cell);
    var key = event.key;
    if (inside && (key === "Tab" || key === "Escape")) {
      event.preventDefault();
      if (key === "Escape") { go(cell); return; }
      var list = controls(cell), i = list.indexOf(event.target);
      var next = list[(i + (event.shiftKey ? -1 : 1) + list.length) % list.length];
      next.focus();
      return;
    }
    if (!inside && event.target === cell && (key === "Enter" || key === "F2")) {
      var inner = controls(cell);
      if (inner.length) { event.preventDefault(); inner[0].focus(); }
      return;
    }
    var to = null;
    if (key === "ArrowRight") to = cell.nextElementSibling;
    else if (key === "ArrowLeft") to = cell.previousElementSibling;
    else if (key === "ArrowDown" || key === "ArrowUp" || key === "PageDown" || key === "PageUp") {
      var step = key === "ArrowDown" ? 1 : key === "ArrowUp" ? -1 : key === "PageDown" ? 10 : -10;
      var other = rows[Math.max(0, Math.min(rows.length - 1, r + step))];
      if (other === row) { event.preventDefault(); return; }
      to = cellAt(other, col);
      if (inside && to) {  // from a link: the same link of the other student
        var same = controls(to)[controls(cell).indexOf(event.target)];
        if (same) { event.preventDefault(); makeCurrent(to); same.focus({preventScroll: true}); reveal(to); return; }
      }
    } else if (key === "Home") to = event.ctrlKey ? rows[0].cells[0] : row.cells[0];
    else if (key === "End") {
      var last = event.ctrlKey ? rows[rows.length - 1] : row;
      to = last.cells[last.cells.length - 1];
    } else return;
    event.preventDefault();
    if (to) go(to);
  });
})();

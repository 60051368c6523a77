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
/* Keyboard: in the jury table, ArrowUp / ArrowDown on a link move to the same link of the previous / next
   student (the name, the decisions link), so that a jury member walks down a column without Tab. */
(function () {
  "use strict";
  var table = document.getElementById("table-jury");
  if (!table) return;
  table.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var link = event.target.closest("a, summary");
    var cell = link && link.closest("th, td");
    var row = cell && cell.parentElement;
    if (!row || row.parentElement.tagName !== "TBODY") return;
    var index = Array.prototype.indexOf.call(row.children, cell);
    var next = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
    var target = next && next.children[index] && next.children[index].querySelector(link.tagName.toLowerCase());
    if (target) { event.preventDefault(); target.focus(); }
  });
})();

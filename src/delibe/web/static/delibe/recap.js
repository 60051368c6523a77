// Sorting the « tableau récapitulatif » by any column: a button in each header, aria-sort on the header,
// the new order announced. Each cell carries its sort key in data-v (a number, or text); empty keys
// (undefined averages) go last whatever the direction.
(function () {
  "use strict";
  const table = document.getElementById("table-recap");
  if (!table) return;
  const status = document.getElementById("etat-tri");
  const headers = Array.from(table.tHead.rows[0].cells);
  const collator = new Intl.Collator("fr", { sensitivity: "base", numeric: true });
  headers.forEach(function (th, index) {
    const button = th.querySelector("button.sort");
    if (!button) return;
    button.addEventListener("click", function () {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      const numeric = button.dataset.type === "num";
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      rows.sort(function (a, b) {
        const x = a.cells[index].dataset.v || "";
        const y = b.cells[index].dataset.v || "";
        if (x === "" || y === "") return (x === "") - (y === "");
        const order = numeric ? parseFloat(x) - parseFloat(y) : collator.compare(x, y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      headers.forEach(function (other) { if (other.hasAttribute("aria-sort")) other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      if (status) status.textContent = "Tableau trié par " + button.textContent.trim() + (ascending ? ", ordre croissant" : ", ordre décroissant");
    });
  });
})();

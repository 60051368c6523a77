// The evaluation form shows a weight field only for the UEs the chosen module feeds (the server refuses
// the others anyway); without JavaScript every UE fed by one of the modules is shown.
(function () {
  "use strict";
  const data = document.getElementById("module-ues");
  const select = document.getElementById("id_module_code");
  if (!data) return;
  const moduleUes = JSON.parse(data.textContent);
  function update() {
    const codes = select ? moduleUes[select.value] || [] : Object.values(moduleUes)[0] || [];
    document.querySelectorAll(".poids-ue").forEach(function (box) {
      const shown = codes.indexOf(box.dataset.ue) !== -1;
      box.hidden = !shown;
      box.querySelectorAll("input").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }
  if (select) select.addEventListener("change", update);
  update();
})();

/* Progress of a document batch: polls the JSON status every second and updates the <progress>; once the
   batch is finished, reloads the page, which then shows the download link (or the error). Without
   JavaScript the page refreshes itself (<noscript> meta refresh). */
(function () {
  "use strict";
  var box = document.getElementById("lot");
  if (!box) return;
  var bar = document.getElementById("lot-progress");
  var text = document.getElementById("lot-text");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        bar.value = s.percent;
        bar.textContent = s.percent + " %";
        text.textContent = s.percent + " % — " + s.done + " document(s) sur " + s.total;
        if (s.state === "done" || s.state === "error") { window.location.replace(box.dataset.pageUrl); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();

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

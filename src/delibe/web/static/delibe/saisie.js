/* Grade grid: arrows/Enter move between cells; each cell is saved when left (fetch POST with the CSRF
   token and the version read); the server answers 400 with a message for a bad value, 409 with the
   current value when somebody else changed the grade meanwhile. */
(function () {
  "use strict";
  var form = document.getElementById("grille-notes");
  if (!form) return;
  var url = form.dataset.url;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input.note"));
  var live = document.getElementById("etat-saisie");
  var counter = document.getElementById("compteur");

  function stateOf(input) { return document.getElementById("etat-" + input.dataset.student); }

  function show(input, kind, text) {
    var state = stateOf(input);
    state.textContent = text;
    state.className = "cell-state state-" + kind;
    input.classList.toggle("invalid", kind === "error" || kind === "conflict");
    if (kind === "error" || kind === "conflict") {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    if (kind !== "saving") live.textContent = text;
  }

  function recount() {
    var n = inputs.filter(function (i) { return i.dataset.saved !== ""; }).length;
    if (counter) counter.textContent = n;
  }

  function normalise(value) { return value.trim().toUpperCase().replace(/\s+/g, ""); }

  function save(input) {
    var value = input.value.trim();
    if (normalise(value) === normalise(input.dataset.saved) && !input.classList.contains("invalid")) return;
    if (input._pending === normalise(value)) return;  // the same value is already on its way
    input._pending = normalise(value);
    show(input, "saving", "Enregistrement…");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "X-Requested-With": "fetch"},
      body: JSON.stringify({student: input.dataset.student, value: value, version: Number(input.dataset.version)})
    }).then(function (response) {
      return response.json().then(function (data) { return {status: response.status, data: data}; });
    }).then(function (r) {
      input._pending = null;
      if (r.status === 200) {
        input.dataset.version = r.data.version;
        input.dataset.saved = r.data.value;
        if (document.activeElement !== input) input.value = r.data.value;
        show(input, "ok", "Enregistré");
        recount();
      } else if (r.status === 409) {
        input.dataset.version = r.data.current.version;
        input.dataset.saved = r.data.current.value;
        show(input, "conflict", r.data.error);
      } else {
        show(input, "error", r.data.error || "Erreur " + r.status);
      }
    }).catch(function () {
      input._pending = null;
      show(input, "error", "Connexion perdue : la note n'est pas enregistrée. Réessayez.");
    });
  }

  function move(index, delta) {
    var next = inputs[index + delta];
    if (next) { next.focus(); next.select(); }
  }

  inputs.forEach(function (input, index) {
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) {
        event.preventDefault(); save(input); move(index, 1);
      } else if (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) {
        event.preventDefault(); save(input); move(index, -1);
      } else if (event.key === "Escape") {
        input.value = input.dataset.saved;
      }
    });
    input.addEventListener("change", function () { save(input); });
    input.addEventListener("focus", function () { input.select(); });
  });
})();

/* Grade grid: arrows/Enter move between cells; each cell is saved when left (fetch POST with the CSRF
   token and the version read); the server answers 400 with a message for a bad value, 409 with the
   current value when somebody else changed the grade meanwhile.

   After a 409 the cell is in conflict: its state shows the message and two buttons, « Garder la valeur
   actuelle » and « Remplacer par ma saisie ». Until one is chosen, leaving the cell or Enter sends
   nothing; « remplacer » sends the typed value with the version just read, « garder » puts the current
   value back in the cell. */
(function () {
  "use strict";
  var form = document.getElementById("grille-notes");
  if (!form) return;
  form.addEventListener("submit", function (event) { event.preventDefault(); });  // cells save themselves (no inline handler: CSP)
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
    if (input._conflict) return;  // an explicit choice is needed first (the buttons of the conflict)
    var value = input.value.trim();
    if (normalise(value) === normalise(input.dataset.saved) && !input.classList.contains("invalid")) return;
    send(input, value);
  }

  function send(input, value) {
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
        recount();
        conflict(input, r.data);
      } else if (r.status === 503 && r.data.retry && (input._tries || 0) < 5) {
        // the database was busy (a long import): nothing was saved; try again in a moment, by itself
        input._tries = (input._tries || 0) + 1;
        show(input, "saving", "Base occupée : nouvel essai dans 2 s…");
        setTimeout(function () { send(input, value); }, 2000);
        return;
      } else {
        show(input, "error", r.data.error || "Erreur " + r.status);
      }
      input._tries = 0;
    }).catch(function () {
      input._pending = null;
      show(input, "error", "Connexion perdue : la note n'est pas enregistrée. Réessayez.");
    });
  }

  function shown(value) { return value === "" ? "vide" : value; }

  function mineLabel(input) { return "Remplacer par ma saisie (" + shown(input.value.trim()) + ")"; }

  function button(id, text, onclick) {
    var b = document.createElement("button");
    b.type = "button";
    b.id = id;
    b.className = "button secondary small";
    b.textContent = text;
    b.addEventListener("click", onclick);
    return b;
  }

  function conflict(input, data) {
    var id = input.dataset.student;
    var current = data.current.value;
    input._conflict = true;
    clearChoices(input);
    show(input, "conflict", data.error);
    var keep = "Garder la valeur actuelle (" + shown(current) + (data.author ? ", saisie par " + data.author : "") + ")";
    var box = document.createElement("span");
    box.className = "conflict-actions";
    box.id = "choix-" + id;
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", "etu-" + id + " etat-" + id);
    box.appendChild(button("garder-" + id, keep, function () { resolveKeep(input, current); }));
    box.appendChild(document.createTextNode(" "));
    box.appendChild(button("remplacer-" + id, mineLabel(input), function () { resolveReplace(input); }));
    stateOf(input).parentNode.appendChild(box);
    live.textContent = data.error + " " + keep + ", ou " + mineLabel(input).charAt(0).toLowerCase() +
      mineLabel(input).slice(1) + " : boutons à côté de la case.";
  }

  function relabel(input) {  // the « remplacer » button names the value it would send
    var replace = document.getElementById("remplacer-" + input.dataset.student);
    if (replace) replace.textContent = mineLabel(input);
  }

  function clearChoices(input) {
    var box = document.getElementById("choix-" + input.dataset.student);
    if (box) box.parentNode.removeChild(box);
  }

  function resolveKeep(input, current) {
    input._conflict = false;
    clearChoices(input);
    input.value = current;
    input.dataset.saved = current;
    show(input, "ok", "Valeur actuelle gardée : " + shown(current));
    recount();
    input.focus();
  }

  function resolveReplace(input) {
    input._conflict = false;
    clearChoices(input);
    input.focus();
    send(input, input.value.trim());  // with the version read in the conflict's answer
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
        relabel(input);
      }
    });
    input.addEventListener("change", function () { save(input); });
    input.addEventListener("input", function () { relabel(input); });
    input.addEventListener("focus", function () { input.select(); });
  });
})();

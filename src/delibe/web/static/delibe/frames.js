/* Every page: a table that scrolls sideways in its own frame (on a phone, app.css) and holds nothing to
   focus is made focusable itself (tabindex="0"), so that a keyboard user can scroll it with the arrows
   (WCAG 2.1.1; axe-core « scrollable-region-focusable »). Recomputed when the window's width changes. */
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  function mark() {
    document.querySelectorAll("main table, main .table-scroll").forEach(function (el) {
      var x = getComputedStyle(el).overflowX;
      var scrolls = (x === "auto" || x === "scroll") && el.scrollWidth > el.clientWidth + 1;
      if (el.dataset.scrollFrame) {
        if (!scrolls) { el.removeAttribute("tabindex"); delete el.dataset.scrollFrame; }
        return;
      }
      if (scrolls && !el.hasAttribute("tabindex") && !el.querySelector(FOCUSABLE)) {
        el.setAttribute("tabindex", "0");
        el.dataset.scrollFrame = "1";
      }
    });
  }
  mark();
  var pending = null;
  window.addEventListener("resize", function () { clearTimeout(pending); pending = setTimeout(mark, 100); });
})();

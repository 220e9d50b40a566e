/* CARES Kids: site-wide behaviour, loaded on every page (a same-origin file: the CSP allows no
   inline script).
   - A refused form: focus moves to the first field in error (or, when no single field is at
     fault, to the refusal message), so keyboard and screen-reader users land on what to fix.
   - Folded entries marked print-open are unfolded for printing.
   - A pick list (data-filter-list, cares/base/widgets.py) gets its filter box: typing keeps
     the boxes whose label holds every word typed, and the ticked ones; a group left empty
     is hidden, and the count says how many are shown. */
(function () {
  "use strict";

  function firstError() {
    var field = document.querySelector(
      "main form .is-invalid, main form [aria-invalid='true']");
    if (field) { return field; }
    return document.querySelector(
      "main #refusal, main .invalid-feedback, main .errorlist, main .alert-danger[role='alert']");
  }

  function focusFirstError() {
    var target = firstError();
    if (!target) { return; }
    if (!target.matches("input, select, textarea, button, a[href], [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
    if (target.scrollIntoView) { target.scrollIntoView({block: "center"}); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirstError);
  } else {
    focusFirstError();
  }
  function filterList(list) {
    var box = list.querySelector("[data-filter-box]");
    var count = list.querySelector("[data-filter-count]");
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-filter-item]"));
    var texts = items.map(function (item) { return item.textContent.toLowerCase(); });
    function apply() {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item, i) {
        var keep = item.querySelector("input").checked || words.every(function (w) {
          return texts[i].indexOf(w) !== -1;
        });
        item.hidden = !keep;
        if (keep) { shown += 1; }
      });
      list.querySelectorAll("[data-filter-group]").forEach(function (group) {
        group.hidden = !group.querySelector("[data-filter-item]:not([hidden])");
      });
      count.textContent = words.length ? count.getAttribute("data-shown")
        .replace("%(shown)s", shown).replace("%(total)s", items.length) : "";
    }
    box.hidden = false;
    box.addEventListener("input", apply);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // filtering, not sending the form
    });
  }
  document.querySelectorAll("[data-filter-list]").forEach(filterList);

  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.print-open").forEach(function (d) { d.open = true; });
  });
})();

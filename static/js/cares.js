/* CARES Kids: site-wide behaviour, loaded on every page (a same-origin file: the CSP allows no
   inline script).
   - A refused form: focus moves to the first field in error (or, when no single field is at
     fault, to the refusal message), so keyboard and screen-reader users land on what to fix.
   - Folded entries marked print-open are unfolded for printing. */
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
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.print-open").forEach(function (d) { d.open = true; });
  });
})();

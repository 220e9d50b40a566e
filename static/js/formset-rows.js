/* CARES Kids: repeating rows (Django formsets) added and removed in place, without saving
   and reopening (a same-origin file: the CSP allows no inline script).

   For every <fieldset data-formset="<prefix>"> (templates/_formset.html):
   - "Add a row to ..." clones the formset's empty form (the <template data-formset-empty>,
     rendered with __prefix__), numbers it with TOTAL_FORMS and bumps TOTAL_FORMS; focus
     moves to the new row's first field.
   - "Remove" on a row added here puts its fields back to their starting values, ticks its
     Delete box (when the list has one) and hides it: Django sees an unchanged or deleted
     extra form and skips it (indexes stay unique; TOTAL_FORMS stays the highest).
   - "Remove" on a row the server rendered ticks its Delete box (or, in a list without one,
     puts the fields back to their starting values, so the row is unchanged and skipped) and
     folds the row away with an "Undo".
   Each change is announced through the fieldset's aria-live status. Without script the page
   works as before: save to get more empty rows, tick Delete. */
(function () {
  "use strict";

  var FIELDS = "input:not([type='hidden']), select, textarea";

  function announce(set, text) {
    var status = set.querySelector("[data-formset-status]");
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function deleteBox(row) {
    return row.querySelector("input[type='checkbox'][name$='-DELETE']");
  }

  function resetFields(row) {
    row.querySelectorAll(FIELDS).forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = field.defaultChecked;
      } else if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = option.defaultSelected;
        });
      } else {
        field.value = field.defaultValue;
      }
    });
  }

  function prepareRow(row) {
    var box = deleteBox(row);
    if (box) {  // the Remove button stands in for the Delete box
      var holder = box.closest("[id^='div_id_']") || box.closest(".form-check") || box;
      holder.hidden = true;
    }
    var remove = row.querySelector("[data-formset-remove]");
    if (remove) { remove.hidden = false; }
  }

  function firstField(row) {
    return row.querySelector("[data-formset-fields] " + FIELDS.split(", ").join(
      ", [data-formset-fields] "));
  }

  function addRow(set) {
    var prefix = set.getAttribute("data-formset");
    var total = set.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var max = set.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    var template = set.querySelector("template[data-formset-empty]");
    var rows = set.querySelector("[data-formset-rows]");
    var index = parseInt(total.value, 10) || 0;
    if (max && index >= (parseInt(max.value, 10) || Infinity)) { return; }
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    prepareRow(row);
    announce(set, set.getAttribute("data-added-text"));
    var field = firstField(row);
    if (field) {
      field.focus();
      if (field.scrollIntoView) { field.scrollIntoView({block: "center"}); }
    }
  }

  function removedNote(set, row) {
    var note = document.createElement("p");
    note.className = "small mb-0 formset-removed-note";
    note.setAttribute("data-formset-removed", "");
    note.appendChild(document.createTextNode(set.getAttribute("data-removed-text") + " "));
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "btn btn-sm btn-link p-0 align-baseline";
    undo.textContent = set.getAttribute("data-undo-text");
    undo.addEventListener("click", function () { restoreRow(set, row); });
    note.appendChild(undo);
    return note;
  }

  function foldRow(set, row) {
    row.classList.add("formset-row-removed");
    row.querySelector("[data-formset-fields]").hidden = true;
    var remove = row.querySelector("[data-formset-remove]");
    remove.hidden = true;
    var note = removedNote(set, row);
    remove.parentNode.parentNode.appendChild(note);
    return note;
  }

  function removeRow(set, row) {
    var add = set.querySelector("[data-formset-add]");
    if (row.hasAttribute("data-added")) {
      resetFields(row);
      var added = deleteBox(row);
      if (added) { added.checked = true; }
      row.hidden = true;
      announce(set, set.getAttribute("data-gone-text"));
      if (add) { add.focus(); }
      return;
    }
    var box = deleteBox(row);
    if (box) { box.checked = true; } else { resetFields(row); }
    var note = foldRow(set, row);
    announce(set, set.getAttribute("data-removed-text"));
    note.querySelector("button").focus();
  }

  function restoreRow(set, row) {
    var box = deleteBox(row);
    if (box) { box.checked = false; }
    row.classList.remove("formset-row-removed");
    row.querySelector("[data-formset-fields]").hidden = false;
    var note = row.querySelector("[data-formset-removed]");
    if (note) { note.parentNode.removeChild(note); }
    var remove = row.querySelector("[data-formset-remove]");
    remove.hidden = false;
    announce(set, set.getAttribute("data-kept-text"));
    remove.focus();
  }

  function enhance(set) {
    var add = set.querySelector("[data-formset-add]");
    var hint = set.querySelector("[data-formset-hint]");
    if (!add || !set.querySelector("template[data-formset-empty]")) { return; }
    set.querySelectorAll("[data-formset-rows] > [data-formset-row]").forEach(function (row) {
      prepareRow(row);
      var box = deleteBox(row);
      if (box && box.checked) { foldRow(set, row); }  // ticked before a refused save
    });
    add.hidden = false;
    if (hint) { hint.hidden = true; }
    add.addEventListener("click", function () { addRow(set); });
    set.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-formset-remove]");
      if (remove && set.contains(remove)) {
        removeRow(set, remove.closest("[data-formset-row]"));
      }
    });
  }

  function start() {
    document.querySelectorAll("fieldset[data-formset]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

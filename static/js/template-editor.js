/* CARES Kids: the letter template editor (templates/notices/template.html). The variable
   buttons insert "{{ name }}" at the cursor of the body; the preview pane shows the unsaved
   edit rendered by the server as a real letter (sample data, nothing saved), with the reasons
   saving it would be refused. Same-origin file, no inline handlers (CSP). */
(function () {
  "use strict";
  var form = document.getElementById("template-form");
  var body = document.getElementById("id_body");
  var frame = document.getElementById("template-preview");
  if (!form || !body || !frame) { return; }
  var status = document.getElementById("preview-status");
  var lists = [document.getElementById("body-problems"),
               document.getElementById("preview-problems")];
  var DELAY_MS = 400;
  var timer = null;
  var sent = 0;

  function insert(text) {
    var start = body.selectionStart, end = body.selectionEnd;
    body.focus();
    body.setRangeText(text, start, end, "end");
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.querySelectorAll("[data-insert]").forEach(function (button) {
    button.addEventListener("click", function () { insert(button.dataset.insert); });
  });

  function showProblems(problems) {
    lists.forEach(function (box) {
      if (!box) { return; }
      var list = box.querySelector("ul");
      list.replaceChildren.apply(list, problems.map(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        return item;
      }));
      box.hidden = problems.length === 0;
    });
  }

  function refresh() {
    var mine = ++sent;
    status.textContent = form.dataset.updating;
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (mine !== sent) { return; }  // an older answer arriving late
      frame.srcdoc = data.html || "";
      showProblems(data.problems || []);
      status.textContent = data.html ? form.dataset.updated : form.dataset.notShown;
    }).catch(function () {
      if (mine === sent) { status.textContent = form.dataset.failed; }
    });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY_MS);
  }

  form.addEventListener("input", later);
  refresh();
})();

// While the worker makes record packets: asks quality:packet_status (JSON, no PHI) every two
// seconds and reloads the page once they are ready or have failed. On a packet's page it moves
// the progress bar and the status (aria-live); in a list of packets (a review request's page)
// it updates each working packet's "status (n / total)".
(function () {
  "use strict";
  var rows = document.querySelectorAll("[data-packet-status-url]");
  if (rows.length) {
    var waiting = rows.length;
    Array.prototype.forEach.call(rows, function (cell) {
      var rowUrl = cell.getAttribute("data-packet-status-url");
      function pollRow() {
        fetch(rowUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) {
            if (!data) { window.setTimeout(pollRow, 5000); return; }
            var text = data.done ? data.status_label
              : data.status_label + " (" + data.progress + " / " + data.total + ")";
            if (cell.textContent !== text) { cell.textContent = text; }
            if (!data.done) { window.setTimeout(pollRow, 2000); return; }
            waiting -= 1;
            if (waiting === 0) { window.location.reload(); }
          })
          .catch(function () { window.setTimeout(pollRow, 5000); });
      }
      window.setTimeout(pollRow, 1000);
    });
  }
  var bar = document.getElementById("packet-progress");
  if (!bar) { return; }
  var inner = bar.querySelector(".progress-bar");
  var status = document.getElementById("packet-status");
  var url = bar.getAttribute("data-status-url");

  function show(percent) {
    inner.style.width = percent + "%";
    inner.textContent = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 5000); return; }
        show(data.percent);
        if (status && status.textContent !== data.status_label) { status.textContent = data.status_label; }
        if (data.done) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  show(parseInt(inner.getAttribute("data-percent"), 10) || 0);
  window.setTimeout(poll, 1000);
}());

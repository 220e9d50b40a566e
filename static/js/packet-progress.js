// The record packet page while the worker makes it: asks quality:packet_status (JSON, no
// PHI) every two seconds, moves the progress bar and the status (aria-live), and reloads the
// page once the packet is ready or has failed.
(function () {
  "use strict";
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

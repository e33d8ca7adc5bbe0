// Exports made by a job (the bilan PDF, reports, archives): poll each pending export until it is ready (or failed).
(function () {
  "use strict";
  function poll(item) {
    var url = item.getAttribute("data-status-url");
    var status = item.querySelector(".export-status");
    var link = item.querySelector(".export-link");
    var refresh = item.querySelector(".export-refresh");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        status.textContent = data.label + (data.erreur ? " – " + data.erreur : "");
        if (data.url) {
          link.setAttribute("href", data.url);
          link.classList.remove("d-none");
        }
        if (data.done) {
          if (refresh) { refresh.remove(); }
        } else {
          window.setTimeout(function () { poll(item); }, 2000);
        }
      })
      .catch(function () { window.setTimeout(function () { poll(item); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".export[data-status-url]").forEach(function (item) {
      if (item.getAttribute("data-done") !== "1") { poll(item); }
    });
  });
})();

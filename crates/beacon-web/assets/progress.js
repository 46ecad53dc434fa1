// Beacon: follows an upload's progress without reloading the page, and opens the load's
// results when it ends. Only an enhancement: without it the page offers a link to check.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var status = box.querySelector("[data-status]");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.state === "finished") {
          window.location.assign("/runs/" + state.run_id);
          return;
        }
        if (state.state === "failed") {
          window.location.reload();
          return;
        }
        bar.value = state.percent;
        bar.textContent = state.percent + "%";
        status.textContent = state.percent + "% of the file read, " +
          state.rows.toLocaleString("en-GB") + " rows so far";
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
}());

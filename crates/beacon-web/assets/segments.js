// Beacon: the segment builder's live count. When a choice changes, the same query the
// form would send is asked of /api/v1/segments/count and the count panel and its reasons
// are rewritten in place (announced politely to screen readers). Only an enhancement:
// without it the Count button submits the form and the page answers with the count.
(function () {
  "use strict";
  var form = document.getElementById("segment");
  var result = document.querySelector("[data-segment-count-url]");
  if (!form || !result || !window.fetch || !window.URLSearchParams || !window.FormData) {
    return;
  }
  var url = result.getAttribute("data-segment-count-url");
  var asked = 0;
  var timer = null;

  function element(name, className, text) {
    var made = document.createElement(name);
    if (className) { made.className = className; }
    if (text !== undefined) { made.textContent = text; }
    return made;
  }

  function reasonRow(label, value) {
    var row = element("tr", "govuk-table__row");
    var header = element("th", "govuk-table__header", label);
    header.setAttribute("scope", "row");
    row.appendChild(header);
    row.appendChild(element("td", "govuk-table__cell govuk-table__cell--numeric", String(value)));
    return row;
  }

  function showCount(count) {
    var panel = element("div", "govuk-panel govuk-panel--confirmation");
    panel.id = "segment-count";
    panel.appendChild(element("h2", "govuk-panel__title", count.reachable + " can be reached"));
    panel.appendChild(element("div", "govuk-panel__body", "of " + count.matching + " contacts who match"));
    var table = element("table", "govuk-table");
    table.appendChild(element("caption", "govuk-table__caption govuk-table__caption--m",
      "Why the others cannot be reached"));
    var body = element("tbody", "govuk-table__body");
    body.appendChild(reasonRow("No address on this channel", count.no_address));
    body.appendChild(reasonRow("Suppressed (unsubscribed, STOP, bounced, complained)", count.suppressed));
    body.appendChild(reasonRow("No consent for this basis", count.no_consent));
    table.appendChild(body);
    result.replaceChildren(panel, table);
  }

  function showProblem(message) {
    var box = element("div", "govuk-inset-text", "The count could not be updated: " + message);
    box.id = "segment-count";
    result.replaceChildren(box);
  }

  function recount() {
    var query = new URLSearchParams(new FormData(form)).toString();
    var mine = ++asked;
    result.setAttribute("aria-busy", "true");
    fetch(url + "?" + query, {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (mine !== asked) { return; }
        result.removeAttribute("aria-busy");
        if (answer.ok) {
          showCount(answer.body.count);
          if (window.history && window.history.replaceState) {
            window.history.replaceState(null, "", form.getAttribute("action") + "?" + query);
          }
        } else {
          showProblem(answer.body.error || "try the Count button");
        }
      })
      .catch(function () {
        if (mine !== asked) { return; }
        result.removeAttribute("aria-busy");
        showProblem("Beacon could not be reached; try the Count button");
      });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(recount, 300);
  }

  form.addEventListener("change", soon);
  form.addEventListener("input", function (event) {
    if (event.target && event.target.type === "text") { soon(); }
  });
}());

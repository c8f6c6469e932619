// The forum's event stream, beyond what htmx's SSE extension does with hx-trigger="sse:...":
// a page too far behind to catch up reloads itself, and turnout counts change in place from the
// event's facts, so a burst of ballots costs the phones no requests at all.
(function () {
  "use strict";

  function onTurnout(event) {
    var facts;
    try { facts = JSON.parse(event.data); } catch (e) { return; }
    var cells = document.querySelectorAll("[data-live-participants='" + facts.vote_id + "']");
    for (var i = 0; i < cells.length; i++) cells[i].textContent = String(facts.participants);
  }

  document.addEventListener("htmx:sseOpen", function (event) {
    var source = event.detail && event.detail.source;
    if (!source || source.delibListening) return;
    source.delibListening = true;
    source.addEventListener("reload", function () { window.location.reload(); });
    source.addEventListener("turnout", onTurnout);
  });
})();

// Countdowns on the chair's screen and the projector: speaking time left, time until a remote vote
// closes. Without JavaScript the element keeps its text, which says the end time.
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-ends-at]").forEach(function (el) {
      var ends = Date.parse(el.getAttribute("data-ends-at"));
      if (isNaN(ends)) return;
      var left = Math.max(0, Math.round((ends - now) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      el.textContent = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
      el.classList.toggle("countdown-over", left === 0);
    });
  }

  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSettle", tick);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", tick);
  else tick();
})();

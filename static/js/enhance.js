// Small enhancements on top of htmx; the pages work without them.
(function () {
  "use strict";

  // After an htmx swap that removed the focused control (an "approve" button, say), keyboard and
  // screen-reader users would be dropped at the top of the page. Move focus to the swapped region
  // instead, so they stay where they were and hear what changed.
  document.addEventListener("htmx:afterSettle", function (event) {
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var target = event.detail.target;
    if (!target || !document.contains(target)) target = document.getElementById("content");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: false });
  });
})();

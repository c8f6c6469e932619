// The chair's console: "select all" for the bulk check-in (enhance.js moves focus to the message an
// action brings). Without JavaScript the boxes are ticked one by one and every form reloads the console.
(function () {
  "use strict";

  function wireSelectAll(root) {
    root.querySelectorAll("[data-select-all]").forEach(function (box) {
      if (box.hasAttribute("data-wired")) return;
      box.setAttribute("data-wired", "");
      var holder = box.closest("[hidden]");
      if (holder) holder.hidden = false;
      var name = box.getAttribute("data-select-all");
      var form = box.form;
      box.addEventListener("change", function () {
        form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (each) {
          each.checked = box.checked;
        });
      });
    });
  }

  function start() {
    wireSelectAll(document);
    document.addEventListener("htmx:afterSwap", function (event) {
      var target = event.detail.target || event.target;
      if (!target || !target.querySelector) return;
      wireSelectAll(target.parentNode || document);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
